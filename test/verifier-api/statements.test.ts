/**
 * Statements from certified parts (GET /v1/statements) on SQLite and PostgreSQL: a period composed from a
 * meter's stored bills with exact totals, and every refusal with its code and the days concerned: a gap
 * (a missing part), parts reaching outside the range, overlapping parts (a week and one of its days),
 * mixed tariffs unless allowed, a part proved with a key no rotation record gives its days, a revoked key.
 * Real billing_1d and billing_7d proofs (7 in all, cached like the world of support.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dayOf, isoDay } from '../../core/time.js';
import { assembleBundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { proveBill } from '../../prover/prove-bill.js';
import type { BillResultJson } from '../../prover/result.js';
import { certifyPeriod, flatTariff, syntheticReadings } from '../support/fixtures.js';
import { apiUnderTest, backends, call } from './harness.js';
import { cachedFixture } from './support.js';

const D = dayOf('2025-02-01');
const day = (k: number) => isoDay(D + k);
const pk = (k: { publicKey: [bigint, bigint] }): [string, string] => [k.publicKey[0].toString(), k.publicKey[1].toString()];

interface Parts {
  t1: object;
  t2: object;
  value: object;
  /** MTR-S1: days D..D+3 under key A (tariff t1 to D+2, t2 from D+3), D+4 under key B */
  s1: { keyA: [string, string]; keyB: [string, string]; days: BillResultJson[] };
  /** MTR-S2: the week D..D+6 and its day D+1 */
  s2: { key: [string, string]; week: BillResultJson; day1: BillResultJson; rotated: [string, string] };
}

async function makeParts(): Promise<Parts> {
  const t1 = flatTariff(20_000, 30_000, 'flat-a');
  const t2 = flatTariff(26_000, 30_000, 'flat-b');
  const value = { ...flatTariff(7_000, 0, 'voe-flat'), kind: 'value-of-energy' };
  const a = await certifyPeriod({ startDay: D, readings: syntheticReadings(4, 31), meterId: 'MTR-S1' });
  const b = await certifyPeriod({ startDay: D + 4, readings: syntheticReadings(1, 32), meterId: 'MTR-S1' });
  const w = await certifyPeriod({ startDay: D, readings: syntheticReadings(7, 33), meterId: 'MTR-S2' });
  const other = await certifyPeriod({ startDay: D + 1, readings: syntheticReadings(1, 34), meterId: 'MTR-S2' });
  const oneDay = (p: typeof a, k: number) => assembleBundle(p.key.meterId, p.key.publicKey, p.records, D + k, 1);
  const prove = (bundle: any, tariff: object) => proveBill({ bundle, tariff, valueOfEnergy: value });
  return {
    t1,
    t2,
    value,
    s1: { keyA: pk(a.key), keyB: pk(b.key), days: [await prove(oneDay(a, 0), t1), await prove(oneDay(a, 1), t1), await prove(oneDay(a, 2), t1), await prove(oneDay(a, 3), t2), await prove(b.bundle, t2)] },
    s2: { key: pk(w.key), week: await prove(w.bundle, t1), day1: await prove(oneDay(w, 1), t1), rotated: pk(other.key) },
  };
}

const parts: Parts = await cachedFixture(`statements-v1`, ['billing_1d', 'billing_7d'], makeParts);
after(releaseCurve);

for (const backend of await backends()) {
  describe(`statements from certified parts on ${backend.name}`, { skip: backend.skip }, () => {
    const api = apiUnderTest(backend.name, { serve: { circuits: ['billing_1d', 'billing_7d'] } });
    const ids: string[] = [];
    const ok = async (method: string, path: string, body: unknown) => {
      const r = await call(api.base, method, path, { key: method === 'POST' && path === '/v1/results' ? undefined : api.keys.registrar, body });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
      return r.body;
    };
    const submit = async (result: BillResultJson) => (await ok('POST', '/v1/results', result)).id as string;
    const statement = (query: string, key = api.keys.auditor) => call(api.base, 'GET', `/v1/statements?${query}`, { key });

    before(async () => {
      await ok('PUT', '/v1/suppliers/acme', { name: 'Acme Energy' });
      await ok('PUT', '/v1/suppliers/bolt', { name: 'Bolt Power' });
      await ok('POST', '/v1/meters', { id: 'MTR-S1', supplierId: 'acme', substationId: null, publicKey: parts.s1.keyA, validFrom: '2024-01-01' });
      await ok('POST', '/v1/meters', { id: 'MTR-S2', supplierId: 'acme', substationId: null, publicKey: parts.s2.key, validFrom: '2024-01-01' });
      const assign = (tariff: object, meters: string[], from: number, to: number) => call(api.base, 'POST', '/v1/tariffs', { key: api.keys.acme, body: { tariff, meters, from: day(from), to: day(to) } });
      assert.equal((await assign(parts.t1, ['MTR-S1'], 0, 2)).status, 201);
      assert.equal((await assign(parts.t2, ['MTR-S1'], 3, 9)).status, 201);
      assert.equal((await assign(parts.t1, ['MTR-S2'], 0, 9)).status, 201);
      assert.equal((await call(api.base, 'POST', '/v1/value-vectors', { key: api.keys.grid, body: { vector: parts.value, from: day(0), to: day(9) } })).status, 201);
    });

    test('a missing day is a gap named with its days; once certified, the parts add up exactly', async () => {
      ids[0] = await submit(parts.s1.days[0]);
      ids[2] = await submit(parts.s1.days[2]);
      const gap = await statement(`meter=MTR-S1&from=${day(0)}&to=${day(2)}`);
      assert.equal(gap.status, 422, gap.text);
      assert.equal(gap.body.error.code, 'period_gap');
      assert.deepEqual(gap.body.error.gaps, [{ from: day(1), to: day(1), days: 1 }]);
      assert.match(gap.body.error.message, new RegExp(`${day(1)}\\.\\.${day(1)} \\(1 day\\)`));

      ids[1] = await submit(parts.s1.days[1]);
      const r = await statement(`meter=MTR-S1&from=${day(0)}&to=${day(2)}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.range, { from: day(0), to: day(2), days: 3 });
      assert.deepEqual(r.body.parts.map((p: any) => p.resultId), ids.slice(0, 3));
      for (const k of ['bill', 'settlement', 'consumption'] as const) {
        assert.equal(r.body.total[k], parts.s1.days.slice(0, 3).reduce((s, p) => s + BigInt(p.outputs[k]), 0n).toString(), k);
        assert.deepEqual(r.body.parts.map((p: any) => p[k]), parts.s1.days.slice(0, 3).map((p) => p.outputs[k]));
      }
      assert.equal(r.body.total.parts, 3);
      assert.deepEqual(r.body.parts.map((p: any) => p.meterKeyGeneration), [1, 1, 1]);
      assert.equal(r.body.tariffDigests.length, 1);

      const tail = await statement(`meter=MTR-S1&from=${day(0)}&to=${day(5)}`);
      assert.equal(tail.body.error.code, 'period_gap');
      assert.deepEqual(tail.body.error.gaps, [{ from: day(3), to: day(5), days: 3 }]);
    });

    test('parts under two tariffs are refused unless mixedTariffs=allow', async () => {
      ids[3] = await submit(parts.s1.days[3]);
      const mixed = await statement(`meter=MTR-S1&from=${day(0)}&to=${day(3)}`);
      assert.equal(mixed.status, 422);
      assert.equal(mixed.body.error.code, 'mixed_tariffs');
      assert.deepEqual(mixed.body.error.changesOn, [day(3)]);
      const allowed = await statement(`meter=MTR-S1&from=${day(0)}&to=${day(3)}&mixedTariffs=allow`);
      assert.equal(allowed.status, 200, allowed.text);
      assert.equal(allowed.body.tariffDigests.length, 2);
      assert.equal(allowed.body.total.bill, parts.s1.days.slice(0, 4).reduce((s, p) => s + BigInt(p.outputs.bill), 0n).toString());
      assert.equal((await statement(`meter=MTR-S1&from=${day(0)}&to=${day(3)}&mixedTariffs=yes`)).status, 400);
    });

    test('a part after a recorded key rotation counts, with its key generation', async () => {
      await ok('POST', '/v1/meters/MTR-S1/keys', { publicKey: parts.s1.keyB, validFrom: day(4) });
      ids[4] = await submit(parts.s1.days[4]);
      const r = await statement(`meter=MTR-S1&from=${day(0)}&to=${day(4)}&mixedTariffs=allow`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.parts.map((p: any) => p.meterKeyGeneration), [1, 1, 1, 1, 2]);
      assert.notEqual(r.body.parts[3].meterKeyId, r.body.parts[4].meterKeyId);
    });

    test('a part reaching outside the range, and overlapping parts, are refused; naming the parts resolves an overlap', async () => {
      const week = await submit(parts.s2.week);
      const outside = await statement(`meter=MTR-S2&from=${day(1)}&to=${day(6)}`);
      assert.equal(outside.status, 422);
      assert.equal(outside.body.error.code, 'part_outside_range');
      assert.equal(outside.body.error.resultId, week);

      const single = await submit(parts.s2.day1);
      const overlap = await statement(`meter=MTR-S2&from=${day(0)}&to=${day(6)}`);
      assert.equal(overlap.status, 422);
      assert.equal(overlap.body.error.code, 'parts_overlap');
      assert.deepEqual(new Set(overlap.body.error.resultIds), new Set([week, single]));
      assert.deepEqual(overlap.body.error.overlap, { from: day(1), to: day(1), days: 1 });

      const chosen = await statement(`meter=MTR-S2&from=${day(0)}&to=${day(6)}&results=${week}`);
      assert.equal(chosen.status, 200, chosen.text);
      assert.equal(chosen.body.total.bill, parts.s2.week.outputs.bill);
      assert.equal(chosen.body.parts[0].circuit, 'billing_7d');
      const foreign = await statement(`meter=MTR-S2&from=${day(0)}&to=${day(6)}&results=${ids[0]}`);
      assert.equal(foreign.body.error.code, 'result_not_part');
    });

    test('a part whose key a later rotation record no longer gives its days is refused', async () => {
      // a rotation recorded from D+1: the week (proved with the first key for D..D+6) is no longer covered
      await ok('POST', '/v1/meters/MTR-S2/keys', { publicKey: parts.s2.rotated, validFrom: day(1) });
      const listed = await call(api.base, 'GET', `/v1/results?meter=MTR-S2&circuit=billing_7d`, { key: api.keys.auditor });
      const r = await statement(`meter=MTR-S2&from=${day(0)}&to=${day(6)}&results=${listed.body.items[0].id}`);
      assert.equal(r.status, 422, r.text);
      assert.equal(r.body.error.code, 'meter_key_generation');
      assert.match(r.body.error.message, new RegExp(`${day(0)}\\.\\.${day(6)} \\(7 days\\)`));
    });

    test('a part proved with a key revoked since is refused', async () => {
      const meter = await call(api.base, 'GET', '/v1/meters/MTR-S1', { key: api.keys.registrar });
      const keyB = meter.body.keys.find((k: any) => k.publicKey[0] === parts.s1.keyB[0]);
      await ok('POST', `/v1/meters/MTR-S1/keys/${keyB.id}/revoke`, undefined);
      const r = await statement(`meter=MTR-S1&from=${day(0)}&to=${day(4)}&mixedTariffs=allow`);
      assert.equal(r.status, 422);
      assert.equal(r.body.error.code, 'meter_key_revoked');
      assert.equal(r.body.error.resultId, ids[4]);
      assert.equal((await statement(`meter=MTR-S1&from=${day(0)}&to=${day(2)}`)).status, 200);
    });

    test('who may ask, and bad requests', async () => {
      assert.equal((await statement(`meter=MTR-S1&from=${day(0)}&to=${day(2)}`, api.keys.acme)).status, 200);
      assert.equal((await statement(`meter=MTR-S1&from=${day(0)}&to=${day(2)}`, api.keys.bolt)).status, 404);
      assert.equal((await statement(`meter=MTR-S1&from=${day(0)}&to=${day(2)}`, api.keys.grid)).status, 403);
      assert.equal((await call(api.base, 'GET', `/v1/statements?meter=MTR-S1&from=${day(0)}&to=${day(2)}`)).status, 401);
      assert.equal((await statement(`meter=MTR-NONE&from=${day(0)}&to=${day(2)}`)).status, 404);
      const backwards = await statement(`meter=MTR-S1&from=${day(2)}&to=${day(0)}`);
      assert.equal(backwards.status, 400);
      assert.equal(backwards.body.error.code, 'invalid_request');
      assert.equal((await statement(`meter=MTR-S1&from=${day(0)}`)).status, 400);
      assert.equal((await statement(`meter=MTR-S1&from=2015-01-01&to=2025-12-31`)).status, 400);
    });
  });
}
