import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SNARK_FIELD } from '../../core/field.js';
import { appendDay, commissionChain, packElement } from '../../meter/chain.js';
import { bundleToJson, parseBundle, verifyBundleSignature } from '../../meter/bundle.js';
import { meterIdToField } from '../../meter/meter-id.js';
import { generateMeterKey, meterKeyToJson, parseMeterKey } from '../../meter/meter-key.js';
import { certifyPeriod, syntheticReadings } from '../support/fixtures.js';

test('an element packs 16 readings as 14-bit digits under its position tag', () => {
  const readings = Array.from({ length: 16 }, (_, i) => i * 1000 + 7);
  const e = packElement(readings, 41);
  for (let i = 0; i < 16; i++) assert.equal(Number((e >> BigInt(14 * i)) & 0x3fffn), readings[i]);
  assert.equal(e >> 224n, 42n);
  assert.ok(e < SNARK_FIELD);
});

test('readings outside the 14-bit range are refused by the meter', () => {
  assert.throws(() => packElement([16384, ...Array(15).fill(0)], 0), /outside the meter's range/);
  assert.throws(() => packElement([-1, ...Array(15).fill(0)], 0), /outside the meter's range/);
  assert.throws(() => packElement([1.5, ...Array(15).fill(0)], 0), /outside the meter's range/);
});

test('the chain closes a group every 5 days, aligned on absolute day numbers', async () => {
  let state = await commissionChain(meterIdToField('MTR-1'), 19357); // 19357 = 5 × 3871 + 2
  assert.equal(state.pending.length, 6, 'two pre-commissioning days of zero readings');
  const opened = state.value;
  for (let d = 0; d < 3; d++) state = await appendDay(state, syntheticReadings(1, d));
  assert.equal(state.day, 19360);
  assert.equal(state.group, 3872);
  assert.equal(state.pending.length, 0);
  assert.notEqual(state.value, opened);
});

test('a bundle round-trips through JSON and its signature verifies', async () => {
  const { bundle } = await certifyPeriod({ startDay: 19358, readings: syntheticReadings(2, 3) });
  const again = parseBundle(JSON.parse(JSON.stringify(bundleToJson(bundle))));
  assert.deepEqual(again, bundle);
  assert.equal(await verifyBundleSignature(again), true);
});

test('an altered bundle fails the off-circuit signature check', async () => {
  const { bundle } = await certifyPeriod({ startDay: 19358, readings: syntheticReadings(1, 3) });
  const readingsWh = [...bundle.readingsWh];
  readingsWh[30] += 1;
  assert.equal(await verifyBundleSignature({ ...bundle, readingsWh }), false);
  assert.equal(await verifyBundleSignature({ ...bundle, meterId: 'MTR-OTHER' }), false);
});

test('bundle parsing names what is wrong', () => {
  assert.throws(() => parseBundle({ format: 'meterproof-bundle/1' }), /invalid bundle/);
});

test('a meter key file must be self-consistent', async () => {
  const a = meterKeyToJson(await generateMeterKey('MTR-A'));
  const b = meterKeyToJson(await generateMeterKey('MTR-B'));
  await assert.rejects(parseMeterKey({ ...a, publicKey: b.publicKey }), /does not match/);
  await assert.rejects(generateMeterKey('bad id!'), /invalid meter id/);
  assert.equal((await parseMeterKey(a)).meterId, 'MTR-A');
});
