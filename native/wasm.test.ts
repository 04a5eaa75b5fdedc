/**
 * The prover core compiled to WebAssembly (native/build-wasm.mjs, emscripten): its proofs of billing_1d verify
 * under snarkjs, and bad input is a returned error, not a trap. Skips when build/native/wasm/ is not built
 * (emscripten is optional: Debian's emscripten package).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { setupCircuits } from '../cli/setup.js';
import { artifactsOf, BUILD_DIR } from '../core/paths.js';
import { releaseCurve } from '../prover/backend.js';
import { computeWitnessWasm } from './native-prover.js';
import { randomInput } from './test-support.js';

const WASM_DIR = join(BUILD_DIR, 'native', 'wasm');
const built = existsSync(join(WASM_DIR, 'prover.mjs')) && existsSync(join(WASM_DIR, 'prover.wasm'));

interface ProverModule {
  HEAPU8: Uint8Array;
  UTF8ToString(p: number): string;
  _mp_alloc(n: number): number;
  _mp_free(p: number): void;
  _mp_prove(z: number, zl: number, w: number, wl: number, threads: number): number;
}

function prove(m: ProverModule, zkey: Uint8Array, wtns: Uint8Array): any {
  const zp = m._mp_alloc(zkey.length);
  m.HEAPU8.set(zkey, zp);
  const wp = m._mp_alloc(wtns.length);
  m.HEAPU8.set(wtns, wp);
  const rp = m._mp_prove(zp, zkey.length, wp, wtns.length, 1);
  const out = JSON.parse(m.UTF8ToString(rp));
  m._mp_free(rp);
  m._mp_free(zp);
  m._mp_free(wp);
  return out;
}

describe('WebAssembly build of the native prover', { skip: built ? false : 'build/native/wasm/ not built (node native/build-wasm.mjs, needs emscripten)' }, () => {
  let m: ProverModule;
  let wtns: Uint8Array;
  before(async () => {
    await setupCircuits({ only: ['billing_1d'] });
    const { default: create } = await import(join(WASM_DIR, 'prover.mjs'));
    m = await create({ wasmBinary: readFileSync(join(WASM_DIR, 'prover.wasm')) });
    const { input } = await randomInput('billing_1d');
    wtns = await computeWitnessWasm(input, artifactsOf('billing_1d').wasm);
  });
  after(() => releaseCurve());

  test('a billing_1d proof that snarkjs verifies', async () => {
    const out = prove(m, readFileSync(artifactsOf('billing_1d').zkey), wtns);
    assert.equal(out.error, undefined);
    const vkey = JSON.parse(readFileSync(artifactsOf('billing_1d').vkey, 'utf8'));
    assert.equal(await snarkjs.groth16.verify(vkey, out.publicSignals, out.proof), true);
  });

  test('bad input is an error message, and the module keeps working', async () => {
    const zkey = readFileSync(artifactsOf('billing_1d').zkey);
    assert.match(prove(m, zkey, wtns.subarray(0, 500)).error, /the witness: truncated/);
    assert.match(prove(m, zkey.subarray(0, 1000), wtns).error, /the proving key: truncated/);
    assert.equal(prove(m, zkey, wtns).error, undefined);
  });
});
