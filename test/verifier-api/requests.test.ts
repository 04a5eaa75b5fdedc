/**
 * Results bound to a service's request (issue 13 item 2), with real proofs: the request's digest is the
 * proof's context input, so a proof made for one request does not verify for another — offline and at the
 * API — and the API's mailbox (verifier-api/requests.ts, migration 7) on SQLite and PostgreSQL: a result
 * delivered for its request is certified and kept for the service, fetched with the service's key only;
 * refused with a machine-readable code for a forged or expired request, a request that asks for a
 * callback, a result answering another request (or none), and a second delivery of the same meter.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SNARK_FIELD } from '../../core/field.js';
import { isoDay } from '../../core/time.js';
import { billKind } from '../../kinds/bill/kind.js';
import { releaseCurve } from '../../prover/backend.js';
import { documentDigestOf } from '../../prover/documents.js';
import { newEd25519Key, type Ed25519KeyPair } from '../../prover/ed25519.js';
import { proveResult } from '../../prover/prove.js';
import { learnsOf, mailboxFetchHeaders, requestContext, requestDigest, RequestRefused, signRequest, type ResultRequest, type SignedRequest } from '../../prover/request.js';
import type { ResultJson } from '../../prover/result.js';
import { verifyTrusted } from '../../prover/trust.js';
import { ResultRejected, verifyResult } from '../../prover/verify.js';
import { bundleToJson } from '../../meter/bundle.js';
import { cliRunner } from '../support/cli.js';
import { certifyPeriod, syntheticReadings } from '../support/fixtures.js';
import { apiUnderTest, backends, call, startTestServer } from './harness.js';
import { cachedFixture, CIRCUIT, clone, DAY, START_DAY, world, type World } from './support.js';

after(releaseCurve);
const w: World = await world();
const METER = 'MTR-R1';
/** The URL the mailbox's API is configured with (`api serve --public-url`): as behind a proxy, the tests reach it at 127.0.0.1. */
const PUBLIC_URL = 'https://api.example.org';

function askFor(key: Ed25519KeyPair, deliver: ResultRequest['deliver'], over: Partial<ResultRequest> = {}): ResultRequest {
  return {
    format: 'meterproof-request/1',
    service: { name: 'Bill Check Ltd', url: 'https://billcheck.example', publicKey: key.publicKey },
    kind: 'bill',
    documents: { tariff: { digest: documentDigestOf(w.tariffs.acme) }, valueOfEnergy: { digest: documentDigestOf(w.value) } },
    period: { start: DAY, days: 1 },
    purpose: 'to check your bill',
    learns: learnsOf(billKind),
    deliver,
    issued: '2025-01-01T00:00:00Z',
    expires: '2099-01-01T00:00:00Z',
    nonce: 'request-one-0123456789',
    ...over,
  };
}

interface Fixture {
  key: Ed25519KeyPair;
  publicKey: [string, string];
  /** asks for mailbox delivery */
  mailbox: SignedRequest;
  /** the same, another nonce */
  other: SignedRequest;
  /** asks for a callback */
  callback: SignedRequest;
  /** answers `mailbox` */
  answer: ResultJson;
  /** answers no request */
  plain: ResultJson;
}

const f: Fixture = await cachedFixture('requests-v2', [CIRCUIT], async () => {
  const key = await newEd25519Key();
  const p = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 41), meterId: METER });
  const mailbox = await signRequest(askFor(key, { mailbox: PUBLIC_URL }), key.privateKey);
  const fields = { tariff: w.tariffs.acme, valueOfEnergy: w.value };
  return {
    key,
    publicKey: [p.key.publicKey[0].toString(), p.key.publicKey[1].toString()],
    mailbox,
    other: await signRequest(askFor(key, { mailbox: PUBLIC_URL }, { nonce: 'request-two-0123456789' }), key.privateKey),
    callback: await signRequest(askFor(key, { callback: 'https://billcheck.example/answers' }, { nonce: 'request-cb-0123456789' }), key.privateKey),
    answer: await proveResult({ kind: 'bill', bundle: p.bundle, fields, request: requestDigest(mailbox.request) }),
    plain: await proveResult({ kind: 'bill', bundle: p.bundle, fields }),
  };
});
const digestOf = (s: SignedRequest) => requestDigest(s.request);

/** The answer presented for the other request: statement only, or statement and public signal both. */
function presentedFor(other: SignedRequest, o: { signal: boolean }): ResultJson {
  const r = clone(f.answer);
  r.statement.request = digestOf(other);
  if (o.signal) {
    const i = billKind.layout.filter((s) => s.output).length + 3; // meterId, Ax, Ay, then context
    assert.equal(r.publicSignals[i], requestContext(digestOf(f.mailbox)).toString(), 'the context input carries the request digest');
    r.publicSignals[i] = requestContext(digestOf(other)).toString();
  }
  return r;
}

describe('a proof is bound to the request it answers (offline)', () => {
  test('the answer verifies, names its request, and checks as its answer', async () => {
    const v = await verifyResult(f.answer);
    assert.equal(v.result.statement.request, digestOf(f.mailbox));
    assert.equal(v.statement.context, requestContext(digestOf(f.mailbox)));
    const t = await verifyTrusted(f.answer, { request: f.mailbox });
    assert.equal(t.trust.answers?.digest, digestOf(f.mailbox));
    await assert.rejects(verifyTrusted(f.answer, { request: f.other }), (e) => e instanceof RequestRefused && e.code === 'request_mismatch');
    await assert.rejects(verifyTrusted(f.plain, { request: f.mailbox }), (e) => e instanceof RequestRefused && /answers no request/.test(e.message));
    // a result received after the request expired is not its answer
    await assert.rejects(verifyTrusted(f.answer, { request: f.mailbox, receivedAt: Date.parse('2099-01-01T00:00:00Z') }), (e) => e instanceof RequestRefused && e.code === 'request_expired');
  });
  test('relabelled for another request: the statement no longer matches the proof', async () => {
    await assert.rejects(verifyResult(presentedFor(f.other, { signal: false })), (e) => e instanceof ResultRejected && e.code === 'statement_mismatch' && /context/.test(e.message));
  });
  test("relabelled with the other request's context as the public input: the pairing fails", async () => {
    await assert.rejects(verifyResult(presentedFor(f.other, { signal: true })), (e) => e instanceof ResultRejected && e.code === 'proof_invalid');
  });
  test('a result of no request carries context 0', () => {
    const i = billKind.layout.filter((s) => s.output).length + 3;
    assert.equal(f.plain.publicSignals[i], '0');
    assert.ok(requestContext(digestOf(f.mailbox)) < SNARK_FIELD);
  });
});

describe('meterproof prove --request and verify --request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterproof-request-'));
  const file = (name: string, value: unknown) => (writeFileSync(join(dir, name), JSON.stringify(value)), join(dir, name));
  const { ok, fails } = cliRunner(dir);

  test('verify says which request a result answers, and refuses it as the answer to another or after expiry', async () => {
    const answer = file('answer.json', f.answer);
    const asked = file('asked.json', f.mailbox);
    assert.match(await ok('verify', answer), new RegExp(`answers request ${digestOf(f.mailbox)} \\(which service asked is not checked`));
    assert.match(await ok('verify', answer, '--request', asked), new RegExp(`answers request ${digestOf(f.mailbox)} of Bill Check Ltd \\(ed25519:${f.key.publicKey}\\)`));
    await fails(/REQUEST REFUSED \(request_mismatch\): the result answers request [0-9a-f]{16}…, not this request/, 'verify', answer, '--request', file('other.json', f.other));
    await fails(/REQUEST REFUSED \(request_expired\)/, 'verify', answer, '--request', asked, '--received-at', '2099-02-01T00:00:00Z');
    await fails(/--received-at takes an ISO 8601 instant/, 'verify', answer, '--request', asked, '--received-at', 'tomorrow');
  });

  test('prove binds the request: checked first (period, documents), then proved with its digest', async () => {
    const p = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 42), meterId: 'MTR-R2' });
    const args = ['prove', 'bill', '--bundle', file('bundle.json', bundleToJson(p.bundle)), '--tariff', file('tariff.json', w.tariffs.acme), '--value', file('value.json', w.value), '--out', join(dir, 'r2.json')];
    const nextDay = await signRequest(askFor(f.key, { mailbox: PUBLIC_URL }, { nonce: 'request-day2-0123456789', period: { start: isoDay(START_DAY + 1), days: 1 } }), f.key.privateKey);
    await fails(/request .*asks about .* these readings cover/, ...args, '--request', file('next.json', nextDay));
    await fails(/not the [0-9a-f]{16}… the request names/, ...args.slice(0, 5), file('tariff2.json', w.tariffs.bolt), ...args.slice(6), '--request', file('asked.json', f.mailbox));
    assert.match(await ok(...args, '--request', file('asked.json', f.mailbox)), new RegExp(`answering request ${digestOf(f.mailbox)} of Bill Check Ltd`));
    const proved = JSON.parse(readFileSync(join(dir, 'r2.json'), 'utf8')) as ResultJson;
    assert.equal(proved.statement.request, digestOf(f.mailbox));
    assert.match(await ok('verify', join(dir, 'r2.json'), '--request', join(dir, 'asked.json')), /answers request/);
  });

  test('the request from its URL or a household page link; other URLs refused with one line', async () => {
    const served: Record<string, [number, string]> = { '/asked.json': [200, JSON.stringify(f.mailbox)], '/next.json': [200, ''], '/page.html': [200, '<html></html>'] };
    const site = createServer((req, res) => {
      const [status, body] = served[req.url ?? ''] ?? [404, ''];
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    try {
      const answer = file('answer.json', f.answer);
      const answers = new RegExp(`answers request ${digestOf(f.mailbox)} of Bill Check Ltd`);
      assert.match(await ok('verify', answer, '--request', `${origin}/asked.json`), answers);
      // the page's link: the request's URL, or the request itself as base64url JSON
      assert.match(await ok('verify', answer, '--request', `https://api.example.org/?request=${encodeURIComponent(`${origin}/asked.json`)}`), answers);
      assert.match(await ok('verify', answer, '--request', `https://api.example.org/?request=${Buffer.from(JSON.stringify(f.mailbox)).toString('base64url')}`), answers);

      await fails(/refused to fetch the request from http:\/\/billcheck\.example\/asked\.json: a request's URL is https \(http only to this machine\)/, 'verify', answer, '--request', 'http://billcheck.example/asked.json');
      await fails(new RegExp(`cannot fetch the request from ${origin}/missing.json: the server answered 404`), 'verify', answer, '--request', `${origin}/missing.json`);
      await fails(new RegExp(`the request at ${origin}/page.html is not JSON`), 'verify', answer, '--request', `${origin}/page.html`);
      await fails(/cannot fetch the request from http:\/\/127\.0\.0\.1:1\/asked\.json: /, 'verify', answer, '--request', 'http://127.0.0.1:1/asked.json');
      await fails(/carries no readable request/, 'verify', answer, '--request', 'https://api.example.org/?request=bm90IGpzb24');

      // prove reads it the same way, and checks it before proving
      const nextDay = await signRequest(askFor(f.key, { mailbox: PUBLIC_URL }, { nonce: 'request-day2-0123456789', period: { start: isoDay(START_DAY + 1), days: 1 } }), f.key.privateKey);
      served['/next.json'] = [200, JSON.stringify(nextDay)];
      await fails(/request .*asks about .* these readings cover/, 'prove', 'bill', '--bundle', join(dir, 'bundle.json'), '--tariff', join(dir, 'tariff.json'), '--value', join(dir, 'value.json'), '--out', join(dir, 'r3.json'), '--request', `${origin}/next.json`);
    } finally {
      site.close();
    }
  });
});

for (const backend of await backends()) {
  describe(`request mailbox on ${backend.name}`, { skip: backend.skip }, () => {
    const api = apiUnderTest(backend.name, { serve: { circuits: [CIRCUIT], publicUrl: PUBLIC_URL }, world: w });
    const deliver = (request: unknown, result: unknown) => call(api.base, 'POST', '/v1/requests/deliveries', { body: { request, result } });
    const code = (r: { body: any }) => r.body?.error?.code;

    before(async () => {
      assert.equal((await call(api.base, 'POST', '/v1/meters', { key: api.keys.registrar, body: { id: METER, supplierId: 'acme', substationId: 'sub-1', publicKey: f.publicKey, validFrom: '2024-01-01' } })).status, 201);
      assert.equal((await call(api.base, 'POST', '/v1/tariffs', { key: api.keys.acme, body: { tariff: w.tariffs.acme, meters: [METER], from: DAY, to: isoDay(START_DAY + 1) } })).status, 201);
    });

    test('refused before any proof is checked: malformed, forged, expired, asking for a callback', async () => {
      assert.equal(code(await deliver({ request: f.mailbox.request }, f.answer)), 'request_malformed');
      const forged = { ...f.mailbox, request: { ...f.mailbox.request, purpose: 'something else' } };
      const r = await deliver(forged, f.answer);
      assert.equal(r.status, 422);
      assert.equal(code(r), 'request_bad_signature');
      const expired = await signRequest(askFor(f.key, { mailbox: PUBLIC_URL }, { nonce: 'request-old-0123456789', expires: '2025-01-02T00:00:00Z' }), f.key.privateKey);
      assert.equal(code(await deliver(expired, f.answer)), 'request_expired');
      assert.equal(code(await deliver(f.callback, f.answer)), 'request_not_for_mailbox');
      assert.equal(code(await deliver(f.mailbox, { format: 'meterproof-result/1' })), 'malformed');
    });

    test("a request for another API's mailbox is refused before its result is checked", async () => {
      const elsewhere = await signRequest(askFor(f.key, { mailbox: 'https://api.other-operator.example' }, { nonce: 'request-away-0123456789' }), f.key.privateKey);
      const r = await deliver(elsewhere, f.answer);
      assert.equal(r.status, 422);
      assert.equal(code(r), 'request_other_mailbox');
      assert.match(r.body.error.message, /mailbox of the API at https:\/\/api\.other-operator\.example, not this one \(https:\/\/api\.example\.org\)/);
      // the origin is the API's, whatever path a request writes after it
      assert.equal(code(await deliver(await signRequest(askFor(f.key, { mailbox: `${PUBLIC_URL}/` }, { nonce: 'request-slash-0123456789' }), f.key.privateKey), f.answer)), 'request_mismatch');

      // without --public-url the API is the origin a delivery is sent to
      const direct = await startTestServer(api.db.url, { circuits: [CIRCUIT] });
      try {
        const at = (mailbox: string) => signRequest(askFor(f.key, { mailbox }, { nonce: 'request-direct-0123456789' }), f.key.privateKey);
        const sent = (request: unknown) => call(direct.url, 'POST', '/v1/requests/deliveries', { body: { request, result: f.answer } });
        assert.equal(code(await sent(f.mailbox)), 'request_other_mailbox');
        // this API's own origin passes, and the result is then checked as the request's answer (it answers another)
        assert.equal(code(await sent(await at(direct.url))), 'request_mismatch');
      } finally {
        await direct.close();
      }
    });

    test('a result for another request, or for none, is refused', async () => {
      const other = await deliver(f.other, f.answer);
      assert.equal(other.status, 422);
      assert.equal(code(other), 'request_mismatch');
      assert.equal(code(await deliver(f.mailbox, f.plain)), 'request_mismatch');
      // relabelled to answer the other request: the certification refuses the proof
      assert.equal(code(await deliver(f.other, presentedFor(f.other, { signal: false }))), 'statement_mismatch');
      assert.equal(code(await deliver(f.other, presentedFor(f.other, { signal: true }))), 'proof_invalid');
    });

    test('delivered once per request and meter, certified, fetched by the service with its key only', async () => {
      const first = await deliver(f.mailbox, f.answer);
      assert.equal(first.status, 201, first.text);
      assert.equal(first.body.request, digestOf(f.mailbox));
      assert.equal(first.body.meterId, METER);
      const again = await deliver(f.mailbox, f.answer);
      assert.equal(again.status, 409);
      assert.equal(code(again), 'already_delivered');
      assert.equal(again.body.error.existingId, first.body.resultId);
      // the same meter's result of no request is another statement: certified beside it
      assert.equal((await call(api.base, 'POST', '/v1/results', { body: f.plain })).status, 201);

      const digest = digestOf(f.mailbox);
      const fetched = await call(api.base, 'GET', `/v1/requests/${digest}/deliveries`, { headers: await mailboxFetchHeaders(f.key, digest) });
      assert.equal(fetched.status, 200, fetched.text);
      assert.equal(fetched.body.deliveries.length, 1);
      const delivered = fetched.body.deliveries[0];
      assert.equal(delivered.resultId, first.body.resultId);
      // what the service gets is the proof itself: it checks it, as the answer to its request
      const v = await verifyTrusted(delivered.result, { request: f.mailbox, receivedAt: Date.parse(delivered.deliveredAt), documents: [(d) => [w.tariffs.acme, w.value].find((x) => documentDigestOf(x) === d)] });
      assert.deepEqual(v.result.outputs, f.answer.outputs);

      // another key sees nothing; a bad or stale signature is refused
      const stranger = await newEd25519Key();
      const none = await call(api.base, 'GET', `/v1/requests/${digest}/deliveries`, { headers: await mailboxFetchHeaders(stranger, digest) });
      assert.deepEqual(none.body.deliveries, []);
      const forged = { ...(await mailboxFetchHeaders(stranger, digest)), 'x-meterproof-key': f.key.publicKey };
      assert.equal(code(await call(api.base, 'GET', `/v1/requests/${digest}/deliveries`, { headers: forged })), 'mailbox_unauthenticated');
      const stale = await mailboxFetchHeaders(f.key, digest, new Date(Date.now() - 10 * 60_000).toISOString());
      const r = await call(api.base, 'GET', `/v1/requests/${digest}/deliveries`, { headers: stale });
      assert.equal(r.status, 401);
      assert.equal(code(r), 'mailbox_unauthenticated');
      assert.equal(code(await call(api.base, 'GET', `/v1/requests/${digest}/deliveries`)), 'mailbox_unauthenticated');
    });
  });
}
