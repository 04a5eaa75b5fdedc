/**
 * Certified-result requests (format "meterproof-request/1", JSON Schema: schemas/request.schema.json,
 * docs/requests.md): a service asks a household for a result of one kind, over named published documents
 * and one period, and says where the answer goes. The service signs the request with its Ed25519 key; the
 * household's page checks it before proving anything, and proves with the request's digest as the
 * statement's `context` public input, so the result answers that request and no other.
 *
 *   request  = { format, service {name, url, publicKey}, kind, documents {field: {digest}}, fields?,
 *                period, purpose, learns, deliver {callback | mailbox}, issued, expires, nonce }
 *   signed   = { request, signature: { algorithm: "Ed25519", value } }   (over the request's canonical JSON)
 *   digest   = sha256 of the request's canonical JSON (hex); context = digest mod r (the BN254 field)
 *
 * Browser-safe (WebCrypto, pure JavaScript).
 */
import { z } from 'zod';
import { describeIssues, PeriodSchema } from '../core/documents.js';
import { SNARK_FIELD } from '../core/field.js';
import { KINDS } from '../kinds/registry.js';
import type { ResultKind } from '../kinds/kind.js';
import { documentDigestOf, documentFields, isDocumentRef } from './documents.js';
import { signDocument, verifyDocument } from './ed25519.js';
import type { AnyResultJson } from './result.js';
import { isAllowedCallback, learnsOf, REQUEST_FORMAT, RequestRefused, requestDigest } from './verify-light.js';

export { isAllowedCallback, requestOfLinkParam, learnsOf, mailboxFetchDocument, mailboxFetchHeaders, REQUEST_FORMAT, RequestRefused, requestDigest, type RequestRefusalCode } from './verify-light.js';

const HEX64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');
const INSTANT = z.iso.datetime({ offset: true });

const Url = z.string().refine(isAllowedCallback, 'expected an https URL (http only for localhost), without credentials or fragment');

export const RequestSchema = z
  .strictObject({
    format: z.literal(REQUEST_FORMAT),
    service: z
      .strictObject({
        name: z.string().min(1).max(120).describe('who asks, as the household sees it'),
        url: Url.describe("the service's home page"),
        publicKey: HEX64.describe('Ed25519 public key (raw, hex) that signs the request and fetches mailbox deliveries'),
      })
      .describe('the service asking'),
    kind: z.string().min(1).describe('the result kind asked for (kinds/all.ts)'),
    documents: z
      .record(z.string(), z.strictObject({ digest: HEX64 }))
      .describe('the published documents to prove with, by statement field (as GET /v1/parameters and /v1/documents/{digest} serve them)'),
    fields: z
      .record(z.string(), z.union([z.string(), z.number().int()]))
      .optional()
      .describe('values of the kind\'s other statement fields the service fixes; fields left out are the household\'s choice (e.g. which tariff is the household\'s current one in a tariff comparison)'),
    period: PeriodSchema.describe('the period to prove'),
    purpose: z.string().min(1).max(500).describe("why the service asks, in its own words"),
    learns: z.string().min(1).describe("what the service will learn, in plain words: exactly the kind's declared account (kinds/<kind>/kind.ts `reveals.learns`)"),
    deliver: z
      .union([z.strictObject({ callback: Url.describe('POST the result file here') }), z.strictObject({ mailbox: Url.describe("the verifier API whose mailbox keeps the result for the service (POST /v1/requests/deliveries)") })])
      .describe('where the result goes'),
    issued: INSTANT,
    expires: INSTANT.describe('after this instant no result is proved, delivered or accepted for the request'),
    nonce: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'expected 16-64 characters from A-Z a-z 0-9 _ -').describe('makes every request (and its digest) unique'),
  })
  .meta({ title: 'meterproof request', description: `A service's signed request for a certified result (${REQUEST_FORMAT}); see docs/requests.md.` });
export type ResultRequest = z.infer<typeof RequestSchema>;

export const SignedRequestSchema = z
  .strictObject({
    request: RequestSchema,
    signature: z.strictObject({ algorithm: z.literal('Ed25519'), value: z.string().regex(/^[0-9a-f]{128}$/, 'expected 128 hex digits') }),
  })
  .meta({ title: 'meterproof signed request', description: 'A request and the Ed25519 signature of its canonical JSON by service.publicKey.' });
export type SignedRequest = z.infer<typeof SignedRequestSchema>;

/** The public input a result for the request carries: the digest reduced into the BN254 scalar field. */
export const requestContext = (digest: string): bigint => BigInt(`0x${digest}`) % SNARK_FIELD;

/** The context public input of a statement that answers the request with this digest (0: none). */
export const contextOf = (request: string | undefined): bigint => (request === undefined ? 0n : requestContext(request));

export async function signRequest(request: ResultRequest, privateKeyPem: string): Promise<SignedRequest> {
  const parsed = RequestSchema.safeParse(request);
  if (!parsed.success) throw new RequestRefused('request_malformed', `not a ${REQUEST_FORMAT}: ${describeIssues(parsed.error)}`);
  return { request: parsed.data, signature: { algorithm: 'Ed25519', value: await signDocument(privateKeyPem, parsed.data) } };
}

export interface OpenedRequest {
  signed: SignedRequest;
  request: ResultRequest;
  kind: ResultKind;
  digest: string;
  context: bigint;
}

/**
 * Checks a signed request before anything is proved for it or accepted as its answer: its shape, the
 * service's signature, that it has not expired at `now`, and that it asks for a kind this version knows,
 * with that kind's documents and fields and in that kind's words. Throws RequestRefused.
 */
export async function openRequest(json: unknown, o: { now?: number } = {}): Promise<OpenedRequest> {
  const parsed = SignedRequestSchema.safeParse(json);
  if (!parsed.success) throw new RequestRefused('request_malformed', `not a signed ${REQUEST_FORMAT}: ${describeIssues(parsed.error)}`);
  const signed = parsed.data;
  const { request } = signed;
  let valid = false;
  try {
    valid = await verifyDocument(request.service.publicKey, signed.signature.value, request);
  } catch {
    // a public key that is not a curve point: as bad as a wrong signature
  }
  if (!valid) throw new RequestRefused('request_bad_signature', `the request's signature does not verify under the key of "${request.service.name}" (${request.service.publicKey.slice(0, 16)}…): it was altered or not signed by that service`);
  const now = o.now ?? Date.now();
  if (Date.parse(request.expires) <= Date.parse(request.issued)) throw new RequestRefused('request_malformed', 'the request expires before it was issued');
  if (Date.parse(request.expires) <= now) throw new RequestRefused('request_expired', `the request expired at ${request.expires}`);

  const kind = KINDS[request.kind];
  if (!kind) throw new RequestRefused('request_not_for_kind', `the request asks for a "${request.kind}" result, which this version does not know (known: ${Object.keys(KINDS).join(', ')})`);
  const docFields = documentFields(kind.kind);
  const required = kind.flags.filter((f) => f.type === 'document' && f.required).map((f) => f.field);
  const unknownDocs = Object.keys(request.documents).filter((f) => !docFields.includes(f));
  if (unknownDocs.length) throw new RequestRefused('request_not_for_kind', `a ${kind.kind} result has no document ${unknownDocs.join(', ')} (its documents: ${docFields.join(', ')})`);
  const missing = required.filter((f) => !request.documents[f]);
  if (missing.length) throw new RequestRefused('request_not_for_kind', `the request names no ${missing.join(', ')} document, which a ${kind.kind} result needs`);
  const otherFields = kind.flags.filter((f) => f.type !== 'document').map((f) => f.field);
  const unknownFields = Object.keys(request.fields ?? {}).filter((f) => !otherFields.includes(f));
  if (unknownFields.length) throw new RequestRefused('request_not_for_kind', `a ${kind.kind} result has no field ${unknownFields.join(', ')} a service could fix`);
  if (request.learns !== learnsOf(kind)) {
    throw new RequestRefused('request_not_for_kind', `the request describes what the service learns as "${request.learns}", but a ${kind.kind} result reveals ${learnsOf(kind)}: a household is told what the proof reveals, not what a service says about it`);
  }
  const digest = requestDigest(request);
  return { signed, request, kind, digest, context: requestContext(digest) };
}

/**
 * Checks documents a household found for a request against the digests the request names (the page
 * fetches them by digest; a service or mirror that answers with another document is refused).
 */
export function checkRequestDocuments(r: OpenedRequest, documents: Record<string, unknown>): void {
  for (const [field, { digest }] of Object.entries(r.request.documents)) {
    const doc = documents[field];
    if (doc === undefined) throw new RequestRefused('request_documents_mismatch', `no ${field} document was found for digest ${digest}`);
    let actual: string;
    try {
      actual = documentDigestOf(doc);
    } catch (e) {
      throw new RequestRefused('request_documents_mismatch', `the ${field} document found for the request is not valid: ${(e as Error).message}`);
    }
    if (actual !== digest) throw new RequestRefused('request_documents_mismatch', `the ${field} document found for the request has digest ${actual.slice(0, 16)}…, not the ${digest.slice(0, 16)}… the request names`);
  }
}

/**
 * Is `result` the answer to the request? Its statement names the request's digest (which the proof binds
 * through `context`; verifyResult checks that binding), its kind, period, documents and fixed fields.
 * Does not check the proof: verify it first (verifyTrusted / verifyAnswer). Throws RequestRefused.
 */
export function checkAnswer(result: AnyResultJson, r: OpenedRequest): void {
  const s = result.statement;
  const stated = (s as { request?: unknown }).request;
  if (stated !== r.digest) {
    throw new RequestRefused('request_mismatch', stated === undefined ? `the result answers no request; this request is ${r.digest}` : `the result answers request ${String(stated).slice(0, 16)}…, not this request (${r.digest.slice(0, 16)}…)`);
  }
  if (result.kind !== r.kind.kind) throw new RequestRefused('request_mismatch', `the result is a ${result.kind} result; the request asks for ${r.kind.kind}`);
  if (s.period.start !== r.request.period.start || s.period.days !== r.request.period.days) {
    throw new RequestRefused('request_mismatch', `the result is for ${s.period.start} + ${s.period.days} day(s); the request asks for ${r.request.period.start} + ${r.request.period.days} day(s)`);
  }
  for (const field of documentFields(r.kind.kind)) {
    const want = r.request.documents[field]?.digest;
    const doc = s[field];
    if (want === undefined) continue;
    const got = doc == null ? undefined : isDocumentRef(doc) ? doc.digest : documentDigestOf(doc);
    if (got !== want) throw new RequestRefused('request_mismatch', `the result's ${field} (${got?.slice(0, 16) ?? 'none'}…) is not the document the request names (${want.slice(0, 16)}…)`);
  }
  for (const [field, value] of Object.entries(r.request.fields ?? {})) {
    if (s[field] !== value) throw new RequestRefused('request_mismatch', `the result's ${field} is ${JSON.stringify(s[field])}; the request fixes it to ${JSON.stringify(value)}`);
  }
}

/**
 * The statement fields a household proves a request's answer with: the request's documents (checked
 * against its digests), the fields it fixes, and the household's own values for the fields it leaves open.
 * Refuses readings of another period than the request's, and an own value that contradicts a fixed one.
 */
export function answerFields(r: OpenedRequest, period: { start: string; days: number }, documents: Record<string, unknown>, own: Record<string, unknown> = {}): Record<string, unknown> {
  const want = r.request.period;
  if (period.start !== want.start || period.days !== want.days) {
    throw new RequestRefused('request_mismatch', `the request asks about ${want.start} + ${want.days} day(s); these readings cover ${period.start} + ${period.days} day(s)`);
  }
  checkRequestDocuments(r, documents);
  const fixed = r.request.fields ?? {};
  for (const [field, value] of Object.entries(own)) {
    if (field in fixed && fixed[field] !== value) throw new RequestRefused('request_mismatch', `the request fixes ${field} to ${JSON.stringify(fixed[field])}, not ${JSON.stringify(value)}`);
    if (field in r.request.documents && own[field] !== documents[field]) throw new RequestRefused('request_mismatch', `the request names its own ${field} document`);
  }
  const docs = Object.fromEntries(Object.keys(r.request.documents).map((f) => [f, documents[f]]));
  return { ...own, ...fixed, ...docs };
}
