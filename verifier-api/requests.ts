/**
 * The mailbox for certified-result requests (prover/request.ts, docs/requests.md) that ask for delivery to
 * this API instead of a service's callback:
 *
 *   POST /v1/requests/deliveries   (public: the proof and the service's signature are the credentials)
 *        { request: <signed request>, result: <result file> } → the request is opened (signature, expiry,
 *        kind), must ask for the mailbox, the result must answer it (its digest, kind, period, documents),
 *        then the result is certified as POST /v1/results does and kept for the service: one delivery per
 *        request and meter (migration 7).
 *   GET  /v1/requests/{digest}/deliveries   (the service, signing with its request key: x-meterproof-key,
 *        x-meterproof-at, x-meterproof-signature over prover/request.ts mailboxFetchDocument) → the results
 *        delivered for that request to that key, as compact result files.
 *
 * The page's Content-Security-Policy names the service a request link points at (requestConnectSource).
 */
import type { Express, Request, RequestHandler } from 'express';
import { z } from 'zod';
import { verifyDocument } from '../prover/ed25519.js';
import { checkAnswer, mailboxFetchDocument, openRequest, RequestRefused, REQUEST_FORMAT, isAllowedCallback, type RequestRefusalCode } from '../prover/request.js';
import { parseResult, type ResultJson } from '../prover/result.js';
import type { Certifier } from './certify.js';
import { ApiError } from './errors.js';
import type { OpenApiBuilders } from './household.js';
import { wrap } from './http.js';
import type { Store } from './store.js';

/** How far a mailbox fetch's signed instant may be from the server's clock. */
export const FETCH_WINDOW_MS = 5 * 60_000;

const REQUEST_STATUS: Record<RequestRefusalCode, number> = {
  request_malformed: 400,
  request_bad_signature: 422,
  request_expired: 422,
  request_not_for_kind: 422,
  request_documents_mismatch: 422,
  request_mismatch: 422,
};

/** The codes this module answers with (the OpenAPI document lists them). */
export const REQUEST_ERROR_CODES = ['request_malformed', 'request_bad_signature', 'request_expired', 'request_not_for_kind', 'request_mismatch', 'request_not_for_mailbox', 'request_other_mailbox', 'already_delivered', 'mailbox_unauthenticated'];

const refused = (e: unknown) => (e instanceof RequestRefused ? new ApiError(REQUEST_STATUS[e.code], e.code, e.message) : e);

const DeliveryBody = z.strictObject({ request: z.unknown(), result: z.unknown() });
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * `publicUrl`: where clients reach this API (AppOptions.publicUrl); without it, the origin each delivery is
 * sent to.
 */
export function mountRequests(app: Express, c: { store: Store; certifier: Certifier; jsonBody: RequestHandler; now?: () => number; publicUrl?: string }): void {
  const db = c.store.db;
  const now = c.now ?? Date.now;
  const ownOrigin = (req: Request): string | undefined => {
    try {
      return new URL(c.publicUrl ?? `${req.protocol}://${req.get('host')}`).origin;
    } catch {
      return undefined;
    }
  };

  app.post(
    '/v1/requests/deliveries',
    c.jsonBody,
    wrap(async (req, res) => {
      const body = DeliveryBody.safeParse(req.body);
      if (!body.success) throw new ApiError(400, 'invalid_request', 'the body is { "request": <signed meterproof-request/1>, "result": <result file> }');
      let result: ResultJson;
      try {
        result = parseResult(body.data.result);
      } catch (e) {
        throw new ApiError(400, 'malformed', (e as Error).message);
      }
      const opened = await openRequest(body.data.request, { now: now() }).catch((e) => Promise.reject(refused(e)));
      if (!('mailbox' in opened.request.deliver)) throw new ApiError(422, 'request_not_for_mailbox', `the request asks for delivery to ${opened.request.deliver.callback}, not to a mailbox: send the result there`);
      // the mailbox names an API by its origin, as the household page reads it (web/src/request.ts)
      const mailbox = new URL(opened.request.deliver.mailbox).origin;
      const own = ownOrigin(req);
      if (mailbox !== own) throw new ApiError(422, 'request_other_mailbox', `the request asks for delivery to the mailbox of the API at ${mailbox}, not this one (${own ?? 'no address'}): send the result there`);
      try {
        checkAnswer(result, opened);
      } catch (e) {
        throw refused(e);
      }
      const meterId = result.statement.meterId;
      const delivered = async () => db.get<{ result_id: string }>('SELECT result_id FROM request_deliveries WHERE request_digest = ? AND meter_id = ?', [opened.digest, meterId]);
      const already = (id: string) => new ApiError(409, 'already_delivered', `meter ${meterId} already delivered result ${id} for request ${opened.digest}; a request is answered once per meter`, { existingId: id });
      const before = await delivered();
      if (before) throw already(before.result_id);

      const { row } = await c.certifier.submit(result);
      const at = new Date(now()).toISOString();
      const inserted = await db.run('INSERT INTO request_deliveries (request_digest, meter_id, result_id, service_key, request, delivered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (request_digest, meter_id) DO NOTHING', [
        opened.digest,
        meterId,
        row.id,
        opened.request.service.publicKey,
        JSON.stringify(opened.signed),
        at,
      ]);
      if (inserted === 0) throw already((await delivered())!.result_id);
      res.status(201).json({ request: opened.digest, meterId, resultId: row.id, deliveredAt: at });
    }),
  );

  app.get(
    '/v1/requests/:digest/deliveries',
    wrap(async (req, res) => {
      const digest = String(req.params.digest);
      if (!HEX64.test(digest)) throw new ApiError(400, 'invalid_request', 'a request digest is 64 lower-case hex digits');
      const key = req.get('x-meterproof-key') ?? '';
      const at = req.get('x-meterproof-at') ?? '';
      const signature = req.get('x-meterproof-signature') ?? '';
      const unauthenticated = (why: string) => new ApiError(401, 'mailbox_unauthenticated', `${why}: sign {format: "meterproof-mailbox-fetch/1", request, at} with the request's service key (headers x-meterproof-key, x-meterproof-at, x-meterproof-signature)`);
      if (!HEX64.test(key) || !/^[0-9a-f]{128}$/.test(signature) || Number.isNaN(Date.parse(at))) throw unauthenticated('no valid mailbox signature headers');
      if (Math.abs(Date.parse(at) - now()) > FETCH_WINDOW_MS) throw unauthenticated(`the signed instant ${at} is more than ${FETCH_WINDOW_MS / 60_000} minutes from the server's clock`);
      let valid = false;
      try {
        valid = await verifyDocument(key, signature, mailboxFetchDocument(digest, at));
      } catch {
        // not a curve point: as bad as a wrong signature
      }
      if (!valid) throw unauthenticated('the signature does not verify under the given key');
      // only what was delivered for a request this key signed: another key sees nothing
      const rows = await db.all<{ meter_id: string; result_id: string; delivered_at: string }>('SELECT meter_id, result_id, delivered_at FROM request_deliveries WHERE request_digest = ? AND service_key = ? ORDER BY delivered_at, meter_id', [digest, key]);
      const deliveries = [];
      for (const r of rows) {
        const stored = await c.store.getResult(r.result_id);
        if (stored) deliveries.push({ meterId: r.meter_id, resultId: r.result_id, deliveredAt: r.delivered_at, result: await c.certifier.resultFile(stored) });
      }
      res.json({ request: digest, deliveries });
    }),
  );
}

/**
 * The one origin a request link adds to the household page's connect-src: where the page fetches the
 * request (`?request=<url>`), or the callback of an inline request (`?request=<base64url JSON>`). Only
 * https origins (http on localhost); anything else adds nothing and the page refuses the request.
 */
export function requestConnectSource(requestParam: unknown): string | undefined {
  if (typeof requestParam !== 'string' || requestParam.length > 16_384) return undefined;
  let url = requestParam;
  if (!/^https?:\/\//.test(requestParam)) {
    try {
      const signed = JSON.parse(Buffer.from(requestParam, 'base64url').toString('utf8'));
      url = signed?.request?.deliver?.callback;
    } catch {
      return undefined;
    }
  }
  return typeof url === 'string' && isAllowedCallback(url) ? new URL(url).origin : undefined;
}

export function requestPaths({ ok, errors, pathId, body }: OpenApiBuilders): Record<string, object> {
  const Hex = (n: number) => ({ type: 'string', pattern: `^[0-9a-f]{${n}}$` });
  const header = (name: string, description: string, schema: object) => ({ name, in: 'header', required: true, description, schema });
  return {
    '/v1/requests/deliveries': {
      post: {
        tags: ['results'],
        operationId: 'deliverRequestedResult',
        summary: `Deliver a result to the mailbox of the service that requested it (public): the ${REQUEST_FORMAT} request (signed by the service, unexpired, asking for delivery to this API's mailbox: one at another origin is refused with request_other_mailbox) and a result that answers it (its digest in the statement, its kind, period and documents); the result is certified as by POST /v1/results and kept for the service, once per request and meter (docs/requests.md)`,
        requestBody: body({ type: 'object', required: ['request', 'result'], properties: { request: { type: 'object', description: `signed ${REQUEST_FORMAT} (schemas/request.schema.json)` }, result: { type: 'object', description: 'meterproof-result/1 whose statement.request is the request digest' } } }),
        responses: {
          ...ok('Delivered', { type: 'object', required: ['request', 'meterId', 'resultId', 'deliveredAt'], properties: { request: Hex(64), meterId: { type: 'string' }, resultId: { type: 'string' }, deliveredAt: { type: 'string' } } }, '201'),
          ...errors(400, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    '/v1/requests/{digest}/deliveries': {
      get: {
        tags: ['results'],
        operationId: 'requestDeliveries',
        summary: "The results delivered to the mailbox for a request, for the service that signed it (headers: its key, the instant, its Ed25519 signature of {format: 'meterproof-mailbox-fetch/1', request, at}; within 5 minutes of the server's clock)",
        parameters: [
          pathId('digest', 'the request digest (sha256 of its canonical JSON)'),
          header('x-meterproof-key', "the request's service.publicKey", Hex(64)),
          header('x-meterproof-at', 'now, ISO 8601', { type: 'string' }),
          header('x-meterproof-signature', 'Ed25519 signature (hex) of the canonical JSON of {format, request, at}', Hex(128)),
        ],
        responses: {
          ...ok('Deliveries', {
            type: 'object',
            required: ['request', 'deliveries'],
            properties: {
              request: Hex(64),
              deliveries: { type: 'array', items: { type: 'object', required: ['meterId', 'resultId', 'deliveredAt', 'result'], properties: { meterId: { type: 'string' }, resultId: { type: 'string' }, deliveredAt: { type: 'string' }, result: { type: 'object' } } } },
            },
          }),
          ...errors(400, 401, 429),
        },
      },
    },
  };
}
