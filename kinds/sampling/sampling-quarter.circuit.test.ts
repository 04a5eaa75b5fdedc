/**
 * A challenge over a quarter: sampling_92d (periods of 32-92 days) through the shared quarter
 * checks (test/support/quarter.ts: the reference on 32, 59 and 92 days, soundness at 92 days) on readings
 * that name their slot, so a wrong pick cannot agree by chance; a seed whose samples reach the last packed
 * element (slots 4,400-4,415), and 14-bit extremes in every digit of the packed elements. Costs: one
 * compile (~1-2.5 min on 2 cores), no keys.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SamplingStatement } from './circuit.js';
import { samplingKind } from './kind.js';
import { getCircuit } from '../registry.js';
import { sampleReadings } from './reference.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { certifyPeriod, tellingReadings } from '../../test/support/fixtures.js';
import { quarterCircuitTests } from '../../test/support/quarter.js';

const SAMPLES = getCircuit('sampling_92d').params.samples;
const statementFor = (b: Bundle, seed: number | bigint): SamplingStatement => ({ meterId: b.meterId, publicKey: b.publicKey, startDay: b.startDay, days: b.days, seed: BigInt(seed) });

const quarter = quarterCircuitTests(samplingKind, 'sampling_92d', { statement: statementFor, readings: tellingReadings });

test('a seed whose samples reach the last packed element (slots 4,400-4,415)', async () => {
  const { bundle } = await certifyPeriod({ startDay: dayOf('2023-07-01'), readings: tellingReadings(92, 5) });
  let seed = 1n;
  while (!(await sampleReadings(bundle.readingsWh, bundle.startDay, seed, SAMPLES)).some((x) => x.slot - 48 * bundle.startDay >= 4400)) seed++;
  await quarter.agrees(bundle, statementFor(bundle, seed));
});

test('readings at 0, 16382 and 16383 over 92 days', async () => {
  const readings = Array.from({ length: 92 * SLOTS_PER_DAY }, (_, i) => (i % 3 === 0 ? 16383 : i % 3 === 1 ? 0 : 16382));
  const { bundle } = await certifyPeriod({ startDay: dayOf('2023-10-01'), readings });
  const s = statementFor(bundle, 11);
  assert.ok(new Set((await sampleReadings(readings, bundle.startDay, s.seed, SAMPLES)).map((x) => x.readingWh)).size > 1, 'the samples see more than one value');
  await quarter.agrees(bundle, s);
});
