/**
 * The circuit instances, configured in one place (circuits/circuits.json), and where their build
 * artifacts live: build/<circuit id>/ (compiled circuit) and build/<circuit id>/keys/ (ceremony output).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CIRCUITS_DIR = join(REPO_ROOT, 'circuits');
export const BUILD_DIR = join(REPO_ROOT, 'build');

export interface CircuitConfig {
  id: string;
  /** the result kind this circuit proves (e.g. "bill") */
  kind: string;
  file: string;
  template: string;
  /** template arguments, in order; every certified-readings circuit has maxDays and minDays */
  params: { maxDays: number; minDays: number } & Record<string, number>;
  public: string[];
}

export function loadCircuits(): CircuitConfig[] {
  const raw = JSON.parse(readFileSync(join(CIRCUITS_DIR, 'circuits.json'), 'utf8')) as Record<string, Omit<CircuitConfig, 'id'>>;
  return Object.entries(raw).map(([id, c]) => ({ id, ...c }));
}

export function getCircuit(id: string): CircuitConfig {
  const circuit = loadCircuits().find((c) => c.id === id);
  if (!circuit) throw new Error(`unknown circuit "${id}" (known: ${loadCircuits().map((c) => c.id).join(', ')})`);
  return circuit;
}

/** The smallest circuit of a kind that serves a period of `days` days. */
export function circuitForDays(kind: CircuitConfig['kind'], days: number): CircuitConfig {
  const fits = loadCircuits()
    .filter((c) => c.kind === kind && c.params.minDays <= days && days <= c.params.maxDays)
    .sort((a, b) => a.params.maxDays - b.params.maxDays);
  if (fits.length === 0) throw new Error(`no ${kind} circuit serves a period of ${days} days`);
  return fits[0];
}

export interface CircuitArtifacts {
  dir: string;
  r1cs: string;
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
    wasm: join(dir, 'circuit_js', 'circuit.wasm'),
    keysDir,
    zkey: join(keysDir, 'circuit_final.zkey'),
    vkey: join(keysDir, 'verification_key.json'),
  };
}
