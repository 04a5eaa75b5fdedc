/**
 * Reference computation of a bill, independent of the circuit's packing tricks: a plain loop over slots.
 * Tests check that kinds/bill/billing.circom outputs exactly these numbers.
 */
export interface BillOutputs {
  /** micro-pence: sum of Wh × mp/kWh over the period, plus the standing charge */
  bill: bigint;
  /** micro-pence: sum of Wh × value of energy (mp/kWh) */
  settlement: bigint;
  /** Wh */
  consumption: bigint;
}

export function computeBill(
  readingsWh: readonly number[],
  pricesMpPerKwh: readonly bigint[],
  valuesMpPerKwh: readonly bigint[],
  standingChargeMicroPence: bigint,
): BillOutputs {
  if (pricesMpPerKwh.length !== readingsWh.length || valuesMpPerKwh.length !== readingsWh.length) {
    throw new Error('readings, prices and values must cover the same slots');
  }
  let energy = 0n;
  let settlement = 0n;
  let consumption = 0n;
  readingsWh.forEach((wh, i) => {
    const w = BigInt(wh);
    energy += w * pricesMpPerKwh[i];
    settlement += w * valuesMpPerKwh[i];
    consumption += w;
  });
  return { bill: energy + standingChargeMicroPence, settlement, consumption };
}
