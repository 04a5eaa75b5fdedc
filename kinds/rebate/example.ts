/** Example statement fields of a rebate result: the shipped example scheme (docs/examples/rebate-scheme.json), for any period. */
import { exampleDocument, type ExamplePeriod } from '../examples.js';

export function exampleFields(_period: ExamplePeriod): Record<string, unknown> {
  return { scheme: exampleDocument('rebate-scheme') };
}
