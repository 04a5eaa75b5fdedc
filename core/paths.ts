/**
 * Where things are: the repository, the one build tree (gitignored) and each circuit instance's artifacts
 * in it — build/<circuit id>/ (compiled circuit) and build/<circuit id>/keys/ (ceremony output).
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// core/ sits in the repository root, or in dist/core/ when running the compiled package (tsconfig.build.json)
const ROOT_OR_DIST = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = basename(ROOT_OR_DIST) === 'dist' ? dirname(ROOT_OR_DIST) : ROOT_OR_DIST;
export const BUILD_DIR = join(REPO_ROOT, 'build');
/** the household page as Vite builds it, served at / by the verifier API */
export const WEB_BUILD_DIR = join(BUILD_DIR, 'web');

export interface CircuitArtifacts {
  dir: string;
  r1cs: string;
  sym: string;
  wasm: string;
  keysDir: string;
  zkey: string;
  vkey: string;
}

export function artifactsOf(id: string): CircuitArtifacts {
  const dir = join(BUILD_DIR, id);
  const keysDir = join(dir, 'keys');
  return {
    dir,
    r1cs: join(dir, 'circuit.r1cs'),
    sym: join(dir, 'circuit.sym'),
    wasm: join(dir, 'circuit_js', 'circuit.wasm'),
    keysDir,
    zkey: join(keysDir, 'circuit_final.zkey'),
    vkey: join(keysDir, 'verification_key.json'),
  };
}
