/** Generated fixtures shared by the tests: meters, bundles and tariffs made on the fly. */
export { hasSharedData, sharedFile } from '../../core/shared-data.js';
export { syntheticPrices, syntheticReadings } from '../../core/synthetic.js';
import { syntheticReadings } from '../../core/synthetic.js';
import { sharedFile } from '../../core/shared-data.js';
import { dayOf, firstSlotOfDay, SLOTS_PER_DAY } from '../../core/time.js';
import { importReadingsCsv } from '../../meter/import/readings.js';
import { assembleBundle, type Bundle } from '../../meter/bundle.js';
import { MeterCore, type DailyRecord } from '../../meter/meter-core.js';
import { generateMeterKey, type MeterKey } from '../../meter/meter-key.js';

export interface CertifiedPeriod {
  key: MeterKey;
  records: DailyRecord[];
  bundle: Bundle;
}

/**
 * A meter commissioned `before` days ahead of the period records `readings` (the period) and `after`
 * more days, and the household assembles the period's bundle.
 */
export async function certifyPeriod(o: { startDay: number; readings: number[]; before?: number; after?: number; key?: MeterKey; meterId?: string }): Promise<CertifiedPeriod> {
  const key = o.key ?? (await generateMeterKey(o.meterId ?? 'MTR-TEST-1'));
  const before = o.before ?? 2;
  const after = o.after ?? 1;
  const days = o.readings.length / SLOTS_PER_DAY;
  const meter = await MeterCore.commission(key, o.startDay - before);
  const records: DailyRecord[] = [];
  const extra = syntheticReadings(before + after, 99);
  const extraDay = (i: number) => extra.slice(i * SLOTS_PER_DAY, (i + 1) * SLOTS_PER_DAY);
  for (let d = 0; d < before; d++) records.push(await meter.recordDay(extraDay(d)));
  for (let d = 0; d < days; d++) records.push(await meter.recordDay(o.readings.slice(d * SLOTS_PER_DAY, (d + 1) * SLOTS_PER_DAY)));
  for (let d = 0; d < after; d++) records.push(await meter.recordDay(extraDay(before + d)));
  return { key, records, bundle: assembleBundle(key.meterId, key.publicKey, records, o.startDay, days) };
}

export function flatTariff(priceMp: number, standingMpPerDay = 0, id = 'flat-test') {
  return { format: 'meterproof-tariff/1', kind: 'tariff', id, name: 'Flat test tariff', currency: 'GBP', standingChargePerDay: standingMpPerDay, pricing: { type: 'flat', price: priceMp } };
}

/** A per-slot document starting at `startDay` (prices in mp/kWh, negative allowed). */
export function dynamicDocument(startDay: number, prices: number[], kind: 'tariff' | 'value-of-energy' = 'tariff', standingMpPerDay = 0, id = `${kind}-test`) {
  return {
    format: 'meterproof-tariff/1',
    kind,
    id,
    name: `Dynamic ${kind}`,
    currency: 'GBP',
    standingChargePerDay: kind === 'tariff' ? standingMpPerDay : 0,
    pricing: { type: 'dynamic', firstSlot: firstSlotOfDay(startDay), prices },
  };
}

/** The London households the kind tests check against their references on real data. */
export const REAL_HOUSEHOLDS = ['MAC000002', 'MAC000005', 'MAC000009', 'MAC000013', 'MAC000017', 'MAC000064'] as const;

/** A household's real readings for `days` days from `start`, certified by a meter of the same id. */
export async function certifiedRealPeriod(household: string, start: string, days: number): Promise<{ readings: number[]; bundle: Bundle }> {
  const startDay = dayOf(start);
  const readings = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: startDay, days, meterId: household }).readingsWh;
  const { bundle } = await certifyPeriod({ startDay, readings, meterId: household });
  return { readings, bundle };
}

/** Readings that name their slot (distinct for the first 16,384 slots), so a wrong pick cannot go unnoticed. */
export const tellingReadings = (days: number, salt = 0) => Array.from({ length: days * SLOTS_PER_DAY }, (_, i) => (i * 131 + salt) % 16384);

/** The bundle with its readings edited by `change` (signature and chain state untouched): what a cheat would submit. */
export function withReadings(bundle: Bundle, change: (readings: number[]) => void): Bundle {
  const readingsWh = [...bundle.readingsWh];
  change(readingsWh);
  return { ...bundle, readingsWh };
}
