/**
 * The rebate kind in the verifier API: schemes are published by scheme operators; a result is bound to
 * the published scheme it names, and is a claim: one per meter, scheme and period, and no two claims of a
 * meter under one scheme may share a day (a week claimed after its days were claimed one by one is refused).
 */
import type { KindService } from '../service.js';
import { parseRebateScheme, REBATE_SCHEME_FORMAT, RebateSchemeSchema } from './circuit.js';
import { z } from 'zod';
import { rebateFeatures } from './routes.js';

export const rebateService: KindService = {
  readers: ['scheme'],
  documents: [
    {
      kind: 'rebate-scheme',
      format: REBATE_SCHEME_FORMAT,
      what: 'rebate scheme',
      publishers: ['scheme'],
      exclusive: false,
      schema: RebateSchemeSchema,
      jsonSchema: () => ({ title: 'meterproof rebate scheme', ...z.toJSONSchema(RebateSchemeSchema, { io: 'input' }) }),
      parse: parseRebateScheme,
    },
  ],
  async bind(ctx) {
    const scheme = await ctx.registries.published(ctx, 'scheme', 'rebate-scheme');
    return {
      fields: { scheme: scheme.body },
      shared: scheme.digest,
      bindings: { schemeDigest: scheme.digest },
      keyParts: [scheme.digest],
      claim: { scope: `rebate|${ctx.meter.id}|${scheme.digest}`, days: Array.from({ length: ctx.days }, (_, i) => ctx.startDay + i) },
    };
  },
  features: rebateFeatures,
};
