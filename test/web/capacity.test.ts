/** The page's up-front decision whether this device should prove a period at once, and its offer instead. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PROVE_MS, MEASURED, provingVerdict, refusalSentence, shorterPeriods } from '../../web/src/capacity.js';

const quarter = MEASURED.find((m) => m.maxDays === 92)!;

test('a device reporting enough memory proves the quarter; one reporting too little is refused with the figures', () => {
  assert.equal(provingVerdict(92, { memoryGB: 8, cores: 2 }).ok, true);
  const v = provingVerdict(92, { memoryGB: 1, cores: 8 });
  assert.equal(v.ok, false);
  assert.match(!v.ok ? v.reason : '', /Proving 92 days at once needs about \d\.\d GB of memory in this browser, and this device reports 1 GB/);
  // a week fits where the quarter does not
  assert.equal(provingVerdict(7, { memoryGB: 1, cores: 8 }).ok, true);
});

test('unknown memory (browsers other than Chromium) is not held against the device; time still is', () => {
  assert.equal(provingVerdict(92, {}).ok, true);
  const single = provingVerdict(92, { cores: 1 });
  assert.equal(single.ok, quarter.proveMs * 2 <= MAX_PROVE_MS);
  const longer = provingVerdict(92 * 30, { cores: 2 });
  assert.equal(longer.ok, false);
  assert.match(!longer.ok ? longer.reason : '', /would take about \d+ minutes/);
});

test('the offer: stored periods of at most 31 days inside the quarter, in date order', () => {
  const q = { start: '2023-01-01', days: 90 };
  const stored = [q, { start: '2023-03-01', days: 31 }, { start: '2023-01-01', days: 31 }, { start: '2023-04-01', days: 30 }, { start: '2023-02-01', days: 28 }, { start: '2022-12-15', days: 31 }];
  assert.deepEqual(shorterPeriods(q, stored), [stored[2], stored[4], stored[1]]);
  assert.match(refusalSentence('Too big.', q, shorterPeriods(q, stored)), /^Too big\. Nothing was started\. .*2023-01-01 \(31 days\), 2023-02-01 \(28 days\), 2023-03-01 \(31 days\)/);
  assert.match(refusalSentence('Too big.', q, []), /holds no shorter readings inside this 90-day period/);
});
