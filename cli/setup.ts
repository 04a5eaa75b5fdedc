/**
 * `meterproof setup`: compile every configured circuit and build its keys in each proof system asked for
 * (Groth16 by default; PLONK and FFLONK from a universal phase-1 file, keys/universal.ts). Every step is
 * cached by content hash, so a re-run with nothing changed only checks hashes.
 */
import { compileCircuit } from '../circuits/compile.js';
import { artifactsOf } from '../core/paths.js';
import { allCircuits } from '../kinds/registry.js';
import { buildKeys } from '../keys/ceremony.js';
import type { ProofSystem } from '../core/proof-systems.js';

export interface SetupOptions {
  ptauPath?: string;
  only?: string[];
  /** default: Groth16 only */
  systems?: readonly ProofSystem[];
  log?: (message: string) => void;
}

export async function setupCircuits(o: SetupOptions = {}): Promise<void> {
  const log = o.log ?? (() => {});
  const circuits = allCircuits().filter((c) => !o.only || o.only.includes(c.id));
  if (o.only) {
    const unknown = o.only.filter((id) => !circuits.some((c) => c.id === id));
    if (unknown.length) throw new Error(`unknown circuit(s): ${unknown.join(', ')}`);
  }
  const systems = o.systems ?? ['groth16'];
  for (const c of circuits) {
    const a = artifactsOf(c.id);
    await compileCircuit(c, log);
    for (const system of systems) {
      const started = Date.now();
      const onProgress = (m: string) => log(`  [${c.id} ${system}] ${m}`);
      let mode: string;
      let cached: boolean;
      if (system === 'groth16') ({ ceremony: mode, cached } = await buildKeys({ r1csPath: a.r1cs, outDir: a.keysDir, ptauPath: o.ptauPath, onProgress }));
      else {
        const { buildUniversalKeys } = await import('../keys/universal.js');
        const keys = await buildUniversalKeys({ circuitId: c.id, r1csPath: a.r1cs, system, ptauPath: o.ptauPath, onProgress });
        mode = `${keys.transcript.mode} universal, ${keys.transcript.plonkConstraints} gates, domain 2^${keys.transcript.domainPower}`;
        cached = keys.cached;
      }
      log(`${c.id}: ${system === 'groth16' ? '' : `${system} `}keys ready (${mode}, ${cached ? 'cached' : `${((Date.now() - started) / 1000).toFixed(0)} s`})`);
    }
  }
}
