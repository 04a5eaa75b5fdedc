/**
 * The bill kind in the verifier API: a result is bound to the tariff the meter's supplier assigned for the
 * period and to the grid's value-of-energy vector for it. No role beyond the auditor and the meter's
 * supplier reads bills; the grid sees them only aggregated (settlement, substation balance).
 */
import { ApiError } from '../../core/api-error.js';
import { periodRange } from '../../core/time.js';
import type { KindService } from '../service.js';


export const billService: KindService = {
  readers: [],
  async bind(ctx) {
    const r = ctx.registries;
    const tariff = await r.assignedTariff(ctx, 'tariff', 'tariff');
    const value = await r.valueVectorFor(ctx.startDay, ctx.days);
    if (!value) throw new ApiError(422, 'value_vector_missing', `the grid has published no value-of-energy vector for ${periodRange(ctx)}`);
    if (ctx.fields.valueOfEnergy == null) throw new ApiError(422, 'value_vector_mismatch', `the result has no value-of-energy binding; the grid's vector for the period has digest ${value.slice(0, 16)}…`);
    const carried = r.carriedDigest(ctx.fields.valueOfEnergy, 'tariff', 'statement.valueOfEnergy');
    if (carried !== value) throw new ApiError(422, 'value_vector_mismatch', `the result's value-of-energy vector (digest ${carried.slice(0, 16)}…) is not the grid's for the period (digest ${value.slice(0, 16)}…)`);
    return { fields: { tariff: tariff.body, valueOfEnergy: await r.body(value) }, shared: `${tariff.digest}|${value}`, bindings: { tariffDigest: tariff.digest, valueOfEnergyDigest: value } };
  },
};
