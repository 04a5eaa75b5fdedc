/**
 * The child process of provision.ts: one order, then it exits. `build` compiles the circuit (cached in
 * build/<id>/) and runs the development ceremony into <work>/keys; `fetch` downloads the circuit's keys
 * from the upstream API, checks them against the key it pins (keys/fetch.ts) and writes them into
 * <work>/keys and <work>/circuit.wasm. The parent checks the result before anything moves into place.
 */
import { join } from 'node:path';
import { compileCircuit } from '../circuits/compile.js';
import { artifactsOf } from '../core/paths.js';
import { buildKeys } from '../keys/ceremony.js';
import { apiBase, downloadChecked, KeyFetchRefused, keyListing, writeKeys } from '../keys/fetch.js';
import { terminateSharedCurve } from '../keys/curve.js';
import { loadCircuits } from '../kinds/registry.js';
import type { ProvisionOrder, ProvisionReport } from './provision.js';

const report = (m: ProvisionReport) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

async function run(o: ProvisionOrder): Promise<void> {
  const circuit = loadCircuits().find((c) => c.id === o.circuit);
  if (!circuit) throw new Error(`no circuit ${o.circuit}`);
  const progress = (line: string) => void report({ progress: line });
  if (o.source === 'build') {
    await compileCircuit(circuit, progress);
    await buildKeys({ r1csPath: artifactsOf(circuit.id).r1cs, outDir: join(o.work, 'keys'), onProgress: progress });
    return;
  }
  if (!o.upstream) throw new Error('no upstream API to fetch from');
  const base = apiBase(o.upstream);
  progress(`listing the keys of ${base.origin}`);
  const entry = (await keyListing(base)).circuits.find((c) => c.id === circuit.id);
  if (!entry) throw new KeyFetchRefused(`the upstream API ${base.origin} has no keys for ${circuit.id}`);
  progress(`downloading and checking ${circuit.id}'s keys`);
  try {
    const fetched = await downloadChecked(base, entry, o.work);
    if (o.production && fetched.development) throw new KeyFetchRefused(`${circuit.id}: the upstream API serves development keys; refused in production`);
    await writeKeys(fetched, { keysDir: join(o.work, 'keys'), wasm: join(o.work, 'circuit.wasm') });
  } finally {
    await terminateSharedCurve();
  }
}

process.once('message', (order: ProvisionOrder) => {
  run(order).then(
    async () => {
      await report({ done: true });
      process.exit(0);
    },
    async (e: Error) => {
      await report({ error: e.message || String(e) });
      process.exit(1);
    },
  );
});
