/** The example parameter documents shipped in docs/examples/, for the kinds' example statements (kinds/<kind>/example.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../core/paths.js';

export type { ExamplePeriod } from './kind.js';

/** docs/examples/<name>.json */
export function exampleDocument(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'examples', `${name}.json`), 'utf8'));
}
