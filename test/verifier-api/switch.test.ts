/**
 * Supplier switches on SQLite and PostgreSQL: a meter moves from acme to bolt on a date; acme's tariff
 * assignment ends the day before, bolt publishes its own from the switch, a later bill is certified for
 * bolt with bolt's tariff (acme's is refused), a period straddling the switch is refused, settlement and
 * result visibility follow the supplier of each period, and certified days cannot be moved.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isoDay } from '../../core/time.js';
import { assembleBundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { proveBill } from '../../prover/prove-bill.js';
import type { BillResultJson } from '../../prover/result.js';
import { certifyPeriod, syntheticReadings } from '../support/fixtures.js';
import { apiUnderTest, backends, call } from './harness.js';
import { cachedFixture, CIRCUIT, clone, DAY, START_DAY, world, type World } from './support.js';

const w: World = await world();
after(releaseCurve);

const NEXT = isoDay(START_DAY + 1);

/** Meter MTR-S1 (acme, then bolt): its DAY under acme's tariff, its next day under bolt's and, wrongly, acme's. */
interface Switched {
  publicKey: [string, string];
  day: BillResultJson;
  nextBolt: BillResultJson;
  nextAcme: BillResultJson;
}
const s: Switched = await cachedFixture('switch-v1', [CIRCUIT], async () => {
  const p = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(2, 21), meterId: 'MTR-S1' });
  const bundle = (d: number) => assembleBundle(p.key.meterId, p.key.publicKey, p.records, d, 1);
  const prove = (d: number, tariff: object) => proveBill({ bundle: bundle(d), tariff, valueOfEnergy: w.value });
  return {
    publicKey: [p.key.publicKey[0].toString(), p.key.publicKey[1].toString()],
    day: await prove(START_DAY, w.tariffs.acme),
    nextBolt: await prove(START_DAY + 1, w.tariffs.bolt),
    nextAcme: await prove(START_DAY + 1, w.tariffs.acme),
  };
});

for (const backend of await backends()) {
  describe(`supplier switches on ${backend.name}`, { skip: backend.skip }, () => {
    let today = Math.floor(Date.now() / 86_400_000);
    // billing_7d is pinned too, for a week across the switch
    const api = apiUnderTest(backend.name, { serve: { circuits: [CIRCUIT, 'billing_7d'], today: () => today }, world: w });
    const ids: Record<string, string> = {};
    const post = (body: unknown) => call(api.base, 'POST', '/v1/results', { body });
    const switchTo = (meter: string, supplierId: string, from: string) => call(api.base, 'POST', `/v1/meters/${meter}/switch`, { key: api.keys.registrar, body: { supplierId, from } });
    const tariff = (key: string, doc: object, from: string, to: string, meter = 'MTR-S1') => call(api.base, 'POST', '/v1/tariffs', { key, body: { tariff: doc, meters: [meter], from, to } });
    const code = (r: { body: any }) => r.body?.error?.code;

    before(async () => {
      const reg = await call(api.base, 'POST', '/v1/meters', { key: api.keys.registrar, body: { id: 'MTR-S1', supplierId: 'acme', substationId: 'sub-2', publicKey: s.publicKey, validFrom: '2024-01-01' } });
      assert.equal(reg.status, 201, reg.text);
      assert.deepEqual(reg.body.suppliers, [{ supplierId: 'acme', from: null, to: null }]);
      // acme's open-ended tariff for ten years, as a supplier publishes one
      assert.equal((await tariff(api.keys.acme, w.tariffs.acme, DAY, '2034-12-31')).status, 201);
      const first = await post(s.day);
      assert.equal(first.status, 201, first.text);
      ids.day = first.body.id;
    });

    test('before the switch: bolt may not publish for the meter, and the switch may not move certified days', async () => {
      const r = await tariff(api.keys.bolt, w.tariffs.bolt, NEXT, NEXT);
      assert.equal(r.status, 403, r.text);
      const back = await switchTo('MTR-S1', 'bolt', DAY);
      assert.equal(back.status, 409, back.text);
      assert.equal(code(back), 'switch_conflict');
      assert.match(back.body.error.message, new RegExp(ids.day));
      assert.equal(code(await switchTo('MTR-S1', 'acme', NEXT)), 'switch_conflict', 'acme already supplies it');
      assert.equal(code(await switchTo('MTR-S1', 'nobody', NEXT)), 'unknown_supplier');
      assert.equal((await switchTo('MTR-NONE', 'bolt', NEXT)).status, 404);
      assert.equal(code(await call(api.base, 'POST', '/v1/meters/MTR-S1/switch', { key: api.keys.registrar, body: { supplierId: 'bolt', from: NEXT, extra: 1 } })), 'invalid_request');
      assert.equal((await call(api.base, 'POST', '/v1/meters/MTR-S1/switch', { key: api.keys.acme, body: { supplierId: 'bolt', from: NEXT } })).status, 403, 'registrar only');
      const meter = await call(api.base, 'GET', '/v1/meters/MTR-S1', { key: api.keys.registrar });
      assert.deepEqual(meter.body.suppliers, [{ supplierId: 'acme', from: null, to: null }], 'a refused switch changed nothing');
    });

    test("the switch ends acme's supply and tariff the day before; bolt publishes from the switch", async () => {
      const sw = await switchTo('MTR-S1', 'bolt', NEXT);
      assert.equal(sw.status, 201, sw.text);
      assert.deepEqual({ ...sw.body, meter: undefined }, { meterId: 'MTR-S1', supplierId: 'bolt', from: NEXT, previousSupplierId: 'acme', assignmentsEnded: 1, assignmentsRemoved: 0, meter: undefined });
      assert.deepEqual(sw.body.meter.suppliers, [
        { supplierId: 'acme', from: null, to: DAY },
        { supplierId: 'bolt', from: NEXT, to: null },
      ]);
      assert.equal(sw.body.meter.supplierId, 'bolt', 'bolt supplies it today');
      assert.equal(code(await switchTo('MTR-S1', 'acme', NEXT)), 'switch_conflict', 'a switch must come after the latest one');

      // acme's assignment now ends on DAY: its tariff no longer certifies the next day
      const acmeNext = await post(s.nextAcme);
      assert.equal(acmeNext.status, 422, acmeNext.text);
      assert.equal(code(acmeNext), 'tariff_not_published');
      assert.equal(code(await tariff(api.keys.acme, w.tariffs.acme, NEXT, NEXT)), 'forbidden', 'acme no longer supplies it');
      assert.equal(code(await tariff(api.keys.acme, w.tariffs.acme, DAY, NEXT)), 'outside_supply_period');
      const straddling = await tariff(api.keys.bolt, w.tariffs.bolt, DAY, NEXT);
      assert.equal(straddling.status, 422, straddling.text);
      assert.equal(code(straddling), 'outside_supply_period');
      assert.match(straddling.body.error.message, new RegExp(`${NEXT}\\.\\.open`));
      const boltTariff = await tariff(api.keys.bolt, w.tariffs.bolt, NEXT, NEXT); // its prices cover two days only
      assert.equal(boltTariff.status, 201, `no tariff_overlap with acme's ten years: ${boltTariff.text}`);
    });

    test('certification uses the supplier and tariff in force for the period; a period across the switch is refused', async () => {
      const next = await post(s.nextBolt);
      assert.equal(next.status, 201, next.text);
      assert.equal(next.body.result.supplierId, 'bolt');
      ids.next = next.body.id;
      const replay = await post(s.day);
      assert.equal(replay.status, 200, 'a result certified before the switch replays');
      assert.equal(replay.body.result.supplierId, 'acme', 'and keeps its supplier');

      // a week across the switch on a circuit that serves it: refused before the documents are looked at
      const across = clone(s.day) as any;
      across.circuit = 'billing_7d';
      across.statement.period = { start: isoDay(START_DAY - 3), days: 7 };
      const r = await post(across);
      assert.equal(r.status, 422, r.text);
      assert.equal(code(r), 'period_straddles_switch');
      assert.match(r.body.error.message, new RegExp(`from acme to bolt on ${NEXT}`));
    });

    test('settlement and visibility follow the supplier of each period', async () => {
      const settle = async (period: string) => Object.fromEntries((await call(api.base, 'GET', `/v1/settlement?period=${period}`, { key: api.keys.grid })).body.suppliers.map((x: any) => [x.supplierId, x]));
      const day = await settle(DAY);
      assert.equal(day.acme.settlement, s.day.outputs.settlement, "DAY's settlement stays acme's");
      assert.equal(day.acme.metersCounted, 1);
      assert.ok(!day.bolt.missingMeters.includes('MTR-S1'), 'bolt did not supply it on DAY');
      const next = await settle(NEXT);
      assert.equal(next.bolt.settlement, s.nextBolt.outputs.settlement, "the next day's settlement goes to bolt");
      assert.equal(next.bolt.metersCounted, 1);
      assert.equal(next.acme.metersCounted, 0);
      assert.ok(!next.acme.missingMeters.includes('MTR-S1'), 'acme is not missing a meter it no longer supplies');
      const both = await settle(`${DAY}/2`);
      assert.ok(both.acme.missingMeters.includes('MTR-S1') && both.bolt.missingMeters.includes('MTR-S1'), 'across the switch, each supplier misses its part');

      const list = async (key: string) => (await call(api.base, 'GET', '/v1/results?meter=MTR-S1', { key })).body.items.map((x: any) => x.id).sort();
      assert.deepEqual(await list(api.keys.acme), [ids.day]);
      assert.deepEqual(await list(api.keys.bolt), [ids.next]);
      for (const key of [api.keys.acme, api.keys.bolt]) {
        const m = await call(api.base, 'GET', '/v1/meters/MTR-S1', { key });
        assert.equal(m.status, 200, 'both suppliers see the meter they supplied or supply');
        assert.ok((await call(api.base, 'GET', '/v1/meters', { key })).body.items.some((x: any) => x.id === 'MTR-S1'));
      }
    });

    test('PATCH with another supplier is a switch from today; a switch never runs concurrently twice', async () => {
      const saved = today;
      today = START_DAY + 40;
      try {
        const p = await call(api.base, 'PATCH', '/v1/meters/MTR-S1', { key: api.keys.registrar, body: { supplierId: 'acme' } });
        assert.equal(p.status, 200, p.text);
        assert.deepEqual(p.body.suppliers.at(-1), { supplierId: 'acme', from: isoDay(START_DAY + 40), to: null });
        assert.deepEqual(p.body.suppliers.at(-2), { supplierId: 'bolt', from: NEXT, to: isoDay(START_DAY + 39) });
        assert.equal(p.body.supplierId, 'acme');
      } finally {
        today = saved;
      }
      // MTR-A2 (acme): of concurrent switches, exactly one succeeds
      const all = await Promise.all([1, 2, 3, 4].map((k) => switchTo('MTR-A2', 'bolt', isoDay(START_DAY + 100 + k))));
      assert.equal(all.filter((r) => r.status === 201).length, 1, all.map((r) => r.text).join('\n'));
      assert.ok(all.every((r) => r.status === 201 || code(r) === 'switch_conflict'));
      const m = await call(api.base, 'GET', '/v1/meters/MTR-A2', { key: api.keys.registrar });
      assert.equal(m.body.suppliers.length, 2);
      assert.equal(m.body.suppliers.filter((x: any) => x.to === null).length, 1);
    });
  });
}
