/**
 * The tariff-shaped kinds end to end: demand response (threshold), tiered tariff and tariff comparison.
 * Real proofs on the 1-day circuits (and one on compare_7d), checked against the plain references, then
 * tampered with; the published documents' formats; the CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { compareStatement, MAX_COMPARED_TARIFFS, parseTariffSet } from '../../kinds/compare/circuit.js';
import { compareTariffs } from '../../kinds/compare/reference.js';
import { REPO_ROOT } from '../../core/paths.js';
import { getCircuit, loadCircuits } from '../../kinds/registry.js';
import { NO_CAP_WH, parseDrEvents } from '../../kinds/threshold/circuit.js';
import { computeThreshold } from '../../kinds/threshold/reference.js';
import { MAX_BLOCKS, MAX_TIERS, parseTieredTariff } from '../../kinds/tiered/circuit.js';
import { computeTieredBill } from '../../kinds/tiered/reference.js';
import { dayOf, firstSlotOfDay, SLOTS_PER_DAY } from '../../core/time.js';
import { bundleToJson, type Bundle } from '../../meter/bundle.js';
import { releaseCurve } from '../../prover/backend.js';
import { kindNamed } from '../../kinds/registry.js';
import { proveResult } from '../../prover/prove.js';
import type { ResultJson } from '../../prover/result.js';
import { verifyResult } from '../../prover/verify.js';
import { schemaText } from '../../schemas/schemas.js';
import { exampleDocument } from '../../kinds/examples.js';
import { parseTariff } from '../../tariff/model.js';
import { pricesForPeriod, standingChargeForPeriod } from '../../tariff/prices.js';
import { cliRunner } from '../support/cli.js';
import { certifyPeriod, dynamicDocument, flatTariff, syntheticReadings } from '../support/fixtures.js';
import { edited, rejectedWith } from '../support/results.js';

const START = dayOf('2013-01-07'); // the first event of docs/examples/dr-events.json: 17:00Z, 4 slots, 500 Wh
const EVENT_SLOTS = [34, 35, 36, 37];
const events = () => exampleDocument('dr-events');
const peakTariff = () => exampleDocument('tariff-peak');
const tieredTariff = () => exampleDocument('tiered-tariff');
const tariffSet = () => exampleDocument('tariff-set');

/** The period's per-slot prices and standing charge of a tariff document, as the reference takes them. */
const priced = (doc: unknown, startDay: number, days: number) => {
  const t = parseTariff(doc);
  return { prices: pricesForPeriod(t, startDay, days), standingCharge: standingChargeForPeriod(t, startDay, days) };
};

let readings: number[]; // over the cap in the first event
let bundle: Bundle;
let compliantBundle: Bundle;
const results: Record<'penalty' | 'compliance' | 'tiered' | 'compare', ResultJson> = {} as never;

before(async () => {
  readings = syntheticReadings(1, 21);
  [readings[34], readings[35]] = [500, 1200]; // at the cap, then far over it
  ({ bundle } = await certifyPeriod({ startDay: START, readings }));
  const compliant = readings.map((wh, i) => (EVENT_SLOTS.includes(i) ? Math.min(wh, 500) : wh));
  compliant[36] = 500; // exactly at the cap is compliant
  ({ bundle: compliantBundle } = await certifyPeriod({ startDay: START, readings: compliant }));

  results.penalty = await proveResult({ kind: 'threshold', bundle, fields: { mode: 'penalty', events: events(), tariff: peakTariff() } });
  results.compliance = await proveResult({ kind: 'threshold', bundle: compliantBundle, fields: { mode: 'compliance', events: events() } });
  results.tiered = await proveResult({ kind: 'tiered', bundle, fields: { tariff: tieredTariff() } });
  results.compare = await proveResult({ kind: 'compare', bundle, fields: { tariffs: tariffSet(), current: 1 } });
});
after(releaseCurve);

const outputsOf = async (r: ResultJson) => (await verifyResult(r)).outputs;

describe('honest results verify and equal the references', () => {
  test('threshold, penalty bill: energy + standing charge + 300 p/kWh on the Wh above the caps', async () => {
    const caps = Array.from({ length: SLOTS_PER_DAY }, (_, i) => (EVENT_SLOTS.includes(i) ? 500 : NO_CAP_WH));
    const { prices, standingCharge } = priced(peakTariff(), START, 1);
    const expected = computeThreshold(readings, caps, prices, standingCharge, 300_000n);
    assert.ok(expected.excessWh >= 700n, 'fixture: the readings exceed the cap');
    assert.deepEqual(await outputsOf(results.penalty), { bill: expected.bill });
    assert.equal(results.penalty.circuit, 'threshold_1d');
  });

  test('threshold, compliance: a proof exists, its bill is 0', async () => {
    assert.deepEqual(await outputsOf(results.compliance), { bill: 0n });
    assert.deepEqual(results.compliance.outputs, { bill: '0' });
  });

  test('tiered: tier prices by the reading, blocks by the day total', async () => {
    const tiers = { bounds: [250, 500, 1000], prices: [12_000n, 15_000n, 25_000n, 40_000n] };
    const blocks = { bounds: [8_000n, 12_000n], rates: [0n, 2_000n, 6_000n] };
    const expected = computeTieredBill(readings, tiers, blocks, 53_350_000n);
    assert.ok(expected.slotsPerTier.every((n) => n > 0) && expected.consumption > 12_000n, 'fixture: every tier and block is used');
    assert.deepEqual(await outputsOf(results.tiered), { bill: expected.bill });
  });

  test('compare: the cheapest of the four and the saving against the current one', async () => {
    const tariffs = (tariffSet().tariffs as unknown[]).map((t) => priced(t, START, 1));
    const expected = compareTariffs(readings, tariffs, 1);
    assert.ok(expected.cheapest !== 1 && expected.saving > 0n, 'fixture: the current tariff is not the cheapest');
    assert.deepEqual(await outputsOf(results.compare), expected);
  });

  test('compare over 7 days with a set of three tariffs (padded to the circuit’s four)', async () => {
    const week = syntheticReadings(7, 22);
    const { bundle: weekBundle } = await certifyPeriod({ startDay: START, readings: week });
    const set = { ...tariffSet(), tariffs: (tariffSet().tariffs as unknown[]).slice(1) };
    const r = await proveResult({ kind: 'compare', bundle: weekBundle, fields: { tariffs: set, current: 2 } });
    assert.equal(r.circuit, 'compare_7d');
    const expected = compareTariffs(week, set.tariffs.map((t) => priced(t, START, 7)), 2);
    assert.deepEqual(await outputsOf(r), expected);
    assert.ok(expected.cheapest < 3, 'a padded copy never wins');
  });
});

/** The output each kind's generic tampering edits, and the index of its public signal. */
const OUTPUT: Record<keyof typeof results, [string, number]> = { penalty: ['bill', 0], compliance: ['bill', 0], tiered: ['bill', 0], compare: ['saving', 1] };
const bump = (x: string) => String(BigInt(x) + 1n);

for (const name of Object.keys(OUTPUT) as (keyof typeof results)[]) {
  describe(`${name}: a tampered result is refused`, () => {
    const [output, index] = OUTPUT[name];

    test('an output that disagrees with the public signals', async () => {
      await rejectedWith(edited(results[name], (r) => (r.outputs[output] = bump(r.outputs[output] as string))), 'output_mismatch');
    });

    test('an output changed together with its public signal', async () => {
      const r = edited(results[name], (r) => ((r.outputs[output] = bump(r.outputs[output] as string)), (r.publicSignals[index] = bump(r.publicSignals[index]))));
      // A compliance bill other than 0 has no statement at all; every other output only fails the pairing.
      await rejectedWith(r, name === 'compliance' ? 'statement_mismatch' : 'proof_invalid');
    });

    test('a statement field the kind does not know', async () => {
      assert.match(await rejectedWith(edited(results[name], (r) => (r.statement.valueOfEnergy = null)), 'malformed'), /does not use: valueOfEnergy/);
    });

    test('a circuit of another kind', async () => {
      await rejectedWith(edited(results[name], (r) => (r.kind = name === 'tiered' ? 'compare' : 'tiered')), 'unknown_circuit');
    });
  });
}

describe('another parameter document in the statement is refused', () => {
  const mismatch = async (r: ResultJson, signal: RegExp) => assert.match(await rejectedWith(r, 'statement_mismatch'), signal);

  test('threshold: another cap', () => mismatch(edited(results.penalty, (r) => (r.statement.events.events[0].capWh = 600)), /caps of slots 32-47/));
  test('threshold: an event at another time', () => mismatch(edited(results.compliance, (r) => (r.statement.events.events[0].start = '2013-01-07T17:30:00Z')), /caps of slots 32-47/));
  test('threshold: another penalty rate', () => mismatch(edited(results.penalty, (r) => (r.statement.events.penaltyRate = 1)), /penaltyRate/));
  test('threshold: another tariff', () => mismatch(edited(results.penalty, (r) => (r.statement.tariff.pricing.bands[3].price = 9_000)), /prices of slots/));
  test('threshold: a penalty bill claimed as a compliance proof', () => mismatch(edited(results.penalty, (r) => ((r.statement.mode = 'compliance'), delete r.statement.tariff)), /a compliance proof outputs 0/));
  test('threshold: a compliance proof claimed as a penalty bill', () => mismatch(edited(results.compliance, (r) => ((r.statement.mode = 'penalty'), (r.statement.tariff = peakTariff()))), /mustComply/));
  test('threshold: a compliance proof with a tariff named', () => mismatch(edited(results.compliance, (r) => (r.statement.tariff = peakTariff())), /takes no tariff/));
  test('tiered: another tier price', () => mismatch(edited(results.tiered, (r) => (r.statement.tariff.tiers[2].price += 1)), /price of tier 2/));
  test('tiered: another block bound', () => mismatch(edited(results.tiered, (r) => (r.statement.tariff.blocks[1].fromWhPerDay = 9_000)), /upper bound of block 0/));
  test('compare: another price in the set', () => mismatch(edited(results.compare, (r) => (r.statement.tariffs.tariffs[3].pricing.price += 1)), /prices of tariffs 2 and 3/));
  test('compare: another current tariff', () => mismatch(edited(results.compare, (r) => (r.statement.current = 0)), /current/));
  test('compare: the set without its last tariff', () => mismatch(edited(results.compare, (r) => r.statement.tariffs.tariffs.pop()), /standing charge of tariff 3/));
});

describe('the prover refuses', () => {
  const fields = { threshold: { mode: 'penalty', events: events(), tariff: peakTariff() }, tiered: { tariff: tieredTariff() }, compare: { tariffs: tariffSet(), current: 0 } };
  const prove = (kind: string, f: Record<string, unknown>, b = bundle) => proveResult({ kind, bundle: b, fields: f });

  for (const [kind, f] of Object.entries(fields)) {
    test(`${kind}: a bundle with an edited reading`, () =>
      assert.rejects(prove(kind, f, { ...bundle, readingsWh: bundle.readingsWh.map((wh, i) => (i === 3 ? wh + 1 : wh)) }), /signature does not verify/));
  }
  test('threshold: compliance for readings above a cap, naming the slot', () =>
    assert.rejects(prove('threshold', { mode: 'compliance', events: events() }), /no compliance proof exists: the reading at 2013-01-07T17:30Z is 1200 Wh, above its cap of 500 Wh/));
  test('threshold: a penalty bill without a tariff', () => assert.rejects(prove('threshold', { mode: 'penalty', events: events() }), /^Error: tariff: a penalty bill needs/));
  test('threshold: an unknown mode', () => assert.rejects(prove('threshold', { mode: 'sometimes', events: events() }), /invalid threshold statement: mode/));
  test('threshold: a value-of-energy vector as the tariff', () =>
    assert.rejects(prove('threshold', { ...fields.threshold, tariff: dynamicDocument(START, Array(48).fill(1), 'value-of-energy') }), /tariff: .* not a tariff/));
  test('tiered: a tariff with five tiers', () =>
    assert.rejects(prove('tiered', { tariff: { ...tieredTariff(), tiers: [0, 100, 200, 300, 400].map((fromWh) => ({ fromWh, price: 1 })) } }), /tariff: invalid tiered tariff .*tiers: the circuits take at most 4 tiers/));
  test('compare: a current index beyond the set', () => assert.rejects(prove('compare', { tariffs: tariffSet(), current: 4 }), /current: tariff index 4 is not one of the 4 tariffs/));
  test('compare: a set whose tariff does not cover the period', () =>
    assert.rejects(prove('compare', { tariffs: { ...tariffSet(), tariffs: [dynamicDocument(START + 1, Array(48).fill(1))] }, current: 0 }), /no price for 48 half-hour/));
});

describe('parameter documents', () => {
  test('the example events: UTC half-hours to slots, the penalty rate as a bigint', () => {
    const d = parseDrEvents(events());
    assert.equal(d.penaltyRate, 300_000n);
    assert.deepEqual(d.events[0], { firstSlot: firstSlotOfDay(START) + 34, slots: 4, capWh: 500 });
    assert.deepEqual(d.events[1], { firstSlot: firstSlotOfDay(START + 2) + 33, slots: 5, capWh: 400 });
  });

  const withEvent = (e: Record<string, unknown>) => ({ ...events(), events: [...(events().events as unknown[]), e] });
  for (const [what, event, message] of [
    ['not on a half-hour', { start: '2023-01-10T17:10:00Z', slots: 1, capWh: 1 }, /events\.4\.start: .*not the start of a half-hour/],
    ['with a zone offset instead of Z', { start: '2023-01-10T17:00:00+01:00', slots: 1, capWh: 1 }, /ending in Z/],
    ['on an impossible date', { start: '2023-02-30T17:00:00Z', slots: 1, capWh: 1 }, /no such date/],
    ['overlapping another', { start: '2013-01-07T18:30:00Z', slots: 1, capWh: 1 }, /events\.4\.start: overlaps event 0 at 2013-01-07T18:30Z/],
    ['with a cap above a 14-bit reading', { start: '2023-01-10T17:00:00Z', slots: 1, capWh: 16_384 }, /capWh: must be at most 16383/],
  ] as const) {
    test(`an event ${what} is refused`, () => assert.throws(() => parseDrEvents(withEvent(event)), message));
  }

  test('the example tiered tariff: bounds of the tiers after the first, blocks per day', () => {
    const t = parseTieredTariff(tieredTariff());
    assert.deepEqual(t.tiers, { bounds: [250, 500, 1000], prices: [12_000n, 15_000n, 25_000n, 40_000n] });
    assert.deepEqual(t.blocksPerDay, { bounds: [8_000n, 12_000n], rates: [0n, 2_000n, 6_000n] });
  });
  for (const [what, change, message] of [
    ['a first tier not from 0', { tiers: [{ fromWh: 10, price: 1 }] }, /tiers\.0\.fromWh: the first step starts at 0/],
    ['tiers out of order', { tiers: [{ fromWh: 0, price: 1 }, { fromWh: 500, price: 2 }, { fromWh: 500, price: 3 }] }, /tiers\.2\.fromWh: steps must start at strictly increasing/],
    ['a price beyond 2^24 mp/kWh', { blocks: [{ fromWhPerDay: 0, rate: 2 ** 24 }] }, /blocks\.0\.rate: must be within/],
    ['four blocks', { blocks: [0, 1, 2, 3].map((fromWhPerDay) => ({ fromWhPerDay, rate: 0 })) }, /at most 3 blocks/],
  ] as const) {
    test(`a tiered tariff with ${what} is refused`, () => assert.throws(() => parseTieredTariff({ ...tieredTariff(), ...change }), message));
  }

  for (const [what, tariffs, message] of [
    ['a value-of-energy vector', [flatTariff(1), { ...flatTariff(2, 0, 'voe'), kind: 'value-of-energy' }], /tariffs\.1\.kind: "voe" is a value-of-energy document/],
    ['one id twice', [flatTariff(1), flatTariff(2)], /tariffs\.1\.id: tariff id "flat-test" is listed twice/],
    ['an invalid tariff', [flatTariff(1), { ...flatTariff(2, 0, 'x'), currency: 'EUR' }], /tariffs\.1: invalid tariff/],
    ['five tariffs', [1, 2, 3, 4, 5].map((p) => flatTariff(p, 0, `t${p}`)), /at most 4 tariffs/],
  ] as const) {
    test(`a tariff set with ${what} is refused`, () => assert.throws(() => parseTariffSet({ ...tariffSet(), tariffs }), message));
  }

  test('a set of fewer than K tariffs is padded with its last one, which changes no output', () => {
    const set = parseTariffSet({ ...tariffSet(), tariffs: [flatTariff(30_000, 0, 'a'), flatTariff(20_000, 0, 'b')] });
    const period = { meterId: 'MTR-1', publicKey: [1n, 2n] as [bigint, bigint], startDay: START, days: 1 };
    const s = compareStatement(period, set, 0, getCircuit('compare_1d'));
    assert.equal(s.tariffs.length, 4);
    assert.deepEqual(s.tariffs[3], s.tariffs[1]);
    assert.deepEqual(compareTariffs(readings, s.tariffs, 0), compareTariffs(readings, s.tariffs.slice(0, 2), 0));
  });

  test('the formats’ table limits are those of every configured circuit', () => {
    for (const c of loadCircuits()) {
      if (c.kind === 'tiered') assert.deepEqual([2 ** c.params.tierBits, c.params.blocks], [MAX_TIERS, MAX_BLOCKS], c.id);
      if (c.kind === 'compare') assert.equal(c.params.K, MAX_COMPARED_TARIFFS, c.id);
    }
  });

  test('the example documents satisfy the published JSON Schemas; a broken one does not', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const schema = (name: string) => ajv.compile(JSON.parse(schemaText(name)));
    const cases = [['dr-events.schema.json', events()], ['tiered-tariff.schema.json', tieredTariff()], ['tariff-set.schema.json', tariffSet()]] as const;
    for (const [name, doc] of cases) {
      const validate = schema(name);
      assert.ok(validate(doc), `${name}: ${ajv.errorsText(validate.errors)}`);
    }
    const broken = { ...tariffSet(), tariffs: [{ ...flatTariff(1), pricing: { type: 'flat' } }] };
    assert.equal(schema('tariff-set.schema.json')(broken), false, 'the set schema checks its tariffs with the tariff schema');
  });

  test('the set’s peak-saver tariff is the standalone example tariff', () => {
    assert.deepEqual((tariffSet().tariffs as unknown[])[2], peakTariff());
  });

  test('the example generators give statements of every circuit size (what the benchmark proves)', async () => {
    for (const kind of ['threshold', 'tiered', 'compare']) {
      for (const c of loadCircuits().filter((c) => c.kind === kind)) {
        const period = { meterId: 'MTR-BENCH', publicKey: [1n, 2n] as [bigint, bigint], startDay: START, days: c.params.maxDays };
        const k = kindNamed(kind);
        const s = k.statement(period, k.fields.parse(k.example(period)), c);
        const out = await k.reference({ ...bundle, readingsWh: syntheticReadings(c.params.maxDays, 1) }, s, c);
        assert.equal(k.publicSignals(s, out, c).length, k.signalCount(c), c.id);
      }
    }
  });
});

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mp-kinds-tariff-'));
  const { ok, fails } = cliRunner(dir);
  const example = (name: string) => join(REPO_ROOT, 'docs', 'examples', `${name}.json`);
  const COMMANDS: Record<string, string[]> = {
    threshold: ['--mode', 'penalty', '--events', example('dr-events'), '--tariff', example('tariff-peak')],
    tiered: ['--tariff', example('tiered-tariff')],
    compare: ['--tariffs', example('tariff-set'), '--current', '1'],
  };
  before(() => writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundleToJson(bundle))));

  for (const [kind, flags] of Object.entries(COMMANDS)) {
    test(`prove ${kind} → verify`, async () => {
      assert.match(await ok('prove', kind, '--bundle', 'bundle.json', ...flags, '--out', `${kind}.json`), new RegExp(`proof \\(${kind}_1d\\) written`));
      assert.match(await ok('verify', `${kind}.json`), new RegExp(`^VALID PROOF, UNANCHORED STATEMENT: ${kind}_1d ${kind} proof`, 'm'));
    });
  }

  test('verify: a tampered file is INVALID with a one-line reason', async () => {
    const r = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'));
    r.outputs.saving = bump(r.outputs.saving);
    r.publicSignals[1] = bump(r.publicSignals[1]);
    writeFileSync(join(dir, 'compare-tampered.json'), JSON.stringify(r));
    await fails(/^meterproof: INVALID \(proof_invalid\): [^\n]+\n$/, 'verify', 'compare-tampered.json');
  });

  test('prove threshold in penalty mode without a tariff: a one-line reason', () =>
    fails(/^meterproof: tariff: a penalty bill needs/, 'prove', 'threshold', '--bundle', 'bundle.json', '--mode', 'penalty', '--events', example('dr-events'), '--out', 'x.json'));
});
