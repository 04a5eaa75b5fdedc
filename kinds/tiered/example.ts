/** Example statement fields of a tiered-tariff result: the shipped tiered tariff (docs/examples/tiered-tariff.json), for any period. */
import { exampleDocument, type ExamplePeriod } from '../examples.js';

export function exampleFields(_period: ExamplePeriod): Record<string, unknown> {
  return { tariff: exampleDocument('tiered-tariff') };
}
