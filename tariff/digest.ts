/** A tariff's identity: sha256 of a canonical JSON encoding, so equal tariffs hash equally however written. */
// @noble/hashes rather than node:crypto: the household web page computes digests too.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Tariff } from './model.js';

/**
 * JSON with object keys sorted (by UTF-16 code units) at every level and no whitespace. Tariffs hold only
 * strings, integers, arrays and objects, for which JSON.stringify is already deterministic.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Hex sha256 of the canonical JSON of a parsed tariff. Parsing first fills in defaults, so a file that omits
 * `"timeZone": "Europe/London"` and one that spells it out get the same digest.
 */
export function tariffDigest(tariff: Tariff): string {
  return documentDigest(tariff);
}

/**
 * Hex sha256 of the canonical JSON of any published document (tariff set, events, scheme, …). Pass the
 * document as its schema parsed it (defaults filled in), so equal documents hash equally however written.
 */
export function documentDigest(doc: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(doc))));
}
