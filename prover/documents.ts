/**
 * Published documents in result files: embedded whole, or referred to by digest (the compact form).
 *
 * A result's statement names the documents it was proven for (tariff, value-of-energy vector, events,
 * scheme, …). Embedded, a 31-day bill under a year-long Agile tariff is 544 KB, 525 KB of it the tariff;
 * compact, each published document is `{ "digest": "<sha256 hex>" }` and the file is ~3 KB. A document
 * travels once, when it is published (the verifier API serves it at GET /v1/documents/{digest}); a reader
 * of a compact file resolves each reference from documents it has (a folder, a pinned snapshot, the API)
 * and every resolved document is checked against its digest, so a resolver is never trusted.
 *
 * The digest is the registries' own: sha256 of the canonical JSON of the document as its format's schema
 * parses it (defaults filled in), the tariff's digest for tariffs and value-of-energy vectors. Documents
 * issued for one result only (a verifier's challenge, which no registry publishes by digest) stay embedded.
 */
import { KINDS, kindNamed } from '../kinds/registry.js';
import type { ParameterFormat } from '../kinds/service.js';
import { documentDigest, parseTariff, TARIFF_FORMAT, tariffDigest } from '../tariff/index.js';
import type { ResultJson } from './result.js';

/** A statement field that refers to a published document instead of embedding it. */
export interface DocumentRef {
  digest: string;
}

const DIGEST = /^[0-9a-f]{64}$/;

export function isDocumentRef(x: unknown): x is DocumentRef {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 1 && typeof (x as DocumentRef).digest === 'string';
}

/** The parameter formats of every kind, by their `format` field. */
const FORMATS = new Map<string, ParameterFormat>(Object.values(KINDS).flatMap((k) => (k.service.documents ?? []).map((f) => [f.format, f] as const)));

/** Formats a registry publishes by digest (a challenge is issued to one household for one result). */
const referable = (format: string) => format === TARIFF_FORMAT || (FORMATS.get(format)?.publishers.length ?? 0) > 0 || FORMATS.get(format)?.assigned === true;

/**
 * The digest of a published document, as the registries compute it: its format's parser checks it, the
 * digest is of the schema-parsed (normalised) form. Throws a plain Error naming what is wrong.
 */
export function documentDigestOf(json: unknown): string {
  const format = json !== null && typeof json === 'object' ? (json as { format?: unknown }).format : undefined;
  if (format === TARIFF_FORMAT) return tariffDigest(parseTariff(json));
  const f = typeof format === 'string' ? FORMATS.get(format) : undefined;
  if (!f) throw new Error(`not a published document: its "format" is ${JSON.stringify(format)} (known: ${[TARIFF_FORMAT, ...FORMATS.keys()].join(', ')})`);
  f.parse(json);
  const parsed = f.schema.parse(json);
  return documentDigest(f.normalize ? f.normalize(parsed) : parsed);
}

/** The registries' name of a published document's kind: "tariff", "value-of-energy", "dr-events", … */
export function publishedKindOf(json: unknown): string {
  const format = (json as { format?: unknown }).format;
  if (format === TARIFF_FORMAT) return parseTariff(json).kind;
  const f = typeof format === 'string' ? FORMATS.get(format) : undefined;
  if (!f) throw new Error(`not a published document: its "format" is ${JSON.stringify(format)}`);
  return f.kind;
}

/** The statement fields of a kind that hold documents (the CLI's document flags). */
export const documentFields = (kind: string): string[] => kindNamed(kind).flags.filter((f) => f.type === 'document').map((f) => f.field);

/** Does the result refer to any document by digest? */
export const hasDocumentRefs = (r: { kind: string; statement: Record<string, unknown> }): boolean =>
  Object.hasOwn(KINDS, r.kind) && documentFields(r.kind).some((f) => isDocumentRef(r.statement[f]));

/**
 * The compact form of a result: each published document replaced by its reference. Returns the documents
 * by digest too (what a reader needs beside the file). A reference stays a reference.
 */
export function compactResult<R extends Pick<ResultJson, 'kind' | 'statement'>>(r: R, o: { keep?: (digest: string) => boolean; digestOf?: (doc: unknown) => string } = {}): { result: R; documents: Map<string, unknown> } {
  const statement: Record<string, unknown> = { ...r.statement };
  const documents = new Map<string, unknown>();
  for (const field of documentFields(r.kind)) {
    const doc = statement[field];
    if (doc == null || isDocumentRef(doc)) continue;
    const format = (doc as { format?: unknown }).format;
    if (typeof format !== 'string' || !referable(format)) continue;
    let digest: string;
    try {
      digest = (o.digestOf ?? documentDigestOf)(doc);
    } catch (e) {
      throw new Error(`statement.${field}: ${(e as Error).message}`);
    }
    if (o.keep && !o.keep(digest)) continue;
    documents.set(digest, doc);
    statement[field] = { digest } satisfies DocumentRef;
  }
  return { result: { ...r, statement } as R, documents };
}

/** Digests of documents already checked, by object: a resolver that caches its answers is checked once. */
const checked = new WeakMap<object, string>();
function checkedDigest(doc: unknown): string {
  const known = doc !== null && typeof doc === 'object' ? checked.get(doc) : undefined;
  if (known) return known;
  const digest = documentDigestOf(doc);
  if (doc !== null && typeof doc === 'object') checked.set(doc, digest);
  return digest;
}

/** Finds a published document by digest (undefined: not known here). Its answer is checked, never trusted. */
export type DocumentResolver = (digest: string) => unknown | Promise<unknown>;

export class DocumentUnresolved extends Error {
  constructor(
    readonly code: 'document_unknown' | 'document_mismatch',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The embedded form of a result: every reference replaced by the document the resolvers find for it
 * (first that knows it), checked against the digest. A result without references is returned as it is.
 */
export async function expandResult<R extends { kind: string; statement: Record<string, unknown> }>(r: R, ...resolvers: (DocumentResolver | undefined)[]): Promise<R> {
  if (!hasDocumentRefs(r)) return r;
  const statement: Record<string, unknown> = { ...r.statement };
  for (const field of documentFields(r.kind)) {
    const ref = statement[field];
    if (!isDocumentRef(ref)) continue;
    if (!DIGEST.test(ref.digest)) throw new DocumentUnresolved('document_unknown', `statement.${field}.digest must be 64 lower-case hex digits`);
    let doc: unknown;
    for (const resolve of resolvers) if (resolve && (doc = await resolve(ref.digest)) !== undefined) break;
    if (doc === undefined) throw new DocumentUnresolved('document_unknown', `statement.${field} refers to document ${ref.digest}, which is not among the documents at hand (fetch it: GET /v1/documents/${ref.digest})`);
    let actual: string;
    try {
      actual = checkedDigest(doc);
    } catch (e) {
      throw new DocumentUnresolved('document_mismatch', `the document found for statement.${field} (${ref.digest.slice(0, 16)}…) is not valid: ${(e as Error).message}`);
    }
    if (actual !== ref.digest) throw new DocumentUnresolved('document_mismatch', `the document found for statement.${field} has digest ${actual.slice(0, 16)}…, not ${ref.digest.slice(0, 16)}…`);
    statement[field] = doc;
  }
  return { ...r, statement };
}

/**
 * Documents in a folder (its *.json files, as GET /v1/documents/{digest} or `meterproof tariff import`
 * write them), by digest. Files that are not published documents are skipped.
 */
export function folderDocuments(dir: string): Map<string, unknown> {
  // Node only, looked up when called: the verification library that imports this module also runs in browsers
  const { readdirSync, readFileSync, statSync } = process.getBuiltinModule('node:fs') as typeof import('node:fs');
  const { join } = process.getBuiltinModule('node:path') as typeof import('node:path');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch (e) {
    throw new Error(`cannot read the documents folder ${dir}: ${(e as Error).message}`);
  }
  const out = new Map<string, unknown>();
  for (const name of names) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    let json: any;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      continue;
    }
    // the API's answer wraps the document: { digest, kind, id, document }
    const doc = json && typeof json === 'object' && 'document' in json && 'digest' in json ? json.document : json;
    try {
      out.set(documentDigestOf(doc), doc);
    } catch {
      // not a published document (a bundle, a result, …)
    }
  }
  return out;
}
