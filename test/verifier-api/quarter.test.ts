/**
 * Every quarter circuit (`<kind>_92d`, periods of 32-92 days) through the verifier API with real snarkjs
 * proofs, on SQLite and PostgreSQL: one meter's 92-day bundle (2025-07-01..09-30) proved as a bill under its
 * supplier's dynamic tariff and the grid's value vector, a rebate claim under a published scheme, weekly
 * totals, and a sampling answer to a challenge the API issues for the quarter. Each is accepted on the
 * quarter circuit chosen from its period (201, outputs stored, replay 200), and each is refused with one
 * output forged in its outputs and public signals together: only the 92-day verification key can tell
 * (proof_invalid). Past the quarter, a bill relabelled 93 days and a challenge for 93 days are refused with
 * period_invalid and a one-line reason naming the days (issue #14, "Bad input"). Costs: the quarter
 * circuits' development keys (built by `npm test` before the tests: kinds/registry.ts testCircuits), three
 * proofs cached like the world of support.ts, and a sampling proof per database (its challenge is the
 * server's).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dayOf, firstSlotOfDay } from '../../core/time.js';
import { exampleFields as billFields } from '../../kinds/bill/example.js';
import { exampleFields as rebateFields } from '../../kinds/rebate/example.js';
import { circuitForDays, loadCircuits } from '../../kinds/registry.js';
import { bundleToJson, parseBundle, type Bundle, type BundleJson } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { proveResult } from '../../prover/prove.js';
import type { ResultJson } from '../../prover/result.js';
import { certifyPeriod, syntheticReadings } from '../support/fixtures.js';
import { edited, forged } from '../support/results.js';
import { apiUnderTest, backends, call } from './harness.js';
import { cachedFixture } from './support.js';

const START = '2025-07-01';
const DAYS = 92;
const LAST = '2025-09-30';
const METER = 'MTR-Q1';
const QUARTERS = loadCircuits().filter((c) => c.params.maxDays === DAYS);
/** Another value of the first public signal (an output): another slot of the same day for sampling. */
const forgeFirst = (kind: string) => (x: bigint) => (kind === 'sampling' ? (x % 48n === 47n ? x - 1n : x + 1n) : x + 1n);

interface QuarterFixture {
  bundle: BundleJson;
  publicKey: [string, string];
  fields: { bill: Record<string, unknown>; rebate: Record<string, unknown> };
  /** proved once (cached): every quarter kind but sampling, whose challenge the server under test issues */
  results: Record<string, ResultJson>;
}

async function makeFixture(): Promise<QuarterFixture> {
  // half the synthetic household: about 7.5 kWh a day, below the example scheme's 10 kWh, so the rebate is not 0
  const { key, bundle } = await certifyPeriod({ startDay: dayOf(START), readings: syntheticReadings(DAYS, 41).map((wh) => wh >> 1), meterId: METER });
  const period = { meterId: METER, startDay: bundle.startDay, days: DAYS };
  const fields = { bill: billFields(period), rebate: rebateFields(period) };
  const prove = (kind: string, f: Record<string, unknown>) => proveResult({ kind, bundle, fields: f });
  return {
    bundle: bundleToJson(bundle),
    publicKey: [key.publicKey[0].toString(), key.publicKey[1].toString()],
    fields,
    results: { bill: await prove('bill', fields.bill), rebate: await prove('rebate', fields.rebate), totals: await prove('totals', {}) },
  };
}

const fixture = await cachedFixture('quarter-v1', QUARTERS.map((c) => c.id), makeFixture);
const bundle: Bundle = parseBundle(fixture.bundle);

test('the quarter kinds are the ones proved here, each on its 92-day circuit', () => {
  assert.deepEqual(QUARTERS.map((c) => c.kind).sort(), ['bill', 'rebate', 'sampling', 'totals'], 'a new quarter circuit needs its case here');
  for (const c of QUARTERS) assert.equal(circuitForDays(c.kind, DAYS).id, c.id);
  for (const [kind, r] of Object.entries(fixture.results)) assert.equal(r.circuit, `${kind === 'bill' ? 'billing' : kind}_92d`);
});

for (const backend of await backends()) {
  describe(`the quarter circuits on ${backend.name}`, { skip: backend.skip }, () => {
    // here, not at the top level: a root after() hook of a file with top-level awaits runs before these
    // tests, and the sampling proofs' curve workers would keep the process alive
    after(releaseCurve);
    const api = apiUnderTest(backend.name, { serve: { circuits: QUARTERS.map((c) => c.id) } });
    const post = (body: unknown) => call(api.base, 'POST', '/v1/results', { body });
    const ok = async (key: string, method: string, path: string, body: unknown) => {
      const r = await call(api.base, method, path, { key, body });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
      return r.body;
    };
    /** accepted on its quarter circuit with its outputs stored, a replay answered 200; a forged output refused */
    const certified = async (result: ResultJson) => {
      const r = await post(result);
      assert.equal(r.status, 201, `${result.kind}: ${r.text}`);
      assert.equal(r.body.result.circuit, result.circuit);
      assert.deepEqual([r.body.result.period.start, r.body.result.period.days], [START, DAYS]);
      assert.deepEqual(r.body.result.outputs, result.outputs);
      const again = await post(result);
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.id, r.body.id);
      const forgery = edited(result, (x) => Object.assign(x, forged(result, forgeFirst(result.kind))));
      assert.notDeepEqual(forgery.outputs, result.outputs);
      const refused = await post(forgery);
      assert.equal(refused.status, 422, refused.text);
      assert.equal(refused.body.error.code, 'proof_invalid', refused.text);
      assert.match(refused.body.error.message, new RegExp(`circuit ${result.circuit}`));
      return r.body.result;
    };

    before(async () => {
      const { keys } = api;
      const quarter = { from: START, to: LAST };
      await ok(keys.registrar, 'PUT', '/v1/suppliers/acme', { name: 'Acme Energy' });
      await ok(keys.registrar, 'POST', '/v1/meters', { id: METER, supplierId: 'acme', substationId: null, publicKey: fixture.publicKey, validFrom: '2025-01-01' });
      await ok(keys.acme, 'POST', '/v1/tariffs', { tariff: fixture.fields.bill.tariff, meters: [METER], ...quarter });
      await ok(keys.grid, 'POST', '/v1/value-vectors', { vector: fixture.fields.bill.valueOfEnergy, ...quarter });
      await ok(keys.scheme, 'POST', '/v1/parameters', { document: fixture.fields.rebate.scheme, ...quarter });
    });

    test('bill: billing_92d under the tariff and value vector published for the quarter; relabelled 93 days, refused naming them', async () => {
      await certified(fixture.results.bill);
      const longer = await post(edited(fixture.results.bill, (x) => (x.statement.period.days = 93)));
      assert.equal(longer.status, 422, longer.text);
      assert.equal(longer.body.error.code, 'period_invalid');
      assert.match(longer.body.error.message, /^circuit billing_92d certifies periods of 32-92 whole days, not 93$/);
    });

    test('rebate: a claim over the quarter on rebate_92d', async () => {
      const r = await certified(fixture.results.rebate);
      assert.ok(BigInt(r.outputs.rebate) > 0n, 'the fixture saves energy');
    });

    test('totals: weekly totals over the quarter on totals_92d', async () => {
      const r = await certified(fixture.results.totals);
      assert.equal(r.outputs.totals.reduce((a: bigint, t: string) => a + BigInt(t), 0n), BigInt(bundle.readingsWh.reduce((a, b) => a + b, 0)), 'the weeks add up to the quarter');
    });

    test('sampling: an answer on sampling_92d to the challenge the API issued for the quarter (none for 93 days)', async () => {
      const longer = await call(api.base, 'POST', '/v1/challenges', { key: api.keys.grid, body: { meterId: METER, period: { start: START, days: DAYS + 1 } } });
      assert.equal(longer.status, 422, longer.text);
      assert.equal(longer.body.error.code, 'period_invalid');
      assert.match(longer.body.error.message, /^no sampling circuit serves a period of 93 days \(sampling circuits serve 1, 7, 28-31 and 32-92 days\); prove shorter periods$/);
      const issued = await ok(api.keys.grid, 'POST', '/v1/challenges', { meterId: METER, period: { start: START, days: DAYS } });
      const proof = await proveResult({ kind: 'sampling', bundle, fields: { challenge: issued.challenge } });
      const r = await certified(proof);
      assert.equal(r.bindings.challengeId, issued.id);
      (r.outputs.slots as string[]).forEach((slot, j) => assert.equal(r.outputs.readings[j], String(bundle.readingsWh[Number(slot) - firstSlotOfDay(bundle.startDay)])));
    });
  });
}
