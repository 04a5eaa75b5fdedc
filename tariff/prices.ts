/** Turning a tariff into the per-slot price vector and the standing charge of a billing period. */
import { SLOTS_PER_DAY, dayOf, firstSlotOfDay, isoDay, isoSlot } from '../core/time.js';
import type { Pricing, Tariff } from './model.js';
import { touPricer } from './tou.js';

/** Price (mp/kWh) of each of the days × 48 slots from `startDay`, in slot order. */
export function pricesForPeriod(tariff: Tariff, startDay: number, days: number): bigint[] {
  checkPeriod(tariff, startDay, days);
  const priceOf = pricer(tariff.pricing);
  const first = firstSlotOfDay(startDay);
  const prices = Array.from({ length: days * SLOTS_PER_DAY }, (_, i) => priceOf(first + i));
  const gap = prices.indexOf(undefined);
  if (gap >= 0) {
    const count = prices.filter((p) => p === undefined).length;
    throw new Error(
      `tariff ${tariff.id} has no price for ${count} half-hour(s) of ${periodLabel(startDay, days)}, ` +
        `first ${isoSlot(first + gap)} (slot ${first + gap})`,
    );
  }
  return prices.map((p) => BigInt(p as number));
}

/** Standing charge of the period in micro-pence: mp/day × days × 1000. */
export function standingChargeForPeriod(tariff: Tariff, startDay: number, days: number): bigint {
  checkPeriod(tariff, startDay, days);
  return BigInt(tariff.standingChargePerDay) * BigInt(days) * 1000n;
}

function checkPeriod(tariff: Tariff, startDay: number, days: number): void {
  if (!Number.isInteger(startDay) || !Number.isInteger(days) || days < 1) {
    throw new Error(`invalid period: startDay must be an integer and days a positive integer (got ${startDay}, ${days})`);
  }
  const before = tariff.validFrom !== undefined && startDay < dayOf(tariff.validFrom);
  const after = tariff.validTo !== undefined && startDay + days - 1 > dayOf(tariff.validTo);
  if (before || after) {
    throw new Error(
      `tariff ${tariff.id} is valid from ${tariff.validFrom ?? 'any day'} to ${tariff.validTo ?? 'any day'}, ` +
        `not for ${periodLabel(startDay, days)}`,
    );
  }
}

function periodLabel(startDay: number, days: number): string {
  return `${isoDay(startDay)}..${isoDay(startDay + days - 1)}`;
}

/** Price of a slot, or undefined where a dynamic tariff has none. */
function pricer(pricing: Pricing): (slot: number) => number | undefined {
  switch (pricing.type) {
    case 'flat':
      return () => pricing.price;
    case 'tou':
      return touPricer(pricing);
    case 'dynamic': {
      if (pricing.slots === undefined) {
        // parseTariff guarantees the dense form is complete when there is no slot list.
        const { firstSlot, prices } = pricing as { firstSlot: number; prices: number[] };
        return (slot) => prices[slot - firstSlot];
      }
      const bySlot = new Map(pricing.slots.map(({ slot, price }) => [slot, price]));
      return (slot) => bySlot.get(slot);
    }
  }
}
