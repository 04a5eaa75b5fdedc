/**
 * Example statement fields of a tariff comparison: the shipped set of four tariffs valid on any date
 * (docs/examples/tariff-set.json), the household being on the Economy 7 tariff (index 1): with evening-heavy
 * readings such as the generated ones the fixed-price tariff (index 0) comes out cheaper, so the saving is not 0.
 */
import { exampleDocument, type ExamplePeriod } from '../examples.js';

export function exampleFields(_period: ExamplePeriod): Record<string, unknown> {
  return { tariffs: exampleDocument('tariff-set'), current: 1 };
}
