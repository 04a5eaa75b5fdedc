/**
 * Profile classes in the verifier API: how many households of a period fall in each class of a published
 * profile set, counted from the certified profile results of exactly that period bound to that set.
 */
import { ApiError } from '../../core/api-error.js';
import { isoDay } from '../../core/time.js';
import type { ApiServices, KindFeatures, PublishedDocument } from '../service.js';

async function classes(api: ApiServices, set: PublishedDocument, startDay: number, days: number) {
  const profiles = (set.body as { profiles: { name: string }[] }).profiles;
  const counts = profiles.map(() => 0);
  let households = 0;
  for (const r of await api.resultsOfPeriod('profile', startDay, days)) {
    if (r.bindings.profileSetDigest !== set.digest) continue;
    counts[Number(r.outputs.index)]++;
    households++;
  }
  return {
    set: { id: set.docId, digest: set.digest },
    period: { start: isoDay(startDay), days },
    households,
    classes: profiles.map((p, index) => ({ index, name: p.name, households: counts[index] })),
  };
}

export const profileFeatures: KindFeatures = {
  routes: [
    {
      method: 'get',
      path: '/v1/profiles/classes',
      roles: ['scheme', 'grid', 'auditor'],
      openapi: (k) => ({
        tags: ['aggregation'],
        operationId: 'profileClasses',
        summary: 'Households per class of a published profile set, from the profile results of exactly a period (scheme, grid, auditor)',
        security: k.keyed,
        parameters: [k.query('set', 'profile set id', { type: 'string' }, true), ...k.period],
        responses: { ...k.ok('Classes', k.ref('ProfileClasses')), ...k.errors(400, 401, 403, 404, 429) },
      }),
      async handle(req, api) {
        const setId = req.query('set');
        if (setId === undefined) throw new ApiError(400, 'invalid_request', 'query parameter "set" (a profile set id) is required');
        const p = req.period();
        const set = await api.publishedById('profile-set', setId);
        if (!set) throw new ApiError(404, 'not_found', `no published profile set ${setId}`);
        return { body: await classes(api, set, p.startDay, p.days) };
      },
    },
  ],
  schemas: (k) => ({
    ProfileClasses: {
      type: 'object',
      required: ['set', 'period', 'households', 'classes'],
      properties: {
        set: { type: 'object', properties: { id: { type: 'string' }, digest: { type: 'string' } } },
        period: k.ref('Period'),
        households: { type: 'integer' },
        classes: { type: 'array', items: { type: 'object', required: ['index', 'name', 'households'], properties: { index: { type: 'integer' }, name: { type: 'string' }, households: { type: 'integer' } } } },
      },
    },
  }),
};
