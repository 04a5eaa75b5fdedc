/**
 * The tiered kind in the verifier API: tiered tariffs are not published under /v1/parameters but assigned
 * to meters by their supplier; a result is bound to the tiered tariff assigned for its whole period.
 */
import { z } from 'zod';
import type { KindService } from '../service.js';
import { parseTieredTariff, TIERED_TARIFF_FORMAT, TieredTariffSchema } from './circuit.js';

export const tieredService: KindService = {
  readers: [],
  documents: [
    {
      kind: 'tiered-tariff',
      format: TIERED_TARIFF_FORMAT,
      what: 'tiered tariff',
      publishers: [],
      assigned: true,
      exclusive: false,
      schema: TieredTariffSchema,
      jsonSchema: () => z.toJSONSchema(TieredTariffSchema, { io: 'input' }),
      parse: parseTieredTariff,
    },
  ],
  async bind(ctx) {
    const tariff = await ctx.registries.assignedTariff(ctx, 'tariff', 'tiered-tariff');
    return { fields: { tariff: tariff.body }, shared: tariff.digest, bindings: { tariffDigest: tariff.digest } };
  },
};
