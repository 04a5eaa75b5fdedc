/**
 * TypeScript side of sampling.circom (sampled disclosure for settlement): the challenge seed, the public
 * layout and the witness input.
 *
 * Protocol: the verifier draws a fresh seed (randomSeed), stores it with the challenge and sends it to the
 * household; the household proves with that seed; the verifier checks the proof against the public
 * signals rebuilt from ITS stored seed (samplingSignalValues). The sampled slots are outputs of the
 * circuit, derived from the seed inside it, so the verifier needs no Poseidon of its own: it reads the
 * slots and readings from the verified public signals.
 */
import { z } from 'zod';
import { isCanonicalFieldDecimal, SNARK_FIELD } from '../../core/field.js';
import type { Bundle } from '../../meter/bundle.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { assertSamePeriod, DocumentIdSchema, parseDocument, PeriodSchema, type PeriodJson } from '../../core/documents.js';
import { MeterIdSchema } from '../../meter/meter-id.js';
import { MAX_READING_WH } from '../../meter/chain.js';
import type { CircuitConfig } from '../../circuits/config.js';
import type { Sample } from './reference.js';

export type { Sample };
export { sampleReadings, seededOffsets } from './reference.js';

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
  return BigInt('0x' + randomHex(31));
}

/** `bytes` random bytes in hex, from WebCrypto (Node and browsers: the household page proves sampling too). */
const randomHex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

export const CHALLENGE_FORMAT = 'meterproof-challenge/1';

/**
 * The challenge a verifier issues and stores ("meterproof-challenge/1"): one seed for one meter and one
 * period. The seed is what the proof is bound to; meter and period say which proof may answer it.
 */
export const ChallengeSchema = z.strictObject({
  format: z.literal(CHALLENGE_FORMAT),
  id: DocumentIdSchema.describe('the issuer\'s reference for this challenge'),
  issuer: z.string().min(1).max(200).describe('who issued the challenge and stores its seed'),
  meterId: MeterIdSchema.describe('the only meter that may answer (1-31 characters from A-Z a-z 0-9 . _ -)'),
  period: PeriodSchema.describe('the only period that may answer (first UTC day, number of days)'),
  seed: z
    .string()
    .regex(/^(0|[1-9]\d{0,76})$/, 'expected a decimal integer')
    .refine(isCanonicalFieldDecimal, 'expected a field element in canonical decimal form (0 <= seed < r)')
    .describe('decimal field element; newChallenge draws 248 random bits'),
  issuedAt: z.iso.datetime().optional(),
});
export type ChallengeJson = z.infer<typeof ChallengeSchema>;

export interface Challenge {
  id: string;
  issuer: string;
  meterId: string;
  period: PeriodJson;
  seed: bigint;
}

/** Parses and checks a challenge document. */
export function parseChallenge(json: unknown): Challenge {
  const c = parseDocument(ChallengeSchema, json, 'challenge');
  return { id: c.id, issuer: c.issuer, meterId: c.meterId, period: c.period, seed: BigInt(c.seed) };
}

/** A fresh challenge with a fresh seed (randomSeed), as a verifier issues it; validated before it is returned. */
export function newChallenge(o: { id?: string; issuer: string; meterId: string; period: { start: string; days: number } }): ChallengeJson {
  const doc: ChallengeJson = {
    format: CHALLENGE_FORMAT,
    id: o.id ?? `challenge-${randomHex(8)}`,
    issuer: o.issuer,
    meterId: o.meterId,
    period: { start: o.period.start, days: o.period.days },
    seed: randomSeed().toString(),
    issuedAt: new Date().toISOString(),
  };
  parseChallenge(doc);
  return doc;
}

/** The statement a challenge asks for; refuses a challenge issued for another meter or period. */
export function challengeStatement(p: CertifiedPeriod, challenge: Challenge): SamplingStatement {
  if (challenge.meterId !== p.meterId) throw new Error(`the challenge is for meter ${challenge.meterId}, not ${p.meterId}`);
  assertSamePeriod(challenge.period, p, 'the challenge');
  return { meterId: p.meterId, publicKey: p.publicKey, startDay: p.startDay, days: p.days, seed: challenge.seed };
}

function sampleCount(c: CircuitConfig): number {
  const n = c.params.samples;
  if (c.kind !== 'sampling' || !Number.isInteger(n) || n < 1) throw new Error(`circuit ${c.id} is not a sampling circuit`);
  return n;
}

function assertSeed(seed: bigint): void {
  if (seed < 0n || seed >= SNARK_FIELD) throw new Error('the seed must be a field element (0 <= seed < r)');
}

/** The public signals: slot[samples] (absolute UTC slot numbers), reading[samples] (Wh), the certified period, then the seed. */
export const SAMPLING_LAYOUT: PublicLayout = [output('slot', sampleCount), output('reading', sampleCount), ...CERTIFIED_LAYOUT, input('seed')];

/** Every public signal's value by name; refuses samples outside the period or beyond 14 bits. */
export function samplingSignalValues(s: SamplingStatement, out: SamplingOutputs, c: CircuitConfig) {
  assertPeriodFits(s, c);
  assertSeed(s.seed);
  const n = sampleCount(c);
  if (out.samples.length !== n) throw new Error(`${c.id} reveals ${n} samples, not ${out.samples.length}`);
  const first = 48 * s.startDay;
  for (const { slot, readingWh } of out.samples) {
    if (!Number.isInteger(slot) || slot < first || slot >= first + 48 * s.days) throw new Error(`sampled slot ${slot} is outside the period`);
    if (!Number.isInteger(readingWh) || readingWh < 0 || readingWh > MAX_READING_WH) throw new Error(`sampled reading ${readingWh} Wh is not a 14-bit reading`);
  }
  return { slot: out.samples.map((x) => BigInt(x.slot)), reading: out.samples.map((x) => BigInt(x.readingWh)), ...certifiedSignalValues(s), seed: s.seed };
}

/** The witness input: the certified period and readings, and the seed (the slots are derived in-circuit). */
export function samplingWitnessInput(bundle: Bundle, s: SamplingStatement, c: CircuitConfig): Record<string, string | string[]> {
  assertSeed(s.seed);
  sampleCount(c);
  return { ...certifiedWitnessInput(bundle, s, c), seed: s.seed.toString() };
}
