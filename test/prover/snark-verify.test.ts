/**
 * The curve offline verification runs on (prover/snark-verify.ts): built from the BN254 code `npm run build`
 * saves, it verifies what snarkjs verifies and refuses what snarkjs refuses, and saved code of another
 * ffjavascript version is not used.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { artifactsOf } from '../../core/paths.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { releaseCurve } from '../../prover/backend.js';
import { proveBill } from '../../prover/prove-bill.js';
import type { BillResultJson } from '../../prover/result.js';
import { curveCode, curveFromCode, verifyInSystem, type CurveCode } from '../../prover/snark-verify.js';
import { certifyPeriod, dynamicDocument, syntheticPrices, syntheticReadings } from '../support/fixtures.js';
import { signalIndex } from '../support/results.js';

const START = 19358;
let result: BillResultJson;
let code: CurveCode;
after(releaseCurve);

before(async () => {
  const { bundle } = await certifyPeriod({ startDay: START, readings: syntheticReadings(1, 12) });
  result = await proveBill({ bundle, tariff: dynamicDocument(START, syntheticPrices(SLOTS_PER_DAY, 2), 'tariff', 30_000) });
  await releaseCurve(); // the prover's threaded curve: verification must not borrow it here
  code = await curveCode();
});

test('a curve built from saved code verifies a Groth16 proof and refuses another statement', async () => {
  const curve = await curveFromCode(JSON.parse(JSON.stringify(code)));
  assert.ok(curve, 'the saved code is for the installed ffjavascript');
  const vkey = JSON.parse(readFileSync(artifactsOf(result.circuit).vkey, 'utf8'));
  assert.equal(await verifyInSystem('groth16', vkey, result.publicSignals, result.proof, curve), true);
  const at = signalIndex(result.circuit, 'consumption');
  const consumption = result.publicSignals.map((s, i) => (i === at ? String(BigInt(s) + 1n) : s));
  assert.equal(await verifyInSystem('groth16', vkey, consumption, result.proof, curve), false);
  assert.equal((globalThis as { curve_bn128?: unknown }).curve_bn128 ?? null, null, 'the curve is lent to snarkjs for the call only');
});

test('saved code of another ffjavascript version is not used', async () => {
  assert.equal(await curveFromCode({ ...code, ffjavascript: '0.0.1' }), undefined);
});
