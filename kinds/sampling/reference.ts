/**
 * Reference computation of the sampled disclosure: which slots a seed selects and the readings there, in
 * plain bigint arithmetic (no bit decomposition, no packing). Tests check that kinds/sampling/sampling.circom
 * outputs exactly these samples; the prover uses it to check the circuit's outputs before publishing.
 *
 *   h_c      = Poseidon(seed, c)                                   c = floor(j / 5)
 *   offset_j = ((h_c >> (50 * (j mod 5))) mod 2^50) mod (48 * days)
 *   slot_j   = 48 * startDay + offset_j
 */
import { poseidonHash } from '../../meter/crypto.js';

export const OFFSETS_PER_HASH = 5;
export const OFFSET_CHUNK_BITS = 50n;

export interface Sample {
  /** absolute half-hour slot (core/time.ts) */
  slot: number;
  readingWh: number;
}

/** The `count` offsets (0 … 48·days - 1) that `seed` selects in a period of `days` days. */
export async function seededOffsets(seed: bigint, days: number, count: number): Promise<number[]> {
  const slots = BigInt(48 * days);
  const mask = (1n << OFFSET_CHUNK_BITS) - 1n;
  const offsets: number[] = [];
  let hash = 0n;
  for (let j = 0; j < count; j++) {
    if (j % OFFSETS_PER_HASH === 0) hash = await poseidonHash([seed, BigInt(Math.floor(j / OFFSETS_PER_HASH))]);
    const chunk = (hash >> (OFFSET_CHUNK_BITS * BigInt(j % OFFSETS_PER_HASH))) & mask;
    offsets.push(Number(chunk % slots));
  }
  return offsets;
}

/** The samples a proof for `seed` reveals from the period's readings (readingsWh[0] is startDay's first slot). */
export async function sampleReadings(readingsWh: readonly number[], startDay: number, seed: bigint, count: number): Promise<Sample[]> {
  if (readingsWh.length % 48 !== 0 || readingsWh.length === 0) throw new Error('readings must cover whole days');
  const offsets = await seededOffsets(seed, readingsWh.length / 48, count);
  return offsets.map((o) => ({ slot: 48 * startDay + o, readingWh: readingsWh[o] }));
}
