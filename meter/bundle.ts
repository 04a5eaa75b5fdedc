/**
 * The certified readings bundle: the format (meter/bundle-format.ts, re-exported here) plus reading a
 * bundle file and checking the meter's signature over it.
 */
import { readFileSync } from 'node:fs';
import { SLOTS_PER_DAY } from '../core/time.js';
import { parseBundle, type Bundle } from './bundle-format.js';
import { appendDay, chainDigest, dailyMessage } from './chain.js';
import { verifySignature } from './crypto.js';
import { meterIdToField } from './meter-id.js';

export * from './bundle-format.js';

export function readBundle(path: string): Bundle {
  return parseBundle(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * Replays the chain over the bundle's readings and checks the meter's signature, outside any circuit:
 * a prover calls this first so that an altered bundle fails with a clear message instead of an
 * unsatisfiable witness.
 */
export async function verifyBundleSignature(b: Bundle): Promise<boolean> {
  let state = b.chainStart;
  for (let d = 0; d < b.days; d++) {
    state = await appendDay(state, b.readingsWh.slice(d * SLOTS_PER_DAY, (d + 1) * SLOTS_PER_DAY));
  }
  const message = await dailyMessage(meterIdToField(b.meterId), b.startDay + b.days, await chainDigest(state));
  return verifySignature(b.publicKey, message, b.signature);
}
