/**
 * The suspect kind in the verifier API: the grid and suppliers publish suspect patterns, the grid reads the
 * results. A result is bound to the published pattern it names; one a supplier published applies to its
 * own customers only.
 */
import { z } from 'zod';
import type { KindService } from '../service.js';
import { parseSuspectPattern, SUSPECT_PATTERN_FORMAT, SuspectPatternSchema } from './circuit.js';

export const suspectService: KindService = {
  readers: ['grid'],
  documents: [
    {
      kind: 'suspect-pattern',
      format: SUSPECT_PATTERN_FORMAT,
      what: 'suspect pattern',
      publishers: ['grid', 'supplier'],
      exclusive: false,
      schema: SuspectPatternSchema,
      jsonSchema: () => ({ title: 'meterproof suspect pattern', ...z.toJSONSchema(SuspectPatternSchema, { io: 'input' }) }),
      parse: parseSuspectPattern,
    },
  ],
  async bind(ctx) {
    const pattern = await ctx.registries.published(ctx, 'pattern', 'suspect-pattern', { ownCustomers: true });
    return { fields: { pattern: pattern.body }, shared: pattern.digest, bindings: { patternDigest: pattern.digest }, keyParts: [pattern.digest] };
  },
};
