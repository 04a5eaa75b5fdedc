/**
 * Running the verifier API in tests: a fresh database per server (a SQLite file in a temp folder, or a
 * fresh PostgreSQL database), the world of support.ts registered through the API, and small HTTP helpers.
 *
 * PostgreSQL: METERPROOF_TEST_PG (default postgres://postgres@127.0.0.1:5432/test) is the admin
 * connection; each server gets its own database created from it and dropped after. Without a server the
 * PostgreSQL half is skipped with a loud message — except under CI=true, where it fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { pino } from 'pino';
import { openDb } from '../../verifier-api/db.js';
import { startServer, type RunningServer, type ServeOptions } from '../../verifier-api/server.js';
import { Store, type Role } from '../../verifier-api/store.js';
import { CIRCUIT, type Crowd, type World } from './support.js';

export const PG_ADMIN = process.env.METERPROOF_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgProbe: Promise<string | null> | undefined;
/** null when PostgreSQL answers, else why not. */
export function postgresUnavailable(): Promise<string | null> {
  pgProbe ??= (async () => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: PG_ADMIN, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (e) {
      return (e as Error).message || String(e);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgProbe;
}

export type Backend = 'sqlite' | 'postgres';

/** The backends to run; logs loudly (and fails under CI) when PostgreSQL is missing. */
export async function backends(): Promise<{ name: Backend; skip: string | false }[]> {
  const why = await postgresUnavailable();
  if (why) {
    const message = `PostgreSQL at ${PG_ADMIN} is unavailable (${why}): THE POSTGRESQL HALF OF THE VERIFIER API TESTS IS SKIPPED`;
    if (process.env.CI) throw new Error(`${message} — not allowed under CI (see verifier-api/ci-postgres.sh)`);
    console.error(`\n!!!!! ${message} !!!!!\n`);
  }
  return [
    { name: 'sqlite', skip: false },
    { name: 'postgres', skip: why ? `PostgreSQL unavailable: ${why}` : false },
  ];
}

export interface FreshDb {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(backend: Backend): Promise<FreshDb> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'meterproof-api-'));
    return { url: join(dir, 'api.sqlite3'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const pg = (await import('pg')).default;
  const name = `mp_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export const quietLogger = () => pino({ level: process.env.TEST_API_LOG ?? 'silent' });

export async function startTestServer(database: string, o: Partial<ServeOptions> = {}): Promise<RunningServer> {
  return startServer({
    database,
    port: 0,
    circuits: [CIRCUIT],
    workers: 1,
    logger: quietLogger(),
    rateLimit: { perKey: { perSecond: 0, burst: 0 }, perAddress: { perSecond: 0, burst: 0 } },
    ...o,
  });
}

/** The verifier API a describe block tests: filled by the before hook apiUnderTest registers. */
export interface ApiUnderTest {
  db: FreshDb;
  keys: Keys;
  /** a test may replace it (a restart); the after hook closes whichever server is here */
  server: RunningServer;
  /** server.url */
  readonly base: string;
}

/**
 * Registers, in the calling describe block, a before hook that makes a fresh database, the API keys and a
 * test server (and registers `o.world` through it when given), and an after hook that closes the server and
 * drops the database. node:test runs hooks in registration order: a `before` registered after this call sees
 * the fields filled, an `after` registered before it runs while the server is still up.
 */
export function apiUnderTest(backend: Backend, o: { serve?: Partial<ServeOptions>; world?: World } = {}): ApiUnderTest {
  const api: ApiUnderTest = {
    get base() {
      return api.server.url;
    },
  } as ApiUnderTest;
  before(async () => {
    api.db = await freshDatabase(backend);
    api.keys = await createKeys(api.db.url);
    api.server = await startTestServer(api.db.url, o.serve);
    if (o.world) await registerWorld(api.base, api.keys, o.world);
  });
  after(async () => {
    await api.server?.close();
    await api.db?.drop();
  });
  return api;
}

export interface Reply {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function call(base: string, method: string, path: string, o: { key?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.key) headers.authorization = `Bearer ${o.key}`;
  let payload: string | Buffer | undefined;
  if (o.raw !== undefined) payload = o.raw;
  else if (o.body !== undefined) payload = JSON.stringify(o.body);
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: payload as string | undefined });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}

export type Keys = Record<'registrar' | 'acme' | 'bolt' | 'grid' | 'auditor' | 'scheme' | 'service', string>;

/** API keys straight into the database (as `meterproof api key create` does). */
export async function createKeys(database: string): Promise<Keys> {
  const db = await openDb(database);
  try {
    const store = new Store(db);
    const make = async (role: Role, name: string, subject: string | null = null) => (await store.createApiKey(role, name, subject)).key;
    return {
      registrar: await make('registrar', 'registrar'),
      acme: await make('supplier', 'Acme Energy', 'acme'),
      bolt: await make('supplier', 'Bolt Power', 'bolt'),
      grid: await make('grid', 'grid operator'),
      auditor: await make('auditor', 'auditor'),
      scheme: await make('scheme', 'scheme operator'),
      service: await make('service', 'comparison service'),
    };
  } finally {
    await db.close();
  }
}

const expectStatus = (r: Reply, ok: number[], what: string) => {
  if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${r.text}`);
  return r;
};

/** Registers the world of support.ts: suppliers, substations, meters, tariffs, the value vector. */
export async function registerWorld(base: string, keys: Keys, w: World): Promise<void> {
  for (const [id, name] of [
    ['acme', 'Acme Energy'],
    ['bolt', 'Bolt Power'],
  ])
    expectStatus(await call(base, 'PUT', `/v1/suppliers/${id}`, { key: keys.registrar, body: { name } }), [200, 201], `supplier ${id}`);
  for (const id of ['sub-1', 'sub-2']) expectStatus(await call(base, 'PUT', `/v1/substations/${id}`, { key: keys.registrar, body: { name: `Substation ${id}` } }), [200, 201], `substation ${id}`);
  for (const m of w.meters) {
    expectStatus(await call(base, 'POST', '/v1/meters', { key: keys.registrar, body: { id: m.id, supplierId: m.supplier, substationId: m.substation, publicKey: m.publicKey, validFrom: '2024-01-01' } }), [201], `meter ${m.id}`);
  }
  const acmeMeters = w.meters.filter((m) => m.supplier === 'acme').map((m) => m.id);
  const boltMeters = w.meters.filter((m) => m.supplier === 'bolt').map((m) => m.id);
  const next = new Date(Date.parse(w.day) + 86_400_000).toISOString().slice(0, 10);
  expectStatus(await call(base, 'POST', '/v1/tariffs', { key: keys.acme, body: { tariff: w.tariffs.acme, meters: acmeMeters, from: w.day, to: next } }), [201], 'acme tariff');
  expectStatus(await call(base, 'POST', '/v1/tariffs', { key: keys.bolt, body: { tariff: w.tariffs.bolt, meters: boltMeters, from: w.day, to: next } }), [201], 'bolt tariff');
  expectStatus(await call(base, 'POST', '/v1/value-vectors', { key: keys.grid, body: { vector: w.value, from: w.day, to: next } }), [201], 'value vector');
}

/** Registers the crowd of support.ts (supplier "crowd", substation "sub-3", the acme tariff document). */
export async function registerCrowd(base: string, keys: Keys & { crowd: string }, w: World, c: Crowd): Promise<void> {
  expectStatus(await call(base, 'PUT', '/v1/suppliers/crowd', { key: keys.registrar, body: { name: 'Crowd Energy' } }), [200, 201], 'supplier crowd');
  expectStatus(await call(base, 'PUT', '/v1/substations/sub-3', { key: keys.registrar, body: { name: 'Substation 3' } }), [200, 201], 'substation sub-3');
  for (const m of c.meters) {
    expectStatus(await call(base, 'POST', '/v1/meters', { key: keys.registrar, body: { id: m.id, supplierId: 'crowd', substationId: 'sub-3', publicKey: m.publicKey, validFrom: '2024-01-01' } }), [201], `meter ${m.id}`);
  }
  expectStatus(await call(base, 'POST', '/v1/tariffs', { key: keys.crowd, body: { tariff: w.tariffs.acme, meters: c.meters.map((m) => m.id), from: w.day, to: w.day } }), [201], 'crowd tariff');
}

export async function createCrowdKey(database: string): Promise<string> {
  const db = await openDb(database);
  try {
    return (await new Store(db).createApiKey('supplier', 'Crowd Energy', 'crowd')).key;
  } finally {
    await db.close();
  }
}
