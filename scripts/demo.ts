/**
 * `npm run demo`: the whole flow on embedded defaults, on a fresh machine.
 *
 *   1. setup: compile the circuits and run the development ceremony (cached after the first run)
 *   2. meter: a key pair for London household MAC000002; the meter core signs January 2013 day by day
 *      (generated readings when ../shared/data is absent)
 *   3. prover: the household proves its bill under the trial's dynamic time-of-use tariff, and its
 *      settlement value under a value-of-energy vector
 *   4. verifier: checks the result as a supplier would, then shows that an edited result is refused
 *
 * Files land in out/demo/ so they can be replayed with the CLI (the commands are printed).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCircuits, REPO_ROOT } from '../circuits/registry.js';
import { dayOf, firstSlotOfDay, SLOTS_PER_DAY } from '../core/time.js';
import { microPenceToPounds } from '../core/units.js';
import { assembleBundle, bundleToJson } from '../meter/bundle.js';
import { importReadingsCsv } from '../meter/import/readings.js';
import { MeterCore } from '../meter/meter-core.js';
import { generateMeterKey, writeMeterKey } from '../meter/meter-key.js';
import { releaseCurve } from '../prover/backend.js';
import { proveBill } from '../prover/prove-bill.js';
import { ResultRejected, verifyBillResult } from '../prover/verify.js';
import { importTariff } from '../tariff/import.js';
import { hasSharedData, sharedFile } from '../core/shared-data.js';
import { syntheticPrices, syntheticReadings } from '../core/synthetic.js';
import { writeJson } from '../cli/io.js';
import { setupCircuits } from '../cli/setup.js';

const OUT = join(REPO_ROOT, 'out', 'demo');
const METER_ID = 'MAC000002';
const START = '2013-01-01';
const DAYS = 31;
const STANDING_CHARGE_MP_PER_DAY = 24_000; // 24 p/day, a typical 2013 electricity standing charge

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const step = (title: string) => console.log(`\n== ${title}`);

async function main(): Promise<void> {
  const started = performance.now();
  mkdirSync(OUT, { recursive: true });

  step('1. circuits and keys (development ceremony; cached after the first run)');
  const setupStarted = performance.now();
  await setupCircuits({ only: loadCircuits().filter((c) => c.kind === 'bill').map((c) => c.id), log: (m) => console.log(`   ${m}`) });
  console.log(`   setup took ${seconds(performance.now() - setupStarted)}`);

  step(`2. meter ${METER_ID} certifies ${DAYS} days from ${START}`);
  const startDay = dayOf(START);
  const readingsWh = hasSharedData
    ? importReadingsCsv(sharedFile(`lcl-2013/${METER_ID}.csv`), { fromDay: startDay, days: DAYS, meterId: METER_ID }).readingsWh
    : syntheticReadings(DAYS, 2013);
  console.log(`   readings: ${hasSharedData ? 'real Low Carbon London data' : 'generated (../shared/data not found)'}, ${readingsWh.length} half-hours`);
  const key = await generateMeterKey(METER_ID);
  writeMeterKey(join(OUT, 'meter.json'), key);
  const meterStarted = performance.now();
  const core = await MeterCore.commission(key, startDay);
  const records = [];
  for (let d = 0; d < DAYS; d++) records.push(await core.recordDay(readingsWh.slice(d * SLOTS_PER_DAY, (d + 1) * SLOTS_PER_DAY)));
  const bundle = assembleBundle(key.meterId, key.publicKey, records, startDay, DAYS);
  writeJson(join(OUT, 'bundle.json'), bundleToJson(bundle));
  console.log(`   ${DAYS} daily signatures in ${seconds(performance.now() - meterStarted)} → out/demo/bundle.json`);

  step('3. household proves its bill and settlement value');
  const tariff = hasSharedData
    ? importTariff('lcl-dtou', sharedFile('tariffs/lcl-dtou-2013.csv'), { standingChargePerDay: STANDING_CHARGE_MP_PER_DAY })
    : { format: 'meterproof-tariff/1', kind: 'tariff', id: 'demo-dynamic', name: 'Generated dynamic tariff', currency: 'GBP', standingChargePerDay: STANDING_CHARGE_MP_PER_DAY, pricing: { type: 'dynamic', firstSlot: firstSlotOfDay(startDay), prices: syntheticPrices(DAYS * SLOTS_PER_DAY, 5).map((p) => p + 15_000) } };
  // There is no public per-slot value-of-energy series for 2013: the demo uses a generated one (with negative
  // half-hours, as on a windy night) so that the settlement output is exercised.
  const value = { format: 'meterproof-tariff/1', kind: 'value-of-energy', id: 'demo-value-of-energy', name: 'Generated value of energy', currency: 'GBP', standingChargePerDay: 0, pricing: { type: 'dynamic', firstSlot: firstSlotOfDay(startDay), prices: syntheticPrices(DAYS * SLOTS_PER_DAY, 9) } };
  writeJson(join(OUT, 'tariff.json'), tariff);
  writeJson(join(OUT, 'value.json'), value);
  const result = await proveBill({ bundle, tariff, valueOfEnergy: value });
  const resultPath = join(OUT, 'result.json');
  writeJson(resultPath, result);
  console.log(`   circuit ${result.circuit}: witness ${seconds(result.prover!.witnessMs)}, proof ${seconds(result.prover!.proveMs)}`);
  console.log(`   bill        ${result.outputs.bill} µp = ${microPenceToPounds(BigInt(result.outputs.bill))}`);
  console.log(`   settlement  ${result.outputs.settlement} µp = ${microPenceToPounds(BigInt(result.outputs.settlement))}`);
  console.log(`   consumption ${result.outputs.consumption} Wh`);
  console.log(`   proof: ${JSON.stringify(result.proof).length} bytes as JSON (256 bytes as curve points), ${result.publicSignals.length} public signals; result file ${statSync(resultPath).size} bytes`);

  step('4. supplier verifies');
  const verifyStarted = performance.now();
  await verifyBillResult(result);
  console.log(`   VALID (strict checks + pairing in ${seconds(performance.now() - verifyStarted)})`);
  const forged = structuredClone(result);
  forged.outputs.bill = String(BigInt(result.outputs.bill) - 10_000_000n);
  forged.publicSignals[0] = String(BigInt(result.publicSignals[0]) - 10_000_000n);
  try {
    await verifyBillResult(forged);
    throw new Error('a forged bill was accepted');
  } catch (e) {
    if (!(e instanceof ResultRejected)) throw e;
    console.log(`   a bill lowered by 10p is refused: ${e.code} (${e.message})`);
  }

  console.log(`\nDone in ${seconds(performance.now() - started)}. Replay with the CLI:`);
  console.log('   node bin/meterproof.js verify out/demo/result.json');
  console.log('   node bin/meterproof.js prove bill --bundle out/demo/bundle.json --tariff out/demo/tariff.json --value out/demo/value.json --out out/demo/result2.json');
}

try {
  await main();
} finally {
  await releaseCurve();
}
