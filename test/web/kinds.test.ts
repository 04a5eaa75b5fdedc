/**
 * Every result kind of the registry proven in the household page (headless Chromium) and certified by the
 * API, each on its 1-day circuit with the documents the API publishes for it: the parties publish each
 * kind's example documents (kinds/<kind>/example.ts) the way the kind's service says they are published —
 * assigned by the supplier, published under /v1/parameters by their role, or a challenge the API issues —
 * and the page finds them in the proving context. For each kind: the page offers it, says in the kind's
 * own words what the service learns and what stays at home, proves, and the API certifies the outputs the
 * kind's reference computes from the readings; the receipt shows each output in the kind's plain words;
 * no request of the page or its workers carries a reading or the key, or goes to another origin. The bill,
 * the page's default, has its own full flow in browser.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CircuitConfig } from '../../circuits/config.js';
import { BUILD_DIR } from '../../core/paths.js';
import { isoDay } from '../../core/time.js';
import type { FieldFlag, ResultKind } from '../../kinds/kind.js';
import { KINDS } from '../../kinds/registry.js';
import type { ParameterFormat, Role } from '../../kinds/service.js';
import type { KdfParams } from '../../meter/encryption/index.js';
import { releaseCurve } from '../../prover/backend.js';
import { provisionHousehold } from '../../scripts/household-provision.js';
import { chromiumMissing, launchBrowser, openReadings, pageMessage, proveAndSend, type Browser } from '../../web/browser.js';
import { buildWeb } from '../../web/build.js';
import { outputLines } from '../../web/src/words.js';
import { certifyPeriod, dynamicDocument, flatTariff, syntheticPrices, syntheticReadings, type CertifiedPeriod } from '../support/fixtures.js';
import { apiUnderTest, call } from '../verifier-api/harness.js';
import { START_DAY } from '../verifier-api/support.js';
import { leaks, recordRequests } from './support.js';

after(releaseCurve);

const missing = chromiumMissing();
if (missing && process.env.CI) throw new Error(`${missing}: the browser tests cannot be skipped under CI (.ci/run installs it)`);
if (missing) console.error(`\n!!!!! ${missing}: THE BROWSER TESTS ARE SKIPPED !!!!!\n`);

/** Weak Argon2id: the key derivation is browser.test.ts's subject, not this file's. */
const FAST: KdfParams = { memoryKiB: 64, iterations: 1, parallelism: 1 };
const DAY = isoDay(START_DAY);
const ARTIFACTS_DIR = join(BUILD_DIR, 'test-artifacts');
const value = dynamicDocument(START_DAY, syntheticPrices(48, 9), 'value-of-energy', 0, 'grid-voe-kinds');

/** The kind's 1-day circuit: one `npm test` builds keys for. */
function dayCircuit(kind: ResultKind): CircuitConfig {
  const c = kind.circuits.find((x) => x.params.maxDays === 1 && kind.testCircuits.includes(x.id));
  if (!c) throw new Error(`${kind.kind} has no 1-day test circuit`);
  return c;
}

/** The parameter format a document field is published as (kinds/service.ts), or the tariff and value vector every meter has. */
const formatOf = (kind: ResultKind, flag: FieldFlag): ParameterFormat | undefined => kind.service.documents?.find((d) => d.kind === (flag.source ?? kind.service.documents?.[0]?.kind));

/**
 * The cases: every kind but the bill with its example's fields, and a demand-response compliance proof (its
 * example is a penalty bill) on readings kept under the example events' caps, which sends no tariff.
 */
interface Case {
  name: string;
  kind: ResultKind;
  fields(meterId: string): Record<string, unknown>;
  readings: number[];
}

const CASES: Case[] = [
  ...Object.values(KINDS)
    .filter((k) => k.kind !== 'bill')
    .map((k) => ({ name: k.kind, kind: k, fields: (meterId: string) => k.example({ meterId, startDay: START_DAY, days: 1 }), readings: syntheticReadings(1, 40 + k.kind.length) })),
  {
    name: 'threshold (compliance)',
    kind: KINDS.threshold,
    fields: (meterId: string) => ({ mode: 'compliance', events: KINDS.threshold.example({ meterId, startDay: START_DAY, days: 1 }).events }),
    readings: syntheticReadings(1, 60).map((wh) => Math.min(wh, 400)),
  },
];

describe('every kind in the household page', { skip: missing ?? false }, () => {
  let browser: Browser;
  // registered first: the browser closes while the server is still up
  after(() => browser?.close());
  const circuits = [...new Set(['billing_1d', ...CASES.map((c) => dayCircuit(c.kind).id)])];
  const api = apiUnderTest('sqlite', { serve: { circuits } });

  const keyOf = (role: Role) => (role === 'supplier' ? api.keys.acme : api.keys[role as Exclude<Role, 'supplier' | 'operator'>]);

  /**
   * A household of its own for a case (a meter, its sealed readings), and the case's documents published by
   * their parties. Returns the statement fields the API will bind the result to.
   */
  async function household(meterId: string, c: Case): Promise<{ period: CertifiedPeriod; key: string; fields: Record<string, unknown> }> {
    const fields = c.fields(meterId);
    const tariffFlag = c.kind.flags.find((f) => f.source === 'tariff');
    const period = await certifyPeriod({ startDay: START_DAY, readings: c.readings, meterId });
    const tariff = (tariffFlag && fields[tariffFlag.field]) ?? flatTariff(24_500, 45_000, 'acme-flat-kinds');
    const { userKey } = await provisionHousehold({ api: api.server.url, keys: { registrar: api.keys.registrar, supplier: api.keys.acme, grid: api.keys.grid }, supplierId: 'acme', bundle: period.bundle, tariff: tariff as object, valueOfEnergy: value, kdf: FAST });
    for (const flag of c.kind.flags.filter((f) => f.type === 'document' && fields[f.field] !== undefined && f.source !== 'tariff' && f.source !== 'value-of-energy')) {
      const format = formatOf(c.kind, flag);
      assert.ok(format, `${c.kind.kind}: no published format for ${flag.field}`);
      const range = { from: DAY, to: DAY };
      let r;
      if (format.assigned) r = await call(api.server.url, 'POST', '/v1/tariffs', { key: api.keys.acme, body: { tariff: fields[flag.field], meters: [meterId], ...range } });
      else if (format.kind === 'challenge') {
        r = await call(api.server.url, 'POST', '/v1/challenges', { key: api.keys.grid, body: { meterId, period: { start: DAY, days: 1 } } });
        fields[flag.field] = r.body.challenge; // the household answers the challenge the API issued
      } else r = await call(api.server.url, 'POST', '/v1/parameters', { key: keyOf(format.publishers[0]), body: { document: fields[flag.field], ...(format.exclusive ? range : {}) } });
      assert.ok(r.status === 201 || r.status === 200, `${c.name}: publishing ${flag.field}: ${r.text}`);
    }
    return { period, key: userKey.key, fields };
  }

  before(async () => {
    await buildWeb();
    browser = await launchBrowser();
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
  });

  /** The page's controls set to the statement fields: choices and numbers; of several documents, the one named. */
  async function chooseFields(p: Page, kind: ResultKind, fields: Record<string, unknown>) {
    for (const flag of kind.flags) {
      const control = `#field-${flag.field}`;
      if (!(await p.isVisible(control))) continue; // a document the service names alone
      const v = fields[flag.field];
      if (flag.type === 'document') {
        const id = (v as { id: string }).id;
        const option = await p.locator(`${control} option`, { hasText: new RegExp(`^${id}$`) }).getAttribute('value');
        await p.selectOption(control, option!);
      } else if (flag.choices) await p.selectOption(control, String(v));
      else await p.fill(control, String(v));
    }
  }

  for (const [i, c] of CASES.entries()) {
    test(`${c.name}: proven in the page, certified, revealed in plain words; no reading or key sent`, async () => {
      const meterId = `MTR-KIND-${i}`;
      const { period, key, fields } = await household(meterId, c);
      const recording = recordRequests(browser.context);
      let resultId: string;
      try {
        const p = await browser.context.newPage();
        p.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
        await p.goto(api.server.url);
        await openReadings(p, meterId, key);
        assert.equal(await pageMessage(p), null);
        const offered = await p.locator('#kind option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
        assert.deepEqual(offered.sort(), Object.keys(KINDS).sort(), 'the page offers every kind of the registry');
        await p.selectOption('#kind', c.kind.kind);
        await p.waitForFunction(() => !(document.querySelector('#prove') as HTMLButtonElement).disabled || !(document.querySelector('#message') as HTMLElement).hidden, null, { timeout: 60_000 });
        assert.equal(await pageMessage(p), null);
        assert.equal(await p.isVisible('#bill-breakdown'), false, 'the bill by price band is the bill’s');
        // what the service learns and what stays at home, in the kind's own words
        assert.ok(c.kind.reveals, `${c.kind.kind} declares what it reveals`);
        assert.equal((await p.textContent('#reveals-learns'))?.trim(), c.kind.reveals.learns);
        assert.equal((await p.textContent('#reveals-home'))?.trim(), c.kind.reveals.staysHome);
        await chooseFields(p, c.kind, fields);
        ({ resultId } = await proveAndSend(p));

        // certified by the API: the outputs the kind's reference computes from the readings
        const r = await call(api.server.url, 'GET', `/v1/results/${resultId}`, { key: api.keys.auditor });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.kind, c.kind.kind);
        const circuit = dayCircuit(c.kind);
        assert.equal(r.body.circuit, circuit.id);
        const statement = c.kind.statement({ meterId, publicKey: period.bundle.publicKey, startDay: START_DAY, days: 1 }, fields, circuit);
        assert.deepEqual(r.body.outputs, c.kind.outputsJson(await c.kind.reference(period.bundle, statement, circuit)));

        // the receipt: what was proved and each output in the kind's plain words, no units of the circuit
        const shown = await p.locator('#receipt-fields dt').evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
        const expected = outputLines(r.body.outputs, c.kind.units, c.kind.labels).map(([label, text, note]) => [label, `${text}${note ?? ''}`]);
        for (const line of expected) assert.ok(shown.some(([l, v]) => l === line[0] && v === line[1]), `the receipt shows ${line.join(': ')} (shown: ${JSON.stringify(shown)})`);
        assert.ok(shown.some(([l, v]) => l === 'What was proved' && v === c.kind.reveals!.learns));
        const receipt = (await p.textContent('#receipt')) ?? '';
        assert.doesNotMatch(receipt, /µp|micro-pence|witness|slot number/i);
        assert.ok(!receipt.includes(circuit.id), `the receipt names no circuit (${circuit.id})`); // not a pattern: the receipt's result id is random hex
        await p.screenshot({ path: join(ARTIFACTS_DIR, `web-receipt-${c.name.replace(/\W+/g, '-').replace(/-$/, '')}.png`), fullPage: true });
        await p.close();
      } finally {
        recording.stop();
      }
      assert.deepEqual(leaks(recording.requests, new URL(api.server.url).origin, period.bundle.readingsWh, key), []);
      const sent = recording.requests.find((q) => q.method === 'POST' && q.url.endsWith('/v1/results'));
      assert.ok(sent, 'the result was sent');
      if (c.name === 'threshold (compliance)') assert.doesNotMatch(sent.text, /"tariff"/, 'a compliance proof sends no tariff');
    });
  }
});
