/**
 * Reference computation of a tiered bill, independent of the circuit: each slot's tier is found by scanning
 * the table, and the cumulative blocks are filled one after the other (the circuit instead sums rate steps
 * times max(0, total - bound)). Tests check kinds/tiered/tiered.circom outputs exactly these numbers.
 */
import type { BlockTable, TierTable } from './circuit.js';

export interface TieredBill {
  /** µp: standing charge + energy + blocks */
  bill: bigint;
  /** µp: Σ reading × price of the reading's tier */
  energy: bigint;
  /** µp: the period's total charged block by block */
  blocks: bigint;
  /** Wh */
  consumption: bigint;
  /** slots per tier */
  slotsPerTier: number[];
}

export function tierOf(readingWh: number, bounds: readonly number[]): number {
  let tier = 0;
  while (tier < bounds.length && readingWh >= bounds[tier]) tier++;
  return tier;
}

export function computeTieredBill(readingsWh: readonly number[], tiers: TierTable, blocks: BlockTable, standingChargeMicroPence: bigint): TieredBill {
  let energy = 0n;
  let consumption = 0n;
  const slotsPerTier = tiers.prices.map(() => 0);
  for (const wh of readingsWh) {
    const tier = tierOf(wh, tiers.bounds);
    slotsPerTier[tier]++;
    energy += BigInt(wh) * tiers.prices[tier];
    consumption += BigInt(wh);
  }
  const blockCharge = blockChargeOf(consumption, blocks);
  return { bill: standingChargeMicroPence + energy + blockCharge, energy, blocks: blockCharge, consumption, slotsPerTier };
}

/** The period's total charged block by block: block j holds the Wh between its lower and upper bound. */
export function blockChargeOf(consumptionWh: bigint, blocks: BlockTable): bigint {
  let charge = 0n;
  let lower = 0n;
  blocks.rates.forEach((rate, j) => {
    const upper = j < blocks.bounds.length ? blocks.bounds[j] : consumptionWh;
    if (consumptionWh > lower) charge += ((consumptionWh < upper ? consumptionWh : upper) - lower) * rate;
    lower = upper;
  });
  return charge;
}
