/**
 * The HTTP API (Express). Routes, roles and error codes are documented in docs/verifier-api.md and
 * served as OpenAPI at /openapi.json (openapi.ts); test/verifier-api checks that both stay in step.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isoDay } from '../core/time.js';
import { KINDS } from '../kinds/registry.js';
import { parseTariff, pricesForPeriod, tariffDigest } from '../tariff/index.js';
import { BALANCE_SOURCES, settlement, substationBalance } from './aggregate.js';
import { legacySchemeDigest, schemaVersion } from './db.js';
import type { Certifier } from './certify.js';
import { ApiError } from './errors.js';
import { alternatives, DATE, day, FIELD_DECIMAL, ID, jsonDepth, MAX_JSON_DEPTH, METER_ID, middleware, parseBody, periodQuery, queryText, wrap } from './http.js';
import { Counter, Histogram, Registry, Gauge } from './metrics.js';
import { mountHousehold } from './household.js';
import { KindApi, mountKinds } from './kind-routes.js';
import { mountTrust } from './trust-snapshot.js';
import { mountRequests } from './requests.js';
import { checkMeterPublicKey } from './meter-key.js';
import { openApiDocument } from './openapi.js';
import { mountStatements } from './statements.js';
import { checkDocument, LEGACY_SCHEME_KIND, PARAMETER_FORMATS } from './parameters.js';
import { mountKeys, type KeyServiceOptions } from './keys-routes.js';
import type { PinnedKey } from './pinned-keys.js';
import type { StoredParts } from './results.js';
import { RateLimiter, type Limit } from './rate-limit.js';
import { type ApiKeyRecord, type ResultRow, type Role, type Store } from './store.js';
import type { VerifyPool } from './verify-pool.js';

export interface AppOptions {
  store: Store;
  certifier: Certifier;
  pool: VerifyPool;
  keys: Map<string, PinnedKey>;
  log: Logger;
  bodyLimit?: string;
  rateLimit?: RateLimits;
  trustProxy?: boolean | number | string;
  /**
   * The URL households and services reach this API at: a request whose mailbox has another origin is
   * refused (requests.ts). Default: the origin each delivery is sent to (its Host header, and its protocol
   * as `trustProxy` lets the API see it).
   */
  publicUrl?: string;
  /** set while shutting down: responses ask clients to close their connection */
  isClosing?: () => boolean;
  /** today's UTC day number (tests move the clock) */
  today?: () => number;
  /** key distribution and the browser ceremony (keys-routes.ts) */
  keyService?: KeyServiceOptions;
}

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    principal?: ApiKeyRecord;
    log: Logger;
  }
}

/** `failedAuth`: requests with an unknown or revoked API key, per client address (default DEFAULT_FAILED_AUTH). */
export interface RateLimits {
  perKey: Limit;
  perAddress: Limit;
  failedAuth?: Limit;
}

export const DEFAULT_FAILED_AUTH: Limit = { perSecond: 1, burst: 20 };
export const DEFAULT_RATE_LIMIT: RateLimits = { perKey: { perSecond: 200, burst: 400 }, perAddress: { perSecond: 50, burst: 100 }, failedAuth: DEFAULT_FAILED_AUTH };

// ------------------------------------------------------------------------------------------- helpers

function publicResult(r: ResultRow, body?: any) {
  return {
    id: r.id,
    kind: r.kind,
    circuit: r.circuit,
    meterId: r.meterId,
    period: { start: isoDay(r.startDay), days: r.days },
    supplierId: r.supplierId,
    substationId: r.substationId,
    outputs: r.outputs,
    units: KINDS[r.kind]?.units ?? {},
    bindings: r.bindings,
    createdAt: r.createdAt,
    ...(body ? { proof: body.proof, publicSignals: body.publicSignals } : {}),
  };
}

/** Roles, beyond the auditor and the meter's supplier, that read the results of a kind (its service's readers). */
export const RESULT_READERS: Record<string, readonly Role[]> = Object.fromEntries(Object.values(KINDS).map((k) => [k.kind, k.service.readers]));

/** Document formats a supplier assigns to its meters like tariffs (POST /v1/tariffs). */
const ASSIGNED_FORMATS = PARAMETER_FORMATS.filter((f) => f.assigned);

/** The kinds a role lists (undefined: every kind), narrowed to `only` when asked. */
function kindsReadBy(role: Role, only?: string): string[] | undefined {
  const all = role === 'auditor' || role === 'supplier' ? undefined : Object.keys(RESULT_READERS).filter((k) => RESULT_READERS[k].includes(role));
  if (only === undefined) return all;
  return !all || all.includes(only) ? [only] : [];
}

// ------------------------------------------------------------------------------------------------ app

export function createApp(o: AppOptions) {
  const { store, log } = o;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', o.trustProxy ?? false);
  app.set('etag', false);

  // ------------------------------------------------------------------- metrics
  const registry = new Registry();
  const httpRequests = registry.add(new Counter('meterproof_http_requests_total', 'HTTP requests by route and status'));
  const httpDuration = registry.add(new Histogram('meterproof_http_request_duration_seconds', 'HTTP request latency', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]));
  const submissions = registry.add(new Counter('meterproof_result_submissions_total', 'Result submissions by outcome (created, existing or an error code)'));
  const batchSize = registry.add(new Histogram('meterproof_verify_batch_size', 'Proofs per verification batch', [1, 2, 4, 8, 16, 32, 64, 128]));
  const batchSeconds = registry.add(new Histogram('meterproof_verify_batch_seconds', 'Worker time per verification batch', [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]));
  registry.add(new Gauge('meterproof_verify_queue_depth', 'Proofs waiting for a verification worker', () => o.pool.queued));
  registry.add(new Gauge('meterproof_verify_in_flight', 'Proofs being verified', () => o.pool.inFlight));
  registry.add(new Gauge('meterproof_verify_partial_cache_hits', 'Cached shared public-input products reused (last worker report)', () => o.pool.stats.partialHits));
  registry.add(new Gauge('meterproof_verify_partial_cache_misses', 'Shared public-input products computed (last worker report)', () => o.pool.stats.partialMisses));
  registry.add(new Gauge('meterproof_verify_worker_restarts_total', 'Verification workers replaced after a crash', () => o.pool.stats.workerRestarts));
  o.pool.onBatch = (size, ms) => {
    batchSize.observe(size);
    batchSeconds.observe(ms / 1000);
  };
  o.certifier.onOutcome = (outcome) => submissions.inc({ outcome });

  // ------------------------------------------------------------------- request id, log, metrics
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    req.id = given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
    req.log = log.child({ reqId: req.id });
    res.setHeader('X-Request-Id', req.id);
    if (o.isClosing?.()) res.setHeader('Connection', 'close');
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      httpRequests.inc({ method: req.method, route, status: res.statusCode });
      httpDuration.observe(seconds, { method: req.method, route });
      req.log.info({ method: req.method, url: req.originalUrl.split('?')[0], route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10, principal: req.principal?.id, ip: req.ip }, 'request');
    });
    next();
  });

  // ------------------------------------------------------------------- authentication and rate limits
  const keyCache = new Map<string, { record: ApiKeyRecord | null; until: number }>();
  const limiter = new RateLimiter();
  const limits = o.rateLimit ?? DEFAULT_RATE_LIMIT;
  const failedAuth = limits.failedAuth ?? DEFAULT_FAILED_AUTH;
  const limited = (res: Response, wait: number, what: string) => {
    res.setHeader('Retry-After', String(wait));
    return new ApiError(429, 'rate_limited', `rate limit exceeded for this ${what}; retry in ${wait} s`);
  };
  app.use(
    middleware(async (req, res) => {
      // Health checks are exempt: a load balancer probes every instance from one address.
      if (req.path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return;
      const header = req.get('authorization');
      const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : req.get('x-api-key');
      if (key) {
        const failures = `auth:${req.ip}`;
        let cached = keyCache.get(key);
        if (!cached || cached.until < Date.now()) {
          // An address that keeps sending unknown keys gets no more lookups for a while (guessing, or a
          // flood of random keys to wear out the database and the key cache); keys known good still pass.
          const blocked = limiter.waiting(failures, failedAuth);
          if (blocked > 0) throw limited(res, blocked, 'client address after failed authentications');
          cached = { record: (await store.findApiKey(key)) ?? null, until: Date.now() + 10_000 };
          if (keyCache.size > 10_000) keyCache.clear();
          keyCache.set(key, cached);
        }
        if (!cached.record) {
          const wait = limiter.take(failures, failedAuth);
          if (wait > 0) throw limited(res, wait, 'client address after failed authentications');
          throw new ApiError(401, 'invalid_api_key', 'the API key is unknown or revoked');
        }
        req.principal = cached.record;
      }
      const wait = req.principal ? limiter.take(`key:${req.principal.id}`, limits.perKey) : limiter.take(`ip:${req.ip}`, limits.perAddress);
      if (wait > 0) throw limited(res, wait, req.principal ? 'API key' : 'client address');
    }),
  );

  const requireRole =
    (...roles: Role[]) =>
    (req: Request, _res: Response, next: NextFunction) => {
      if (!req.principal) return next(new ApiError(401, 'unauthenticated', `this request needs an API key (role ${roles.join(' or ')}): send "Authorization: Bearer <key>"`));
      if (!roles.includes(req.principal.role)) return next(new ApiError(403, 'forbidden', `role ${req.principal.role} may not do this (needs ${roles.join(' or ')})`));
      next();
    };

  const json = express.json({ limit: o.bodyLimit ?? '1mb', type: () => true, strict: true });
  const jsonBody = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('application/json')) return next(new ApiError(415, 'unsupported_media_type', 'send the body as Content-Type: application/json'));
    json(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return next(new ApiError(400, 'body_too_deep', `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`));
      next();
    });
  };

  // ------------------------------------------------------------------- service
  const started = Date.now();
  app.get(
    '/healthz',
    wrap(async (_req, res) => {
      let db = 'ok';
      let schema = 0;
      try {
        schema = await schemaVersion(store.db);
      } catch {
        db = 'unreachable';
      }
      res.status(db === 'ok' ? 200 : 503).json({
        status: db === 'ok' ? 'ok' : 'degraded',
        database: { dialect: store.db.dialect, status: db, schemaVersion: schema },
        circuits: [...o.keys.values()].map((k) => ({ id: k.circuit.id, ceremony: k.ceremonyMode, vkeySha256: k.vkeySha256 })),
        verifier: { workers: o.pool.workers, queued: o.pool.queued, inFlight: o.pool.inFlight },
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
      });
    }),
  );
  app.get('/metrics', (_req, res) => {
    res.type('text/plain; version=0.0.4').send(registry.render());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

  // ------------------------------------------------------------------- registrar
  const partyBody = z.strictObject({ name: z.string().min(1).max(200) });
  for (const [path, table] of [
    ['suppliers', 'suppliers'],
    ['substations', 'substations'],
  ] as const) {
    app.put(
      `/v1/${path}/:id`,
      requireRole('registrar'),
      jsonBody,
      wrap(async (req, res) => {
        const id = parseBody(ID, req.params.id);
        const { name } = parseBody(partyBody, req.body);
        const created = await store.upsertParty(table, id, name);
        res.status(created ? 201 : 200).json({ id, name });
      }),
    );
    app.get(
      `/v1/${path}`,
      requireRole('registrar', 'grid', 'auditor'),
      wrap(async (_req, res) => {
        res.json({ items: await store.listParties(table) });
      }),
    );
  }

  const meterBody = z.strictObject({
    id: METER_ID,
    supplierId: ID,
    substationId: ID.nullable().optional(),
    publicKey: z.tuple([FIELD_DECIMAL, FIELD_DECIMAL]),
    validFrom: DATE,
  });
  app.post(
    '/v1/meters',
    requireRole('registrar'),
    jsonBody,
    wrap(async (req, res) => {
      const m = parseBody(meterBody, req.body);
      await checkMeterPublicKey(m.publicKey);
      if (!(await store.partyExists('suppliers', m.supplierId))) throw new ApiError(422, 'unknown_supplier', `supplier ${m.supplierId} is not registered`);
      if (m.substationId && !(await store.partyExists('substations', m.substationId))) throw new ApiError(422, 'unknown_substation', `substation ${m.substationId} is not registered`);
      const ok = await store.registerMeter({ id: m.id, supplierId: m.supplierId, substationId: m.substationId ?? null, publicKey: m.publicKey, validFrom: day(m.validFrom, 'validFrom') });
      if (!ok) throw new ApiError(409, 'meter_exists', `meter ${m.id} is already registered`);
      res.status(201).json({ ...(await meterView(m.id)) });
    }),
  );

  const today = o.today ?? (() => Math.floor(Date.now() / 86_400_000));
  const optionalDay = (d: number | null) => (d === null ? null : isoDay(d));

  /** supplierId: the supplier today; suppliers: the history, with a switch to come. */
  async function meterView(id: string) {
    const meter = await store.getMeter(id);
    if (!meter) return undefined;
    const keys = await store.meterKeys(id);
    const history = await store.supplierHistory(id);
    const now = today();
    const current = history.find((h) => (h.validFrom === null || h.validFrom <= now) && (h.validTo === null || h.validTo >= now));
    return {
      id: meter.id,
      supplierId: current?.supplierId ?? meter.supplierId,
      suppliers: history.map((h) => ({ supplierId: h.supplierId, from: optionalDay(h.validFrom), to: optionalDay(h.validTo) })),
      substationId: meter.substationId,
      keys: keys.map((k) => ({ id: k.id, publicKey: k.publicKey, validFrom: isoDay(k.validFrom), validTo: k.validTo === null ? null : isoDay(k.validTo), revoked: k.revokedAt !== null })),
      createdAt: meter.createdAt,
    };
  }

  /** Suppliers see their own customers only; others the role allows see everything. */
  const visibleSupplier = (req: Request): string | undefined => (req.principal?.role === 'supplier' ? (req.principal.subject ?? `\u0000none`) : undefined);

  app.get(
    '/v1/meters',
    requireRole('registrar', 'auditor', 'supplier', 'grid'),
    wrap(async (req, res) => {
      const own = visibleSupplier(req);
      const supplierId = own ?? queryText(req, 'supplier');
      const substationId = queryText(req, 'substation');
      res.json({ items: await store.listMeters({ supplierId, substationId }) });
    }),
  );
  app.get(
    '/v1/meters/:id',
    requireRole('registrar', 'auditor', 'supplier'),
    wrap(async (req, res) => {
      const view = await meterView(String(req.params.id));
      const own = visibleSupplier(req);
      if (!view || (own !== undefined && !view.suppliers.some((h) => h.supplierId === own))) throw new ApiError(404, 'not_found', `no meter ${req.params.id}`);
      res.json(view);
    }),
  );
  app.patch(
    '/v1/meters/:id',
    requireRole('registrar'),
    jsonBody,
    wrap(async (req, res) => {
      const body = parseBody(z.strictObject({ supplierId: ID.optional(), substationId: ID.nullable().optional() }), req.body);
      const meter = await store.getMeter(String(req.params.id));
      if (!meter) throw new ApiError(404, 'not_found', `no meter ${req.params.id}`);
      const substationId = body.substationId === undefined ? meter.substationId : body.substationId;
      if (body.supplierId !== undefined && !(await store.partyExists('suppliers', body.supplierId))) throw new ApiError(422, 'unknown_supplier', `supplier ${body.supplierId} is not registered`);
      if (substationId && !(await store.partyExists('substations', substationId))) throw new ApiError(422, 'unknown_substation', `substation ${substationId} is not registered`);
      // another supplier here is a switch from today (POST /v1/meters/{id}/switch takes a date)
      if (body.supplierId !== undefined && body.supplierId !== meter.supplierId) await store.switchSupplier(meter.id, body.supplierId, today());
      if (substationId !== meter.substationId) await store.setSubstation(meter.id, substationId);
      res.json(await meterView(meter.id));
    }),
  );
  app.post(
    '/v1/meters/:id/switch',
    requireRole('registrar'),
    jsonBody,
    wrap(async (req, res) => {
      const body = parseBody(z.strictObject({ supplierId: ID, from: DATE }), req.body);
      const fromDay = day(body.from, 'from');
      const meter = await store.getMeter(String(req.params.id));
      if (!meter) throw new ApiError(404, 'not_found', `no meter ${req.params.id}`);
      if (!(await store.partyExists('suppliers', body.supplierId))) throw new ApiError(422, 'unknown_supplier', `supplier ${body.supplierId} is not registered`);
      const done = await store.switchSupplier(meter.id, body.supplierId, fromDay);
      res.status(201).json({ meterId: meter.id, supplierId: body.supplierId, from: body.from, ...done, meter: await meterView(meter.id) });
    }),
  );
  app.post(
    '/v1/meters/:id/keys',
    requireRole('registrar'),
    jsonBody,
    wrap(async (req, res) => {
      const body = parseBody(z.strictObject({ publicKey: z.tuple([FIELD_DECIMAL, FIELD_DECIMAL]), validFrom: DATE }), req.body);
      await checkMeterPublicKey(body.publicKey);
      const meter = await store.getMeter(String(req.params.id));
      if (!meter) throw new ApiError(404, 'not_found', `no meter ${req.params.id}`);
      const keyId = await store.rotateMeterKey(meter.id, body.publicKey, day(body.validFrom, 'validFrom'));
      res.status(201).json({ keyId, meter: await meterView(meter.id) });
    }),
  );
  app.post(
    '/v1/meters/:id/keys/:keyId/revoke',
    requireRole('registrar'),
    wrap(async (req, res) => {
      const ok = await store.revokeMeterKey(String(req.params.id), String(req.params.keyId));
      if (!ok) throw new ApiError(404, 'not_found', `meter ${req.params.id} has no unrevoked key ${req.params.keyId}`);
      res.json(await meterView(String(req.params.id)));
    }),
  );

  // ------------------------------------------------------------------- documents (supplier, grid, scheme)
  const rangeBody = { from: DATE, to: DATE };
  function checkRange(fromDay: number, toDay: number) {
    if (toDay < fromDay) throw new ApiError(400, 'invalid_request', '"to" is before "from"');
    if (toDay - fromDay > 3660) throw new ApiError(400, 'invalid_request', 'a publication covers at most 10 years');
  }
  function checkedDocument(doc: unknown, kind: 'tariff' | 'value-of-energy', fromDay: number, toDay: number) {
    let parsed;
    try {
      parsed = parseTariff(doc);
    } catch (e) {
      throw new ApiError(400, 'invalid_document', (e as Error).message);
    }
    if (parsed.kind !== kind) throw new ApiError(422, 'wrong_document_kind', `"${parsed.id}" is a ${parsed.kind} document, expected ${kind}`);
    checkRange(fromDay, toDay);
    try {
      pricesForPeriod(parsed, fromDay, toDay - fromDay + 1); // every slot of the range has a price
    } catch (e) {
      throw new ApiError(422, 'document_incomplete', `the document does not price the whole range: ${(e as Error).message}`);
    }
    return { parsed, digest: tariffDigest(parsed) };
  }
  /** What a supplier assigns to meters: a tariff (bills, penalty bills) or a document of an assigned format. */
  function assignableTariff(doc: unknown, fromDay: number, toDay: number): { kind: string; docId: string; digest: string } {
    const format = ASSIGNED_FORMATS.find((f) => f.format === (doc as { format?: unknown } | null)?.format);
    if (!format) {
      const { parsed, digest } = checkedDocument(doc, 'tariff', fromDay, toDay);
      return { kind: 'tariff', docId: parsed.id, digest };
    }
    checkRange(fromDay, toDay);
    try {
      const { docId, digest } = checkDocument(format, doc);
      return { kind: format.kind, docId, digest };
    } catch (e) {
      throw new ApiError(400, 'invalid_document', (e as Error).message);
    }
  }

  app.post(
    '/v1/tariffs',
    requireRole('supplier'),
    jsonBody,
    wrap(async (req, res) => {
      const b = parseBody(z.strictObject({ tariff: z.unknown(), meters: z.array(METER_ID).min(1).max(10_000), ...rangeBody }), req.body);
      const supplierId = req.principal!.subject;
      if (!supplierId) throw new ApiError(403, 'forbidden', 'this supplier key is not bound to a supplier');
      const fromDay = day(b.from, 'from');
      const toDay = day(b.to, 'to');
      const { kind, docId, digest } = assignableTariff(b.tariff, fromDay, toDay);
      // a supplier assigns tariffs for the days it supplies the meter only (its supplier history)
      for (const id of new Set(b.meters)) {
        const m = await store.getMeter(id);
        if (!m) throw new ApiError(422, 'meter_not_registered', `meter ${id} is not registered`);
        const supply = await store.suppliersIn(id, fromDay, toDay);
        const own = supply.filter((x) => x.supplierId === supplierId);
        if (own.length === 0) throw new ApiError(403, 'forbidden', `meter ${id} is not a customer of supplier ${supplierId} on ${b.from}..${b.to}`);
        if (own.length < supply.length) {
          const ranges = own.map((x) => `${x.validFrom === null ? 'registration' : isoDay(x.validFrom)}..${x.validTo === null ? 'open' : isoDay(x.validTo)}`).join(', ');
          throw new ApiError(422, 'outside_supply_period', `supplier ${supplierId} supplies meter ${id} on ${ranges} only, not on every day of ${b.from}..${b.to}: publish for those days`);
        }
      }
      const assignments = await store.assignTariff({ supplierId, digest, kind, docId, body: b.tariff, meterIds: [...new Set(b.meters)], fromDay, toDay });
      res.status(201).json({ digest, tariffId: docId, kind, from: b.from, to: b.to, meters: [...new Set(b.meters)], assignmentsCreated: assignments.length });
    }),
  );
  app.post(
    '/v1/value-vectors',
    requireRole('grid'),
    jsonBody,
    wrap(async (req, res) => {
      const b = parseBody(z.strictObject({ vector: z.unknown(), ...rangeBody }), req.body);
      const fromDay = day(b.from, 'from');
      const toDay = day(b.to, 'to');
      const { parsed, digest } = checkedDocument(b.vector, 'value-of-energy', fromDay, toDay);
      await store.publishValueVector({ digest, docId: parsed.id, publisher: req.principal!.id, body: b.vector, fromDay, toDay });
      res.status(201).json({ digest, vectorId: parsed.id, from: b.from, to: b.to });
    }),
  );
  app.get(
    '/v1/value-vectors',
    wrap(async (req, res) => {
      const p = periodQuery(req)!;
      const digest = await store.valueVectorFor(p.startDay, p.days);
      if (!digest) throw new ApiError(404, 'not_found', `no value-of-energy vector covers ${isoDay(p.startDay)} + ${p.days} day(s)`);
      const doc = await store.getDocument(digest);
      res.json({ digest, document: doc!.body });
    }),
  );
  app.get(
    '/v1/documents/:digest',
    wrap(async (req, res) => {
      const doc = /^[0-9a-f]{64}$/.test(String(req.params.digest)) ? await store.getDocument(String(req.params.digest)) : undefined;
      if (!doc) throw new ApiError(404, 'not_found', `no published document ${req.params.digest}`);
      res.json({ digest: doc.digest, kind: doc.kind, id: doc.docId, document: doc.body });
    }),
  );
  app.put(
    '/v1/feeder-measurements',
    requireRole('grid'),
    jsonBody,
    wrap(async (req, res) => {
      const b = parseBody(
        z.strictObject({
          substationId: ID,
          period: z.strictObject({ start: DATE, days: z.number().int().min(1).max(999) }),
          consumptionWh: z.string().regex(/^(0|[1-9]\d{0,30})$/, 'a whole number of Wh as a decimal string'),
        }),
        req.body,
      );
      if (!(await store.partyExists('substations', b.substationId))) throw new ApiError(422, 'unknown_substation', `substation ${b.substationId} is not registered`);
      await store.putFeederMeasurement({ substationId: b.substationId, startDay: day(b.period.start, 'period.start'), days: b.period.days, consumptionWh: b.consumptionWh });
      res.json(b);
    }),
  );
  // Free-form scheme parameter sets: kept for existing clients, stored in the one published-parameters
  // registry (kind-routes.ts serves the typed documents of the result kinds).
  const parameters = o.certifier.registries.parameters;
  const kindApi = new KindApi(store, parameters, o.keys);
  app.put(
    '/v1/scheme-parameters/:id',
    requireRole('scheme'),
    jsonBody,
    wrap(async (req, res) => {
      const id = parseBody(ID, req.params.id);
      const body = parseBody(z.strictObject({ parameters: z.record(z.string(), z.unknown()) }), req.body);
      const { created } = await parameters.publish(
        { digest: legacySchemeDigest(id, body.parameters), kind: LEGACY_SCHEME_KIND, docId: id, role: 'scheme', publisher: req.principal!.id, subject: null, validFrom: null, validTo: null, body: body.parameters, exclusive: false },
        'scheme_parameters_exist',
      );
      res.status(created ? 201 : 200).json({ id, parameters: body.parameters });
    }),
  );
  app.get(
    '/v1/scheme-parameters',
    wrap(async (_req, res) => {
      res.json({ items: (await parameters.list({ kind: LEGACY_SCHEME_KIND })).map((p) => ({ id: p.docId, publisher: p.publisher, createdAt: p.createdAt })) });
    }),
  );
  app.get(
    '/v1/scheme-parameters/:id',
    wrap(async (req, res) => {
      const found = await parameters.byId(LEGACY_SCHEME_KIND, String(req.params.id));
      const p = found && (await parameters.get(found.digest));
      if (!p) throw new ApiError(404, 'not_found', `no scheme parameters ${req.params.id}`);
      res.json({ id: p.docId, parameters: p.body, publishedAt: p.createdAt });
    }),
  );

  // ------------------------------------------------------------------- results
  app.post(
    '/v1/results',
    jsonBody,
    wrap(async (req, res) => {
      const { status, row } = await o.certifier.submit(req.body);
      if (status === 201) res.setHeader('Location', `/v1/results/${row.id}`);
      res.status(status).json({ id: row.id, status: status === 201 ? 'created' : 'existing', result: publicResult(row) });
    }),
  );

  // The auditor reads every result and a supplier its own customers'; the party running a kind's programme
  // reads that kind's results too (the kind's service names its readers).
  // A supplier gets 404 for another supplier's customer; a kind-limited role gets 403 for other kinds.
  const readable = (req: Request, r: (ResultRow & StoredParts) | undefined, id: string) => {
    const { role, subject } = req.principal!;
    if (!r || (role === 'supplier' && subject !== r.supplierId)) throw new ApiError(404, 'not_found', `no result ${id}`);
    if (role !== 'auditor' && role !== 'supplier' && !(RESULT_READERS[r.kind] ?? []).includes(role)) throw new ApiError(403, 'forbidden', `role ${role} does not read ${r.kind} results`);
    return r;
  };
  const READER_ROLES: Role[] = ['auditor', 'supplier', 'grid', 'scheme', 'service'];

  app.get(
    '/v1/results',
    requireRole(...READER_ROLES),
    wrap(async (req, res) => {
      const q = req.query;
      const limitText = queryText(req, 'limit') ?? '100';
      if (!/^[1-9]\d{0,3}$/.test(limitText) || Number(limitText) > 1000) throw new ApiError(400, 'invalid_request', '"limit" must be 1-1000');
      const period = periodQuery(req, false);
      let after: { startDay: number; id: string } | undefined;
      const cursor = queryText(req, 'cursor');
      if (cursor !== undefined) {
        const m = /^(\d{1,6})\.(res_[0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
        if (!m) throw new ApiError(400, 'invalid_request', '"cursor" is not a cursor this API returned');
        after = { startDay: Number(m[1]), id: m[2] };
      }
      const limit = Number(limitText);
      const rows = await store.listResults({
        meterId: queryText(req, 'meter'),
        circuit: queryText(req, 'circuit'),
        startDay: period?.startDay,
        days: period && (typeof q.days === 'string' || /\//.test(String(q.period))) ? period.days : undefined,
        kinds: kindsReadBy(req.principal!.role, queryText(req, 'kind')),
        supplierId: visibleSupplier(req),
        after,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      res.json({
        items: page.map((r) => publicResult(r)),
        nextCursor: rows.length > limit && last ? Buffer.from(`${last.startDay}.${last.id}`).toString('base64url') : null,
      });
    }),
  );
  app.get(
    '/v1/results/:id',
    requireRole(...READER_ROLES),
    wrap(async (req, res) => {
      const r = readable(req, await store.getResult(String(req.params.id)), String(req.params.id));
      res.json(publicResult(r, await o.certifier.resultFile(r)));
    }),
  );
  app.get(
    '/v1/results/:id/evidence',
    requireRole(...READER_ROLES),
    wrap(async (req, res) => {
      const r = readable(req, await store.getResult(String(req.params.id)), String(req.params.id));
      // the documents by digest (GET /v1/documents/{digest}), or embedded whole on request
      const documents = queryText(req, 'documents') ?? 'digest';
      if (documents !== 'digest' && documents !== 'embed') throw new ApiError(400, 'invalid_request', '"documents" must be digest (the default: published documents by digest) or embed');
      const file = await o.certifier.resultFile(r, { embed: documents === 'embed' });
      res.setHeader('Content-Disposition', `attachment; filename="${r.id}.result.json"`);
      res.type('application/json').send(JSON.stringify(file, null, 2) + '\n');
    }),
  );

  // ------------------------------------------------------------------- aggregation
  app.get(
    '/v1/settlement',
    requireRole('grid', 'auditor'),
    wrap(async (req, res) => {
      const p = periodQuery(req)!;
      res.json(await settlement(store, p.startDay, p.days));
    }),
  );
  app.get(
    '/v1/substations/balance',
    requireRole('grid', 'auditor'),
    wrap(async (req, res) => {
      const p = periodQuery(req)!;
      const tolText = queryText(req, 'tolerance') ?? '0.05';
      const m = /^(0|[1-9]\d{0,2})?(?:\.(\d{1,6}))?$/.exec(tolText);
      if (!m || tolText === '' || tolText === '.') throw new ApiError(400, 'invalid_request', '"tolerance" must be a decimal fraction such as 0.05');
      const ppm = BigInt(m[1] ?? '0') * 1_000_000n + BigInt((m[2] ?? '').padEnd(6, '0') || '0');
      const source = queryText(req, 'source') ?? 'bill';
      if (!Object.hasOwn(BALANCE_SOURCES, source)) throw new ApiError(400, 'invalid_request', `"source" must be ${alternatives(Object.entries(BALANCE_SOURCES).map(([name, s]) => `${name} (${s.description})`))}`);
      res.json(await substationBalance(store, kindApi, p.startDay, p.days, ppm, source));
    }),
  );

  // ------------------------------------------------------------------- statements from certified parts (statements.ts)
  mountStatements(app, { store, requireRole });

  // ------------------------------------------------------------------- the result kinds' parameters and own routes (kind-routes.ts)
  mountKinds(app, { parameters, api: kindApi, requireRole, jsonBody });

  // ------------------------------------------------------------------- household web page (household.ts)
  const provisioner = o.keyService?.provisioner;
  mountHousehold(app, { store, keys: o.keys, keyRefusal: provisioner && ((id) => provisioner.refusal(id)), requireRole, jsonBody });
  mountKeys(app, o.keys, { ...o.keyService, requireRole });

  // ------------------------------------------------------------------- trust snapshot for offline verification (trust-snapshot.ts)
  mountTrust(app, { store, requireRole });

  // ------------------------------------------------------------------- mailbox of certified-result requests (requests.ts)
  mountRequests(app, { store, certifier: o.certifier, jsonBody, publicUrl: o.publicUrl });

  // ------------------------------------------------------------------- fallbacks
  app.use((req, _res, next) => next(new ApiError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  app.use((err: any, req: Request, res: Response, _next: NextFunction) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err?.type === 'entity.too.large') e = new ApiError(413, 'body_too_large', `the request body is larger than ${o.bodyLimit ?? '1mb'}`);
    else if (err?.type === 'entity.parse.failed') e = new ApiError(400, 'invalid_json', `the body is not valid JSON: ${String(err.message).slice(0, 200)}`);
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') e = new ApiError(415, 'unsupported_media_type', String(err.message));
    else if (err?.type === 'request.aborted') e = new ApiError(400, 'request_aborted', 'the client aborted the request');
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) e = new ApiError(err.status, 'bad_request', String(err.message ?? 'bad request'));
    else {
      (req.log ?? log).error({ err }, 'unhandled error');
      e = new ApiError(500, 'internal', `internal error (request id ${req.id})`);
    }
    if (e.status >= 500 && e.status !== 503) (req.log ?? log).error({ code: e.code, msg: e.message }, 'server error');
    if (res.headersSent) return;
    if (typeof e.details?.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(e.details.retryAfterSeconds));
    res.status(e.status).json(e.toJSON());
  });

  return app;
}

