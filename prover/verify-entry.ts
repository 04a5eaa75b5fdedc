/**
 * The verification library a service imports (`import { verifyTrusted } from 'meterproof/verify'`, Node or
 * a browser bundle): a result's proof and statement, anchored to a trust snapshot or pins. It loads neither
 * the verifier API, its databases, the circuit compiler nor the prover; snarkjs is imported on the first
 * verification. In a browser, pass `vkeyFor` (the local lookup reads build/<circuit>/keys/).
 */
export { verifyTrusted, checkAnchors, openSnapshot, snapshotResolver, parseOperatorKey, parseMeterKeyPin, meterKeyFingerprint, ResultUntrusted, SNAPSHOT_FORMAT } from './trust.js';
export type { TrustAnchors, TrustedVerifyOptions, TrustReport, TrustFact, TrustSnapshot, SignedSnapshot, TrustRejectionCode } from './trust.js';
export { verifyResult, localVerificationKey, ResultRejected } from './verify.js';
export type { VerifiedResult, VerificationKeyLookup, RejectionCode } from './verify.js';
export { documentDigestOf, expandResult, type DocumentResolver } from './documents.js';
export { parseResult, type ResultJson } from './result.js';
export { openRequest, checkAnswer, requestDigest, signRequest, learnsOf, isAllowedCallback, mailboxFetchHeaders, RequestRefused, REQUEST_FORMAT } from './request.js';
export type { ResultRequest, SignedRequest, OpenedRequest, RequestRefusalCode } from './request.js';
export { newEd25519Key, type Ed25519KeyPair } from './ed25519.js';
