import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { schemaText, SCHEMAS } from '../schemas/schemas.js';

for (const name of Object.keys(SCHEMAS)) {
  test(`schemas/${name} matches the code's validation schema`, () => {
    assert.equal(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8'), schemaText(name), 'run: npx tsx schemas/schemas.ts');
  });
}
