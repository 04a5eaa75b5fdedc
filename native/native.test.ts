/**
 * The native prover (native/, prover/native-backend.ts): proofs of random valid witnesses of every 1-day
 * circuit with both backends, each verified by snarkjs; a native result accepted by the strict verifier
 * the API uses; proofs at once and in turn (the buffers the addon keeps between proofs); the C++ witness
 * generator against the WebAssembly one; bad inputs (zkey of another circuit, truncated witness, witness that
 * does not satisfy the constraints, corrupt zkey, inputs that do not satisfy the circuit) as clean errors
 * naming the file, in this process.
 *
 * Without the addon (not built here) the suite skips with the reason; under CI=true it fails instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { setupCircuits } from '../cli/setup.js';
import { artifactsOf, BUILD_DIR } from '../core/paths.js';
import { loadCircuits } from '../kinds/registry.js';
import { releaseCurve, snarkjsBackend } from '../prover/backend.js';
import { computeWitnessNative, computeWitnessWasm, loadNativeAddon, nativeBackend, nativeUnavailableReason, nativeWitnessGenerator, proveNative, releaseNative } from '../prover/native-backend.js';
import { buildNativeWitness } from './build-witness.js';
import { randomInput } from './test-support.js';
import { proveResult } from '../prover/prove.js';
import { verifyResult } from '../prover/verify.js';

const addon = loadNativeAddon();
const skip = addon || process.env.CI === 'true' ? false : `${nativeUnavailableReason()} — run: node native/build.mjs --strict`;
const TMP = join(BUILD_DIR, 'native', 'test');

const oneDay = loadCircuits().filter((c) => c.params.maxDays === 1);

/** The pids of this process's children running a witness generator (from /proc). */
function witnessProcesses(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const [, comm, rest] = stat.match(/^\d+ \((.*)\) (.*)$/s)!;
        return comm === 'witness' && Number(rest.split(' ')[1]) === process.pid;
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

const vkeyOf = (id: string) => JSON.parse(readFileSync(artifactsOf(id).vkey, 'utf8'));

describe('native Groth16 prover', { skip }, () => {
  before(async () => {
    assert.ok(addon, `native prover missing under CI: ${nativeUnavailableReason()}`);
    mkdirSync(TMP, { recursive: true });
    await setupCircuits({ only: oneDay.map((c) => c.id) });
  });
  after(async () => {
    await releaseNative();
    await releaseCurve();
  });

  for (const c of oneDay) {
    test(`${c.id}: a random valid witness proved by both backends, both verified by snarkjs`, async () => {
      const a = artifactsOf(c.id);
      const { input } = await randomInput(c.id);
      const vkey = vkeyOf(c.id);
      const viaSnarkjs = await snarkjsBackend.prove(input, a.wasm, a.zkey);
      const viaNative = await nativeBackend.prove(input, a.wasm, a.zkey);
      assert.deepEqual(viaNative.publicSignals, viaSnarkjs.publicSignals);
      assert.equal(await snarkjs.groth16.verify(vkey, viaNative.publicSignals, viaNative.proof), true, 'native proof rejected by snarkjs');
      assert.equal(await snarkjs.groth16.verify(vkey, viaSnarkjs.publicSignals, viaSnarkjs.proof), true);
      // a proof is bound to its public signals: changing one must fail
      const altered = [...viaNative.publicSignals];
      altered[0] = (BigInt(altered[0]) + 1n).toString();
      assert.equal(await snarkjs.groth16.verify(vkey, altered, viaNative.proof), false);
    });
  }

  test('a native bill result passes the strict verification the verifier API runs', async () => {
    const { bundle, fields } = await randomInput('billing_1d');
    const result = await proveResult({ kind: 'bill', bundle, fields, backend: nativeBackend });
    assert.equal(result.prover?.backend, 'native-groth16');
    const verified = await verifyResult(JSON.parse(JSON.stringify(result)));
    assert.ok(verified);
  });

  describe('native witness generation (circom --c, built by native/build-witness.ts)', () => {
    let gen: { exe: string; dat: string } | undefined;
    before(async () => {
      // ≈1 min of g++ the first time, cached by the circuit's source hash afterwards
      await buildNativeWitness('billing_1d');
      gen = nativeWitnessGenerator(artifactsOf('billing_1d').wasm);
    });

    test('the same witness as the WebAssembly, byte for byte, on random valid inputs', async () => {
      assert.ok(gen, 'the native witness generator of billing_1d is built and current');
      for (let i = 0; i < 2; i++) {
        const { input } = await randomInput('billing_1d');
        const native = await computeWitnessNative(input, gen!);
        const wasm = await computeWitnessWasm(input, artifactsOf('billing_1d').wasm);
        assert.equal(Buffer.compare(Buffer.from(native), Buffer.from(wasm)), 0);
      }
    });

    test('inputs that do not satisfy the constraints: a clean error, the prover process keeps running', async () => {
      const { input } = await randomInput('billing_1d');
      const tampered = structuredClone(input) as { readings: (string | number | bigint)[] };
      tampered.readings[0] = BigInt(tampered.readings[0]) + 1n; // no longer what the meter signed
      await assert.rejects(computeWitnessNative(tampered, gen!), /witness generation failed .*billing_1d.*: the inputs do not satisfy the circuit's constraints/);
      await assert.rejects(computeWitnessNative({ ...input, nonsense: 1 }, gen!), /the circuit has no input signal "nonsense"/);
      const { readings: _dropped, ...missing } = input as Record<string, unknown>;
      await assert.rejects(computeWitnessNative(missing, gen!), /input signal value\(s\) missing/);
    });

    test('one long-lived process per generator: witnesses at once, in turn, after an abort and a bad input', async () => {
      const { input } = await randomInput('billing_1d');
      const wasmOf = (i: Record<string, unknown>) => computeWitnessWasm(i, artifactsOf('billing_1d').wasm);
      await computeWitnessNative(input, gen!);
      const running = witnessProcesses();
      assert.equal(running.length, 1, 'one generator process, still running after its answer');
      const inputs = await Promise.all([0, 1, 2].map(async () => (await randomInput('billing_1d')).input));
      const tampered = structuredClone(input) as { readings: (string | number | bigint)[] };
      tampered.readings[1] = BigInt(tampered.readings[1]) + 1n;
      // all at once: the requests queue; the tampered one aborts the process, the ones after it get a new one
      const settled = await Promise.allSettled([computeWitnessNative(inputs[0], gen!), computeWitnessNative(tampered, gen!), computeWitnessNative({ ...inputs[1], nonsense: 1 }, gen!), computeWitnessNative(inputs[2], gen!)]);
      assert.equal(settled[0].status, 'fulfilled');
      assert.match(String((settled[1] as PromiseRejectedResult).reason), /the inputs do not satisfy the circuit's constraints/);
      assert.match(String((settled[2] as PromiseRejectedResult).reason), /no input signal "nonsense"/);
      assert.equal(settled[3].status, 'fulfilled');
      for (const [i, k] of [[0, 0], [3, 2]] as const) {
        const bytes = (settled[i] as PromiseFulfilledResult<Uint8Array>).value;
        assert.equal(Buffer.compare(Buffer.from(bytes), Buffer.from(await wasmOf(inputs[k]))), 0, `witness ${i} of the batch`);
      }
      const after = witnessProcesses();
      assert.equal(after.length, 1);
      assert.notEqual(after[0], running[0], 'the aborted process was replaced');
      await releaseNative();
      assert.deepEqual(witnessProcesses(), [], 'releaseNative() stops the generators');
    });

    test('an idle generator process does not keep Node from exiting; releaseNative() ends it and returns', async () => {
      const { input } = await randomInput('billing_1d');
      const dir = mkdtempSync(join(tmpdir(), 'meterproof-exit-test-'));
      try {
        writeFileSync(join(dir, 'input.json'), JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
        const script = `import { readFileSync } from 'node:fs';
          import { computeWitnessNative, releaseNative } from ${JSON.stringify(join(import.meta.dirname, 'native-prover.ts'))};
          const w = await computeWitnessNative(JSON.parse(readFileSync(${JSON.stringify(join(dir, 'input.json'))}, 'utf8')), ${JSON.stringify(gen)});
          console.log(w.length);
          if (process.argv[2] === 'release') {
            await releaseNative();
            console.log('released');
          }`;
        writeFileSync(join(dir, 'run.mts'), script);
        for (const mode of ['idle', 'release']) {
          const started = Date.now();
          const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'run.mts'), mode], { encoding: 'utf8', timeout: 50_000 });
          // exit code 13 would be an await left pending on an empty event loop
          assert.equal(r.status, 0, `${mode}: exit ${r.status} ${r.signal ?? ''} ${r.stderr}`);
          const lines = r.stdout.trim().split('\n');
          assert.ok(Number(lines[0]) > 1000, `${mode}: a witness came back`);
          if (mode === 'release') assert.equal(lines[1], 'released');
          // the generator stops when idle only after a minute: exiting well before that means it did not hold Node
          assert.ok(Date.now() - started < 50_000, `${mode}: Node exited with the generator idle`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the native backend proves from the witness file the generator writes, and removes it', async () => {
      const a = artifactsOf('billing_1d');
      const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('meterproof-witness-')).sort();
      const before = leftovers();
      const { input } = await randomInput('billing_1d');
      const r = await nativeBackend.prove(input, a.wasm, a.zkey);
      assert.equal(await snarkjs.groth16.verify(vkeyOf('billing_1d'), r.publicSignals, r.proof), true);
      const tampered = structuredClone(input) as { readings: (string | number | bigint)[] };
      tampered.readings[0] = BigInt(tampered.readings[0]) + 1n;
      await assert.rejects(nativeBackend.prove(tampered, a.wasm, a.zkey), /the inputs do not satisfy the circuit's constraints/);
      assert.deepEqual(leftovers(), before, 'no witness file is left behind, proved or failed');
    });
  });

  describe('bad input: clean errors naming the file, the process keeps running', () => {
    let wtnsFile = '';
    let wtns: Uint8Array;
    before(async () => {
      const { input } = await randomInput('billing_1d');
      wtns = await computeWitnessWasm(input, artifactsOf('billing_1d').wasm);
      wtnsFile = join(TMP, 'billing_1d.wtns');
      writeFileSync(wtnsFile, wtns);
    });

    test('the witness file proves (control); ffjavascript agrees with the addon\'s own check', async () => {
      const r = await proveNative(artifactsOf('billing_1d').zkey, wtnsFile, { independentCheck: true });
      assert.ok(r.timings.checkMs > 0);
      assert.equal(await snarkjs.groth16.verify(vkeyOf('billing_1d'), r.publicSignals, r.proof), true);
    });

    test('proofs at once, of two circuits, each on buffers of its own; then one after another on the kept ones', async () => {
      const other = oneDay.find((c) => c.id !== 'billing_1d')!;
      const otherWtns = await computeWitnessWasm((await randomInput(other.id)).input, artifactsOf(other.id).wasm);
      const jobs: [string, Uint8Array][] = [['billing_1d', wtns], [other.id, otherWtns], ['billing_1d', wtns]];
      const atOnce = await Promise.all(jobs.map(([id, w]) => proveNative(artifactsOf(id).zkey, w)));
      const inTurn = [];
      for (const [id, w] of jobs) inTurn.push(await proveNative(artifactsOf(id).zkey, w));
      for (const [k, [id]] of jobs.entries()) {
        for (const r of [atOnce[k], inTurn[k]]) assert.equal(await snarkjs.groth16.verify(vkeyOf(id), r.publicSignals, r.proof), true, id);
      }
    });

    test('a zkey of another circuit', async () => {
      const other = oneDay.find((c) => c.id !== 'billing_1d')!;
      await assert.rejects(proveNative(artifactsOf(other.id).zkey, wtnsFile), (e: Error) => {
        assert.match(e.message, /billing_1d\.wtns/);
        assert.match(e.message, new RegExp(`${other.id}.*zkey|does not (match|verify)`));
        return true;
      });
    });

    test('a truncated witness', async () => {
      const cut = join(TMP, 'truncated.wtns');
      writeFileSync(cut, wtns.subarray(0, wtns.length - 1000));
      await assert.rejects(proveNative(artifactsOf('billing_1d').zkey, cut), /truncated\.wtns: truncated/);
      writeFileSync(cut, wtns.subarray(0, 20));
      await assert.rejects(proveNative(artifactsOf('billing_1d').zkey, cut), /truncated\.wtns: truncated/);
      writeFileSync(cut, new Uint8Array(0));
      await assert.rejects(proveNative(artifactsOf('billing_1d').zkey, cut), /truncated\.wtns: not a \.wtns/);
    });

    test('a witness that does not satisfy the constraints', async () => {
      const bad = new Uint8Array(wtns);
      // the last witness value (an internal signal) + 1
      const last = bad.length - 32;
      bad[last] = (bad[last] + 1) & 0xff;
      const badFile = join(TMP, 'unsatisfying.wtns');
      writeFileSync(badFile, bad);
      await assert.rejects(proveNative(artifactsOf('billing_1d').zkey, badFile), /unsatisfying\.wtns: the proof .* does not verify: the witness does not satisfy the constraints/);
      // and a value outside the field
      bad.fill(0xff, last, last + 32);
      writeFileSync(badFile, bad);
      await assert.rejects(proveNative(artifactsOf('billing_1d').zkey, badFile), /unsatisfying\.wtns: witness value \d+ is not a field element/);
    });

    test('a truncated or corrupt zkey, a missing file', async () => {
      const zkey = readFileSync(artifactsOf('billing_1d').zkey);
      const cut = join(TMP, 'truncated.zkey');
      writeFileSync(cut, zkey.subarray(0, Math.floor(zkey.length / 2)));
      await assert.rejects(proveNative(cut, wtnsFile), /truncated\.zkey: truncated \.zkey file/);
      const corrupt = join(TMP, 'corrupt.zkey');
      const z = new Uint8Array(zkey);
      z.set([0x77, 0x74, 0x6e, 0x73], 0);
      writeFileSync(corrupt, z);
      await assert.rejects(proveNative(corrupt, wtnsFile), /corrupt\.zkey: not a \.zkey file/);
      await assert.rejects(proveNative(join(TMP, 'missing.zkey'), wtnsFile), /missing\.zkey: cannot open/);
    });

    test('the witness as bytes, named in errors', async () => {
      await assert.rejects(proveNative(artifactsOf('billing_1d').zkey, wtns.subarray(0, 100), { witnessName: 'my-witness' }), /my-witness: truncated/);
      const r = await proveNative(artifactsOf('billing_1d').zkey, wtns);
      assert.equal(await snarkjs.groth16.verify(vkeyOf('billing_1d'), r.publicSignals, r.proof), true);
    });
  });
});
