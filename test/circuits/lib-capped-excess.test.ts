import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { NO_CAP_WH } from '../../kinds/threshold/circuit.js';
import { SNARK_FIELD } from '../../core/field.js';
import { releaseCurve } from '../../prover/backend.js';
import { editWitness } from '../support/witness.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

after(releaseCurve);

// 20 values: one full group of 16 and a short group of 4 (the last public input packs fewer caps).
const N = 20;
const compiled = compileTestCircuit('capped-excess-20', (dir) => `pragma circom 2.1.0;\ninclude "${includeFrom(dir, 'circuits/lib/capped_excess.circom')}";\ncomponent main = CappedExcess(${N});\n`);

const pack = (caps: number[]) => Array.from({ length: Math.ceil(caps.length / 16) }, (_, g) => caps.slice(16 * g, 16 * g + 16).reduce((acc, c, j) => acc + (BigInt(c) << BigInt(15 * j)), 0n).toString());

async function outputs(x: number[], caps: number[]): Promise<{ excess: bigint[]; total: bigint }> {
  const w = { type: 'mem' };
  await snarkjs.wtns.calculate({ x, caps: pack(caps) }, (await compiled).wasm, w);
  const wires = (await snarkjs.wtns.exportJson(w)) as bigint[];
  return { excess: wires.slice(1, 1 + N), total: wires[1 + N] };
}

// Edge cases first (at, just over and far over the cap, no cap, cap 0), then household-like values.
const X = [0, 500, 501, 16383, 16383, 0, 7, 1200, 300, 299, 301, 16382, 1, 2, 3, 4, 9000, 9001, 8999, 0];
const CAPS = [0, 500, 500, 0, NO_CAP_WH, NO_CAP_WH, 6, 800, 300, 300, 300, 16383, 0, 16383, 2, 5, 9000, 9000, 9000, 16383];

describe('CappedExcess', () => {
  test('excess per value and total agree with max(0, x - cap)', async () => {
    const out = await outputs(X, CAPS);
    const expected = X.map((x, i) => BigInt(Math.max(0, x - CAPS[i])));
    assert.deepEqual(out.excess, expected);
    assert.equal(out.total, expected.reduce((a, b) => a + b, 0n));
    assert.ok(expected.some((e) => e === 0n) && expected.some((e) => e > 0n));
  });

  test('all values under their caps give a total of 0', async () => {
    const out = await outputs(X, X.map((x) => Math.min(NO_CAP_WH, x + 1)));
    assert.equal(out.total, 0n);
  });

  test('claiming a smaller excess breaks the constraints (edited witness)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mp-excess-')), 'w.wtns');
    await snarkjs.wtns.calculate({ x: X, caps: pack(CAPS) }, (await compiled).wasm, path);
    const quiet = { info() {}, warn() {}, error() {}, debug() {} };
    assert.equal(await snarkjs.wtns.check((await compiled).r1cs, path, quiet), true, 'control');
    editWitness(path, 1 + 2, -1n, SNARK_FIELD); // excess[2] (501 over a cap of 500) claimed as 0
    assert.equal(await snarkjs.wtns.check((await compiled).r1cs, path, quiet), false);
  });
});
