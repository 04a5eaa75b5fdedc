/**
 * Certified results as the API stores them, and the result files it rebuilds from them.
 *
 * A submitted file carries every public signal and may embed every document (a 31-day bill under a
 * year-long tariff: 544 KB). None of that is worth keeping per result: the documents are in the
 * `documents` table once, by digest, and every public signal after the outputs is a function of the
 * statement (meter, period, documents). So a result row keeps only
 *
 *   proof           the affine coordinates of A, B, C (z = 1 is checked at submission), base64url
 *   statement       the meter's public key and the kind's statement fields, each published document as
 *                   `{ "digest": … }` (prover/documents.ts); a document no registry publishes (a verifier's
 *                   challenge) stays embedded
 *   output_signals  the leading public signals (the outputs as field elements, signed: -5, not p - 5)
 *
 * and GET /v1/results/{id} and the evidence export rebuild the compact result file — the same proof and
 * public signals as submitted, the documents by digest — which `meterproof verify --documents` checks
 * offline with the documents fetched from GET /v1/documents/{digest} (or with `?documents=embed`, whole).
 */
import type { CircuitConfig } from '../circuits/config.js';
import type { CertifiedPeriod } from '../circuits/lib/certified_inputs.js';
import { SNARK_FIELD, toField } from '../core/field.js';
import { isoDay } from '../core/time.js';
import { getCircuit, kindNamed } from '../kinds/registry.js';
import type { Groth16Proof } from '../prover/backend.js';
import { compactResult, documentDigestOf, expandResult, publishedKindOf, type DocumentResolver } from '../prover/documents.js';
import { contextOf, parseResult, RESULT_FORMAT, type ResultJson } from '../prover/result.js';
import { canonicalJson } from '../tariff/index.js';
import type { Queryable } from './db.js';

/** The columns a certified result keeps beyond its registry columns (store.ts). */
export interface StoredParts {
  proof: string;
  statement: string;
  outputSignals: string;
}

/**
 * A's, B's and C's affine coordinates (the file's z coordinates are 1, checked before any pairing), each
 * 32 bytes big-endian in base64url: 8 × 43 characters instead of 8 × ~77 decimal digits.
 */
export function packProof(p: Groth16Proof): string {
  return [p.pi_a[0], p.pi_a[1], p.pi_b[0][0], p.pi_b[0][1], p.pi_b[1][0], p.pi_b[1][1], p.pi_c[0], p.pi_c[1]].map((x) => Buffer.from(BigInt(x).toString(16).padStart(64, '0'), 'hex').toString('base64url')).join('.');
}

export function unpackProof(text: string): Groth16Proof {
  const [a0, a1, b00, b01, b10, b11, c0, c1] = text.split('.').map((x) => BigInt(`0x${Buffer.from(x, 'base64url').toString('hex')}`).toString());
  return { pi_a: [a0, a1, '1'], pi_b: [[b00, b01], [b10, b11], ['1', '0']], pi_c: [c0, c1, '1'], protocol: 'groth16', curve: 'bn128' };
}

const signed = (s: string) => {
  const x = BigInt(s);
  return (x > SNARK_FIELD / 2n ? x - SNARK_FIELD : x).toString();
};

/**
 * The stored parts of a result whose documents are published under the digests `published` accepts.
 * `digestOf` computes a carried document's digest (the certifier's cached one).
 */
export function storedParts(result: ResultJson, outputCount: number, o: { published: (digest: string) => boolean; digestOf?: (doc: unknown) => string }): StoredParts {
  const { result: compact } = compactResult(result, { keep: o.published, digestOf: o.digestOf });
  const { meterId: _m, period: _p, ...statement } = compact.statement;
  return { proof: packProof(result.proof), statement: JSON.stringify(statement), outputSignals: JSON.stringify(result.publicSignals.slice(0, outputCount).map(signed)) };
}

/** A stored result's registry columns (store.ts ResultRow) with its stored parts. */
export interface StoredResultRow extends StoredParts {
  kind: string;
  circuit: string;
  meterId: string;
  startDay: number;
  days: number;
  outputs: Record<string, string | string[]>;
  createdAt: string;
}

/**
 * Rebuilds result files from stored rows: the statement from the documents by digest, every public signal
 * after the stored outputs from it (statements of one circuit, documents and period are built once).
 */
export class ResultFiles {
  private readonly statements = new Map<string, CertifiedPeriod>();

  constructor(
    private readonly circuitNamed: (id: string) => CircuitConfig | undefined,
    private readonly documents: DocumentResolver,
  ) {}

  /** The result file of a stored row: documents by digest, or embedded when `embed`. */
  async file(row: StoredResultRow, o: { embed?: boolean } = {}): Promise<ResultJson> {
    const kind = kindNamed(row.kind);
    const { meterPublicKey, ...fields } = JSON.parse(row.statement) as { meterPublicKey: [string, string] } & Record<string, unknown>;
    const compact: ResultJson = {
      format: RESULT_FORMAT,
      kind: row.kind,
      circuit: row.circuit,
      statement: { meterId: row.meterId, meterPublicKey, period: { start: isoDay(row.startDay), days: row.days }, ...fields },
      outputs: row.outputs,
      units: kind.units,
      proof: unpackProof(row.proof),
      publicSignals: [],
      createdAt: row.createdAt,
    };
    const embedded = await expandResult(compact, this.documents);
    const head = (JSON.parse(row.outputSignals) as string[]).map((s) => toField(BigInt(s)));
    const circuit = this.circuitNamed(row.circuit);
    if (!circuit) {
      // a circuit this server no longer knows: what was stored (all signals, see migration 6) is all there is
      compact.publicSignals = head.map(String);
      return o.embed ? { ...embedded, publicSignals: compact.publicSignals } : compact;
    }
    const count = kind.signalCount(circuit);
    if (head.length === count) compact.publicSignals = head.map(String);
    else {
      const period = { meterId: row.meterId, publicKey: [BigInt(meterPublicKey[0]), BigInt(meterPublicKey[1])] as [bigint, bigint], startDay: row.startDay, days: row.days };
      const context = contextOf(fields.request as string | undefined);
      const key = `${circuit.id}|${row.startDay}|${row.days}|${canonicalJson(fields)}`;
      let shared = this.statements.get(key);
      if (!shared) {
        shared = kind.statement(period, kind.fields.parse(stripPeriod(embedded.statement)), circuit) as CertifiedPeriod;
        if (this.statements.size > 1000) this.statements.clear();
        this.statements.set(key, shared);
      }
      const statement = { ...shared, meterId: period.meterId, publicKey: period.publicKey, context };
      const padded = [...head, ...Array(count - head.length).fill(0n)];
      const all = kind.publicSignals(statement, kind.decode(padded, statement, circuit), circuit);
      compact.publicSignals = [...head, ...all.slice(head.length)].map(String);
    }
    return o.embed ? { ...embedded, publicSignals: compact.publicSignals } : compact;
  }
}

const stripPeriod = (s: Record<string, unknown>): Record<string, unknown> => {
  const { meterId: _m, meterPublicKey: _k, period: _p, request: _r, ...fields } = s;
  return fields;
};

/**
 * Migration 6: every stored body becomes its compact parts. A document a body embeds that the registry
 * does not hold is published from it first (publisher "migration 6: result <id>"), so nothing a stored
 * result was certified against is lost; a body that cannot be read stops the migration (rolled back).
 */
export async function compactStoredBodies(q: Queryable): Promise<void> {
  const digests = new Map<string, string>();
  const digestOf = (id: string) => (doc: unknown) => {
    const text = JSON.stringify(doc);
    let digest = digests.get(text);
    if (digest) return digest;
    digest = documentDigestOf(doc);
    digests.set(text, digest);
    const d = doc as { id?: unknown };
    // ON CONFLICT: the registry's copy (same digest) stays as published
    pending.push([digest, publishedKindOf(doc), typeof d.id === 'string' ? d.id : digest.slice(0, 16), `migration 6: result ${id}`, text, new Date().toISOString()]);
    return digest;
  };
  let pending: unknown[][] = [];
  let after = '';
  for (;;) {
    const rows = await q.all<{ id: string; circuit: string; body: string }>('SELECT id, circuit, body FROM results WHERE id > ? ORDER BY id LIMIT 200', [after]);
    if (rows.length === 0) break;
    for (const r of rows) {
      let result: ResultJson;
      try {
        result = parseResult(JSON.parse(r.body));
      } catch (e) {
        throw new Error(`migration 6: the body of result ${r.id} is not a result file: ${(e as Error).message}`);
      }
      let count = result.publicSignals.length;
      try {
        count = kindNamed(result.kind).outputCount(getCircuit(r.circuit));
      } catch {
        // a circuit this version does not know: keep every public signal
      }
      pending = [];
      const parts = storedParts(result, count, { published: () => true, digestOf: digestOf(r.id) });
      for (const doc of pending) await q.run('INSERT INTO documents (digest, kind, doc_id, publisher, body, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING', doc);
      await q.run('UPDATE results SET proof = ?, statement = ?, output_signals = ? WHERE id = ?', [parts.proof, parts.statement, parts.outputSignals, r.id]);
    }
    after = rows[rows.length - 1].id;
  }
}

/** What one stored result costs, measured on the database: the row's values, and on PostgreSQL the heap tuple. */
export interface RowSize {
  id: string;
  kind: string;
  circuit: string;
  /** the bytes of every value in the row (text as stored, integers as 8 bytes) */
  bytes: number;
  /** PostgreSQL: the row as stored in the heap (pg_column_size of the tuple, header included); SQLite: null */
  heapBytes: number | null;
}

const TEXT_COLUMNS = ['id', 'kind', 'circuit', 'meter_id', 'supplier_id', 'substation_id', 'statement_key', 'outputs', 'bindings', 'proof_digest', 'proof', 'statement', 'output_signals', 'created_at'];

export async function resultRowSizes(db: Queryable & { dialect: 'sqlite' | 'postgres' }): Promise<RowSize[]> {
  const length = db.dialect === 'postgres' ? 'octet_length' : 'length'; // SQLite: the values are ASCII
  const bytes = TEXT_COLUMNS.map((c) => `COALESCE(${length}(${c}), 0)`).join(' + ') + ' + 16';
  const heap = db.dialect === 'postgres' ? 'pg_column_size(results.*)' : 'NULL';
  const rows = await db.all<any>(`SELECT id, kind, circuit, ${bytes} AS bytes, ${heap} AS heap FROM results ORDER BY kind, id`);
  return rows.map((r) => ({ id: r.id, kind: r.kind, circuit: r.circuit, bytes: Number(r.bytes), heapBytes: r.heap == null ? null : Number(r.heap) }));
}
