/**
 * Every result kind through the verifier API, on SQLite and PostgreSQL, with real 1-day proofs: the
 * published-parameters registry and its roles, each kind accepted (201, outputs stored, replay 200), each
 * kind's registry refusals, sampling challenges issued by the API, rebate claims (second and overlapping
 * claims refused) and payouts, substation balancing from certified totals, profile classes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { firstSlotOfDay } from '../../core/time.js';
import { parseBundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { proveResult } from '../../prover/prove.js';
import type { ResultJson } from '../../prover/result.js';
import { compactResult, documentDigestOf } from '../../prover/documents.js';
import { verifyResult } from '../../prover/verify.js';
import { openDb } from '../../verifier-api/db.js';
import { resultRowSizes } from '../../verifier-api/results.js';
import { edited } from '../support/results.js';
import { apiUnderTest, backends, call } from './harness.js';
import { KIND_CIRCUITS, KINDS_AVAILABLE, kindsWorld, registerKindMeters } from './kinds-support.js';
import { CIRCUIT, DAY, START_DAY, world } from './support.js';

const w = await world();
const kw = await kindsWorld();
after(releaseCurve);

const skip = (kind: string) => (KINDS_AVAILABLE.includes(kind) ? false : `no "${kind}" kind in kinds/all.ts yet`);
const total = (...xs: string[]) => xs.reduce((a, b) => a + BigInt(b), 0n).toString();
const [K1, K2] = kw.meters;
const docs = kw.documents;
const JANUARY = { from: '2025-01-01', to: '2025-01-31' };
/** a past period with the same meter keys, outside every January publication */
const FEBRUARY_DAY = '2025-02-03';
const res = (name: keyof typeof kw.results): ResultJson => {
  const r = kw.results[name];
  if (!r) throw new Error(`fixture ${name} was not proved`);
  return r;
};

for (const backend of await backends()) {
  describe(`result kinds on ${backend.name}`, { skip: backend.skip }, () => {
    const api = apiUnderTest(backend.name, { serve: { circuits: [CIRCUIT, ...KIND_CIRCUITS] }, world: w });
    const ids: Record<string, string> = {};
    const submitted: Record<string, ResultJson> = {};
    const post = (body: unknown) => call(api.base, 'POST', '/v1/results', { body });
    const publish = (key: string, document: object, range: { from?: string; to?: string } = {}) => call(api.base, 'POST', '/v1/parameters', { key, body: { document, ...range } });
    const refused = async (body: unknown, status: number, code: string, message?: RegExp) => {
      const r = await post(body);
      assert.equal(r.status, status, `${code}: ${r.text}`);
      assert.equal(r.body.error.code, code, r.text);
      if (message) assert.match(r.body.error.message, message);
      return r;
    };
    /** 201 with the result's outputs stored, then 200 for the same file; remembers the id */
    const accepted = async (name: string, result: ResultJson) => {
      const r = await post(result);
      assert.equal(r.status, 201, `${name}: ${r.text}`);
      assert.equal(r.body.result.kind, result.kind);
      assert.deepEqual(r.body.result.outputs, result.outputs);
      assert.deepEqual(r.body.result.units, result.units);
      const again = await post(result);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.id, r.body.id);
      const compact = await post(compactResult(result).result);
      assert.equal(compact.status, 200, `the same result with its documents by digest is a replay: ${compact.text}`);
      assert.equal(compact.body.id, r.body.id);
      ids[name] = r.body.id;
      submitted[name] = result;
      return r.body.result;
    };

    before(async () => {
      await registerKindMeters(api.base, api.keys, w, kw);
    });

    test('published parameters: each format by its roles, immutable, exclusive where it must be, listed by kind and validity', async () => {
      assert.equal((await publish(api.keys.scheme, docs.events, JANUARY)).status, 403, 'events are the grid’s');
      const noRange = await publish(api.keys.grid, docs.events);
      assert.equal(noRange.status, 400, 'events need a validity range');
      const events = await publish(api.keys.grid, docs.events, JANUARY);
      assert.equal(events.status, 201, events.text);
      assert.equal(events.body.kind, 'dr-events');
      assert.equal(events.headers.get('location'), `/v1/parameters/${events.body.digest}`);
      assert.equal((await publish(api.keys.grid, docs.events, JANUARY)).status, 200, 'the same publication again');
      const changed = await publish(api.keys.grid, { ...docs.events, name: 'changed' }, JANUARY);
      assert.equal(changed.status, 409);
      assert.equal(changed.body.error.code, 'parameters_exist');
      const overlap = await publish(api.keys.grid, { ...docs.events, id: 'grid-dr-late-january' }, { from: '2025-01-20', to: '2025-02-10' });
      assert.equal(overlap.status, 409, 'one events schedule per day');
      assert.equal(overlap.body.error.code, 'parameters_overlap');
      assert.equal((await publish(api.keys.grid, { ...docs.events, id: 'grid-dr-2025-02' }, { from: '2025-02-01', to: '2025-02-28' })).status, 201, 'February does not overlap');
      const invalid = await publish(api.keys.grid, { ...docs.events, penaltyRate: -1 }, JANUARY);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.code, 'invalid_document');
      assert.match(invalid.body.error.message, /penaltyRate/);
      const unknown = await publish(api.keys.grid, { format: 'meterproof-nothing/1' });
      assert.equal(unknown.body.error.code, 'invalid_document');

      for (const [key, doc, range] of [
        [api.keys.service, docs.tariffSet, {}],
        [api.keys.scheme, docs.scheme, { from: '2025-01-01', to: '2025-12-31' }],
        [api.keys.scheme, docs.profiles, {}],
        [api.keys.grid, docs.pattern, {}],
        [api.keys.bolt, docs.boltPattern, {}],
      ] as const) {
        const r = await publish(key, doc, range);
        assert.equal(r.status, 201, r.text);
      }
      assert.equal((await publish(api.keys.grid, docs.scheme)).status, 403, 'schemes are the scheme operator’s');

      const january = await call(api.base, 'GET', `/v1/parameters?kind=dr-events&period=${DAY}`);
      assert.deepEqual(january.body.items.map((p: any) => p.id), ['grid-dr-2025-01']);
      const bolt = await call(api.base, 'GET', '/v1/parameters?kind=suspect-pattern&id=bolt-night-load');
      assert.equal(bolt.body.items[0].supplierId, 'bolt');
      const one = await call(api.base, 'GET', `/v1/parameters/${events.body.digest}`);
      assert.deepEqual(one.body.document, docs.events);
      assert.deepEqual([one.body.from, one.body.to], [JANUARY.from, JANUARY.to]);

      // a tiered tariff is assigned like a tariff, next to the meter's tariff for bills
      const tiered = await call(api.base, 'POST', '/v1/tariffs', { key: api.keys.acme, body: { tariff: docs.tiered, meters: [K2.id], ...JANUARY } });
      assert.equal(tiered.status, 201, tiered.text);
      assert.equal(tiered.body.kind, 'tiered-tariff');
    });

    test('threshold: compliance and penalty bill against the grid’s events; the penalty tariff must be the meter’s', { skip: skip('threshold') }, async () => {
      const compliance = await accepted('compliance', res('compliance'));
      assert.deepEqual(compliance.outputs, { bill: '0' });
      assert.equal(compliance.bindings.mode, 'compliance');
      const penalty = await accepted('penalty', res('penalty'));
      assert.equal(penalty.bindings.mode, 'penalty');
      assert.ok(penalty.bindings.tariffDigest);

      await refused(edited(res('penalty'), (r) => (r.statement.tariff = w.tariffs.bolt)), 422, 'tariff_mismatch', /not the tariff supplier acme published/);
      await refused(edited(res('compliance'), (r) => (r.statement.events.name = 'my own events')), 422, 'parameters_mismatch');
      await refused(edited(res('compliance'), (r) => (r.statement.events.id = 'household-events')), 422, 'parameters_not_published');
      await refused(edited(res('compliance'), (r) => (r.statement.period.start = FEBRUARY_DAY)), 422, 'parameters_not_valid', /valid 2025-01-01\.\.2025-01-31/);
      await refused(edited(res('compliance'), (r) => (r.statement.mode = 'penalty')), 400, 'malformed', /tariff/);
      await refused(edited(res('compliance'), (r) => (r.statement.tariff = w.tariffs.acme)), 400, 'malformed', /compliance statement takes no tariff/);
    });

    test('tiered: the bill under the tiered tariff the supplier assigned', { skip: skip('tiered') }, async () => {
      const r = await accepted('tiered', res('tiered'));
      assert.ok(r.bindings.tariffDigest);
      await refused(edited(res('tiered'), (x) => (x.statement.tariff.name = 'Acme Tiered (edited)')), 422, 'tariff_mismatch');
      await refused(edited(res('tiered'), (x) => ((x.statement.meterId = K1.id), (x.statement.meterPublicKey = K1.publicKey))), 422, 'tariff_not_published', /no tiered tariff/);
      await refused(edited(res('tiered'), (x) => (x.statement.tariff = w.tariffs.acme)), 400, 'malformed');
    });

    test('compare: a published tariff set; current must be the household’s tariff when the set holds it', { skip: skip('compare') }, async () => {
      const r = await accepted('compare', res('compare'));
      assert.deepEqual(Object.keys(r.outputs).sort(), ['cheapest', 'saving']);
      assert.equal(r.bindings.current, 1);
      await refused(edited(res('compare'), (x) => (x.statement.current = 0)), 422, 'current_tariff_mismatch', /tariff 1 of the set/);
      await refused(edited(res('compare'), (x) => (x.statement.tariffs.id = 'my-offers')), 422, 'parameters_not_published');
    });

    test('rebate: one claim per meter, scheme and period, no overlapping claims; payouts per scheme', { skip: skip('rebate') }, async () => {
      const k1 = await accepted('rebateK1', res('rebateK1'));
      assert.ok(BigInt(k1.outputs.rebate) > 0n, 'the fixture saves energy');
      const second = await refused(res('rebateK1Again'), 409, 'duplicate_statement');
      assert.equal(second.body.error.existingId, ids.rebateK1);
      const week = await refused(res('rebateK1Week'), 409, 'claim_overlap', /2025-01-15/);
      assert.equal(week.body.error.existingId, ids.rebateK1);
      await accepted('rebateK2', res('rebateK2'));
      await refused(edited(res('rebateK2'), (x) => (x.statement.scheme.thresholdWhPerDay = 60_000)), 422, 'parameters_mismatch');

      const payouts = await call(api.base, 'GET', '/v1/rebates/payouts?from=2025-01-01&to=2025-01-31', { key: api.keys.scheme });
      assert.equal(payouts.status, 200, payouts.text);
      const expected = total(res('rebateK1').outputs.rebate as string, res('rebateK2').outputs.rebate as string);
      assert.deepEqual(payouts.body.total, { rebate: expected, claims: 2 });
      const [scheme] = payouts.body.schemes;
      assert.equal(scheme.schemeId, 'warm-homes-2025');
      assert.equal(scheme.rebate, expected);
      assert.equal(scheme.meters, 2);
      assert.deepEqual(scheme.items.map((c: any) => c.resultId).sort(), [ids.rebateK1, ids.rebateK2].sort());
      const other = await call(api.base, 'GET', '/v1/rebates/payouts?from=2025-01-01&to=2025-01-31&scheme=another', { key: api.keys.auditor });
      assert.deepEqual(other.body.total, { rebate: '0', claims: 0 });
      assert.equal((await call(api.base, 'GET', '/v1/rebates/payouts?from=2025-01-16&to=2025-01-31', { key: api.keys.scheme })).body.total.claims, 0, 'claims outside the range');
      assert.equal((await call(api.base, 'GET', '/v1/rebates/payouts?from=2025-01-01&to=2025-01-31', { key: api.keys.grid })).status, 403);
    });

    test('totals: substation balancing from certified sub-period totals', { skip: skip('totals') }, async () => {
      const t1 = await accepted('totalsK1', res('totalsK1'));
      await accepted('totalsK2', res('totalsK2'));
      assert.equal((t1.outputs.totals as string[]).length, 1);
      const certified = BigInt(total((res('totalsK1').outputs.totals as string[])[0], (res('totalsK2').outputs.totals as string[])[0]));
      const put = (substationId: string, wh: bigint) => call(api.base, 'PUT', '/v1/feeder-measurements', { key: api.keys.grid, body: { substationId, period: { start: DAY, days: 1 }, consumptionWh: wh.toString() } });
      assert.equal((await put('sub-1', (certified * 101n) / 100n)).status, 200);
      const b = await call(api.base, 'GET', `/v1/substations/balance?period=${DAY}&source=totals`, { key: api.keys.grid });
      assert.equal(b.status, 200, b.text);
      assert.equal(b.body.source, 'totals');
      const sub1 = b.body.substations.find((s: any) => s.substationId === 'sub-1');
      assert.equal(sub1.certifiedConsumption, certified.toString());
      assert.equal(sub1.metersCounted, 2);
      assert.equal(sub1.flagged, false, 'within 5 %');
      assert.deepEqual(sub1.missingMeters, ['MTR-A1', 'MTR-A2', 'MTR-B1'], 'meters behind sub-1 without certified totals');
      const strict = await call(api.base, 'GET', `/v1/substations/balance?period=${DAY}&source=totals&tolerance=0.005`, { key: api.keys.auditor });
      assert.equal(strict.body.substations.find((s: any) => s.substationId === 'sub-1').flagged, true, '1 % is above 0.5 %');
      const bills = await call(api.base, 'GET', `/v1/substations/balance?period=${DAY}`, { key: api.keys.grid });
      assert.equal(bills.body.substations.find((s: any) => s.substationId === 'sub-1').certifiedConsumption, '0', 'bill source: no bills here');
      assert.equal((await call(api.base, 'GET', `/v1/substations/balance?period=${DAY}&source=meters`, { key: api.keys.grid })).status, 400);
    });

    test('sampling: challenges issued by the API; another seed, meter or a second answer is refused', { skip: skip('sampling') }, async () => {
      const issue = (key: string, meterId: string, period = { start: DAY, days: 1 }) => call(api.base, 'POST', '/v1/challenges', { key, body: { meterId, period } });
      assert.equal((await issue(api.keys.bolt, K1.id)).status, 403, 'not bolt’s customer');
      assert.equal((await issue(api.keys.grid, 'MTR-NONE')).body.error.code, 'meter_not_registered');
      assert.equal((await issue(api.keys.grid, K1.id, { start: DAY, days: 3 })).body.error.code, 'period_invalid');
      const c1 = await issue(api.keys.grid, K1.id);
      assert.equal(c1.status, 201, c1.text);
      assert.equal(c1.body.challenge.meterId, K1.id);
      assert.equal(c1.body.resultId, null);
      const c2 = await issue(api.keys.acme, K1.id);
      const forK2 = await issue(api.keys.auditor, K2.id);
      assert.equal(c2.status, 201);
      assert.equal((await call(api.base, 'GET', `/v1/challenges/${c1.body.id}`)).body.challenge.seed, c1.body.challenge.seed, 'public: the household proves with it');

      const bundle = parseBundle(kw.bundles.k1);
      const proof = await proveResult({ kind: 'sampling', bundle, fields: { challenge: c1.body.challenge } });
      const r = await accepted('sampling', proof);
      assert.equal(r.bindings.challengeId, c1.body.id);
      (r.outputs.slots as string[]).forEach((slot, j) => assert.equal(r.outputs.readings[j], String(bundle.readingsWh[Number(slot) - firstSlotOfDay(START_DAY)])));
      assert.equal((await call(api.base, 'GET', `/v1/challenges/${c1.body.id}`)).body.resultId, ids.sampling);

      await refused(edited(proof, (x) => (x.statement.challenge.id = 'challenge-not-issued')), 422, 'challenge_unknown');
      await refused(edited(proof, (x) => (x.statement.challenge.seed = c2.body.challenge.seed)), 422, 'challenge_mismatch', /differs/);
      await refused(edited(proof, (x) => (x.statement.challenge = forK2.body.challenge)), 422, 'challenge_mismatch', /issued for meter MTR-K2/);
      await refused(edited(proof, (x) => (x.statement.challenge = c2.body.challenge)), 422, 'statement_mismatch', /seed/);
      const reanswer = await proveResult({ kind: 'sampling', bundle, fields: { challenge: c1.body.challenge } });
      const again = await refused(reanswer, 409, 'duplicate_statement', /sampling/);
      assert.equal(again.body.error.existingId, ids.sampling);

      const list = await call(api.base, 'GET', `/v1/challenges?meter=${K1.id}`, { key: api.keys.acme });
      assert.equal(list.body.items.length, 2);
      assert.equal((await call(api.base, 'GET', '/v1/challenges', { key: api.keys.bolt })).body.items.length, 0, 'bolt sees its customers’ only');
    });

    test('profile: the class of a published profile set; households per class', { skip: skip('profile') }, async () => {
      await accepted('profileK1', res('profileK1'));
      await accepted('profileK2', res('profileK2'));
      await refused(edited(res('profileK1'), (x) => (x.statement.profiles.scoreLevels = 0)), 422, 'parameters_mismatch');
      const c = await call(api.base, 'GET', `/v1/profiles/classes?set=classes-2025&period=${DAY}`, { key: api.keys.scheme });
      assert.equal(c.status, 200, c.text);
      assert.equal(c.body.households, 2);
      const expected = [0, 0, 0];
      for (const r of [res('profileK1'), res('profileK2')]) expected[Number(r.outputs.index)]++;
      assert.deepEqual(c.body.classes.map((x: any) => x.households), expected);
      assert.equal((await call(api.base, 'GET', `/v1/profiles/classes?set=nope&period=${DAY}`, { key: api.keys.grid })).status, 404);
    });

    test('suspect: a published pattern; a supplier’s pattern applies to its own customers only', { skip: skip('suspect') }, async () => {
      const r = await accepted('suspectK1', res('suspectK1'));
      assert.match(r.outputs.match, /^[01]$/);
      await refused(edited(res('suspectK1'), (x) => (x.statement.pattern = docs.boltPattern)), 422, 'parameters_not_for_meter', /supplier bolt/);
      await refused(edited(res('suspectK1'), (x) => (x.statement.pattern.thresholdPermille = 0)), 422, 'parameters_mismatch');
    });

    test('bill, documents by digest: a compact result is certified like the embedded one; unknown digests are refused', async () => {
      const { result, documents } = compactResult(w.results.a1);
      assert.deepEqual([...documents.keys()], [documentDigestOf(w.tariffs.acme), documentDigestOf(w.value)]);
      assert.ok(JSON.stringify(result).length < 4_000, `${JSON.stringify(result).length} bytes`);
      const r = await post(result);
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.body.result.outputs, w.results.a1.outputs);
      assert.equal((await post(w.results.a1)).body.id, r.body.id, 'the embedded form of the same result: a replay');
      const other = await refused(compactResult(w.results.a1Again).result, 409, 'duplicate_statement');
      assert.equal(other.body.error.existingId, r.body.id);
      const unknown = { ...result, statement: { ...result.statement, tariff: { digest: 'ab'.repeat(32) } } };
      await refused(unknown, 422, 'document_unknown', /statement\.tariff refers to document abab/);
      await refused({ ...result, statement: { ...result.statement, tariff: { digest: 'AB' } } }, 422, 'document_unknown', /64 lower-case hex/);
      // a published document of the wrong kind, by digest: the binding refuses it as it refuses it embedded
      await refused({ ...result, statement: { ...result.statement, tariff: result.statement.valueOfEnergy } }, 422, 'tariff_mismatch');
      ids.bill = r.body.id;
      submitted.bill = w.results.a1;
    });

    test('every kind stores ≤ 2 KB per certified result; the stored row rebuilds the submitted public signals', async (t) => {
      const d = await openDb(api.db.url);
      try {
        const sizes = await resultRowSizes(d);
        const kinds = new Set(Object.values(submitted).map((r) => r.kind));
        assert.deepEqual(new Set(sizes.map((x) => x.kind)), kinds);
        for (const x of sizes) {
          t.diagnostic(`${backend.name} ${x.kind} ${x.circuit}: ${x.bytes} bytes of values${x.heapBytes === null ? '' : `, ${x.heapBytes} bytes in the heap`}`);
          assert.ok(x.bytes <= 2048 && (x.heapBytes ?? 0) <= 2048, `${x.kind} ${x.circuit}: ${x.bytes} / ${x.heapBytes} bytes`);
        }
      } finally {
        await d.close();
      }
      for (const [name, id] of Object.entries(ids)) {
        const r = await call(api.base, 'GET', `/v1/results/${id}`, { key: api.keys.auditor });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body.publicSignals, submitted[name].publicSignals, name);
        assert.deepEqual(r.body.proof, submitted[name].proof, name);
      }
    });

    test('who reads the kinds’ results; their evidence verifies offline', async () => {
      const stored = Object.entries(ids);
      assert.ok(stored.length > 0);
      const scheme = await call(api.base, 'GET', '/v1/results', { key: api.keys.scheme });
      assert.ok(scheme.body.items.every((r: any) => ['rebate', 'profile'].includes(r.kind)), 'the scheme lists rebate claims and profile classes only');
      const acme = await call(api.base, 'GET', '/v1/results?limit=1000', { key: api.keys.acme });
      assert.equal(acme.body.items.length, stored.length, 'every stored result is of an acme customer');
      const bolt = await call(api.base, 'GET', '/v1/results', { key: api.keys.bolt });
      assert.equal(bolt.body.items.length, 0);
      for (const [name, id] of stored) {
        const e = await call(api.base, 'GET', `/v1/results/${id}/evidence`, { key: api.keys.auditor });
        assert.equal(e.status, 200, name);
        // the documents by digest, fetched from the API as an auditor would (each checked against its digest)
        const fetched = async (digest: string) => (await call(api.base, 'GET', `/v1/documents/${digest}`)).body.document;
        const v = await verifyResult(e.body, undefined, fetched);
        assert.equal(v.result.statement.meterId, name === 'bill' ? w.meters[0].id : name === 'tiered' || name.endsWith('K2') ? K2.id : K1.id);
        assert.deepEqual(v.result.statement, submitted[name].statement, `${name}: the documents resolved are the ones proven with`);
      }
      if (ids.rebateK1) {
        assert.equal((await call(api.base, 'GET', `/v1/results/${ids.rebateK1}`, { key: api.keys.scheme })).status, 200);
        assert.equal((await call(api.base, 'GET', `/v1/results/${ids.rebateK1}`, { key: api.keys.grid })).status, 403, 'the grid does not read rebate claims');
        assert.equal((await call(api.base, 'GET', `/v1/results?kind=rebate`, { key: api.keys.grid })).body.items.length, 0);
      }
    });
  });
}
