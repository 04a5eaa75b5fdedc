/**
 * TypeScript side of circuits/sampling.circom (sampled disclosure for settlement): the challenge seed, the
 * public-signal layout and the witness input.
 *
 * Protocol: the verifier draws a fresh seed (randomSeed), stores it with the challenge and sends it to the
 * household; the household proves with that seed; the verifier checks the proof against the public
 * signals rebuilt from ITS stored seed (samplingPublicSignals). The sampled slots are outputs of the
 * circuit, derived from the seed inside it, so the verifier needs no Poseidon of its own: it reads the
 * slots and readings from the verified public signals.
 */
import { randomBytes } from 'node:crypto';
import { SNARK_FIELD } from '../core/field.js';
import type { Bundle } from '../meter/bundle.js';
import { assertPeriodFits, CERTIFIED_SIGNAL_NAMES, certifiedPublicSignals, certifiedWitnessInput, smallOutput, type CertifiedPeriod } from './lib/certified_inputs.js';
import { MAX_READING_WH } from '../meter/chain.js';
import type { CircuitConfig } from './registry.js';
import type { Sample } from './sampling.reference.js';

export type { Sample };
export { sampleReadings, seededOffsets } from './sampling.reference.js';

/** Everything public about a sampling proof except its outputs. */
export interface SamplingStatement extends CertifiedPeriod {
  /** the verifier's challenge: a field element (randomSeed draws 248 random bits) */
  seed: bigint;
}

export interface SamplingOutputs {
  /** in the circuit's order: sample j was derived from Poseidon(seed, floor(j / 5)) */
  samples: Sample[];
}

/** A fresh challenge seed: 248 uniformly random bits (below the field modulus, so no reduction bias). */
export function randomSeed(): bigint {
  return BigInt('0x' + randomBytes(31).toString('hex'));
}

function sampleCount(c: CircuitConfig): number {
  const n = c.params.samples;
  if (c.kind !== 'sampling' || !Number.isInteger(n) || n < 1) throw new Error(`circuit ${c.id} is not a sampling circuit`);
  return n;
}

function assertSeed(seed: bigint): void {
  if (seed < 0n || seed >= SNARK_FIELD) throw new Error('the seed must be a field element (0 <= seed < r)');
}

/** The public signals in snarkjs order: slot[0 … S-1], reading[0 … S-1], meterId, Ax, Ay, startDay, days, seed. */
export function samplingPublicSignals(s: SamplingStatement, out: SamplingOutputs, c: CircuitConfig): bigint[] {
  assertPeriodFits(s, c);
  assertSeed(s.seed);
  const n = sampleCount(c);
  if (out.samples.length !== n) throw new Error(`${c.id} reveals ${n} samples, not ${out.samples.length}`);
  const first = 48 * s.startDay;
  for (const { slot, readingWh } of out.samples) {
    if (!Number.isInteger(slot) || slot < first || slot >= first + 48 * s.days) throw new Error(`sampled slot ${slot} is outside the period`);
    if (!Number.isInteger(readingWh) || readingWh < 0 || readingWh > MAX_READING_WH) throw new Error(`sampled reading ${readingWh} Wh is not a 14-bit reading`);
  }
  return [...out.samples.map((x) => BigInt(x.slot)), ...out.samples.map((x) => BigInt(x.readingWh)), ...certifiedPublicSignals(s), s.seed];
}

export function samplingSignalCount(c: CircuitConfig): number {
  return 2 * sampleCount(c) + CERTIFIED_SIGNAL_NAMES.length + 1;
}

/** Human name of public signal `i`, for error messages. */
export function samplingSignalName(i: number, c: CircuitConfig): string {
  const n = sampleCount(c);
  if (i < n) return `slot of sample ${i}`;
  if (i < 2 * n) return `reading of sample ${i - n}`;
  const names = [...CERTIFIED_SIGNAL_NAMES, 'seed'];
  if (i < 2 * n + names.length) return names[i - 2 * n];
  throw new Error(`${c.id} has ${samplingSignalCount(c)} public signals, not ${i + 1}`);
}

/** Reads the samples from a proof's public signals. */
export function decodeSamplingOutputs(publicSignals: readonly (string | bigint)[], c: CircuitConfig): SamplingOutputs {
  const n = sampleCount(c);
  const slotLimit = Number.MAX_SAFE_INTEGER;
  return {
    samples: Array.from({ length: n }, (_, j) => ({
      slot: smallOutput(BigInt(publicSignals[j]), slotLimit, `slot of sample ${j}`),
      readingWh: smallOutput(BigInt(publicSignals[n + j]), MAX_READING_WH + 1, `reading of sample ${j}`),
    })),
  };
}

/** The witness input: the certified period and readings, and the seed (the slots are derived in-circuit). */
export function samplingWitnessInput(bundle: Bundle, s: SamplingStatement, c: CircuitConfig): Record<string, string | string[]> {
  assertSeed(s.seed);
  sampleCount(c);
  return { ...certifiedWitnessInput(bundle, s, c), seed: s.seed.toString() };
}
