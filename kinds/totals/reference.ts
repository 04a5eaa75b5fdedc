/**
 * Reference computation of the sub-period totals: plain sums of the readings of consecutive runs of
 * `daysPerTotal` days from the period's start (the last run may be shorter). Tests check that
 * kinds/totals/totals.circom outputs exactly these numbers.
 */
export function computeSubPeriodTotals(readingsWh: readonly number[], daysPerTotal: number): bigint[] {
  if (readingsWh.length % 48 !== 0) throw new Error('readings must cover whole days');
  if (!Number.isInteger(daysPerTotal) || daysPerTotal < 1) throw new Error('daysPerTotal must be a positive integer');
  const days = readingsWh.length / 48;
  const totals: bigint[] = [];
  for (let first = 0; first < days; first += daysPerTotal) {
    let sum = 0n;
    for (let d = first; d < Math.min(days, first + daysPerTotal); d++) {
      for (let s = 0; s < 48; s++) sum += BigInt(readingsWh[48 * d + s]);
    }
    totals.push(sum);
  }
  return totals;
}
