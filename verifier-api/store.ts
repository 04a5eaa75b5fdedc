/**
 * The registries and the certified results, over either database (db.ts). Every method is one statement
 * or one transaction, so a crash never leaves half of an operation behind.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isoDay } from '../core/time.js';
import { loadCircuits } from '../kinds/registry.js';
import { ROLES, type Claim, type Principal, type Role, type StoredResult } from '../kinds/service.js';
import type { Db, Queryable } from './db.js';
import { ApiError } from './errors.js';
import type { StoredParts } from './results.js';

/** The roles of API keys (kinds/service.ts: the kinds name them as the readers and publishers of theirs). */
export { ROLES, type Claim, type Role };

export type ApiKeyRecord = Principal;

export interface MeterRecord {
  id: string;
  supplierId: string;
  substationId: string | null;
  createdAt: string;
}

/** A meter's supplier on days validFrom .. validTo (inclusive; null: open, since registration / until a switch). */
export interface SupplyRecord {
  supplierId: string;
  validFrom: number | null;
  validTo: number | null;
}

export interface MeterKeyRecord {
  id: string;
  meterId: string;
  publicKey: [string, string];
  validFrom: number;
  validTo: number | null;
  revokedAt: string | null;
}

export interface DocumentRecord {
  digest: string;
  kind: string;
  docId: string;
  body: unknown;
}

export interface ResultRow extends StoredResult {
  /** one certified result per key (certify.ts: meter, circuit, period and what the kind's binding adds) */
  statementKey: string;
  proofDigest: string;
}

/** A result to store: its registry columns and its compact parts (results.ts), never the submitted body. */
export type NewResult = Omit<ResultRow, 'id' | 'createdAt'> & StoredParts & { claim?: Claim };

/** The longest period any circuit certifies (the quarter): bounds the search for results covering a window. */
const LONGEST_PERIOD = Math.max(...loadCircuits().map((c) => c.params.maxDays));

const now = () => new Date().toISOString();
const num = (x: unknown) => (x == null ? null : Number(x));

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function resultRow(r: any): ResultRow {
  return {
    id: r.id,
    kind: r.kind,
    circuit: r.circuit,
    meterId: r.meter_id,
    startDay: Number(r.start_day),
    days: Number(r.days),
    supplierId: r.supplier_id,
    substationId: r.substation_id ?? null,
    statementKey: r.statement_key,
    outputs: JSON.parse(r.outputs),
    bindings: JSON.parse(r.bindings),
    proofDigest: r.proof_digest,
    createdAt: r.created_at,
  };
}

const RESULT_COLUMNS = 'id, kind, circuit, meter_id, start_day, days, supplier_id, substation_id, statement_key, outputs, bindings, proof_digest, created_at';

/** Is a UNIQUE / PRIMARY KEY violation (either database)? */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class Store {
  constructor(readonly db: Db) {}

  // ------------------------------------------------------------------------------------------- keys

  /** Creates an API key and returns it in clear, the only time it exists outside its hash. */
  async createApiKey(role: Role, name: string, subject: string | null = null): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!ROLES.includes(role)) throw new Error(`unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    const id = `key_${randomBytes(6).toString('hex')}`;
    const key = `mpk_${role}_${randomBytes(24).toString('base64url')}`;
    await this.db.run('INSERT INTO api_keys (id, name, role, subject, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)', [id, name, role, subject, hashApiKey(key), now()]);
    return { key, record: { id, name, role, subject } };
  }

  async findApiKey(key: string): Promise<ApiKeyRecord | undefined> {
    const r = await this.db.get<any>('SELECT id, name, role, subject FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL', [hashApiKey(key)]);
    return r && { id: r.id, name: r.name, role: r.role, subject: r.subject ?? null };
  }

  // ------------------------------------------------------------------------------- parties, meters

  async upsertParty(table: 'suppliers' | 'substations', id: string, name: string): Promise<boolean> {
    const changed = await this.db.run(`INSERT INTO ${table} (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`, [id, name, now()]);
    if (changed === 0) await this.db.run(`UPDATE ${table} SET name = ? WHERE id = ?`, [name, id]);
    return changed > 0;
  }

  async listParties(table: 'suppliers' | 'substations'): Promise<{ id: string; name: string }[]> {
    return this.db.all(`SELECT id, name FROM ${table} ORDER BY id`);
  }

  async partyExists(table: 'suppliers' | 'substations', id: string): Promise<boolean> {
    return (await this.db.get(`SELECT id FROM ${table} WHERE id = ?`, [id])) !== undefined;
  }

  /** Registers a meter with its first public key; false if the meter id is taken. */
  async registerMeter(m: { id: string; supplierId: string; substationId: string | null; publicKey: [string, string]; validFrom: number }): Promise<boolean> {
    try {
      await this.db.tx(async (q) => {
        await q.run('INSERT INTO meters (id, supplier_id, substation_id, created_at) VALUES (?, ?, ?, ?)', [m.id, m.supplierId, m.substationId, now()]);
        await q.run('INSERT INTO meter_suppliers (meter_id, supplier_id, valid_from, valid_to, created_at) VALUES (?, ?, NULL, NULL, ?)', [m.id, m.supplierId, now()]);
        await insertKey(q, m.id, m.publicKey, m.validFrom);
      });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  /**
   * A meter's record; its supplierId is the latest in its supplier history (the supplier it has been
   * switched to, possibly from a future day): supplierOn and suppliersIn answer for given days.
   */
  async getMeter(id: string): Promise<MeterRecord | undefined> {
    const r = await this.db.get<any>('SELECT id, supplier_id, substation_id, created_at FROM meters WHERE id = ?', [id]);
    return r && { id: r.id, supplierId: r.supplier_id, substationId: r.substation_id ?? null, createdAt: r.created_at };
  }

  async setSubstation(id: string, substationId: string | null): Promise<void> {
    await this.db.run('UPDATE meters SET substation_id = ? WHERE id = ?', [substationId, id]);
  }

  /** The meter's suppliers in date order. */
  async supplierHistory(meterId: string): Promise<SupplyRecord[]> {
    const rows = await this.db.all<any>('SELECT supplier_id, valid_from, valid_to FROM meter_suppliers WHERE meter_id = ? ORDER BY COALESCE(valid_from, -1)', [meterId]);
    return rows.map(supplyRecord);
  }

  /** Who supplied the meter on some day of [fromDay, toDay], in date order (one record unless a switch falls in it). */
  async suppliersIn(meterId: string, fromDay: number, toDay: number): Promise<SupplyRecord[]> {
    const rows = await this.db.all<any>(
      'SELECT supplier_id, valid_from, valid_to FROM meter_suppliers WHERE meter_id = ? AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR valid_to >= ?) ORDER BY COALESCE(valid_from, -1)',
      [meterId, toDay, fromDay],
    );
    return rows.map(supplyRecord);
  }

  /**
   * A supplier switch: from `fromDay` the meter is supplied by `supplierId`. In one transaction the current
   * supply ends the day before, the new one starts, and the previous supplier's tariff assignments end the
   * day before too (those starting on or after it are removed: they would never apply). Refused (409
   * switch_conflict) when the supplier already supplies the meter, when the switch is not after the start
   * of the current supply, or when a certified result covers a day from `fromDay` on (certified days keep
   * their supplier).
   */
  async switchSupplier(meterId: string, supplierId: string, fromDay: number): Promise<{ previousSupplierId: string; assignmentsEnded: number; assignmentsRemoved: number }> {
    const conflict = (message: string) => new ApiError(409, 'switch_conflict', message);
    return this.db.tx(async (q) => {
      const open = await q.get<any>('SELECT supplier_id, valid_from FROM meter_suppliers WHERE meter_id = ? AND valid_to IS NULL', [meterId]);
      if (!open) throw new Error(`meter ${meterId} has no current supplier`);
      const since = open.valid_from === null ? null : Number(open.valid_from);
      if (open.supplier_id === supplierId) throw conflict(`supplier ${supplierId} already supplies meter ${meterId}${since === null ? '' : ` (since ${isoDay(since)})`}`);
      if (since !== null && since >= fromDay) throw conflict(`meter ${meterId} is supplied by ${open.supplier_id} from ${isoDay(since)}: a switch must take effect after the latest one`);
      const certified = await q.get<any>('SELECT id, start_day, days FROM results WHERE meter_id = ? AND start_day + days > ? ORDER BY start_day LIMIT 1', [meterId, fromDay]);
      if (certified) {
        throw conflict(`result ${certified.id} certifies meter ${meterId} for ${isoDay(Number(certified.start_day))} + ${certified.days} day(s) under ${open.supplier_id}: a switch cannot move certified days to another supplier`);
      }
      // the WHERE re-checks the open row, so of two concurrent switches one closes it and the other fails
      const closed = await q.run('UPDATE meter_suppliers SET valid_to = ? WHERE meter_id = ? AND supplier_id = ? AND valid_to IS NULL', [fromDay - 1, meterId, open.supplier_id]);
      if (closed !== 1) throw conflict(`meter ${meterId} was switched by another request at the same time; read it and retry`);
      await q.run('INSERT INTO meter_suppliers (meter_id, supplier_id, valid_from, valid_to, created_at) VALUES (?, ?, ?, NULL, ?)', [meterId, supplierId, fromDay, now()]);
      await q.run('UPDATE meters SET supplier_id = ? WHERE id = ?', [supplierId, meterId]);
      const assignmentsRemoved = await q.run('DELETE FROM tariff_assignments WHERE meter_id = ? AND valid_from >= ?', [meterId, fromDay]);
      const assignmentsEnded = await q.run('UPDATE tariff_assignments SET valid_to = ? WHERE meter_id = ? AND valid_to >= ?', [fromDay - 1, meterId, fromDay]);
      return { previousSupplierId: open.supplier_id as string, assignmentsEnded, assignmentsRemoved };
    });
  }

  /** Meters the supplier supplies on some day (past, present or from a switch to come), or every meter. */
  async listMeters(filter: { supplierId?: string; substationId?: string }): Promise<MeterRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.supplierId) (where.push('id IN (SELECT meter_id FROM meter_suppliers WHERE supplier_id = ?)'), params.push(filter.supplierId));
    if (filter.substationId) (where.push('substation_id = ?'), params.push(filter.substationId));
    const rows = await this.db.all<any>(`SELECT id, supplier_id, substation_id, created_at FROM meters ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`, params);
    return rows.map((r) => ({ id: r.id, supplierId: r.supplier_id, substationId: r.substation_id ?? null, createdAt: r.created_at }));
  }

  async meterKeys(meterId: string): Promise<MeterKeyRecord[]> {
    const rows = await this.db.all<any>('SELECT id, meter_id, key_x, key_y, valid_from, valid_to, revoked_at FROM meter_keys WHERE meter_id = ? ORDER BY valid_from, created_at', [meterId]);
    return rows.map((r) => ({ id: r.id, meterId: r.meter_id, publicKey: [r.key_x, r.key_y], validFrom: Number(r.valid_from), validTo: num(r.valid_to), revokedAt: r.revoked_at ?? null }));
  }

  /**
   * Rotation: the meter's open-ended active key ends the day before `fromDay`, the new key starts on it.
   * Returns the new key's id.
   */
  async rotateMeterKey(meterId: string, publicKey: [string, string], fromDay: number): Promise<string> {
    return this.db.tx(async (q) => {
      const open = await q.all<any>('SELECT id, valid_from FROM meter_keys WHERE meter_id = ? AND revoked_at IS NULL AND (valid_to IS NULL OR valid_to >= ?)', [meterId, fromDay]);
      for (const k of open) {
        if (Number(k.valid_from) >= fromDay) throw new ApiError(409, 'key_rotation_conflict', `key ${k.id} of meter ${meterId} starts on or after the rotation day`);
        await q.run('UPDATE meter_keys SET valid_to = ? WHERE id = ?', [fromDay - 1, k.id]);
      }
      return insertKey(q, meterId, publicKey, fromDay);
    });
  }

  /** Revocation: the key is no longer accepted for any period (a compromised key certifies nothing). */
  async revokeMeterKey(meterId: string, keyId: string): Promise<boolean> {
    return (await this.db.run('UPDATE meter_keys SET revoked_at = ? WHERE id = ? AND meter_id = ? AND revoked_at IS NULL', [now(), keyId, meterId])) > 0;
  }

  // ------------------------------------------------------------------------------------- documents

  async putDocument(d: { digest: string; kind: string; docId: string; publisher: string; body: unknown }, q: Queryable = this.db): Promise<void> {
    await q.run('INSERT INTO documents (digest, kind, doc_id, publisher, body, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING', [d.digest, d.kind, d.docId, d.publisher, JSON.stringify(d.body), now()]);
  }

  async getDocument(digest: string): Promise<DocumentRecord | undefined> {
    const r = await this.db.get<any>('SELECT digest, kind, doc_id, body FROM documents WHERE digest = ?', [digest]);
    return r && { digest: r.digest, kind: r.kind, docId: r.doc_id, body: JSON.parse(r.body) };
  }

  /**
   * Publishes a tariff for meters over [from, to]. `kind` is the document kind ("tariff" for bills, or a
   * kind's assigned document format): a day of a meter may have one tariff of each kind.
   */
  async assignTariff(a: { supplierId: string; digest: string; kind: string; docId: string; body: unknown; meterIds: string[]; fromDay: number; toDay: number }): Promise<string[]> {
    return this.db.tx(async (q) => {
      await this.putDocument({ digest: a.digest, kind: a.kind, docId: a.docId, publisher: a.supplierId, body: a.body }, q);
      const ids: string[] = [];
      for (const meterId of a.meterIds) {
        const overlap = await q.get<any>('SELECT id, digest FROM tariff_assignments WHERE meter_id = ? AND kind = ? AND valid_from <= ? AND valid_to >= ?', [meterId, a.kind, a.toDay, a.fromDay]);
        if (overlap) {
          if (overlap.digest === a.digest) continue; // republishing the same assignment is harmless
          throw new ApiError(409, 'tariff_overlap', `meter ${meterId} already has ${a.kind} ${overlap.digest.slice(0, 12)}… for part of this range`);
        }
        const id = `ta_${randomUUID()}`;
        await q.run('INSERT INTO tariff_assignments (id, meter_id, supplier_id, digest, kind, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [id, meterId, a.supplierId, a.digest, a.kind, a.fromDay, a.toDay, now()]);
        ids.push(id);
      }
      return ids;
    });
  }

  /** The tariff of a kind assigned to a meter for every day of [startDay, startDay + days), if one covers it all. */
  async tariffFor(meterId: string, startDay: number, days: number, kind = 'tariff'): Promise<{ digest: string; supplierId: string } | undefined> {
    const r = await this.db.get<any>('SELECT digest, supplier_id FROM tariff_assignments WHERE meter_id = ? AND kind = ? AND valid_from <= ? AND valid_to >= ?', [meterId, kind, startDay, startDay + days - 1]);
    return r && { digest: r.digest, supplierId: r.supplier_id };
  }

  async publishValueVector(v: { digest: string; docId: string; publisher: string; body: unknown; fromDay: number; toDay: number }): Promise<string> {
    return this.db.tx(async (q) => {
      await this.putDocument({ digest: v.digest, kind: 'value-of-energy', docId: v.docId, publisher: v.publisher, body: v.body }, q);
      const overlap = await q.get<any>('SELECT id, digest FROM value_vectors WHERE valid_from <= ? AND valid_to >= ?', [v.toDay, v.fromDay]);
      if (overlap) {
        if (overlap.digest === v.digest) return overlap.id as string;
        throw new ApiError(409, 'value_vector_overlap', `value-of-energy vector ${overlap.digest.slice(0, 12)}… already covers part of this range`);
      }
      const id = `vv_${randomUUID()}`;
      await q.run('INSERT INTO value_vectors (id, digest, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?)', [id, v.digest, v.fromDay, v.toDay, now()]);
      return id;
    });
  }

  async valueVectorFor(startDay: number, days: number): Promise<string | undefined> {
    const r = await this.db.get<any>('SELECT digest FROM value_vectors WHERE valid_from <= ? AND valid_to >= ?', [startDay, startDay + days - 1]);
    return r?.digest;
  }

  async putFeederMeasurement(m: { substationId: string; startDay: number; days: number; consumptionWh: string }): Promise<void> {
    const changed = await this.db.run('INSERT INTO feeder_measurements (substation_id, start_day, days, consumption_wh, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (substation_id, start_day, days) DO NOTHING', [m.substationId, m.startDay, m.days, m.consumptionWh, now()]);
    if (changed === 0) await this.db.run('UPDATE feeder_measurements SET consumption_wh = ?, created_at = ? WHERE substation_id = ? AND start_day = ? AND days = ?', [m.consumptionWh, now(), m.substationId, m.startDay, m.days]);
  }

  async feederMeasurements(startDay: number, days: number): Promise<Map<string, string>> {
    const rows = await this.db.all<any>('SELECT substation_id, consumption_wh FROM feeder_measurements WHERE start_day = ? AND days = ?', [startDay, days]);
    return new Map(rows.map((r) => [r.substation_id, r.consumption_wh]));
  }

  // --------------------------------------------------------------------------------------- results

  /**
   * Stores a certified result unless its statement key already has one. Returns the stored row: the new one
   * (`created`) or the existing one, whose proof digest tells an identical resubmission from another proof.
   * A result with a claim is stored with its claimed days in one transaction; a day already claimed under
   * the same scope refuses it (409 claim_overlap) and stores nothing.
   */
  async insertResult(r: NewResult): Promise<{ created: boolean; row: ResultRow }> {
    const id = `res_${randomUUID()}`;
    const createdAt = now();
    const insert = (q: Queryable) =>
      q.run(
        `INSERT INTO results (id, kind, circuit, meter_id, start_day, days, supplier_id, substation_id, statement_key, outputs, bindings, proof_digest, proof, statement, output_signals, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (statement_key) DO NOTHING`,
        [id, r.kind, r.circuit, r.meterId, r.startDay, r.days, r.supplierId, r.substationId, r.statementKey, JSON.stringify(r.outputs), JSON.stringify(r.bindings), r.proofDigest, r.proof, r.statement, r.outputSignals, createdAt],
      );
    let changed: number;
    const claim = r.claim;
    if (!claim) changed = await insert(this.db);
    else {
      try {
        changed = await this.db.tx(async (q) => {
          const n = await insert(q);
          if (n > 0) for (const d of claim.days) await q.run('INSERT INTO result_claim_days (scope, day, result_id) VALUES (?, ?, ?)', [claim.scope, d, id]);
          return n;
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        const other = await this.db.get<any>(`SELECT result_id, MIN(day) AS first FROM result_claim_days WHERE scope = ? AND day >= ? AND day <= ? GROUP BY result_id ORDER BY first LIMIT 1`, [claim.scope, Math.min(...claim.days), Math.max(...claim.days)]);
        if (!other) throw e;
        throw new ApiError(409, 'claim_overlap', `result ${other.result_id} already claims ${isoDay(Number(other.first))} under the same scope (meter and scheme); periods of one meter's claims must not overlap`, { existingId: other.result_id });
      }
    }
    if (changed > 0) {
      const { proof: _proof, statement: _statement, outputSignals: _signals, claim: _claim, ...rest } = r;
      return { created: true, row: { ...rest, id, createdAt } };
    }
    const existing = await this.resultByKey(r.statementKey);
    if (!existing) throw new Error('result insert conflicted but no result holds the statement');
    return { created: false, row: existing };
  }

  /** The stored result of this meter, circuit and period with exactly this proof (and public signals), if any. */
  async storedProof(meterId: string, circuit: string, startDay: number, days: number, proofDigest: string): Promise<ResultRow | undefined> {
    const r = await this.db.get<any>(`SELECT ${RESULT_COLUMNS} FROM results WHERE meter_id = ? AND start_day = ? AND days = ? AND circuit = ? AND proof_digest = ?`, [meterId, startDay, days, circuit, proofDigest]);
    return r && resultRow(r);
  }

  async resultByKey(statementKey: string): Promise<ResultRow | undefined> {
    const r = await this.db.get<any>(`SELECT ${RESULT_COLUMNS} FROM results WHERE statement_key = ?`, [statementKey]);
    return r && resultRow(r);
  }

  /** A result with its stored parts, from which results.ts rebuilds its file. */
  async getResult(id: string): Promise<(ResultRow & StoredParts) | undefined> {
    const r = await this.db.get<any>(`SELECT ${RESULT_COLUMNS}, proof, statement, output_signals FROM results WHERE id = ?`, [id]);
    return r && { ...resultRow(r), proof: r.proof, statement: r.statement, outputSignals: r.output_signals };
  }

  /** Results in (start_day, id) order, after the cursor, at most `limit`; `kinds` limits what a role may read. */
  async listResults(f: { meterId?: string; circuit?: string; kinds?: readonly string[]; startDay?: number; days?: number; supplierId?: string; after?: { startDay: number; id: string }; limit: number }): Promise<ResultRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...p: unknown[]) => (where.push(sql), params.push(...p));
    if (f.meterId !== undefined) add('meter_id = ?', f.meterId);
    if (f.circuit !== undefined) add('circuit = ?', f.circuit);
    if (f.kinds !== undefined) add(f.kinds.length ? `kind IN (${f.kinds.map(() => '?').join(', ')})` : '1 = 0', ...f.kinds);
    if (f.startDay !== undefined) add('start_day = ?', f.startDay);
    if (f.days !== undefined) add('days = ?', f.days);
    if (f.supplierId !== undefined) add('supplier_id = ?', f.supplierId);
    if (f.after) add('(start_day > ? OR (start_day = ? AND id > ?))', f.after.startDay, f.after.startDay, f.after.id);
    params.push(f.limit);
    const rows = await this.db.all<any>(`SELECT ${RESULT_COLUMNS} FROM results ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY start_day, id LIMIT ?`, params);
    return rows.map(resultRow);
  }

  /** Results of a kind for exactly this period. */
  async resultsOfPeriod(startDay: number, days: number, kind = 'bill'): Promise<ResultRow[]> {
    const rows = await this.db.all<any>(`SELECT ${RESULT_COLUMNS} FROM results WHERE start_day = ? AND days = ? AND kind = ?`, [startDay, days, kind]);
    return rows.map(resultRow);
  }

  /** Results of a kind whose period covers every day of [startDay, startDay + days) (no circuit serves more than LONGEST_PERIOD days). */
  async resultsCovering(kind: string, startDay: number, days: number): Promise<ResultRow[]> {
    const rows = await this.db.all<any>(`SELECT ${RESULT_COLUMNS} FROM results WHERE kind = ? AND start_day <= ? AND start_day >= ? AND start_day + days >= ?`, [kind, startDay, startDay - LONGEST_PERIOD, startDay + days]);
    return rows.map(resultRow);
  }

  /** Results of a kind whose whole period lies within days [fromDay, toDay], oldest first. */
  async resultsWithin(kind: string, fromDay: number, toDay: number): Promise<ResultRow[]> {
    const rows = await this.db.all<any>(`SELECT ${RESULT_COLUMNS} FROM results WHERE kind = ? AND start_day >= ? AND start_day + days - 1 <= ? ORDER BY start_day, id`, [kind, fromDay, toDay]);
    return rows.map(resultRow);
  }

  /**
   * Meters that had an active (unrevoked) key on some day of the period, with their substation and the
   * supplier of those days: a meter switched within the period comes once for each of its suppliers.
   */
  async metersActiveIn(startDay: number, days: number): Promise<MeterRecord[]> {
    const last = startDay + days - 1;
    const rows = await this.db.all<any>(
      `SELECT m.id, s.supplier_id, m.substation_id, m.created_at FROM meters m
         JOIN meter_suppliers s ON s.meter_id = m.id AND (s.valid_from IS NULL OR s.valid_from <= ?) AND (s.valid_to IS NULL OR s.valid_to >= ?)
        WHERE EXISTS (SELECT 1 FROM meter_keys k WHERE k.meter_id = m.id AND k.revoked_at IS NULL
                      AND k.valid_from <= ? AND (k.valid_to IS NULL OR k.valid_to >= ?))
        ORDER BY m.id, COALESCE(s.valid_from, -1)`,
      [last, startDay, last, startDay],
    );
    return rows.map((r) => ({ id: r.id, supplierId: r.supplier_id, substationId: r.substation_id ?? null, createdAt: r.created_at }));
  }
}

const supplyRecord = (r: any): SupplyRecord => ({ supplierId: r.supplier_id, validFrom: num(r.valid_from), validTo: num(r.valid_to) });

async function insertKey(q: Queryable, meterId: string, publicKey: [string, string], validFrom: number): Promise<string> {
  const id = `mk_${randomUUID()}`;
  await q.run('INSERT INTO meter_keys (id, meter_id, key_x, key_y, valid_from, created_at) VALUES (?, ?, ?, ?, ?, ?)', [id, meterId, publicKey[0], publicKey[1], validFrom, now()]);
  return id;
}
