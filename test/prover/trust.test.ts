/**
 * Verification that pins its trust (issue 13): the forgery — readings of 1 Wh signed with a fresh
 * key for a registered meter id, proved under a tariff that keeps the genuine tariff id but charges 1 mp/kWh
 * — is a valid proof, so it passes without anchors but says so, and is refused by pins and by the
 * operator-signed trust snapshot the verifier API serves (GET /v1/trust/snapshot, `meterproof trust fetch`).
 * Also: the snapshot's signature and operator pin, documents resolved by digest from the snapshot, and the
 * verification library's import staying light.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT } from '../../core/paths.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { releaseCurve } from '../../prover/backend.js';
import { compactResult } from '../../prover/documents.js';
import { proveBill } from '../../prover/prove-bill.js';
import type { BillResultJson } from '../../prover/result.js';
import { meterKeyFingerprint, openSnapshot, ResultUntrusted, verifyTrusted, type TrustSnapshot } from '../../prover/trust.js';
import { documentDigestOf } from '../../prover/documents.js';
import type { RunningServer } from '../../verifier-api/server.js';
import { cliRunner } from '../support/cli.js';
import { certifyPeriod, syntheticReadings } from '../support/fixtures.js';
import { call, createKeys, freshDatabase, registerWorld, startTestServer, type FreshDb, type Keys } from '../verifier-api/harness.js';
import { START_DAY, world, type World } from '../verifier-api/support.js';

const METER = 'MAC000002';
after(releaseCurve);

const untrusted = (code: string, pattern: RegExp, reason?: string) => (e: unknown) => {
  assert.ok(e instanceof ResultUntrusted, `expected ResultUntrusted, got ${e}`);
  assert.equal(e.code, code);
  if (reason) assert.equal(e.reason, reason);
  assert.match(e.message, pattern);
  return true;
};

describe('verification anchored to pins and to the operator-signed trust snapshot', () => {
  let w: World;
  let db: FreshDb;
  let server: RunningServer;
  let keys: Keys;
  let honest: BillResultJson;
  let forged: BillResultJson;
  let genuineKey: [string, string];
  let forgedKey: [string, string];
  const dir = mkdtempSync(join(tmpdir(), 'meterproof-trust-'));
  const file = (name: string, value?: unknown) => {
    const path = join(dir, name);
    if (value !== undefined) writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const { ok, fails } = cliRunner(dir);

  before(async () => {
    w = await world();
    db = await freshDatabase('sqlite');
    keys = await createKeys(db.url);
    server = await startTestServer(db.url);
    await registerWorld(server.url, keys, w);

    // MAC000002, an acme customer under the acme tariff, with its genuine meter
    const genuine = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 21), meterId: METER });
    genuineKey = [genuine.key.publicKey[0].toString(), genuine.key.publicKey[1].toString()];
    const r1 = await call(server.url, 'POST', '/v1/meters', { key: keys.registrar, body: { id: METER, supplierId: 'acme', substationId: 'sub-1', publicKey: genuineKey, validFrom: '2024-01-01' } });
    assert.equal(r1.status, 201, r1.text);
    const r2 = await call(server.url, 'POST', '/v1/tariffs', { key: keys.acme, body: { tariff: w.tariffs.acme, meters: [METER], from: w.day, to: w.day } });
    assert.equal(r2.status, 201, r2.text);
    honest = await proveBill({ bundle: genuine.bundle, tariff: w.tariffs.acme, valueOfEnergy: w.value });

    // the forgery: a fresh key under the same meter id, 1 Wh per slot, the genuine tariff id at 1 mp/kWh
    const fake = await certifyPeriod({ startDay: START_DAY, readings: new Array(SLOTS_PER_DAY).fill(1), meterId: METER });
    forgedKey = [fake.key.publicKey[0].toString(), fake.key.publicKey[1].toString()];
    const cheapTariff = { ...(w.tariffs.acme as { id: string }), standingChargePerDay: 0, pricing: { type: 'flat', price: 1 } };
    forged = await proveBill({ bundle: fake.bundle, tariff: cheapTariff, valueOfEnergy: w.value });
    assert.equal((w.tariffs.acme as { id: string }).id, cheapTariff.id);
    file('honest.json', honest);
    file('forged.json', forged);
    file('tariff.json', w.tariffs.acme);
    file('value.json', w.value);
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('without anchors the forgery is a valid proof, reported as vouched for only by the file; --strict refuses it', async () => {
    const v = await verifyTrusted(structuredClone(forged));
    assert.equal(v.outputs && (v.outputs as { bill: bigint }).bill, 48n);
    assert.deepEqual(
      v.trust.unanchored.map((f) => [f.fact, f.id]),
      [
        ['meterKey', meterKeyFingerprint(forgedKey)],
        ['tariff', documentDigestOf(forged.statement.tariff)],
        ['valueOfEnergy', documentDigestOf(w.value)],
      ],
    );
    await assert.rejects(verifyTrusted(structuredClone(forged), { strict: true }), untrusted('unanchored', /only the result file vouches for the meter key/));

    const out = await ok('verify', file('forged.json'));
    assert.match(out, /^VALID PROOF, UNANCHORED STATEMENT: billing_1d bill proof for meter MAC000002/);
    assert.match(out, new RegExp(`meter key +fingerprint ${meterKeyFingerprint(forgedKey)} +ONLY FROM THE FILE`));
    assert.match(out, new RegExp(`tariff +digest ${documentDigestOf(forged.statement.tariff)} +ONLY FROM THE FILE`));
    await fails(/^meterproof: UNTRUSTED \(unanchored\): --strict/, 'verify', file('forged.json'), '--strict');
  });

  test('pins refuse the forgery: the meter key is not the pinned one, the tariff digest is not the pinned one', async () => {
    await fails(/UNTRUSTED \(untrusted_meter_key\): the result's meter key \(fingerprint [0-9a-f]{32}\) is not the pinned key of meter MAC000002/, 'verify', file('forged.json'), '--meter-key', genuineKey.join(','));
    // even with the forger's own key pinned, the tariff gives it away
    const tariffDigest = documentDigestOf(w.tariffs.acme);
    await fails(new RegExp(`UNTRUSTED \\(untrusted_document\\): the result's tariff \\(digest [0-9a-f]{64}\\) is not the pinned one \\(digest ${tariffDigest}\\)`), 'verify', file('forged.json'), '--meter-key', meterKeyFingerprint(forgedKey), '--tariff', file('tariff.json'));
    // a pin of a document the kind does not have is a usage error
    await fails(/--events pins a document of a threshold result, not of this bill result/, 'verify', file('honest.json'), '--events', file('tariff.json'));

    const out = await ok('verify', file('honest.json'), '--meter-key', genuineKey.join(','), '--tariff', file('tariff.json'), '--value', file('value.json'), '--strict');
    assert.match(out, /^VALID billing_1d bill proof for meter MAC000002/);
    assert.match(out, /tariff +digest [0-9a-f]{64} +pinned/);
  });

  test('the trust snapshot refuses the forgery: the meter key is not the registered one, the tariff not the assigned one', async () => {
    const fetched = await ok('trust', 'fetch', '--from', server.url, '--api-key', keys.service, '--out', file('snapshot.json'));
    const operatorKey = /operator key ed25519:([0-9a-f]{64})/.exec(fetched)![1];
    assert.match(fetched, /trusted on first use/);
    // later fetches keep the first key (and --operator-key pins it explicitly)
    assert.match(await ok('trust', 'fetch', '--from', server.url, '--api-key', keys.service, '--out', file('snapshot.json')), /the key of the snapshot already at/);
    await fails(/refused the snapshot .*signed by operator key [0-9a-f]{64}, not by the pinned key 0{64}/, 'trust', 'fetch', '--from', server.url, '--api-key', keys.service, '--operator-key', '0'.repeat(64), '--out', file('other.json'));
    await fails(/answered 401 \(invalid_api_key\)/, 'trust', 'fetch', '--from', server.url, '--api-key', 'not-a-key', '--out', file('other.json'));

    await fails(/UNTRUSTED \(untrusted_meter_key\): the result's meter key \(fingerprint [0-9a-f]{32}\) is not a registered key of meter MAC000002 \(registered: [0-9a-f]{32} from 2024-01-01\)/, 'verify', file('forged.json'), '--trust', file('snapshot.json'), '--operator-key', operatorKey);
    const out = await ok('verify', file('honest.json'), '--trust', file('snapshot.json'), '--operator-key', operatorKey, '--strict');
    assert.match(out, /^VALID billing_1d bill proof for meter MAC000002/);
    assert.match(out, /tariff +digest [0-9a-f]{64} +registered in the trust snapshot/);

    // with the forger's key registered, the snapshot's tariff assignment still refuses it (the API's own binding)
    const { snapshot } = await openSnapshot(JSON.parse(readFileSync(file('snapshot.json'), 'utf8')), operatorKey);
    const keyRegistered: TrustSnapshot = { ...snapshot, meters: snapshot.meters.map((m) => (m.id === METER ? { ...m, keys: [...m.keys, { publicKey: forgedKey, validFrom: '2024-01-01', validTo: null, revoked: false }] } : m)) };
    await assert.rejects(verifyTrusted(structuredClone(forged), { anchors: { snapshot: keyRegistered } }), untrusted('untrusted_document', /the result's tariff \(digest [0-9a-f]{64}\) is not the one supplier acme published for meter MAC000002/, 'tariff_mismatch'));
  });

  test('a snapshot altered after signing, or signed by another operator key, is refused', async () => {
    const signed = JSON.parse(readFileSync(file('snapshot.json'), 'utf8'));
    const operatorKey = signed.signature.publicKey as string;
    const altered = structuredClone(signed);
    altered.snapshot.meters.find((m: { id: string }) => m.id === METER).keys[0].publicKey = forgedKey;
    await assert.rejects(openSnapshot(altered), /altered after signing/);
    await fails(/trust snapshot .*altered after signing/, 'verify', file('forged.json'), '--trust', file('altered.json', altered));
    await assert.rejects(openSnapshot(signed, 'f'.repeat(64)), /signed by operator key [0-9a-f]{64}, not by the pinned key f{64}/);
    assert.equal((await openSnapshot(signed, operatorKey)).operatorKey, operatorKey);
  });

  test('a result that refers to its documents by digest is verified with the documents of the snapshot', async () => {
    const { snapshot } = await openSnapshot(JSON.parse(readFileSync(file('snapshot.json'), 'utf8')));
    const { result: compact } = compactResult(structuredClone(honest));
    assert.deepEqual(Object.keys(compact.statement.tariff as object), ['digest']);
    const v = await verifyTrusted(compact, { anchors: { snapshot }, strict: true });
    assert.deepEqual(v.trust.bindings, { tariffDigest: documentDigestOf(w.tariffs.acme), valueOfEnergyDigest: documentDigestOf(w.value) });
  });
});

describe('light to load', () => {
  // Which modules a child process loads, seen by a module resolve hook: packages by name and the project's
  // own modules by path (a module of dist/ as its source's path, without extension).
  const hooks = mkdtempSync(join(tmpdir(), 'meterproof-hooks-'));
  writeFileSync(join(hooks, 'hooks.mjs'), 'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n');
  writeFileSync(join(hooks, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(hooks, 'hooks.mjs')).href)});\n`);
  const root = pathToFileURL(join(REPO_ROOT, '/')).href;
  const modulesLoaded = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(hooks, 'register.mjs')).href, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const urls = [...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]);
    const packages = new Set(urls.flatMap((u) => /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));
    const own = urls.filter((u) => u.startsWith(root) && !u.includes('/node_modules/')).map((u) => u.slice(root.length).replace(/^dist\//, '').replace(/\.[jt]s$/, ''));
    return { packages, own, urls };
  };
  const SERVER_AND_COMPILER = ['express', 'pg', 'better-sqlite3', 'circom2', 'pino'];
  // snarkjs's provers, file formats and templates (its entry loads them; verification needs its verifiers only)
  const SNARKJS_BEYOND_VERIFY = ['r1csfile', 'circom_runtime', 'ejs', 'fastfile', '@iden3/binfileutils'];
  const dir = mkdtempSync(join(tmpdir(), 'meterproof-light-'));
  const resultFile = join(dir, 'result.json');

  before(async () => {
    const { bundle } = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 5) });
    const tariff = { format: 'meterproof-tariff/1', kind: 'tariff', id: 'flat', name: 'flat', currency: 'GBP', standingChargePerDay: 0, pricing: { type: 'flat', price: 20_000 } };
    writeFileSync(resultFile, JSON.stringify(await proveBill({ bundle, tariff })));
  });

  test('importing the verification library loads neither the kinds nor the schema library; verifying loads no server, database, compiler or prover', () => {
    const imported = modulesLoaded(['--import', 'tsx', '--input-type=module', '-e', 'await import("./prover/verify-entry.ts")']);
    assert.ok(imported.packages.has('@noble/hashes'), 'the hook sees packages');
    for (const p of ['zod', 'snarkjs', 'ffjavascript', ...SERVER_AND_COMPILER]) assert.ok(!imported.packages.has(p), `${p} is loaded by the library import`);
    assert.deepEqual(imported.own.filter((m) => /^(kinds|verifier-api|circuits|meter)\//.test(m)), [], 'the import loads no kind, API, circuit or meter module');

    const script = `const lib = await import("./prover/verify-entry.ts"); const v = await lib.verifyTrusted(JSON.parse((await import("node:fs")).readFileSync(${JSON.stringify(resultFile)}, "utf8"))); if (v.circuit.id !== "billing_1d") process.exit(2);`;
    const verified = modulesLoaded(['--import', 'tsx', '--input-type=module', '-e', script]);
    assert.ok(verified.packages.has('zod') && verified.packages.has('snarkjs'), 'the first verification loads the schemas and the verifier');
    for (const p of [...SERVER_AND_COMPILER, 'circomlibjs', ...SNARKJS_BEYOND_VERIFY]) assert.ok(!verified.packages.has(p), `${p} is loaded by a verification`);
    assert.deepEqual(verified.own.filter((m) => /^(verifier-api|native|cli)\/|^prover\/(prove|backend|native-backend|systems)/.test(m)), [], 'a verification loads no API, CLI or prover module');
  });

  test('meterproof --help loads neither the kinds, the schema library, the server, the databases nor the compiler', () => {
    const loaded = modulesLoaded([join('bin', 'meterproof.js'), '--help']);
    assert.ok(loaded.packages.has('commander'));
    for (const p of ['zod', 'snarkjs', ...SERVER_AND_COMPILER]) assert.ok(!loaded.packages.has(p), `${p} is loaded by --help`);
    assert.deepEqual(loaded.own.filter((m) => /^kinds\/[^/]+\/(kind|circuit|service)$|^kinds\/registry$/.test(m)), [], '--help loads no kind declaration');
  });

  test("meterproof verify loads snarkjs's verifier only, and no server, database, compiler or prover", () => {
    const loaded = modulesLoaded([join('bin', 'meterproof.js'), 'verify', resultFile]);
    for (const p of [...SERVER_AND_COMPILER, 'circomlibjs', ...SNARKJS_BEYOND_VERIFY]) assert.ok(!loaded.packages.has(p), `${p} is loaded by verify`);
    // the entry is resolved to find the verifier beside it; loaded, it would resolve its own imports too
    assert.deepEqual(
      loaded.urls.filter((u) => u.includes('/node_modules/snarkjs/')).map((u) => u.replace(/^.*\/node_modules\/snarkjs\//, '')),
      ['main.js', 'src/groth16_verify.js', 'src/curves.js'],
      'the Groth16 verifier and the curve it asks for',
    );
    assert.deepEqual(loaded.own.filter((m) => /^(verifier-api\/(?!cli$|db$)|native\/)|^prover\/(prove|backend|native-backend|systems)/.test(m)), [], 'verify loads no API, native or prover module');
  });
});
