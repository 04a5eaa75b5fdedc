/** Generated fixtures shared by the tests: meters, bundles and tariffs made on the fly. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../circuits/registry.js';
import { firstSlotOfDay, SLOTS_PER_DAY } from '../../core/time.js';
import { assembleBundle, type Bundle } from '../../meter/bundle.js';
import { MeterCore, type DailyRecord } from '../../meter/meter-core.js';
import { generateMeterKey, type MeterKey } from '../../meter/meter-key.js';

export const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');
export const hasSharedData = existsSync(SHARED_DATA);
export function sharedFile(relativePath: string): string {
  return readFileSync(join(SHARED_DATA, relativePath), 'utf8');
}

/** Deterministic pseudo-random readings (a household-like day curve plus noise), Wh per slot. */
export function syntheticReadings(days: number, seed = 1): number[] {
  let x = seed >>> 0 || 1;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0), x / 2 ** 32);
  return Array.from({ length: days * SLOTS_PER_DAY }, (_, i) => {
    const hour = (i % SLOTS_PER_DAY) / 2;
    const base = hour < 6 ? 120 : hour < 17 ? 250 : hour < 22 ? 650 : 300;
    return Math.floor(base * (0.5 + next()) + (next() < 0.02 ? 4000 : 0));
  });
}

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

/** Deterministic per-slot prices in mp/kWh, about a fifth of them negative. */
export function syntheticPrices(slots: number, seed = 7): number[] {
  let x = seed >>> 0 || 1;
  return Array.from({ length: slots }, () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return Math.floor((x / 2 ** 32) * 60_000) - 12_000;
  });
}
