/**
 * The household page proving with the native prover's core compiled to WebAssembly (web/src/wasm-core.ts,
 * native/build-wasm.mjs): the page is cross-origin isolated (the API's COOP/COEP headers), so its worker
 * proves a 1-day bill with the threaded core (with the single-threaded one when the headers are stripped);
 * `?prover=snarkjs` proves with snarkjs in the same browser; a core whose .wasm is altered on the way is
 * refused and snarkjs proves instead, with the reason on the receipt. A core that fails mid-proof hands the
 * proof to snarkjs — unless the device reports too little memory for snarkjs: then the proof fails with
 * both reasons and nothing is sent.
 * Every result is certified by the API and equals the bill computed here from the readings.
 *
 * Needs the core built (emscripten: `apt-get install emscripten`; .ci/run installs it): without it the tests
 * skip locally and fail under CI.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { computeBill } from '../../kinds/bill/reference.js';
import { billingStatement } from '../../kinds/bill/statement.js';
import { WEB_BUILD_DIR } from '../../core/paths.js';
import { isoDay, SLOTS_PER_DAY } from '../../core/time.js';
import type { KdfParams } from '../../meter/encryption/index.js';
import { WASM_CORE_DIR, WASM_FILES } from '../../native/build-wasm.mjs';
import { releaseCurve } from '../../prover/backend.js';
import { provisionHousehold } from '../../scripts/household-provision.js';
import { parseTariff } from '../../tariff/index.js';
import { chromiumMissing, launchBrowser, openReadings, pageMessage, proveAndSend, type Browser } from '../../web/browser.js';
import { buildWeb } from '../../web/build.js';
import { certifyPeriod, dynamicDocument, flatTariff, syntheticPrices, syntheticReadings, type CertifiedPeriod } from '../support/fixtures.js';
import { apiUnderTest, call } from '../verifier-api/harness.js';
import { START_DAY } from '../verifier-api/support.js';

after(releaseCurve);

const FAST: KdfParams = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const tariff = flatTariff(24_500, 45_000, 'acme-flat-core');
const value = dynamicDocument(START_DAY, syntheticPrices(SLOTS_PER_DAY, 5), 'value-of-energy', 0, 'grid-voe-core');

const chromium = chromiumMissing();
const coreBuilt = () => Object.values(WASM_FILES).flat().every((f) => existsSync(join(WASM_CORE_DIR, f)));

describe('household page with the WebAssembly prover', { skip: chromium ?? false }, () => {
  let browser: Browser;
  // registered first: the browser closes while the server is still up
  after(() => browser?.close());
  const api = apiUnderTest('sqlite', { serve: { circuits: ['billing_1d'] } });
  const households: Record<string, { period: CertifiedPeriod; key: string }> = {};

  before(async () => {
    await buildWeb(); // builds the core first when emcc is there
    if (!coreBuilt()) {
      if (process.env.CI) throw new Error('the WebAssembly prover is not built (node native/build-wasm.mjs --strict says why): CI must test it');
      console.error('\n!!!!! the WebAssembly prover is not built (no emscripten): only the fallback is tested !!!!!\n');
    }
    for (const [i, meterId] of ['MTR-CORE', 'MTR-SINGLE', 'MTR-SNARKJS', 'MTR-CORRUPT', 'MTR-FAILS', 'MTR-SMALL'].entries()) {
      const period = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 60 + i), meterId });
      const { userKey } = await provisionHousehold({ api: api.server.url, keys: { registrar: api.keys.registrar, supplier: api.keys.acme, grid: api.keys.grid }, supplierId: 'acme', bundle: period.bundle, tariff, valueOfEnergy: value, kdf: FAST });
      households[meterId] = { period, key: userKey.key };
    }
    browser = await launchBrowser();
  });

  async function page(query = ''): Promise<Page> {
    const p = await browser.context.newPage();
    p.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
    await p.goto(`${api.server.url}/${query}`);
    return p;
  }

  /** Proves the household's day on `p`; returns the receipt's prover line after checking the API's result. */
  async function proveDay(p: Page, meterId: string): Promise<string> {
    await openReadings(p, meterId, households[meterId].key);
    assert.equal(await pageMessage(p), null);
    const { resultId, timings } = await proveAndSend(p, 300_000);
    const r = await call(api.server.url, 'GET', `/v1/results/${resultId}`, { key: api.keys.auditor });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.period, { start: isoDay(START_DAY), days: 1 });
    const { bundle } = households[meterId].period;
    const s = billingStatement({ meterId, publicKey: bundle.publicKey, startDay: START_DAY, days: 1, tariff: parseTariff(tariff), valueOfEnergy: parseTariff(value) });
    const expected = computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge);
    assert.deepEqual(r.body.outputs, { bill: String(expected.bill), settlement: String(expected.settlement), consumption: String(expected.consumption) });
    assert.match((await p.textContent('#timings')) ?? '', new RegExp(`Make the proof[\\d.]+ s \\(${timings.prover.replace(/[()]/g, '\\$&').slice(0, 40)}`));
    return timings.prover;
  }

  test('the page and its worker are cross-origin isolated (COOP/COEP from the API)', async () => {
    const p = await page();
    assert.equal(await p.evaluate(() => self.crossOriginIsolated), true);
    // every file of the page carries the headers: a worker script without COEP would not start in it
    const files = ['/', ...readdirSync(join(WEB_BUILD_DIR, 'assets'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => `/${relative(WEB_BUILD_DIR, join(e.parentPath, e.name))}`)];
    assert.ok(files.some((f) => /prover\.worker-.*\.js$/.test(f)) && (!coreBuilt() || files.some((f) => f.endsWith('prover-mt.worker.js'))), files.join(' '));
    for (const f of files) {
      const r = await fetch(api.server.url + f);
      assert.deepEqual([r.status, r.headers.get('cross-origin-opener-policy'), r.headers.get('cross-origin-embedder-policy')], [200, 'same-origin', 'require-corp'], f);
    }
    const worker = await p.evaluate(
      () => new Promise((resolve) => {
        const w = new Worker(URL.createObjectURL(new Blob(['postMessage(self.crossOriginIsolated && typeof SharedArrayBuffer)'], { type: 'text/javascript' })));
        w.onmessage = (e) => resolve(e.data);
      }),
    );
    assert.equal(worker, 'function');
    await p.close();
  });

  test('1 day proved by the threaded WebAssembly core, certified by the API', { skip: !coreBuilt() && 'core not built' }, async () => {
    const p = await page();
    assert.match(await proveDay(p, 'MTR-CORE'), /^WebAssembly prover, [2-4] threads$/);
    await p.close();
  });

  test('a page served without the headers is not isolated: the single-threaded core proves, certified by the API', { skip: !coreBuilt() && 'core not built' }, async () => {
    const p = await browser.context.newPage();
    p.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
    await p.route(`${api.server.url}/`, async (route) => {
      const response = await route.fetch();
      const headers = Object.fromEntries(Object.entries(response.headers()).filter(([k]) => !k.startsWith('cross-origin-')));
      await route.fulfill({ response, headers });
    });
    await p.goto(`${api.server.url}/`);
    assert.equal(await p.evaluate(() => self.crossOriginIsolated), false);
    assert.equal(await proveDay(p, 'MTR-SINGLE'), 'WebAssembly prover, one thread (this page is not cross-origin isolated)');
    await p.close();
  });

  test('?prover=snarkjs: the same page proves with snarkjs, certified by the API', async () => {
    const p = await page('?prover=snarkjs');
    assert.equal(await proveDay(p, 'MTR-SNARKJS'), 'snarkjs (chosen in the page address)');
    await p.close();
  });

  test('an altered core is refused: snarkjs proves, and the receipt says why', async () => {
    const p = await browser.context.newPage();
    await p.route('**/assets/core-*/*.wasm', async (route) => {
      const body = await (await route.fetch()).body();
      body[body.length >> 1] ^= 0x40;
      await route.fulfill({ body, contentType: 'application/wasm' });
    });
    await p.goto(api.server.url);
    const prover = await proveDay(p, 'MTR-CORRUPT');
    if (coreBuilt()) assert.match(prover, /^snarkjs \(the WebAssembly prover could not be used: its WebAssembly failed its integrity check \(SHA-256 [0-9a-f]{16}…, the page was built with [0-9a-f]{16}…\)\)$/);
    else assert.equal(prover, 'snarkjs (the WebAssembly prover could not be used: this page was built without it (no emscripten on the server that built it))');
    await p.close();
  });

  /**
   * A page whose core is started normally but whose proving call throws, as a core running out of memory or
   * hitting a bug would: the core's JavaScript module is rewritten on the way (only its .wasm is hashed).
   */
  async function pageWithFailingCore(memoryGB?: number): Promise<Page> {
    const p = await browser.context.newPage();
    p.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
    if (memoryGB !== undefined) await p.addInitScript({ content: `Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => ${memoryGB} })` });
    await p.route('**/assets/core-*/*.mjs', async (route) => {
      const text = await (await route.fetch()).text();
      const exported = 'export default createProver;';
      assert.ok(text.includes(exported), 'the core module ends as emscripten writes it');
      const failing = `const failing = (o) => createProver(o).then((m) => { m._mp_prove = () => { throw new Error('injected failure mid-proof'); }; return m; }); export default failing;`;
      await route.fulfill({ body: text.replace(exported, failing), contentType: 'text/javascript' });
    });
    await p.goto(api.server.url);
    return p;
  }

  test('a core failing mid-proof hands the proof to snarkjs, certified by the API, the receipt says why', { skip: !coreBuilt() && 'core not built' }, async () => {
    const p = await pageWithFailingCore();
    assert.equal(await proveDay(p, 'MTR-FAILS'), 'snarkjs (the WebAssembly prover failed: injected failure mid-proof)');
    await p.close();
  });

  test('a core failing mid-proof on a device too small for snarkjs: the proof fails with both reasons, nothing is sent', { skip: !coreBuilt() && 'core not built' }, async () => {
    // 0.5 GB: enough for the core (capacity.ts MEASURED), not for snarkjs
    const p = await pageWithFailingCore(0.5);
    await openReadings(p, 'MTR-SMALL', households['MTR-SMALL'].key);
    await assert.rejects(
      proveAndSend(p, 300_000),
      /the page says: .*the WebAssembly prover failed: injected failure mid-proof, and snarkjs was not started instead: Proving 1 day at once with snarkjs .* needs about 0\.4 GB of memory in this browser, and this device reports 0\.5 GB/,
    );
    assert.equal(await p.isVisible('#receipt'), false);
    const stored = await call(api.server.url, 'GET', '/v1/results?meter=MTR-SMALL', { key: api.keys.auditor });
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.body.items, [], 'no result was sent');
    await p.close();
  });
});
