/** The page's bill by price band adds up, to the micro-penny, to the bill the circuit certifies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeBill } from '../../kinds/bill/reference.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import { billBreakdown, MAX_BANDS } from '../../web/src/breakdown.js';
import { syntheticPrices, syntheticReadings } from '../support/fixtures.js';

const standingCharge = 24_000_000n;

test('a three-level time-of-use tariff gives three bands, dearest first', () => {
  const readings = syntheticReadings(2, 5);
  const prices = readings.map((_, i) => [67_200n, 11_760n, 3_990n][Math.floor((i % SLOTS_PER_DAY) / 16)]);
  const b = billBreakdown(readings, { prices, standingCharge });
  assert.deepEqual(
    b.bands.map((x) => [x.minPrice, x.slots]),
    [
      [67_200n, 32],
      [11_760n, 32],
      [3_990n, 32],
    ],
  );
  assert.equal(b.total, computeBill(readings, prices, prices, standingCharge).bill);
  assert.equal(b.wh, BigInt(readings.reduce((a, c) => a + c, 0)));
  assert.deepEqual(b.bandOfSlot.slice(14, 18), [0, 0, 1, 1]);
});

test('a half-hourly dynamic tariff is grouped into price ranges that cover every price, negative ones too', () => {
  const readings = syntheticReadings(7, 6);
  const prices = syntheticPrices(readings.length, 3).map(BigInt);
  const b = billBreakdown(readings, { prices, standingCharge });
  assert.equal(b.bands.length, MAX_BANDS);
  assert.equal(b.total, computeBill(readings, prices, prices, standingCharge).bill);
  assert.equal(b.bands.reduce((n, x) => n + x.slots, 0), readings.length);
  prices.forEach((p, i) => {
    const band = b.bands[b.bandOfSlot[i]];
    assert.ok(band.minPrice <= p && p <= band.maxPrice, `slot ${i}: ${p} in [${band.minPrice}, ${band.maxPrice}]`);
  });
  assert.ok(b.bands[MAX_BANDS - 1].minPrice < 0n);
});

test('a flat tariff is one band', () => {
  const readings = syntheticReadings(1, 7);
  const b = billBreakdown(readings, { prices: readings.map(() => 24_500n), standingCharge: 0n });
  assert.equal(b.bands.length, 1);
  assert.equal(b.total, 24_500n * b.wh);
});

test('price bands are told apart without colour: each colour at least 3:1 against white, each band its own letter', async () => {
  const { BAND_COLOURS, BAND_LETTERS } = await import('../../web/src/chart.js');
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  for (const c of BAND_COLOURS) assert.ok(1.05 / (luminance(c) + 0.05) >= 3, `${c}: contrast ${(1.05 / (luminance(c) + 0.05)).toFixed(2)}:1 against white`);
  assert.equal(new Set(BAND_LETTERS).size, BAND_COLOURS.length);
});
