/**
 * Encrypted readings bundles (format "meterproof-encrypted-bundle/1", docs/encryption.md).
 *
 * AES-256-GCM (WebCrypto) under a key derived from the household's user key with Argon2id
 * (@noble/hashes, pure JS). The meter id, period, key generation/id, KDF parameters and cipher are in
 * the clear and bound as additional authenticated data, so none of them can be changed or swapped
 * between envelopes. Browser-safe: globalThis.crypto only, no node: modules, no Buffer.
 */
import { argon2idAsync } from '@noble/hashes/argon2';
import { z } from 'zod';
import { BUNDLE_FORMAT, type BundleJson } from '../bundle-format.js';
import { parseUserKey, userKeyId, type UserKeyRecord, UserKeyError } from './user-key.js';

export const ENCRYPTED_BUNDLE_FORMAT = 'meterproof-encrypted-bundle/1';

export interface KdfParams {
  /** Argon2id memory in KiB. */
  memoryKiB: number;
  /** Argon2id passes. */
  iterations: number;
  parallelism: number;
}

/** Argon2id m = 19 MiB, t = 2, p = 1 (the OWASP recommendation): ≈ 0.56 s in Node 20 here. */
export const DEFAULT_KDF: KdfParams = { memoryKiB: 19456, iterations: 2, parallelism: 1 };
/** Decryption refuses parameters beyond these, so an envelope cannot make a reader allocate gigabytes. */
export const MAX_KDF: KdfParams = { memoryKiB: 1 << 20, iterations: 20, parallelism: 8 };

export type DecryptionFailure = 'invalid_envelope' | 'wrong_key' | 'authentication_failed';

export class DecryptionError extends Error {
  constructor(
    readonly code: DecryptionFailure,
    message: string,
  ) {
    super(message);
  }
}

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
const positive = z.number().int().min(1);
export const EncryptedBundleSchema = z.object({
  format: z.literal(ENCRYPTED_BUNDLE_FORMAT),
  meterId: z.string().min(1),
  period: z.object({ start: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'), days: z.number().int().min(1).max(366) }),
  key: z.object({ generation: positive, id: z.string().regex(/^[0-9a-f]{8}$/, 'expected 8 hex digits') }),
  kdf: z.object({
    name: z.literal('argon2id'),
    version: z.literal(0x13),
    memoryKiB: positive.max(MAX_KDF.memoryKiB),
    iterations: positive.max(MAX_KDF.iterations),
    parallelism: positive.max(MAX_KDF.parallelism),
  }),
  cipher: z.literal('AES-256-GCM'),
  salt: b64,
  nonce: b64,
  ciphertext: b64.describe('AES-GCM output: encrypted bundle JSON (UTF-8) followed by the 16-byte tag'),
});
export type EncryptedBundle = z.infer<typeof EncryptedBundleSchema>;

// ---- helpers --------------------------------------------------------------------------------------

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string, what: string): Uint8Array<ArrayBuffer> {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    throw new DecryptionError('invalid_envelope', `invalid encrypted bundle: ${what} is not base64`);
  }
}

/** The additional data: every clear-text field of the envelope, in a fixed order. */
function additionalData(e: Omit<EncryptedBundle, 'salt' | 'nonce' | 'ciphertext'>): Uint8Array<ArrayBuffer> {
  const fields = [e.format, e.meterId, e.period.start, e.period.days, e.key.generation, e.key.id, e.kdf.name, e.kdf.version, e.kdf.memoryKiB, e.kdf.iterations, e.kdf.parallelism, e.cipher];
  return new Uint8Array(new TextEncoder().encode(JSON.stringify(fields)));
}

async function deriveKey(canonicalUserKey: string, salt: Uint8Array, kdf: KdfParams, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  const password = new TextEncoder().encode(canonicalUserKey.replace(/-/g, ''));
  const raw = await argon2idAsync(password, salt, { t: kdf.iterations, m: kdf.memoryKiB, p: kdf.parallelism, dkLen: 32, version: 0x13 });
  return globalThis.crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'AES-GCM' }, false, [usage]);
}

/** Time (ms) of one key derivation with the given parameters, for calibrating them on a device. */
export async function measureKdf(kdf: KdfParams = DEFAULT_KDF): Promise<number> {
  const t0 = performance.now();
  await deriveKey('0000-0000-0000-0000-0000', new Uint8Array(16), kdf, 'encrypt');
  return performance.now() - t0;
}

// ---- API ------------------------------------------------------------------------------------------

export interface EncryptOptions {
  /** Argon2id parameters; DEFAULT_KDF unless given (weaker values are for tests only). */
  kdf?: KdfParams;
}

/**
 * Encrypts a certified readings bundle (its JSON form, see bundleToJson) under a meter's user key.
 * The envelope records the key's generation and id.
 */
export async function encryptBundle(bundle: BundleJson, userKey: UserKeyRecord, options: EncryptOptions = {}): Promise<EncryptedBundle> {
  if (bundle?.format !== BUNDLE_FORMAT || typeof bundle.meter?.id !== 'string' || !bundle.period) throw new Error(`not a certified readings bundle (format "${BUNDLE_FORMAT}")`);
  if (userKey.meterId !== bundle.meter.id) throw new UserKeyError(`the user key belongs to meter ${userKey.meterId}, the bundle to meter ${bundle.meter.id}`);
  const canonical = parseUserKey(userKey.key);
  const kdf = options.kdf ?? DEFAULT_KDF;
  const header = {
    format: ENCRYPTED_BUNDLE_FORMAT,
    meterId: bundle.meter.id,
    period: { start: bundle.period.start, days: bundle.period.days },
    key: { generation: userKey.generation, id: userKeyId(canonical) },
    kdf: { name: 'argon2id', version: 0x13, memoryKiB: kdf.memoryKiB, iterations: kdf.iterations, parallelism: kdf.parallelism },
    cipher: 'AES-256-GCM',
  } as const;
  const checked = EncryptedBundleSchema.omit({ salt: true, nonce: true, ciphertext: true }).safeParse(header);
  if (!checked.success) throw new Error(`cannot encrypt: ${z.prettifyError(checked.error)}`);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(canonical, salt, kdf, 'encrypt');
  const plaintext = new TextEncoder().encode(JSON.stringify(bundle));
  const sealed = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: additionalData(header), tagLength: 128 }, key, plaintext);
  return { ...header, kdf: { ...header.kdf }, salt: toBase64(salt), nonce: toBase64(nonce), ciphertext: toBase64(new Uint8Array(sealed)) };
}

/** Checks an envelope's structure (not its authenticity: that needs the key). Throws DecryptionError. */
export function parseEncryptedBundle(json: unknown): EncryptedBundle {
  const parsed = EncryptedBundleSchema.safeParse(json);
  if (!parsed.success) throw new DecryptionError('invalid_envelope', `invalid encrypted bundle: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}`);
  return parsed.data;
}

/**
 * Opens an envelope with a user key (as typed: parsing is typo-tolerant). Returns the bundle JSON, whose
 * meter id and period are checked against the envelope's; pass it to parseBundle for the full check.
 * Throws UserKeyError for a malformed key, DecryptionError otherwise.
 */
export async function decryptBundle(envelope: unknown, userKey: string): Promise<BundleJson> {
  const e = parseEncryptedBundle(envelope);
  const canonical = parseUserKey(userKey);
  const id = userKeyId(canonical);
  if (id !== e.key.id) {
    throw new DecryptionError(
      'wrong_key',
      `wrong user key: the bundle was encrypted with key generation ${e.key.generation} (key id ${e.key.id}), this key's id is ${id}` +
        ' (after a key rotation only the new key opens new bundles)',
    );
  }
  const salt = fromBase64(e.salt, 'salt');
  const nonce = fromBase64(e.nonce, 'nonce');
  const ciphertext = fromBase64(e.ciphertext, 'ciphertext');
  if (salt.length < 16 || nonce.length !== 12 || ciphertext.length < 16) throw new DecryptionError('invalid_envelope', 'invalid encrypted bundle: salt, nonce or ciphertext has the wrong length');
  const key = await deriveKey(canonical, salt, e.kdf, 'decrypt');
  let plaintext: ArrayBuffer;
  try {
    plaintext = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: additionalData(e), tagLength: 128 }, key, ciphertext);
  } catch {
    throw new DecryptionError(
      'authentication_failed',
      'authentication failed: the encrypted bundle has been altered (ciphertext, meter id, period or parameters) or the key is not the one it was sealed with',
    );
  }
  let bundle: BundleJson;
  try {
    bundle = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new DecryptionError('invalid_envelope', 'the decrypted content is not JSON');
  }
  if (bundle?.format !== BUNDLE_FORMAT || bundle.meter?.id !== e.meterId || bundle.period?.start !== e.period.start || bundle.period?.days !== e.period.days) {
    throw new DecryptionError('invalid_envelope', 'the decrypted bundle does not match the envelope (meter id, period or format)');
  }
  return bundle;
}
