/**
 * The JSON Schemas in this folder are generated from the zod schemas the code validates with, so the two
 * cannot drift apart: `npx tsx schemas/schemas.ts` rewrites them, and test/schemas.test.ts fails when a
 * committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BundleSchema } from '../meter/bundle.js';
import { ResultSchema } from '../prover/result.js';
import { tariffJsonSchema } from '../tariff/model.js';

export const SCHEMAS: Record<string, () => object> = {
  'bundle.schema.json': () => ({ title: 'meterproof certified readings bundle', ...z.toJSONSchema(BundleSchema, { io: 'input' }) }),
  'result.schema.json': () => ({ title: 'meterproof certified result', ...z.toJSONSchema(ResultSchema, { io: 'input' }) }),
  'tariff.schema.json': tariffJsonSchema,
};

export const schemaText = (name: string) => JSON.stringify(SCHEMAS[name](), null, 2) + '\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of Object.keys(SCHEMAS)) writeFileSync(new URL(name, import.meta.url), schemaText(name));
}
