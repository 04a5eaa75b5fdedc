import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { computeBill } from '../../kinds/bill/reference.js';
import { SNARK_FIELD } from '../../core/field.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { releaseCurve } from '../../prover/backend.js';
import { proveBill } from '../../prover/prove-bill.js';
import type { BillResultJson as ResultJson } from '../../prover/result.js';
import { ResultRejected, verifyBillResult } from '../../prover/verify.js';
import { certifyPeriod, dynamicDocument, flatTariff, syntheticPrices, syntheticReadings } from '../support/fixtures.js';
import { signalIndex } from '../support/results.js';

const START = 19358; // 2023-01-01
let honest: ResultJson;
let tariff: ReturnType<typeof dynamicDocument>;
let value: ReturnType<typeof dynamicDocument>;
let readings: number[];

before(async () => {
  readings = syntheticReadings(1, 8);
  const { bundle } = await certifyPeriod({ startDay: START, readings });
  tariff = dynamicDocument(START, syntheticPrices(SLOTS_PER_DAY, 1).map((p) => p + 3000), 'tariff', 45_000);
  value = dynamicDocument(START, syntheticPrices(SLOTS_PER_DAY, 2), 'value-of-energy');
  honest = await proveBill({ bundle, tariff, valueOfEnergy: value });
});
after(releaseCurve);

async function rejectedWith(result: unknown, code: string): Promise<void> {
  await assert.rejects(verifyBillResult(result), (e: unknown) => {
    assert.ok(e instanceof ResultRejected, `expected a rejection, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const edit = (change: (r: ResultJson) => void): ResultJson => {
  const r = structuredClone(honest);
  change(r);
  return r;
};

describe('an honest result', () => {
  test('verifies, and its outputs are the reference bill', async () => {
    const { outputs } = await verifyBillResult(honest);
    const prices = tariff.pricing.prices.map(BigInt);
    const expected = computeBill(readings, prices, value.pricing.prices.map(BigInt), 45_000n * 1000n);
    assert.deepEqual(outputs, expected);
    assert.ok(prices.some((p) => p < 0n), 'the tariff has negative prices');
    assert.equal(honest.circuit, 'billing_1d');
  });

  test('survives a JSON round trip (what the CLI writes)', async () => {
    await verifyBillResult(JSON.parse(JSON.stringify(honest)));
  });

  test('a 7-day period without a value vector proves with settlement 0', async () => {
    const { bundle } = await certifyPeriod({ startDay: START, readings: syntheticReadings(7, 9) });
    const r = await proveBill({ bundle, tariff: flatTariff(28_620, 60_000) });
    const { outputs } = await verifyBillResult(r);
    assert.equal(r.circuit, 'billing_7d');
    assert.equal(outputs.settlement, 0n);
    assert.equal(outputs.bill, computeBill(bundle.readingsWh, Array(336).fill(28_620n), Array(336).fill(0n), 60_000n * 7n * 1000n).bill);
  });
});

describe('a tampered result is refused', () => {
  test('a lower bill in outputs and public signals', () =>
    rejectedWith(edit((r) => ((r.outputs.bill = String(BigInt(r.outputs.bill) - 1n)), (r.publicSignals[0] = String(BigInt(r.publicSignals[0]) - 1n)))), 'proof_invalid'));
  test('decoded outputs that disagree with the signals', () => rejectedWith(edit((r) => (r.outputs.consumption = '1')), 'output_mismatch'));
  test('another tariff named in the statement', () => rejectedWith(edit((r) => (r.statement.tariff = flatTariff(1))), 'statement_mismatch'));
  test('a tariff edited in one half-hour', () =>
    rejectedWith(edit((r) => ((r.statement.tariff as typeof tariff).pricing.prices[17] += 1)), 'statement_mismatch'));
  test('another value-of-energy vector', () => rejectedWith(edit((r) => (r.statement.valueOfEnergy = null)), 'statement_mismatch'));
  test('another period', () => rejectedWith(edit((r) => (r.statement.period.start = '2023-01-02')), 'statement_mismatch'));
  test("another meter's public key", () => rejectedWith(edit((r) => (r.statement.meterPublicKey = [r.statement.meterPublicKey[1], r.statement.meterPublicKey[0]])), 'statement_mismatch'));
  test('signals swapped consistently with the statement (pairing catches it)', () =>
    rejectedWith(
      edit((r) => {
        // Slots 0-1 now priced like slots 2-3, so the statement rebuilds exactly the swapped signal.
        r.publicSignals[signalIndex(r.circuit, 'weights[0]')] = r.publicSignals[signalIndex(r.circuit, 'weights[1]')];
        for (const doc of [r.statement.tariff, r.statement.valueOfEnergy] as (typeof tariff)[]) {
          doc.pricing.prices[0] = doc.pricing.prices[2];
          doc.pricing.prices[1] = doc.pricing.prices[3];
        }
      }),
      'proof_invalid',
    ));
  test('one public signal too many', () => rejectedWith(edit((r) => r.publicSignals.push('0')), 'signal_count'));
  test('one public signal too few', () => rejectedWith(edit((r) => r.publicSignals.pop()), 'signal_count'));
  test('a signal with a leading zero', () => rejectedWith(edit((r) => (r.publicSignals[2] = '0' + r.publicSignals[2])), 'non_canonical_signal'));
  test('a signal ≥ r (the same value plus r)', () => rejectedWith(edit((r) => (r.publicSignals[2] = String(BigInt(r.publicSignals[2]) + SNARK_FIELD))), 'non_canonical_signal'));
  test('pi_a off the curve', () => rejectedWith(edit((r) => (r.proof.pi_a[1] = String(BigInt(r.proof.pi_a[1]) + 1n))), 'bad_proof_point'));
  test('pi_c at infinity', () => rejectedWith(edit((r) => (r.proof.pi_c = ['0', '1', '0'])), 'bad_proof_point'));
  test('pi_b off the twist', () => rejectedWith(edit((r) => (r.proof.pi_b[0][0] = String(BigInt(r.proof.pi_b[0][0]) + 1n))), 'bad_proof_point'));
  test('an unknown circuit', () => rejectedWith(edit((r) => (r.circuit = 'billing_2d')), 'unknown_circuit'));
  test('a malformed file', () => rejectedWith({ format: 'meterproof-result/1' }, 'malformed'));
});

test('proving refuses a bundle whose readings were altered', async () => {
  const { bundle } = await certifyPeriod({ startDay: START, readings: syntheticReadings(1, 10) });
  const readingsWh = [...bundle.readingsWh];
  readingsWh[3] += 5;
  await assert.rejects(proveBill({ bundle: { ...bundle, readingsWh }, tariff: flatTariff(20_000) }), /signature does not verify/);
});

test('proving refuses a tariff that does not cover the period', async () => {
  const { bundle } = await certifyPeriod({ startDay: START, readings: syntheticReadings(1, 10) });
  await assert.rejects(proveBill({ bundle, tariff: dynamicDocument(START + 1, Array(48).fill(1000)) }), /no price/);
});
