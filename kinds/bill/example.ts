/**
 * Example statement fields of a bill, for any period: a generated dynamic tariff (a price per half-hour,
 * the costliest shape for the circuit's public inputs) and a generated value-of-energy vector with
 * negative half-hours, so that every output is exercised.
 */
import { syntheticPrices } from '../../core/synthetic.js';
import { firstSlotOfDay, SLOTS_PER_DAY } from '../../core/time.js';
import type { ExamplePeriod } from '../examples.js';

/** 24 p/day, a typical electricity standing charge. */
export const EXAMPLE_STANDING_CHARGE_MP_PER_DAY = 24_000;

function dynamicDocument(kind: 'tariff' | 'value-of-energy', period: Pick<ExamplePeriod, 'startDay' | 'days'>, prices: number[]) {
  return {
    format: 'meterproof-tariff/1',
    kind,
    id: kind === 'tariff' ? 'example-dynamic' : 'example-value-of-energy',
    name: kind === 'tariff' ? 'Generated dynamic tariff' : 'Generated value of energy',
    currency: 'GBP',
    standingChargePerDay: kind === 'tariff' ? EXAMPLE_STANDING_CHARGE_MP_PER_DAY : 0,
    pricing: { type: 'dynamic', firstSlot: firstSlotOfDay(period.startDay), prices },
  };
}

export const exampleTariff = (period: Pick<ExamplePeriod, 'startDay' | 'days'>) => dynamicDocument('tariff', period, syntheticPrices(period.days * SLOTS_PER_DAY, 5).map((p) => p + 15_000));
export const exampleValueVector = (period: Pick<ExamplePeriod, 'startDay' | 'days'>) => dynamicDocument('value-of-energy', period, syntheticPrices(period.days * SLOTS_PER_DAY, 9));

export function exampleFields(period: ExamplePeriod): Record<string, unknown> {
  return { tariff: exampleTariff(period), valueOfEnergy: exampleValueVector(period) };
}
