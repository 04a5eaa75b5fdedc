/**
 * Reference suspect-profile match, independent of the circuit's formulation: the exact signed squared
 * Pearson correlation of the household's average day with the pattern (centred integer vectors,
 * circuits/profile.reference.ts) compared with the threshold as a rational. No floating point.
 */
import { signedSquaredCorrelation, sumDay } from '../profile/reference.js';

/** Whether ρ(average day, pattern) ≥ thresholdPermille / 1000 (ρ = 0 for a flat day). */
export function suspectMatch(readingsWh: readonly number[], pattern: readonly bigint[], thresholdPermille: number): boolean {
  const r = signedSquaredCorrelation(sumDay(readingsWh), pattern); // ρ|ρ| = num / den
  const t = BigInt(thresholdPermille);
  // ρ|ρ| >= (t/1000)|t/1000|  <=>  num · 10^6 >= t|t| · den
  return r.num * 1_000_000n >= t * (t < 0n ? -t : t) * r.den;
}
