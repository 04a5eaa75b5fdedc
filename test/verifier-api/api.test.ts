/**
 * The verifier API end to end, on SQLite and on PostgreSQL: registries and roles, certified results
 * (idempotency, one result per statement, every statement check), reading and evidence, settlement and
 * substation balancing, health, metrics.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildBn128 } from 'ffjavascript';
import { REPO_ROOT } from '../../core/paths.js';
import { releaseCurve } from '../../prover/backend.js';
import { documentDigestOf } from '../../prover/documents.js';
import { ResultRejected, verifyBillResult } from '../../prover/verify.js';
import { rerandomizeProof } from '../../verifier-api/rerandomize.js';
import { signalIndex } from '../support/results.js';
import { apiUnderTest, backends, call, startTestServer } from './harness.js';
import { clone, DAY, START_DAY, vkeyJson, world, type World } from './support.js';

const w: World = await world();
after(releaseCurve);

const at = (name: string) => signalIndex('billing_1d', name);
const sum = (xs: string[]) => xs.reduce((a, b) => a + BigInt(b), 0n).toString();

for (const backend of await backends()) {
  describe(`verifier API on ${backend.name}`, { skip: backend.skip }, () => {
    let today = Math.floor(Date.now() / 86_400_000);
    const api = apiUnderTest(backend.name, { serve: { today: () => today }, world: w });
    const ids: Record<string, string> = {};
    const post = (body: unknown, key?: string) => call(api.base, 'POST', '/v1/results', { body, key });

    test('health, OpenAPI and metrics are served', async () => {
      const h = await call(api.base, 'GET', '/healthz');
      assert.equal(h.status, 200);
      assert.equal(h.body.status, 'ok');
      assert.equal(h.body.database.dialect, backend.name);
      assert.deepEqual(h.body.circuits.map((c: any) => c.id), ['billing_1d']);
      assert.match(h.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      assert.equal((await call(api.base, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-42' } })).headers.get('x-request-id'), 'trace-42');
      const o = await call(api.base, 'GET', '/openapi.json');
      assert.equal(o.status, 200);
      assert.equal(o.body.openapi, '3.1.0');
      const m = await call(api.base, 'GET', '/metrics');
      assert.match(m.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(m.text, /# TYPE meterproof_http_requests_total counter/);
    });

    test('roles: no key → 401, unknown key → 401, wrong role → 403', async () => {
      const r1 = await call(api.base, 'PUT', '/v1/suppliers/zap', { body: { name: 'Zap' } });
      assert.equal(r1.status, 401);
      assert.equal(r1.body.error.code, 'unauthenticated');
      const r2 = await call(api.base, 'PUT', '/v1/suppliers/zap', { body: { name: 'Zap' }, key: 'mpk_registrar_not-a-key' });
      assert.equal(r2.status, 401);
      assert.equal(r2.body.error.code, 'invalid_api_key');
      for (const k of ['acme', 'grid', 'auditor', 'scheme'] as const) {
        const r = await call(api.base, 'PUT', '/v1/suppliers/zap', { body: { name: 'Zap' }, key: api.keys[k] });
        assert.equal(r.status, 403, k);
        assert.equal(r.body.error.code, 'forbidden');
      }
      assert.equal((await call(api.base, 'GET', '/v1/settlement?period=2025-01-15', { key: api.keys.acme })).status, 403, 'suppliers do not read settlement');
      assert.equal((await call(api.base, 'POST', '/v1/value-vectors', { body: {}, key: api.keys.acme })).status, 403, 'only the grid publishes value vectors');
      assert.equal((await call(api.base, 'POST', '/v1/tariffs', { body: {}, key: api.keys.grid })).status, 403, 'only suppliers publish tariffs');
    });

    test('registrar: meters, conflicts and unknown parties', async () => {
      const m = w.meters[0];
      const again = await call(api.base, 'POST', '/v1/meters', { key: api.keys.registrar, body: { id: m.id, supplierId: 'acme', publicKey: m.publicKey, validFrom: '2024-01-01' } });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'meter_exists');
      const unknown = await call(api.base, 'POST', '/v1/meters', { key: api.keys.registrar, body: { id: 'MTR-NEW', supplierId: 'nobody', publicKey: m.publicKey, validFrom: '2024-01-01' } });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.error.code, 'unknown_supplier');
      const got = await call(api.base, 'GET', `/v1/meters/${m.id}`, { key: api.keys.acme });
      assert.equal(got.status, 200);
      assert.equal(got.body.keys.length, 1);
      assert.equal((await call(api.base, 'GET', `/v1/meters/${m.id}`, { key: api.keys.bolt })).status, 404, "another supplier's customer is invisible");
      const list = await call(api.base, 'GET', '/v1/meters', { key: api.keys.bolt });
      assert.deepEqual(list.body.items.map((x: any) => x.id), ['MTR-B1', 'MTR-B2']);
    });

    test("a supplier publishes tariffs for its own meters only; overlaps conflict", async () => {
      const other = await call(api.base, 'POST', '/v1/tariffs', { key: api.keys.bolt, body: { tariff: w.tariffs.bolt, meters: ['MTR-A1'], from: DAY, to: DAY } });
      assert.equal(other.status, 403);
      const overlap = await call(api.base, 'POST', '/v1/tariffs', { key: api.keys.acme, body: { tariff: { ...w.tariffs.acme, id: 'acme-other' }, meters: ['MTR-A1'], from: DAY, to: DAY } });
      assert.equal(overlap.status, 409);
      assert.equal(overlap.body.error.code, 'tariff_overlap');
      const wrongKind = await call(api.base, 'POST', '/v1/tariffs', { key: api.keys.acme, body: { tariff: w.value, meters: ['MTR-A1'], from: '2025-02-01', to: '2025-02-01' } });
      assert.equal(wrongKind.status, 422);
      assert.equal(wrongKind.body.error.code, 'wrong_document_kind');
      const incomplete = await call(api.base, 'POST', '/v1/tariffs', { key: api.keys.bolt, body: { tariff: w.tariffs.bolt, meters: ['MTR-B1'], from: '2025-03-01', to: '2025-03-01' } });
      assert.equal(incomplete.status, 422, 'a dynamic tariff without prices for the range');
      assert.equal(incomplete.body.error.code, 'document_incomplete');
      const vv = await call(api.base, 'GET', `/v1/value-vectors?period=${DAY}`);
      assert.equal(vv.status, 200);
      assert.deepEqual(vv.body.document, w.value);
      const doc = await call(api.base, 'GET', `/v1/documents/${vv.body.digest}`);
      assert.equal(doc.body.kind, 'value-of-energy');
    });

    test('a result is certified once: 201, identical resubmission 200, another proof of the statement 409', async () => {
      const first = await post(w.results.a1);
      assert.equal(first.status, 201, first.text);
      assert.equal(first.body.status, 'created');
      assert.equal(first.headers.get('location'), `/v1/results/${first.body.id}`);
      assert.deepEqual(first.body.result.outputs, w.results.a1.outputs);
      ids.a1 = first.body.id;

      const same = await post(w.results.a1);
      assert.equal(same.status, 200);
      assert.equal(same.body.id, ids.a1);

      const reproved = await post(w.results.a1Again);
      assert.notDeepEqual(w.results.a1Again.proof, w.results.a1.proof);
      assert.equal(reproved.status, 409, reproved.text);
      assert.equal(reproved.body.error.code, 'duplicate_statement');
      assert.equal(reproved.body.error.existingId, ids.a1);

      const curve = await buildBn128(true);
      const rerandomised = { ...clone(w.results.a1), proof: rerandomizeProof(curve, vkeyJson(), w.results.a1.proof) };
      const r = await post(rerandomised);
      assert.equal(r.status, 409);
      assert.equal(r.body.error.existingId, ids.a1);

      for (const k of ['a2', 'b1'] as const) {
        const res = await post(w.results[k], k === 'b1' ? api.keys.auditor : undefined);
        assert.equal(res.status, 201, res.text);
        ids[k] = res.body.id;
      }
    });

    test('statement checks against the registries', async () => {
      const expect422 = async (body: unknown, code: string, message?: RegExp) => {
        const r = await post(body);
        assert.equal(r.status, code === 'malformed' ? 400 : 422, `${code}: ${r.text}`);
        assert.equal(r.body.error.code, code, r.text);
        if (message) assert.match(r.body.error.message, message);
      };
      const a1n = () => clone(w.results.a1Next);

      let x = a1n();
      (x.statement.tariff as any).name = 'Acme Flat (edited)';
      await expect422(x, 'tariff_mismatch', /not the tariff supplier acme published/);
      x = a1n();
      x.statement.tariff = w.tariffs.bolt;
      await expect422(x, 'tariff_mismatch');
      x = a1n();
      x.statement.valueOfEnergy = null;
      await expect422(x, 'value_vector_mismatch');
      x = a1n();
      (x.statement.valueOfEnergy as any).name = 'another vector';
      await expect422(x, 'value_vector_mismatch');
      x = a1n();
      x.statement.meterId = 'MTR-ZZ';
      await expect422(x, 'meter_not_registered');
      x = a1n();
      x.statement.meterPublicKey = w.meters[1].publicKey;
      await expect422(x, 'meter_key_unknown');
      x = a1n();
      x.statement.period.start = '2025-01-20';
      await expect422(x, 'tariff_not_published');
      x = a1n();
      x.statement.period.days = 2;
      await expect422(x, 'period_invalid');
      x = a1n();
      x.publicSignals[at('weights[11]')] = String(BigInt(x.publicSignals[at('weights[11]')]) + 1n);
      await expect422(x, 'statement_mismatch', /weights\[11\] \(slots 22 and 23\)/);
      x = a1n();
      x.publicSignals[at('meterId')] = w.results.a2.publicSignals[at('meterId')];
      await expect422(x, 'statement_mismatch', /meterId/);
      x = a1n();
      x.publicSignals[at('startDay')] = w.results.a1.publicSignals[at('startDay')];
      await expect422(x, 'statement_mismatch', /startDay/);
      x = a1n();
      x.outputs.bill = String(BigInt(x.outputs.bill) + 1n);
      await expect422(x, 'output_mismatch');
      x = a1n();
      x.publicSignals[0] = String(BigInt(x.publicSignals[0]) + 1n);
      x.outputs.bill = String(BigInt(x.outputs.bill) + 1n);
      await expect422(x, 'proof_invalid');

      // a period that has not ended yet
      const saved = today;
      today = START_DAY + 1;
      await expect422(a1n(), 'period_not_ended');
      today = saved;

      // the grid's vector is missing for a day the supplier has a tariff for
      const t = await call(api.base, 'POST', '/v1/tariffs', { key: api.keys.acme, body: { tariff: w.tariffs.acme, meters: ['MTR-A1'], from: '2025-01-20', to: '2025-01-20' } });
      assert.equal(t.status, 201);
      x = a1n();
      x.statement.period.start = '2025-01-20';
      await expect422(x, 'value_vector_missing');
    });

    test('key rotation and revocation', async () => {
      // rotate MTR-A1 from the day after DAY: its old key no longer covers DAY + 1
      const newKey = w.meters[2].publicKey; // any valid-looking key
      const rot = await call(api.base, 'POST', '/v1/meters/MTR-A1/keys', { key: api.keys.registrar, body: { publicKey: newKey, validFrom: '2025-01-16' } });
      assert.equal(rot.status, 201, rot.text);
      const r = await post(w.results.a1Next);
      assert.equal(r.status, 422);
      assert.equal(r.body.error.code, 'meter_key_inactive');
      assert.match(r.body.error.message, /2024-01-01\.\.2025-01-15/);
      assert.equal((await post(w.results.a1)).status, 200, 'the period before the rotation is still covered');

      // revoke MTR-A2's key: another proof of its stored statement is refused now, but the exact replay of
      // the result certified before the revocation still answers 200 with it
      const meter = await call(api.base, 'GET', '/v1/meters/MTR-A2', { key: api.keys.registrar });
      const keyId = meter.body.keys[0].id;
      assert.equal((await call(api.base, 'POST', `/v1/meters/MTR-A2/keys/${keyId}/revoke`, { key: api.keys.registrar })).status, 200);
      const replay = await post(w.results.a2);
      assert.equal(replay.status, 200, replay.text);
      assert.equal(replay.body.id, ids.a2);
      const curve = await buildBn128(true);
      const again = await post({ ...clone(w.results.a2), proof: rerandomizeProof(curve, vkeyJson(), w.results.a2.proof) });
      assert.equal(again.status, 422);
      assert.equal(again.body.error.code, 'meter_key_revoked');
      assert.equal((await call(api.base, 'POST', `/v1/meters/MTR-A2/keys/${keyId}/revoke`, { key: api.keys.registrar })).status, 404);
    });

    test('reading results: auditor everything, a supplier its own customers, others nothing', async () => {
      const a = await call(api.base, 'GET', `/v1/results/${ids.a1}`, { key: api.keys.auditor });
      assert.equal(a.status, 200);
      assert.deepEqual(a.body.proof, w.results.a1.proof);
      assert.deepEqual(a.body.publicSignals, w.results.a1.publicSignals);
      assert.deepEqual(a.body.period, { start: DAY, days: 1 });
      assert.equal((await call(api.base, 'GET', `/v1/results/${ids.a1}`, { key: api.keys.acme })).status, 200);
      assert.equal((await call(api.base, 'GET', `/v1/results/${ids.a1}`, { key: api.keys.bolt })).status, 404);
      assert.equal((await call(api.base, 'GET', `/v1/results/${ids.a1}`, { key: api.keys.grid })).status, 403);
      assert.equal((await call(api.base, 'GET', `/v1/results/${ids.a1}`)).status, 401);
      assert.equal((await call(api.base, 'GET', '/v1/results/res_00000000-0000-0000-0000-000000000000', { key: api.keys.auditor })).status, 404);

      const all = await call(api.base, 'GET', '/v1/results', { key: api.keys.auditor });
      assert.deepEqual(all.body.items.map((r: any) => r.meterId).sort(), ['MTR-A1', 'MTR-A2', 'MTR-B1']);
      const acme = await call(api.base, 'GET', '/v1/results', { key: api.keys.acme });
      assert.deepEqual(acme.body.items.map((r: any) => r.meterId).sort(), ['MTR-A1', 'MTR-A2']);
      const filtered = await call(api.base, 'GET', `/v1/results?meter=MTR-B1&period=${DAY}&circuit=billing_1d`, { key: api.keys.auditor });
      assert.deepEqual(filtered.body.items.map((r: any) => r.id), [ids.b1]);
      assert.equal((await call(api.base, 'GET', '/v1/results?period=2025-01-16', { key: api.keys.auditor })).body.items.length, 0);

      // pagination: one at a time, in a stable order, no duplicates
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await call(api.base, 'GET', `/v1/results?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { key: api.keys.auditor });
        assert.equal(page.status, 200);
        seen.push(...page.body.items.map((r: any) => r.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual([...seen].sort(), [ids.a1, ids.a2, ids.b1].sort());
      assert.equal((await call(api.base, 'GET', '/v1/results?cursor=garbage', { key: api.keys.auditor })).body.error.code, 'invalid_request');
    });

    test('evidence is the result file, documents by digest: it verifies offline with them fetched from GET /v1/documents/{digest}', async () => {
      const e = await call(api.base, 'GET', `/v1/results/${ids.b1}/evidence`, { key: api.keys.auditor });
      assert.equal(e.status, 200);
      assert.match(e.headers.get('content-disposition') ?? '', /attachment/);
      const digests = [documentDigestOf(w.tariffs.bolt), documentDigestOf(w.value)];
      assert.deepEqual([e.body.statement.tariff, e.body.statement.valueOfEnergy], digests.map((digest) => ({ digest })));
      assert.deepEqual(e.body.publicSignals, w.results.b1.publicSignals, 'the public signals rebuilt from the documents are the ones submitted');
      await assert.rejects(verifyBillResult(e.body), (x: ResultRejected) => x.code === 'document_unknown');
      const fetched = new Map<string, unknown>();
      for (const d of digests) fetched.set(d, (await call(api.base, 'GET', `/v1/documents/${d}`)).body.document);
      const verified = await verifyBillResult(e.body, undefined, (d) => fetched.get(d));
      assert.equal(verified.result.statement.meterId, 'MTR-B1');
      await assert.rejects(verifyBillResult(e.body, undefined, () => w.tariffs.acme), (x: ResultRejected) => x.code === 'document_mismatch', 'a resolver is never trusted');
      const embedded = await call(api.base, 'GET', `/v1/results/${ids.b1}/evidence?documents=embed`, { key: api.keys.auditor });
      assert.deepEqual(embedded.body.statement, w.results.b1.statement);
      await verifyBillResult(embedded.body);
      assert.equal((await call(api.base, 'GET', `/v1/results/${ids.b1}/evidence?documents=all`, { key: api.keys.auditor })).status, 400);
      assert.equal((await call(api.base, 'GET', `/v1/results/${ids.b1}/evidence`, { key: api.keys.acme })).status, 404);
      if (backend.name === 'sqlite') {
        const dir = mkdtempSync(join(tmpdir(), 'meterproof-evidence-'));
        try {
          writeFileSync(join(dir, 'evidence.json'), e.text);
          mkdirSync(join(dir, 'documents'));
          // the API's answers as they come (GET /v1/documents/{digest}), under any file name
          for (const d of digests) writeFileSync(join(dir, 'documents', `${d.slice(0, 12)}.json`), (await call(api.base, 'GET', `/v1/documents/${d}`)).text);
          // asynchronously: a blocked event loop would let the in-process server's keep-alive timer close the
          // test client's idle connection under the next request
          const verify = (...args: string[]) =>
            new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
              execFile(process.execPath, ['bin/meterproof.js', 'verify', join(dir, 'evidence.json'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr })),
            );
          const cli = await verify('--documents', join(dir, 'documents'));
          assert.equal(cli.status, 0, cli.stderr);
          assert.match(cli.stdout, /^VALID\b.*billing_1d bill proof for meter MTR-B1/);
          const without = await verify();
          assert.equal(without.status, 1);
          assert.match(without.stderr, /document_unknown.*statement\.tariff refers to document [0-9a-f]{64}/);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });

    test('settlement: exact sums per supplier, shares, missing meters', async () => {
      const s = await call(api.base, 'GET', `/v1/settlement?period=${DAY}`, { key: api.keys.grid });
      assert.equal(s.status, 200, s.text);
      const { a1, a2, b1 } = w.results;
      assert.deepEqual(s.body.total, { settlement: sum([a1.outputs.settlement, a2.outputs.settlement, b1.outputs.settlement]), consumption: sum([a1.outputs.consumption, a2.outputs.consumption, b1.outputs.consumption]), metersCounted: 3 });
      const acme = s.body.suppliers.find((x: any) => x.supplierId === 'acme');
      const bolt = s.body.suppliers.find((x: any) => x.supplierId === 'bolt');
      assert.equal(acme.settlement, sum([a1.outputs.settlement, a2.outputs.settlement]));
      assert.equal(acme.consumption, sum([a1.outputs.consumption, a2.outputs.consumption]));
      assert.equal(acme.metersCounted, 2);
      assert.deepEqual(acme.missingMeters, []);
      assert.equal(bolt.settlement, b1.outputs.settlement);
      assert.equal(bolt.metersCounted, 1);
      assert.deepEqual(bolt.missingMeters, ['MTR-B2']);
      const total = BigInt(s.body.total.consumption);
      assert.equal(acme.consumptionShare, ((BigInt(acme.consumption) * 10n ** 9n) / total).toString().replace(/^(\d*)(\d{9})$/, (_m: string, a: string, b: string) => `${a || '0'}.${b}`));
      assert.equal((await call(api.base, 'GET', `/v1/settlement?period=${DAY}/1`, { key: api.keys.auditor })).body.total.metersCounted, 3);
      const empty = await call(api.base, 'GET', '/v1/settlement?period=2025-06-01', { key: api.keys.grid });
      assert.equal(empty.body.total.settlement, '0');
      assert.equal(empty.body.suppliers[0].settlementShare, null);
      assert.equal((await call(api.base, 'GET', '/v1/settlement', { key: api.keys.grid })).status, 400);
      assert.equal((await call(api.base, 'GET', '/v1/settlement?period=2025-02-30', { key: api.keys.grid })).status, 400);
    });

    test('substation balance against feeder measurements', async () => {
      const { a1, a2, b1 } = w.results;
      const certified = BigInt(sum([a1.outputs.consumption, a2.outputs.consumption, b1.outputs.consumption]));
      const put = (substationId: string, wh: bigint) => call(api.base, 'PUT', '/v1/feeder-measurements', { key: api.keys.grid, body: { substationId, period: { start: DAY, days: 1 }, consumptionWh: wh.toString() } });
      assert.equal((await put('sub-1', (certified * 102n) / 100n)).status, 200); // within 5 %
      assert.equal((await put('sub-2', 5000n)).status, 200); // MTR-B2 sent nothing
      assert.equal((await put('sub-9', 5000n)).status, 422);
      const b = await call(api.base, 'GET', `/v1/substations/balance?period=${DAY}`, { key: api.keys.grid });
      assert.equal(b.status, 200, b.text);
      const [s1, s2] = b.body.substations;
      assert.equal(s1.certifiedConsumption, certified.toString());
      assert.equal(s1.flagged, false);
      assert.equal(s1.metersCounted, 3);
      assert.equal(s2.flagged, true);
      assert.deepEqual(s2.missingMeters, ['MTR-B2']);
      const strict = await call(api.base, 'GET', `/v1/substations/balance?period=${DAY}&tolerance=0.01`, { key: api.keys.auditor });
      assert.equal(strict.body.substations[0].flagged, true, '2 % is above a 1 % tolerance');
    });

    test('scheme parameters are published once and read by anyone', async () => {
      const p = { rebatePerKwh: 12, cap: 5000 };
      assert.equal((await call(api.base, 'PUT', '/v1/scheme-parameters/rebate-2025', { key: api.keys.scheme, body: { parameters: p } })).status, 201);
      assert.equal((await call(api.base, 'PUT', '/v1/scheme-parameters/rebate-2025', { key: api.keys.scheme, body: { parameters: p } })).status, 200);
      const changed = await call(api.base, 'PUT', '/v1/scheme-parameters/rebate-2025', { key: api.keys.scheme, body: { parameters: { ...p, cap: 1 } } });
      assert.equal(changed.status, 409);
      assert.deepEqual((await call(api.base, 'GET', '/v1/scheme-parameters/rebate-2025')).body.parameters, p);
      assert.equal((await call(api.base, 'GET', '/v1/scheme-parameters')).body.items.length, 1);
    });

    test('metrics count submissions by outcome', async () => {
      const m = await call(api.base, 'GET', '/metrics');
      assert.match(m.text, /meterproof_result_submissions_total\{outcome="created"\} 3/);
      assert.match(m.text, /meterproof_result_submissions_total\{outcome="duplicate_statement"\} 2/);
      assert.match(m.text, /meterproof_verify_batch_size_count \d+/);
    });

    test('the stored rows survive a restart of the service', async () => {
      await api.server.close();
      api.server = await startTestServer(api.db.url, { today: () => today });
      const r = await call(api.base, 'GET', `/v1/results/${ids.a2}`, { key: api.keys.auditor });
      assert.equal(r.status, 200);
      assert.equal((await post(w.results.b1)).status, 200);
    });
  });
}

