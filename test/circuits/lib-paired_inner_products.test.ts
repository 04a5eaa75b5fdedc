/**
 * LongPairedInnerProducts: the quarter's (4,416 slots) inner products in blocks of 2,048 agree with exact
 * bigint sums at the extremes the digit bound allows (14-bit readings at their maximum, prices and values
 * at ±(2^24 - 1)), where a single 50-bit lane over all 4,416 slots would overflow (4,416 · 2^38 > 2^50).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { compileTestCircuit, includeFrom } from '../../circuits/compile.js';
import { releaseCurve } from '../../prover/backend.js';
import { SNARK_FIELD } from '../../core/field.js';

after(releaseCurve);

const N = 92 * 48;
const MAX = (1n << 24n) - 1n;
const compiled = compileTestCircuit(`long-paired-${N}`, (dir) => `pragma circom 2.1.0;\ninclude "${includeFrom(dir, 'circuits/lib/paired_inner_products.circom')}";\ncomponent main = LongPairedInnerProducts(${N});\n`);

/** w[i] = p_a + 2^50 p_b + 2^100 v_a + 2^150 v_b (mod r) for the slot pair (a, b) = (2i, 2i + 1). */
const pack = (p: bigint[], v: bigint[]) =>
  Array.from({ length: N / 2 }, (_, i) => (((p[2 * i] + (p[2 * i + 1] << 50n) + (v[2 * i] << 100n) + (v[2 * i + 1] << 150n)) % SNARK_FIELD) + SNARK_FIELD) % SNARK_FIELD);
const signed = (x: bigint) => (x > SNARK_FIELD / 2n ? x - SNARK_FIELD : x);

async function products(x: bigint[], p: bigint[], v: bigint[]): Promise<[bigint, bigint]> {
  const w = { type: 'mem' };
  await snarkjs.wtns.calculate({ x: x.map(String), w: pack(p, v).map(String) }, (await compiled).wasm, w);
  const witness = (await snarkjs.wtns.exportJson(w)) as bigint[];
  return [signed(witness[1]), signed(witness[2])];
}
const dot = (x: bigint[], y: bigint[]) => x.reduce((s, xi, i) => s + xi * y[i], 0n);

describe('LongPairedInnerProducts over 92 days of slots', () => {
  const full = Array<bigint>(N).fill(16383n);
  for (const [name, p, v] of [
    ['every product at +max', Array<bigint>(N).fill(MAX), Array<bigint>(N).fill(MAX)],
    ['every product at -max', Array<bigint>(N).fill(-MAX), Array<bigint>(N).fill(-MAX)],
    ['alternating signs', Array.from({ length: N }, (_, i) => (i % 2 ? MAX : -MAX)), Array.from({ length: N }, (_, i) => (i % 3 ? -MAX : MAX))],
  ] as const) {
    test(`${name}: both sums exact`, async () => {
      assert.deepEqual(await products(full, [...p], [...v]), [dot(full, [...p]), dot(full, [...v])]);
    });
  }
  test('mixed readings in every block, including the short last one', async () => {
    const x = Array.from({ length: N }, (_, i) => BigInt((i * 7919) % 16384));
    const p = Array.from({ length: N }, (_, i) => BigInt(((i * 104729) % 33554431) - 16777215));
    const v = Array.from({ length: N }, (_, i) => BigInt(((i * 15485863) % 33554431) - 16777215));
    assert.deepEqual(await products(x, p, v), [dot(x, p), dot(x, v)]);
  });
});
