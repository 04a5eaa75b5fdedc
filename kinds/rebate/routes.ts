/**
 * Rebate payouts in the verifier API: per scheme, every certified claim whose whole period lies in a range
 * of days, with the total, the number of claims and meters, and each claim. Amounts are exact: bigint,
 * written as decimal strings.
 */
import { ApiError } from '../../core/api-error.js';
import { isoDay } from '../../core/time.js';
import type { ApiServices, KindFeatures } from '../service.js';

interface SchemePayout {
  schemeId: string;
  name: string | null;
  total: bigint;
  meters: Set<string>;
  claims: object[];
}

/** Payouts of every scheme (or only the scheme with id `schemeId`) for claims within [fromDay, toDay]. */
async function payouts(api: ApiServices, fromDay: number, toDay: number, schemeId?: string) {
  const schemes = new Map<string, SchemePayout>();
  let total = 0n;
  let claims = 0;
  for (const r of await api.resultsWithin('rebate', fromDay, toDay)) {
    const digest = String(r.bindings.schemeDigest);
    let e = schemes.get(digest);
    if (!e) {
      const p = await api.published(digest);
      schemes.set(digest, (e = { schemeId: p?.docId ?? '', name: (p?.body as { name?: string } | undefined)?.name ?? null, total: 0n, meters: new Set(), claims: [] }));
    }
    if (schemeId !== undefined && e.schemeId !== schemeId) continue;
    const rebate = BigInt(r.outputs.rebate as string);
    e.total += rebate;
    e.meters.add(r.meterId);
    e.claims.push({ resultId: r.id, meterId: r.meterId, supplierId: r.supplierId, period: { start: isoDay(r.startDay), days: r.days }, rebate: rebate.toString(), certifiedAt: r.createdAt });
    total += rebate;
    claims++;
  }
  return {
    range: { from: isoDay(fromDay), to: isoDay(toDay) },
    units: { rebate: 'micro-pence' },
    total: { rebate: total.toString(), claims },
    schemes: [...schemes.entries()]
      .filter(([, e]) => e.claims.length > 0)
      .sort(([, a], [, b]) => (a.schemeId < b.schemeId ? -1 : a.schemeId > b.schemeId ? 1 : 0))
      .map(([schemeDigest, e]) => ({ schemeId: e.schemeId, schemeDigest, name: e.name, rebate: e.total.toString(), claims: e.claims.length, meters: e.meters.size, items: e.claims })),
  };
}

export const rebateFeatures: KindFeatures = {
  routes: [
    {
      method: 'get',
      path: '/v1/rebates/payouts',
      roles: ['scheme', 'auditor'],
      openapi: (k) => ({
        tags: ['aggregation'],
        operationId: 'rebatePayouts',
        summary: 'Rebate payouts per scheme: certified claims whose whole period lies in [from, to], total, counts and each claim (scheme, auditor)',
        security: k.keyed,
        parameters: [k.query('from', 'first day', k.IsoDate, true), k.query('to', 'last day', k.IsoDate, true), k.query('scheme', 'only this rebate scheme id')],
        responses: { ...k.ok('Payouts', k.ref('Payouts')), ...k.errors(400, 401, 403, 429) },
      }),
      async handle(req, api) {
        const from = req.query('from');
        const to = req.query('to');
        if (from === undefined || to === undefined) throw new ApiError(400, 'invalid_request', 'query parameters "from" and "to" (YYYY-MM-DD) are required');
        const fromDay = req.day(from, 'from');
        const toDay = req.day(to, 'to');
        if (toDay < fromDay) throw new ApiError(400, 'invalid_request', '"to" is before "from"');
        return { body: await payouts(api, fromDay, toDay, req.query('scheme')) };
      },
    },
  ],
  schemas: (k) => ({
    Payouts: {
      type: 'object',
      required: ['range', 'total', 'schemes'],
      properties: {
        range: { type: 'object', properties: { from: k.IsoDate, to: k.IsoDate } },
        units: { type: 'object' },
        total: { type: 'object', properties: { rebate: k.Decimal, claims: { type: 'integer' } } },
        schemes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['schemeId', 'schemeDigest', 'rebate', 'claims', 'meters', 'items'],
            properties: {
              schemeId: { type: 'string' },
              schemeDigest: { type: 'string' },
              name: { type: ['string', 'null'] },
              rebate: k.Decimal,
              claims: { type: 'integer' },
              meters: { type: 'integer' },
              items: { type: 'array', items: { type: 'object', required: ['resultId', 'meterId', 'period', 'rebate'], properties: { resultId: { type: 'string' }, meterId: { type: 'string' }, supplierId: { type: 'string' }, period: k.ref('Period'), rebate: k.Decimal, certifiedAt: { type: 'string' } } } },
            },
          },
        },
      },
    },
  }),
};
