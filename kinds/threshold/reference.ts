/**
 * Reference computation for demand response, independent of the circuit's packing: a plain loop over
 * slots. Tests check kinds/threshold/threshold.circom against it (penalty bill equal, compliance proof possible
 * exactly when `compliant`).
 */
export interface ThresholdResult {
  /** every reading at or under its slot's cap */
  compliant: boolean;
  /** Wh above the caps, summed over all slots */
  excessWh: bigint;
  /** µp: excessWh × penalty rate (mp/kWh) */
  penalty: bigint;
  /** µp: Σ Wh × price (mp/kWh) + standing charge + penalty */
  bill: bigint;
}

export function computeThreshold(
  readingsWh: readonly number[],
  capsWh: readonly number[],
  pricesMpPerKwh: readonly bigint[],
  standingChargeMicroPence: bigint,
  penaltyRateMpPerKwh: bigint,
): ThresholdResult {
  if (capsWh.length !== readingsWh.length || pricesMpPerKwh.length !== readingsWh.length) {
    throw new Error('readings, caps and prices must cover the same slots');
  }
  let energy = 0n;
  let excessWh = 0n;
  let compliant = true;
  readingsWh.forEach((wh, i) => {
    energy += BigInt(wh) * pricesMpPerKwh[i];
    if (wh > capsWh[i]) {
      compliant = false;
      excessWh += BigInt(wh - capsWh[i]);
    }
  });
  const penalty = excessWh * penaltyRateMpPerKwh;
  return { compliant, excessWh, penalty, bill: energy + standingChargeMicroPence + penalty };
}
