/**
 * The compare kind in the verifier API: services, suppliers and the grid publish tariff sets; comparison
 * services read the results. A result is bound to the published set it names and, when the meter's
 * assigned tariff is in the set, to that tariff as its current one.
 */
import { ApiError } from '../../core/api-error.js';
import { parseTariff } from '../../tariff/model.js';
import type { KindService } from '../service.js';
import { parseTariffSet, TARIFF_SET_FORMAT, tariffSetJsonSchema, TariffSetSchema } from './circuit.js';

export const compareService: KindService = {
  readers: ['service'],
  documents: [
    {
      kind: 'tariff-set',
      format: TARIFF_SET_FORMAT,
      what: 'tariff set',
      publishers: ['service', 'supplier', 'grid'],
      exclusive: false,
      schema: TariffSetSchema,
      jsonSchema: tariffSetJsonSchema,
      parse: parseTariffSet,
      // the set's tariffs as parsed tariffs: a tariff written with or without its defaults hashes the same
      normalize: (set: { tariffs: unknown[] }) => ({ ...set, tariffs: set.tariffs.map(parseTariff) }),
    },
  ],
  /**
   * A published tariff set. When the meter's assigned tariff for the period is in the set, `current` must
   * name it: the saving is then against the tariff the household really has. A set without it (a service
   * comparing offers the API knows nothing about) leaves `current` to the household.
   */
  async bind(ctx) {
    const set = await ctx.registries.published(ctx, 'tariffs', 'tariff-set');
    const current = ctx.fields.current as number;
    const assigned = await ctx.registries.tariffFor(ctx.meter.id, ctx.startDay, ctx.days, 'tariff');
    if (assigned) {
      const digests = (set.body as { tariffs: unknown[] }).tariffs.map((t, i) => ctx.registries.carriedDigest(t, 'tariff', `tariff set, tariff ${i}`));
      const positions = digests.flatMap((d, i) => (d === assigned.digest ? [i] : []));
      if (positions.length && !positions.includes(current)) {
        throw new ApiError(422, 'current_tariff_mismatch', `current is ${current}, but the tariff supplier ${assigned.supplierId} assigned to meter ${ctx.meter.id} for this period is tariff ${positions.join(' / ')} of the set`);
      }
    }
    return { fields: { tariffs: set.body, current }, shared: `${set.digest}|${current}`, bindings: { tariffSetDigest: set.digest, current }, keyParts: [set.digest] };
  },
};
