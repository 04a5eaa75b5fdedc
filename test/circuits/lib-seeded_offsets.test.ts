import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { seededOffsets } from '../../kinds/sampling/reference.js';
import { SNARK_FIELD, toField } from '../../core/field.js';
import { poseidonHash } from '../../meter/crypto.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

/** A main component over circuits/lib/seeded_offsets.circom (`body` may define a Harness template). */
function harness(name: string, body: string) {
  const compiled = compileTestCircuit(`kinds-${name}`, (dir) => `pragma circom 2.1.0;\ninclude "${includeFrom(dir, 'circuits/lib/seeded_offsets.circom')}";\n${body}\n`);
  return async (input: Record<string, unknown>): Promise<bigint[]> => {
    const w = { type: 'mem' };
    await snarkjs.wtns.calculate(input, (await compiled).wasm, w);
    return (await snarkjs.wtns.exportJson(w)) as bigint[];
  };
}
const fails = (p: Promise<unknown>) => assert.rejects(p, /Assert Failed/);
const bitsOf = (x: bigint) => Array.from({ length: 254 }, (_, i) => Number((x >> BigInt(i)) & 1n));

describe('SeededOffsets agrees with the TypeScript derivation', () => {
  // 7 offsets: five from the first hash, two from the second; N = 48 × days for 1 … 7 days.
  const run = harness('seeded-offsets-7', 'component main = SeededOffsets(7, 48, 336, 9);');
  for (const seed of [0n, 1n, 123456789n, SNARK_FIELD - 1n, 0xfeedbeefn << 200n]) {
    test(`seed ${seed.toString(16).slice(0, 12)}…`, async () => {
      for (const days of [1, 2, 5, 7]) {
        const w = await run({ seed: seed.toString(), N: 48 * days });
        assert.deepEqual(w.slice(1, 8).map(Number), await seededOffsets(seed, days, 7), `${days} days`);
      }
    });
  }
});

describe('the canonical bit form is enforced (no second set of offsets)', () => {
  const canonical = harness('canonical-bits-of', 'component main = CanonicalBitsOf();');
  const booleanOnly = harness('bits-without-alias-check', `
template BooleanOnly() {
    signal input in;
    signal input bits[254];
    var sum = 0;
    for (var i = 0; i < 254; i++) { bits[i] * (bits[i] - 1) === 0; sum += bits[i] * (1 << i); }
    sum === in;
}
component main = BooleanOnly();`);

  test('a hash below 2^254 - r has a second 254-bit form h + r, with other offsets; only the canonical one passes', async () => {
    // Find a seed whose first hash has the alias (about a third of field elements do).
    let seed = 1n;
    let h = await poseidonHash([seed, 0n]);
    while (h + SNARK_FIELD >= 1n << 254n) h = await poseidonHash([++seed, 0n]);
    const alias = h + SNARK_FIELD;
    const chunksDiffer = [0, 1, 2, 3, 4].some((j) => ((h >> BigInt(50 * j)) & ((1n << 50n) - 1n)) !== ((alias >> BigInt(50 * j)) & ((1n << 50n) - 1n)));
    assert.ok(chunksDiffer, 'the alias gives other chunks');

    await canonical({ in: h.toString(), bits: bitsOf(h) });
    await booleanOnly({ in: h.toString(), bits: bitsOf(alias) }); // booleanity and recomposition alone accept the alias
    await fails(canonical({ in: h.toString(), bits: bitsOf(alias) }));
  });
});

describe('DivModCheck accepts only the Euclidean division', () => {
  const check = harness('div-mod-check', 'component main = DivModCheck(50, 11, 1344);');
  const chunk = (1n << 50n) - 12345n;
  const N = 1488n;
  const q = chunk / N;
  const offset = chunk % N;
  const inv = (x: bigint) => {
    let [a, b, e] = [x % SNARK_FIELD, SNARK_FIELD - 2n, 1n];
    for (; b > 0n; b >>= 1n, a = (a * a) % SNARK_FIELD) if (b & 1n) e = (e * a) % SNARK_FIELD;
    return e;
  };
  const run = (qq: bigint, off: bigint) => check({ chunk: chunk.toString(), N: N.toString(), q: toField(qq).toString(), offset: toField(off).toString() });

  test('the true quotient and remainder pass', async () => {
    const w = await run(q, offset);
    assert.equal(w.slice(1, 12).reduce((sum, bit, i) => sum + bit * (1n << BigInt(i)), 0n), offset, 'offset bits');
  });
  test('remainder + N (quotient - 1) is refused', () => fails(run(q - 1n, offset + N)));
  test('remainder - N (quotient + 1) is refused', () => fails(run(q + 1n, offset - N)));
  test('another remainder with the field quotient that fits it is refused', () => {
    const other = (offset + 1n) % N;
    return fails(run(((chunk - other + SNARK_FIELD) * inv(N)) % SNARK_FIELD, other));
  });
});
