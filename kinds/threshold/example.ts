/**
 * Example statement fields of a demand-response result, for any period: a penalty bill (it proves for any
 * readings, unlike compliance) under the shipped peak-saver tariff (docs/examples/tariff-peak.json), with
 * the example grid operator's events (docs/examples/dr-events.json) moved to the period: one 17:00–19:00 UTC
 * event a day at 500 Wh per half-hour.
 */
import { isoDay, isoSlot, SLOTS_PER_DAY } from '../../core/time.js';
import { exampleDocument, type ExamplePeriod } from '../examples.js';

/** 17:00 UTC: the evening peak, as the grid's events target it. */
const EVENT_FIRST_SLOT_OF_DAY = 34;

export function exampleEvents(period: Pick<ExamplePeriod, 'startDay' | 'days'>): Record<string, unknown> {
  const events = Array.from({ length: period.days }, (_, d) => ({ start: isoSlot((period.startDay + d) * SLOTS_PER_DAY + EVENT_FIRST_SLOT_OF_DAY), slots: 4, capWh: 500 }));
  return { ...exampleDocument('dr-events'), id: `example-dr-${isoDay(period.startDay)}-${period.days}d`, events };
}

export function exampleFields(period: ExamplePeriod): Record<string, unknown> {
  return { mode: 'penalty', events: exampleEvents(period), tariff: exampleDocument('tariff-peak') };
}
