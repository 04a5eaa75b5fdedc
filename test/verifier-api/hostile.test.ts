/**
 * A corpus of hostile requests against POST /v1/results (and a few other routes): each gets the right
 * status and stable error code with a message, and the server keeps serving — on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildBn128 } from 'ffjavascript';
import { releaseCurve } from '../../prover/backend.js';
import { apiUnderTest, backends, call, startTestServer, type Keys } from './harness.js';
import { clone, world, type World } from './support.js';

const w: World = await world();
after(releaseCurve);

const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** JSON text of `body` with an object nested `depth` levels deep (13 KB at 5,000) in place of "@nested" (JSON.stringify itself overflows on it). */
const withNested = (body: unknown, depth: number) => JSON.stringify(body).replace('"@nested"', '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1));
/** A point on Baby Jubjub of order 2, (0, -1): on the curve, outside the prime-order subgroup. */
const ORDER_TWO: [string, string] = ['0', (R - 1n).toString()];

/** A point on the G2 twist curve that is not in the order-r subgroup (the twist has a large cofactor). */
async function twistPointOutsideSubgroup(): Promise<string[][]> {
  const curve = await buildBn128(true);
  const { G2 } = curve;
  const F = G2.F;
  for (let i = 1n; ; i++) {
    const x = F.fromObject([i, 1n]);
    const rhs = F.add(F.mul(F.square(x), x), G2.b);
    if (!F.isSquare(rhs)) continue;
    const y = F.sqrt(rhs);
    const buff = new Uint8Array(F.n8 * 2);
    buff.set(x);
    buff.set(y, F.n8);
    if (!G2.isValid(buff) || G2.isZero(G2.timesScalar(buff, R)) === true) continue;
    const o = G2.toObject(buff) as bigint[][];
    return o.map((c) => c.map(String));
  }
}

interface Case {
  name: string;
  status: number;
  code: string;
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  key?: string;
}

for (const backend of await backends()) {
  describe(`hostile requests on ${backend.name}`, { skip: backend.skip }, () => {
    const api = apiUnderTest(backend.name, { serve: { bodyLimit: '256kb' }, world: w });
    let storedId: string;
    let offSubgroup: string[][];

    before(async () => {
      const r = await call(api.server.url, 'POST', '/v1/results', { body: w.results.a1 });
      assert.equal(r.status, 201, r.text);
      storedId = r.body.id;
      offSubgroup = await twistPointOutsideSubgroup();
    });

    const edit = (f: (r: any) => void, base: World['results']['a1'] = w.results.a2) => {
      const r: any = clone(base);
      f(r);
      return r;
    };
    const cases = (): Case[] => [
      // ------------------------------------------------------------------ transport and JSON
      { name: 'truncated JSON', status: 400, code: 'invalid_json', raw: JSON.stringify(w.results.a2).slice(0, 999) },
      { name: 'empty body', status: 400, code: 'malformed', raw: '' },
      { name: 'JSON null', status: 400, code: 'invalid_json', raw: 'null' },
      { name: 'a bare number', status: 400, code: 'invalid_json', raw: '1e999999' },
      { name: 'not JSON at all', status: 400, code: 'invalid_json', raw: '\u0000\u0001binary garbage' },
      { name: 'text/plain body', status: 415, code: 'unsupported_media_type', raw: JSON.stringify(w.results.a2), headers: { 'content-type': 'text/plain' } },
      { name: 'unsupported charset', status: 415, code: 'unsupported_media_type', raw: '{}', headers: { 'content-type': 'application/json; charset=ebcdic' } },
      { name: 'gzip that is not gzip', status: 400, code: 'bad_request', raw: 'not gzip', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
      { name: 'body over the size limit', status: 413, code: 'body_too_large', raw: JSON.stringify({ ...w.results.a2, padding: 'x'.repeat(300_000) }) },
      { name: 'deeply nested JSON', status: 400, code: 'body_too_deep', raw: '['.repeat(5000) + ']'.repeat(5000) },
      { name: 'a tariff nested 5,000 deep (once a RangeError, 500)', status: 400, code: 'body_too_deep', raw: withNested(edit((r) => (r.statement.tariff = '@nested')), 5000) },
      { name: 'a document nested 5,000 deep on another route', status: 400, code: 'body_too_deep', method: 'POST', path: '/v1/tariffs', key: 'acme', raw: withNested({ tariff: '@nested', meters: ['MTR-A1'], from: '2025-01-15', to: '2025-01-15' }, 5000) },
      { name: 'a JSON array', status: 400, code: 'malformed', body: [w.results.a2] },
      { name: '__proto__ pollution attempt', status: 400, code: 'malformed', raw: '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}' },
      // ------------------------------------------------------------------ shape
      { name: 'wrong format', status: 400, code: 'malformed', body: edit((r) => (r.format = 'meterproof-result/2')) },
      { name: 'unknown result kind', status: 400, code: 'malformed', body: edit((r) => (r.kind = 'rebate')) },
      { name: 'circuit is a number', status: 400, code: 'malformed', body: edit((r) => (r.circuit = 42)) },
      { name: 'proof missing', status: 400, code: 'malformed', body: edit((r) => delete r.proof) },
      { name: 'signals as JSON numbers', status: 400, code: 'malformed', body: edit((r) => (r.publicSignals = r.publicSignals.map((s: string) => Number(s)))) },
      { name: 'huge number in outputs', status: 400, code: 'malformed', body: edit((r) => (r.outputs.bill = 1e308)) },
      { name: 'days as a string', status: 400, code: 'malformed', body: edit((r) => (r.statement.period.days = '1')) },
      { name: 'no such date', status: 400, code: 'malformed', body: edit((r) => (r.statement.period.start = '2025-02-30')) },
      { name: 'meter id with illegal characters', status: 400, code: 'malformed', body: edit((r) => (r.statement.meterId = "MTR'; DROP TABLE results;--")) },
      { name: 'tariff document invalid', status: 400, code: 'malformed', body: edit((r) => (r.statement.tariff = { format: 'meterproof-tariff/1', id: 'x' })) },
      // ------------------------------------------------------------------ public-signal encoding
      { name: 'too few public signals', status: 400, code: 'signal_count', body: edit((r) => r.publicSignals.pop()) },
      { name: 'too many public signals', status: 400, code: 'signal_count', body: edit((r) => r.publicSignals.push('0')) },
      { name: 'signal equal to r', status: 400, code: 'non_canonical_signal', body: edit((r) => (r.publicSignals[5] = R.toString())) },
      { name: 'signal with a leading zero', status: 400, code: 'non_canonical_signal', body: edit((r) => (r.publicSignals[7] = '01')) },
      { name: 'negative signal', status: 400, code: 'non_canonical_signal', body: edit((r) => (r.publicSignals[0] = '-5')) },
      { name: 'signal of 1000 digits', status: 400, code: 'non_canonical_signal', body: edit((r) => (r.publicSignals[9] = '9'.repeat(1000))) },
      { name: 'signal in hex', status: 400, code: 'non_canonical_signal', body: edit((r) => (r.publicSignals[9] = '0x10')) },
      // ------------------------------------------------------------------ circuits
      { name: 'unknown circuit', status: 422, code: 'unknown_circuit', body: edit((r) => (r.circuit = 'billing_99d')) },
      { name: 'known circuit without a pinned key here', status: 422, code: 'unknown_circuit', body: edit((r) => (r.circuit = 'billing_7d')) },
      // ------------------------------------------------------------------ proof points
      { name: 'pi_a off the curve', status: 422, code: 'bad_proof_point', body: edit((r) => (r.proof.pi_a[1] = String(BigInt(r.proof.pi_a[1]) + 1n))) },
      { name: 'pi_a at infinity', status: 422, code: 'bad_proof_point', body: edit((r) => (r.proof.pi_a = ['0', '1', '0'])) },
      { name: 'pi_c coordinate ≥ p', status: 422, code: 'bad_proof_point', body: edit((r) => (r.proof.pi_c[0] = (BigInt(r.proof.pi_c[0]) + P).toString())) },
      { name: 'pi_b off the twist', status: 422, code: 'bad_proof_point', body: edit((r) => (r.proof.pi_b[0][0] = String(BigInt(r.proof.pi_b[0][0]) ^ 1n))) },
      { name: 'pi_b outside the r-subgroup', status: 422, code: 'bad_proof_point', body: edit((r) => (r.proof.pi_b = [...offSubgroup.slice(0, 2), ['1', '0']])) },
      { name: 'pi_b projective (z ≠ 1)', status: 422, code: 'bad_proof_point', body: edit((r) => (r.proof.pi_b[2] = ['2', '0'])) },
      { name: 'not a groth16 proof', status: 422, code: 'bad_proof_point', body: edit((r) => (r.proof.protocol = 'plonk')) },
      // ------------------------------------------------------------------ statement and proof
      {
        name: 'swapped public signals (outputs kept consistent)',
        status: 422,
        code: 'proof_invalid',
        body: edit((r) => {
          [r.publicSignals[0], r.publicSignals[2]] = [r.publicSignals[2], r.publicSignals[0]];
          [r.outputs.bill, r.outputs.consumption] = [r.outputs.consumption, r.outputs.bill];
        }),
      },
      { name: 'swapped public signals (outputs not updated)', status: 422, code: 'output_mismatch', body: edit((r) => ([r.publicSignals[0], r.publicSignals[1]] = [r.publicSignals[1], r.publicSignals[0]])) },
      { name: 'swapped weights', status: 422, code: 'statement_mismatch', body: edit((r) => ([r.publicSignals[12], r.publicSignals[13]] = [r.publicSignals[13], r.publicSignals[12]])) },
      { name: "another meter's proof on this statement", status: 422, code: 'proof_invalid', body: edit((r) => (r.proof = w.results.b1.proof)) },
      { name: "another meter's result claimed for this meter", status: 422, code: 'meter_key_unknown', body: edit((r) => (r.statement.meterId = 'MTR-A1')) },
      { name: "another meter's result with its key swapped in", status: 422, code: 'statement_mismatch', body: edit((r) => ((r.statement.meterId = 'MTR-A1'), (r.statement.meterPublicKey = w.meters[0].publicKey))) },
      { name: 'unregistered meter', status: 422, code: 'meter_not_registered', body: edit((r) => (r.statement.meterId = 'MTR-GHOST')) },
      // ------------------------------------------------------------------ replays
      { name: 'replay of a stored result', status: 200, code: '', body: w.results.a1 },
      { name: 'replay with the tariff keys reordered', status: 200, code: '', body: edit((r) => (r.statement.tariff = Object.fromEntries(Object.entries(r.statement.tariff).reverse())), w.results.a1) },
      { name: 'replay of the statement with another valid proof', status: 409, code: 'duplicate_statement', body: w.results.a1Again },
      // ------------------------------------------------------------------ other routes
      { name: 'an unknown API key on a public route', status: 401, code: 'invalid_api_key', body: w.results.a2, key: 'mpk_auditor_forged' },
      { name: 'path traversal', status: 404, code: 'not_found', method: 'GET', path: '/v1/results/..%2F..%2Fetc%2Fpasswd', key: 'auditor' },
      { name: 'unknown method', status: 404, code: 'not_found', method: 'DELETE', path: '/v1/results' },
      { name: 'settlement with a bad period', status: 400, code: 'invalid_request', method: 'GET', path: '/v1/settlement?period=yesterday', key: 'grid' },
      { name: 'results with the meter twice (a filter silently dropped once)', status: 400, code: 'invalid_request', method: 'GET', path: '/v1/results?meter=MTR-A1&meter=MTR-B1', key: 'auditor' },
      { name: 'results with the limit twice', status: 400, code: 'invalid_request', method: 'GET', path: '/v1/results?limit=1&limit=2', key: 'auditor' },
      { name: 'meters with the supplier twice', status: 400, code: 'invalid_request', method: 'GET', path: '/v1/meters?supplier=acme&supplier=bolt', key: 'registrar' },
      { name: 'settlement with days twice', status: 400, code: 'invalid_request', method: 'GET', path: '/v1/settlement?period=2025-01-15&days=1&days=7', key: 'grid' },
      { name: 'a meter key off the curve', status: 400, code: 'invalid_public_key', method: 'POST', path: '/v1/meters', key: 'registrar', body: { id: 'MTR-Q', supplierId: 'acme', publicKey: ['1', '2'], validFrom: '2025-01-01' } },
      { name: 'a meter key of order 2 (outside the subgroup)', status: 400, code: 'invalid_public_key', method: 'POST', path: '/v1/meters', key: 'registrar', body: { id: 'MTR-Q', supplierId: 'acme', publicKey: ORDER_TWO, validFrom: '2025-01-01' } },
      { name: 'a meter key at the identity', status: 400, code: 'invalid_public_key', method: 'POST', path: '/v1/meters', key: 'registrar', body: { id: 'MTR-Q', supplierId: 'acme', publicKey: ['0', '1'], validFrom: '2025-01-01' } },
      { name: 'a meter key coordinate ≥ the field', status: 400, code: 'invalid_public_key', method: 'POST', path: '/v1/meters', key: 'registrar', body: { id: 'MTR-Q', supplierId: 'acme', publicKey: [w.meters[0].publicKey[0], (BigInt(w.meters[0].publicKey[1]) + R).toString()], validFrom: '2025-01-01' } },
      { name: 'a rotation to a small-order key', status: 400, code: 'invalid_public_key', method: 'POST', path: '/v1/meters/MTR-A2/keys', key: 'registrar', body: { publicKey: ORDER_TWO, validFrom: '2025-06-01' } },
      { name: 'a challenge for a circuit without a pinned key', status: 422, code: 'unknown_circuit', method: 'POST', path: '/v1/challenges', key: 'grid', body: { meterId: 'MTR-A1', period: { start: '2025-01-15', days: 1 } } },
      { name: 'settlement with the period twice', status: 400, code: 'invalid_request', method: 'GET', path: '/v1/settlement?period=2025-01-15&period=2025-01-16', key: 'grid' },
      { name: 'meter registration with extra fields', status: 400, code: 'invalid_request', method: 'POST', path: '/v1/meters', key: 'registrar', body: { id: 'MTR-Q', supplierId: 'acme', publicKey: ['1', '2'], validFrom: '2025-01-01', admin: true } },
      { name: 'feeder measurement with a float', status: 400, code: 'invalid_request', method: 'PUT', path: '/v1/feeder-measurements', key: 'grid', body: { substationId: 'sub-1', period: { start: '2025-01-15', days: 1 }, consumptionWh: 1.5 } },
    ];

    test('every hostile request gets its status and code, and the server keeps serving', async () => {
      const all = cases();
      assert.ok(all.length >= 30, `${all.length} cases`);
      const failures: string[] = [];
      for (const c of all) {
        const key = c.key && c.key in api.keys ? api.keys[c.key as keyof Keys] : c.key;
        const r = await call(api.server.url, c.method ?? 'POST', c.path ?? '/v1/results', { body: c.body, raw: c.raw, headers: c.headers, key });
        const code = r.body?.error?.code ?? '';
        if (r.status !== c.status || code !== c.code) failures.push(`${c.name}: expected ${c.status} ${c.code}, got ${r.status} ${code} ${r.text.slice(0, 300)}`);
        else if (c.status >= 400 && !(typeof r.body.error.message === 'string' && r.body.error.message.length > 0)) failures.push(`${c.name}: no message`);
        if (c.status === 200 && r.body?.id !== storedId) failures.push(`${c.name}: replay answered another id`);
      }
      assert.deepEqual(failures, []);
      const health = await call(api.server.url, 'GET', '/healthz');
      assert.equal(health.status, 200);
      const ok = await call(api.server.url, 'POST', '/v1/results', { body: w.results.b1 });
      assert.equal(ok.status, 201, 'a valid submission still goes through');
      const listed = await call(api.server.url, 'GET', '/v1/results', { key: api.keys.auditor });
      assert.equal(listed.body.items.length, 2, 'nothing hostile was stored');
    });

    test('rate limits per client address and per key; health checks exempt', async () => {
      const limited = await startTestServer(api.db.url, { rateLimit: { perAddress: { perSecond: 0.1, burst: 3 }, perKey: { perSecond: 0.1, burst: 2 } } });
      try {
        const anon = [];
        for (let i = 0; i < 5; i++) anon.push(await call(limited.url, 'GET', '/openapi.json'));
        assert.deepEqual(anon.map((r) => r.status), [200, 200, 200, 429, 429]);
        assert.equal(anon[3].body.error.code, 'rate_limited');
        assert.ok(Number(anon[3].headers.get('retry-after')) >= 1);
        // a load balancer probing from one address is never limited
        for (let i = 0; i < 10; i++) assert.equal((await call(limited.url, 'GET', '/healthz')).status, 200, `health check ${i}`);
        const keyed = [];
        for (let i = 0; i < 3; i++) keyed.push(await call(limited.url, 'GET', '/v1/suppliers', { key: api.keys.registrar }));
        assert.deepEqual(keyed.map((r) => r.status), [200, 200, 429], 'a key has its own bucket');
      } finally {
        await limited.close();
      }
    });

    test('failed authentications are limited per address; keys already seen still pass', async () => {
      const limited = await startTestServer(api.db.url, { rateLimit: { perAddress: { perSecond: 0, burst: 0 }, perKey: { perSecond: 0, burst: 0 }, failedAuth: { perSecond: 0.1, burst: 3 } } });
      try {
        assert.equal((await call(limited.url, 'GET', '/v1/suppliers', { key: api.keys.registrar })).status, 200);
        const guesses = [];
        for (let i = 0; i < 5; i++) guesses.push(await call(limited.url, 'GET', '/v1/suppliers', { key: `mpk_registrar_guess${i}` }));
        assert.deepEqual(guesses.map((r) => r.status), [401, 401, 401, 429, 429]);
        assert.equal(guesses[3].body.error.code, 'rate_limited');
        assert.ok(Number(guesses[3].headers.get('retry-after')) >= 1);
        const repeated = await call(limited.url, 'GET', '/v1/suppliers', { key: 'mpk_registrar_guess0' });
        assert.equal(repeated.status, 429, 'a guess the server remembers is limited too');
        assert.equal((await call(limited.url, 'GET', '/v1/suppliers', { key: api.keys.registrar })).status, 200, 'a key already seen is not locked out');
        assert.equal((await call(limited.url, 'GET', '/v1/suppliers', { key: api.keys.auditor })).status, 429, 'a key not seen yet waits with the address');
      } finally {
        await limited.close();
      }
    });
  });
}
