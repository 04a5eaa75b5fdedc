/**
 * The storage behind the API: one SQL dialect subset that both embedded SQLite (better-sqlite3) and
 * PostgreSQL (pg) run, so the same schema, migrations and queries serve a single instance and a fleet
 * of instances behind a load balancer.
 *
 * Queries are written with `?` placeholders (rewritten to $1, $2, … for PostgreSQL). Values are TEXT and
 * INTEGER only; amounts are decimal TEXT, summed exactly with bigint in the application.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { documentDigest } from '../tariff/digest.js';

export type Row = Record<string, unknown>;

export interface Queryable {
  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** returns the number of rows changed */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Db extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /** a human description without secrets */
  readonly description: string;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The SQLite file `meterproof api serve` uses without --db, --database-url or $DATABASE_URL. */
export const DEFAULT_DB = 'data/verifier-api.sqlite3';

/** A connection string: `postgres://…` for PostgreSQL, anything else is a SQLite file path. */
export async function openDb(target: string): Promise<Db> {
  const db = /^postgres(ql)?:\/\//.test(target) ? await openPostgres(target) : await openSqlite(target);
  await migrate(db);
  return db;
}

// ---------------------------------------------------------------------------------------------- SQLite

/** A tiny FIFO mutex: SQLite has one connection, so a transaction must not interleave with others. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

async function openSqlite(path: string): Promise<Db> {
  const { default: Database } = await import('better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  // WAL: readers never block the writer; a commit is durable once the call returns (the WAL is written
  // before COMMIT returns, so a killed process loses nothing it acknowledged; FULL also survives power loss).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const statements = new Map<string, any>();
  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = sqlite.prepare(sql)));
    return s;
  };
  const direct: Queryable = {
    async all(sql, params = []) {
      return prepare(sql).all(...params);
    },
    async get(sql, params = []) {
      return prepare(sql).get(...params);
    },
    async run(sql, params = []) {
      return prepare(sql).run(...params).changes;
    },
  };
  const mutex = new Mutex();
  // Outside a transaction a statement waits for a running transaction to finish, so it never sees or
  // joins half of one.
  const guarded = (f: (q: Queryable) => Promise<any>) => async () => {
    const release = await mutex.lock();
    try {
      return await f(direct);
    } finally {
      release();
    }
  };
  return {
    dialect: 'sqlite',
    description: `sqlite:${path}`,
    all: (sql, params) => guarded((q) => q.all(sql, params))(),
    get: (sql, params) => guarded((q) => q.get(sql, params))(),
    run: (sql, params) => guarded((q) => q.run(sql, params))(),
    async tx(fn) {
      const release = await mutex.lock();
      try {
        sqlite.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(direct);
          sqlite.exec('COMMIT');
          return out;
        } catch (e) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          throw e;
        }
      } finally {
        release();
      }
    },
    async close() {
      const release = await mutex.lock();
      try {
        sqlite.close();
      } finally {
        release();
      }
    },
  };
}

// ------------------------------------------------------------------------------------------ PostgreSQL

function toDollar(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

async function openPostgres(url: string): Promise<Db> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.METERPROOF_PG_POOL ?? 10) });
  pool.on('error', () => {
    // an idle client lost its connection; the pool replaces it on next use
  });
  // Fail early, with the reason, when the server is not there.
  const probe = await pool.connect();
  probe.release();
  const over = (client: { query: (sql: string, params?: unknown[]) => Promise<{ rows: any[]; rowCount: number | null }> }): Queryable => ({
    async all(sql, params = []) {
      return (await client.query(toDollar(sql), params as unknown[])).rows;
    },
    async get(sql, params = []) {
      return (await client.query(toDollar(sql), params as unknown[])).rows[0];
    },
    async run(sql, params = []) {
      return (await client.query(toDollar(sql), params as unknown[])).rowCount ?? 0;
    },
  });
  const pooled = over(pool);
  const safe = new URL(url);
  safe.password = '';
  return {
    dialect: 'postgres',
    description: `postgres:${safe.host}${safe.pathname}`,
    ...pooled,
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(over(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

// ------------------------------------------------------------------------------------------ migrations

/**
 * A migration step: one SQL statement both databases run, or a data step in code (for values SQL cannot
 * compute in both dialects, such as a sha256 digest).
 */
export type MigrationStep = string | ((q: Queryable) => Promise<void>);
export interface Migration {
  version: number;
  name: string;
  sql: MigrationStep[];
}

/**
 * Append-only: a released migration is never edited, a change is a new entry. Each runs in a transaction
 * with its version row, so a crash leaves either all of it or none.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'registries, results, aggregation inputs',
    sql: [
      `CREATE TABLE api_keys (
         id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, subject TEXT,
         key_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT)`,
      `CREATE TABLE suppliers (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE substations (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE meters (
         id TEXT PRIMARY KEY, supplier_id TEXT NOT NULL REFERENCES suppliers(id),
         substation_id TEXT REFERENCES substations(id), created_at TEXT NOT NULL)`,
      `CREATE INDEX meters_supplier ON meters(supplier_id)`,
      `CREATE INDEX meters_substation ON meters(substation_id)`,
      // A key is active on days valid_from .. valid_to (inclusive; NULL: open-ended).
      `CREATE TABLE meter_keys (
         id TEXT PRIMARY KEY, meter_id TEXT NOT NULL REFERENCES meters(id),
         key_x TEXT NOT NULL, key_y TEXT NOT NULL, valid_from INTEGER NOT NULL, valid_to INTEGER,
         revoked_at TEXT, created_at TEXT NOT NULL)`,
      `CREATE INDEX meter_keys_meter ON meter_keys(meter_id)`,
      // Published documents (tariffs, value-of-energy vectors) by content digest.
      `CREATE TABLE documents (
         digest TEXT PRIMARY KEY, kind TEXT NOT NULL, doc_id TEXT NOT NULL, publisher TEXT NOT NULL,
         body TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE tariff_assignments (
         id TEXT PRIMARY KEY, meter_id TEXT NOT NULL REFERENCES meters(id), supplier_id TEXT NOT NULL,
         digest TEXT NOT NULL REFERENCES documents(digest), valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL,
         created_at TEXT NOT NULL)`,
      `CREATE INDEX tariff_assignments_meter ON tariff_assignments(meter_id)`,
      `CREATE TABLE value_vectors (
         id TEXT PRIMARY KEY, digest TEXT NOT NULL REFERENCES documents(digest),
         valid_from INTEGER NOT NULL, valid_to INTEGER NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE feeder_measurements (
         substation_id TEXT NOT NULL REFERENCES substations(id), start_day INTEGER NOT NULL, days INTEGER NOT NULL,
         consumption_wh TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (substation_id, start_day, days))`,
      `CREATE TABLE scheme_parameters (
         id TEXT PRIMARY KEY, publisher TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)`,
      // One certified result per statement (meter, circuit, period): the uniqueness never involves proof bytes.
      `CREATE TABLE results (
         id TEXT PRIMARY KEY, kind TEXT NOT NULL, circuit TEXT NOT NULL, meter_id TEXT NOT NULL REFERENCES meters(id),
         start_day INTEGER NOT NULL, days INTEGER NOT NULL, supplier_id TEXT NOT NULL, substation_id TEXT,
         tariff_digest TEXT NOT NULL, value_digest TEXT, bill TEXT NOT NULL, settlement TEXT NOT NULL,
         consumption TEXT NOT NULL, proof_digest TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
         UNIQUE (meter_id, circuit, start_day, days))`,
      `CREATE INDEX results_period ON results(start_day, days)`,
      `CREATE INDEX results_supplier ON results(supplier_id, start_day)`,
    ],
  },
  {
    version: 2,
    name: 'encrypted readings bundles and meter upload tokens (household web page)',
    sql: [
      // One envelope per (meter, period); the clear-text header fields are columns, the envelope is kept whole.
      `CREATE TABLE encrypted_bundles (
         meter_id TEXT NOT NULL REFERENCES meters(id), start_day INTEGER NOT NULL, days INTEGER NOT NULL,
         key_generation INTEGER NOT NULL, key_id TEXT NOT NULL, bytes INTEGER NOT NULL, uploaded_by TEXT NOT NULL,
         created_at TEXT NOT NULL, updated_at TEXT NOT NULL, envelope TEXT NOT NULL,
         PRIMARY KEY (meter_id, start_day, days))`,
      `CREATE TABLE meter_upload_tokens (
         meter_id TEXT PRIMARY KEY REFERENCES meters(id), token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)`,
    ],
  },
  {
    version: 3,
    name: 'every result kind: generic results, published parameters, challenges, claims',
    sql: [
      // Results of any kind: outputs and registry bindings as JSON text; uniqueness on a per-kind statement
      // key (bill: meter, circuit, period as before; other kinds add what their binding names, certify.ts).
      // SQLite cannot drop NOT NULL from the bill columns, so the table is rebuilt and the rows copied.
      `CREATE TABLE results_any (
         id TEXT PRIMARY KEY, kind TEXT NOT NULL, circuit TEXT NOT NULL, meter_id TEXT NOT NULL REFERENCES meters(id),
         start_day INTEGER NOT NULL, days INTEGER NOT NULL, supplier_id TEXT NOT NULL, substation_id TEXT,
         statement_key TEXT NOT NULL UNIQUE, outputs TEXT NOT NULL, bindings TEXT NOT NULL,
         proof_digest TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `INSERT INTO results_any (id, kind, circuit, meter_id, start_day, days, supplier_id, substation_id, statement_key, outputs, bindings, proof_digest, body, created_at)
       SELECT id, kind, circuit, meter_id, start_day, days, supplier_id, substation_id,
              'bill|' || meter_id || '|' || circuit || '|' || start_day || '|' || days,
              '{"bill":"' || bill || '","settlement":"' || settlement || '","consumption":"' || consumption || '"}',
              CASE WHEN value_digest IS NULL THEN '{"tariffDigest":"' || tariff_digest || '","valueOfEnergyDigest":null}'
                   ELSE '{"tariffDigest":"' || tariff_digest || '","valueOfEnergyDigest":"' || value_digest || '"}' END,
              proof_digest, body, created_at
         FROM results`,
      `DROP TABLE results`,
      `ALTER TABLE results_any RENAME TO results`,
      `CREATE INDEX results_period ON results(start_day, days)`,
      `CREATE INDEX results_supplier ON results(supplier_id, start_day)`,
      `CREATE INDEX results_kind ON results(kind, start_day)`,
      `CREATE INDEX results_meter ON results(meter_id, start_day)`,
      // Exclusive claims (a kind's binding names the scope): one row per claimed day, so the database itself
      // refuses a claim that overlaps another, also under concurrent submissions to several instances.
      `CREATE TABLE result_claim_days (
         scope TEXT NOT NULL, day INTEGER NOT NULL, result_id TEXT NOT NULL REFERENCES results(id),
         PRIMARY KEY (scope, day))`,
      // A meter may have one tariff per document kind and day (a tariff for bills, an assigned document format).
      `ALTER TABLE tariff_assignments ADD COLUMN kind TEXT NOT NULL DEFAULT 'tariff'`,
      // Published parameters of the result kinds (the document formats their statements name):
      // immutable, one document per (kind, id), optionally valid on days valid_from .. valid_to only.
      `CREATE TABLE parameters (
         digest TEXT PRIMARY KEY REFERENCES documents(digest), kind TEXT NOT NULL, doc_id TEXT NOT NULL,
         role TEXT NOT NULL, publisher TEXT NOT NULL, subject TEXT, valid_from INTEGER, valid_to INTEGER,
         created_at TEXT NOT NULL, UNIQUE (kind, doc_id))`,
      `CREATE INDEX parameters_kind ON parameters(kind, valid_from)`,
      // Challenges the API issued; a result answers exactly one of them.
      `CREATE TABLE challenges (
         id TEXT PRIMARY KEY, meter_id TEXT NOT NULL REFERENCES meters(id), start_day INTEGER NOT NULL,
         days INTEGER NOT NULL, issuer TEXT NOT NULL, issued_by TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE INDEX challenges_meter ON challenges(meter_id, start_day)`,
      // The free-form scheme parameter sets become published parameters: one registry, not two.
      async (q) => {
        const rows = await q.all<any>('SELECT id, publisher, body, created_at FROM scheme_parameters');
        for (const r of rows) {
          const digest = legacySchemeDigest(r.id, JSON.parse(r.body));
          await q.run('INSERT INTO documents (digest, kind, doc_id, publisher, body, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING', [digest, 'scheme-parameters', r.id, r.publisher, r.body, r.created_at]);
          await q.run("INSERT INTO parameters (digest, kind, doc_id, role, publisher, created_at) VALUES (?, 'scheme-parameters', ?, 'scheme', ?, ?)", [digest, r.id, r.publisher, r.created_at]);
        }
      },
      `DROP TABLE scheme_parameters`,
    ],
  },
  {
    version: 4,
    name: 'supplier history of meters (supplier switches)',
    sql: [
      // Who supplies a meter on which days: valid_from .. valid_to inclusive, NULL at either end open (the
      // first supplier since registration, the current one). A switch closes the open row and opens the
      // next; one open row per meter, also under concurrent switches on several instances.
      `CREATE TABLE meter_suppliers (
         meter_id TEXT NOT NULL REFERENCES meters(id), supplier_id TEXT NOT NULL REFERENCES suppliers(id),
         valid_from INTEGER, valid_to INTEGER, created_at TEXT NOT NULL)`,
      `CREATE INDEX meter_suppliers_meter ON meter_suppliers(meter_id, valid_from)`,
      `CREATE INDEX meter_suppliers_supplier ON meter_suppliers(supplier_id)`,
      `CREATE UNIQUE INDEX meter_suppliers_open ON meter_suppliers(meter_id) WHERE valid_to IS NULL`,
      // Every registered meter has been supplied by its supplier since registration.
      `INSERT INTO meter_suppliers (meter_id, supplier_id, valid_from, valid_to, created_at)
       SELECT id, supplier_id, NULL, NULL, created_at FROM meters`,
    ],
  },
  {
    version: 5,
    name: 'operator signing key (trust snapshots)',
    sql: [
      // The Ed25519 key the operator signs GET /v1/trust/snapshot with (verifier-api/trust-snapshot.ts):
      // one row, created on first use, shared by every instance of the deployment.
      `CREATE TABLE operator_keys (
         id TEXT PRIMARY KEY, algorithm TEXT NOT NULL, public_key TEXT NOT NULL, private_key TEXT NOT NULL,
         created_at TEXT NOT NULL)`,
    ],
  },
  {
    version: 6,
    name: 'compact results: the proof, the statement by document digests and the outputs, not the submitted body',
    sql: [
      // results.ts: what a row keeps and how GET /v1/results/{id} and the evidence export rebuild the file
      `ALTER TABLE results ADD COLUMN proof TEXT NOT NULL DEFAULT ''`,
      `ALTER TABLE results ADD COLUMN statement TEXT NOT NULL DEFAULT ''`,
      `ALTER TABLE results ADD COLUMN output_signals TEXT NOT NULL DEFAULT ''`,
      // imported when the migration runs: this module is loaded by every `meterproof` start (DEFAULT_DB)
      async (q) => (await import('./results.js')).compactStoredBodies(q),
      `ALTER TABLE results DROP COLUMN body`,
    ],
  },
  {
    version: 7,
    name: 'mailbox of certified-result requests',
    sql: [
      // verifier-api/requests.ts: a result delivered for a service's request, kept for that service's key;
      // one delivery per request and meter. The signed request is kept as delivered (evidence of the ask).
      `CREATE TABLE request_deliveries (
         request_digest TEXT NOT NULL, meter_id TEXT NOT NULL REFERENCES meters(id),
         result_id TEXT NOT NULL REFERENCES results(id), service_key TEXT NOT NULL, request TEXT NOT NULL,
         delivered_at TEXT NOT NULL, PRIMARY KEY (request_digest, meter_id))`,
      `CREATE INDEX request_deliveries_service ON request_deliveries(request_digest, service_key)`,
    ],
  },
];

/**
 * Digest of a free-form scheme parameter set (PUT /v1/scheme-parameters/{id}). Its id is part of what is
 * hashed: two sets with equal parameters under different ids are two documents.
 */
export function legacySchemeDigest(id: string, parameters: unknown): string {
  return documentDigest({ kind: 'scheme-parameters', id, parameters });
}

async function migrate(db: Db): Promise<void> {
  if (db.dialect === 'postgres') {
    // Several instances may start at once against one database: one migrates, the others wait.
    await db.tx(async (q) => {
      await q.run('SELECT pg_advisory_xact_lock(7242011)');
      await applyMigrations(q);
    });
  } else {
    await db.tx(applyMigrations);
  }
}

async function applyMigrations(q: Queryable): Promise<void> {
  await q.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const done = new Set((await q.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    for (const step of m.sql) await (typeof step === 'string' ? q.run(step) : step(q));
    await q.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
  }
}

export async function schemaVersion(db: Queryable): Promise<number> {
  const row = await db.get<{ v: number | string | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return Number(row?.v ?? 0);
}
