/**
 * Keys added while the API runs (verifier-api/provision.ts): a service started without a circuit's keys
 * answers that circuit's results with 503 keys_missing naming what to do; an operator's POST
 * /v1/keys/{circuit} fetches them from an upstream API (checked against the key it pins) or builds
 * development keys, once however many ask at the same time, and the service then certifies that
 * circuit's results without a restart. A failed job installs nothing and says why; --production builds
 * no development keys and fetches none.
 *
 * Cost: fetching copies the keys the test run built already (from a second instance serving build/);
 * the one development build (billing_1d, ~30-60 s under load) runs once, on SQLite.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { artifactsOf } from '../../core/paths.js';
import { getCircuit, kindNamed } from '../../kinds/registry.js';
import { releaseCurve, snarkjsBackend } from '../../prover/backend.js';
import { proveWithArtifacts } from '../../prover/prove-core.js';
import { openDb } from '../../verifier-api/db.js';
import type { RunningServer } from '../../verifier-api/server.js';
import { ERROR_CODES, openApiDocument } from '../../verifier-api/openapi.js';
import { Store } from '../../verifier-api/store.js';
import { certifyPeriod, syntheticReadings } from '../support/fixtures.js';
import { backends, call as send, createKeys, freshDatabase, registerWorld, startTestServer, type FreshDb, type Keys, type Reply } from './harness.js';
import { CIRCUIT, DAY, START_DAY, world, type World } from './support.js';

after(releaseCurve);

// every answer of these tests is one /openapi.json documents: its status for the operation, its body's schema
const doc = openApiDocument() as any;
const ajv = new Ajv2020({ strict: false, allErrors: true });
function documented(method: string, path: string, r: Reply): void {
  const template = path.split('?')[0].replace(/^\/v1\/keys\/[^/]+$/, '/v1/keys/{circuit}').replace(/^\/v1\/proving-context\/.*$/, '/v1/proving-context/{meterId}/{start}/{days}');
  const response = doc.paths[template]?.[method.toLowerCase()]?.responses[String(r.status)];
  assert.ok(response, `${method} ${template}: status ${r.status} is documented (${r.text.slice(0, 200)})`);
  const schema = response.content?.['application/json']?.schema;
  if (schema) {
    const validate = ajv.compile({ ...schema, components: doc.components });
    assert.ok(validate(r.body), `${method} ${template} ${r.status}: ${ajv.errorsText(validate.errors)}`);
  }
  if (r.status >= 400) assert.ok(ERROR_CODES.includes(r.body.error.code), `code ${r.body.error.code} is documented`);
}
const call: typeof send = async (base, method, path, o) => {
  const r = await send(base, method, path, o);
  documented(method, path, r);
  return r;
};

async function operatorKey(database: string): Promise<string> {
  const db = await openDb(database);
  try {
    return (await new Store(db).createApiKey('operator', 'operations')).key;
  } finally {
    await db.close();
  }
}

/** The key root holds nothing but finished keys folders: no scratch or staging folder is left behind. */
function leftovers(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => p.split('/').some((part) => part.startsWith('.')));
}

for (const backend of await backends()) {
  describe(`keys on request (${backend.name})`, { skip: backend.skip }, () => {
    let w: World;
    let db: FreshDb;
    let keys: Keys;
    let operator: string;
    let upstream: RunningServer;
    const roots: string[] = [];
    const servers: RunningServer[] = [];
    const root = () => {
      const dir = mkdtempSync(join(tmpdir(), 'meterproof-keyroot-'));
      roots.push(dir);
      return dir;
    };
    const serve = async (o: Parameters<typeof startTestServer>[1]) => {
      const s = await startTestServer(db.url, o);
      servers.push(s);
      return s;
    };

    before(async () => {
      w = await world();
      db = await freshDatabase(backend.name);
      keys = await createKeys(db.url);
      operator = await operatorKey(db.url);
      // the upstream: serves the keys the test run built (build/)
      upstream = await serve({ circuits: [CIRCUIT] });
      await registerWorld(upstream.url, keys, w);
    });
    after(async () => {
      for (const s of servers) await s.close();
      await db?.drop();
      for (const dir of roots) rmSync(dir, { recursive: true, force: true });
    });

    test('a circuit without keys: 503 keys_missing naming what to do; fetched on request, then certified without a restart', async () => {
      const keyRoot = root();
      // keys the service refuses at start (their transcript describes another key): replaced by the job
      const stale = join(keyRoot, CIRCUIT, 'keys');
      cpSync(artifactsOf(CIRCUIT).keysDir, stale, { recursive: true });
      const transcript = JSON.parse(readFileSync(join(stale, 'ceremony.json'), 'utf8'));
      writeFileSync(join(stale, 'ceremony.json'), JSON.stringify({ ...transcript, vkeySha256: '0'.repeat(64) }));
      const api = await serve({ circuits: undefined, keyDir: keyRoot, keysFrom: upstream.url });
      assert.equal(api.keys.size, 0);
      const refusedAtStart = await call(api.url, 'GET', `/v1/keys/${CIRCUIT}`, { key: operator });
      assert.equal(refusedAtStart.body.state, 'missing');
      assert.match(refusedAtStart.body.error, /not the one the ceremony transcript describes/);
      assert.equal((await call(api.url, 'GET', '/healthz')).status, 200);
      const listing = await call(api.url, 'GET', '/v1/keys');
      const entry = listing.body.missing.find((m: { id: string }) => m.id === CIRCUIT);
      assert.equal(entry.state, 'missing');
      assert.match(entry.add, new RegExp(`POST /v1/keys/${CIRCUIT} with an operator key \\(fetch them from ${upstream.url}`));

      const early = await call(api.url, 'POST', '/v1/results', { body: w.results.a1 });
      assert.equal(early.status, 503, early.text);
      assert.equal(early.body.error.code, 'keys_missing');
      assert.equal(early.body.error.circuit, CIRCUIT);
      assert.match(early.body.error.message, new RegExp(`POST /v1/keys/${CIRCUIT}`));
      const context = await call(api.url, 'GET', `/v1/proving-context/MTR-A1/${DAY}/1`);
      assert.equal(context.status, 503);
      assert.equal(context.body.error.code, 'keys_missing');

      // only an operator asks, for a source the service knows
      assert.equal((await call(api.url, 'POST', `/v1/keys/${CIRCUIT}`)).status, 401);
      assert.equal((await call(api.url, 'POST', `/v1/keys/${CIRCUIT}`, { key: keys.registrar })).body.error.code, 'forbidden');
      assert.equal((await call(api.url, 'POST', `/v1/keys/${CIRCUIT}?source=download`, { key: operator })).body.error.code, 'invalid_request');
      assert.equal((await call(api.url, 'POST', '/v1/keys/billing_2d', { key: operator })).status, 404);

      // two operators at once: one job
      const [first, second] = await Promise.all([call(api.url, 'POST', `/v1/keys/${CIRCUIT}`, { key: operator }), call(api.url, 'POST', `/v1/keys/${CIRCUIT}`, { key: operator })]);
      assert.deepEqual([first.status, second.status], [202, 202], first.text + second.text);
      assert.deepEqual([first.body.started, second.body.started].sort(), [false, true]);
      assert.equal(first.body.startedAt, second.body.startedAt);
      assert.equal(first.body.state, 'fetching');
      assert.equal(first.headers.get('location'), `/v1/keys/${CIRCUIT}`);
      const during = await call(api.url, 'POST', '/v1/results', { body: w.results.a1 });
      if (during.status === 503) assert.ok(Number(during.headers.get('retry-after')) > 0, 'a client is told when to retry while the keys are fetched');

      const done = await api.provisioner.settled(CIRCUIT);
      assert.equal(done.state, 'ready', JSON.stringify(done));
      const state = await call(api.url, 'GET', `/v1/keys/${CIRCUIT}`, { key: operator });
      assert.equal(state.body.state, 'ready');
      assert.equal(state.body.vkeySha256, upstream.keys.get(CIRCUIT)!.vkeySha256);
      assert.equal((await call(api.url, 'POST', `/v1/keys/${CIRCUIT}`, { key: operator })).status, 200, 'asking again: nothing to do');
      // installed whole under the key root, with the witness generator, and nothing else
      assert.deepEqual(readdirSync(join(keyRoot, CIRCUIT, 'keys')).sort(), ['ceremony.json', 'circuit_final.zkey', 'verification_key.json']);
      assert.ok(readFileSync(join(keyRoot, CIRCUIT, 'keys', 'ceremony.json')).equals(readFileSync(join(artifactsOf(CIRCUIT).keysDir, 'ceremony.json'))), 'the refused transcript was replaced');
      assert.ok(readFileSync(join(keyRoot, CIRCUIT, 'circuit_js', 'circuit.wasm')).equals(readFileSync(artifactsOf(CIRCUIT).wasm)));
      assert.deepEqual(leftovers(keyRoot), []);

      const certified = await call(api.url, 'POST', '/v1/results', { body: w.results.a1 });
      assert.equal(certified.status, 201, certified.text);
      const served = await call(api.url, 'GET', '/v1/keys');
      assert.deepEqual(served.body.kinds, ['bill']);
      assert.ok(!served.body.missing.some((m: { id: string }) => m.id === CIRCUIT));
      assert.ok((await call(api.url, 'GET', `/v1/proving-context/MTR-A1/${DAY}/1`)).status === 200);
    });

    test('a failed fetch installs nothing and says why; the results still name what to do', async () => {
      const keyRoot = root();
      const api = await serve({ circuits: undefined, keyDir: keyRoot, keysFrom: upstream.url });
      // the upstream serves billing_1d only; two circuits asked at once: one job at a time, in order
      const asked = await call(api.url, 'POST', '/v1/keys/billing_7d', { key: operator });
      assert.equal(asked.status, 202);
      const next = await call(api.url, 'POST', '/v1/keys/billing_31d', { key: operator });
      assert.equal(next.body.progress, 'waiting for 1 job(s) of other circuits to finish');
      assert.match((await api.provisioner.settled('billing_31d')).error!, /has no keys for billing_31d/);
      const failed = await api.provisioner.settled('billing_7d');
      assert.equal(failed.state, 'failed');
      assert.match(failed.error!, /has no keys for billing_7d/);
      assert.equal((await call(api.url, 'GET', '/v1/keys/billing_7d', { key: operator })).body.state, 'failed');
      assert.equal(existsSync(join(keyRoot, 'billing_7d')) || existsSync(join(keyRoot, 'billing_31d')), false);
      assert.deepEqual(leftovers(keyRoot), []);
      assert.equal(api.keys.has('billing_7d'), false);

      const unreachable = await serve({ circuits: undefined, keyDir: keyRoot, keysFrom: 'http://127.0.0.1:9' });
      await call(unreachable.url, 'POST', `/v1/keys/${CIRCUIT}`, { key: operator });
      assert.match((await unreachable.provisioner.settled(CIRCUIT)).error!, /cannot reach http:\/\/127\.0\.0\.1:9/);
      const refused = await call(unreachable.url, 'POST', '/v1/results', { body: w.results.a1 });
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error.code, 'keys_missing');
      assert.match(refused.body.error.message, new RegExp(`the last attempt failed: GET /v1/keys/${CIRCUIT} says why`));
      assert.doesNotMatch(refused.body.error.message, /cannot reach/, 'the reason is the operator’s to read');
      assert.equal(refused.headers.get('retry-after'), null);
      assert.equal(existsSync(join(keyRoot, CIRCUIT)), false);
      assert.deepEqual(leftovers(keyRoot), []);
    });

    test('--production builds no development keys and fetches none; a circuit outside --circuit is not served', async () => {
      const keyRoot = root();
      const prod = await serve({ circuits: undefined, keyDir: keyRoot, production: true });
      for (const path of [`/v1/keys/${CIRCUIT}`, `/v1/keys/${CIRCUIT}?source=build`]) {
        const r = await call(prod.url, 'POST', path, { key: operator });
        assert.equal(r.status, 409);
        assert.equal(r.body.error.code, 'development_keys_refused');
      }
      const noUpstream = await call(prod.url, 'POST', `/v1/keys/${CIRCUIT}?source=fetch`, { key: operator });
      assert.equal(noUpstream.body.error.code, 'key_upstream_missing');
      assert.match((await call(prod.url, 'POST', '/v1/results', { body: w.results.a1 })).body.error.message, /install published keys/);

      const fetching = await serve({ circuits: undefined, keyDir: keyRoot, production: true, keysFrom: upstream.url });
      assert.equal((await call(fetching.url, 'POST', `/v1/keys/${CIRCUIT}`, { key: operator })).status, 202);
      const refused = await fetching.provisioner.settled(CIRCUIT);
      assert.equal(refused.state, 'failed');
      assert.match(refused.error!, /development keys; refused in production/);
      assert.equal(existsSync(join(keyRoot, CIRCUIT, 'keys')), false);
      assert.deepEqual(leftovers(keyRoot), []);

      // the upstream serves billing_1d only: another circuit is not served, whoever asks
      const other = await call(upstream.url, 'POST', '/v1/keys/billing_7d', { key: operator });
      assert.equal(other.status, 409);
      assert.equal(other.body.error.code, 'not_served');
      assert.equal((await call(upstream.url, 'POST', '/v1/results', { body: { ...w.results.a1, circuit: 'billing_7d' } })).body.error.code, 'unknown_circuit');
    });

    test('development keys built on request, once, then used to verify (SQLite only: one build per test run)', { skip: backend.name !== 'sqlite' && 'the build does not depend on the database' }, async () => {
      const keyRoot = root();
      const api = await serve({ circuits: undefined, keyDir: keyRoot });
      const asks = await Promise.all([1, 2, 3].map(() => call(api.url, 'POST', `/v1/keys/${CIRCUIT}`, { key: operator })));
      assert.deepEqual(asks.map((r) => r.status), [202, 202, 202]);
      assert.equal(asks.filter((r) => r.body.started).length, 1, 'one build for three requests');
      assert.equal(asks[0].body.state, 'building');
      const progress = await call(api.url, 'GET', `/v1/keys/${CIRCUIT}`, { key: operator });
      assert.equal(progress.body.state, 'building', 'the API answers while it builds');
      const done = await api.provisioner.settled(CIRCUIT);
      assert.equal(done.state, 'ready', JSON.stringify(done));
      const pinned = api.keys.get(CIRCUIT)!;
      assert.equal(pinned.development, true);
      assert.notEqual(pinned.vkeySha256, upstream.keys.get(CIRCUIT)!.vkeySha256, 'fresh keys, not build/’s');
      assert.deepEqual(leftovers(keyRoot), []);

      // a result proved with the new proving key is certified; one proved with build/'s is not
      const p = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 21), meterId: 'MTR-N1' });
      const publicKey = p.key.publicKey.map(String);
      assert.equal((await call(api.url, 'POST', '/v1/meters', { key: keys.registrar, body: { id: 'MTR-N1', supplierId: 'acme', substationId: 'sub-1', publicKey, validFrom: '2024-01-01' } })).status, 201);
      assert.equal((await call(api.url, 'POST', '/v1/tariffs', { key: keys.acme, body: { tariff: w.tariffs.acme, meters: ['MTR-N1'], from: DAY, to: DAY } })).status, 201);
      const result = await proveWithArtifacts({ kind: kindNamed('bill'), bundle: p.bundle, fields: { tariff: w.tariffs.acme, valueOfEnergy: w.value }, circuit: getCircuit(CIRCUIT), wasm: pinned.wasmPath, zkey: pinned.zkeyPath, backend: snarkjsBackend });
      const certified = await call(api.url, 'POST', '/v1/results', { body: result });
      assert.equal(certified.status, 201, certified.text);
      const other = await call(api.url, 'POST', '/v1/results', { body: w.results.a2 });
      assert.equal(other.body.error.code, 'proof_invalid');
    });
  });
}
