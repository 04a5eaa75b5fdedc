import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { field, libHarness, rejectsWitness } from '../support/lib-harness.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

const f = field;
const fails = rejectsWitness;
const harness = (name: string, main: string) => libHarness(name, 'comparators.circom', main);

describe('RangeCheck', () => {
  const run = harness('range-check-8', 'RangeCheck(8)');
  test('accepts 0 and 255', async () => {
    await run({ in: 0 });
    await run({ in: 255 });
  });
  test('refuses 256 and -1', async () => {
    await fails(run({ in: 256 }));
    await fails(run({ in: f(-1) }));
  });
});

describe('IsNonNegative, LessOrEqual, PositivePart agree with plain arithmetic', () => {
  const sign = harness('is-non-negative-8', 'IsNonNegative(8)');
  const le = harness('less-or-equal-8', 'LessOrEqual(8)');
  const relu = harness('positive-part-8', 'PositivePart(8)');
  test('over the whole signed range', async () => {
    for (let x = -255; x <= 255; x += 17) {
      assert.equal((await sign({ x: f(x) }))[1], x >= 0 ? 1n : 0n, `sign of ${x}`);
      assert.equal((await relu({ x: f(x) }))[1], BigInt(Math.max(0, x)), `max(0, ${x})`);
    }
    for (const [a, b] of [[0, 0], [3, 4], [4, 3], [255, 255], [0, 255], [255, 0]]) {
      assert.equal((await le({ a, b }))[1], a <= b ? 1n : 0n, `${a} <= ${b}`);
    }
  });
  test('refuse operands beyond the declared width instead of answering wrongly', async () => {
    await fails(sign({ x: 256 }));
    await fails(sign({ x: f(-257) }));
  });
});

describe('ArgMax picks the lowest index of the largest value', () => {
  const argmax = harness('argmax-4-8', 'ArgMax(4, 8)');
  const check = harness('argmax-of-4-8', 'ArgMaxOf(4, 8)');
  const reference = (v: number[]) => v.indexOf(Math.max(...v));
  for (const values of [[1, 9, 3, 9], [0, 0, 0, 0], [255, 0, 0, 255], [4, 3, 2, 1], [1, 2, 3, 4]]) {
    test(`[${values}]`, async () => {
      const w = await argmax({ values });
      assert.deepEqual([w[1], w[2]], [BigInt(reference(values)), BigInt(Math.max(...values))]);
    });
  }
  test('a later index among equals, a smaller value, or an index out of range is refused', async () => {
    await check({ values: [1, 9, 3, 9], index: 1 });
    await fails(check({ values: [1, 9, 3, 9], index: 3 }));
    await fails(check({ values: [1, 9, 3, 9], index: 2 }));
    await fails(check({ values: [1, 9, 3, 9], index: 4 }));
  });
});

describe('Select', () => {
  const select = harness('select-5', 'Select(5)');
  test('returns the indexed entry and refuses indices outside the table', async () => {
    assert.equal((await select({ table: [10, 20, 30, 40, 50], index: 3 }))[1], 40n);
    await fails(select({ table: [10, 20, 30, 40, 50], index: 5 }));
  });
});
