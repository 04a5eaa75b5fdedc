/**
 * A quarter in the household page (issue #14): a meter whose readings are stored as the quarter
 * 2025-07-01..09-30 and as its first two months. A device reporting too little memory is refused before
 * anything starts, with the reason sized by the prover the page's worker will use (the WebAssembly core, or
 * snarkjs at ?prover=snarkjs) and the stored months offered instead; nothing is proved or sent. A device
 * reporting 1 GB proves the whole quarter with the WebAssembly core (billing_92d), certified by the API and
 * equal to the bill computed here. Device memory is what the page reads from navigator.deviceMemory, set
 * here before the page loads. Needs billing_92d's keys (`npm test` builds them: kinds/registry.ts testCircuits).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { computeBill } from '../../kinds/bill/reference.js';
import { billingStatement } from '../../kinds/bill/statement.js';
import { dayOf, isoDay } from '../../core/time.js';
import { assembleBundle, type Bundle } from '../../meter/bundle.js';
import type { KdfParams, UserKeyRecord } from '../../meter/encryption/index.js';
import { WASM_CORE_DIR, WASM_FILES } from '../../native/build-wasm.mjs';
import { releaseCurve } from '../../prover/backend.js';
import { provisionHousehold } from '../../scripts/household-provision.js';
import { parseTariff } from '../../tariff/index.js';
import { chromiumMissing, launchBrowser, openReadings, proveAndSend, type Browser } from '../../web/browser.js';
import { buildWeb } from '../../web/build.js';
import { certifyPeriod, flatTariff, syntheticReadings } from '../support/fixtures.js';
import { apiUnderTest, call } from '../verifier-api/harness.js';
import { recordRequests } from './support.js';

after(releaseCurve);

const FAST: KdfParams = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const tariff = flatTariff(24_500, 45_000, 'acme-flat-quarter');
const value = { ...flatTariff(7_000, 0, 'grid-voe-quarter'), kind: 'value-of-energy' };
const START = dayOf('2025-07-01');
const METER = 'MTR-QUARTER';

const chromium = chromiumMissing();
if (chromium && process.env.CI) throw new Error(`${chromium}: the browser tests cannot be skipped under CI (.ci/run installs it)`);
const coreBuilt = () => Object.values(WASM_FILES).flat().every((f) => existsSync(join(WASM_CORE_DIR, f)));

describe('a quarter in the household page', { skip: chromium ?? false }, () => {
  let browser: Browser;
  // registered first: the browser closes while the server is still up
  after(() => browser?.close());
  const api = apiUnderTest('sqlite', { serve: { circuits: ['billing_92d'] } });
  let quarter: Bundle;
  let userKey: string;

  before(async () => {
    await buildWeb();
    if (!coreBuilt() && process.env.CI) throw new Error('the WebAssembly prover is not built (node native/build-wasm.mjs --strict says why): CI must test it');
    const { key, records, bundle } = await certifyPeriod({ startDay: START, readings: syntheticReadings(92, 71), meterId: METER });
    quarter = bundle;
    const provision = (b: Bundle, first?: UserKeyRecord) =>
      provisionHousehold({ api: api.base, keys: { registrar: api.keys.registrar, supplier: api.keys.acme, grid: api.keys.grid }, supplierId: 'acme', bundle: b, tariff, valueOfEnergy: value, userKey: first, kdf: FAST });
    const { userKey: record } = await provision(bundle);
    userKey = record.key;
    // the months stored inside the quarter, sealed under the same key: the offer when the quarter is refused
    for (const start of [START, START + 31]) await provision(assembleBundle(METER, key.publicKey, records, start, 31), record);
    browser = await launchBrowser();
  });

  /** The page as a device reporting `memoryGB` sees it, with the quarter's readings open. */
  async function quarterPage(memoryGB: number, query = ''): Promise<Page> {
    const p = await browser.context.newPage();
    p.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
    // as text: tsx would name the getter with a helper the page does not have, and the script would not run
    await p.addInitScript({ content: `Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => ${memoryGB} })` });
    await p.goto(`${api.base}/${query}`);
    assert.equal(await p.evaluate(() => (navigator as { deviceMemory?: number }).deviceMemory), memoryGB);
    await openReadings(p, METER, userKey);
    const option = await p.$$eval('#period option', (os) => (os as HTMLOptionElement[]).find((o) => o.textContent?.includes('(92 days)'))?.value);
    assert.ok(option, 'the quarter is in the period list');
    await p.selectOption('#period', option);
    await p.waitForFunction(() => !(document.querySelector('#prove') as HTMLButtonElement).disabled, null, { timeout: 60_000 });
    return p;
  }

  for (const [query, prover] of [
    ['', /needs about/],
    ['?prover=snarkjs', /with snarkjs \(the WebAssembly prover, which needs less, is not used on this page\) needs about/],
  ] as const) {
    test(`${query || 'the WebAssembly prover'}: a device reporting 0.25 GB is refused before anything starts, the stored months offered`, async () => {
      const { requests, stop } = recordRequests(browser.context);
      const p = await quarterPage(0.25, query);
      await p.click('#prove');
      await p.waitForSelector('#prove-message:not([hidden])');
      stop();
      const said = (await p.textContent('#prove-message')) ?? '';
      assert.match(said, /^Proving 92 days at once /);
      assert.match(said, prover);
      assert.match(said, /\d\.\d GB of memory in this browser, and this device reports 0\.25 GB: the tab could be stopped half-way\. Nothing was started\. /);
      assert.match(said, /Prove the shorter periods inside it instead: choose 2025-07-01 \(31 days\), 2025-08-01 \(31 days\) in the period list\.$/);
      assert.equal(await p.isVisible('#receipt'), false);
      assert.deepEqual(requests.filter((r) => r.method === 'POST').map((r) => r.url), [], 'nothing was sent');
      await p.close();
    });
  }

  test('a device reporting 1 GB proves the quarter with the WebAssembly core, certified by the API', async () => {
    // without the core (a local run without emscripten) snarkjs proves, which is sized for 2 GB
    const p = await quarterPage(coreBuilt() ? 1 : 2);
    const { resultId, timings } = await proveAndSend(p, 300_000);
    if (coreBuilt()) assert.match(timings.prover, /^WebAssembly prover/);
    const r = await call(api.base, 'GET', `/v1/results/${resultId}`, { key: api.keys.auditor });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.circuit, 'billing_92d');
    assert.deepEqual(r.body.period, { start: isoDay(START), days: 92 });
    const s = billingStatement({ meterId: METER, publicKey: quarter.publicKey, startDay: START, days: 92, tariff: parseTariff(tariff), valueOfEnergy: parseTariff(value) });
    const expected = computeBill(quarter.readingsWh, s.prices, s.values, s.standingCharge);
    assert.deepEqual(r.body.outputs, { bill: String(expected.bill), settlement: String(expected.settlement), consumption: String(expected.consumption) });
    await p.close();
  });
});
