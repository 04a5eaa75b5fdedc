import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

/** A main component over circuits/lib/packed_select.circom (`body` may define a Harness template). */
function harness(name: string, body: string) {
  const compiled = compileTestCircuit(`kinds-${name}`, (dir) => `pragma circom 2.1.0;\ninclude "${includeFrom(dir, 'circuits/lib/packed_select.circom')}";\n${body}\n`);
  return async (input: Record<string, unknown>): Promise<bigint[]> => {
    const w = { type: 'mem' };
    await snarkjs.wtns.calculate(input, (await compiled).wasm, w);
    return (await snarkjs.wtns.exportJson(w)) as bigint[];
  };
}
const fails = (p: Promise<unknown>) => assert.rejects(p, /Assert Failed/);

/** PackedSelect with the index given as a number (its bits from a Num2Bits, as the preconditions ask). */
const selectHarness = (n: number, digitBits: number, group: number, bits: number) => `
template Harness() {
    signal input values[${n}];
    signal input index;
    signal output out;
    component b = Num2Bits(${bits});
    b.in <== index;
    component p = PackedSelect(${n}, ${digitBits}, ${group}, ${bits});
    p.values <== values;
    p.indexBits <== b.out;
    out <== p.out;
}
component main = Harness();`;

describe('PackedSelect returns values[index] for every index', () => {
  // 37 values of 6 bits: not a multiple of any group, so the last packed element is partial.
  const values = Array.from({ length: 37 }, (_, i) => (i * 29 + 5) % 64);
  values[36] = 63;
  values[0] = 0;
  for (const group of [1, 4, 8]) {
    test(`group ${group}`, async () => {
      const run = harness(`packed-select-37-6-g${group}`, selectHarness(37, 6, group, 6));
      for (let index = 0; index < 37; index++) {
        assert.equal((await run({ values, index }))[1], BigInt(values[index]), `values[${index}]`);
      }
    });
  }
});

describe('BitsIndexedMux', () => {
  const run = harness('bits-indexed-mux-5-3', 'component main = BitsIndexedMux(5, 3);');
  test('picks in[index] for every index below m, with a node lacking a sibling', async () => {
    const input = [11, 22, 33, 44, 55];
    for (let index = 0; index < 5; index++) {
      const sel = [0, 1, 2].map((b) => (index >> b) & 1);
      assert.equal((await run({ in: input, sel }))[1], BigInt(input[index]));
    }
  });
});

describe('packedSelectGroup picks the cheapest packing for 14-bit readings', () => {
  const run = harness('packed-select-group', `
template Groups() {
    signal output g1 <== packedSelectGroup(48, 14);
    signal output g7 <== packedSelectGroup(336, 14);
    signal output g31 <== packedSelectGroup(1488, 14);
}
component main = Groups();`);
  test('1 day: no packing, 7 days: 4, 31 days: 8', async () => {
    assert.deepEqual((await run({})).slice(1, 4), [1n, 4n, 8n]);
  });
});

describe('DigitsOf makes the unpacking unique', () => {
  const digits = [5, 0, 63, 17];
  const packed = digits.reduce((sum, d, i) => sum + BigInt(d) * 64n ** BigInt(i), 0n);
  const check = harness('digits-of-4-6', 'component main = DigitsOf(4, 6);');
  const unchecked = harness('digits-without-range-4-6', `
template Unchecked(count, digitBits) {
    signal input packed;
    signal input digit[count];
    var sum = 0;
    for (var i = 0; i < count; i++) { sum += digit[i] * (1 << (digitBits * i)); }
    sum === packed;
}
component main = Unchecked(4, 6);`);
  test('the true digits pass', async () => void (await check({ packed: packed.toString(), digit: digits })));
  test('digits moved by 2^6 between neighbours (same sum) are refused; without the range checks they would pass', async () => {
    // digit 2 lowered by one, digit 1 raised by 64: the sum is unchanged.
    const moved = [digits[0], digits[1] + 64, digits[2] - 1, digits[3]];
    assert.equal(moved.reduce((sum, d, i) => sum + BigInt(d) * 64n ** BigInt(i), 0n), packed);
    await unchecked({ packed: packed.toString(), digit: moved });
    await fails(check({ packed: packed.toString(), digit: moved }));
  });
});
