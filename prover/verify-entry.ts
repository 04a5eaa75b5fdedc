/**
 * The verification library a service imports (`import { verifyTrusted } from 'meterproof/verify'`, Node or
 * a browser bundle): a result's proof and statement, anchored to a trust snapshot or pins. It loads neither
 * the verifier API, its databases, the circuit compiler nor the prover. Its import loads only the refusals,
 * key pins and request helpers (prover/verify-light.ts); the kinds and their schemas load on the first call
 * that needs them, and snarkjs on the first verification — so every function here that reads a result, a
 * request, a snapshot or a document is async. In a browser, pass `vkeyFor` (the local lookup reads
 * build/<circuit>/keys/).
 */
import type * as Documents from './documents.js';
import type * as Request from './request.js';
import type * as Result from './result.js';
import type * as Trust from './trust.js';
import type * as Verify from './verify.js';

export {
  meterKeyFingerprint,
  parseMeterKeyPin,
  parseOperatorKey,
  snapshotResolver,
  ResultRejected,
  ResultUntrusted,
  RequestRefused,
  SNAPSHOT_FORMAT,
  REQUEST_FORMAT,
  requestDigest,
  learnsOf,
  isAllowedCallback,
  mailboxFetchHeaders,
  type RejectionCode,
  type TrustRejectionCode,
  type RequestRefusalCode,
} from './verify-light.js';
export { newEd25519Key, type Ed25519KeyPair } from './ed25519.js';
export type { TrustAnchors, TrustedVerifyOptions, TrustReport, TrustFact, TrustSnapshot, SignedSnapshot } from './trust.js';
export type { VerifiedResult, VerificationKeyLookup } from './verify.js';
export type { DocumentResolver } from './documents.js';
export type { ResultJson } from './result.js';
export type { ResultRequest, SignedRequest, OpenedRequest } from './request.js';

const trust = () => import('./trust.js');
const verify = () => import('./verify.js');
const documents = () => import('./documents.js');
const request = () => import('./request.js');

export const verifyTrusted = async (...a: Parameters<typeof Trust.verifyTrusted>) => (await trust()).verifyTrusted(...a);
export const checkAnchors = async (...a: Parameters<typeof Trust.checkAnchors>) => (await trust()).checkAnchors(...a);
export const openSnapshot = async (...a: Parameters<typeof Trust.openSnapshot>) => (await trust()).openSnapshot(...a);
export const verifyResult = async (...a: Parameters<typeof Verify.verifyResult>) => (await verify()).verifyResult(...a);
export const localVerificationKey: Verify.VerificationKeyLookup = async (id, system) => (await verify()).localVerificationKey(id, system);
export const documentDigestOf = async (json: unknown): Promise<string> => (await documents()).documentDigestOf(json);
export const expandResult = async <R extends { kind: string; statement: Record<string, unknown> }>(r: R, ...resolvers: (Documents.DocumentResolver | undefined)[]): Promise<R> =>
  (await documents()).expandResult(r, ...resolvers);
export const parseResult = async (json: unknown): Promise<Result.ResultJson> => (await import('./result.js')).parseResult(json);
export const openRequest = async (...a: Parameters<typeof Request.openRequest>) => (await request()).openRequest(...a);
export const signRequest = async (...a: Parameters<typeof Request.signRequest>) => (await request()).signRequest(...a);
export const checkAnswer = async (...a: Parameters<typeof Request.checkAnswer>): Promise<void> => (await request()).checkAnswer(...a);
