/**
 * Which circuit serves a period, at the edges of the instances (28, 31, 32, 59, 92, 93 days) for every kind
 * with a quarter circuit, and the CLI's one-line refusals naming the days: a period longer than any circuit
 * (each of those kinds), a bundle whose days do not match its readings. Cheap: no circuit is compiled (the
 * refusals come before any proving).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import { circuitForDays, KINDS } from '../../kinds/registry.js';
import { bundleToJson, type Bundle } from '../../meter/bundle.js';
import { cliRunner } from '../support/cli.js';
import { certifyPeriod, flatTariff, syntheticReadings } from '../support/fixtures.js';

// the kinds with a quarter circuit (kinds/<kind>/README.md says why the others have none)
const QUARTERS = Object.values(KINDS).filter((k) => k.circuits.some((c) => c.params.maxDays === 92));

describe('the circuit for a period', () => {
  test('the bill, the rebate, sampling and totals have a quarter circuit', () => assert.deepEqual(QUARTERS.map((k) => k.kind).sort(), ['bill', 'rebate', 'sampling', 'totals']));
  for (const { kind, circuits } of QUARTERS) {
    const month = circuits.find((c) => c.params.maxDays === 31)!.id;
    const quarter = circuits.find((c) => c.params.maxDays === 92)!.id;
    for (const [days, id] of [[28, month], [31, month], [32, quarter], [59, quarter], [90, quarter], [92, quarter]] as const) {
      test(`a ${days}-day ${kind} is proved on ${id}`, () => assert.equal(circuitForDays(kind, days).id, id));
    }
    for (const days of [2, 27, 93, 365]) {
      test(`no ${kind} circuit serves ${days} days: the message names the days and the periods served`, () => {
        assert.throws(() => circuitForDays(kind, days), (e: Error) => {
          assert.match(e.message, new RegExp(`^no ${kind} circuit serves a period of ${days} days \\(${kind} circuits serve 1, 7, 28-31 and 32-92 days\\)`));
          assert.equal(/; prove shorter periods/.test(e.message), days > 92, 'periods longer than a quarter are proved as shorter ones');
          assert.equal(/GET \/v1\/statements/.test(e.message), kind === 'bill' && days > 92, 'bills are then composed');
          assert.ok(!e.message.includes('\n'));
          return true;
        });
      });
    }
  }
  test('every kind with a 31-day circuit serves 28-31 days on it, and a quarter circuit (if any) continues at 32', () => {
    for (const k of Object.values(KINDS)) {
      for (const c of k.circuits.filter((c) => c.params.maxDays > 31)) assert.equal(c.params.minDays, 32, `${c.id} starts where the month ends`);
    }
  });
  test("a quarter circuit's constraint budget per reading is at most its month's (the cost per reading does not grow)", () => {
    const perReading = (c: { budget?: number; params: { maxDays: number } }) => c.budget! / (c.params.maxDays * SLOTS_PER_DAY);
    for (const { kind } of QUARTERS) assert.ok(perReading(circuitForDays(kind, 92)) <= perReading(circuitForDays(kind, 31)), kind);
  });
});

describe('the CLI refuses periods it cannot prove, naming the days', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-periods-'));
  const { fails } = cliRunner(dir);
  writeFileSync(join(dir, 'tariff.json'), JSON.stringify(flatTariff(24_500, 45_000)));

  let long: Bundle;
  before(async () => {
    long = (await certifyPeriod({ startDay: dayOf('2023-01-01'), readings: syntheticReadings(93, 5) })).bundle;
    writeFileSync(join(dir, 'long.json'), JSON.stringify(bundleToJson(long)));
  });
  for (const k of QUARTERS) {
    test(`a 93-day bundle: longer than any ${k.kind} circuit`, async () => {
      // the kind's example documents, so that only the period can be refused
      const fields = k.example(long);
      const documents = k.flags.flatMap((f) => {
        if (f.type !== 'document' || fields[f.field] == null) return [];
        writeFileSync(join(dir, `${f.field}.json`), JSON.stringify(fields[f.field]));
        return [f.flag.split(' ')[0], `${f.field}.json`];
      });
      const then = k.kind === 'bill' ? ' and compose them \\(GET /v1/statements\\)' : '$';
      await fails(new RegExp(`^meterproof: no ${k.kind} circuit serves a period of 93 days \\(${k.kind} circuits serve 1, 7, 28-31 and 32-92 days\\); prove shorter periods${then}`, 'm'), 'prove', k.kind, '--bundle', 'long.json', ...documents, '--out', 'x.json');
    });
  }
  test('a bundle claiming 92 days with 91 days of readings', async () => {
    const { bundle } = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: syntheticReadings(1, 5) });
    const json = bundleToJson(bundle);
    const wrong = { ...json, period: { ...json.period, days: 92 }, certificate: { ...json.certificate, endDay: '2023-10-01' }, readingsWh: Array(91 * SLOTS_PER_DAY).fill(1) };
    writeFileSync(join(dir, 'mismatch.json'), JSON.stringify(wrong));
    await fails(/invalid bundle: 92 days need 4416 readings, found 4368 \(91 days\)/, 'prove', 'bill', '--bundle', 'mismatch.json', '--tariff', 'tariff.json', '--out', 'x.json');
  });
});
