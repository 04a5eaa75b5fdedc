/**
 * A 3-party phase-2 ceremony on the 1-day bill circuit (development phase 1): one contribution on the
 * command line, one in the browser page the API serves (headless Chromium), one more on the command line,
 * a beacon, publish; then what an attacker or a careless operator meets: a tampered step fails verify, a
 * zkey of another circuit and one that does not extend the last step are refused (library and HTTP), an
 * unknown .ptau is refused, a bundle whose hashes do not match is not loaded, production refuses
 * development keys, and `keys fetch` installs the served keys after checking them.
 *
 * Cost: ~1–2 min on an idle 2-core machine (dev phase 1 of power 14, 3 contributions + beacon on a
 * 6k-constraint circuit, one full verify inside publish).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compileCircuit } from '../../circuits/compile.js';
import { artifactsOf, REPO_ROOT } from '../../core/paths.js';
import { fetchKeys } from '../../cli/keys.js';
import { loadBundle, publishBundle } from '../../keys/bundle.js';
import { acceptContribution, beacon, contribute, initCeremony, readManifest, verifyCeremony } from '../../keys/phase2.js';
import { getCircuit } from '../../kinds/registry.js';
import { releaseCurve } from '../../prover/backend.js';
import type { RunningServer } from '../../verifier-api/server.js';
import { chromiumMissing, launchBrowser, type Browser } from '../../web/browser.js';
import { buildWeb } from '../../web/build.js';
import { compileCircuit as compileFixture, scratchDir } from '../keys/helpers.js';
import { call, freshDatabase, startTestServer, type FreshDb } from '../verifier-api/harness.js';

after(releaseCurve);

const CIRCUIT = 'billing_1d';
const TOKEN = 'invite-7f3a9c';
const missing = chromiumMissing();
if (missing && process.env.CI) throw new Error(`${missing}: the browser tests cannot be skipped under CI (.ci/run installs it)`);

const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('key ceremony with a browser contributor', { skip: missing ?? false }, () => {
  let tmp: Awaited<ReturnType<typeof scratchDir>>;
  let dir: string;
  let db: FreshDb;
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    tmp = await scratchDir('ceremony');
    dir = join(tmp.path, 'ceremony');
    await compileCircuit(getCircuit(CIRCUIT));
    await buildWeb();
    await initCeremony({ dir, circuit: CIRCUIT, r1csPath: artifactsOf(CIRCUIT).r1cs, insecureDev: true });
    db = await freshDatabase('sqlite');
    // no keys at all: the service still starts (a fresh checkout) and opens the ceremony
    server = await startTestServer(db.url, { circuits: [], ceremony: dir, ceremonyToken: TOKEN });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
    await tmp?.remove();
  });

  test('a .ptau whose hash is not a known phase-1 file is refused in one line', async () => {
    const fake = join(tmp.path, 'powersOfTau28_hez_final_15.ptau');
    writeFileSync(fake, 'not the Hermez file');
    await assert.rejects(
      initCeremony({ dir: join(tmp.path, 'never'), circuit: CIRCUIT, r1csPath: artifactsOf(CIRCUIT).r1cs, ptauPath: fake }),
      (e: Error) => /unknown phase-1 file \(BLAKE2b-512 [0-9a-f]{16}…\)/.test(e.message) && !e.message.includes('\n'),
    );
    assert.equal(existsSync(join(tmp.path, 'never')), false);
  });

  test('three contributors (one in the browser), a beacon, a verified bundle', async () => {
    const alice = await contribute(dir, { name: 'alice', entropy: 'alice types here' });
    assert.equal(alice.index, 1);

    // the health check and the key listing answer without keys
    assert.equal((await call(server.url, 'GET', '/healthz')).status, 200);
    const listing = await call(server.url, 'GET', '/v1/keys');
    assert.deepEqual(listing.body.circuits, []);
    assert.ok(listing.body.missing.some((m: { id: string }) => m.id === CIRCUIT));

    const page = await browser.context.newPage();
    const posted: { url: string; body: Buffer | null }[] = [];
    page.on('request', (r) => posted.push({ url: r.url(), body: r.postDataBuffer() }));
    await page.goto(`${server.url}/contribute.html`);
    await page.waitForFunction(() => /step\(s\) so far/.test(document.querySelector('#state')!.textContent ?? ''));
    assert.match(await page.textContent('#insecure') ?? '', /INSECURE/);
    const typed = 'bob-secret-typing-4c1d9e';
    await page.fill('#name', 'bob');
    await page.fill('#token', TOKEN);
    await page.fill('#entropy', typed);
    await page.click('#contribute');
    await page.waitForFunction(() => /Accepted as step/.test(document.querySelector('#accepted')!.textContent ?? ''), null, { timeout: 600_000 });
    assert.match(await page.textContent('#accepted') ?? '', /Accepted as step 2; the service computed the same hash/);
    const shown = (await page.textContent('#hash'))!.replace(/\s/g, '');
    const manifest = await readManifest(dir);
    assert.equal(manifest.steps[2].name, 'bob');
    assert.equal(manifest.steps[2].contributionHash, shown);
    // the typed entropy never left the page; every request went to the service (or snarkjs's own blob workers)
    for (const r of posted) {
      assert.ok(r.url.startsWith(server.url) || r.url.startsWith(`blob:${server.url}/`), r.url);
      assert.ok(!r.body?.includes(typed), `entropy sent to ${r.url}`);
    }
    await page.close();

    await contribute(dir, { name: 'carol' });
    await beacon(dir, { hash: '0a'.repeat(32), iterationsExp: 10, name: 'block 19000000' });
    const bundle = join(tmp.path, 'bundle');
    const published = await publishBundle({ ceremonies: [dir], out: bundle });
    assert.equal(published.development, true);
    assert.equal(published.circuits[CIRCUIT].contributions, 3);
    const loaded = await loadBundle(bundle);
    assert.equal(loaded.circuits[0].id, CIRCUIT);
  });

  test('refused contributions: another circuit, not extending the last step, over HTTP too; nothing appended', async () => {
    const before = (await readManifest(dir)).steps.length;
    const other = join(tmp.path, 'other');
    await initCeremony({ dir: other, circuit: 'poly', r1csPath: (await compileFixture('poly')).r1cs, insecureDev: true });
    await assert.rejects(acceptContribution(dir, join(other, 'steps', '0000.zkey')), /closed by its beacon/);

    // against an open copy of the ceremony (before the beacon)
    const open = join(tmp.path, 'open');
    cpSync(dir, open, { recursive: true });
    const m = await readManifest(open);
    m.steps = m.steps.slice(0, 3);
    writeFileSync(join(open, 'ceremony.json'), JSON.stringify(m));
    await assert.rejects(acceptContribution(open, join(other, 'steps', '0000.zkey')), (e: Error) => /another circuit/.test(e.message) && !e.message.includes('\n'));
    await assert.rejects(acceptContribution(open, join(open, 'steps', '0002.zkey')), /does not extend the last step/);
    await assert.rejects(acceptContribution(open, join(open, 'steps', '0001.zkey')), /does not extend the last step/);
    assert.equal((await readManifest(open)).steps.length, 3);

    const zkey = readFileSync(join(open, 'steps', '0001.zkey'));
    const post = (headers: Record<string, string>) => call(server.url, 'POST', '/v1/ceremony/contributions', { raw: zkey, headers: { 'content-type': 'application/octet-stream', ...headers } });
    assert.equal((await post({ 'x-ceremony-token': 'wrong' })).status, 401);
    assert.equal((await post({ 'x-ceremony-token': TOKEN, 'x-ceremony-after': 'f'.repeat(64) })).status, 409);
    assert.equal((await readManifest(dir)).steps.length, before);
  });

  test('a tampered step fails verify', async () => {
    const bad = join(tmp.path, 'tampered');
    cpSync(dir, bad, { recursive: true });
    const file = join(bad, 'steps', '0002.zkey');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 1; // a point of the proving key (the contribution records, at the end, stay intact)
    writeFileSync(file, bytes);
    await assert.rejects(verifyCeremony(bad), /step 2 \(steps\/0002.zkey\) does not match the manifest's sha256/);
    // the same edit with the manifest "fixed" to match: the cryptographic check catches it
    const m = await readManifest(bad);
    m.steps[2].sha256 = sha256Hex(bytes);
    writeFileSync(join(bad, 'ceremony.json'), JSON.stringify(m));
    await assert.rejects(verifyCeremony(bad), (e: Error) => /step 2/.test(e.message) && !e.message.includes('\n'));
  });

  test('bundles: hashes checked before loading, production refuses development keys, keys fetch installs checked keys', async () => {
    const bundle = join(tmp.path, 'bundle');
    const broken = join(tmp.path, 'broken-bundle');
    cpSync(bundle, broken, { recursive: true });
    writeFileSync(join(broken, CIRCUIT, 'verification_key.json'), readFileSync(join(broken, CIRCUIT, 'verification_key.json'), 'utf8').replace('"nPublic"', '"nPublic" '));
    await assert.rejects(startTestServer(db.url, { circuits: undefined, keysBundle: broken }), /verification_key.json does not match the manifest's sha256/);
    await assert.rejects(startTestServer(db.url, { circuits: undefined, keysBundle: bundle, production: true }), /development keys; refused in production/);

    const served = await startTestServer(db.url, { circuits: undefined, keysBundle: bundle });
    try {
      const listing = await call(served.url, 'GET', '/v1/keys');
      assert.deepEqual(listing.body.circuits.map((c: { id: string; development: boolean }) => [c.id, c.development]), [[CIRCUIT, true]]);
      const into = (id: string) => ({ keysDir: join(tmp.path, 'fetched', id, 'keys'), wasm: join(tmp.path, 'fetched', id, 'circuit.wasm') });
      await assert.rejects(fetchKeys({ from: served.url, production: true, artifacts: into }), /development keys; refused with --production, nothing was installed/);
      assert.equal(existsSync(into(CIRCUIT).keysDir), false);
      assert.deepEqual(await fetchKeys({ from: served.url, artifacts: into }), [CIRCUIT]);
      assert.deepEqual(readFileSync(join(into(CIRCUIT).keysDir, 'circuit_final.zkey')), readFileSync(join(bundle, CIRCUIT, 'circuit_final.zkey')));
      assert.ok(existsSync(into(CIRCUIT).wasm));
    } finally {
      await served.close();
    }
  });

  test('the command line with --production refuses development keys before using them', () => {
    const result = join(tmp.path, 'result.json');
    const dev = JSON.parse(readFileSync(join(artifactsOf(CIRCUIT).keysDir, 'ceremony.json'), 'utf8')).mode === 'development';
    writeFileSync(result, JSON.stringify({ circuit: CIRCUIT }));
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'meterproof.js'), '--production', 'verify', result], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    // under `npm test` build/ holds development keys; after a `keys fetch` of real keys the refusal is another one
    if (dev) assert.match(run.stderr, /^meterproof: billing_1d: the installed keys are development keys; refused in production/m);
  });
});
