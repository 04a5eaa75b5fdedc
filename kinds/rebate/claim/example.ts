/** The example scheme the tests, the benchmark and `npm run demo:chain` claim from. */
import { exampleDocument } from '../../examples.js';
import type { ChainSchemeJson } from './circuit.js';

/** A weekly (or daily, monthly) scheme from `start` paying the shipped example rebate (docs/examples/rebate-scheme.json). */
export function exampleChainScheme(o: { id?: string; start: string; periodDays: number; periods: number }): ChainSchemeJson {
  return {
    format: 'meterproof-chain-scheme/1',
    id: o.id ?? `example-rebate-${o.periodDays}d`,
    name: 'Example progressive saving rebate',
    rebate: exampleDocument('rebate-scheme') as ChainSchemeJson['rebate'],
    grid: { start: o.start, periodDays: o.periodDays, periods: o.periods },
  };
}
