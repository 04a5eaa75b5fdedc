/**
 * Reference profile classification, independent of the circuit's formulation: it builds the household's
 * average day and the profiles as explicitly centred integer vectors (scaled by 48 to stay integral),
 * compares Pearson correlations as exact rationals, and finds the quantised score with an integer square
 * root. No floating point. Tests check that circuits/profile.circom outputs exactly these numbers, and
 * `floatProfileClass` is the floating-point reference the exact result is measured against.
 */
import { SLOTS_PER_DAY } from '../../core/time.js';

/** Σ over the period's days of each slot of the day: the average day times the number of days. */
export function sumDay(readingsWh: readonly number[]): bigint[] {
  if (readingsWh.length % SLOTS_PER_DAY !== 0) throw new Error('readings must cover whole days');
  const day = Array<bigint>(SLOTS_PER_DAY).fill(0n);
  readingsWh.forEach((wh, i) => (day[i % SLOTS_PER_DAY] += BigInt(wh)));
  return day;
}

/** 48·v − Σv: the vector minus its mean, times 48. */
function centred(v: readonly bigint[]): bigint[] {
  const total = v.reduce((a, b) => a + b, 0n);
  return v.map((x) => BigInt(v.length) * x - total);
}

const dotOf = (a: readonly bigint[], b: readonly bigint[]) => a.reduce((acc, x, i) => acc + x * b[i], 0n);

/**
 * A correlation as the exact signed square ρ|ρ| = num / den (den > 0; 0/1 when either vector is flat,
 * the convention for "no shape").
 */
export interface SignedSquaredCorrelation {
  num: bigint;
  den: bigint;
}

export function signedSquaredCorrelation(day: readonly bigint[], profile: readonly bigint[]): SignedSquaredCorrelation {
  const a = centred(day);
  const p = centred(profile);
  const c = dotOf(a, p);
  const den = dotOf(a, a) * dotOf(p, p);
  if (den === 0n) return { num: 0n, den: 1n };
  return { num: c < 0n ? -c * c : c * c, den };
}

/** x < y for two signed squared correlations (exact cross-multiplication; both denominators positive). */
export function correlationBelow(x: SignedSquaredCorrelation, y: SignedSquaredCorrelation): boolean {
  return x.num * y.den < y.num * x.den;
}

function isqrt(n: bigint): bigint {
  if (n < 0n) throw new Error('negative');
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** floor(L · ρ), from ρ|ρ| = num / den: ±√(L²·|num| / den) rounded down. */
export function quantisedScore(r: SignedSquaredCorrelation, levels: number): number {
  const L = BigInt(levels);
  const x = L * L * (r.num < 0n ? -r.num : r.num); // (L ρ)² · den
  const root = isqrt(x / r.den); // floor(|L ρ|)
  if (r.num >= 0n) return Number(root);
  const exact = root * root * r.den === x; // |L ρ| is an integer
  return -Number(exact ? root : root + 1n);
}

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
