/**
 * Where things are: the repository, the one build tree (gitignored) and each circuit instance's artifacts
 * in it — build/<circuit id>/ (compiled circuit) and build/<circuit id>/keys/ (ceremony output).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
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
