/**
 * Reference profile classification, independent of the circuit's formulation: the household's average
 * day against each profile by exact Pearson correlation (core/correlation.ts: centred integer vectors,
 * exact rationals, an integer square root for the quantised score). No floating point. Tests check that
 * kinds/profile/profile.circom outputs exactly these numbers, and
 * `floatProfileClass` is the floating-point reference the exact result is measured against.
 */
import { correlationBelow, quantisedScore, signedSquaredCorrelation, sumDay } from '../../core/correlation.js';

export interface ProfileClassResult {
  /** the best-matching profile (lowest index among equals) */
  index: number;
  /** floor(levels × ρ) for that profile, 0 when levels = 0 */
  score: number;
}

/** The exact classification of the period's readings against K profiles (48 integers each). */
export function classifyProfile(readingsWh: readonly number[], profiles: readonly (readonly bigint[])[], scoreLevels = 0): ProfileClassResult {
  if (profiles.length === 0) throw new Error('no profiles');
  const day = sumDay(readingsWh);
  const correlations = profiles.map((p) => signedSquaredCorrelation(day, p));
  let index = 0;
  correlations.forEach((r, k) => {
    if (correlationBelow(correlations[index], r)) index = k;
  });
  return { index, score: scoreLevels === 0 ? 0 : quantisedScore(correlations[index], scoreLevels) };
}

/**
 * Floating-point reference: the household's average day in kWh (from the raw kWh values, not via Wh) and
 * the profiles in kW, Pearson correlation in float64, first maximum. A flat day correlates 0 with all.
 */
export function floatProfileClass(averageDayKwh: readonly number[], profilesKw: readonly (readonly number[])[]): { index: number; correlations: number[] } {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const correlation = (a: readonly number[], b: readonly number[]) => {
    const ma = mean(a);
    const mb = mean(b);
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < a.length; i++) {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) ** 2;
      bb += (b[i] - mb) ** 2;
    }
    return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
  };
  const correlations = profilesKw.map((p) => correlation(averageDayKwh, p));
  let index = 0;
  correlations.forEach((r, k) => {
    if (r > correlations[index]) index = k;
  });
  return { index, correlations };
}
