/**
 * TypeScript side of circuits/lib/similarity.circom: the bounds a published 48-slot day shape must meet
 * and the shape norm N = 48 Σ P² − (Σ P)² that a verifier derives from it (a public input of the circuits
 * that use the block).
 */
import { z } from 'zod';
import { SLOTS_PER_DAY } from '../../core/time.js';

/** Shape entries are integers in [0, 2^20): the widths of circuits/lib/similarity.circom rely on it. */
export const SHAPE_BITS = 20;
export const MAX_SHAPE_VALUE = 2n ** BigInt(SHAPE_BITS) - 1n;

/** 48 Σ P² − (Σ P)² = 48² × Σ (P − mean)²: zero exactly when the shape is flat. */
export function shapeNorm(shape: readonly bigint[]): bigint {
  let sum = 0n;
  let squares = 0n;
  for (const p of shape) {
    sum += p;
    squares += p * p;
  }
  return BigInt(SLOTS_PER_DAY) * squares - sum * sum;
}

/** Refuses a shape the circuit's widths do not cover, or a flat one (N = 0). */
export function assertShape(shape: readonly bigint[], what: string): void {
  if (shape.length !== SLOTS_PER_DAY) throw new Error(`${what} must have ${SLOTS_PER_DAY} half-hour values, not ${shape.length}`);
  shape.forEach((p, s) => {
    if (typeof p !== 'bigint' || p < 0n || p > MAX_SHAPE_VALUE) throw new Error(`${what}: slot ${s} value ${p} is outside 0..${MAX_SHAPE_VALUE}`);
  });
  if (shapeNorm(shape) === 0n) throw new Error(`${what} is flat: a correlation with it is undefined`);
}

/**
 * A day shape: 48 integers (one per UTC half-hour) in [0, 2^20), not all equal. Only the shape matters to
 * the similarity circuits (correlation ignores scale and offset); a flat shape has no correlation.
 */
export const DayShapeSchema = z
  .array(z.number().int('values are integers').min(0).max(Number(MAX_SHAPE_VALUE), 'values are below 2^20'))
  .length(SLOTS_PER_DAY, `a day shape has ${SLOTS_PER_DAY} half-hour values`)
  .refine((shape) => shapeNorm(shape.map(BigInt)) !== 0n, 'the shape is flat (every value equal): a correlation with it is undefined');
