/**
 * /openapi.json is a valid OpenAPI 3.1 document, lists exactly the routes the app serves, and the
 * responses the API actually sends (status and body) are the ones it documents.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { releaseCurve } from '../../prover/backend.js';
import { ERROR_CODES, openApiDocument } from '../../verifier-api/openapi.js';
import { apiUnderTest, call, startTestServer, type Reply } from './harness.js';
import { KIND_CIRCUITS, kindsWorld, registerKindMeters } from './kinds-support.js';
import { CIRCUIT, DAY, world, type World } from './support.js';

const doc = openApiDocument() as any;
const w: World = await world();
after(releaseCurve);

describe('OpenAPI document', () => {
  test('validates against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    assert.equal(validator.version, '3.1');
    assert.deepEqual(res.errors ?? [], []);
    assert.equal(res.valid, true);
  });

  // sampling_1d pinned too: challenges are issued only for circuits the server verifies
  const api = apiUnderTest('sqlite', { serve: { circuits: [CIRCUIT, 'sampling_1d'] }, world: w });

  test('its paths and methods are exactly the routes of the app', () => {
    const served = new Set<string>();
    for (const layer of (api.server.app as any).router.stack) {
      if (!layer.route) continue;
      const path = String(layer.route.path).replace(/:([A-Za-z]+)/g, '{$1}');
      for (const m of Object.keys(layer.route.methods)) if (m !== '_all') served.add(`${m.toUpperCase()} ${path}`);
    }
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries<any>(doc.paths)) for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${path}`);
    assert.deepEqual([...served].sort(), [...documented].sort());
  });

  test('responses sent match the documented status codes and schemas', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const base = api.server.url;
    const check = (method: string, template: string, r: Reply) => {
      const op = doc.paths[template]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${template} is documented`);
      const response = op.responses[String(r.status)];
      assert.ok(response, `${method} ${template}: status ${r.status} is documented (${r.text.slice(0, 200)})`);
      const media = Object.keys(response.content ?? {})[0];
      if (media === 'application/json') {
        const validate = ajv.compile({ ...response.content[media].schema, components: doc.components });
        assert.ok(validate(r.body), `${method} ${template} ${r.status}: ${ajv.errorsText(validate.errors)}`);
      }
      if (r.status >= 400) assert.ok(ERROR_CODES.includes(r.body.error.code), `code ${r.body.error.code} is documented`);
    };
    const go = async (method: string, template: string, path: string, o: Parameters<typeof call>[3] = {}) => {
      const r = await call(base, method, path, o);
      check(method, template, r);
      return r;
    };
    await go('GET', '/healthz', '/healthz');
    await go('GET', '/openapi.json', '/openapi.json');
    await go('GET', '/v1/suppliers', '/v1/suppliers', { key: api.keys.grid });
    await go('GET', '/v1/suppliers', '/v1/suppliers');
    await go('PUT', '/v1/substations/{id}', '/v1/substations/sub-9', { key: api.keys.registrar, body: { name: 'Nine' } });
    await go('PUT', '/v1/substations/{id}', '/v1/substations/sub-9', { key: api.keys.registrar, body: { name: 'Nine' } });
    await go('PUT', '/v1/suppliers/{id}', '/v1/suppliers/x', { key: api.keys.registrar, raw: 'oops' });
    await go('GET', '/v1/meters', '/v1/meters', { key: api.keys.acme });
    await go('GET', '/v1/meters/{id}', '/v1/meters/MTR-A1', { key: api.keys.registrar });
    await go('GET', '/v1/meters/{id}', '/v1/meters/NOPE', { key: api.keys.registrar });
    await go('PATCH', '/v1/meters/{id}', '/v1/meters/MTR-B2', { key: api.keys.registrar, body: { substationId: 'sub-9' } });
    await go('POST', '/v1/meters', '/v1/meters', { key: api.keys.registrar, body: { id: 'MTR-A1', supplierId: 'acme', publicKey: w.meters[0].publicKey, validFrom: DAY } });
    await go('POST', '/v1/meters/{id}/keys', '/v1/meters/MTR-B2/keys', { key: api.keys.registrar, body: { publicKey: w.meters[0].publicKey, validFrom: '2025-06-01' } });
    await go('POST', '/v1/meters/{id}/switch', '/v1/meters/MTR-B2/switch', { key: api.keys.registrar, body: { supplierId: 'acme', from: '2025-06-01' } });
    await go('POST', '/v1/meters/{id}/switch', '/v1/meters/MTR-B2/switch', { key: api.keys.registrar, body: { supplierId: 'acme', from: '2025-07-01' } });
    await go('POST', '/v1/meters/{id}/switch', '/v1/meters/MTR-B2/switch', { key: api.keys.registrar, body: { supplierId: 'nobody', from: '2025-07-01' } });
    await go('POST', '/v1/meters/{id}/keys/{keyId}/revoke', '/v1/meters/MTR-B2/keys/mk_nope/revoke', { key: api.keys.registrar });
    await go('POST', '/v1/tariffs', '/v1/tariffs', { key: api.keys.acme, body: { tariff: w.tariffs.acme, meters: ['MTR-A1'], from: '2025-03-01', to: '2025-03-31' } });
    await go('POST', '/v1/value-vectors', '/v1/value-vectors', { key: api.keys.grid, body: { vector: w.value, from: DAY, to: DAY } });
    const vv = await go('GET', '/v1/value-vectors', `/v1/value-vectors?period=${DAY}`);
    await go('GET', '/v1/documents/{digest}', `/v1/documents/${vv.body.digest}`);
    await go('PUT', '/v1/feeder-measurements', '/v1/feeder-measurements', { key: api.keys.grid, body: { substationId: 'sub-1', period: { start: DAY, days: 1 }, consumptionWh: '12345' } });
    await go('PUT', '/v1/scheme-parameters/{id}', '/v1/scheme-parameters/p1', { key: api.keys.scheme, body: { parameters: { a: 1 } } });
    await go('GET', '/v1/scheme-parameters/{id}', '/v1/scheme-parameters/p1');
    await go('GET', '/v1/scheme-parameters', '/v1/scheme-parameters');
    const created = await go('POST', '/v1/results', '/v1/results', { body: w.results.a1 });
    await go('POST', '/v1/results', '/v1/results', { body: w.results.a1 });
    await go('POST', '/v1/results', '/v1/results', { body: w.results.a1Again });
    await go('POST', '/v1/results', '/v1/results', { body: { ...w.results.a2, publicSignals: [] } });
    await go('POST', '/v1/results', '/v1/results', { raw: 'x', headers: { 'content-type': 'text/plain' } });
    await go('GET', '/v1/results', '/v1/results?limit=1', { key: api.keys.auditor });
    await go('GET', '/v1/results/{id}', `/v1/results/${created.body.id}`, { key: api.keys.acme });
    await go('GET', '/v1/results/{id}/evidence', `/v1/results/${created.body.id}/evidence`, { key: api.keys.auditor });
    await go('GET', '/v1/settlement', `/v1/settlement?period=${DAY}`, { key: api.keys.grid });
    await go('GET', '/v1/settlement', '/v1/settlement', { key: api.keys.grid });
    await go('GET', '/v1/substations/balance', `/v1/substations/balance?period=${DAY}&tolerance=0.1`, { key: api.keys.auditor });
    await go('GET', '/v1/substations/balance', `/v1/substations/balance?period=${DAY}`, { key: api.keys.acme });
    // the household page's routes (verifier-api/household.ts): an envelope is stored without being opened
    const bundles = '/v1/encrypted-bundles/{meterId}/{start}/{days}';
    const sealed = { format: 'meterproof-encrypted-bundle/1', meterId: 'MTR-A1', period: { start: DAY, days: 1 }, key: { generation: 1, id: '0a1b2c3d' }, kdf: { name: 'argon2id', version: 19, memoryKiB: 19456, iterations: 2, parallelism: 1 }, cipher: 'AES-256-GCM', salt: 'AAAAAAAAAAAAAAAAAAAAAA==', nonce: 'AAAAAAAAAAAAAAAA', ciphertext: 'AAAAAAAAAAAAAAAAAAAAAA==' };
    const token = await go('POST', '/v1/meters/{id}/upload-token', '/v1/meters/MTR-A1/upload-token', { key: api.keys.registrar });
    await go('POST', '/v1/meters/{id}/upload-token', '/v1/meters/NOPE/upload-token', { key: api.keys.registrar });
    await go('PUT', bundles, `/v1/encrypted-bundles/MTR-A1/${DAY}/1`, { headers: { 'x-upload-token': token.body.uploadToken }, body: sealed });
    await go('PUT', bundles, `/v1/encrypted-bundles/MTR-A1/${DAY}/1`, { key: api.keys.registrar, body: sealed });
    await go('PUT', bundles, `/v1/encrypted-bundles/MTR-A1/${DAY}/1`, { key: api.keys.registrar, body: { format: 'meterproof-bundle/1' } });
    await go('PUT', bundles, `/v1/encrypted-bundles/MTR-A1/${DAY}/1`, { body: sealed });
    await go('PUT', bundles, `/v1/encrypted-bundles/MTR-A1/${DAY}/1`, { key: api.keys.acme, body: sealed });
    await go('GET', '/v1/encrypted-bundles/{meterId}', '/v1/encrypted-bundles/MTR-A1');
    await go('GET', '/v1/encrypted-bundles/{meterId}', '/v1/encrypted-bundles/NOPE');
    await go('GET', bundles, `/v1/encrypted-bundles/MTR-A1/${DAY}/1`);
    await go('GET', bundles, `/v1/encrypted-bundles/MTR-A1/${DAY}/7`);
    await go('GET', '/v1/proving-context/{meterId}/{start}/{days}', `/v1/proving-context/MTR-A1/${DAY}/1`);
    await go('GET', '/v1/proving-context/{meterId}/{start}/{days}', '/v1/proving-context/MTR-A1/2020-01-01/1');
    await go('GET', '/artifacts/{circuit}/{hash}/{file}', `/artifacts/billing_1d/${'0'.repeat(64)}/circuit.zkey`);
    // the published parameters and the kinds' own routes (verifier-api/kind-routes.ts, kinds/<kind>/routes.ts)
    const kw = await kindsWorld();
    const january = { from: '2025-01-01', to: '2025-01-31' };
    const events = await go('POST', '/v1/parameters', '/v1/parameters', { key: api.keys.grid, body: { document: kw.documents.events, ...january } });
    await go('POST', '/v1/parameters', '/v1/parameters', { key: api.keys.grid, body: { document: kw.documents.events, ...january } });
    await go('POST', '/v1/parameters', '/v1/parameters', { key: api.keys.grid, body: { document: { ...kw.documents.events, name: 'changed' }, ...january } });
    await go('POST', '/v1/parameters', '/v1/parameters', { key: api.keys.acme, body: { document: kw.documents.events } });
    await go('POST', '/v1/parameters', '/v1/parameters', { key: api.keys.grid, body: { document: { format: 'meterproof-nothing/1' } } });
    for (const [key, document] of [
      [api.keys.scheme, kw.documents.profiles],
      [api.keys.scheme, kw.documents.scheme],
      [api.keys.service, kw.documents.tariffSet],
    ] as const)
      await go('POST', '/v1/parameters', '/v1/parameters', { key, body: { document } });
    await go('GET', '/v1/parameters', `/v1/parameters?kind=dr-events&period=${DAY}`);
    await go('GET', '/v1/parameters', '/v1/parameters?kind=nothing');
    await go('GET', '/v1/parameters/{digest}', `/v1/parameters/${events.body.digest}`);
    await go('GET', '/v1/parameters/{digest}', `/v1/parameters/${'0'.repeat(64)}`);
    const challenge = await go('POST', '/v1/challenges', '/v1/challenges', { key: api.keys.grid, body: { meterId: 'MTR-A1', period: { start: DAY, days: 1 } } });
    await go('POST', '/v1/challenges', '/v1/challenges', { key: api.keys.grid, body: { meterId: 'MTR-NONE', period: { start: DAY, days: 1 } } });
    await go('GET', '/v1/challenges', '/v1/challenges?meter=MTR-A1', { key: api.keys.auditor });
    await go('GET', '/v1/challenges/{id}', `/v1/challenges/${challenge.body.id}`);
    await go('GET', '/v1/challenges/{id}', '/v1/challenges/nope');
    await go('GET', '/v1/rebates/payouts', '/v1/rebates/payouts?from=2025-01-01&to=2025-01-31', { key: api.keys.scheme });
    await go('GET', '/v1/rebates/payouts', '/v1/rebates/payouts', { key: api.keys.scheme });
    await go('GET', '/v1/profiles/classes', `/v1/profiles/classes?set=classes-2025&period=${DAY}`, { key: api.keys.grid });
    await go('GET', '/v1/profiles/classes', `/v1/profiles/classes?set=nope&period=${DAY}`, { key: api.keys.grid });
    await go('GET', '/v1/substations/balance', `/v1/substations/balance?period=${DAY}&source=totals`, { key: api.keys.grid });
    // results of other kinds, on a second instance that serves their circuits
    const kinds = await startTestServer(api.db.url, { circuits: [CIRCUIT, ...KIND_CIRCUITS] });
    try {
      await registerKindMeters(kinds.url, api.keys, w, kw);
      for (const name of ['totalsK1', 'rebateK1', 'compare'] as const) {
        const r = await call(kinds.url, 'POST', '/v1/results', { body: kw.results[name] });
        assert.equal(r.status, 201, `${name}: ${r.text}`);
        check('POST', '/v1/results', r);
        check('GET', '/v1/results/{id}', await call(kinds.url, 'GET', `/v1/results/${r.body.id}`, { key: api.keys.auditor }));
        check('GET', '/v1/results/{id}', await call(kinds.url, 'GET', `/v1/results/${r.body.id}`, { key: api.keys.service }));
      }
      check('POST', '/v1/results', await call(kinds.url, 'POST', '/v1/results', { body: kw.results.rebateK1Week }));
      check('GET', '/v1/results', await call(kinds.url, 'GET', '/v1/results?kind=rebate', { key: api.keys.scheme }));
    } finally {
      await kinds.close();
    }
    const m = await call(base, 'GET', '/metrics');
    assert.equal(m.status, 200);
  });
});
