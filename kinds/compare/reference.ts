/**
 * Reference tariff comparison, independent of the circuit's packing: each tariff's bill by a plain loop
 * over slots, then the first minimum. Exact integers (µp) throughout.
 */
export interface ComparedTariff {
  /** mp/kWh per slot of the period */
  prices: readonly bigint[];
  /** µp for the whole period */
  standingCharge: bigint;
}

export interface ComparisonResult {
  /** the cheapest tariff, lowest index among equal bills */
  cheapest: number;
  /** µp: the current tariff's bill minus the cheapest bill */
  saving: bigint;
}

export function tariffBill(readingsWh: readonly number[], t: ComparedTariff): bigint {
  if (t.prices.length !== readingsWh.length) throw new Error('readings and prices must cover the same slots');
  let energy = 0n;
  for (let i = 0; i < readingsWh.length; i++) energy += BigInt(readingsWh[i]) * t.prices[i];
  return energy + t.standingCharge;
}

export function compareTariffs(readingsWh: readonly number[], tariffs: readonly ComparedTariff[], current: number): ComparisonResult {
  if (!Number.isInteger(current) || current < 0 || current >= tariffs.length) throw new Error(`current tariff ${current} is not one of the ${tariffs.length}`);
  const bills = tariffs.map((t) => tariffBill(readingsWh, t));
  let cheapest = 0;
  for (let k = 1; k < bills.length; k++) if (bills[k] < bills[cheapest]) cheapest = k;
  return { cheapest, saving: bills[current] - bills[cheapest] };
}
