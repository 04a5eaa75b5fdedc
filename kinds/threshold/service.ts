/**
 * The threshold kind in the verifier API: the grid publishes its demand-response events (at most one
 * document valid on any day, so a household cannot pick the schedule that suits it) and reads the results.
 * A result is bound to the events valid for its period and, for a penalty bill, to the meter's assigned tariff.
 */
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import type { KindService } from '../service.js';
import { DR_EVENTS_FORMAT, DrEventsSchema, parseDrEvents } from './circuit.js';

export const thresholdService: KindService = {
  readers: ['grid'],
  documents: [
    {
      kind: 'dr-events',
      format: DR_EVENTS_FORMAT,
      what: 'demand-response events',
      publishers: ['grid'],
      exclusive: true,
      schema: DrEventsSchema,
      jsonSchema: () => z.toJSONSchema(DrEventsSchema, { io: 'input' }),
      parse: parseDrEvents,
    },
  ],
  async bind(ctx) {
    const mode = ctx.fields.mode as 'compliance' | 'penalty';
    // a compliance proof has no prices: a tariff it carried would be stored unchecked
    if (mode === 'compliance' && ctx.fields.tariff !== undefined) throw new ApiError(400, 'malformed', 'statement.tariff: a compliance statement takes no tariff (only a penalty bill does)');
    const events = await ctx.registries.published(ctx, 'events', 'dr-events');
    const tariff = mode === 'penalty' ? await ctx.registries.assignedTariff(ctx, 'tariff', 'tariff') : undefined;
    return {
      fields: { mode, events: events.body, ...(tariff ? { tariff: tariff.body } : {}) },
      shared: `${mode}|${events.digest}|${tariff?.digest ?? ''}`,
      bindings: { mode, eventsDigest: events.digest, tariffDigest: tariff?.digest ?? null },
      // one compliance proof and one penalty bill per events document and period
      keyParts: [mode, events.digest],
    };
  },
};
