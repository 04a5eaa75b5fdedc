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
import { REPO_ROOT } from '../core/paths.js';
import { loadCircuits } from '../kinds/registry.js';
import { dayOf } from '../core/time.js';
import { microPenceToPounds } from '../core/units.js';
import { bundleToJson } from '../meter/bundle.js';
import { generateMeterKey, writeMeterKey } from '../meter/meter-key.js';
import { releaseCurve } from '../prover/backend.js';
import { pickBackend, releaseNative } from '../prover/native-backend.js';
import { proveBill } from '../prover/prove-bill.js';
import { ResultRejected, verifyBillResult } from '../prover/verify.js';
import { writeJson } from '../cli/io.js';
import { setupCircuits } from '../cli/setup.js';
import { certifyDays, DEMO_DAYS as DAYS, DEMO_METER_ID as METER_ID, DEMO_START as START, demoDataSource, demoReadings, demoTariff, demoValueVector } from './demo-data.js';

const OUT = join(REPO_ROOT, 'out', 'demo');

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
  const readingsWh = demoReadings(startDay, DAYS);
  console.log(`   readings: ${demoDataSource}, ${readingsWh.length} half-hours`);
  const key = await generateMeterKey(METER_ID);
  writeMeterKey(join(OUT, 'meter.json'), key);
  const meterStarted = performance.now();
  const { bundle } = await certifyDays(key, startDay, readingsWh);
  writeJson(join(OUT, 'bundle.json'), bundleToJson(bundle));
  console.log(`   ${DAYS} daily signatures in ${seconds(performance.now() - meterStarted)} → out/demo/bundle.json`);

  step('3. household proves its bill and settlement value');
  const tariff = demoTariff(startDay, DAYS);
  const value = demoValueVector(startDay, DAYS);
  writeJson(join(OUT, 'tariff.json'), tariff);
  writeJson(join(OUT, 'value.json'), value);
  // the prover the command line uses: the native one when built (native/README.md), else snarkjs
  const backend = pickBackend();
  const result = await proveBill({ bundle, tariff, valueOfEnergy: value, backend });
  const resultPath = join(OUT, 'result.json');
  writeJson(resultPath, result);
  console.log(`   circuit ${result.circuit}, ${backend.name} prover: witness ${seconds(result.prover!.witnessMs)}, proof ${seconds(result.prover!.proveMs)}`);
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
  await releaseNative();
}
