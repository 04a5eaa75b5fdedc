/** The real public data set beside the project (../shared/data), when present. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');
export const hasSharedData = existsSync(SHARED_DATA);

export function sharedFile(relativePath: string): string {
  return readFileSync(join(SHARED_DATA, relativePath), 'utf8');
}
