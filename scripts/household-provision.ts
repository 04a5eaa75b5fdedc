/**
 * Puts a household on a running verifier API over HTTP, each party doing its own part: the registrar
 * registers the supplier and the meter (with its public key) and issues the meter's upload token; the
 * supplier publishes its tariff for the meter and period; the grid publishes its value-of-energy vector;
 * the meter seals its certified bundle under the household's user key and uploads it with its token.
 * Used by `npm run demo:web`, the browser benchmark and the web tests.
 */
import { bundleToJson, type Bundle } from '../meter/bundle.js';
import { encryptBundle, generateUserKey, type EncryptedBundle, type KdfParams, type UserKeyRecord } from '../meter/encryption/index.js';
import { isoDay } from '../core/time.js';
import { openDb } from '../verifier-api/db.js';
import { Store } from '../verifier-api/store.js';

export interface PartyKeys {
  registrar: string;
  /** a supplier key acting for `supplierId` */
  supplier: string;
  grid: string;
}

/** API keys for the three parties, straight into the database (as `meterproof api key create` does). */
export async function createPartyKeys(database: string, supplierId: string): Promise<PartyKeys> {
  const db = await openDb(database);
  try {
    const store = new Store(db);
    return {
      registrar: (await store.createApiKey('registrar', 'registrar')).key,
      supplier: (await store.createApiKey('supplier', supplierId, supplierId)).key,
      grid: (await store.createApiKey('grid', 'grid operator')).key,
    };
  } finally {
    await db.close();
  }
}

/** One API call; a status outside `ok` is an error naming the step and the API's answer. */
export async function apiCall(base: string, method: string, path: string, o: { key?: string; headers?: Record<string, string>; body?: unknown; ok?: number[]; what: string }): Promise<any> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.key) headers.authorization = `Bearer ${o.key}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  if (!(o.ok ?? [200, 201]).includes(res.status)) throw new Error(`${o.what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

export interface HouseholdOptions {
  api: string;
  keys: PartyKeys;
  supplierId: string;
  bundle: Bundle;
  tariff: object;
  valueOfEnergy: object;
  /** the household's key record; a new one (generation 1) when absent */
  userKey?: UserKeyRecord;
  /** Argon2id parameters of the envelope (default: the library's); weaker ones only make tests faster */
  kdf?: KdfParams;
}

/**
 * Registers what is not registered yet (a second period of the same meter reuses the meter) and uploads
 * the sealed bundle. Returns the household's key record and the envelope as uploaded.
 */
export async function provisionHousehold(o: HouseholdOptions): Promise<{ userKey: UserKeyRecord; envelope: EncryptedBundle }> {
  const { api, keys, bundle } = o;
  const meterId = bundle.meterId;
  const from = isoDay(bundle.startDay);
  const to = isoDay(bundle.startDay + bundle.days - 1);
  await apiCall(api, 'PUT', `/v1/suppliers/${o.supplierId}`, { key: keys.registrar, body: { name: o.supplierId }, what: 'register the supplier' });
  await apiCall(api, 'POST', '/v1/meters', {
    key: keys.registrar,
    body: { id: meterId, supplierId: o.supplierId, publicKey: bundle.publicKey.map(String), validFrom: from },
    ok: [201, 409],
    what: `register meter ${meterId}`,
  });
  await apiCall(api, 'POST', '/v1/tariffs', { key: keys.supplier, body: { tariff: o.tariff, meters: [meterId], from, to }, what: 'publish the tariff' });
  await apiCall(api, 'POST', '/v1/value-vectors', { key: keys.grid, body: { vector: o.valueOfEnergy, from, to }, what: 'publish the value-of-energy vector' });
  const { uploadToken } = await apiCall(api, 'POST', `/v1/meters/${meterId}/upload-token`, { key: keys.registrar, what: 'issue the upload token' });

  const userKey = o.userKey ?? generateUserKey(meterId);
  const envelope = await encryptBundle(bundleToJson(bundle), userKey, o.kdf ? { kdf: o.kdf } : {});
  await apiCall(api, 'PUT', `/v1/encrypted-bundles/${meterId}/${from}/${bundle.days}`, { headers: { 'x-upload-token': uploadToken }, body: envelope, what: 'upload the sealed bundle' });
  return { userKey, envelope };
}
