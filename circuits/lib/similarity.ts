/**
 * TypeScript side of circuits/lib/similarity.circom: the bounds a published 48-slot profile must meet and
 * the profile norm N = 48 Σ P² − (Σ P)² that a verifier derives from it (a public input of the circuits
 * that use the block: profile.circom, suspect.circom).
 */
import { z } from 'zod';
import { SLOTS_PER_DAY } from '../../core/time.js';

/** Profile entries are integers in [0, 2^20): the widths of circuits/lib/similarity.circom rely on it. */
export const PROFILE_BITS = 20;
export const MAX_PROFILE_VALUE = 2n ** BigInt(PROFILE_BITS) - 1n;

/** 48 Σ P² − (Σ P)² = 48² × Σ (P − mean)²: zero exactly when the profile is flat. */
export function profileNorm(profile: readonly bigint[]): bigint {
  let sum = 0n;
  let squares = 0n;
  for (const p of profile) {
    sum += p;
    squares += p * p;
  }
  return BigInt(SLOTS_PER_DAY) * squares - sum * sum;
}

/** Refuses a profile the circuit's widths do not cover, or one without a shape (flat: N = 0). */
export function assertProfile(profile: readonly bigint[], what: string): void {
  if (profile.length !== SLOTS_PER_DAY) throw new Error(`${what} must have ${SLOTS_PER_DAY} half-hour values, not ${profile.length}`);
  profile.forEach((p, s) => {
    if (typeof p !== 'bigint' || p < 0n || p > MAX_PROFILE_VALUE) throw new Error(`${what}: slot ${s} value ${p} is outside 0..${MAX_PROFILE_VALUE}`);
  });
  if (profileNorm(profile) === 0n) throw new Error(`${what} is flat: a correlation with it is undefined`);
}

/**
 * A day shape: 48 integers (one per UTC half-hour) in [0, 2^20), not all equal. Only the shape matters to
 * the similarity circuits (correlation ignores scale and offset); a flat shape has no correlation.
 */
export const DayShapeSchema = z
  .array(z.number().int('values are integers').min(0).max(Number(MAX_PROFILE_VALUE), 'values are below 2^20'))
  .length(SLOTS_PER_DAY, `a day shape has ${SLOTS_PER_DAY} half-hour values`)
  .refine((shape) => profileNorm(shape.map(BigInt)) !== 0n, 'the shape is flat (every value equal): a correlation with it is undefined');
