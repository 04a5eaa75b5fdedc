import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { fromFieldSigned, toField } from '../../core/field.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

function harness(name: string, instance: string) {
  const compiled = compileTestCircuit(`kinds-${name}`, (dir) => `pragma circom 2.1.0;\ninclude "${includeFrom(dir, 'circuits/lib/piecewise_linear.circom')}";\ncomponent main = ${instance};\n`);
  return async (input: Record<string, unknown>): Promise<bigint> => {
    const w = { type: 'mem' };
    const f = (v: unknown): unknown => (Array.isArray(v) ? v.map(f) : toField(BigInt(v as number)).toString());
    await snarkjs.wtns.calculate(Object.fromEntries(Object.entries(input).map(([k, v]) => [k, f(v)])), (await compiled).wasm, w);
    return fromFieldSigned(((await snarkjs.wtns.exportJson(w)) as bigint[])[1]);
  };
}
const fails = (p: Promise<unknown>) => assert.rejects(p, /Assert Failed/);

// A function on [0, 255] with three pieces (disjoint intervals, so it need not be continuous):
//   [0, 40]: 100 - 2x;  [41, 99]: x - 20;
//   [100, 255]: 3x - 220; plus an empty piece [7, 6] that must never be chosen.
const PIECES = { lower: [0, 41, 7, 100], upper: [40, 99, 6, 255], intercept: [100, -20, 5, -220], slope: [-2, 1, 9, 3] };
const f = (x: number) => (x <= 40 ? 100 - 2 * x : x <= 99 ? x - 20 : 3 * x - 220);

describe('PiecewiseLinearByInterval', () => {
  const run = harness('piecewise-4-8', 'PiecewiseLinearByInterval(4, 8)');
  test('equals the function on every x of [0, 2^8), negative values included', async () => {
    for (let x = 0; x < 256; x += 3) assert.equal(await run({ x, ...PIECES }), BigInt(f(x)), `f(${x})`);
    for (const x of [40, 41, 99, 100, 255]) assert.equal(await run({ x, ...PIECES }), BigInt(f(x)), `f(${x})`);
  });
  test('an x in no interval has no witness', async () => {
    await fails(run({ x: 50, ...PIECES, upper: [40, 45, 6, 255] }));
  });
});

describe('PiecewiseLinearAt refuses a piece that does not hold x', () => {
  const at = harness('piecewise-at-4-8', 'PiecewiseLinearAt(4, 8)');
  test('the right piece passes (control)', async () => assert.equal(await at({ index: 1, x: 50, ...PIECES }), 30n));
  test('a piece below, a piece above, the empty piece, an index out of range', async () => {
    await fails(at({ index: 0, x: 50, ...PIECES }));
    await fails(at({ index: 3, x: 50, ...PIECES }));
    await fails(at({ index: 2, x: 6, ...PIECES }));
    await fails(at({ index: 2, x: 7, ...PIECES }));
    await fails(at({ index: 4, x: 50, ...PIECES }));
  });
});
