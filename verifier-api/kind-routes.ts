/**
 * Routes of the non-linear result kinds (docs/verifier-api.md "Result kinds"):
 *
 *   - published parameters: one registry for every parameter document a statement can name (the grid's
 *     demand-response events, tariff sets for comparisons, rebate schemes, profile sets, suspect patterns),
 *     each format published by the roles that own it, immutable, optionally valid on a range of days;
 *   - sampling challenges: the API issues and stores them; a sampling result must answer one, unchanged;
 *   - aggregates: rebate payouts per scheme, households per profile class.
 *
 * Routes are added to the app directly (not through a sub-router) so that the OpenAPI test sees them.
 */
import type { Express, RequestHandler } from 'express';
import { z } from 'zod';
import { circuitForDays } from '../kinds/registry.js';
import { newChallenge } from '../kinds/sampling/circuit.js';
import { isoDay } from '../core/time.js';
import { profileClasses, rebatePayouts } from './aggregate.js';
import { ApiError } from './errors.js';
import { DATE, day, ID, METER_ID, parseBody, periodQuery, queryText, wrap } from './http.js';
import { checkDocument, formatOfDocument, PARAMETER_FORMATS, type ChallengeRecord, type ParameterRecord, type ParameterStore } from './parameters.js';
import type { Role, Store } from './store.js';

export interface KindRoutesContext {
  store: Store;
  parameters: ParameterStore;
  requireRole: (...roles: Role[]) => RequestHandler;
  jsonBody: RequestHandler;
}

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
  const { store, parameters, requireRole, jsonBody } = c;
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
      if (kind !== undefined && !PARAMETER_FORMATS.some((f) => f.kind === kind) && kind !== 'scheme-parameters') throw new ApiError(400, 'invalid_request', `unknown kind "${kind}" (kinds: ${PARAMETER_FORMATS.map((f) => f.kind).join(', ')}, scheme-parameters)`);
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

  // ------------------------------------------------------------------- sampling challenges
  const issuers: Role[] = ['grid', 'supplier', 'auditor'];
  const challengeView = async (ch: ChallengeRecord) => ({
    id: ch.id,
    meterId: ch.meterId,
    period: { start: isoDay(ch.startDay), days: ch.days },
    issuer: ch.issuer,
    issuedAt: ch.createdAt,
    challenge: ch.body,
    resultId: (await store.resultByKey(`sampling|${ch.id}`))?.id ?? null,
  });
  app.post(
    '/v1/challenges',
    requireRole(...issuers),
    jsonBody,
    wrap(async (req, res) => {
      const b = parseBody(z.strictObject({ meterId: METER_ID, period: z.strictObject({ start: DATE, days: z.number().int().min(1).max(366) }) }), req.body);
      const principal = req.principal!;
      const meter = await store.getMeter(b.meterId);
      if (!meter) throw new ApiError(422, 'meter_not_registered', `meter ${b.meterId} is not registered`);
      if (principal.role === 'supplier' && meter.supplierId !== principal.subject) throw new ApiError(403, 'forbidden', `meter ${meter.id} is not a customer of supplier ${principal.subject}`);
      const startDay = day(b.period.start, 'period.start');
      try {
        circuitForDays('sampling', b.period.days);
      } catch (e) {
        throw new ApiError(422, 'period_invalid', (e as Error).message);
      }
      // the issuer as the challenge names it: role and supplier (or key name), for the household to see
      const issuer = `${principal.role}:${principal.subject ?? principal.name}`.slice(0, 200);
      const doc = newChallenge({ issuer, meterId: meter.id, period: { start: isoDay(startDay), days: b.period.days } });
      const stored = await parameters.issueChallenge({ id: doc.id, meterId: meter.id, startDay, days: b.period.days, issuer, issuedBy: principal.id, body: doc });
      res.setHeader('Location', `/v1/challenges/${doc.id}`);
      res.status(201).json(await challengeView(stored));
    }),
  );
  app.get(
    '/v1/challenges',
    requireRole(...issuers),
    wrap(async (req, res) => {
      const principal = req.principal!;
      const supplierId = principal.role === 'supplier' ? (principal.subject ?? '\u0000none') : undefined;
      const list = await parameters.listChallenges({ meterId: queryText(req, 'meter'), supplierId });
      res.json({ items: await Promise.all(list.map(challengeView)) });
    }),
  );
  app.get(
    '/v1/challenges/:id',
    wrap(async (req, res) => {
      // public, like the documents a statement names: the household proves with it
      const ch = ID.safeParse(req.params.id).success ? await parameters.getChallenge(String(req.params.id)) : undefined;
      if (!ch) throw new ApiError(404, 'not_found', `no challenge ${req.params.id}`);
      res.json(await challengeView(ch));
    }),
  );

  // ------------------------------------------------------------------- aggregates
  app.get(
    '/v1/rebates/payouts',
    requireRole('scheme', 'auditor'),
    wrap(async (req, res) => {
      const from = queryText(req, 'from');
      const to = queryText(req, 'to');
      if (from === undefined || to === undefined) throw new ApiError(400, 'invalid_request', 'query parameters "from" and "to" (YYYY-MM-DD) are required');
      const fromDay = day(from, 'from');
      const toDay = day(to, 'to');
      if (toDay < fromDay) throw new ApiError(400, 'invalid_request', '"to" is before "from"');
      res.json(await rebatePayouts(store, parameters, fromDay, toDay, queryText(req, 'scheme')));
    }),
  );
  app.get(
    '/v1/profiles/classes',
    requireRole('scheme', 'grid', 'auditor'),
    wrap(async (req, res) => {
      const setId = queryText(req, 'set');
      if (setId === undefined) throw new ApiError(400, 'invalid_request', 'query parameter "set" (a profile set id) is required');
      const p = periodQuery(req)!;
      const found = await parameters.byId('profile-set', setId);
      const set = found && (await parameters.get(found.digest));
      if (!set) throw new ApiError(404, 'not_found', `no published profile set ${setId}`);
      res.json(await profileClasses(store, set, p.startDay, p.days));
    }),
  );
}
