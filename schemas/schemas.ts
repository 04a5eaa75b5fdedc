/**
 * The JSON Schemas in this folder are generated from the zod schemas the code validates with, so the two
 * cannot drift apart: `npx tsx schemas/schemas.ts` rewrites them, and test/schemas.test.ts fails when a
 * committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { tariffSetJsonSchema } from '../kinds/compare/circuit.js';
import { ProfileSetSchema } from '../kinds/profile/circuit.js';
import { RebateSchemeSchema } from '../kinds/rebate/circuit.js';
import { ChallengeSchema } from '../kinds/sampling/circuit.js';
import { SuspectPatternSchema } from '../kinds/suspect/circuit.js';
import { DrEventsSchema } from '../kinds/threshold/circuit.js';
import { TieredTariffSchema } from '../kinds/tiered/circuit.js';
import { BundleSchema } from '../meter/bundle.js';
import { ResultSchema } from '../prover/result.js';
import { tariffJsonSchema } from '../tariff/model.js';

export const SCHEMAS: Record<string, () => object> = {
  'bundle.schema.json': () => ({ title: 'meterproof certified readings bundle', ...z.toJSONSchema(BundleSchema, { io: 'input' }) }),
  'result.schema.json': () => ({ title: 'meterproof certified result', ...z.toJSONSchema(ResultSchema, { io: 'input' }) }),
  'tariff.schema.json': tariffJsonSchema,
  'rebate-scheme.schema.json': () => ({ title: 'meterproof rebate scheme', ...z.toJSONSchema(RebateSchemeSchema, { io: 'input' }) }),
  'challenge.schema.json': () => ({ title: 'meterproof sampling challenge', ...z.toJSONSchema(ChallengeSchema, { io: 'input' }) }),
  'profile-set.schema.json': () => ({ title: 'meterproof profile set', ...z.toJSONSchema(ProfileSetSchema, { io: 'input' }) }),
  'suspect-pattern.schema.json': () => ({ title: 'meterproof suspect pattern', ...z.toJSONSchema(SuspectPatternSchema, { io: 'input' }) }),
  'dr-events.schema.json': () => z.toJSONSchema(DrEventsSchema, { io: 'input' }),
  'tiered-tariff.schema.json': () => z.toJSONSchema(TieredTariffSchema, { io: 'input' }),
  'tariff-set.schema.json': tariffSetJsonSchema,
};

export const schemaText = (name: string) => JSON.stringify(SCHEMAS[name](), null, 2) + '\n';

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const name of Object.keys(SCHEMAS)) writeFileSync(new URL(name, import.meta.url), schemaText(name));
}
