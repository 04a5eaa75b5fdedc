/**
 * A service's request in a real browser (issue 13 items 2 and 6): the example comparison service
 * (scripts/example-service.ts, its own port) signs a tariff-comparison request; the household page opens
 * its link, shows who asks, what they learn and what stays home, proves in Chromium with the request's
 * digest as context and delivers — to the service's callback, or to the API's mailbox the service
 * collects from — and the service verifies the answer with the library (`meterproof/verify`) pinned to the
 * operator's trust snapshot. No request of the page carries a reading or the key, and the only other
 * origin it talks to is the service's. Refused with a clear message, nothing proved or sent: a forged
 * request, an expired one, one whose documents do not match their digests, one with an http callback; the
 * service refuses a result delivered for another request.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../core/paths.js';
import { compareStatement, parseTariffSet } from '../../kinds/compare/circuit.js';
import { compareTariffs } from '../../kinds/compare/reference.js';
import { exampleDocument } from '../../kinds/examples.js';
import { getCircuit } from '../../kinds/registry.js';
import { type KdfParams } from '../../meter/encryption/index.js';
import { releaseCurve } from '../../prover/backend.js';
import { newEd25519Key, signDocument } from '../../prover/ed25519.js';
import { requestDigest, signRequest, type SignedRequest } from '../../prover/request.js';
import type { ResultJson } from '../../prover/result.js';
import { provisionHousehold } from '../../scripts/household-provision.js';
import type { ExampleService } from '../../scripts/example-service.js';
import { chromiumMissing, launchBrowser, openReadings, proveAndSend, type Browser } from '../../web/browser.js';
import { buildWeb } from '../../web/build.js';
import { certifyPeriod, dynamicDocument, flatTariff, syntheticPrices, syntheticReadings, type CertifiedPeriod } from '../support/fixtures.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { apiUnderTest, call } from '../verifier-api/harness.js';
import { DAY, START_DAY } from '../verifier-api/support.js';
import { leaks, recordRequests, type Recorded } from './support.js';

after(releaseCurve);

const missing = chromiumMissing();
if (missing && process.env.CI) throw new Error(`${missing}: the browser tests cannot be skipped under CI (.ci/run installs it)`);
if (missing) console.error(`\n!!!!! ${missing}: THE BROWSER TESTS ARE SKIPPED !!!!!\n`);

const FAST: KdfParams = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const tariff = flatTariff(24_500, 45_000, 'acme-flat-request');
const value = dynamicDocument(START_DAY, syntheticPrices(SLOTS_PER_DAY, 9), 'value-of-energy', 0, 'grid-voe-request');
const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

describe('a service request in Chromium', { skip: missing ?? false }, () => {
  let browser: Browser;
  let service: ExampleService;
  // registered first: the browser and the service close while the server is still up
  after(async () => {
    await browser?.close();
    await service?.close();
  });
  const api = apiUnderTest('sqlite', { serve: { circuits: ['compare_1d'] } });
  const households: Record<string, { period: CertifiedPeriod; key: string }> = {};

  before(async () => {
    // the service imports the library as a package does: its compiled form (npm run build; type errors
    // elsewhere in a working copy do not stop tsc from emitting it)
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'ignore' });
    execFileSync(process.execPath, ['scripts/build-dist.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
    await buildWeb();
    for (const [meterId, seed] of [
      ['MTR-RQ1', 51],
      ['MTR-RQ2', 52],
    ] as const) {
      const period = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, seed), meterId });
      const { userKey } = await provisionHousehold({ api: api.server.url, keys: { registrar: api.keys.registrar, supplier: api.keys.acme, grid: api.keys.grid }, supplierId: 'acme', bundle: period.bundle, tariff, valueOfEnergy: value, kdf: FAST });
      households[meterId] = { period, key: userKey.key };
    }
    const { startExampleService } = await import('../../scripts/example-service.js');
    service = await startExampleService({ api: api.server.url, apiKey: api.keys.service });
    browser = await launchBrowser();
  });

  async function page(url: string): Promise<Page> {
    const p = await browser.context.newPage();
    p.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
    await p.goto(url);
    return p;
  }

  const ask = async (deliver: 'callback' | 'mailbox', minutes = 60) => {
    const r = await call(service.url, 'POST', '/requests', { body: { start: DAY, days: 1, deliver, minutes } });
    assert.equal(r.status, 201, r.text);
    return r.body as { id: string; digest: string; link: string; request: SignedRequest };
  };

  /** The comparison computed here from the household's readings, for the household's current tariff 0. */
  function expected(meterId: string) {
    const set = parseTariffSet(exampleDocument('tariff-set'));
    const s = compareStatement({ meterId, publicKey: households[meterId].period.bundle.publicKey, startDay: START_DAY, days: 1 }, set, 0, getCircuit('compare_1d'));
    const out = compareTariffs(households[meterId].period.bundle.readingsWh, s.tariffs, 0);
    return { cheapest: out.cheapest, saving: String(out.saving) };
  }

  /** Other origins the page talked to: only the service, for its request and the answer. */
  const otherOrigins = (requests: Recorded[]) => requests.filter((r) => !r.url.startsWith(api.server.url) && !r.url.startsWith(`blob:${api.server.url}`));

  test('callback: the page shows the request, proves the comparison in the browser, the service verifies the answer', async () => {
    const q = await ask('callback');
    const { period, key } = households['MTR-RQ1'];
    const { requests, stop } = recordRequests(browser.context);
    try {
      const p = await page(q.link);
      await p.waitForSelector('#request-fields');
      const card = (await p.textContent('#request-card')) ?? '';
      assert.match(card, /Switch & Save.*asks for a certified result/);
      assert.match(card, /They will learnwhich tariff of the published set would have been cheapest/);
      assert.match(card, /Stays on this deviceyour bill, your readings/);
      assert.match(card, /Your result goes tohttp:\/\/127\.0\.0\.1:\d+\/answers\/q\d+Valid until\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}/);
      await openReadings(p, 'MTR-RQ1', key);
      assert.equal(await p.inputValue('#kind'), 'compare');
      await proveAndSend(p);
      assert.match((await p.textContent('#receipt')) ?? '', /Result certified/);
      await p.close();
    } finally {
      stop();
    }
    const answers = (await call(service.url, 'GET', `/requests/${q.id}/answers`)).body.answers;
    assert.equal(answers.length, 1, JSON.stringify(answers));
    assert.equal(answers[0].verdict, 'verified', answers[0].message);
    assert.deepEqual({ cheapest: answers[0].cheapest, saving: answers[0].saving }, expected('MTR-RQ1'));
    // the service's own page shows the verified answer
    assert.match((await call(service.url, 'GET', '/')).text, /would have been cheapest.*\(verified\)/);

    // nothing but the result leaves: no reading, no key; the only other origin is the service's
    const others = otherOrigins(requests).map((r) => `${r.method} ${r.url}`);
    for (const r of others) assert.ok([`GET ${service.url}/requests/${q.id}`, `POST ${service.url}/answers/${q.id}`].includes(r), `the page talked to ${r}`);
    assert.ok(others.includes(`POST ${service.url}/answers/${q.id}`), 'the answer went to the callback');
    assert.deepEqual(leaks(requests, new URL(api.server.url).origin, period.bundle.readingsWh, key).filter((l) => !l.startsWith('request to another origin')), []);
    assert.ok(!requests.some((r) => r.method === 'POST' && r.url.startsWith(api.server.url)), 'nothing was sent to the API');

    // the same result delivered for another request is refused by the service
    const post = requests.find((r) => r.method === 'POST' && r.url.endsWith(`/answers/${q.id}`))!;
    const sent: ResultJson = JSON.parse(post.text.slice(post.text.indexOf('\n', post.text.indexOf('\n') + 1) + 1));
    assert.equal(sent.statement.request, q.digest);
    const q2 = await ask('callback');
    const replay = await call(service.url, 'POST', `/answers/${q2.id}`, { body: sent });
    assert.equal(replay.status, 422);
    assert.equal(replay.body.error.code, 'request_mismatch');
  });

  test('mailbox: the page delivers to the API, which certifies it; the service collects and verifies it', async () => {
    const q = await ask('mailbox');
    const { key } = households['MTR-RQ2'];
    const p = await page(q.link);
    await p.waitForSelector('#request-fields');
    assert.match((await p.textContent('#request-card')) ?? '', /the mailbox of this service/);
    await openReadings(p, 'MTR-RQ2', key);
    const { resultId } = await proveAndSend(p);
    assert.match(resultId, /^res_/);
    await p.close();
    const collected = await call(service.url, 'POST', `/requests/${q.id}/collect`);
    assert.equal(collected.status, 200, collected.text);
    assert.equal(collected.body.answers.length, 1);
    assert.equal(collected.body.answers[0].verdict, 'verified', collected.body.answers[0].message);
    assert.deepEqual({ cheapest: collected.body.answers[0].cheapest, saving: collected.body.answers[0].saving }, expected('MTR-RQ2'));
  });

  /** Opens a request link, expects the refusal, and checks nothing was proved or sent. */
  async function refused(link: string, message: RegExp, prepare?: (p: Page) => Promise<void>) {
    const { requests, stop } = recordRequests(browser.context);
    try {
      const p = await browser.context.newPage();
      p.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
      await prepare?.(p);
      await p.goto(link);
      await p.waitForSelector('#request-refused');
      assert.match((await p.textContent('#request-refused')) ?? '', message);
      assert.match((await p.textContent('#request-refused')) ?? '', /Nothing will be proved or sent for it/);
      assert.equal(await p.isVisible('#request-fields'), false);
      await p.close();
    } finally {
      stop();
    }
    assert.deepEqual(
      requests.filter((r) => r.method !== 'GET'),
      [],
      'nothing was sent',
    );
    assert.ok(!requests.some((r) => r.url.includes('/artifacts/')), 'no proving files were fetched');
  }

  test('refused: forged, expired, documents not matching their digests, an http callback', async () => {
    const q = await ask('callback');
    const at = (signed: unknown) => `${api.server.url}/?request=${base64url(signed)}`;
    // forged: the purpose changed after signing
    await refused(at({ ...q.request, request: { ...q.request.request, purpose: 'nothing to worry about' } }), /not signed by the service it names/);
    // expired: signed by a service whose request ran out
    const key = await newEd25519Key();
    const old = await signRequest({ ...q.request.request, service: { ...q.request.request.service, publicKey: key.publicKey }, issued: '2025-01-01T00:00:00Z', expires: '2025-02-01T00:00:00Z' }, key.privateKey);
    await refused(at(old), /The request has expired \(at 2025-02-01T00:00:00Z\)/);
    // documents: the tariff set the page fetches by digest is not the one the request names
    const digest = q.request.request.documents.tariffs.digest;
    await refused(q.link, /The documents the request names are not the published ones/, async (p) => {
      await p.route(`**/v1/documents/${digest}`, async (route) => {
        const r = await route.fetch();
        const body = await r.json();
        body.document.tariffs[0].standingChargePerDay += 1;
        await route.fulfill({ response: r, json: body });
      });
    });
    // an http callback (signed, so the page's own checks are what refuse it)
    const plain = { ...q.request.request, service: { ...q.request.request.service, publicKey: key.publicKey }, deliver: { callback: 'http://compare.example/answers' } };
    await refused(at({ request: plain, signature: { algorithm: 'Ed25519', value: await signDocument(key.privateKey, plain) } }), /insecure connection/);
    // the service never heard of any of them
    assert.equal((await call(service.url, 'GET', `/requests/${q.id}/answers`)).body.answers.length, 0);
    assert.notEqual(requestDigest(old.request), q.digest);
  });
});
