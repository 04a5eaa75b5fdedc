/**
 * `meterproof setup`: compile every configured circuit and build its keys. Both steps are cached by
 * content hash, so a re-run with nothing changed only checks hashes.
 */
import { compileCircuit } from '../circuits/compile.js';
import { artifactsOf } from '../core/paths.js';
import { allCircuits } from '../kinds/registry.js';
import { buildKeys } from '../keys/ceremony.js';

export interface SetupOptions {
  ptauPath?: string;
  only?: string[];
  log?: (message: string) => void;
}

export async function setupCircuits(o: SetupOptions = {}): Promise<void> {
  const log = o.log ?? (() => {});
  const circuits = allCircuits().filter((c) => !o.only || o.only.includes(c.id));
  if (o.only) {
    const unknown = o.only.filter((id) => !circuits.some((c) => c.id === id));
    if (unknown.length) throw new Error(`unknown circuit(s): ${unknown.join(', ')}`);
  }
  for (const c of circuits) {
    const a = artifactsOf(c.id);
    await compileCircuit(c, log);
    const started = Date.now();
    const keys = await buildKeys({ r1csPath: a.r1cs, outDir: a.keysDir, ptauPath: o.ptauPath, onProgress: (m: string) => log(`  [${c.id}] ${m}`) });
    log(`${c.id}: keys ready (${keys.ceremony}${Date.now() - started > 1000 ? `, ${((Date.now() - started) / 1000).toFixed(0)} s` : ', cached'})`);
  }
}
