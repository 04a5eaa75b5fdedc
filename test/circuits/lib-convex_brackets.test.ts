import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { dailyRebate } from '../../kinds/rebate/reference.js';
import { toField } from '../../core/field.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

// BracketSchedule(3, 8, 8) with top 255, its bases evaluated as f(x) = base[k] + rate[k] * x on the
// bracket holding x (0 below the first start), through PiecewiseLinearByInterval over x in [0, 2^8).
const compiled = compileTestCircuit('kinds-convex-brackets-3-8', (dir) => `pragma circom 2.1.0;
include "${includeFrom(dir, 'circuits/lib/convex_brackets.circom')}";
include "${includeFrom(dir, 'circuits/lib/piecewise_linear.circom')}";
template Harness(K, nx, nr) {
    signal input x;
    signal input starts[K];
    signal input rates[K];
    signal output out;
    component schedule = BracketSchedule(K, nx, nr);
    schedule.starts <== starts;
    schedule.rates <== rates;
    schedule.top <== (1 << nx) - 1;
    // piece 0: below the first start; piece k + 1: bracket k
    component f = PiecewiseLinearByInterval(K + 1, nx);
    f.x <== x;
    f.lower[0] <== 0;
    f.upper[0] <== starts[0] - 1;
    f.intercept[0] <== 0;
    f.slope[0] <== 0;
    for (var k = 0; k < K; k++) {
        f.lower[k + 1] <== starts[k];
        f.upper[k + 1] <== k == K - 1 ? (1 << nx) - 1 : starts[k + 1] - 1;
        f.intercept[k + 1] <== schedule.base[k];
        f.slope[k + 1] <== rates[k];
    }
    out <== f.out;
}
component main = Harness(3, 8, 8);
`);

async function run(x: number | bigint, starts: (number | bigint)[], rates: (number | bigint)[]): Promise<bigint> {
  const w = { type: 'mem' };
  const f = (v: number | bigint) => toField(BigInt(v)).toString();
  await snarkjs.wtns.calculate({ x: f(x), starts: starts.map(f), rates: rates.map(f) }, (await compiled).wasm, w);
  return ((await snarkjs.wtns.exportJson(w)) as bigint[])[1];
}
const fails = (p: Promise<unknown>) => assert.rejects(p, /Assert Failed/);
const reference = (x: number, starts: number[], rates: number[]) => dailyRebate(x, starts.map((fromWh, k) => ({ fromWh, rate: BigInt(rates[k]) })));

describe('BracketSchedule bases give the rebate of paying each unit at its bracket rate', () => {
  const schedules: [number[], number[]][] = [
    [[0, 10, 50], [1, 3, 7]],
    [[0, 0, 100], [0, 5, 5]], // empty first bracket, flat top (a padded schedule)
    [[20, 21, 255], [2, 200, 255]], // dead zone below 20, widest values
    [[0, 255, 255], [255, 255, 255]], // a single linear bracket
  ];
  for (const [starts, rates] of schedules) {
    test(`starts [${starts}], rates [${rates}]`, async () => {
      for (const x of [0, 1, 9, 10, 11, 19, 20, 21, 22, 49, 50, 51, 99, 100, 101, 200, 254, 255]) {
        assert.equal(await run(x, starts, rates), reference(x, starts, rates), `f(${x})`);
      }
    });
  }
});

describe('BracketSchedule refuses schedules that are not convex or not in range', () => {
  test('control: a valid schedule passes', async () => void (await run(5, [0, 10, 50], [1, 3, 7])));
  test('decreasing rates (concave)', () => fails(run(5, [0, 10, 50], [1, 3, 2])));
  test('a negative rate', () => fails(run(5, [0, 10, 50], [-1, 3, 7])));
  test('decreasing starts', () => fails(run(5, [0, 50, 10], [1, 3, 7])));
  test('a negative start', () => fails(run(5, [-1, 10, 50], [1, 3, 7])));
  test('a start beyond the top', () => fails(run(5, [0, 10, 256], [1, 3, 7])));
  test('a rate beyond the width', () => fails(run(5, [0, 10, 50], [1, 3, 256])));
});
