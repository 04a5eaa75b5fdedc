/**
 * Sampling challenges in the verifier API: the grid, an auditor or a supplier (for its own customers)
 * issues a challenge with a fresh seed for a meter and period; the API stores it, and a sampling result
 * must answer it unchanged, once (the binding in service.ts). A challenge is public by id: the household
 * proves with it.
 */
import { z } from 'zod';
import { ApiError } from '../../core/api-error.js';
import { isoDay } from '../../core/time.js';
import { DATE, ID, METER_ID, type ApiServices, type ChallengeRecord, type KindFeatures, type Role } from '../service.js';
import { newChallenge } from './circuit.js';

const ISSUERS: Role[] = ['grid', 'supplier', 'auditor'];

/** The statement key of the result answering a challenge (Binding.ownKey: one result per challenge). */
export const answerKey = (challengeId: string) => `sampling|${challengeId}`;

const view = async (api: ApiServices, ch: ChallengeRecord) => ({
  id: ch.id,
  meterId: ch.meterId,
  period: { start: isoDay(ch.startDay), days: ch.days },
  issuer: ch.issuer,
  issuedAt: ch.createdAt,
  challenge: ch.body,
  resultId: (await api.resultByKey(answerKey(ch.id)))?.id ?? null,
});

const IssueBody = z.strictObject({ meterId: METER_ID, period: z.strictObject({ start: DATE, days: z.number().int().min(1).max(366) }) });

export const samplingFeatures: KindFeatures = {
  routes: [
    {
      method: 'post',
      path: '/v1/challenges',
      roles: ISSUERS,
      jsonBody: true,
      openapi: (k) => ({
        tags: ['kinds'],
        operationId: 'issueChallenge',
        summary: 'Issue a sampling challenge (fresh random seed) for a meter and period (grid, auditor, supplier for its customers); a sampling result must answer it unchanged, once',
        security: k.keyed,
        requestBody: k.body({ type: 'object', additionalProperties: false, required: ['meterId', 'period'], properties: { meterId: { type: 'string' }, period: k.ref('Period') } }),
        responses: { ...k.ok('Issued', k.ref('Challenge'), '201'), ...k.errors(400, 401, 403, 413, 415, 422, 429) },
      }),
      async handle(req, api) {
        const b = req.body(IssueBody);
        const principal = req.principal!;
        const meter = await api.meter(b.meterId);
        if (!meter) throw new ApiError(422, 'meter_not_registered', `meter ${b.meterId} is not registered`);
        if (principal.role === 'supplier' && meter.supplierId !== principal.subject) throw new ApiError(403, 'forbidden', `meter ${meter.id} is not a customer of supplier ${principal.subject}`);
        const startDay = req.day(b.period.start, 'period.start');
        let circuit;
        try {
          circuit = api.circuitForDays('sampling', b.period.days);
        } catch (e) {
          throw new ApiError(422, 'period_invalid', (e as Error).message);
        }
        // a challenge no answer could be certified for would only waste the household's proving
        if (!api.verifiable(circuit.id)) throw new ApiError(422, 'unknown_circuit', `circuit ${circuit.id} has no verification key pinned on this server: its answers could not be certified`);
        // the issuer as the challenge names it: role and supplier (or key name), for the household to see
        const issuer = `${principal.role}:${principal.subject ?? principal.name}`.slice(0, 200);
        const doc = newChallenge({ issuer, meterId: meter.id, period: { start: isoDay(startDay), days: b.period.days } });
        const stored = await api.issueChallenge({ id: doc.id, meterId: meter.id, startDay, days: b.period.days, issuer, issuedBy: principal.id, body: doc });
        return { status: 201, headers: { Location: `/v1/challenges/${doc.id}` }, body: await view(api, stored) };
      },
    },
    {
      method: 'get',
      path: '/v1/challenges',
      roles: ISSUERS,
      openapi: (k) => ({
        tags: ['kinds'],
        operationId: 'listChallenges',
        summary: 'Issued challenges, newest period first (grid, auditor; a supplier its customers’)',
        security: k.keyed,
        parameters: [k.query('meter', 'meter id')],
        responses: { ...k.ok('Challenges', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: k.ref('Challenge') } } }), ...k.errors(400, 401, 403, 429) },
      }),
      async handle(req, api) {
        const principal = req.principal!;
        const supplierId = principal.role === 'supplier' ? (principal.subject ?? '\u0000none') : undefined;
        const list = await api.challenges({ meterId: req.query('meter'), supplierId });
        return { body: { items: await Promise.all(list.map((ch) => view(api, ch))) } };
      },
    },
    {
      method: 'get',
      path: '/v1/challenges/:id',
      openapi: (k) => ({
        tags: ['kinds'],
        operationId: 'getChallenge',
        summary: 'An issued challenge and the result answering it, if any (public: the household proves with it)',
        parameters: [k.pathId('id', 'challenge id')],
        responses: { ...k.ok('Challenge', k.ref('Challenge')), ...k.errors(404, 429) },
      }),
      async handle(req, api) {
        const ch = ID.safeParse(req.params.id).success ? await api.challenge(req.params.id) : undefined;
        if (!ch) throw new ApiError(404, 'not_found', `no challenge ${req.params.id}`);
        return { body: await view(api, ch) };
      },
    },
  ],
  schemas: (k) => ({
    Challenge: {
      type: 'object',
      required: ['id', 'meterId', 'period', 'issuer', 'challenge', 'resultId'],
      properties: {
        id: { type: 'string' },
        meterId: { type: 'string' },
        period: k.ref('Period'),
        issuer: { type: 'string' },
        issuedAt: { type: 'string' },
        challenge: { type: 'object', description: 'the meterproof-challenge/1 document a sampling result must carry unchanged' },
        resultId: { type: ['string', 'null'], description: 'the certified sampling result answering it' },
      },
    },
  }),
};
