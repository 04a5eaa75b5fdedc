/**
 * Reference computation of the period's peak demand, written from its definition: the largest half-hourly
 * reading of the period (Wh), and the first day (days since 1970-01-01 UTC) on which a reading reached it.
 * Tests check that peak.circom outputs exactly these numbers.
 */
export interface Peak {
  /** Wh in one half-hour */
  peak: bigint;
  /** the first day of the period with a reading equal to the peak */
  peakDay: number;
}

export function computePeak(readingsWh: readonly number[], startDay: number): Peak {
  if (readingsWh.length === 0 || readingsWh.length % 48 !== 0) throw new Error('readings must cover whole days');
  let best = 0;
  for (let i = 1; i < readingsWh.length; i++) if (readingsWh[i] > readingsWh[best]) best = i;
  return { peak: BigInt(readingsWh[best]), peakDay: startDay + Math.floor(best / 48) };
}
