import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { field, libHarness, rejectsWitness } from '../support/lib-harness.js';
import { blockChargeOf, tierOf } from '../../kinds/tiered/reference.js';
import { releaseCurve } from '../../prover/backend.js';

after(releaseCurve);

const f = field;
const fails = rejectsWitness;
const harness = (name: string, main: string) => libHarness(name, 'tiers.circom', main);

describe('MuxByIndexBits', () => {
  const mux = harness('tiers-mux-by-index-bits-3', 'MuxByIndexBits(3)');
  test('returns every entry of an 8-entry table, negative ones included', async () => {
    const table = [5, -7, 11, 0, 13, 2 ** 40, -1, 9];
    for (let i = 0; i < 8; i++) {
      const bits = [i & 1, (i >> 1) & 1, (i >> 2) & 1];
      assert.equal((await mux({ table: table.map(f), bits }))[1], BigInt(table[i]), `index ${i}`);
    }
  });
});

// Small widths (n = 6: values 0..63) so that every value can be tried.
const N = 6;
const TOP = 2 ** N;
const TABLES: { name: string; bounds: number[]; values: number[] }[] = [
  { name: 'four tiers', bounds: [10, 20, 40], values: [100, -200, 300, 400] },
  { name: 'two tiers padded with empty tiers at the top', bounds: [33, TOP, TOP], values: [7, 9, 0, 0] },
  { name: 'an empty first tier and a tier of one value', bounds: [0, 17, 18], values: [1, 2, 3, 4] },
  { name: 'one tier covering everything', bounds: [TOP, TOP, TOP], values: [42, 0, 0, 0] },
];

describe('TierLookup agrees with a scan of the table for every value', () => {
  const lookup = harness('tiers-tier-lookup-2-6', `TierLookup(2, ${N})`);
  for (const t of TABLES) {
    test(t.name, async () => {
      for (let x = 0; x < TOP; x++) {
        const w = await lookup({ x, bounds: t.bounds, values: t.values.map(f) });
        const tier = tierOf(x, t.bounds);
        assert.deepEqual([w[1], w[2]], [BigInt(tier), BigInt(t.values[tier])], `x = ${x}`);
      }
    });
  }
  test('a value beyond the declared width has no witness', async () => {
    await fails(lookup({ x: TOP, bounds: [10, 20, 40], values: [1, 2, 3, 4] }));
  });
});

describe('TierOf accepts only the tier that contains x (a prover cannot name another)', () => {
  const tierOfCircuit = harness('tiers-tier-of-2-6', `TierOf(2, ${N})`);
  for (const t of TABLES) {
    test(t.name, async () => {
      for (let x = 0; x < TOP; x += 3) {
        const right = tierOf(x, t.bounds);
        for (let tier = 0; tier <= 4; tier++) {
          const run = tierOfCircuit({ x, bounds: t.bounds, values: t.values.map(f), tier });
          if (tier === right) assert.equal((await run)[1], BigInt(t.values[tier]));
          else await fails(run);
        }
      }
    });
  }
});

describe('NonDecreasingWithin', () => {
  const check = harness('tiers-non-decreasing-3-7', `NonDecreasingWithin(3, 7, ${TOP})`);
  test('accepts ordered tables within [0, top], equal neighbours included', async () => {
    for (const v of [[0, 10, TOP], [5, 5, 5], [TOP, TOP, TOP], [0, 0, 0]]) await check({ v });
  });
  test('refuses a decrease, a value above top and a negative value', async () => {
    await fails(check({ v: [10, 5, 20] }));
    await fails(check({ v: [0, 1, TOP + 1] }));
    await fails(check({ v: [f(-1), 1, 2] }));
  });
});

describe('BlockCharge agrees with filling the blocks one after the other', () => {
  const charge = harness('tiers-block-charge-3-10', 'BlockCharge(3, 10)');
  const tables = [
    { name: 'increasing rates', bounds: [100n, 400n], rates: [1000n, 2500n, 4000n] },
    { name: 'a volume discount (decreasing rates, one negative)', bounds: [0n, 700n], rates: [9000n, 3000n, -500n] },
    { name: 'two blocks padded with a repeated rate', bounds: [300n, 300n], rates: [-12000n, 48000n, 48000n] },
  ];
  for (const t of tables) {
    test(t.name, async () => {
      for (const total of [0n, 1n, 99n, 100n, 101n, 300n, 399n, 400n, 401n, 700n, 1023n]) {
        const w = await charge({ total: String(total), bounds: t.bounds.map(f), rates: t.rates.map(f) });
        assert.equal(w[1], blockChargeOf(total, t), `total ${total}`);
      }
    });
  }
  test('a total beyond the declared width has no witness', async () => {
    await fails(charge({ total: 2 ** 10 + 500, bounds: [0, 0], rates: [1, 1, 1] }));
  });
});
