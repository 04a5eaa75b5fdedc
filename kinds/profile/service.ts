/**
 * The profile kind in the verifier API: profile sets are published by scheme operators and the grid, who
 * both read profile results; a result is bound to the published set it names, valid for the period and,
 * when the set names a period, made for this one. One result per meter, set and period.
 */
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import { isoDay } from '../../core/time.js';
import type { KindService } from '../service.js';
import { parseProfileSet, PROFILE_SET_FORMAT, ProfileSetSchema } from './circuit.js';
import { profileFeatures } from './routes.js';

export const profileService: KindService = {
  readers: ['scheme', 'grid'],
  documents: [
    {
      kind: 'profile-set',
      format: PROFILE_SET_FORMAT,
      what: 'profile set',
      publishers: ['scheme', 'grid'],
      exclusive: false,
      schema: ProfileSetSchema,
      jsonSchema: () => ({ title: 'meterproof profile set', ...z.toJSONSchema(ProfileSetSchema, { io: 'input' }) }),
      parse: parseProfileSet,
    },
  ],
  async bind(ctx) {
    const set = await ctx.registries.published(ctx, 'profiles', 'profile-set');
    const period = (set.body as { period?: { start: string; days: number } }).period;
    if (period && (period.start !== isoDay(ctx.startDay) || period.days !== ctx.days)) {
      throw new ApiError(422, 'parameters_not_valid', `the profile set is made for ${period.start} + ${period.days} day(s), not for ${isoDay(ctx.startDay)} + ${ctx.days} day(s)`);
    }
    return { fields: { profiles: set.body }, shared: set.digest, bindings: { profileSetDigest: set.digest }, keyParts: [set.digest] };
  },
  features: profileFeatures,
};
