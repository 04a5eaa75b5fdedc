import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

/** `instance` of circuits/lib/day_totals.circom as a main component; returns the witness function. */
function harness(name: string, instance: string) {
  const compiled = compileTestCircuit(`kinds-${name}`, (dir) => `pragma circom 2.1.0;\ninclude "${includeFrom(dir, 'circuits/lib/day_totals.circom')}";\ncomponent main = ${instance};\n`);
  return async (input: Record<string, unknown>): Promise<bigint[]> => {
    const w = { type: 'mem' };
    await snarkjs.wtns.calculate(input, (await compiled).wasm, w);
    return (await snarkjs.wtns.exportJson(w)) as bigint[];
  };
}
const fails = (p: Promise<unknown>) => assert.rejects(p, /Assert Failed/);

describe('DayTotals', () => {
  const run = harness('day-totals-3', 'DayTotals(3)');
  test('sums each day of 48 readings', async () => {
    const readings = Array.from({ length: 144 }, (_, i) => (i * 37) % 16384);
    const expected = [0, 1, 2].map((d) => BigInt(readings.slice(48 * d, 48 * d + 48).reduce((a, b) => a + b, 0)));
    assert.deepEqual((await run({ readings })).slice(1, 4), expected);
  });
});

describe('DaysInPeriod', () => {
  const run = harness('days-in-period-5-2', 'DaysInPeriod(5, 2)');
  for (const days of [2, 3, 4, 5]) {
    test(`${days} days: exactly days 0 … ${days - 1} are inside`, async () => {
      const w = await run({ days });
      assert.deepEqual(w.slice(1, 6), [0, 1, 2, 3, 4].map((d) => (d < days ? 1n : 0n)));
    });
  }
  test('a length outside [minDays, maxDays] has no witness', async () => {
    await fails(run({ days: 1 }));
    await fails(run({ days: 6 }));
    await fails(run({ days: 0 }));
  });
});
