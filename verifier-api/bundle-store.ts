/**
 * The encrypted-bundle store behind the household web page (docs/web-app.md): meters upload their
 * certified readings sealed under the household's user key (meterproof-encrypted-bundle/1, see
 * docs/encryption.md); anyone may fetch them, as they are useless without the key. The store keeps the
 * envelope exactly as parsed (known fields only) and never holds a key or a plaintext reading.
 *
 * Meters upload with a per-meter upload token (issued by the registrar; only its sha256 is stored) or
 * through the registrar's own key.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EncryptedBundle } from '../meter/encryption/envelope.js';
import type { Db } from './db.js';

export interface StoredEnvelope {
  meterId: string;
  startDay: number;
  days: number;
  keyGeneration: number;
  keyId: string;
  bytes: number;
  uploadedBy: string;
  createdAt: string;
  updatedAt: string;
}

const now = () => new Date().toISOString();
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const COLUMNS = 'meter_id, start_day, days, key_generation, key_id, bytes, uploaded_by, created_at, updated_at';

function row(r: any): StoredEnvelope {
  return {
    meterId: r.meter_id,
    startDay: Number(r.start_day),
    days: Number(r.days),
    keyGeneration: Number(r.key_generation),
    keyId: r.key_id,
    bytes: Number(r.bytes),
    uploadedBy: r.uploaded_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class BundleStore {
  constructor(readonly db: Db) {}

  /** A new upload token for a meter, returned in clear once; it replaces the meter's previous token. */
  async issueUploadToken(meterId: string): Promise<string> {
    const token = `mpu_${randomBytes(24).toString('base64url')}`;
    await this.db.tx(async (q) => {
      await q.run('DELETE FROM meter_upload_tokens WHERE meter_id = ?', [meterId]);
      await q.run('INSERT INTO meter_upload_tokens (meter_id, token_hash, created_at) VALUES (?, ?, ?)', [meterId, tokenHash(token), now()]);
    });
    return token;
  }

  /** The meter an upload token belongs to. */
  async meterOfUploadToken(token: string): Promise<string | undefined> {
    const r = await this.db.get<{ meter_id: string }>('SELECT meter_id FROM meter_upload_tokens WHERE token_hash = ?', [tokenHash(token)]);
    return r?.meter_id;
  }

  /**
   * Stores an envelope for its meter and period, replacing an earlier one of the same meter and period
   * (a meter resending after a lost answer seals again with a fresh nonce). Returns whether it is new.
   */
  async putEnvelope(e: EncryptedBundle, startDay: number, uploadedBy: string): Promise<boolean> {
    const body = JSON.stringify(e);
    return this.db.tx(async (q) => {
      const at = now();
      const existing = await q.get('SELECT meter_id FROM encrypted_bundles WHERE meter_id = ? AND start_day = ? AND days = ?', [e.meterId, startDay, e.period.days]);
      if (existing) {
        await q.run('UPDATE encrypted_bundles SET key_generation = ?, key_id = ?, envelope = ?, bytes = ?, uploaded_by = ?, updated_at = ? WHERE meter_id = ? AND start_day = ? AND days = ?', [
          e.key.generation,
          e.key.id,
          body,
          body.length,
          uploadedBy,
          at,
          e.meterId,
          startDay,
          e.period.days,
        ]);
        return false;
      }
      await q.run(`INSERT INTO encrypted_bundles (${COLUMNS}, envelope) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [e.meterId, startDay, e.period.days, e.key.generation, e.key.id, body.length, uploadedBy, at, at, body]);
      return true;
    });
  }

  async getEnvelope(meterId: string, startDay: number, days: number): Promise<unknown | undefined> {
    const r = await this.db.get<{ envelope: string }>('SELECT envelope FROM encrypted_bundles WHERE meter_id = ? AND start_day = ? AND days = ?', [meterId, startDay, days]);
    return r && JSON.parse(r.envelope);
  }

  /** The meter's envelopes (without their contents), newest period first. */
  async listEnvelopes(meterId: string): Promise<StoredEnvelope[]> {
    const rows = await this.db.all(`SELECT ${COLUMNS} FROM encrypted_bundles WHERE meter_id = ? ORDER BY start_day DESC, days DESC`, [meterId]);
    return rows.map(row);
  }
}
