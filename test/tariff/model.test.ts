import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ABS_PRICE, canonicalJson, parseTariff, tariffDigest, type TariffJson } from '../../tariff/index.js';
import { fixture } from '../fixtures/fixtures.js';

const flat = (changes: Partial<TariffJson> = {}): TariffJson => ({
  format: 'meterproof-tariff/1',
  id: 'flat-24',
  name: 'Flat 24p',
  currency: 'GBP',
  standingChargePerDay: 50_000,
  pricing: { type: 'flat', price: 24_000 },
  ...changes,
});

const allDay = (price: number) => [{ days: ['weekday', 'weekend'] as ('weekday' | 'weekend')[], from: '00:00', to: '24:00', price }];

test('defaults are filled in: kind tariff, Europe/London, no holidays', () => {
  assert.equal(parseTariff(flat()).kind, 'tariff');
  const tou = parseTariff(flat({ pricing: { type: 'tou', bands: allDay(1) } }));
  assert.deepEqual(tou.pricing, { type: 'tou', timeZone: 'Europe/London', holidays: [], bands: allDay(1) });
});

test('the fixture TOU tariff parses', () => {
  const t = parseTariff(JSON.parse(fixture('tou-2023.json')));
  assert.equal(t.pricing.type, 'tou');
});

test('prices: integers, negative allowed, |price| < 2^24', () => {
  assert.equal(MAX_ABS_PRICE, 16_777_215);
  for (const price of [-MAX_ABS_PRICE, -19_990, 0, MAX_ABS_PRICE]) parseTariff(flat({ pricing: { type: 'flat', price } }));
  assert.throws(() => parseTariff(flat({ pricing: { type: 'flat', price: 2 ** 24 } })), /\|price\| must be below 2\^24 mp\/kWh\n {2}→ at pricing\.price/);
  assert.throws(() => parseTariff(flat({ pricing: { type: 'flat', price: -(2 ** 24) } })), /\|price\| must be below 2\^24/);
  assert.throws(() => parseTariff(flat({ pricing: { type: 'flat', price: 24.5 } })), /prices are integers in mp\/kWh/);
});

test('readable messages for common mistakes', () => {
  const bad = (json: unknown, message: RegExp) => assert.throws(() => parseTariff(json), message);
  bad({ ...flat(), format: 'meterproof-tariff/2' }, /^Error: invalid tariff: .*\n {2}→ at format/);
  bad({ ...flat(), standingCharge: 1 }, /Unrecognized key: "standingCharge"/);
  bad(flat({ standingChargePerDay: -1 }), /at standingChargePerDay/);
  bad(flat({ kind: 'value-of-energy' }), /a value-of-energy vector has no standing charge \(use 0\)/);
  bad(flat({ validFrom: '2023-02-01', validTo: '2023-01-31' }), /validTo 2023-01-31 is before validFrom 2023-02-01/);
  bad(flat({ validFrom: '2023-02-30' }), /expected a date YYYY-MM-DD\n {2}→ at validFrom/);
  bad(flat({ pricing: { type: 'stepped' } as never }), /Invalid discriminator value\. Expected 'flat' \| 'tou' \| 'dynamic'/);
});

test('tou: bands must cover each day type exactly once, half-hour aligned, in a real zone', () => {
  const tou = (pricing: object) => () => parseTariff(flat({ pricing: { type: 'tou', ...pricing } as never }));
  assert.throws(tou({ bands: [{ days: ['weekday'], from: '00:00', to: '24:00', price: 1 }] }), /weekend 00:00–00:30 has no band/);
  assert.throws(
    tou({ bands: [...allDay(1), { days: ['weekend'], from: '07:00', to: '08:00', price: 2 }] }),
    /weekend 07:00–07:30 is in both band 0 and band 1/,
  );
  assert.throws(tou({ bands: allDay(1).map((b) => ({ ...b, to: '07:15' })) }), /half-hour aligned time HH:MM \(00:00 to 24:00\)\n {2}→ at pricing\.bands\[0\]\.to/);
  assert.throws(tou({ bands: [{ ...allDay(1)[0], from: '12:00', to: '12:00' }] }), /band 0: "from" 12:00 must be before "to" 12:00/);
  assert.throws(tou({ timeZone: 'Europe/Londres', bands: allDay(1) }), /unknown IANA time zone/);
  // Listing holidays makes the holiday day type mandatory.
  assert.throws(tou({ holidays: ['2023-12-25'], bands: allDay(1) }), /holiday 00:00–00:30 has no band/);
});

test('dynamic: exactly one of the two spellings, no slot twice', () => {
  const dyn = (pricing: object) => () => parseTariff(flat({ pricing: { type: 'dynamic', ...pricing } as never }));
  assert.doesNotThrow(dyn({ firstSlot: 10, prices: [1, -2] }));
  assert.doesNotThrow(dyn({ slots: [{ slot: 10, price: -2 }] }));
  assert.throws(dyn({ firstSlot: 10 }), /give either "firstSlot" and "prices", or "slots"/);
  assert.throws(dyn({ firstSlot: 10, prices: [1], slots: [{ slot: 10, price: 1 }] }), /give either/);
  assert.throws(dyn({ slots: [{ slot: 10, price: 1 }, { slot: 10, price: 1 }] }), /slot 10 is listed twice\n {2}→ at pricing\.slots\[1\]\.slot/);
});

test('digest: canonical (key order and spelled-out defaults do not matter), and sensitive to content', () => {
  const a = parseTariff(flat());
  const reordered = parseTariff({ ...Object.fromEntries(Object.entries(flat()).reverse()), pricing: { price: 24_000, type: 'flat' } });
  const explicit = parseTariff({ ...flat(), kind: 'tariff' });
  assert.match(tariffDigest(a), /^[0-9a-f]{64}$/);
  assert.equal(tariffDigest(reordered), tariffDigest(a));
  assert.equal(tariffDigest(explicit), tariffDigest(a));
  assert.notEqual(tariffDigest(parseTariff(flat({ standingChargePerDay: 50_001 }))), tariffDigest(a));
});

test('canonical JSON sorts keys at every level and keeps array order', () => {
  assert.equal(canonicalJson({ b: [3, { d: 1, c: 'x' }], a: null }), '{"a":null,"b":[3,{"c":"x","d":1}]}');
});
