/**
 * The parts of verification that need neither the kinds nor the schema library (zod, which alone costs a
 * service's start about 0.1 s): the refusals verification throws, the formats' names, key pins and the
 * request helpers a service calls before it has anything to verify. The verification library
 * (prover/verify-entry.ts) loads these with its import and the rest on its first verification; the command
 * line catches the refusals without loading the verifier. trust.ts, request.ts and verify.ts re-export them.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { ResultKind } from '../kinds/kind.js';
import { documentDigest } from '../tariff/digest.js';
import type { DocumentResolver } from './documents.js';
import { signDocument } from './ed25519.js';
import type { ResultRequest } from './request.js';
import type { TrustSnapshot } from './trust.js';

export const SNAPSHOT_FORMAT = 'meterproof-trust-snapshot/1';
export const REQUEST_FORMAT = 'meterproof-request/1';

export type RejectionCode =
  | 'malformed'
  | 'unknown_circuit'
  | 'signal_count'
  | 'non_canonical_signal'
  | 'bad_proof_point'
  | 'statement_mismatch'
  | 'output_mismatch'
  | 'proof_invalid'
  | 'document_unknown'
  | 'document_mismatch';

/** An invalid result: its proof, its encoding or its statement (prover/verify.ts). */
export class ResultRejected extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }
}

export type TrustRejectionCode = 'untrusted_meter_key' | 'untrusted_document' | 'unanchored';

/** A valid proof whose statement the chosen anchors refuse (or, strict, do not cover) (prover/trust.ts). */
export class ResultUntrusted extends Error {
  constructor(
    readonly code: TrustRejectionCode,
    message: string,
    /** the registry's own refusal code when a kind's binding refused (tariff_mismatch, …) */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** Why a request, or a result given as its answer, is refused: the API's error codes too. */
export type RequestRefusalCode =
  | 'request_malformed'
  | 'request_bad_signature'
  | 'request_expired'
  | 'request_not_for_kind'
  | 'request_documents_mismatch'
  | 'request_mismatch';

export class RequestRefused extends Error {
  constructor(
    readonly code: RequestRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** An operator key as given on a command line: 64 hex digits, optionally prefixed "ed25519:". */
export function parseOperatorKey(text: string): string {
  const hex = text.trim().toLowerCase().replace(/^ed25519:/, '');
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`an operator key is an Ed25519 public key of 64 hex digits (as "meterproof trust fetch" prints it), not ${JSON.stringify(text)}`);
  return hex;
}

/** A meter public key's fingerprint: hex sha256 of "x:y" (decimal coordinates), first 32 digits. */
export const meterKeyFingerprint = (publicKey: readonly [string, string]): string => bytesToHex(sha256(utf8ToBytes(`${publicKey[0]}:${publicKey[1]}`))).slice(0, 32);

/** A meter key pin: "x,y" (decimal coordinates) or its fingerprint. */
export function parseMeterKeyPin(text: string): string {
  const t = text.trim().toLowerCase();
  const pair = /^(0|[1-9]\d*)\s*,\s*(0|[1-9]\d*)$/.exec(t);
  if (pair) return meterKeyFingerprint([pair[1], pair[2]]);
  if (/^[0-9a-f]{32}$/.test(t)) return t;
  throw new Error(`a meter key pin is "x,y" (the public key's decimal coordinates) or its 32-hex-digit fingerprint, not ${JSON.stringify(text)}`);
}

/** Documents of a snapshot by digest, for results that refer to documents instead of embedding them. */
export const snapshotResolver =
  (snapshot: TrustSnapshot): DocumentResolver =>
  (digest) =>
    snapshot.documents.find((d) => d.digest === digest)?.body;

/** https, or http to this machine only (a service under development). */
export function isAllowedCallback(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password || u.hash) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
}

/**
 * The request a household-page link carries itself (`?request=` with base64url JSON, rather than the request's
 * URL), for the page and the command line; undefined when the text is not base64url JSON.
 */
export function requestOfLinkParam(param: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(param.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
}

/** The request's digest: sha256 of its canonical JSON, hex. */
export const requestDigest = (request: ResultRequest): string => documentDigest(request);

/** The words a request must use for what the service learns: the kind's own declaration. */
export const learnsOf = (kind: ResultKind): string => kind.reveals?.learns ?? kind.summary;

/**
 * What a service signs to fetch the results its requests' mailbox holds (GET /v1/requests/{digest}/deliveries):
 * the request's digest and the instant, so a captured signature is useless for another request or, a few
 * minutes later, at all.
 */
export const mailboxFetchDocument = (digest: string, at: string) => ({ format: 'meterproof-mailbox-fetch/1', request: digest, at });

/** The headers of a mailbox fetch, signed with the service's key. */
export async function mailboxFetchHeaders(key: { publicKey: string; privateKey: string }, digest: string, at = new Date().toISOString()): Promise<Record<string, string>> {
  return { 'x-meterproof-key': key.publicKey, 'x-meterproof-at': at, 'x-meterproof-signature': await signDocument(key.privateKey, mailboxFetchDocument(digest, at)) };
}
