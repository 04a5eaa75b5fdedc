import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileCircuit } from '../../circuits/compile.js';
import { getCircuit } from '../registry.js';
import { padBlockTable, padTierTable, tieredStatement, tieredWitnessInput, type TieredStatement, type TieredTariff } from './circuit.js';
import { tieredKind } from './kind.js';
import { computeTieredBill } from './reference.js';
import { SNARK_FIELD } from '../../core/field.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { importReadingsCsv } from '../../meter/import/readings.js';
import { releaseCurve } from '../../prover/backend.js';
import { certifyPeriod, hasSharedData, sharedFile, syntheticReadings } from '../../test/support/fixtures.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../../test/support/witness.js';

const CIRCUITS = ['tiered_1d', 'tiered_7d'];

before(async () => {
  for (const id of CIRCUITS) await compileCircuit(getCircuit(id));
});
after(releaseCurve);

/** A four-tier demand tariff per half-hour, and a two-step volume surcharge per day. */
const TARIFF: TieredTariff = {
  standingChargePerDay: 53_350n,
  tiers: { bounds: [250, 500, 1000], prices: [12_000n, 15_000n, 25_000n, 40_000n] },
  blocksPerDay: { bounds: [8_000n, 12_000n], rates: [0n, 2_000n, 6_000n] },
};

const periodOf = (b: Bundle) => ({ meterId: b.meterId, publicKey: b.publicKey, startDay: b.startDay, days: b.days });
const reference = (bundle: Bundle, s: TieredStatement) => computeTieredBill(bundle.readingsWh, s.tiers, s.blocks, s.standingCharge);

async function publicSignals(circuitId: string, bundle: Bundle, s: TieredStatement): Promise<bigint[]> {
  const w = await computeWitness(circuitId, tieredWitnessInput(bundle, s, getCircuit(circuitId)));
  return w.slice(1, 1 + tieredKind.signalCount(getCircuit(circuitId)));
}
const billOf = async (circuitId: string, bundle: Bundle, s: TieredStatement) => tieredKind.decode(await publicSignals(circuitId, bundle, s), s, getCircuit(circuitId)).bill;

describe('tiered circuit agrees with the TypeScript reference', () => {
  // Readings on and around every tier bound, and the extremes.
  const EDGES = [0, 1, 249, 250, 251, 499, 500, 501, 999, 1000, 1001, 16383];

  for (const startDay of [19355, 19359]) {
    test(`1 day with readings on every tier bound, alignment ${startDay % 5}`, async () => {
      const readings = syntheticReadings(1, startDay);
      EDGES.forEach((r, i) => (readings[3 * i] = r));
      const { bundle } = await certifyPeriod({ startDay, readings, before: (startDay % 5) + 1 });
      const s = tieredStatement(periodOf(bundle), TARIFF);
      const expected = reference(bundle, s);
      assert.ok(expected.slotsPerTier.every((n) => n > 0), 'fixture reaches every tier');
      const pub = await publicSignals('tiered_1d', bundle, s);
      assert.deepEqual(tieredKind.decode(pub, s, getCircuit('tiered_1d')), { bill: expected.bill });
      assert.deepEqual(pub, tieredKind.publicSignals(s, { bill: expected.bill }, getCircuit('tiered_1d')));
    });
  }

  test('the period total on, below and above each block bound', async () => {
    const readings = syntheticReadings(1, 8);
    const { bundle } = await certifyPeriod({ startDay: 19360, readings });
    const total = BigInt(readings.reduce((a, b) => a + b, 0));
    for (const bounds of [[total, total + 1n], [total - 1n, total], [1n, total + 100n], [total + 1n, total + 2n]]) {
      const s = tieredStatement(periodOf(bundle), { ...TARIFF, blocksPerDay: { bounds, rates: [-1_000n, 7_000n, 50_000n] } });
      assert.equal(await billOf('tiered_1d', bundle, s), reference(bundle, s).bill, `block bounds ${bounds}`);
    }
  });

  test('smaller tables padded to the circuit size: two tiers with a negative price, one block', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19360, readings: syntheticReadings(1, 9) });
    const s = tieredStatement(periodOf(bundle), { standingChargePerDay: 0n, tiers: { bounds: [300], prices: [-5_000n, 30_000n] }, blocksPerDay: { bounds: [], rates: [1_500n] } });
    assert.deepEqual(padTierTable(s.tiers, 2), { bounds: [300n, 16384n, 16384n], prices: [-5_000n, 30_000n, 0n, 0n] });
    assert.deepEqual(padBlockTable(s.blocks, 3), { bounds: [0n, 0n], rates: [1_500n, 1_500n, 1_500n] });
    assert.equal(await billOf('tiered_1d', bundle, s), reference(bundle, s).bill);
  });

  test('7 days', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 11) });
    const s = tieredStatement(periodOf(bundle), TARIFF);
    assert.equal(await billOf('tiered_7d', bundle, s), reference(bundle, s).bill);
  });

  test('extremes: 16383 Wh in every slot at ±(2^24 - 1) mp/kWh', async () => {
    const readings = Array(7 * SLOTS_PER_DAY).fill(16383);
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    const max = (1n << 24n) - 1n;
    const s = tieredStatement(periodOf(bundle), { standingChargePerDay: 0n, tiers: { bounds: [16383], prices: [0n, -max] }, blocksPerDay: { bounds: [1n, 2n], rates: [max, -max, max] } });
    assert.equal(await billOf('tiered_7d', bundle, s), reference(bundle, s).bill);
  });
});

describe('tiered circuit rejects what it must not prove', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let honest: TieredStatement;
  before(async () => {
    period = await certifyPeriod({ startDay: 19357, readings: syntheticReadings(1, 5), before: 3, after: 2 });
    honest = tieredStatement(periodOf(period.bundle), TARIFF);
  });

  test('the honest bundle passes (control)', async () => {
    assert.equal(await billOf('tiered_1d', period.bundle, honest), reference(period.bundle, honest).bill);
  });

  test('a published table out of order or out of range has no proof (checked in the circuit too)', async () => {
    const c = getCircuit('tiered_1d');
    const input = tieredWitnessInput(period.bundle, honest, c);
    // Overlapping tiers would let a prover choose the cheaper one: the circuit refuses the table itself.
    await assert.rejects(computeWitness('tiered_1d', { ...input, tierBounds: ['500', '250', '1000'] }), /Assert Failed/);
    await assert.rejects(computeWitness('tiered_1d', { ...input, tierBounds: ['250', '500', '16385'] }), /Assert Failed/);
    await assert.rejects(computeWitness('tiered_1d', { ...input, blockBounds: ['12000', '8000'] }), /Assert Failed/);
    await assert.rejects(computeWitness('tiered_1d', { ...input, blockBounds: ['8000', String(2 ** 25)] }), /Assert Failed/);
    // The verifier's own checks refuse them before that.
    assert.throws(() => padTierTable({ bounds: [500, 250], prices: [1n, 2n, 3n] }, 2), /strictly increasing/);
    assert.throws(() => padTierTable({ bounds: [250, 500, 1000, 2000], prices: [1n, 2n, 3n, 4n, 5n] }, 2), /at most 4 tiers/);
    assert.throws(() => padTierTable({ bounds: [16384], prices: [1n, 2n] }, 2), /tier bound 0/);
    assert.throws(() => padBlockTable({ bounds: [2n ** 25n], rates: [1n, 2n] }, 3), /block bound 0/);
    assert.throws(() => padTierTable({ bounds: [], prices: [2n ** 24n] }, 2), /price of tier 0/);
  });

  test('wrong public parameters: the proof carries the tariff it was made for', async () => {
    const c = getCircuit('tiered_1d');
    const pub = await publicSignals('tiered_1d', period.bundle, honest);
    const bill = tieredKind.decode(pub, honest, c).bill;
    const others: [string, TieredTariff][] = [
      ['a tier bound moved by 1 Wh', { ...TARIFF, tiers: { ...TARIFF.tiers, bounds: [251, 500, 1000] } }],
      ['a cheaper top tier', { ...TARIFF, tiers: { ...TARIFF.tiers, prices: [12_000n, 15_000n, 25_000n, 39_999n] } }],
      ['a larger allowance', { ...TARIFF, blocksPerDay: { ...TARIFF.blocksPerDay, bounds: [8_001n, 12_000n] } }],
    ];
    for (const [what, tariff] of others) {
      const expected = tieredKind.publicSignals(tieredStatement(periodOf(period.bundle), tariff), { bill }, c);
      const differing = expected.map((x, i) => (x === pub[i] ? -1 : i)).filter((i) => i >= 0);
      assert.equal(differing.length, 1, `${what}: exactly one public input differs (${differing.map((i) => tieredKind.signalName(i, c))})`);
    }
  });

  test('an edited witness: the bill lowered, or a slot priced at a cheaper tier', async () => {
    const path = await witnessFile('tiered_1d', tieredWitnessInput(period.bundle, honest, getCircuit('tiered_1d')));
    assert.equal(await witnessSatisfies('tiered_1d', path), true, 'control: the honest witness satisfies the r1cs');
    editWitness(path, 1, -1_000_000n, SNARK_FIELD); // one penny off the bill
    assert.equal(await witnessSatisfies('tiered_1d', path), false);
    // A prover naming another tier for a slot is refused by TierOf for every wrong tier: see
    // test/circuits/lib-tiers.test.ts ("TierOf accepts only the tier that contains x").
  });
});

describe('real data: London households under a tiered tariff', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  const startDay = dayOf('2013-01-14');
  for (const household of ['MAC000002', 'MAC000005', 'MAC000010', 'MAC000014', 'MAC000064']) {
    test(`${household}, a week of January 2013 on the 7-day circuit`, async () => {
      const readings = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: startDay, days: 7, meterId: household, fill: 'zero' }).readingsWh;
      const { bundle } = await certifyPeriod({ startDay, readings, meterId: household });
      const s = tieredStatement(periodOf(bundle), TARIFF);
      assert.equal(await billOf('tiered_7d', bundle, s), reference(bundle, s).bill);
    });
  }
});
