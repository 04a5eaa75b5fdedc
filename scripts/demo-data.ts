/**
 * The demo household, shared by `npm run demo`, `npm run demo:web` and the browser benchmark: London
 * household MAC000002 in January 2013 under the Low Carbon London trial's dynamic time-of-use tariff —
 * real readings and tariff when ../shared/data is present, generated ones otherwise.
 */
import { hasSharedData, sharedFile } from '../core/shared-data.js';
import { syntheticPrices, syntheticReadings } from '../core/synthetic.js';
import { firstSlotOfDay, SLOTS_PER_DAY } from '../core/time.js';
import { assembleBundle, type Bundle } from '../meter/bundle.js';
import { importReadingsCsv } from '../meter/import/readings.js';
import { MeterCore, type DailyRecord } from '../meter/meter-core.js';
import type { MeterKey } from '../meter/meter-key.js';
import { importTariff } from '../tariff/import.js';

export const DEMO_METER_ID = 'MAC000002';
export const DEMO_START = '2013-01-01';
export const DEMO_DAYS = 31;
const STANDING_CHARGE_MP_PER_DAY = 24_000; // 24 p/day, a typical 2013 electricity standing charge

export const demoDataSource = hasSharedData ? 'real Low Carbon London data' : 'generated (../shared/data not found)';

/** The household's readings (Wh per half-hour) for `days` days from `startDay`. */
export function demoReadings(startDay: number, days: number): number[] {
  return hasSharedData
    ? importReadingsCsv(sharedFile(`lcl-2013/${DEMO_METER_ID}.csv`), { fromDay: startDay, days, meterId: DEMO_METER_ID }).readingsWh
    : syntheticReadings(days, 2013);
}

/** The supplier's tariff: the trial's dynamic time-of-use tariff, or a generated dynamic one for the period. */
export function demoTariff(startDay: number, days: number): object {
  return hasSharedData
    ? importTariff('lcl-dtou', sharedFile('tariffs/lcl-dtou-2013.csv'), { standingChargePerDay: STANDING_CHARGE_MP_PER_DAY })
    : { format: 'meterproof-tariff/1', kind: 'tariff', id: 'demo-dynamic', name: 'Generated dynamic tariff', currency: 'GBP', standingChargePerDay: STANDING_CHARGE_MP_PER_DAY, pricing: { type: 'dynamic', firstSlot: firstSlotOfDay(startDay), prices: syntheticPrices(days * SLOTS_PER_DAY, 5).map((p) => p + 15_000) } };
}

/**
 * The grid's value of energy. There is no public per-slot value-of-energy series for 2013: the demos use a
 * generated one (with negative half-hours, as on a windy night) so that the settlement output is exercised.
 */
export function demoValueVector(startDay: number, days: number): object {
  return { format: 'meterproof-tariff/1', kind: 'value-of-energy', id: 'demo-value-of-energy', name: 'Generated value of energy', currency: 'GBP', standingChargePerDay: 0, pricing: { type: 'dynamic', firstSlot: firstSlotOfDay(startDay), prices: syntheticPrices(days * SLOTS_PER_DAY, 9) } };
}

/** A meter commissioned on `startDay` records and signs the readings day by day; the household's bundle of them. */
export async function certifyDays(key: MeterKey, startDay: number, readingsWh: readonly number[]): Promise<{ records: DailyRecord[]; bundle: Bundle }> {
  const days = readingsWh.length / SLOTS_PER_DAY;
  const core = await MeterCore.commission(key, startDay);
  const records: DailyRecord[] = [];
  for (let d = 0; d < days; d++) records.push(await core.recordDay(readingsWh.slice(d * SLOTS_PER_DAY, (d + 1) * SLOTS_PER_DAY)));
  return { records, bundle: assembleBundle(key.meterId, key.publicKey, records, startDay, days) };
}
