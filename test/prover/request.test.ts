/**
 * Certified-result requests (prover/request.ts, issue 13 item 2): a signed request opens only with its
 * service's valid signature, before its expiry, for a kind it describes in that kind's own words and with
 * that kind's documents; documents found for it must match its digests; a result answers it only when its
 * statement names its digest, kind, period and documents.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exampleDocument } from '../../kinds/examples.js';
import { compareKind } from '../../kinds/compare/kind.js';
import { documentDigestOf } from '../../prover/documents.js';
import { newEd25519Key, verifyDocument } from '../../prover/ed25519.js';
import { checkAnswer, checkRequestDocuments, isAllowedCallback, learnsOf, openRequest, requestContext, requestDigest, RequestRefused, signRequest, type ResultRequest } from '../../prover/request.js';
import type { ResultJson } from '../../prover/result.js';
import { SNARK_FIELD } from '../../core/field.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const tariffSet = exampleDocument('tariff-set');
const setDigest = documentDigestOf(tariffSet);

function request(publicKey: string, over: Partial<ResultRequest> = {}): ResultRequest {
  return {
    format: 'meterproof-request/1',
    service: { name: 'Switch & Save', url: 'https://switch.example', publicKey },
    kind: 'compare',
    documents: { tariffs: { digest: setDigest } },
    period: { start: '2026-01-01', days: 31 },
    purpose: 'to tell you whether another tariff would have been cheaper',
    learns: learnsOf(compareKind),
    deliver: { callback: 'https://switch.example/answers' },
    issued: '2026-03-01T00:00:00Z',
    expires: '2026-03-08T00:00:00Z',
    nonce: 'n0nce-0123456789abcdef',
    ...over,
  };
}

const refused = (code: string, pattern?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof RequestRefused, `expected RequestRefused, got ${e}`);
  assert.equal(e.code, code);
  if (pattern) assert.match(e.message, pattern);
  return true;
};

describe('requests', async () => {
  const key = await newEd25519Key();
  const other = await newEd25519Key();

  test('a signed request opens; its digest is the canonical form\'s sha256, its context the digest reduced into the field', async () => {
    const signed = await signRequest(request(key.publicKey), key.privateKey);
    assert.ok(await verifyDocument(key.publicKey, signed.signature.value, signed.request));
    const opened = await openRequest(JSON.parse(JSON.stringify(signed)), { now: NOW });
    assert.equal(opened.digest, requestDigest(signed.request));
    assert.match(opened.digest, /^[0-9a-f]{64}$/);
    assert.equal(opened.context, BigInt(`0x${opened.digest}`) % SNARK_FIELD);
    assert.ok(opened.context > 0n && opened.context < SNARK_FIELD);
    // key order does not change the digest; any change of content does
    const reordered = Object.fromEntries(Object.entries(signed.request).reverse()) as ResultRequest;
    assert.equal(requestDigest(reordered), opened.digest);
    assert.notEqual(requestDigest({ ...signed.request, nonce: 'n0nce-0123456789abcdeF' }), opened.digest);
    assert.equal(requestContext('0'.repeat(64)), 0n);
  });

  test('forged: altered after signing, signed by another key, or naming another key', async () => {
    const signed = await signRequest(request(key.publicKey), key.privateKey);
    await assert.rejects(openRequest({ ...signed, request: { ...signed.request, purpose: 'something else' } }, { now: NOW }), refused('request_bad_signature', /altered or not signed by that service/));
    const byOther = await signRequest(request(key.publicKey), other.privateKey);
    await assert.rejects(openRequest(byOther, { now: NOW }), refused('request_bad_signature'));
    await assert.rejects(openRequest({ ...signed, request: { ...signed.request, service: { ...signed.request.service, publicKey: other.publicKey } } }, { now: NOW }), refused('request_bad_signature'));
  });

  test('expired, or expiring before it was issued', async () => {
    const signed = await signRequest(request(key.publicKey), key.privateKey);
    await assert.rejects(openRequest(signed, { now: Date.parse('2026-03-08T00:00:00Z') }), refused('request_expired', /expired at 2026-03-08T00:00:00Z/));
    const backwards = await signRequest(request(key.publicKey, { expires: '2026-02-01T00:00:00Z' }), key.privateKey);
    await assert.rejects(openRequest(backwards, { now: NOW }), refused('request_malformed', /expires before it was issued/));
  });

  test('a callback that is not https (except localhost), a malformed request', async () => {
    for (const url of ['http://switch.example/answers', 'ftp://switch.example/x', 'https://user:pw@switch.example/x', 'javascript:alert(1)', 'http://localhost.evil.example/x']) {
      assert.equal(isAllowedCallback(url), false, url);
      await assert.rejects(signRequest(request(key.publicKey, { deliver: { callback: url } }), key.privateKey), refused('request_malformed', /deliver\.callback: expected an https URL/));
    }
    for (const url of ['https://switch.example/a', 'http://localhost:9000/a', 'http://127.0.0.1:9000/a', 'http://[::1]:9000/a']) assert.ok(isAllowedCallback(url), url);
    // a signature cannot make a bad request good: the shape is checked on opening too
    const signed = await signRequest(request(key.publicKey), key.privateKey);
    await assert.rejects(openRequest({ ...signed, request: { ...signed.request, deliver: { callback: 'http://switch.example/answers' } } }, { now: NOW }), refused('request_malformed', /deliver/));
    await assert.rejects(openRequest({ request: signed.request }, { now: NOW }), refused('request_malformed', /signature/));
  });

  test("a request must say what the kind reveals in the kind's words, with the kind's documents and fields", async () => {
    const cases: [Partial<ResultRequest>, RegExp][] = [
      [{ learns: 'only whether you could save' }, /a compare result reveals which tariff/],
      [{ kind: 'horoscope' }, /does not know/],
      [{ documents: {} }, /names no tariffs document/],
      [{ documents: { tariffs: { digest: setDigest }, tariff: { digest: setDigest } } }, /has no document tariff/],
      [{ fields: { saving: 0 } }, /has no field saving/],
    ];
    for (const [over, pattern] of cases) {
      const signed = await signRequest(request(key.publicKey, over), key.privateKey);
      await assert.rejects(openRequest(signed, { now: NOW }), refused('request_not_for_kind', pattern));
    }
  });

  test('documents found for a request must match its digests', async () => {
    const opened = await openRequest(await signRequest(request(key.publicKey), key.privateKey), { now: NOW });
    checkRequestDocuments(opened, { tariffs: tariffSet });
    const altered = { ...(tariffSet as object), name: 'a set with another name' };
    assert.throws(() => checkRequestDocuments(opened, { tariffs: altered }), refused('request_documents_mismatch', /has digest [0-9a-f]{16}…, not the [0-9a-f]{16}… the request names/));
    assert.throws(() => checkRequestDocuments(opened, {}), refused('request_documents_mismatch', /no tariffs document/));
    assert.throws(() => checkRequestDocuments(opened, { tariffs: { format: 'nonsense' } }), refused('request_documents_mismatch', /not valid/));
  });

  test('a result answers a request only with its digest, kind, period, documents and fixed fields', async () => {
    const opened = await openRequest(await signRequest(request(key.publicKey, { fields: { current: 1 } }), key.privateKey), { now: NOW });
    const answer = { kind: 'compare', statement: { meterId: 'M1', meterPublicKey: ['1', '2'], period: { start: '2026-01-01', days: 31 }, tariffs: tariffSet, current: 1, request: opened.digest } } as unknown as ResultJson;
    checkAnswer(answer, opened);
    checkAnswer({ ...answer, statement: { ...answer.statement, tariffs: { digest: setDigest } } }, opened);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ request: undefined }, /answers no request/],
      [{ request: 'f'.repeat(64) }, /answers request ffffffffffffffff…, not this request/],
      [{ period: { start: '2026-01-02', days: 31 } }, /is for 2026-01-02 \+ 31 day\(s\)/],
      [{ tariffs: { digest: '0'.repeat(64) } }, /is not the document the request names/],
      [{ current: 0 }, /fixes it to 1/],
    ];
    for (const [over, pattern] of bad) assert.throws(() => checkAnswer({ ...answer, statement: { ...answer.statement, ...over } } as ResultJson, opened), refused('request_mismatch', pattern));
    assert.throws(() => checkAnswer({ ...answer, kind: 'bill' }, opened), refused('request_mismatch', /is a bill result/));
  });
});
