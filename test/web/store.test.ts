/**
 * The household page's side of the verifier API (verifier-api/household.ts), on SQLite and PostgreSQL:
 * the encrypted-bundle store (who may upload, what is accepted, public reads), the proving context, the
 * proving artifacts with their caching and hashes, the page itself — and that the service never holds a
 * plaintext reading or the key: the database's every table (and SQLite's files) and the request log are
 * searched for them after uploads, including a refused plaintext upload.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { isoDay } from '../../core/time.js';
import { bundleToJson } from '../../meter/bundle.js';
import { decryptBundle, type KdfParams } from '../../meter/encryption/index.js';
import { releaseCurve } from '../../prover/backend.js';
import { provisionHousehold } from '../../scripts/household-provision.js';
import { openDb } from '../../verifier-api/db.js';
import { buildWeb } from '../../web/build.js';
import { certifyPeriod, dynamicDocument, flatTariff, syntheticPrices, syntheticReadings } from '../support/fixtures.js';
import { apiUnderTest, backends, call } from '../verifier-api/harness.js';
import { DAY, START_DAY } from '../verifier-api/support.js';

after(releaseCurve);

/** Weak Argon2id parameters: these tests are about the store, not the key derivation. */
const FAST: KdfParams = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const tariff = flatTariff(24_500, 45_000, 'acme-flat-web');
const value = dynamicDocument(START_DAY, syntheticPrices(48, 9), 'value-of-energy', 0, 'grid-voe-web');
const readings = syntheticReadings(1, 4242);
const period = await certifyPeriod({ startDay: START_DAY, readings, meterId: 'MTR-W1' });
const other = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 4343), meterId: 'MTR-W2' });
/** Runs of readings as any encoding of them would show them (JSON arrays, CSV, logs). */
const needles = (key: string) => [readings.slice(0, 8).join(','), readings.slice(20, 28).join(','), readings.slice(40, 48).join(', '), key, key.replace(/-/g, ''), key.toLowerCase()];

await buildWeb();

for (const backend of await backends()) {
  describe(`household store on ${backend.name}`, { skip: backend.skip }, () => {
    let userKey: string;
    let envelope: any;
    const logs: string[] = [];
    const api = apiUnderTest(backend.name, { serve: { logger: pino({ level: 'trace' }, { write: (line: string) => void logs.push(line) }) } });
    const path = `/v1/encrypted-bundles/MTR-W1/${DAY}/1`;

    before(async () => {
      const provisioned = await provisionHousehold({ api: api.base, keys: { registrar: api.keys.registrar, supplier: api.keys.acme, grid: api.keys.grid }, supplierId: 'acme', bundle: period.bundle, tariff, valueOfEnergy: value, kdf: FAST });
      userKey = provisioned.userKey.key;
      envelope = provisioned.envelope;
    });

    test('anyone reads the envelope; only the key opens it', async () => {
      const list = await call(api.base, 'GET', '/v1/encrypted-bundles/MTR-W1');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.items.map((i: any) => i.period), [{ start: DAY, days: 1 }]);
      assert.deepEqual(list.body.items[0].key, envelope.key);
      const got = await call(api.base, 'GET', path);
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('cache-control'), 'no-cache');
      assert.deepEqual(got.body, envelope);
      assert.deepEqual(await decryptBundle(got.body, userKey), bundleToJson(period.bundle));
    });

    test('upload: the meter’s own token or a registrar key, nobody else', async () => {
      const token = (await call(api.base, 'POST', '/v1/meters/MTR-W1/upload-token', { key: api.keys.registrar })).body.uploadToken as string;
      assert.match(token, /^mpu_/);
      const put = (o: Parameters<typeof call>[3]) => call(api.base, 'PUT', path, { body: envelope, ...o });
      assert.equal((await put({ headers: { 'x-upload-token': token } })).status, 200); // replaces: same meter and period
      assert.equal((await put({ key: api.keys.registrar })).body.status, 'replaced');
      const none = await put({});
      assert.equal(none.status, 401);
      assert.equal(none.body.error.code, 'unauthenticated');
      assert.equal((await put({ key: api.keys.acme })).body.error.code, 'forbidden');
      assert.equal((await put({ key: api.keys.grid })).status, 403);
      assert.equal((await put({ headers: { 'x-upload-token': 'mpu_forged' } })).body.error.code, 'invalid_api_key');
      // a token is for its own meter only, and a new token replaces the old one
      await call(api.base, 'POST', '/v1/meters', { key: api.keys.registrar, body: { id: 'MTR-W2', supplierId: 'acme', publicKey: other.key.publicKey.map(String), validFrom: DAY } });
      const token2 = (await call(api.base, 'POST', '/v1/meters/MTR-W2/upload-token', { key: api.keys.registrar })).body.uploadToken;
      const cross = await put({ headers: { 'x-upload-token': token2 } });
      assert.equal(cross.status, 403);
      assert.match(cross.body.error.message, /belongs to meter MTR-W2/);
      await call(api.base, 'POST', '/v1/meters/MTR-W1/upload-token', { key: api.keys.registrar });
      assert.equal((await put({ headers: { 'x-upload-token': token } })).status, 401);
      assert.equal((await call(api.base, 'POST', '/v1/meters/MTR-W1/upload-token', { key: api.keys.acme })).status, 403);
      assert.equal((await call(api.base, 'POST', '/v1/meters/NOPE/upload-token', { key: api.keys.registrar })).status, 404);
    });

    test('only well-formed envelopes are stored; a plaintext bundle is refused', async () => {
      const put = (body: unknown, to = path) => call(api.base, 'PUT', to, { key: api.keys.registrar, body });
      const plain = await put(bundleToJson(period.bundle));
      assert.equal(plain.status, 400);
      assert.equal(plain.body.error.code, 'plaintext_bundle');
      assert.match(plain.body.error.message, /plaintext readings bundle.*Nothing was stored/);
      assert.equal((await put({ ...envelope, readingsWh: readings })).body.error.code, 'plaintext_bundle');
      const extra = await put({ ...envelope, note: 'x' });
      assert.equal(extra.body.error.code, 'invalid_envelope');
      assert.match(extra.body.error.message, /note/);
      assert.equal((await put({ ...envelope, cipher: 'AES-128-CBC' })).body.error.code, 'invalid_envelope');
      assert.equal((await put({ ...envelope, kdf: { ...envelope.kdf, memoryKiB: 1 << 24 } })).body.error.code, 'invalid_envelope');
      assert.equal((await put('not an envelope')).status, 400);
      const moved = await put(envelope, `/v1/encrypted-bundles/MTR-W2/${DAY}/1`);
      assert.equal(moved.body.error.code, 'invalid_request');
      assert.match(moved.body.error.message, /envelope is for meter MTR-W1/);
      const unregistered = await put({ ...envelope, meterId: 'MTR-NONE' }, `/v1/encrypted-bundles/MTR-NONE/${DAY}/1`);
      assert.equal(unregistered.status, 422);
      assert.equal(unregistered.body.error.code, 'meter_not_registered');
      assert.equal((await put(envelope, `/v1/encrypted-bundles/MTR-W1/2025-02-30/1`)).status, 400);
      // what is stored is still the envelope
      assert.deepEqual((await call(api.base, 'GET', path)).body, envelope);
    });

    test('unknown meters and periods are 404', async () => {
      for (const p of ['/v1/encrypted-bundles/NOPE', `/v1/encrypted-bundles/NOPE/${DAY}/1`, `/v1/proving-context/NOPE/${DAY}/1`]) {
        const r = await call(api.base, 'GET', p);
        assert.equal(r.status, 404, p);
        assert.match(r.body.error.message, /meter NOPE is not registered/);
      }
      const none = await call(api.base, 'GET', `/v1/encrypted-bundles/MTR-W1/${isoDay(START_DAY + 1)}/1`);
      assert.equal(none.status, 404);
      assert.match(none.body.error.message, /no encrypted readings for/);
      assert.deepEqual((await call(api.base, 'GET', '/v1/encrypted-bundles/MTR-W2')).body.items, []);
    });

    test('the proving context names the published documents and content-addressed artifacts', async () => {
      const ctx = await call(api.base, 'GET', `/v1/proving-context/MTR-W1/${DAY}/1`);
      assert.equal(ctx.status, 200);
      assert.equal(ctx.body.circuit.id, 'billing_1d');
      assert.equal(ctx.body.kind, 'bill');
      assert.deepEqual(ctx.body.documents.tariff.map((d: { document: unknown }) => d.document), [tariff]);
      assert.deepEqual(ctx.body.documents.valueOfEnergy.map((d: { document: unknown }) => d.document), [value]);
      for (const file of ['wasm', 'zkey'] as const) {
        const a = ctx.body.artifacts[file];
        assert.equal(a.url, `/artifacts/billing_1d/${a.sha256}/circuit.${file}`);
        const res = await fetch(api.base + a.url);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
        assert.equal(res.headers.get('content-type'), file === 'wasm' ? 'application/wasm' : 'application/octet-stream');
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.equal(bytes.length, a.bytes);
        assert.equal(createHash('sha256').update(bytes).digest('hex'), a.sha256);
      }
      const stale = await call(api.base, 'GET', `/artifacts/billing_1d/${'0'.repeat(64)}/circuit.zkey`);
      assert.equal(stale.status, 404);
      assert.match(stale.body.error.message, /fetch the proving context again/);
      assert.equal((await call(api.base, 'GET', `/artifacts/billing_1d/${ctx.body.artifacts.zkey.sha256}/circuit.r1cs`)).status, 404);
      assert.equal((await call(api.base, 'GET', `/artifacts/billing_7d/${ctx.body.artifacts.zkey.sha256}/circuit.zkey`)).status, 404); // not pinned here
      const unknownKind = await call(api.base, 'GET', `/v1/proving-context/MTR-W1/${DAY}/1?kind=horoscope`);
      assert.equal(unknownKind.status, 400);
      assert.match(unknownKind.body.error.message, /unknown result kind "horoscope"/);
      const noScheme = await call(api.base, 'GET', `/v1/proving-context/MTR-W1/${DAY}/1?kind=rebate`);
      assert.equal(noScheme.body.error.code, 'unknown_circuit'); // no rebate key pinned on this server
      const noTariff = await call(api.base, 'GET', '/v1/proving-context/MTR-W1/2020-01-01/1');
      assert.equal(noTariff.body.error.code, 'tariff_not_published');
      const noCircuit = await call(api.base, 'GET', `/v1/proving-context/MTR-W1/${DAY}/7`);
      assert.equal(noCircuit.status, 422);
      assert.equal(noCircuit.body.error.code, 'unknown_circuit');
    });

    test('the page: index.html revalidated under a strict CSP, hashed assets immutable', async () => {
      const index = await fetch(api.base + '/');
      assert.equal(index.status, 200);
      assert.equal(index.headers.get('cache-control'), 'no-cache');
      assert.match(index.headers.get('content-security-policy') ?? '', /connect-src 'self'/);
      const html = await index.text();
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(asset, 'index.html names its script');
      const js = await fetch(api.base + asset);
      assert.equal(js.status, 200);
      assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal((await fetch(api.base + '/.sources.sha256')).status, 404);
    });

    test('the service never holds a plaintext reading or the key', async () => {
      const found: string[] = [];
      const search = (where: string, text: string) => {
        for (const n of needles(userKey)) if (text.includes(n)) found.push(`${where} contains "${n}"`);
      };
      const q = await openDb(api.db.url);
      try {
        const tables = (await q.all<{ name: string }>(backend.name === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table'" : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")).map((t) => t.name);
        assert.ok(tables.includes('encrypted_bundles'));
        for (const t of tables) search(`table ${t}`, JSON.stringify(await q.all(`SELECT * FROM ${t}`)));
      } finally {
        await q.close();
      }
      if (backend.name === 'sqlite') for (const f of [api.db.url, `${api.db.url}-wal`]) if (existsSync(f)) search(f, readFileSync(f).toString('latin1'));
      search('the request log', logs.join('\n'));
      assert.ok(logs.some((l) => l.includes('/v1/encrypted-bundles/MTR-W1')), 'the log was captured');
      assert.deepEqual(found, []);
      // and the needles do find readings where they are
      search('the bundle', JSON.stringify(bundleToJson(period.bundle)));
      assert.ok(found.length >= 2);
    });
  });
}
