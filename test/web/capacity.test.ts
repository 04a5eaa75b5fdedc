/** The page's up-front decision whether this device should prove a period at once with the prover its worker will use, and its offer instead. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PROVE_MS, MEASURED, provingVerdict, refusalSentence, shorterPeriods } from '../../web/src/capacity.js';

const month = MEASURED.find((m) => m.maxDays === 31)!;
const quarter = MEASURED.find((m) => m.maxDays === 92)!;
const reason = (v: ReturnType<typeof provingVerdict>) => (v.ok ? '' : v.reason);

test('the measured figures: snarkjs needs more memory and time than the WebAssembly prover, the quarter more than the month', () => {
  for (const m of [month, quarter]) {
    assert.ok(m.snarkjs.memoryMB > m.core.memoryMB && m.snarkjs.proveMs > m.core.proveMs, `${m.maxDays} days`);
  }
  for (const p of ['core', 'snarkjs'] as const) assert.ok(quarter[p].memoryMB > month[p].memoryMB && quarter[p].proveMs > month[p].proveMs, p);
});

test('the quarter with the WebAssembly prover: a device reporting 1 GB proves it; one reporting 0.25 GB is refused with the figures', () => {
  assert.equal(provingVerdict(92, 'core', { memoryGB: 1, cores: 2 }).ok, true);
  const v = provingVerdict(92, 'core', { memoryGB: 0.25, cores: 8 });
  assert.equal(v.ok, false);
  assert.match(reason(v), /^Proving 92 days at once needs about \d\.\d GB of memory in this browser, and this device reports 0\.25 GB/);
  // a shorter period fits where the quarter does not
  assert.equal(provingVerdict(7, 'core', { memoryGB: 0.25, cores: 8 }).ok, true);
});

test('the device is sized by the prover the page will use: a month on 0.5 GB with the WebAssembly prover, not with snarkjs, which the reason names', () => {
  assert.equal(provingVerdict(31, 'core', { memoryGB: 0.5, cores: 2 }).ok, true);
  const v = provingVerdict(31, 'snarkjs', { memoryGB: 0.5, cores: 2 });
  assert.equal(v.ok, false);
  assert.match(reason(v), /^Proving 31 days at once with snarkjs \(the WebAssembly prover, which needs less, is not used on this page\) needs about \d\.\d GB/);
});

test('unknown memory (browsers other than Chromium) is not held against the device; time still is, by the prover used', () => {
  assert.equal(provingVerdict(92, 'snarkjs', {}).ok, true);
  for (const p of ['core', 'snarkjs'] as const) assert.equal(provingVerdict(92, p, { cores: 1 }).ok, quarter[p].proveMs * 2 <= MAX_PROVE_MS, p);
  // a period twice as long as the core proves within the limit, counted at the quarter's cost per day
  const longer = provingVerdict(Math.ceil((92 * 2 * MAX_PROVE_MS) / quarter.core.proveMs), 'core', { cores: 2 });
  assert.equal(longer.ok, false);
  assert.match(reason(longer), /would take about \d+ minutes/);
});

test('the offer: stored periods of at most 31 days inside the quarter, in date order', () => {
  const q = { start: '2023-01-01', days: 90 };
  const stored = [q, { start: '2023-03-01', days: 31 }, { start: '2023-01-01', days: 31 }, { start: '2023-04-01', days: 30 }, { start: '2023-02-01', days: 28 }, { start: '2022-12-15', days: 31 }];
  assert.deepEqual(shorterPeriods(q, stored), [stored[2], stored[4], stored[1]]);
  assert.match(refusalSentence('Too big.', q, shorterPeriods(q, stored)), /^Too big\. Nothing was started\. .*2023-01-01 \(31 days\), 2023-02-01 \(28 days\), 2023-03-01 \(31 days\)/);
  assert.match(refusalSentence('Too big.', q, []), /holds no shorter readings inside this 90-day period/);
});
