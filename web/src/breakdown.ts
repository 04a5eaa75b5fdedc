/**
 * The bill by price band, for the page's local view: the period's slots grouped by their tariff price
 * (each distinct price is a band; a tariff with more than MAX_BANDS prices, such as a half-hourly dynamic
 * one, is grouped into MAX_BANDS equal price ranges). Exact integers: Wh × mp/kWh = µp, so the bands plus
 * the standing charge add up to the certified bill to the micro-penny.
 */
import type { BillingStatement } from '../../kinds/bill/circuit.js';

export const MAX_BANDS = 5;

export interface Band {
  /** mp/kWh: the band's price, or its price range */
  minPrice: bigint;
  maxPrice: bigint;
  slots: number;
  wh: bigint;
  /** µp */
  cost: bigint;
}

export interface Breakdown {
  bands: Band[];
  /** µp */
  standingCharge: bigint;
  /** µp: Σ band costs + standing charge */
  total: bigint;
  wh: bigint;
  /** band index of each slot, for colouring the chart */
  bandOfSlot: number[];
}

export function billBreakdown(readingsWh: readonly number[], s: Pick<BillingStatement, 'prices' | 'standingCharge'>): Breakdown {
  if (readingsWh.length !== s.prices.length) throw new Error('readings and prices must cover the same slots');
  const distinct = [...new Set(s.prices)].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)); // dearest first
  let bandOf: (price: bigint) => number;
  let bands: Band[];
  if (distinct.length <= MAX_BANDS) {
    bands = distinct.map((p) => ({ minPrice: p, maxPrice: p, slots: 0, wh: 0n, cost: 0n }));
    bandOf = (p) => distinct.indexOf(p);
  } else {
    const hi = distinct[0];
    const lo = distinct[distinct.length - 1];
    const width = (hi - lo) / BigInt(MAX_BANDS) + 1n;
    bands = Array.from({ length: MAX_BANDS }, (_, i) => ({ minPrice: hi - width * BigInt(i + 1) + 1n, maxPrice: hi - width * BigInt(i), slots: 0, wh: 0n, cost: 0n }));
    bands[MAX_BANDS - 1].minPrice = lo;
    bandOf = (p) => Number((hi - p) / width);
  }
  const bandOfSlot = s.prices.map(bandOf);
  readingsWh.forEach((wh, i) => {
    const band = bands[bandOfSlot[i]];
    band.slots++;
    band.wh += BigInt(wh);
    band.cost += BigInt(wh) * s.prices[i];
  });
  const energy = bands.reduce((sum, b) => sum + b.cost, 0n);
  return { bands, standingCharge: s.standingCharge, total: energy + s.standingCharge, wh: bands.reduce((sum, b) => sum + b.wh, 0n), bandOfSlot };
}
