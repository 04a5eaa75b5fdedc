import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayOf, firstSlotOfDay } from '../../core/time.js';
import { parseTariff, pricesForPeriod, standingChargeForPeriod, type TariffJson } from '../../tariff/index.js';
import { fixture } from '../fixtures/fixtures.js';

const tariff = (pricing: TariffJson['pricing'], changes: Partial<TariffJson> = {}) =>
  parseTariff({ format: 'meterproof-tariff/1', id: 't', name: 'T', currency: 'GBP', standingChargePerDay: 0, pricing, ...changes });

/** The fixture: night 00:00–07:00 12p every day; weekdays 25p, 38p 16:00–19:00; weekends and holidays 22p. */
const tou2023 = parseTariff(JSON.parse(fixture('tou-2023.json')));
const NIGHT = 12_000n;
const WEEKEND = 22_000n;
const DAY = 25_000n;
const PEAK = 38_000n;
/** Fixture price of a weekday's local half-hour. */
const weekday = (halfHour: number) => (halfHour < 14 ? NIGHT : halfHour < 32 ? DAY : halfHour < 38 ? PEAK : DAY);

test('flat: one price for every slot, as bigint', () => {
  const prices = pricesForPeriod(tariff({ type: 'flat', price: -1_500 }), dayOf('2023-01-01'), 2);
  assert.equal(prices.length, 96);
  assert.ok(prices.every((p) => p === -1_500n));
});

test('standing charge: mp/day × days × 1000 µp, exactly', () => {
  assert.equal(standingChargeForPeriod(tou2023, dayOf('2023-01-01'), 31), 53_350n * 31n * 1000n);
  assert.equal(standingChargeForPeriod(tou2023, dayOf('2023-01-01'), 31), 1_653_850_000n);
});

test('tou on an ordinary winter weekday (local time = UTC)', () => {
  const prices = pricesForPeriod(tou2023, dayOf('2023-01-04'), 1);
  assert.deepEqual(prices, Array.from({ length: 48 }, (_, i) => weekday(i)));
});

test('tou in summer: bands follow the local (BST) clock, one hour ahead of the slots', () => {
  // Wednesday 2023-06-07: UTC slot i starts at local half-hour i + 2; the last two slots are Thursday's 00:00 and 00:30.
  const prices = pricesForPeriod(tou2023, dayOf('2023-06-07'), 1);
  assert.deepEqual(prices, Array.from({ length: 48 }, (_, i) => weekday((i + 2) % 48)));
});

test('tou across the spring clock change (Sunday 2023-03-26, Europe/London)', () => {
  const prices = pricesForPeriod(tou2023, dayOf('2023-03-26'), 2);
  const at = (hhmmZ: string, dayOffset = 0) => prices[dayOffset * 48 + Number(hhmmZ.slice(0, 2)) * 2 + Number(hhmmZ.slice(3)) / 30];
  assert.equal(at('00:30'), NIGHT); // 00:30 GMT
  assert.equal(at('01:00'), NIGHT); // 02:00 BST: the clock skipped an hour
  assert.equal(at('05:30'), NIGHT); // 06:30 BST
  assert.equal(at('06:00'), WEEKEND); // 07:00 BST, though only 06:00 UTC
  assert.equal(at('22:30'), WEEKEND); // Sunday 23:30 BST
  assert.equal(at('23:00'), NIGHT); // Monday 00:00 BST: already a weekday
  assert.equal(at('06:00', 1), DAY); // Monday 07:00 BST
  assert.equal(at('15:00', 1), PEAK); // Monday 16:00 BST
  assert.equal(at('18:00', 1), DAY); // Monday 19:00 BST
});

test('tou across the autumn clock change: the repeated local hour is priced twice', () => {
  const repeatedHour = tariff({
    type: 'tou',
    bands: [
      { days: ['weekday', 'weekend'], from: '00:00', to: '01:00', price: 1 },
      { days: ['weekday', 'weekend'], from: '01:00', to: '02:00', price: 777 },
      { days: ['weekday', 'weekend'], from: '02:00', to: '24:00', price: 1 },
    ],
  });
  const count777 = (iso: string) => pricesForPeriod(repeatedHour, dayOf(iso), 1).filter((p) => p === 777n).length;
  assert.equal(count777('2023-10-29'), 4); // 00:00Z–02:00Z = 01:00–02:00 BST, then 01:00–02:00 GMT
  assert.equal(count777('2023-03-26'), 0); // 01:00–02:00 never happens that day
  assert.equal(count777('2023-10-28'), 2);
  // The Friday before: peak 16:00–19:00 BST = 15:00–18:00 UTC; the Monday after: 16:00–19:00 UTC.
  const peaks = (iso: string) => pricesForPeriod(tou2023, dayOf(iso), 1).flatMap((p, i) => (p === PEAK ? [i] : []));
  assert.deepEqual(peaks('2023-10-27'), [30, 31, 32, 33, 34, 35]);
  assert.deepEqual(peaks('2023-10-30'), [32, 33, 34, 35, 36, 37]);
});

test('tou in another zone: America/New_York', () => {
  const ny = tariff({
    type: 'tou',
    timeZone: 'America/New_York',
    bands: [
      { days: ['weekday', 'weekend'], from: '00:00', to: '12:00', price: 1 },
      { days: ['weekday', 'weekend'], from: '12:00', to: '24:00', price: 2 },
    ],
  });
  // 2023-01-04 is EST (UTC−5): local noon is 17:00Z, slot 34.
  const prices = pricesForPeriod(ny, dayOf('2023-01-04'), 1);
  assert.equal(prices.indexOf(2n, 10), 34);
});

test('holidays are local dates: the bands switch at local midnight, not UTC midnight', () => {
  const byDayType = tariff({
    type: 'tou',
    holidays: ['2023-05-01'],
    bands: [
      { days: ['weekday'], from: '00:00', to: '24:00', price: 2 },
      { days: ['weekend'], from: '00:00', to: '24:00', price: 3 },
      { days: ['holiday'], from: '00:00', to: '24:00', price: 1 },
    ],
  });
  // Sunday 30 April 23:00Z is already Monday 1 May 00:00 BST.
  const prices = pricesForPeriod(byDayType, dayOf('2023-04-30'), 3);
  const expected = [...Array(46).fill(3n), ...Array(48).fill(1n), ...Array(48).fill(2n), 2n, 2n];
  assert.deepEqual(prices, expected);
  // The fixture's Christmas Day (a Monday) has no weekday peak.
  assert.equal(pricesForPeriod(tou2023, dayOf('2023-12-25'), 1)[34], WEEKEND);
});

test('dynamic: dense and listed prices, negative allowed', () => {
  const first = firstSlotOfDay(dayOf('2023-01-01'));
  const dense = tariff({ type: 'dynamic', firstSlot: first - 1, prices: Array.from({ length: 50 }, (_, i) => i - 25) });
  assert.deepEqual(pricesForPeriod(dense, dayOf('2023-01-01'), 1), Array.from({ length: 48 }, (_, i) => BigInt(i + 1 - 25)));
  const listed = tariff({ type: 'dynamic', slots: Array.from({ length: 48 }, (_, i) => ({ slot: first + 47 - i, price: -i })) });
  assert.deepEqual(pricesForPeriod(listed, dayOf('2023-01-01'), 1), Array.from({ length: 48 }, (_, i) => BigInt(i - 47)));
});

test('dynamic: a missing slot is an error naming it', () => {
  const first = firstSlotOfDay(dayOf('2023-01-01'));
  const gappy = tariff({ type: 'dynamic', slots: [{ slot: first, price: 1 }, { slot: first + 2, price: 1 }] }, { id: 'gappy' });
  assert.throws(
    () => pricesForPeriod(gappy, dayOf('2023-01-01'), 1),
    new RegExp(`^Error: tariff gappy has no price for 46 half-hour\\(s\\) of 2023-01-01\\.\\.2023-01-01, first 2023-01-01T00:30Z \\(slot ${first + 1}\\)`),
  );
  const short = tariff({ type: 'dynamic', firstSlot: first, prices: [1, 2] });
  assert.throws(() => pricesForPeriod(short, dayOf('2023-01-01'), 1), /first 2023-01-01T01:00Z/);
});

test('validity and period checks', () => {
  assert.throws(
    () => pricesForPeriod(tou2023, dayOf('2023-12-31'), 2),
    /^Error: tariff example-tou-2023 is valid from 2023-01-01 to 2023-12-31, not for 2023-12-31\.\.2024-01-01/,
  );
  assert.throws(() => standingChargeForPeriod(tou2023, dayOf('2022-12-31'), 1), /is valid from 2023-01-01/);
  assert.throws(() => pricesForPeriod(tou2023, dayOf('2023-01-01'), 0), /invalid period/);
  assert.equal(pricesForPeriod(tou2023, dayOf('2023-12-31'), 1).length, 48);
});
