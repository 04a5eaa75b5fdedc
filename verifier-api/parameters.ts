/**
 * The published parameters of the result kinds — one registry for every document format a kind's
 * statements name (its service's `documents`, kinds/service.ts), plus the free-form scheme parameter sets
 * of /v1/scheme-parameters — and the challenges the API issues.
 *
 * A document is checked by its kind's own parser and identified by the digest of its schema-parsed form
 * (documentDigest: defaults filled in, key order irrelevant), like tariffs. Publications are immutable:
 * one document per (kind, id), with an optional validity range of whole UTC days. A format may be
 * exclusive (at most one document valid on any day), so a household cannot pick the schedule that suits it.
 */
import { isoDay } from '../core/time.js';
import { KINDS } from '../kinds/registry.js';
import type { ChallengeRecord, ParameterFormat } from '../kinds/service.js';
import { documentDigest } from '../tariff/index.js';
import type { Db, Queryable } from './db.js';
import { ApiError } from './errors.js';
import { isUniqueViolation } from './store.js';

export type { ChallengeRecord, ParameterFormat };

/** Every document format of every kind, in the registry's order. */
export const PARAMETER_FORMATS: readonly ParameterFormat[] = Object.values(KINDS).flatMap((k) => k.service.documents ?? []);

/** The kind of the free-form sets of PUT /v1/scheme-parameters/{id} (no format, no parser). */
export const LEGACY_SCHEME_KIND = 'scheme-parameters';

export function formatOfKind(kind: string): ParameterFormat {
  const f = PARAMETER_FORMATS.find((x) => x.kind === kind);
  if (!f) throw new Error(`no parameter format of kind ${kind}`);
  return f;
}

/** The format a document names in its `format` field, or a message listing the known ones. */
export function formatOfDocument(json: unknown): ParameterFormat | string {
  const name = json !== null && typeof json === 'object' ? (json as { format?: unknown }).format : undefined;
  const f = PARAMETER_FORMATS.find((x) => x.format === name && x.publishers.length > 0);
  return f ?? `the document's "format" must be one of ${PARAMETER_FORMATS.filter((x) => x.publishers.length > 0).map((x) => x.format).join(', ')}`;
}

export interface CheckedDocument {
  format: ParameterFormat;
  digest: string;
  docId: string;
  name: string | null;
}

/** Parses a document of a format (throws the parser's message) and computes its digest. */
export function checkDocument(format: ParameterFormat, json: unknown): CheckedDocument {
  format.parse(json);
  const parsed = format.schema.parse(json) as { id: string; name?: string };
  return { format, digest: documentDigest(format.normalize ? format.normalize(parsed) : parsed), docId: parsed.id, name: parsed.name ?? null };
}

// ------------------------------------------------------------------------------------------- storage

export interface ParameterRecord {
  digest: string;
  kind: string;
  docId: string;
  role: string;
  /** the publishing API key */
  publisher: string;
  /** the supplier a supplier-published document belongs to */
  subject: string | null;
  validFrom: number | null;
  validTo: number | null;
  createdAt: string;
}

const COLUMNS = 'p.digest, p.kind, p.doc_id, p.role, p.publisher, p.subject, p.valid_from, p.valid_to, p.created_at';
const num = (x: unknown) => (x == null ? null : Number(x));
const record = (r: any): ParameterRecord => ({
  digest: r.digest,
  kind: r.kind,
  docId: r.doc_id,
  role: r.role,
  publisher: r.publisher,
  subject: r.subject ?? null,
  validFrom: num(r.valid_from),
  validTo: num(r.valid_to),
  createdAt: r.created_at,
});
const now = () => new Date().toISOString();

/** "2025-01-01..2025-12-31", with "any day" for an open end. */
export function validityText(p: { validFrom: number | null; validTo: number | null }): string {
  return `${p.validFrom === null ? 'any day' : isoDay(p.validFrom)}..${p.validTo === null ? 'any day' : isoDay(p.validTo)}`;
}

/** Does the publication cover every day of [startDay, startDay + days)? */
export function validFor(p: { validFrom: number | null; validTo: number | null }, startDay: number, days: number): boolean {
  return (p.validFrom === null || p.validFrom <= startDay) && (p.validTo === null || p.validTo >= startDay + days - 1);
}

export class ParameterStore {
  constructor(readonly db: Db) {}

  /**
   * Publishes a document. Publishing the same document with the same validity again changes nothing
   * (`created` false); another document or validity under a published (kind, id) is 409 parameters_exist;
   * an exclusive kind refuses a validity that overlaps another document's (409 parameters_overlap).
   */
  async publish(p: Omit<ParameterRecord, 'createdAt'> & { body: unknown; exclusive: boolean }, conflictCode = 'parameters_exist'): Promise<{ created: boolean; record: ParameterRecord }> {
    const same = (r: ParameterRecord) => r.digest === p.digest && r.validFrom === p.validFrom && r.validTo === p.validTo;
    const existing = await this.byId(p.kind, p.docId);
    if (existing) {
      if (same(existing)) return { created: false, record: existing };
      throw new ApiError(409, conflictCode, `${p.kind} ${p.docId} is already published (digest ${existing.digest.slice(0, 16)}…, valid ${validityText(existing)}); published documents are immutable: publish a new id`);
    }
    const createdAt = now();
    try {
      await this.db.tx(async (q) => {
        if (p.exclusive) await this.assertNoOverlap(q, p);
        await q.run('INSERT INTO documents (digest, kind, doc_id, publisher, body, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING', [p.digest, p.kind, p.docId, p.publisher, JSON.stringify(p.body), createdAt]);
        await q.run('INSERT INTO parameters (digest, kind, doc_id, role, publisher, subject, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [p.digest, p.kind, p.docId, p.role, p.publisher, p.subject, p.validFrom, p.validTo, createdAt]);
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // a concurrent publication of the same id or document won the race: the same answer as above
      return this.publish(p, conflictCode);
    }
    const { body: _b, exclusive: _x, ...rest } = p;
    return { created: true, record: { ...rest, createdAt } };
  }

  private async assertNoOverlap(q: Queryable, p: Omit<ParameterRecord, 'createdAt'>): Promise<void> {
    // PostgreSQL: serialise publications of one exclusive kind, so two overlapping ones cannot both pass
    if (this.db.dialect === 'postgres') await q.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`parameters:${p.kind}`]);
    if (p.validFrom === null || p.validTo === null) throw new ApiError(400, 'invalid_request', `a ${p.kind} document needs a validity range ("from" and "to")`);
    const overlap = await q.get<any>(`SELECT ${COLUMNS} FROM parameters p WHERE p.kind = ? AND (p.valid_from IS NULL OR p.valid_from <= ?) AND (p.valid_to IS NULL OR p.valid_to >= ?) LIMIT 1`, [p.kind, p.validTo, p.validFrom]);
    if (overlap) {
      const o = record(overlap);
      throw new ApiError(409, 'parameters_overlap', `${o.kind} ${o.docId} is valid ${validityText(o)}; at most one ${p.kind} document may be valid on any day`);
    }
  }

  async get(digest: string): Promise<(ParameterRecord & { body: unknown }) | undefined> {
    const r = await this.db.get<any>(`SELECT ${COLUMNS}, d.body FROM parameters p JOIN documents d ON d.digest = p.digest WHERE p.digest = ?`, [digest]);
    return r && { ...record(r), body: JSON.parse(r.body) };
  }

  async byId(kind: string, docId: string): Promise<ParameterRecord | undefined> {
    const r = await this.db.get<any>(`SELECT ${COLUMNS} FROM parameters p WHERE p.kind = ? AND p.doc_id = ?`, [kind, docId]);
    return r && record(r);
  }

  /** Publications, by kind then id; `validFor` keeps those valid on every day of a period. */
  async list(f: { kind?: string; docId?: string; validFor?: { startDay: number; days: number } } = {}): Promise<ParameterRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.kind !== undefined) (where.push('p.kind = ?'), params.push(f.kind));
    if (f.docId !== undefined) (where.push('p.doc_id = ?'), params.push(f.docId));
    if (f.validFor) {
      where.push('(p.valid_from IS NULL OR p.valid_from <= ?) AND (p.valid_to IS NULL OR p.valid_to >= ?)');
      params.push(f.validFor.startDay, f.validFor.startDay + f.validFor.days - 1);
    }
    const rows = await this.db.all<any>(`SELECT ${COLUMNS} FROM parameters p ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY p.kind, p.doc_id`, params);
    return rows.map(record);
  }

  // ------------------------------------------------------------------------------------- challenges

  async issueChallenge(c: Omit<ChallengeRecord, 'createdAt'>): Promise<ChallengeRecord> {
    const createdAt = now();
    await this.db.run('INSERT INTO challenges (id, meter_id, start_day, days, issuer, issued_by, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [c.id, c.meterId, c.startDay, c.days, c.issuer, c.issuedBy, JSON.stringify(c.body), createdAt]);
    return { ...c, createdAt };
  }

  async getChallenge(id: string): Promise<ChallengeRecord | undefined> {
    const r = await this.db.get<any>('SELECT id, meter_id, start_day, days, issuer, issued_by, body, created_at FROM challenges WHERE id = ?', [id]);
    return r && challengeRecord(r);
  }

  /** Challenges of a meter (or of a supplier's meters), newest period first. */
  async listChallenges(f: { meterId?: string; supplierId?: string }): Promise<ChallengeRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.meterId !== undefined) (where.push('c.meter_id = ?'), params.push(f.meterId));
    if (f.supplierId !== undefined) (where.push('m.supplier_id = ?'), params.push(f.supplierId));
    const rows = await this.db.all<any>(
      `SELECT c.id, c.meter_id, c.start_day, c.days, c.issuer, c.issued_by, c.body, c.created_at FROM challenges c JOIN meters m ON m.id = c.meter_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY c.start_day DESC, c.id LIMIT 1000`,
      params,
    );
    return rows.map(challengeRecord);
  }
}

function challengeRecord(r: any): ChallengeRecord {
  return { id: r.id, meterId: r.meter_id, startDay: Number(r.start_day), days: Number(r.days), issuer: r.issuer, issuedBy: r.issued_by, body: JSON.parse(r.body), createdAt: r.created_at };
}
