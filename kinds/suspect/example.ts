/** Example statement fields of a suspect-match result: the shipped grow-light pattern (docs/examples/suspect-pattern.json), for any period. */
import { exampleDocument, type ExamplePeriod } from '../examples.js';

export function exampleFields(_period: ExamplePeriod): Record<string, unknown> {
  return { pattern: exampleDocument('suspect-pattern') };
}
