/**
 * GET /v1/trust/snapshot: the registries an offline verifier anchors a result to (prover/trust.ts), signed
 * by the operator's Ed25519 key. The key is created on first use and kept in the database (operator_keys,
 * migration 5), so every instance of one deployment signs with the same key. Any API key may read the
 * snapshot: it names every meter with its keys and assigned tariffs, which is more than the public routes
 * show.
 */
import type { Express, RequestHandler } from 'express';
import { isoDay } from '../core/time.js';
import { ROLES } from '../kinds/service.js';
import { newEd25519Key, signDocument, type Ed25519KeyPair } from '../prover/ed25519.js';
import { SNAPSHOT_FORMAT, type SignedSnapshot, type TrustSnapshot } from '../prover/trust.js';
import type { Db } from './db.js';
import type { OpenApiBuilders } from './household.js';
import { wrap } from './http.js';
import type { Role, Store } from './store.js';

export type OperatorKey = Ed25519KeyPair;

/** The operator's signing key: created once per database (a concurrent first use keeps the first one stored). */
export async function operatorKey(db: Db): Promise<OperatorKey> {
  let row = await db.get<{ private_key: string; public_key: string }>("SELECT private_key, public_key FROM operator_keys WHERE id = 'operator'");
  if (!row) {
    const { publicKey, privateKey } = await newEd25519Key();
    await db.run("INSERT INTO operator_keys (id, algorithm, public_key, private_key, created_at) VALUES ('operator', 'Ed25519', ?, ?, ?) ON CONFLICT (id) DO NOTHING", [publicKey, privateKey, new Date().toISOString()]);
    row = (await db.get<{ private_key: string; public_key: string }>("SELECT private_key, public_key FROM operator_keys WHERE id = 'operator'"))!;
  }
  return { publicKey: row.public_key, privateKey: row.private_key };
}

const day = (d: unknown) => isoDay(Number(d));
const dayOrNull = (d: unknown) => (d == null ? null : day(d));

/** The registries as they stand: meters and keys, assignments, value vectors, parameters, challenges, documents. */
export async function buildSnapshot(db: Db, operator: string): Promise<TrustSnapshot> {
  const [meters, keys, documents, assignments, vectors, parameters, challenges] = await Promise.all([
    db.all<any>('SELECT id, supplier_id FROM meters ORDER BY id'),
    db.all<any>('SELECT meter_id, key_x, key_y, valid_from, valid_to, revoked_at FROM meter_keys ORDER BY meter_id, valid_from, id'),
    db.all<any>('SELECT digest, kind, doc_id, body FROM documents ORDER BY digest'),
    db.all<any>('SELECT meter_id, supplier_id, kind, digest, valid_from, valid_to FROM tariff_assignments ORDER BY meter_id, valid_from, id'),
    db.all<any>('SELECT digest, valid_from, valid_to FROM value_vectors ORDER BY valid_from, id'),
    db.all<any>('SELECT digest, kind, doc_id, role, subject, valid_from, valid_to FROM parameters ORDER BY kind, doc_id'),
    db.all<any>('SELECT id, meter_id, start_day, days, body FROM challenges ORDER BY id'),
  ]);
  const keysOf = new Map<string, TrustSnapshot['meters'][number]['keys']>();
  for (const k of keys) {
    const list = keysOf.get(k.meter_id) ?? [];
    list.push({ publicKey: [k.key_x, k.key_y], validFrom: day(k.valid_from), validTo: dayOrNull(k.valid_to), revoked: k.revoked_at !== null });
    keysOf.set(k.meter_id, list);
  }
  return {
    format: SNAPSHOT_FORMAT,
    operator,
    issuedAt: new Date().toISOString(),
    meters: meters.map((m) => ({ id: m.id, supplierId: m.supplier_id, keys: keysOf.get(m.id) ?? [] })),
    documents: documents.map((d) => ({ digest: d.digest, kind: d.kind, docId: d.doc_id, body: JSON.parse(d.body) })),
    tariffAssignments: assignments.map((a) => ({ meterId: a.meter_id, supplierId: a.supplier_id, kind: a.kind, digest: a.digest, from: day(a.valid_from), to: day(a.valid_to) })),
    valueVectors: vectors.map((v) => ({ digest: v.digest, from: day(v.valid_from), to: day(v.valid_to) })),
    parameters: parameters.map((p) => ({ digest: p.digest, kind: p.kind, docId: p.doc_id, role: p.role, subject: p.subject ?? null, validFrom: dayOrNull(p.valid_from), validTo: dayOrNull(p.valid_to) })),
    challenges: challenges.map((c) => ({ id: c.id, meterId: c.meter_id, start: day(c.start_day), days: Number(c.days), body: JSON.parse(c.body) })),
  };
}

export async function signSnapshot(snapshot: TrustSnapshot, key: OperatorKey): Promise<SignedSnapshot> {
  return { snapshot, signature: { algorithm: 'Ed25519', publicKey: key.publicKey, value: await signDocument(key.privateKey, snapshot) } };
}

export function mountTrust(app: Express, c: { store: Store; requireRole: (...roles: Role[]) => RequestHandler }): void {
  let key: Promise<OperatorKey> | undefined;
  app.get(
    '/v1/trust/snapshot',
    c.requireRole(...ROLES),
    wrap(async (req, res) => {
      key ??= operatorKey(c.store.db).catch((e) => {
        key = undefined;
        throw e;
      });
      const snapshot = await buildSnapshot(c.store.db, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
      res.json(await signSnapshot(snapshot, await key));
    }),
  );
}

export function trustPaths({ ok, errors }: Pick<OpenApiBuilders, 'ok' | 'errors'>): Record<string, object> {
  const Hex = (n: number) => ({ type: 'string', pattern: `^[0-9a-f]{${n}}$` });
  return {
    '/v1/trust/snapshot': {
      get: {
        tags: ['documents'],
        operationId: 'trustSnapshot',
        summary: `The registries an offline verifier anchors results to (${SNAPSHOT_FORMAT}: meters and their keys, tariff assignments, value vectors, published parameters, issued challenges, every published document by digest), signed by the operator's Ed25519 key (any API key; \`meterproof trust fetch\`)`,
        security: [{ apiKey: [] }],
        responses: {
          ...ok('Signed snapshot', {
            type: 'object',
            required: ['snapshot', 'signature'],
            properties: {
              snapshot: { type: 'object', required: ['format', 'operator', 'issuedAt', 'meters', 'documents', 'tariffAssignments', 'valueVectors', 'parameters', 'challenges'], properties: { format: { const: SNAPSHOT_FORMAT } } },
              signature: { type: 'object', required: ['algorithm', 'publicKey', 'value'], properties: { algorithm: { const: 'Ed25519' }, publicKey: Hex(64), value: Hex(128) } },
            },
          }),
          ...errors(401, 403, 429),
        },
      },
    },
  };
}
