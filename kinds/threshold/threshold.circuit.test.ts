import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileCircuit } from '../../circuits/compile.js';
import { getCircuit } from '../registry.js';
import { capsForPeriod, complianceStatement, NO_CAP_WH, packCaps, penaltyBillStatement, THRESHOLD_LAYOUT, thresholdWitnessInput, type ThresholdStatement } from './circuit.js';
import { thresholdKind } from './kind.js';
import { computeThreshold } from './reference.js';
import { placeSignals } from '../../circuits/layout.js';
import { SNARK_FIELD } from '../../core/field.js';
import { dayOf, firstSlotOfDay, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { importReadingsCsv } from '../../meter/import/readings.js';
import { releaseCurve } from '../../prover/backend.js';
import { importTariff } from '../../tariff/import.js';
import { pricesForPeriod } from '../../tariff/prices.js';
import { certifyPeriod, hasSharedData, sharedFile, syntheticPrices, syntheticReadings, withReadings } from '../../test/support/fixtures.js';
import { computeWitness, editWitness, witnessFile, witnessSatisfies } from '../../test/support/witness.js';

const CIRCUITS = ['threshold_1d', 'threshold_7d'];
const PENALTY_RATE = 300_000n; // 300 p/kWh of energy above a cap

before(async () => {
  for (const id of CIRCUITS) await compileCircuit(getCircuit(id));
});
after(releaseCurve);

const periodOf = (b: Bundle) => ({ meterId: b.meterId, publicKey: b.publicKey, startDay: b.startDay, days: b.days });

/** Evening events (17:00–19:00 UTC, slots 34–37) on every day of the period, at `capWh`. */
function eveningEvents(startDay: number, days: number, capWh: number) {
  return Array.from({ length: days }, (_, d) => ({ firstSlot: firstSlotOfDay(startDay + d) + 34, slots: 4, capWh }));
}

function penaltyStatement(bundle: Bundle, caps: number[], seed = 3, penaltyRate = PENALTY_RATE): ThresholdStatement {
  const prices = syntheticPrices(bundle.days * SLOTS_PER_DAY, seed).map(BigInt);
  return penaltyBillStatement(periodOf(bundle), caps, { prices, standingCharge: 53_100_000n }, penaltyRate);
}

const reference = (bundle: Bundle, s: ThresholdStatement) => computeThreshold(bundle.readingsWh, s.caps, s.prices, s.standingCharge, s.penaltyRate);

async function witness(circuitId: string, bundle: Bundle, s: ThresholdStatement) {
  return computeWitness(circuitId, thresholdWitnessInput(bundle, s, getCircuit(circuitId)));
}

/** The circuit's public signals (wires 1…count) from a witness, as a verifier would receive them. */
async function publicSignals(circuitId: string, bundle: Bundle, s: ThresholdStatement): Promise<bigint[]> {
  const w = await witness(circuitId, bundle, s);
  return w.slice(1, 1 + thresholdKind.signalCount(getCircuit(circuitId)));
}

/** The outputs the circuit proves for the statement, read from its public signals. */
const outputs = async (circuitId: string, bundle: Bundle, s: ThresholdStatement) => thresholdKind.decode(await publicSignals(circuitId, bundle, s), s, getCircuit(circuitId));

/** The witness wire of a public signal (wire 0 is the constant 1). */
const wireOf = (name: string) => 1 + placeSignals(THRESHOLD_LAYOUT, getCircuit('threshold_1d')).find((p) => p.name === name)!.offset;

const rejects = (circuitId: string, bundle: Bundle, s: ThresholdStatement) => assert.rejects(witness(circuitId, bundle, s), /Assert Failed/);

describe('threshold circuit agrees with the TypeScript reference', () => {
  // Readings with edge cases in the evening event slots of the first day: at the cap, one over, far over.
  async function edgePeriod(startDay: number, days: number, seed: number) {
    const readings = syntheticReadings(days, seed);
    [readings[34], readings[35], readings[36], readings[37]] = [400, 401, 16383, 0];
    return certifyPeriod({ startDay, readings, before: (startDay % 5) + 1 });
  }

  for (const startDay of [19355, 19358]) {
    test(`1-day penalty bill and compliance, alignment ${startDay % 5}`, async () => {
      const { bundle } = await edgePeriod(startDay, 1, startDay);
      const caps = capsForPeriod(eveningEvents(startDay, 1, 400), startDay, 1);
      const s = penaltyStatement(bundle, caps);
      const expected = reference(bundle, s);
      assert.equal(expected.excessWh, 1n + (16383n - 400n), 'fixture: 1 Wh and 15,983 Wh over the cap');
      assert.ok(s.prices.some((p) => p < 0n), 'fixture includes negative prices');
      const pub = await publicSignals('threshold_1d', bundle, s);
      assert.deepEqual(thresholdKind.decode(pub, s, getCircuit('threshold_1d')), { bill: expected.bill });
      // Every public signal is what the verifier rebuilds from the events and the tariff.
      assert.deepEqual(pub, thresholdKind.publicSignals(s, { bill: expected.bill }, getCircuit('threshold_1d')));

      // The same readings cannot prove compliance; with caps at the readings they can.
      await rejects('threshold_1d', bundle, complianceStatement(periodOf(bundle), caps));
      const atReadings = caps.map((c, i) => (c === NO_CAP_WH ? c : bundle.readingsWh[i]));
      const compliance = complianceStatement(periodOf(bundle), atReadings);
      assert.equal(reference(bundle, compliance).compliant, true);
      const cpub = await publicSignals('threshold_1d', bundle, compliance);
      assert.deepEqual(cpub, thresholdKind.publicSignals(compliance, { bill: 0n }, getCircuit('threshold_1d')));
    });
  }

  test('a compliant period has no penalty in its bill (the same bill as with no events)', async () => {
    const { bundle } = await certifyPeriod({ startDay: 19362, readings: syntheticReadings(7, 11) });
    const high = capsForPeriod(eveningEvents(19362, 7, 5000), 19362, 7);
    const none = capsForPeriod([], 19362, 7);
    const billWith = (await outputs('threshold_7d', bundle, penaltyStatement(bundle, high))).bill;
    const billWithout = (await outputs('threshold_7d', bundle, penaltyStatement(bundle, none))).bill;
    assert.equal(billWith, billWithout);
    assert.equal(billWith, reference(bundle, penaltyStatement(bundle, high)).bill);
    assert.equal((await outputs('threshold_7d', bundle, complianceStatement(periodOf(bundle), high))).bill, 0n);
  });

  test('7 days, events on several days, caps from 0 to no cap', async () => {
    const startDay = 19362;
    const { bundle } = await certifyPeriod({ startDay, readings: syntheticReadings(7, 12) });
    const events = [
      { firstSlot: firstSlotOfDay(startDay) + 30, slots: 10, capWh: 0 },
      { firstSlot: firstSlotOfDay(startDay + 2) + 40, slots: 20, capWh: 300 }, // runs over midnight
      { firstSlot: firstSlotOfDay(startDay + 6) + 44, slots: 10, capWh: 150 }, // clipped at the period's end
    ];
    const s = penaltyStatement(bundle, capsForPeriod(events, startDay, 7), 9);
    assert.ok(reference(bundle, s).excessWh > 0n);
    assert.deepEqual(await outputs('threshold_7d', bundle, s), { bill: reference(bundle, s).bill });
  });

  test('extremes: 16383 Wh in every slot over a cap of 0, prices ±(2^24 - 1), penalty rate 2^24 - 1', async () => {
    const readings = Array(7 * SLOTS_PER_DAY).fill(16383);
    const { bundle } = await certifyPeriod({ startDay: 19362, readings });
    const max = (1n << 24n) - 1n;
    const s = penaltyBillStatement(periodOf(bundle), readings.map(() => 0), { prices: readings.map((_, i) => (i % 2 ? max : -max)), standingCharge: 0n }, max);
    assert.deepEqual(await outputs('threshold_7d', bundle, s), { bill: reference(bundle, s).bill });
  });
});

describe('threshold circuit rejects what it must not prove', () => {
  let period: Awaited<ReturnType<typeof certifyPeriod>>;
  let caps: number[];
  let compliance: ThresholdStatement;
  let penalty: ThresholdStatement;
  before(async () => {
    const readings = syntheticReadings(1, 5);
    readings[35] = 301; // one Wh over the evening cap of 300
    for (const i of [34, 36, 37]) readings[i] = Math.min(readings[i], 300);
    period = await certifyPeriod({ startDay: 19357, readings, before: 3, after: 2 });
    caps = capsForPeriod(eveningEvents(19357, 1, 300), 19357, 1);
    compliance = complianceStatement(periodOf(period.bundle), caps);
    penalty = penaltyStatement(period.bundle, caps);
  });
  const edited = (change: (readings: number[]) => void) => withReadings(period.bundle, change);

  test('controls: the honest penalty bill passes, and compliance fails by one Wh', async () => {
    await witness('threshold_1d', period.bundle, penalty);
    assert.equal(reference(period.bundle, penalty).excessWh, 1n);
    await rejects('threshold_1d', period.bundle, compliance);
  });
  test('a cap of another slot: readings of the period swapped so the high one leaves the event', () => rejects('threshold_1d', edited((r) => ([r[35], r[10]] = [r[10], r[35]])), compliance));

  test('mustComply must be a bit', async () => {
    const input = thresholdWitnessInput(period.bundle, penalty, getCircuit('threshold_1d'));
    await assert.rejects(computeWitness('threshold_1d', { ...input, mustComply: '2' }), /Assert Failed/);
  });

  test('wrong public parameters: the proof carries the statement it was made for', async () => {
    const c = getCircuit('threshold_1d');
    const honest = await publicSignals('threshold_1d', period.bundle, penalty);
    const bill = thresholdKind.decode(honest, penalty, c).bill;
    const others: [string, ThresholdStatement][] = [
      ['a looser cap', { ...penalty, caps: caps.map((x) => (x === NO_CAP_WH ? x : 301)) }],
      ['a lower penalty rate', { ...penalty, penaltyRate: PENALTY_RATE - 1n }],
      ['other prices', { ...penalty, prices: penalty.prices.map((p, i) => (i === 35 ? p + 1n : p)) }],
      ['the compliance statement', { ...compliance }],
    ];
    for (const [what, s] of others) {
      const expected = thresholdKind.publicSignals(s, { bill: s.mode === 'compliance' ? 0n : bill }, c);
      const differing = expected.map((x, i) => (x === honest[i] ? -1 : i)).filter((i) => i >= 0);
      assert.ok(differing.length > 0, `${what}: a verifier expecting it would refuse the proof`);
      assert.ok(differing.some((i) => i > 0), `${what}: differs in a public input (${differing.map((i) => thresholdKind.signalName(i, c)).join(', ')})`);
    }
  });

  test('edited witnesses: a penalty proof switched to "compliant", and a bill without the penalty', async () => {
    const c = getCircuit('threshold_1d');
    const input = thresholdWitnessInput(period.bundle, penalty, c);
    const path = await witnessFile('threshold_1d', input);
    assert.equal(await witnessSatisfies('threshold_1d', path), true, 'control: the honest witness satisfies the r1cs');
    const bill = reference(period.bundle, penalty).bill;
    editWitness(path, wireOf('mustComply'), 1n, SNARK_FIELD); // 0 → 1
    editWitness(path, wireOf('bill'), -bill, SNARK_FIELD); // 0, as a compliance proof
    assert.equal(await witnessSatisfies('threshold_1d', path), false);

    const path2 = await witnessFile('threshold_1d', input);
    editWitness(path2, wireOf('bill'), -reference(period.bundle, penalty).penalty, SNARK_FIELD); // the bill without its penalty
    assert.equal(await witnessSatisfies('threshold_1d', path2), false);
  });
});

describe('events and caps as the verifier builds them', () => {
  test('caps outside 0..16383 Wh and overlapping events are refused', () => {
    assert.throws(() => packCaps([16384], 1), /cap of slot 0/);
    assert.throws(() => packCaps([-1], 1), /cap of slot 0/);
    assert.throws(() => capsForPeriod([{ firstSlot: 100, slots: 2, capWh: 1.5 }], 2, 1), /integer/);
    const day = firstSlotOfDay(19000);
    assert.throws(() => capsForPeriod([{ firstSlot: day + 3, slots: 4, capWh: 9 }, { firstSlot: day + 6, slots: 1, capWh: 9 }], 19000, 1), /overlap at slot/);
  });
  test('caps are per slot of the period, clipped, NO_CAP elsewhere; 16 per public input, 15 bits apart', () => {
    const day = firstSlotOfDay(19000);
    const caps = capsForPeriod([{ firstSlot: day - 2, slots: 4, capWh: 7 }, { firstSlot: day + 47, slots: 9, capWh: 0 }], 19000, 1);
    assert.deepEqual([caps[0], caps[1], caps[2], caps[46], caps[47]], [7, 7, NO_CAP_WH, NO_CAP_WH, 0]);
    const packed = packCaps(caps, 1);
    assert.equal(packed.length, 3);
    assert.equal(packed[0] & 0x7fffn, 7n);
    assert.equal((packed[2] >> (15n * 15n)) & 0x7fffn, 0n);
  });
  test('a compliance statement carries no amounts', () => {
    const s = complianceStatement({ meterId: 'MTR-TEST-1', publicKey: [1n, 2n], startDay: 19000, days: 1 }, Array(48).fill(NO_CAP_WH));
    assert.throws(() => thresholdKind.publicSignals({ ...s, penaltyRate: 5n }, { bill: 0n }, getCircuit('threshold_1d')), /no prices/);
    assert.throws(() => thresholdKind.publicSignals(s, { bill: 5n }, getCircuit('threshold_1d')), /outputs 0/);
  });
  test('a penalty bill without energy prices is refused (its bill would be the penalty)', () => {
    const period = { meterId: 'MTR-TEST-1', publicKey: [1n, 2n] as [bigint, bigint], startDay: 19000, days: 1 };
    const s = penaltyBillStatement(period, Array(48).fill(100), { prices: Array(48).fill(0n), standingCharge: 5n }, PENALTY_RATE);
    assert.throws(() => thresholdKind.publicSignals(s, { bill: 5n }, getCircuit('threshold_1d')), /reveal the penalty/);
  });
});

describe('real data: London households under evening demand-response events, real 2013 dToU prices', { skip: !hasSharedData && 'no ../shared/data' }, () => {
  // A week of January 2013; events 17:00–19:00 GMT on the five weekdays, capped at 250 Wh per half-hour.
  // Three of these households stay under the caps, two do not.
  const startDay = dayOf('2013-01-14');
  const households = ['MAC000002', 'MAC000004', 'MAC000006', 'MAC000010', 'MAC000013'];
  const caps = capsForPeriod(eveningEvents(startDay, 5, 250), startDay, 7);
  const outcomes: boolean[] = [];
  for (const household of households) {
    test(`${household}: penalty bill equals the reference; compliance provable exactly when compliant`, async () => {
      const readings = importReadingsCsv(sharedFile(`lcl-2013/${household}.csv`), { fromDay: startDay, days: 7, meterId: household, fill: 'zero' }).readingsWh;
      const { bundle } = await certifyPeriod({ startDay, readings, meterId: household });
      const prices = pricesForPeriod(importTariff('lcl-dtou', sharedFile('tariffs/lcl-dtou-2013.csv')), startDay, 7);
      const s = penaltyBillStatement(periodOf(bundle), caps, { prices, standingCharge: 7n * 53_350_000n }, PENALTY_RATE);
      const expected = reference(bundle, s);
      assert.deepEqual(await outputs('threshold_7d', bundle, s), { bill: expected.bill });
      const compliance = complianceStatement(periodOf(bundle), caps);
      if (expected.compliant) assert.equal((await outputs('threshold_7d', bundle, compliance)).bill, 0n);
      else await rejects('threshold_7d', bundle, compliance);
      outcomes.push(expected.compliant);
    });
  }
  test('both outcomes occur among these households', () => {
    assert.deepEqual(outcomes.filter(Boolean).length, 3);
  });
});
