/**
 * The season: rebate_92d (periods of 32-92 days) through the shared quarter checks (test/support/quarter.ts:
 * the reference on 32, 59 and 92 days, soundness at 92 days) on days that save in every bracket, and the
 * widest scheme over a whole quarter (the period's total stays exact: < 92 · 2^44 µp). A 32-day period
 * masks 60 days of zero readings that would otherwise count as full savings; the 32-day agreement is that
 * check. Costs: one compile (~1-2.5 min on 2 cores), no keys.
 */
import { test } from 'node:test';
import { rebateKind } from './kind.js';
import { getCircuit } from '../registry.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import { certifyPeriod, syntheticReadings } from '../../test/support/fixtures.js';
import { quarterCircuitTests } from '../../test/support/quarter.js';

// Household-like days scaled from 5 % to 95 % (about 0.7 to 14 kWh): savings in each of the example
// scheme's brackets (threshold 10 kWh; brackets from 0, 2, 5 and 8 kWh saved) and days above the threshold.
const seasonReadings = (days: number, seed: number) => syntheticReadings(days, seed).map((r, i) => Math.floor(r * (0.05 + (Math.floor(i / SLOTS_PER_DAY) % 10) / 10)));

const quarter = quarterCircuitTests(rebateKind, 'rebate_92d', { readings: seasonReadings });

test('the widest scheme over 92 days: no consumption, threshold 2^20 - 1 Wh, every rate 2^24 - 1', async () => {
  const { bundle } = await certifyPeriod({ startDay: dayOf('2023-10-01'), readings: Array(92 * SLOTS_PER_DAY).fill(0) });
  const rate = 2 ** 24 - 1;
  const scheme = {
    format: 'meterproof-rebate-scheme/1',
    id: 'widest',
    name: 'Widest scheme',
    currency: 'GBP',
    thresholdWhPerDay: 2 ** 20 - 1,
    brackets: [0, 1, 2, 3].map((k) => ({ fromWh: k * 1000, rate })),
  };
  await quarter.agrees(bundle, rebateKind.statement(bundle, rebateKind.fields.parse({ scheme }), getCircuit('rebate_92d')));
});
