/** Example statement fields of a totals result: none (the sub-period length is the circuit's). */
import type { ExamplePeriod } from '../examples.js';

export function exampleFields(_period: ExamplePeriod): Record<string, unknown> {
  return {};
}
