/**
 * TypeScript side of profile.circom (profile class): the statement, the public layout a verifier rebuilds
 * from the scheme's published profiles and the witness input.
 *
 * Outputs: index, the best-matching profile 0..K-1 (lowest index among equals); score, floor(scoreLevels
 * × ρ) in [-scoreLevels, scoreLevels], 0 when scoreLevels = 0. Public inputs after the certified period:
 * profiles (row by row, profile k slot s at 48k + s), norms N_k = 48 Σ P_k² − (Σ P_k)² (derived from the
 * profiles), scoreLevels.
 */
import { z } from 'zod';
import { toField } from '../../core/field.js';
import { isoDay } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, circuitParam, certifiedSignalValues, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { assertSamePeriod, parseDocument, PeriodSchema, publishedDocumentHead, type PeriodJson } from '../../core/documents.js';
import { DayShapeSchema } from '../../circuits/lib/similarity.js';
import { assertShape, shapeNorm } from '../../circuits/lib/similarity.js';
import { elexonPeriodProfiles, type ElexonClass } from './elexon.js';
import type { CircuitConfig } from '../../circuits/config.js';

/** The circuit checks |score| <= 1024 and relies on scoreLevels <= 1000 for its comparison widths. */
export const MAX_SCORE_LEVELS = 1000;

/** K, the number of profiles the circuit ranks. */
export const profileCount = (c: CircuitConfig) => circuitParam(c, 'K', 'profile count');

/** Everything public about a profile-class proof except its outputs. */
export interface ProfileStatement extends CertifiedPeriod {
  /** the scheme's K profile vectors for this period: 48 integers in [0, 2^20) each, none flat */
  profiles: readonly (readonly bigint[])[];
  /** 0: no score revealed; L: reveal floor(L × correlation) */
  scoreLevels: number;
}

export interface ProfileOutputs {
  index: number;
  score: number;
}

function assertStatementFits(s: ProfileStatement, c: CircuitConfig): void {
  assertPeriodFits(s, c);
  const K = profileCount(c);
  if (s.profiles.length !== K) throw new Error(`circuit ${c.id} ranks ${K} profiles, the statement has ${s.profiles.length}`);
  s.profiles.forEach((p, k) => assertShape(p, `profile ${k}`));
  if (!Number.isInteger(s.scoreLevels) || s.scoreLevels < 0 || s.scoreLevels > MAX_SCORE_LEVELS) {
    throw new Error(`scoreLevels must be an integer in 0..${MAX_SCORE_LEVELS}, not ${s.scoreLevels}`);
  }
}

/** The public signals: index, score, the certified period, then profiles (K × 48, flattened), norms[K] and scoreLevels. */
export const PROFILE_LAYOUT: PublicLayout = [output('index'), output('score'), ...CERTIFIED_LAYOUT, input('profiles', (c) => [profileCount(c), 48]), input('norms', profileCount), input('scoreLevels')];

/** Every public signal's value by name. */
export function profileSignalValues(s: ProfileStatement, out: ProfileOutputs, c: CircuitConfig) {
  assertStatementFits(s, c);
  return {
    index: BigInt(out.index),
    score: toField(BigInt(out.score)),
    ...certifiedSignalValues(s),
    profiles: s.profiles.flat(),
    norms: s.profiles.map(shapeNorm),
    scoreLevels: BigInt(s.scoreLevels),
  };
}

/** The witness input: the statement's public part plus the bundle's private readings, chain state and signature. */
export function profileWitnessInput(bundle: Bundle, s: ProfileStatement, c: CircuitConfig): Record<string, unknown> {
  assertStatementFits(s, c);
  return {
    ...certifiedWitnessInput(bundle, s, c),
    profiles: s.profiles.map((p) => p.map(String)),
    norms: s.profiles.map((p) => shapeNorm(p).toString()),
    scoreLevels: String(s.scoreLevels),
  };
}

export const PROFILE_SET_FORMAT = 'meterproof-profile-set/1';

/**
 * The profile set a scheme publishes ("meterproof-profile-set/1"): 1 to K named day shapes and the score
 * resolution. Shapes are matched by correlation with the household's summed day, so only their shape
 * matters; a set built for one period (the Elexon mix of its seasons and day types) names that period.
 */
export const ProfileSetSchema = z.strictObject({
  ...publishedDocumentHead(PROFILE_SET_FORMAT),
  period: PeriodSchema.optional().describe('the only period this set is for; absent: any period'),
  scoreLevels: z
    .number()
    .int()
    .min(0)
    .max(MAX_SCORE_LEVELS)
    .describe('0: reveal no score; L: reveal floor(L x correlation) with the best profile'),
  profiles: z
    .array(z.strictObject({ name: z.string().min(1), shape: DayShapeSchema }))
    .min(1)
    .describe('1 to K (8) profiles; the index output counts from 0 in this order'),
});
export type ProfileSetJson = z.infer<typeof ProfileSetSchema>;

export interface ProfileSet {
  id: string;
  period?: PeriodJson;
  scoreLevels: number;
  profiles: { name: string; shape: bigint[] }[];
}

/** Parses and checks a published profile set. */
export function parseProfileSet(json: unknown): ProfileSet {
  const s = parseDocument(ProfileSetSchema, json, 'profile set');
  return { id: s.id, period: s.period, scoreLevels: s.scoreLevels, profiles: s.profiles.map((p) => ({ name: p.name, shape: p.shape.map(BigInt) })) };
}

/** A statement built from a published set: the circuit's K profiles, and how many of them were published. */
export interface ProfileSetStatement extends ProfileStatement {
  published: number;
}

/**
 * The statement a published set gives for a period on circuit `c`. A set of fewer than K profiles is
 * padded by repeating its last profile: the copy ties with it and ties go to the lowest index, so a copy
 * is never the answer and the score is the same. Refuses a set made for another period or with more than K.
 */
export function profileSetStatement(p: CertifiedPeriod, set: ProfileSet, c: CircuitConfig): ProfileSetStatement {
  if (set.period) assertSamePeriod(set.period, p, `profile set ${set.id}`);
  const K = profileCount(c);
  const shapes = set.profiles.map((x) => x.shape);
  if (shapes.length === 0 || shapes.length > K) throw new Error(`profile set ${set.id} has ${shapes.length} profiles; circuit ${c.id} ranks 1 to ${K}`);
  const s: ProfileSetStatement = {
    meterId: p.meterId,
    publicKey: p.publicKey,
    startDay: p.startDay,
    days: p.days,
    profiles: Array.from({ length: K }, (_, k) => shapes[Math.min(k, shapes.length - 1)]),
    scoreLevels: set.scoreLevels,
    published: shapes.length,
  };
  assertStatementFits(s, c);
  return s;
}

/** The Elexon classes' profile set for a period (kinds/profile/elexon.ts): W summed over its days per UTC half-hour. */
export function elexonProfileSet(classes: readonly ElexonClass[], o: { id: string; name?: string; publisher?: string; startDay: number; days: number; scoreLevels: number }): ProfileSetJson {
  const shapes = elexonPeriodProfiles(classes, o.startDay, o.days);
  const start = isoDay(o.startDay);
  return parseDocument(
    ProfileSetSchema,
    {
      format: PROFILE_SET_FORMAT,
      id: o.id,
      name: o.name ?? `Elexon profile classes, ${start} + ${o.days} day(s)`,
      ...(o.publisher === undefined ? {} : { publisher: o.publisher }),
      description: "Elexon standard load profiles: per UTC half-hour of the day, W summed over the period's days (local season and day type, summer time shifted)",
      period: { start, days: o.days },
      scoreLevels: o.scoreLevels,
      profiles: classes.map((c, k) => ({ name: c.name, shape: shapes[k].map(Number) })),
    },
    'profile set',
  );
}
