/**
 * Trust anchors for offline verification. A proof shows that *some* meter key signed readings that give the
 * stated outputs under *some* documents; what makes a result worth anything is that the key is the meter's
 * registered key and the documents are the published ones. Both come from the result file unless the
 * verifier anchors them:
 *
 *   - a trust snapshot: the operator's registries (meter keys, tariff assignments, value vectors, published
 *     parameters, issued challenges, every published document by digest), signed by the operator with
 *     Ed25519 (GET /v1/trust/snapshot); checked against an operator key the verifier pins. The result is
 *     then bound exactly as the verifier API binds it: each kind's own `bind` runs on the snapshot;
 *   - explicit pins: the meter key, and documents by field (the kind's document flags: --tariff, --value, …).
 *
 * Unanchored facts are reported (meter key fingerprint, every document's digest); `strict` refuses them.
 * Browser-safe: WebCrypto and pure JavaScript only.
 */
import { z } from 'zod';
import { ApiError } from '../core/api-error.js';
import { dayOf, isoDay } from '../core/time.js';
import type { AssignedKind, BindingContext, Found, IssuedChallenge, ParameterFormat, Registries } from '../kinds/service.js';
import { kindNamed } from '../kinds/registry.js';
import { documentDigestOf, documentFields, type DocumentResolver } from './documents.js';
import { verifyDocument } from './ed25519.js';
import { checkAnswer, openRequest } from './request.js';
import type { AnyResultJson } from './result.js';
import { ResultRejected, verifyResult, type VerificationKeyLookup, type VerifiedResult } from './verify.js';
import { meterKeyFingerprint, ResultUntrusted, SNAPSHOT_FORMAT, snapshotResolver } from './verify-light.js';

export { meterKeyFingerprint, parseMeterKeyPin, parseOperatorKey, ResultUntrusted, SNAPSHOT_FORMAT, snapshotResolver, type TrustRejectionCode } from './verify-light.js';

const HEX64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits');
const DAY = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const DECIMAL = z.string().regex(/^(0|[1-9]\d*)$/);

/** The operator's registries at one moment; days are inclusive YYYY-MM-DD, null: open-ended. */
export const TrustSnapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  /** who serves it (the API's public URL or name, as the operator configures it) */
  operator: z.string(),
  issuedAt: z.string(),
  meters: z.array(
    z.strictObject({
      id: z.string(),
      supplierId: z.string(),
      keys: z.array(z.strictObject({ publicKey: z.tuple([DECIMAL, DECIMAL]), validFrom: DAY, validTo: DAY.nullable(), revoked: z.boolean() })),
    }),
  ),
  documents: z.array(z.strictObject({ digest: HEX64, kind: z.string(), docId: z.string(), body: z.unknown() })),
  tariffAssignments: z.array(z.strictObject({ meterId: z.string(), supplierId: z.string(), kind: z.string(), digest: HEX64, from: DAY, to: DAY })),
  valueVectors: z.array(z.strictObject({ digest: HEX64, from: DAY, to: DAY })),
  parameters: z.array(z.strictObject({ digest: HEX64, kind: z.string(), docId: z.string(), role: z.string(), subject: z.string().nullable(), validFrom: DAY.nullable(), validTo: DAY.nullable() })),
  challenges: z.array(z.strictObject({ id: z.string(), meterId: z.string(), start: DAY, days: z.number().int().min(1), body: z.unknown() })),
});
export type TrustSnapshot = z.infer<typeof TrustSnapshotSchema>;

/** What the API serves and `meterproof trust fetch` saves: the snapshot and the operator's Ed25519 signature over its canonical JSON. */
export const SignedSnapshotSchema = z.strictObject({
  snapshot: z.unknown(),
  signature: z.strictObject({ algorithm: z.literal('Ed25519'), publicKey: HEX64, value: z.string().regex(/^[0-9a-f]{128}$/, 'expected 128 hex digits') }),
});
export type SignedSnapshot = z.infer<typeof SignedSnapshotSchema>;

/**
 * Checks a signed snapshot: its signature by the key it names, that key equal to `operatorKey` when one is
 * pinned, and the snapshot's shape. Throws a plain Error saying which.
 */
export async function openSnapshot(json: unknown, operatorKey?: string): Promise<{ snapshot: TrustSnapshot; operatorKey: string }> {
  const parsed = SignedSnapshotSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not a signed trust snapshot: ${z.prettifyError(parsed.error).split('\n').join(' ')}`);
  const { snapshot, signature } = parsed.data;
  if (operatorKey !== undefined && signature.publicKey !== operatorKey) {
    throw new Error(`the snapshot is signed by operator key ${signature.publicKey}, not by the pinned key ${operatorKey}`);
  }
  if (!(await verifyDocument(signature.publicKey, signature.value, snapshot))) {
    throw new Error(`the snapshot's signature does not verify under operator key ${signature.publicKey}: it was altered after signing`);
  }
  const checked = TrustSnapshotSchema.safeParse(snapshot);
  if (!checked.success) throw new Error(`the signed snapshot is not a ${SNAPSHOT_FORMAT}: ${z.prettifyError(checked.error).split('\n').join(' ')}`);
  return { snapshot: checked.data, operatorKey: signature.publicKey };
}

/** The anchors a verifier chooses. Pinned documents are given as documents (their digest is checked). */
export interface TrustAnchors {
  snapshot?: TrustSnapshot;
  /** fingerprint (parseMeterKeyPin) */
  meterKey?: string;
  /** pinned documents by statement field, e.g. { tariff: {...} } */
  documents?: Record<string, unknown>;
}

/** One fact of the statement and what vouches for it. */
export interface TrustFact {
  /** "meterKey" or a statement field */
  fact: string;
  /** the meter key's fingerprint or the document's digest */
  id: string;
  anchor: 'snapshot' | 'pin' | 'file';
}

export interface TrustReport {
  facts: TrustFact[];
  /** facts only the result file vouches for */
  unanchored: TrustFact[];
  /** what the snapshot bound the result to (as the API's bindings: tariffDigest, …) */
  bindings?: Record<string, string | number | null>;
  /** the request the result was checked to answer (TrustedVerifyOptions.request) */
  answers?: { digest: string; service: string; publicKey: string };
}

export interface TrustedVerifyOptions {
  anchors?: TrustAnchors;
  /** refuse a result with any fact only the file vouches for */
  strict?: boolean;
  vkeyFor?: VerificationKeyLookup;
  /** more places to find documents a result refers to by digest (the snapshot's are always used) */
  documents?: DocumentResolver[];
  /**
   * The signed request (prover/request.ts) the result must answer: the service's signature, unexpired at
   * `receivedAt` (default: now), and the result's statement its answer (its digest, which the proof binds
   * as the context input, its kind, period and documents). Throws RequestRefused.
   */
  request?: unknown;
  /** when the result was received, ms since the epoch (the request must not have expired then) */
  receivedAt?: number;
}

/**
 * Verifies a result (verifyResult: proof and statement) and checks its statement against the anchors.
 * Throws ResultRejected for an invalid proof, ResultUntrusted for a valid proof of the wrong facts.
 */
export async function verifyTrusted(json: unknown, o: TrustedVerifyOptions = {}): Promise<VerifiedResult & { trust: TrustReport }> {
  const anchors = o.anchors ?? {};
  // a forged or expired request is refused before any proof is checked
  const request = o.request === undefined ? undefined : await openRequest(o.request, { now: o.receivedAt });
  const resolvers = [...(anchors.snapshot ? [snapshotResolver(anchors.snapshot)] : []), ...(o.documents ?? [])];
  const verified = await verifyResult(json, o.vkeyFor, ...resolvers);
  const trust = await checkAnchors(verified.result, anchors);
  if (request) {
    checkAnswer(verified.result, request);
    trust.answers = { digest: request.digest, service: request.request.service.name, publicKey: request.request.service.publicKey };
  }
  if (o.strict && trust.unanchored.length) {
    throw new ResultUntrusted('unanchored', `--strict: only the result file vouches for ${trust.unanchored.map((f) => (f.fact === 'meterKey' ? `the meter key (${f.id})` : `${f.fact} (${f.id})`)).join(', ')}; give a trust snapshot or pins`);
  }
  return { ...verified, trust };
}

/** Checks a (verified, embedded-form) result's meter key and documents against the anchors. */
export async function checkAnchors(result: AnyResultJson, anchors: TrustAnchors): Promise<TrustReport> {
  const kind = kindNamed(result.kind);
  const s = result.statement;
  const startDay = dayOf(s.period.start);
  const days = s.period.days;
  const facts: TrustFact[] = [];

  // the meter key
  const fingerprint = meterKeyFingerprint(s.meterPublicKey);
  let meterAnchor: TrustFact['anchor'] = 'file';
  if (anchors.meterKey !== undefined) {
    if (anchors.meterKey !== fingerprint) throw new ResultUntrusted('untrusted_meter_key', `the result's meter key (fingerprint ${fingerprint}) is not the pinned key of meter ${s.meterId} (fingerprint ${anchors.meterKey})`);
    meterAnchor = 'pin';
  }
  if (anchors.snapshot) {
    checkRegisteredKey(anchors.snapshot, s.meterId, s.meterPublicKey, startDay, days);
    meterAnchor = 'snapshot';
  }
  facts.push({ fact: 'meterKey', id: fingerprint, anchor: meterAnchor });

  // the documents
  const pinned = anchors.documents ?? {};
  const fieldsOfKind = documentFields(kind.kind);
  for (const field of Object.keys(pinned)) {
    if (!fieldsOfKind.includes(field)) throw new Error(`a ${kind.kind} result has no document "${field}" to pin (its documents: ${fieldsOfKind.join(', ') || 'none'})`);
  }
  const docFacts = new Map<string, TrustFact>();
  for (const field of fieldsOfKind) {
    const doc = s[field];
    if (doc == null) {
      if (pinned[field] !== undefined) throw new ResultUntrusted('untrusted_document', `${field} is pinned but the result has none`);
      continue;
    }
    const digest = digestOf(doc, field);
    const fact: TrustFact = { fact: field, id: digest, anchor: 'file' };
    if (pinned[field] !== undefined) {
      const want = digestOf(pinned[field], `the pinned ${field}`);
      if (want !== digest) throw new ResultUntrusted('untrusted_document', `the result's ${field} (digest ${digest}) is not the pinned one (digest ${want})`);
      fact.anchor = 'pin';
    }
    docFacts.set(field, fact);
  }

  let bindings: TrustReport['bindings'];
  if (anchors.snapshot) {
    const snap = anchors.snapshot;
    const meter = snap.meters.find((m) => m.id === s.meterId)!;
    const { meterId: _m, meterPublicKey: _k, period: _p, request: _r, ...fields } = s;
    const ctx: BindingContext = { circuit: kind.circuits.find((c) => c.id === result.circuit)!, meter: { id: meter.id, supplierId: meter.supplierId }, startDay, days, fields, registries: new SnapshotRegistries(snap) };
    try {
      bindings = (await kind.service.bind(ctx)).bindings;
    } catch (e) {
      if (e instanceof ApiError) throw new ResultUntrusted('untrusted_document', `the snapshot's registries refuse the statement (${e.code}): ${e.message}`, e.code);
      throw e;
    }
    for (const fact of docFacts.values()) fact.anchor = 'snapshot';
  }
  facts.push(...docFacts.values());
  return { facts, unanchored: facts.filter((f) => f.anchor === 'file'), bindings };
}

function digestOf(doc: unknown, what: string): string {
  try {
    return documentDigestOf(doc);
  } catch (e) {
    throw new ResultRejected('malformed', `${what}: ${(e as Error).message}`);
  }
}

function checkRegisteredKey(snap: TrustSnapshot, meterId: string, publicKey: readonly [string, string], startDay: number, days: number): void {
  const meter = snap.meters.find((m) => m.id === meterId);
  const fingerprint = meterKeyFingerprint(publicKey);
  if (!meter) throw new ResultUntrusted('untrusted_meter_key', `meter ${meterId} is not registered in the trust snapshot`);
  const end = startDay + days - 1;
  const key = meter.keys.find((k) => k.publicKey[0] === publicKey[0] && k.publicKey[1] === publicKey[1]);
  const registered = meter.keys.filter((k) => !k.revoked).map((k) => `${meterKeyFingerprint(k.publicKey)} from ${k.validFrom}${k.validTo ? ` to ${k.validTo}` : ''}`);
  if (!key) throw new ResultUntrusted('untrusted_meter_key', `the result's meter key (fingerprint ${fingerprint}) is not a registered key of meter ${meterId} (registered: ${registered.join('; ') || 'none'})`);
  if (key.revoked) throw new ResultUntrusted('untrusted_meter_key', `meter ${meterId}'s key ${fingerprint} is revoked`);
  if (dayOf(key.validFrom) > startDay || (key.validTo !== null && dayOf(key.validTo) < end)) {
    throw new ResultUntrusted('untrusted_meter_key', `meter ${meterId}'s key ${fingerprint} is valid from ${key.validFrom}${key.validTo ? ` to ${key.validTo}` : ''}, not for the whole period ${isoDay(startDay)}..${isoDay(end)}`);
  }
}

const refuse = (code: string, message: string) => new ApiError(422, code, message);
const covers = (from: string | null, to: string | null, startDay: number, days: number) => (from === null || dayOf(from) <= startDay) && (to === null || dayOf(to) >= startDay + days - 1);

/** The kinds' Registries port on a snapshot: the same bindings the verifier API applies, offline. */
class SnapshotRegistries implements Registries {
  constructor(private readonly snap: TrustSnapshot) {}

  /** The document's own format decides its digest; the registry lookups below then match the expected kind. */
  carriedDigest(doc: unknown, _format: ParameterFormat | 'tariff', where: string): string {
    return digestOf(doc, where);
  }

  async body(digest: string): Promise<unknown> {
    const d = this.snap.documents.find((x) => x.digest === digest);
    if (!d) throw refuse('document_missing', `the snapshot lists document ${digest} but does not hold it`);
    return d.body;
  }

  async tariffFor(meterId: string, startDay: number, days: number, kind: AssignedKind) {
    const a = this.snap.tariffAssignments.find((t) => t.meterId === meterId && t.kind === kind && covers(t.from, t.to, startDay, days));
    return a ? { digest: a.digest, supplierId: a.supplierId } : null;
  }

  async assignedTariff(ctx: BindingContext, field: string, kind: AssignedKind): Promise<Found> {
    const assigned = await this.tariffFor(ctx.meter.id, ctx.startDay, ctx.days, kind);
    if (!assigned) throw refuse('tariff_not_published', `no ${kind} is assigned to meter ${ctx.meter.id} for the whole period in the snapshot`);
    const carried = digestOf(ctx.fields[field], `statement.${field}`);
    if (carried !== assigned.digest) throw refuse('tariff_mismatch', `the result's ${kind} (digest ${carried}) is not the one supplier ${assigned.supplierId} published for meter ${ctx.meter.id} and this period (digest ${assigned.digest})`);
    return { digest: assigned.digest, body: await this.body(assigned.digest) };
  }

  async valueVectorFor(startDay: number, days: number) {
    return this.snap.valueVectors.find((v) => covers(v.from, v.to, startDay, days))?.digest ?? null;
  }

  async published(ctx: BindingContext, field: string, kind: string, o: { ownCustomers?: boolean } = {}): Promise<Found> {
    const digest = digestOf(ctx.fields[field], `statement.${field}`);
    const p = this.snap.parameters.find((x) => x.digest === digest && x.kind === kind);
    if (!p) {
      const id = (ctx.fields[field] as { id?: string }).id ?? '';
      const other = this.snap.parameters.find((x) => x.kind === kind && x.docId === id);
      if (other) throw refuse('parameters_mismatch', `the result's ${kind} ${id} (digest ${digest}) is not the published one (digest ${other.digest})`);
      throw refuse('parameters_not_published', `the result's ${kind} ${id} (digest ${digest}) is not published`);
    }
    if (!covers(p.validFrom, p.validTo, ctx.startDay, ctx.days)) throw refuse('parameters_not_valid', `${kind} ${p.docId} is not valid for the whole period`);
    if (o.ownCustomers && p.role === 'supplier' && p.subject !== ctx.meter.supplierId) throw refuse('parameters_not_for_meter', `${kind} ${p.docId} was published by supplier ${p.subject} for its own customers; meter ${ctx.meter.id} is supplied by ${ctx.meter.supplierId}`);
    return { digest, body: await this.body(digest) };
  }

  async challenge(id: string): Promise<IssuedChallenge | null> {
    const c = this.snap.challenges.find((x) => x.id === id);
    return c ? { id: c.id, meterId: c.meterId, startDay: dayOf(c.start), days: c.days, body: c.body } : null;
  }
}
