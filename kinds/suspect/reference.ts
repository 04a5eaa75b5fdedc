/**
 * Reference suspect-pattern match, independent of the circuit's formulation: the exact signed squared
 * Pearson correlation of the household's average day with the pattern (centred integer vectors,
 * core/correlation.ts) set against the cut-off as a rational. No floating point.
 */
import { signedSquaredCorrelation, sumDay } from '../../core/correlation.js';

/** Whether ρ(average day, pattern) ≥ minPermille / 1000 (ρ = 0 for a flat day). */
export function suspectMatch(readingsWh: readonly number[], pattern: readonly bigint[], minPermille: number): boolean {
  const r = signedSquaredCorrelation(sumDay(readingsWh), pattern); // ρ|ρ| = num / den
  const t = BigInt(minPermille);
  // ρ|ρ| >= (t/1000)|t/1000|  <=>  num · 10^6 >= t|t| · den
  return r.num * 1_000_000n >= t * (t < 0n ? -t : t) * r.den;
}
