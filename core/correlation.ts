/**
 * Exact Pearson correlation of 48-slot day shapes, with no floating point: the vectors are centred as
 * integers (scaled by 48 to stay integral), a correlation is kept as the exact signed square ρ|ρ| = num / den,
 * and a quantised score floor(L · ρ) comes from an integer square root. The independent references of the
 * kinds that match day shapes are built on it.
 */
import { SLOTS_PER_DAY } from './time.js';

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

export function signedSquaredCorrelation(day: readonly bigint[], shape: readonly bigint[]): SignedSquaredCorrelation {
  const a = centred(day);
  const p = centred(shape);
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
