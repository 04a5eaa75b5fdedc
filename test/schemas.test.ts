import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../core/paths.js';
import { schemaText, SCHEMAS } from '../schemas/schemas.js';

for (const [name, s] of Object.entries(SCHEMAS)) {
  test(`${s.path} matches the code's validation schema`, () => {
    assert.equal(readFileSync(join(REPO_ROOT, s.path), 'utf8'), schemaText(name), 'run: npx tsx schemas/schemas.ts');
  });
}
