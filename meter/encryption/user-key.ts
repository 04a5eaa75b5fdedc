/**
 * User keys: the short secret a household types to open its encrypted readings bundles.
 *
 * Format: 20 Crockford base32 characters in 5 groups of 4, "XXXX-XXXX-XXXX-XXXX-XXXC": 19 random
 * characters (19 × 5 = 95 bits of entropy) and one check character. The check character is
 * Σ α^i · v_i over GF(32) (α a primitive element, x^5 + x^2 + 1), so every single mistyped character
 * and every swap of two different characters is detected. Parsing forgives case, I/L for 1, O for 0,
 * and missing, extra or misplaced dashes and spaces.
 *
 * Browser-safe: randomness from globalThis.crypto, hashing from @noble/hashes; no node: modules.
 */
import { sha256 } from '@noble/hashes/sha2';

export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const USER_KEY_DATA_CHARS = 19;
export const USER_KEY_CHARS = USER_KEY_DATA_CHARS + 1;
/** Entropy of a generated user key: log2(32) bits per random character. */
export const USER_KEY_ENTROPY_BITS = USER_KEY_DATA_CHARS * Math.log2(CROCKFORD_ALPHABET.length);
export const USER_KEY_RECORD_FORMAT = 'meterproof-user-key/1';

export class UserKeyError extends Error {}

/** A meter's current user key: rotated (generation + 1) when the tenant changes. */
export interface UserKeyRecord {
  format: typeof USER_KEY_RECORD_FORMAT;
  meterId: string;
  /** 1 for the first key, +1 on every rotation. */
  generation: number;
  /** userKeyId(key): names the key in envelopes without revealing it. */
  keyId: string;
  /** Canonical grouped form. */
  key: string;
  createdAt: string;
}

// GF(32) with the primitive polynomial x^5 + x^2 + 1; α = x = 2.
const EXP: number[] = [];
const LOG: number[] = new Array(32).fill(0);
for (let i = 0, v = 1; i < 31; i++) {
  EXP[i] = v;
  LOG[v] = i;
  v <<= 1;
  if (v & 32) v ^= 0b100101;
}
const gfMul = (a: number, b: number): number => (a === 0 || b === 0 ? 0 : EXP[(LOG[a] + LOG[b]) % 31]);

/** Check value of the data characters' values: Σ α^(i+1) · v_i in GF(32) (addition is xor). */
function checkValue(values: readonly number[]): number {
  return values.reduce((acc, v, i) => acc ^ gfMul(EXP[(i + 1) % 31], v), 0);
}

function group(chars: string): string {
  return chars.match(/.{1,4}/g)!.join('-');
}

/** A fresh random user key in canonical form. */
export function randomUserKey(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(USER_KEY_DATA_CHARS));
  const values = Array.from(bytes, (b) => b & 31); // 256 is a multiple of 32: uniform
  values.push(checkValue(values));
  return group(values.map((v) => CROCKFORD_ALPHABET[v]).join(''));
}

/**
 * Parses a typed user key into its canonical form, forgiving case, I/L → 1, O → 0, dashes and spaces.
 * Throws UserKeyError with a one-line reason otherwise.
 */
export function parseUserKey(text: string): string {
  const compact = text.toUpperCase().replace(/[\s\-–—_.]/g, '');
  const values: number[] = [];
  for (const ch of compact) {
    const c = ch === 'I' || ch === 'L' ? '1' : ch === 'O' ? '0' : ch;
    const v = CROCKFORD_ALPHABET.indexOf(c);
    if (v < 0) throw new UserKeyError(`invalid user key: "${ch}" is not a key character (use 0-9 and A-Z without U)`);
    values.push(v);
  }
  if (values.length !== USER_KEY_CHARS) {
    throw new UserKeyError(`invalid user key: expected ${USER_KEY_CHARS} characters (XXXX-XXXX-XXXX-XXXX-XXXX), got ${values.length}`);
  }
  const data = values.slice(0, USER_KEY_DATA_CHARS);
  if (checkValue(data) !== values[USER_KEY_DATA_CHARS]) {
    throw new UserKeyError('invalid user key: the check character does not match, a character is mistyped');
  }
  return group(values.map((v) => CROCKFORD_ALPHABET[v]).join(''));
}

/**
 * Key id: the first 32 bits of SHA-256 over a domain tag and the canonical key, hex. Enough to tell keys
 * apart in error messages; too short to confirm a guess (about 2^63 keys share each id).
 */
export function userKeyId(key: string): string {
  const canonical = parseUserKey(key);
  const digest = sha256(new TextEncoder().encode(`meterproof-user-key-id/1\0${canonical}`));
  return Array.from(digest.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The record of a given key (e.g. one typed by the household) and its generation. */
export function userKeyRecord(meterId: string, generation: number, key: string): UserKeyRecord {
  return { format: USER_KEY_RECORD_FORMAT, meterId, generation, keyId: userKeyId(key), key, createdAt: new Date().toISOString() };
}

/** A meter's first user key (generation 1), or a key of the given generation. */
export function generateUserKey(meterId: string, generation = 1): UserKeyRecord {
  if (!Number.isSafeInteger(generation) || generation < 1) throw new UserKeyError(`invalid key generation ${generation}`);
  return userKeyRecord(meterId, generation, randomUserKey());
}

/** Change of tenant: a new random key with the next generation. Envelopes sealed afterwards need it. */
export function rotateUserKey(current: UserKeyRecord): UserKeyRecord {
  return userKeyRecord(current.meterId, current.generation + 1, randomUserKey());
}

/** Checks a stored user-key record (e.g. read from a file); throws UserKeyError. */
export function parseUserKeyRecord(json: unknown): UserKeyRecord {
  const r = json as Partial<UserKeyRecord> | null;
  if (!r || typeof r !== 'object' || r.format !== USER_KEY_RECORD_FORMAT) throw new UserKeyError(`invalid user-key record: format is not "${USER_KEY_RECORD_FORMAT}"`);
  if (typeof r.meterId !== 'string' || r.meterId === '') throw new UserKeyError('invalid user-key record: no meterId');
  if (!Number.isSafeInteger(r.generation) || (r.generation as number) < 1) throw new UserKeyError('invalid user-key record: generation must be a whole number ≥ 1');
  if (typeof r.key !== 'string') throw new UserKeyError('invalid user-key record: no key');
  const key = parseUserKey(r.key);
  if (r.keyId !== userKeyId(key)) throw new UserKeyError('invalid user-key record: keyId does not match the key');
  return { format: USER_KEY_RECORD_FORMAT, meterId: r.meterId, generation: r.generation as number, keyId: r.keyId, key, createdAt: String(r.createdAt ?? '') };
}
