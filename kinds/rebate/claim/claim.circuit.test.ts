import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileCircuit, inspectCircuit, r1csInfo } from '../../../circuits/compile.js';
import { SNARK_FIELD } from '../../../core/field.js';
import { artifactsOf } from '../../../core/paths.js';
import { assembleBundle, type Bundle } from '../../../meter/bundle.js';
import { generateMeterKey } from '../../../meter/meter-key.js';
import { releaseCurve } from '../../../prover/backend.js';
import { certifiedRealPeriod, certifyPeriod, hasSharedData, REAL_HOUSEHOLDS, syntheticReadings } from '../../../test/support/fixtures.js';
import { readSymbols, type SymbolTable } from '../../../test/support/sym.js';
import { computeWitness, editedInput, editWitness, witnessFile, witnessRefused, witnessSatisfies } from '../../../test/support/witness.js';
import { getCircuit } from '../../registry.js';
import { claimWitnessInput, parseChainScheme, registrationLeaf, RegistryTree, schemeCommitment, unpackClaimSignals, type ChainScheme } from './circuit.js';
import { exampleChainScheme } from './example.js';
import { claimFamily } from './kind.js';
import { referenceClaim } from './reference.js';

const C = getCircuit('claim_1d');
const PAYOUT = '0x00000000000000000000000000000000c1a1e0ff';
const scheme = (id?: string, start = '2023-01-02') => parseChainScheme(exampleChainScheme({ id, start, periodDays: 1, periods: 30 }));

let sym: SymbolTable;
before(async () => {
  await compileCircuit(C);
  sym = readSymbols(artifactsOf(C.id).sym);
});
after(releaseCurve);

/** Three registered meters; meter 1 certified `readings` for period `index` of `s`. */
async function registered(o: { index?: number; readings?: number[]; s?: ChainScheme } = {}) {
  const s = o.s ?? scheme();
  const index = o.index ?? 3;
  const keys = await Promise.all(['MTR-A', 'MTR-B', 'MTR-C'].map((id) => generateMeterKey(id)));
  const leaves = await Promise.all(keys.map((k) => registrationLeaf(k.meterId, k.publicKey)));
  const tree = await RegistryTree.build(leaves, C.params.depth);
  const { bundle } = await certifyPeriod({ startDay: s.gridStart + index * s.periodDays, readings: o.readings ?? syntheticReadings(1, 7).map((x) => x >> 2), key: keys[1] });
  return { s, index, keys, tree, bundle };
}

async function outputs(input: Record<string, unknown>) {
  const w = await computeWitness(C.id, input);
  return unpackClaimSignals(w.slice(1, 5), C);
}

describe('claim circuit agrees with the reference', () => {
  test('nullifier and rebate on generated readings; the public inputs are those given', async () => {
    const { s, index, tree, bundle } = await registered();
    const commitment = await schemeCommitment(s, C.params.brackets);
    const out = await outputs(await claimWitnessInput({ bundle, scheme: s, periodIndex: index, tree, payout: PAYOUT }, C));
    const expected = await referenceClaim(bundle, s, index, commitment);
    assert.ok(expected.rebate > 0n);
    assert.deepEqual(out, { ...expected, root: tree.root, schemeCommitment: commitment, periodIndex: index, payout: BigInt(PAYOUT) });
  });

  test('a day above the threshold earns 0', async () => {
    const { s, index, tree, bundle } = await registered({ readings: Array(48).fill(300) }); // 14.4 kWh
    assert.equal((await outputs(await claimWitnessInput({ bundle, scheme: s, periodIndex: index, tree, payout: PAYOUT }, C))).rebate, 0n);
  });

  test('the nullifier: one per meter, scheme and period, whoever holds the meter’s readings', async () => {
    const { s, keys, tree } = await registered();
    const c = await schemeCommitment(s, C.params.brackets);
    // the meter records days 3, 4, 5; the tenant who leaves after day 3 and the one who moves in both
    // assemble day 3 from the meter's records: one meter, one signature per day, one nullifier
    const meter = await certifyPeriod({ startDay: s.gridStart + 3, readings: syntheticReadings(3, 4).map((x) => x >> 2), key: keys[1] });
    const day = (d: number) => assembleBundle(keys[1].meterId, keys[1].publicKey, meter.records, s.gridStart + d, 1);
    const leaving = await referenceClaim(day(3), s, 3, c);
    const movingIn = await outputs(await claimWitnessInput({ bundle: day(3), scheme: s, periodIndex: 3, tree, payout: '0x00000000000000000000000000000000000000aa' }, C));
    assert.equal(movingIn.nullifier, leaving.nullifier, 'the same period through two households');
    assert.notEqual((await referenceClaim(day(4), s, 4, c)).nullifier, leaving.nullifier, 'the next period');
    // the same readings signed by another meter, the same period under another scheme: other nullifiers
    const other = await certifyPeriod({ startDay: s.gridStart + 3, readings: day(3).readingsWh, key: keys[2] });
    assert.notEqual((await referenceClaim(other.bundle, s, 3, c)).nullifier, leaving.nullifier);
    const s2 = scheme('another-scheme');
    assert.notEqual((await referenceClaim(day(3), s2, 3, await schemeCommitment(s2, C.params.brackets))).nullifier, leaving.nullifier);
  });

  test('the registry tree: a leaf at every position and an empty tree', async () => {
    const leaves = [11n, 22n, 33n, 44n, 55n];
    const tree = await RegistryTree.build(leaves, 3);
    const { poseidonHash } = await import('../../../meter/crypto.js');
    const h = (a: bigint, b: bigint) => poseidonHash([a, b]);
    const z1 = await h(0n, 0n);
    const full = await h(await h(await h(11n, 22n), await h(33n, 44n)), await h(await h(55n, 0n), z1));
    assert.equal(tree.root, full);
    for (let i = 0; i < leaves.length; i++) {
      const { siblings, pathBits } = tree.path(i);
      let node = leaves[i];
      for (let l = 0; l < 3; l++) node = pathBits[l] ? await h(siblings[l], node) : await h(node, siblings[l]);
      assert.equal(node, full, `leaf ${i}`);
    }
    const z2 = await h(z1, z1);
    assert.equal((await RegistryTree.build([], 3)).root, await h(z2, z2));
  });
});

describe('claim circuit refuses cheats', () => {
  let honest: Record<string, string | string[]>;
  let setup: Awaited<ReturnType<typeof registered>>;
  let otherCommitment: bigint;
  before(async () => {
    setup = await registered();
    otherCommitment = await schemeCommitment(scheme('other'), C.params.brackets);
    honest = await claimWitnessInput({ bundle: setup.bundle, scheme: setup.s, periodIndex: setup.index, tree: setup.tree, payout: PAYOUT }, C);
  });
  const rejects = (change: (i: Record<string, string | string[]>) => void) => witnessRefused(C.id, editedInput(honest, change));
  /** The honest witness with `wire` moved by `delta` must not satisfy the r1cs. */
  async function editedFails(wire: string, delta = 1n) {
    const path = await witnessFile(C.id, honest);
    assert.equal(await witnessSatisfies(C.id, path), true, 'control: the honest witness satisfies the r1cs');
    const index = sym.wire(wire);
    assert.ok(index !== undefined, `${wire} is a wire`);
    editWitness(path, index, delta, SNARK_FIELD);
    assert.equal(await witnessSatisfies(C.id, path), false, `${wire} edited`);
  }

  test('the honest input passes (control)', async () => void (await computeWitness(C.id, honest)));

  test('a meter that is not registered (its leaf is in no tree with this root)', async () => {
    const outsider = await generateMeterKey('MTR-OUT');
    const { bundle } = await certifyPeriod({ startDay: setup.bundle.startDay, readings: setup.bundle.readingsWh, key: outsider });
    const own = await RegistryTree.build([await registrationLeaf(outsider.meterId, outsider.publicKey)], C.params.depth);
    const input = await claimWitnessInput({ bundle, scheme: setup.s, periodIndex: setup.index, tree: own, payout: PAYOUT }, C);
    input.root = String(setup.tree.root); // the scheme's root, its own path
    await assert.rejects(computeWitness(C.id, input), /Assert Failed/);
  });
  test('wrong leaf: another registered meter’s id (r1cs)', () => editedFails('main.meterId'));
  test('wrong leaf: the key (Ax) edited (r1cs)', () => editedFails('main.Ax'));
  test('forged Merkle path: a sibling edited (generator and r1cs)', async () => {
    await rejects((i) => ((i.siblings as string[])[0] = String(BigInt((i.siblings as string[])[0]) + 1n)));
    await editedFails('main.siblings[5]');
  });
  test('forged Merkle path: a path bit flipped or not a bit', async () => {
    await rejects((i) => ((i.pathBits as string[])[0] = (i.pathBits as string[])[0] === '1' ? '0' : '1'));
    await editedFails('main.pathBits[0]', 2n);
  });
  test('another meter’s readings presented with a registered meter’s leaf', async () => {
    const { bundle } = await certifyPeriod({ startDay: setup.bundle.startDay, readings: syntheticReadings(1, 3).map((x) => x >> 3), key: setup.keys[2] });
    const theirs = await claimWitnessInput({ bundle, scheme: setup.s, periodIndex: setup.index, tree: setup.tree, payout: PAYOUT }, C);
    // meter C's signed readings and signature, meter B's id, key and path
    await rejects((i) => Object.assign(i, { readings: theirs.readings, chainStart: theirs.chainStart, pending: theirs.pending, R8x: theirs.R8x, R8y: theirs.R8y, S: theirs.S }));
  });
  test('a reading lowered (a larger rebate)', async () => {
    await rejects((i) => ((i.readings as string[])[10] = String(Number((i.readings as string[])[10]) - 1)));
    await editedFails('main.readings[10]', SNARK_FIELD - 1n);
  });
  test('edited nullifier (r1cs): a second claim for the same meter and period', () => editedFails('main.nullifier'));
  test('edited payout (r1cs): a copied claim redirected', async () => {
    await editedFails('main.terms'); // the public terms: another payout address
    await editedFails('main.payout'); // the private payout alone, or 2^160 more (past the range check)
    await editedFails('main.payout', 1n << 160n);
  });
  test('a larger rebate in the terms', async () => {
    await rejects((i) => (i.terms = String(BigInt(i.terms as string) + (1n << 176n))));
    await editedFails('main.terms', 1n << 176n);
  });
  test('edited period index, scheme commitment, root (r1cs)', async () => {
    for (const w of ['main.periodIndex', 'main.schemeCommitment', 'main.root']) await editedFails(w);
  });
  test('another scheme’s commitment, or the period of another day', async () => {
    await rejects((i) => (i.schemeCommitment = String(otherCommitment)));
    await rejects((i) => (i.periodIndex = String(setup.index + 1)));
    await rejects((i) => (i.top = '20000')); // a more generous threshold than committed
  });
});

describe('instances', () => {
  test('claim_1d within its budget; the 31-day target is 1.3 × rebate_31d (budget declared in kind.ts)', async () => {
    const n = (await r1csInfo(artifactsOf(C.id).r1cs)).nConstraints;
    assert.ok(n <= C.budget!, `${n} constraints`);
    assert.ok(getCircuit('claim_31d').budget! <= Math.floor(1.3 * 32_422));
    assert.deepEqual(claimFamily.testCircuits, ['claim_1d']);
  });
  test('circom2 --inspect reports nothing unjustified', async () => assert.deepEqual(await inspectCircuit(C), []));
});

describe('real data: London households, one day of March 2013', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  for (const household of REAL_HOUSEHOLDS.slice(0, 3)) {
    test(household, async () => {
      const s = scheme(undefined, '2013-03-01');
      const { bundle } = await certifiedRealPeriod(household, '2013-03-04', 1);
      const tree = await RegistryTree.build([5n, await registrationLeaf(bundle.meterId, bundle.publicKey)], C.params.depth);
      const out = await outputs(await claimWitnessInput({ bundle: bundle as Bundle, scheme: s, periodIndex: 3, tree, payout: PAYOUT }, C));
      const expected = await referenceClaim(bundle, s, 3, await schemeCommitment(s, 4));
      assert.deepEqual({ nullifier: out.nullifier, rebate: out.rebate }, expected);
    });
  }
});
