import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayOf, firstSlotOfDay, slotOf } from '../../core/time.js';
import { importTariff, pricesForPeriod, standingChargeForPeriod } from '../../tariff/index.js';
import { fixture, realData, skipWithoutRealData } from '../fixtures/fixtures.js';

/** In the Agile fixture, the import price of a slot spells its UTC time: 13:30Z costs 13.30 p/kWh. */
const utcTimePrice = (i: number) => BigInt(Math.floor(i / 2) * 1000 + (i % 2) * 300);
const AGILE_HEADER = 'Period from,Period to,Agile Import price (p/kWh),Agile Export price (p/kWh)';
const agile = (...rows: string[]) => [AGILE_HEADER, ...rows].join('\n');
/** The fixture's rows around the autumn change only (from 29/10/2023 00:00 local). */
const agileAutumn = () => [AGILE_HEADER, ...fixture('agile-clock-changes.csv').split('\r\n').filter((r) => r.includes('/10/2023'))].join('\n');

test('agile: UK local times to UTC slots across the spring clock change (46-row day)', () => {
  const t = importTariff('agile', fixture('agile-clock-changes.csv'));
  assert.equal(t.id, 'agile-import');
  assert.equal(t.kind, 'tariff');
  assert.equal(standingChargeForPeriod(t, dayOf('2023-03-26'), 1), 0n);
  assert.deepEqual(pricesForPeriod(t, dayOf('2023-03-26'), 1), Array.from({ length: 48 }, (_, i) => utcTimePrice(i)));
});

test('agile: the autumn export lacks two half-hours; they are absent and named', () => {
  const t = importTariff('agile', agileAutumn());
  assert.match(t.description ?? '', /2 half-hour\(s\) have no price \(2023-10-29T00:00Z, 2023-10-29T00:30Z\)/);
  assert.throws(() => pricesForPeriod(t, dayOf('2023-10-29'), 1), /has no price for 2 half-hour\(s\) of 2023-10-29\.\.2023-10-29, first 2023-10-29T00:00Z/);
});

test('agile: the repeated 01:00 and 01:30 rows are read as the second (GMT) occurrence', () => {
  const t = importTariff('agile', agileAutumn(), { fill: 'previous' });
  const prices = pricesForPeriod(t, dayOf('2023-10-29'), 1);
  assert.deepEqual(prices.slice(2), Array.from({ length: 46 }, (_, i) => utcTimePrice(i + 2)));
  // fill 'previous': 00:00Z and 00:30Z take the price of 28/10 23:30Z.
  assert.deepEqual(prices.slice(0, 2), [23_300n, 23_300n]);
  assert.match(t.description ?? '', /2 missing half-hour\(s\) given the previous half-hour's price \(2023-10-29T00:00Z, 2023-10-29T00:30Z\)/);
});

test('agile: export column, negative prices', () => {
  const t = importTariff('agile', fixture('agile-clock-changes.csv'), { column: 'export', kind: 'value-of-energy' });
  assert.equal(t.id, 'agile-export');
  assert.deepEqual(pricesForPeriod(t, dayOf('2023-03-26'), 1), Array.from({ length: 48 }, (_, i) => -utcTimePrice(i)));
});

test('agile: rows that are not one half-hour of UK time, duplicates and bad prices', () => {
  assert.throws(
    () => importTariff('agile', agile('01/01/2023 00:00,01/01/2023 01:00,1,1')),
    /^Error: line 2: period 01\/01\/2023 00:00 to 01\/01\/2023 01:00 is not one half-hour of UK time/,
  );
  assert.throws(() => importTariff('agile', agile('26/03/2023 01:00,26/03/2023 01:30,1,1')), /^Error: line 2: .*not one half-hour/); // skipped by the clocks
  assert.throws(() => importTariff('agile', agile('31/02/2023 00:00,31/02/2023 00:30,1,1')), /^Error: line 2: no such date or time/);
  assert.throws(
    () => importTariff('agile', agile('01/01/2023 00:00,01/01/2023 00:30,1,1', '01/01/2023 00:00,01/01/2023 00:30,1,1')),
    /^Error: line 3: a second price for 2023-01-01T00:00Z \(first on line 2\)/,
  );
  assert.throws(() => importTariff('agile', agile('01/01/2023 00:00,01/01/2023 00:30,n/a,1')), /^Error: line 2: invalid price \(p\/kWh\) "n\/a": not a decimal number/);
  assert.throws(() => importTariff('agile', agile('01/01/2023 00:00,01/01/2023 00:30,16777.216,1')), /^Error: line 2: price 16777\.216 p\/kWh is out of range/);
  assert.throws(() => importTariff('agile', 'from,to,price\n'), /^Error: line 1: expected the Agile header/);
  assert.throws(() => importTariff('agile', AGILE_HEADER + '\n'), /the file has no prices/);
});

test('lcl-dtou: BOM, CRLF, M/D/YY GMT dates, High/Normal/Low = 67200/11760/3990 mp/kWh', () => {
  const t = importTariff('lcl-dtou', fixture('lcl-dtou-day.csv'));
  assert.deepEqual(t.pricing, {
    type: 'dynamic',
    firstSlot: firstSlotOfDay(dayOf('2013-01-01')),
    prices: Array.from({ length: 48 }, (_, i) => (i >= 2 && i < 10 ? 3990 : i >= 34 && i < 38 ? 67_200 : 11_760)),
  });
  assert.throws(() => importTariff('lcl-dtou', 'TariffDateTime,Tariff\n1/1/13 0:00,Medium'), /^Error: line 2: unknown tariff level "Medium"/);
  assert.throws(() => importTariff('lcl-dtou', 'TariffDateTime,Tariff\n2013-01-01 00:00,High'), /^Error: line 2: invalid time .*M\/D\/YY H:MM/);
});

test('csv: ISO timestamps with offsets; more than 3 decimals of p/kWh round half away from zero', () => {
  const t = importTariff('csv', fixture('prices.csv'), { id: 'june', name: 'June', standingChargePerDay: 45_000 });
  const prices = pricesForPeriod(t, dayOf('2023-06-01'), 1);
  assert.deepEqual(prices.slice(0, 7), [0n, 12_346n, -12_346n, 0n, -1n, -19_990n, 1_500n]);
  assert.equal(standingChargeForPeriod(t, dayOf('2023-06-01'), 1), 45_000_000n);
  assert.throws(() => importTariff('csv', 'timestamp,price\n2023-06-01T00:00,1'), /^Error: line 2: invalid timestamp .*with a zone/);
  assert.throws(() => importTariff('csv', 'timestamp,price\n2023-06-01T00:00Z,1', { kind: 'value-of-energy', standingChargePerDay: 1 }), /no standing charge/);
});

test('real data: Agile 2023 has 215 negative import prices and the autumn gap', { skip: skipWithoutRealData }, () => {
  const text = realData('tariffs/agile-2023.csv');
  const t = importTariff('agile', text);
  const slots = t.pricing.type === 'dynamic' ? (t.pricing.slots ?? []) : [];
  assert.equal(slots.length, 17_518);
  assert.equal(slots.filter((s) => s.price < 0).length, 215);
  assert.equal(pricesForPeriod(t, dayOf('2023-01-01'), 1)[0], 4_410n); // 01/01/2023 00:00, 4.41
  // Local midnight of 1 July is 30 June 23:00Z.
  const july = /^01\/07\/2023 00:00,[^,]+,([^,]+),/m.exec(text)?.[1] as string;
  const slot = slotOf(new Date('2023-06-30T23:00Z')) - firstSlotOfDay(dayOf('2023-06-30'));
  assert.equal(pricesForPeriod(t, dayOf('2023-06-30'), 1)[slot], BigInt(july.replace('.', '')) * 10n); // two decimals in this file
  assert.equal(pricesForPeriod(t, dayOf('2023-03-26'), 1).length, 48);
  assert.throws(() => pricesForPeriod(t, dayOf('2023-10-29'), 1), /first 2023-10-29T00:00Z/);
  const filled = importTariff('agile', text, { fill: 'previous' });
  assert.equal(pricesForPeriod(filled, dayOf('2023-01-01'), 365).length, 365 * 48);
});

test('real data: the LCL 2013 dToU schedule covers the year with three prices', { skip: skipWithoutRealData }, () => {
  const text = realData('tariffs/lcl-dtou-2013.csv');
  const prices = pricesForPeriod(importTariff('lcl-dtou', text), dayOf('2013-01-01'), 365);
  const count = (level: string) => text.split('\r\n').filter((line) => line.endsWith(`,${level}`)).length;
  assert.equal(prices.filter((p) => p === 67_200n).length, count('High'));
  assert.equal(prices.filter((p) => p === 11_760n).length, count('Normal'));
  assert.equal(prices.filter((p) => p === 3_990n).length, count('Low'));
  assert.equal(count('High') + count('Normal') + count('Low'), 365 * 48);
});
