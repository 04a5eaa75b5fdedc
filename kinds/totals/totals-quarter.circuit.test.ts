/**
 * The quarter: totals_92d (periods of 32-92 days, weekly totals) through the shared quarter checks
 * (test/support/quarter.ts: the reference on 32, 59 and 92 days, soundness at 92 days), and every reading at
 * its 14-bit maximum over a whole quarter (each weekly total stays exact: below 7 · 48 · 2^14 < 2^23).
 * Costs: one compile (~1 min on 2 cores), no keys.
 */
import { test } from 'node:test';
import { totalsKind } from './kind.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import { certifyPeriod } from '../../test/support/fixtures.js';
import { quarterCircuitTests } from '../../test/support/quarter.js';

const quarter = quarterCircuitTests(totalsKind, 'totals_92d');

test('every reading at 16383 Wh over 92 days', async () => {
  const { bundle } = await certifyPeriod({ startDay: dayOf('2023-10-01'), readings: Array(92 * SLOTS_PER_DAY).fill(16383) });
  await quarter.agrees(bundle);
});
