/**
 * Which circuit serves a period, at the edges of the instances (28, 31, 32, 59, 92, 93 days), and the CLI's
 * one-line refusals naming the days: a period longer than any circuit, a bundle whose days do not match
 * its readings. Cheap: no circuit is compiled (the refusals come before any proving).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import { circuitForDays, KINDS } from '../../kinds/registry.js';
import { bundleToJson } from '../../meter/bundle.js';
import { cliRunner } from '../support/cli.js';
import { certifyPeriod, flatTariff, syntheticReadings } from '../support/fixtures.js';

describe('the circuit for a period', () => {
  for (const [days, id] of [[1, 'billing_1d'], [7, 'billing_7d'], [28, 'billing_31d'], [31, 'billing_31d'], [32, 'billing_92d'], [59, 'billing_92d'], [90, 'billing_92d'], [92, 'billing_92d']] as const) {
    test(`a ${days}-day bill is proved on ${id}`, () => assert.equal(circuitForDays('bill', days).id, id));
  }
  for (const days of [2, 27, 93, 365]) {
    test(`no bill circuit serves ${days} days: the message names the days and the periods served`, () => {
      assert.throws(() => circuitForDays('bill', days), (e: Error) => {
        assert.match(e.message, new RegExp(`^no bill circuit serves a period of ${days} days \\(bill circuits serve 1, 7, 28-31 and 32-92 days\\)`));
        assert.equal(/GET \/v1\/statements/.test(e.message), days > 92, 'periods longer than a quarter are composed');
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    });
  }
  test('every kind with a 31-day circuit serves 28-31 days on it, and a quarter circuit (if any) continues at 32', () => {
    for (const k of Object.values(KINDS)) {
      for (const c of k.circuits.filter((c) => c.params.maxDays > 31)) assert.equal(c.params.minDays, 32, `${c.id} starts where the month ends`);
    }
  });
});

describe('the CLI refuses periods it cannot prove, naming the days', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-periods-'));
  const { fails } = cliRunner(dir);
  writeFileSync(join(dir, 'tariff.json'), JSON.stringify(flatTariff(24_500, 45_000)));

  test('a 93-day bundle: longer than any bill circuit', async () => {
    const { bundle } = await certifyPeriod({ startDay: dayOf('2023-01-01'), readings: syntheticReadings(93, 5) });
    writeFileSync(join(dir, 'long.json'), JSON.stringify(bundleToJson(bundle)));
    await fails(/no bill circuit serves a period of 93 days \(bill circuits serve 1, 7, 28-31 and 32-92 days\); prove shorter periods and compose them/, 'prove', 'bill', '--bundle', 'long.json', '--tariff', 'tariff.json', '--out', 'x.json');
  });
  test('a bundle claiming 92 days with 91 days of readings', async () => {
    const { bundle } = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: syntheticReadings(1, 5) });
    const json = bundleToJson(bundle);
    const wrong = { ...json, period: { ...json.period, days: 92 }, certificate: { ...json.certificate, endDay: '2023-10-01' }, readingsWh: Array(91 * SLOTS_PER_DAY).fill(1) };
    writeFileSync(join(dir, 'mismatch.json'), JSON.stringify(wrong));
    await fails(/invalid bundle: 92 days need 4416 readings, found 4368 \(91 days\)/, 'prove', 'bill', '--bundle', 'mismatch.json', '--tariff', 'tariff.json', '--out', 'x.json');
  });
});
