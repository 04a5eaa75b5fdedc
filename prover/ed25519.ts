/**
 * Ed25519 signatures over documents, one implementation for everything this project signs: the operator's
 * trust snapshots (verifier-api/trust-snapshot.ts) and the services' certified-result requests
 * (prover/request.ts). A document is signed as the UTF-8 bytes of its canonical JSON; keys are a raw
 * public key in hex and a PKCS#8 private key in PEM. WebCrypto only: Node ≥ 20 and browsers.
 */
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from '../tariff/digest.js';

/** WebCrypto wants bytes over a plain ArrayBuffer. */
const bytes = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);
const subtle = () => globalThis.crypto.subtle;

/** The bytes a signer signs for a document: its canonical JSON, UTF-8. */
export const signingBytes = (doc: unknown): Uint8Array<ArrayBuffer> => bytes(utf8ToBytes(canonicalJson(doc)));

export interface Ed25519KeyPair {
  /** raw public key, 64 hex digits */
  publicKey: string;
  /** PKCS#8, PEM */
  privateKey: string;
}

export async function newEd25519Key(): Promise<Ed25519KeyPair> {
  const pair = (await subtle().generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  const base64 = btoa(String.fromCharCode(...pkcs8));
  return { publicKey: bytesToHex(raw), privateKey: `-----BEGIN PRIVATE KEY-----\n${base64}\n-----END PRIVATE KEY-----\n` };
}

function pemBytes(pem: string): Uint8Array<ArrayBuffer> {
  const body = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/.exec(pem);
  if (!body) throw new Error('an Ed25519 private key is a PKCS#8 PEM block ("-----BEGIN PRIVATE KEY-----")');
  return bytes(Uint8Array.from(atob(body[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0)));
}

/** The raw public key (hex) of a PKCS#8 private key. */
export async function ed25519PublicKey(privateKeyPem: string): Promise<string> {
  const key = await subtle().importKey('pkcs8', pemBytes(privateKeyPem), { name: 'Ed25519' }, true, ['sign']);
  const jwk = await subtle().exportKey('jwk', key);
  return bytesToHex(Uint8Array.from(atob(jwk.x!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
}

/** Signs a document (its canonical JSON); the signature in hex (128 digits). */
export async function signDocument(privateKeyPem: string, doc: unknown): Promise<string> {
  const key = await subtle().importKey('pkcs8', pemBytes(privateKeyPem), { name: 'Ed25519' }, false, ['sign']);
  return bytesToHex(new Uint8Array(await subtle().sign({ name: 'Ed25519' }, key, signingBytes(doc))));
}

/** Does `signature` (hex) sign the document's canonical JSON under `publicKey` (hex)? */
export async function verifyDocument(publicKey: string, signature: string, doc: unknown): Promise<boolean> {
  const key = await subtle().importKey('raw', bytes(hexToBytes(publicKey)), { name: 'Ed25519' }, false, ['verify']);
  return subtle().verify({ name: 'Ed25519' }, key, bytes(hexToBytes(signature)), signingBytes(doc));
}
