/** The example scheme the tests, the benchmark and `npm run demo:chain` claim from. */
import type { ChainSchemeJson } from './circuit.js';

/**
 * A weekly (or daily, monthly) scheme from `start`: 10 kWh/day threshold; 4, 6, 9, then 15 p/kWh for
 * daily savings from 0, 2, 5 and 8 kWh.
 */
export function exampleChainScheme(o: { id?: string; start: string; periodDays: number; periods: number }): ChainSchemeJson {
  return {
    format: 'meterproof-chain-scheme/1',
    id: o.id ?? `example-rebate-${o.periodDays}d`,
    name: 'Example progressive saving rebate',
    rebate: {
      format: 'meterproof-rebate-scheme/1',
      id: 'example-progressive-rebate',
      name: 'Example progressive rebate',
      currency: 'GBP',
      thresholdWhPerDay: 10_000,
      brackets: [
        { fromWh: 0, rate: 4_000 },
        { fromWh: 2_000, rate: 6_000 },
        { fromWh: 5_000, rate: 9_000 },
        { fromWh: 8_000, rate: 15_000 },
      ],
    },
    grid: { start: o.start, periodDays: o.periodDays, periods: o.periods },
  };
}
