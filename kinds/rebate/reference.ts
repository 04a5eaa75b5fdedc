/**
 * Reference computation of the progressive rebate, independent of the circuit's formulation: a plain loop
 * over days, and within a day over the brackets, paying each Wh of saving at the rate of the bracket it
 * falls in. Tests check that kinds/rebate/rebate.circom outputs exactly this number.
 */
export interface ReferenceBracket {
  /** the bracket covers daily savings from this many Wh (inclusive) up to the next bracket's start */
  fromWh: number;
  /** µp per Wh of saving in this bracket (= mp/kWh) */
  rate: bigint;
}

/** Rebate of one day with `savingWh` Wh of saving, brackets sorted by start. */
export function dailyRebate(savingWh: number, brackets: readonly ReferenceBracket[]): bigint {
  let rebate = 0n;
  for (let k = 0; k < brackets.length; k++) {
    const from = brackets[k].fromWh;
    const to = k + 1 < brackets.length ? brackets[k + 1].fromWh : Number.POSITIVE_INFINITY;
    const whInBracket = Math.max(0, Math.min(savingWh, to) - from);
    rebate += BigInt(whInBracket) * brackets[k].rate;
  }
  return rebate;
}

/**
 * The period's total rebate in µp: for each day, saving = baseline - consumption when positive, else 0
 * (a day at or above the scheme's daily baseline earns nothing and costs nothing).
 */
export function computeRebate(readingsWh: readonly number[], baselineWh: number, brackets: readonly ReferenceBracket[]): bigint {
  if (readingsWh.length % 48 !== 0) throw new Error('readings must cover whole days');
  let total = 0n;
  for (let d = 0; d < readingsWh.length / 48; d++) {
    let consumption = 0;
    for (let s = 0; s < 48; s++) consumption += readingsWh[48 * d + s];
    const saving = consumption < baselineWh ? baselineWh - consumption : 0;
    total += dailyRebate(saving, brackets);
  }
  return total;
}
