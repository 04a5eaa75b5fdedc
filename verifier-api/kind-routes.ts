/**
 * Routes of the result kinds (docs/verifier-api.md "Result kinds"):
 *
 *   - published parameters: one registry for every parameter document a kind's statements name (the
 *     `documents` of each kind's service), each format published by the roles that own it, immutable,
 *     optionally valid on a range of days;
 *   - each kind's own routes (its service's `features`, kinds/<kind>/routes.ts), served with KindApi: the
 *     registries and certified results the API offers them (the ApiServices port of kinds/service.ts).
 *
 * Routes are added to the app directly (not through a sub-router) so that the OpenAPI test sees them.
 */
import type { Express, Request, RequestHandler } from 'express';
import { z } from 'zod';
import { isoDay } from '../core/time.js';
import { circuitForDays, KINDS, loadCircuits } from '../kinds/registry.js';
import type { ApiServices, ChallengeRecord, KindRequest, KindRoute } from '../kinds/service.js';
import { ApiError } from './errors.js';
import { DATE, day, parseBody, periodQuery, queryText, wrap } from './http.js';
import { checkDocument, formatOfDocument, LEGACY_SCHEME_KIND, PARAMETER_FORMATS, type ParameterRecord, type ParameterStore } from './parameters.js';
import type { Role, Store } from './store.js';

export interface KindRoutesContext {
  parameters: ParameterStore;
  /** what the kinds' routes are served with */
  api: ApiServices;
  requireRole: (...roles: Role[]) => RequestHandler;
  jsonBody: RequestHandler;
}

/** Every route the kinds contribute, in the registry's order. */
export const KIND_ROUTES: readonly KindRoute[] = Object.values(KINDS).flatMap((k) => k.service.features?.routes ?? []);

/** The registries and results as the kinds' routes and balancing sources read them. */
export class KindApi implements ApiServices {
  private readonly circuits = new Map(loadCircuits().map((c) => [c.id, c]));

  constructor(
    private readonly store: Store,
    private readonly parameters: ParameterStore,
    private readonly keys: ReadonlyMap<string, unknown>,
  ) {}

  meter(id: string) {
    return this.store.getMeter(id);
  }
  resultsOfPeriod(kind: string, startDay: number, days: number) {
    return this.store.resultsOfPeriod(startDay, days, kind);
  }
  resultsCovering(kind: string, startDay: number, days: number) {
    return this.store.resultsCovering(kind, startDay, days);
  }
  resultsWithin(kind: string, fromDay: number, toDay: number) {
    return this.store.resultsWithin(kind, fromDay, toDay);
  }
  resultByKey(key: string) {
    return this.store.resultByKey(key);
  }
  published(digest: string) {
    return this.parameters.get(digest);
  }
  async publishedById(kind: string, docId: string) {
    const found = await this.parameters.byId(kind, docId);
    return found && this.parameters.get(found.digest);
  }
  issueChallenge(c: Omit<ChallengeRecord, 'createdAt'>) {
    return this.parameters.issueChallenge(c);
  }
  challenge(id: string) {
    return this.parameters.getChallenge(id);
  }
  challenges(f: { meterId?: string; supplierId?: string }) {
    return this.parameters.listChallenges(f);
  }
  circuit(id: string) {
    return this.circuits.get(id);
  }
  circuitForDays(kind: string, days: number) {
    return circuitForDays(kind, days);
  }
  verifiable(circuitId: string) {
    return this.keys.has(circuitId);
  }
}

/** A request as a kind's route sees it, with the API's own validation helpers. */
const kindRequest = (req: Request): KindRequest => ({
  params: req.params as Record<string, string>,
  principal: req.principal,
  body: (schema) => parseBody(schema, req.body),
  query: (name) => queryText(req, name),
  period: () => periodQuery(req)!,
  day,
});

const optionalDay = (s: string | undefined, what: string) => (s === undefined ? null : day(s, what));

function parameterView(p: ParameterRecord) {
  const format = PARAMETER_FORMATS.find((f) => f.kind === p.kind);
  return {
    digest: p.digest,
    kind: p.kind,
    format: format?.format ?? null,
    id: p.docId,
    role: p.role,
    supplierId: p.subject,
    from: p.validFrom === null ? null : isoDay(p.validFrom),
    to: p.validTo === null ? null : isoDay(p.validTo),
    publishedAt: p.createdAt,
  };
}

export function mountKinds(app: Express, c: KindRoutesContext): void {
  const { parameters, api, requireRole, jsonBody } = c;
  const publisherRoles = [...new Set(PARAMETER_FORMATS.flatMap((f) => f.publishers))];

  // ------------------------------------------------------------------- published parameters
  app.post(
    '/v1/parameters',
    requireRole(...publisherRoles),
    jsonBody,
    wrap(async (req, res) => {
      const b = parseBody(z.strictObject({ document: z.unknown(), from: DATE.optional(), to: DATE.optional() }), req.body);
      const format = formatOfDocument(b.document);
      if (typeof format === 'string') throw new ApiError(400, 'invalid_document', format);
      const principal = req.principal!;
      if (!format.publishers.includes(principal.role)) throw new ApiError(403, 'forbidden', `${format.what} documents are published by ${format.publishers.join(' or ')}, not ${principal.role}`);
      if (principal.role === 'supplier' && !principal.subject) throw new ApiError(403, 'forbidden', 'this supplier key is not bound to a supplier');
      let checked;
      try {
        checked = checkDocument(format, b.document);
      } catch (e) {
        throw new ApiError(400, 'invalid_document', (e as Error).message);
      }
      const validFrom = optionalDay(b.from, 'from');
      const validTo = optionalDay(b.to, 'to');
      if (validFrom !== null && validTo !== null && validTo < validFrom) throw new ApiError(400, 'invalid_request', '"to" is before "from"');
      if (format.exclusive && (validFrom === null || validTo === null)) throw new ApiError(400, 'invalid_request', `${format.what} need "from" and "to": at most one is valid on any day`);
      const { created, record } = await parameters.publish({
        digest: checked.digest,
        kind: format.kind,
        docId: checked.docId,
        role: principal.role,
        publisher: principal.id,
        subject: principal.role === 'supplier' ? principal.subject : null,
        validFrom,
        validTo,
        body: b.document,
        exclusive: format.exclusive,
      });
      if (created) res.setHeader('Location', `/v1/parameters/${record.digest}`);
      res.status(created ? 201 : 200).json(parameterView(record));
    }),
  );
  app.get(
    '/v1/parameters',
    wrap(async (req, res) => {
      const kind = queryText(req, 'kind');
      if (kind !== undefined && !PARAMETER_FORMATS.some((f) => f.kind === kind) && kind !== LEGACY_SCHEME_KIND) throw new ApiError(400, 'invalid_request', `unknown kind "${kind}" (kinds: ${PARAMETER_FORMATS.map((f) => f.kind).join(', ')}, ${LEGACY_SCHEME_KIND})`);
      const period = periodQuery(req, false);
      res.json({ items: (await parameters.list({ kind, docId: queryText(req, 'id'), validFor: period })).map(parameterView) });
    }),
  );
  app.get(
    '/v1/parameters/:digest',
    wrap(async (req, res) => {
      const p = /^[0-9a-f]{64}$/.test(String(req.params.digest)) ? await parameters.get(String(req.params.digest)) : undefined;
      if (!p) throw new ApiError(404, 'not_found', `no published parameters ${req.params.digest}`);
      res.json({ ...parameterView(p), document: p.body });
    }),
  );

  // ------------------------------------------------------------------- the kinds' own routes
  for (const route of KIND_ROUTES) {
    app[route.method](
      route.path,
      ...(route.roles ? [requireRole(...route.roles)] : []),
      ...(route.jsonBody ? [jsonBody] : []),
      wrap(async (req, res) => {
        const out = await route.handle(kindRequest(req), api);
        for (const [name, value] of Object.entries(out.headers ?? {})) res.setHeader(name, value);
        res.status(out.status ?? 200).json(out.body);
      }),
    );
  }
}
