/** The example parameter documents shipped in docs/examples/, for the example generators beside this file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../circuits/registry.js';

/** The period an example is made for (what the benchmark and the demo certify). */
export interface ExamplePeriod {
  meterId: string;
  /** days since 1970-01-01 UTC */
  startDay: number;
  days: number;
}

export function exampleDocument(name: 'rebate-scheme' | 'challenge' | 'profile-set' | 'suspect-pattern' | 'dr-events' | 'tariff-peak' | 'tiered-tariff' | 'tariff-set'): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'examples', `${name}.json`), 'utf8'));
}
