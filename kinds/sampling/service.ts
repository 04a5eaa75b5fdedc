/**
 * The sampling kind in the verifier API: the API issues challenges (POST /v1/challenges) and stores their
 * seeds; a result must answer one it issued for this meter and period, unchanged, and each challenge is
 * answered once. The grid reads sampling results (settlement).
 */
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import { periodRange } from '../../core/time.js';
import { canonicalJson } from '../../tariff/index.js';
import type { KindService } from '../service.js';
import { CHALLENGE_FORMAT, ChallengeSchema, parseChallenge } from './circuit.js';
import { answerKey, samplingFeatures } from './routes.js';


export const samplingService: KindService = {
  readers: ['grid'],
  documents: [
    {
      kind: 'challenge',
      format: CHALLENGE_FORMAT,
      what: 'sampling challenge',
      publishers: [],
      exclusive: false,
      schema: ChallengeSchema,
      jsonSchema: () => ({ title: 'meterproof sampling challenge', ...z.toJSONSchema(ChallengeSchema, { io: 'input' }) }),
      parse: parseChallenge,
    },
  ],
  async bind(ctx) {
    const carried = ctx.fields.challenge as { id: string };
    const stored = await ctx.registries.challenge(carried.id);
    if (!stored) throw new ApiError(422, 'challenge_unknown', `challenge ${carried.id} was not issued by this API (POST /v1/challenges issues one)`);
    if (canonicalJson(ChallengeSchema.parse(stored.body)) !== canonicalJson(ChallengeSchema.parse(carried))) {
      throw new ApiError(422, 'challenge_mismatch', `the result's challenge ${carried.id} differs from the one issued (seed, meter, period or issuer changed)`);
    }
    if (stored.meterId !== ctx.meter.id) throw new ApiError(422, 'challenge_mismatch', `challenge ${stored.id} was issued for meter ${stored.meterId}, not ${ctx.meter.id}`);
    if (stored.startDay !== ctx.startDay || stored.days !== ctx.days) throw new ApiError(422, 'challenge_mismatch', `challenge ${stored.id} was issued for ${periodRange(stored)}, not ${periodRange(ctx)}`);
    return { fields: { challenge: stored.body }, shared: `challenge:${stored.id}`, cacheable: false, bindings: { challengeId: stored.id }, ownKey: answerKey(stored.id) };
  },
  features: samplingFeatures,
};
