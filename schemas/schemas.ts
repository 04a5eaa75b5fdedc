/**
 * The JSON Schemas of the file formats are generated from the zod schemas the code validates with, so the
 * two cannot drift apart: the core formats' in this folder, and each kind's documents beside the kind
 * (kinds/<kind>/<document kind>.schema.json, from the `documents` of its service). `npx tsx
 * schemas/schemas.ts` rewrites them all, and test/schemas.test.ts fails when a committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { REPO_ROOT } from '../core/paths.js';
import { KINDS } from '../kinds/registry.js';
import { BundleSchema } from '../meter/bundle.js';
import { SignedRequestSchema } from '../prover/request.js';
import { ResultSchema } from '../prover/result.js';
import { tariffJsonSchema } from '../tariff/model.js';

export interface SchemaFile {
  /** relative to the repository root */
  path: string;
  generate: () => object;
}

const core: SchemaFile[] = [
  { path: 'schemas/bundle.schema.json', generate: () => ({ title: 'meterproof certified readings bundle', ...z.toJSONSchema(BundleSchema, { io: 'input' }) }) },
  { path: 'schemas/result.schema.json', generate: () => ({ title: 'meterproof certified result', ...z.toJSONSchema(ResultSchema, { io: 'input' }) }) },
  { path: 'schemas/tariff.schema.json', generate: tariffJsonSchema },
  { path: 'schemas/request.schema.json', generate: () => z.toJSONSchema(SignedRequestSchema, { io: 'input' }) },
];

const documents: SchemaFile[] = Object.values(KINDS).flatMap((k) => (k.service.documents ?? []).map((f) => ({ path: `kinds/${k.kind}/${f.kind}.schema.json`, generate: f.jsonSchema })));

/** Every generated schema by file name (names are unique: a document kind is named once). */
export const SCHEMAS: Record<string, SchemaFile> = {};
for (const s of [...core, ...documents]) {
  const name = s.path.slice(s.path.lastIndexOf('/') + 1);
  if (SCHEMAS[name]) throw new Error(`two schemas named ${name}: ${SCHEMAS[name].path} and ${s.path}`);
  SCHEMAS[name] = s;
}

export const schemaText = (name: string) => JSON.stringify(SCHEMAS[name].generate(), null, 2) + '\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, s] of Object.entries(SCHEMAS)) writeFileSync(join(REPO_ROOT, s.path), schemaText(name));
}
