/**
 * What the household web page needs from the API (docs/web-app.md, docs/verifier-api.md "Household web
 * page"):
 *
 *   - the encrypted-bundle store: meters upload envelopes sealed under the household's key, anyone fetches
 *     them (they are useless without the key); a plaintext bundle is refused, nothing is ever decrypted;
 *   - the proving context of a meter and period: the published tariff and value-of-energy vector the
 *     statement names, the circuit and its proving artifacts (public, like the documents themselves);
 *   - the proving artifacts (.wasm, .zkey) under content-addressed URLs, cached as immutable;
 *   - the page itself (build/web, built with Vite): hashed assets immutable, index.html revalidated.
 *
 * Routes are added to the app directly (not through a sub-router) so that the OpenAPI test sees them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BUILD_DIR } from '../core/paths.js';
import type { FieldFlag, ResultKind } from '../kinds/kind.js';
import { circuitForDays, KINDS } from '../kinds/registry.js';
import { isoDay } from '../core/time.js';
import { BUNDLE_FORMAT } from '../meter/bundle-format.js';
import { EncryptedBundleSchema, parseEncryptedBundle } from '../meter/encryption/envelope.js';
import { BundleStore } from './bundle-store.js';
import { ApiError } from './errors.js';
import { day } from './http.js';
import { PARAMETER_FORMATS, ParameterStore } from './parameters.js';
import type { PinnedKey } from './pinned-keys.js';
import { requestConnectSource } from './requests.js';
import type { Role, Store } from './store.js';

export const WEB_DIR = join(BUILD_DIR, 'web');

export interface HouseholdContext {
  store: Store;
  keys: Map<string, PinnedKey>;
  /** why a configured circuit without a pinned key is refused (provision.ts) */
  keyRefusal?: (circuit: string) => ApiError;
  requireRole: (...roles: Role[]) => RequestHandler;
  jsonBody: RequestHandler;
}

/** A meter authenticates its uploads with this header (its upload token), not with an API key. */
const UPLOAD_TOKEN_HEADER = 'x-upload-token';
/** A document a household may prove with: its digest (a challenge: its id), its id and its body. */
interface HouseholdDocument {
  digest: string;
  id: string;
  document: unknown;
}

const ARTIFACT_FILES = { 'circuit.wasm': 'wasm', 'circuit.zkey': 'zkey' } as const;
const ENVELOPE_FIELDS = new Set(Object.keys(EncryptedBundleSchema.shape));

/** Content hash of an artifact file, computed once per file version (size and mtime) by streaming it. */
const hashes = new Map<string, { version: string; sha256: Promise<string> }>();
export function sha256OfFile(path: string): { sha256: Promise<string>; bytes: number } {
  const st = statSync(path);
  const version = `${st.size}:${st.mtimeMs}`;
  let h = hashes.get(path);
  if (!h || h.version !== version) {
    const sha256 = new Promise<string>((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream(path)
        .on('data', (chunk) => hash.update(chunk))
        .on('end', () => resolve(hash.digest('hex')))
        .on('error', reject);
    });
    sha256.catch(() => hashes.delete(path));
    hashes.set(path, (h = { version, sha256 }));
  }
  return { sha256: h.sha256, bytes: st.size };
}

/** The period of a /{start}/{days} route. */
function periodParams(req: Request): { startDay: number; days: number; start: string } {
  const start = String(req.params.start);
  const daysText = String(req.params.days);
  if (!/^[1-9]\d{0,2}$/.test(daysText)) throw new ApiError(400, 'invalid_request', `"days" must be a whole number from 1 to 999, got "${daysText}"`);
  return { startDay: day(start, 'period start'), days: Number(daysText), start };
}

const periodLabel = (startDay: number, days: number) => `${isoDay(startDay)} + ${days} day(s)`;

export function mountHousehold(app: Express, c: HouseholdContext): void {
  const bundles = new BundleStore(c.store.db);
  const parameters = new ParameterStore(c.store.db);

  async function registeredMeter(id: string) {
    const meter = await c.store.getMeter(id);
    if (!meter) throw new ApiError(404, 'not_found', `meter ${id} is not registered with this service`);
    return meter;
  }

  // ------------------------------------------------------------------- encrypted-bundle store
  app.post(
    '/v1/meters/:id/upload-token',
    c.requireRole('registrar'),
    async (req: Request, res: Response) => {
      const meter = await registeredMeter(String(req.params.id));
      const uploadToken = await bundles.issueUploadToken(meter.id);
      res.status(201).json({ meterId: meter.id, uploadToken });
    },
  );

  /** Upload: the meter's own upload token (X-Upload-Token), or a registrar key. */
  const uploader = async (req: Request, _res: Response, next: NextFunction) => {
    const token = req.get(UPLOAD_TOKEN_HEADER);
    if (token) {
      const meterId = await bundles.meterOfUploadToken(token);
      if (!meterId) return next(new ApiError(401, 'invalid_api_key', 'the upload token is unknown or was replaced by a newer one'));
      if (meterId !== req.params.meterId) return next(new ApiError(403, 'forbidden', `this upload token belongs to meter ${meterId}, not ${req.params.meterId}`));
      req.uploader = `meter:${meterId}`;
      return next();
    }
    if (!req.principal) return next(new ApiError(401, 'unauthenticated', `uploading needs the meter's upload token (header X-Upload-Token) or a registrar key`));
    if (req.principal.role !== 'registrar') return next(new ApiError(403, 'forbidden', `role ${req.principal.role} may not upload readings (needs the meter's upload token or role registrar)`));
    req.uploader = req.principal.id;
    next();
  };

  app.put(
    '/v1/encrypted-bundles/:meterId/:start/:days',
    uploader,
    c.jsonBody,
    async (req: Request, res: Response) => {
      const { startDay, days, start } = periodParams(req);
      const body = req.body as Record<string, unknown> | null;
      // Never store, echo or log readings: a plaintext bundle is refused without a word about its content.
      if (body?.format === BUNDLE_FORMAT || (body && typeof body === 'object' && 'readingsWh' in body)) {
        throw new ApiError(
          400,
          'plaintext_bundle',
          `this is a plaintext readings bundle (${BUNDLE_FORMAT}); the store accepts only bundles sealed under the household's key (meterproof-encrypted-bundle/1, made by "meterproof meter encrypt"). Nothing was stored.`,
        );
      }
      const extra = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).filter((k) => !ENVELOPE_FIELDS.has(k)) : [];
      if (extra.length) throw new ApiError(400, 'invalid_envelope', `the envelope has fields that are not part of meterproof-encrypted-bundle/1: ${extra.slice(0, 10).join(', ')}. Nothing was stored.`);
      let envelope;
      try {
        envelope = parseEncryptedBundle(body);
      } catch (e) {
        throw new ApiError(400, 'invalid_envelope', (e as Error).message);
      }
      if (envelope.meterId !== req.params.meterId || envelope.period.start !== start || envelope.period.days !== days) {
        throw new ApiError(400, 'invalid_request', `the envelope is for meter ${envelope.meterId}, ${envelope.period.start} + ${envelope.period.days} day(s), not the ${req.params.meterId}, ${start} + ${days} day(s) of the URL`);
      }
      const meter = await c.store.getMeter(envelope.meterId);
      if (!meter) throw new ApiError(422, 'meter_not_registered', `meter ${envelope.meterId} is not registered`);
      const created = await bundles.putEnvelope(envelope, startDay, req.uploader!);
      res.status(created ? 201 : 200).json({ meterId: envelope.meterId, period: envelope.period, key: envelope.key, status: created ? 'created' : 'replaced' });
    },
  );

  app.get('/v1/encrypted-bundles/:meterId', async (req: Request, res: Response) => {
    const meter = await registeredMeter(String(req.params.meterId));
    const items = await bundles.listEnvelopes(meter.id);
    res.setHeader('Cache-Control', 'no-cache');
    res.json({
      meterId: meter.id,
      items: items.map((e) => ({ period: { start: isoDay(e.startDay), days: e.days }, key: { generation: e.keyGeneration, id: e.keyId }, bytes: e.bytes, uploadedAt: e.updatedAt })),
    });
  });

  app.get('/v1/encrypted-bundles/:meterId/:start/:days', async (req: Request, res: Response) => {
    const { startDay, days } = periodParams(req);
    const meter = await registeredMeter(String(req.params.meterId));
    const envelope = await bundles.getEnvelope(meter.id, startDay, days);
    if (!envelope) throw new ApiError(404, 'not_found', `meter ${meter.id} has no encrypted readings for ${periodLabel(startDay, days)}`);
    res.setHeader('Cache-Control', 'no-cache');
    res.json(envelope);
  });

  // ------------------------------------------------------------------- proving context and artifacts
  /** The pinned circuit of `kind` serving a period of `days` days. */
  function kindCircuit(kind: string, days: number): PinnedKey {
    let id: string;
    try {
      id = circuitForDays(kind, days).id;
    } catch {
      throw new ApiError(422, 'unknown_circuit', `no ${kind} circuit serves a period of ${days} day(s)`);
    }
    const pinned = c.keys.get(id);
    if (!pinned) throw c.keyRefusal?.(id) ?? new ApiError(422, 'unknown_circuit', `this service has no verification key for ${id}, the circuit of ${days}-day ${kind} results`);
    return pinned;
  }

  async function artifact(pinned: PinnedKey, file: keyof typeof ARTIFACT_FILES) {
    // the proving key is the pinned one (a key bundle's, or the key root's), with its witness generator
    const path = file === 'circuit.zkey' ? pinned.zkeyPath : pinned.wasmPath;
    if (!existsSync(path)) throw new ApiError(404, 'not_found', `${pinned.circuit.id} has no ${file} on this server (run "meterproof setup --circuit ${pinned.circuit.id}")`);
    const { sha256, bytes } = sha256OfFile(path);
    return { path, sha256: await sha256, bytes };
  }

  /**
   * The documents a household may prove a document field with, from the registries the API binds results
   * to (kinds/service.ts): the supplier's assigned tariff, the grid's value vector, the challenges issued
   * for the meter and period, or the published parameter documents valid for the whole period.
   */
  async function candidates(kind: ResultKind, flag: FieldFlag, meter: { id: string; supplierId: string }, startDay: number, days: number): Promise<HouseholdDocument[]> {
    const source = flag.source ?? kind.service.documents?.[0]?.kind;
    const stored = async (digest: string | undefined) => {
      const doc = digest ? await c.store.getDocument(digest) : undefined;
      return doc ? [{ digest: doc.digest, id: doc.docId, document: doc.body }] : [];
    };
    if (source === 'value-of-energy') return stored(await c.store.valueVectorFor(startDay, days));
    if (source === 'tariff' || PARAMETER_FORMATS.find((f) => f.kind === source)?.assigned) return stored((await c.store.tariffFor(meter.id, startDay, days, source))?.digest);
    if (source === 'challenge') {
      const issued = (await parameters.listChallenges({ meterId: meter.id })).filter((ch) => ch.startDay === startDay && ch.days === days);
      return issued.map((ch) => ({ digest: ch.id, id: ch.id, document: ch.body }));
    }
    const published = await parameters.list({ kind: source, validFor: { startDay, days } });
    // a supplier's documents are for its own customers (the suspect binding refuses the others)
    const own = published.filter((p) => p.role !== 'supplier' || p.subject === meter.supplierId);
    return Promise.all(own.map(async (p) => ({ digest: p.digest, id: p.docId, document: (await parameters.get(p.digest))!.body })));
  }

  /** Why a required document field has nothing to prove with, in the API's codes. */
  function missing(flag: FieldFlag, kind: ResultKind, startDay: number, days: number): ApiError {
    const period = periodLabel(startDay, days);
    if (flag.source === 'tariff') return new ApiError(422, 'tariff_not_published', `no tariff is published for this meter for the whole period ${period}`);
    if (flag.source === 'value-of-energy') return new ApiError(422, 'value_vector_missing', `the grid has published no value-of-energy vector for ${period}`);
    const format = kind.service.documents?.find((d) => d.kind === (flag.source ?? kind.service.documents?.[0]?.kind));
    if (format?.kind === 'challenge') return new ApiError(422, 'challenge_missing', `no challenge was issued for this meter and ${period}: a sampling proof answers a verifier's challenge`);
    return new ApiError(422, 'parameters_not_published', `no ${format?.what ?? flag.field} is published for the whole period ${period}`);
  }

  app.get('/v1/proving-context/:meterId/:start/:days', async (req: Request, res: Response) => {
    const { startDay, days } = periodParams(req);
    const kindName = typeof req.query.kind === 'string' ? req.query.kind : 'bill';
    const kind = KINDS[kindName];
    if (!kind) throw new ApiError(400, 'invalid_request', `unknown result kind "${kindName}" (kinds: ${Object.keys(KINDS).join(', ')})`);
    const meter = await registeredMeter(String(req.params.meterId));
    const pinned = kindCircuit(kind.kind, days);
    const documents: Record<string, HouseholdDocument[]> = {};
    for (const flag of kind.flags.filter((f) => f.type === 'document')) {
      documents[flag.field] = await candidates(kind, flag, meter, startDay, days);
      // the API binds a bill to the grid's value vector, although the statement can do without one
      if (documents[flag.field].length === 0 && (flag.required || flag.source === 'value-of-energy')) throw missing(flag, kind, startDay, days);
    }
    const files = await Promise.all((Object.keys(ARTIFACT_FILES) as (keyof typeof ARTIFACT_FILES)[]).map(async (file) => {
      const a = await artifact(pinned, file);
      return [ARTIFACT_FILES[file], { url: `/artifacts/${pinned.circuit.id}/${a.sha256}/${file}`, sha256: a.sha256, bytes: a.bytes }] as const;
    }));
    res.setHeader('Cache-Control', 'no-cache');
    res.json({
      meterId: meter.id,
      period: { start: isoDay(startDay), days },
      kind: kind.kind,
      circuit: pinned.circuit,
      vkeySha256: pinned.vkeySha256,
      documents,
      artifacts: Object.fromEntries(files),
    });
  });

  app.get('/artifacts/:circuit/:hash/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file);
    const pinned = c.keys.get(String(req.params.circuit));
    if (!pinned || !(file in ARTIFACT_FILES)) throw new ApiError(404, 'not_found', `no artifact ${req.path}`);
    const a = await artifact(pinned, file as keyof typeof ARTIFACT_FILES);
    if (a.sha256 !== req.params.hash) throw new ApiError(404, 'not_found', `${pinned.circuit.id}'s ${file} is no longer ${String(req.params.hash).slice(0, 16)}… (its keys were rebuilt): fetch the proving context again`);
    // Content-addressed: the URL names the bytes, so they never change.
    await new Promise<void>((resolve, reject) =>
      res.sendFile(a.path, { immutable: true, maxAge: '365d', headers: { 'Content-Type': file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream' } }, (e) => (e ? reject(e) : resolve())),
    );
  });

  // ------------------------------------------------------------------- the page
  const indexHtml = join(WEB_DIR, 'index.html');
  app.use(
    express.static(WEB_DIR, {
      index: 'index.html',
      setHeaders(res, path) {
        // Vite names assets by content hash; index.html names the current ones and must be revalidated.
        res.setHeader('Cache-Control', path.startsWith(join(WEB_DIR, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
        // Cross-origin isolation, so that the page's worker has SharedArrayBuffer and the WebAssembly prover its
        // threads (docs/web-app.md). On the assets too: a worker script without COEP may not start in such a page.
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        if (path.endsWith('.html')) {
          // The page may talk to this service only; WebAssembly and snarkjs's blob workers need the two exceptions.
          // A request link (/?request=…) adds the one service it points at (requests.ts).
          const service = requestConnectSource(res.req.query.request);
          res.setHeader('Content-Security-Policy', `default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; connect-src 'self'${service ? ` ${service}` : ''}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`);
          res.setHeader('Referrer-Policy', 'no-referrer');
          res.setHeader('X-Content-Type-Options', 'nosniff');
        }
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path !== '/' || existsSync(indexHtml)) return next();
    res.status(404).type('text/plain').send('The household web page is not built on this server: run "npm run build:web".\n');
  });
}

declare module 'express-serve-static-core' {
  interface Request {
    /** who uploaded an envelope: "meter:<id>" (its upload token) or a registrar key id */
    uploader?: string;
  }
}

// ------------------------------------------------------------------------------------------ OpenAPI

/** openapi.ts's builders, passed in so that these routes are documented next to their code. */
export interface OpenApiBuilders {
  ok: (description: string, schema: object, status?: string) => Record<string, object>;
  errors: (...statuses: number[]) => Record<string, object>;
  pathId: (name: string, description: string) => object;
  body: (schema: object) => object;
}

export function householdPaths({ ok, errors, pathId, body }: OpenApiBuilders): Record<string, object> {
  const IsoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
  const Period = { type: 'object', required: ['start', 'days'], properties: { start: IsoDate, days: { type: 'integer', minimum: 1 } } };
  const KeyRef = { type: 'object', required: ['generation', 'id'], properties: { generation: { type: 'integer' }, id: { type: 'string' } } };
  const Envelope = {
    type: 'object',
    description: 'meterproof-encrypted-bundle/1 (docs/encryption.md): clear-text header, AES-256-GCM ciphertext under a key derived from the household key with Argon2id',
    required: ['format', 'meterId', 'period', 'key', 'kdf', 'cipher', 'salt', 'nonce', 'ciphertext'],
    additionalProperties: false,
    properties: { format: { const: 'meterproof-encrypted-bundle/1' }, meterId: { type: 'string' }, period: Period, key: KeyRef, kdf: { type: 'object' }, cipher: { const: 'AES-256-GCM' }, salt: { type: 'string' }, nonce: { type: 'string' }, ciphertext: { type: 'string' } },
  };
  const Artifact = { type: 'object', required: ['url', 'sha256', 'bytes'], properties: { url: { type: 'string' }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, bytes: { type: 'integer' } } };
  const Doc = { type: 'object', required: ['digest', 'id', 'document'], properties: { digest: { type: 'string' }, id: { type: 'string' }, document: { type: 'object' } } };
  const meterPeriod = [pathId('meterId', 'meter id'), pathId('start', 'first day of the period, YYYY-MM-DD'), pathId('days', 'length of the period in days')];
  const tags = ['household'];
  return {
    '/v1/meters/{id}/upload-token': {
      post: {
        tags,
        operationId: 'issueUploadToken',
        summary: 'A new upload token for a meter, shown once; it replaces the previous one (registrar)',
        security: [{ apiKey: [] }],
        parameters: [pathId('id', 'meter id')],
        responses: { ...ok('Issued', { type: 'object', required: ['meterId', 'uploadToken'], properties: { meterId: { type: 'string' }, uploadToken: { type: 'string' } } }, '201'), ...errors(401, 403, 404, 429) },
      },
    },
    '/v1/encrypted-bundles/{meterId}': {
      get: {
        tags,
        operationId: 'listEncryptedBundles',
        summary: 'The periods a meter has encrypted readings for, newest first (public: useless without the household key)',
        parameters: [pathId('meterId', 'meter id')],
        responses: {
          ...ok('Periods', { type: 'object', required: ['meterId', 'items'], properties: { meterId: { type: 'string' }, items: { type: 'array', items: { type: 'object', required: ['period', 'key', 'bytes'], properties: { period: Period, key: KeyRef, bytes: { type: 'integer' }, uploadedAt: { type: 'string' } } } } } }),
          ...errors(404, 429),
        },
      },
    },
    '/v1/encrypted-bundles/{meterId}/{start}/{days}': {
      put: {
        tags,
        operationId: 'putEncryptedBundle',
        summary: "Upload a meter's sealed readings for a period (the meter's upload token in X-Upload-Token, or a registrar key); replaces an earlier upload of the same period",
        description: 'Only meterproof-encrypted-bundle/1 envelopes with no other fields are stored; a plaintext meterproof-bundle/1 is refused (plaintext_bundle). The service never decrypts.',
        parameters: [...meterPeriod, { name: 'X-Upload-Token', in: 'header', required: false, description: "the meter's upload token", schema: { type: 'string' } }],
        requestBody: body(Envelope),
        responses: {
          ...ok('Stored', { type: 'object', required: ['meterId', 'period', 'key', 'status'], properties: { meterId: { type: 'string' }, period: Period, key: KeyRef, status: { enum: ['created', 'replaced'] } } }, '201'),
          ...ok('Replaced an earlier upload', { type: 'object', required: ['status'], properties: { status: { const: 'replaced' } } }),
          '400': { description: 'Not an envelope (codes: invalid_envelope, plaintext_bundle, invalid_request, invalid_json)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          ...errors(401, 403, 413, 415, 422, 429),
        },
      },
      get: { tags, operationId: 'getEncryptedBundle', summary: "A meter's sealed readings for a period (public: useless without the household key)", parameters: meterPeriod, responses: { ...ok('Envelope', Envelope), ...errors(400, 404, 429) } },
    },
    '/v1/proving-context/{meterId}/{start}/{days}': {
      get: {
        tags,
        operationId: 'provingContext',
        summary: "What a household needs to prove a result of a kind for a period (default: the bill): the documents it may prove with, the circuit and its proving artifacts (public)",
        description: 'documents: for each document field of the kind, the documents the API would bind the result to (the assigned tariff, the grid\'s value vector, challenges issued for the meter and period, published parameters valid for the period); 422 with tariff_not_published, value_vector_missing, parameters_not_published or challenge_missing when a required one is missing; 503 keys_missing when the circuit serving the period has no keys on this service yet (422 unknown_circuit when no circuit serves it here).',
        parameters: [...meterPeriod, { name: 'kind', in: 'query', required: false, description: 'result kind (default bill)', schema: { type: 'string' } }],
        responses: {
          ...ok('Proving context', {
            type: 'object',
            required: ['meterId', 'period', 'kind', 'circuit', 'documents', 'artifacts'],
            properties: {
              meterId: { type: 'string' },
              period: Period,
              kind: { type: 'string' },
              circuit: { type: 'object', required: ['id', 'params'] },
              vkeySha256: { type: 'string' },
              documents: { type: 'object', additionalProperties: { type: 'array', items: Doc } },
              artifacts: { type: 'object', required: ['wasm', 'zkey'], properties: { wasm: Artifact, zkey: Artifact } },
            },
          }),
          ...errors(400, 404, 422, 429, 503),
        },
      },
    },
    '/artifacts/{circuit}/{hash}/{file}': {
      get: {
        tags,
        operationId: 'artifact',
        summary: 'A proving artifact (circuit.wasm, circuit.zkey) by content hash; immutable, cached for a year',
        parameters: [pathId('circuit', 'circuit id'), pathId('hash', 'SHA-256 of the file, hex'), pathId('file', 'circuit.wasm or circuit.zkey')],
        responses: { '200': { description: 'The file', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } }, 'application/wasm': { schema: { type: 'string', format: 'binary' } } } }, ...errors(404, 429) },
      },
    },
  };
}
