/**
 * Deterministic generated data for demos, tests and benchmarks on a clone without ../shared/data.
 * A small linear congruential generator keeps every run identical.
 */
import { SLOTS_PER_DAY } from './time.js';

function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Household-like readings, Wh per half-hour: night base load, daytime, a high evening load, rare big loads. */
export function syntheticReadings(days: number, seed = 1): number[] {
  const next = generator(seed);
  return Array.from({ length: days * SLOTS_PER_DAY }, (_, i) => {
    const hour = (i % SLOTS_PER_DAY) / 2;
    const base = hour < 6 ? 120 : hour < 17 ? 250 : hour < 22 ? 650 : 300;
    return Math.floor(base * (0.5 + next()) + (next() < 0.02 ? 4000 : 0));
  });
}

/** Per-slot prices in mp/kWh between -12 and +48 p/kWh, about a fifth of them negative. */
export function syntheticPrices(slots: number, seed = 7): number[] {
  const next = generator(seed);
  return Array.from({ length: slots }, () => Math.floor(next() * 60_000) - 12_000);
}
