/** Example statement fields of a peak result: none (the statement is the meter and the period). */
import type { ExamplePeriod } from '../examples.js';

export function exampleFields(_period: ExamplePeriod): Record<string, unknown> {
  return {};
}
