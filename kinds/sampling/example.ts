/** Example statement fields of a sampling result: a fresh challenge for the period's meter and days, as a settlement body issues it. */
import { newChallenge } from './circuit.js';
import { isoDay } from '../../core/time.js';
import type { ExamplePeriod } from '../examples.js';

export function exampleFields(period: ExamplePeriod): Record<string, unknown> {
  return { challenge: newChallenge({ issuer: 'Example settlement body', meterId: period.meterId, period: { start: isoDay(period.startDay), days: period.days } }) };
}
