/**
 * Starting and stopping the verifier API: database (migrated), pinned keys, verification workers, HTTP.
 * Keys missing at start are added on request while it runs (provision.ts). Stopping is graceful: no new
 * connections, in-flight requests (and their verifications) finish, a running key job is stopped, then
 * the workers and the database close.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createApp, DEFAULT_RATE_LIMIT } from './app.js';
import { Certifier } from './certify.js';
import { DEFAULT_DB, openDb } from './db.js';
import { loadPinnedKeys, type PinnedKey } from './pinned-keys.js';
import { Provisioner } from './provision.js';
import type { Limit } from './rate-limit.js';
import { Store } from './store.js';
import { VerifyPool } from './verify-pool.js';

export { DEFAULT_DB };

export interface ServeOptions {
  /** SQLite file path or postgres:// URL */
  database?: string;
  port?: number;
  host?: string;
  /** restrict to these circuits (each must have an acceptable key) */
  circuits?: string[];
  /** a published key bundle (keys/bundle.ts) instead of the keys under build/ */
  keysBundle?: string;
  /** refuse development keys */
  production?: boolean;
  /** where keys are found, built and fetched (default build/; laid out like it: <dir>/<circuit>/keys/) */
  keyDir?: string;
  /** a verifier API the missing keys are fetched from, on request (provision.ts) */
  keysFrom?: string;
  /** a ceremony directory open for browser contributions, and its invitation token */
  ceremony?: string;
  ceremonyToken?: string;
  workers?: number;
  maxBatch?: number;
  maxQueue?: number;
  bodyLimit?: string;
  rateLimit?: { perKey: Limit; perAddress: Limit; failedAuth?: Limit };
  trustProxy?: boolean | number | string;
  /** the URL clients reach the API at (AppOptions.publicUrl) */
  publicUrl?: string;
  logger?: Logger;
  logLevel?: string;
  /** today's UTC day number, for tests */
  today?: () => number;
}

export interface RunningServer {
  url: string;
  port: number;
  store: Store;
  pool: VerifyPool;
  keys: Map<string, PinnedKey>;
  /** adds missing keys on request */
  provisioner: Provisioner;
  log: Logger;
  /** the invitation token of the open ceremony, if any */
  ceremonyToken?: string;
  /** the Express application (tests read its routes) */
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export async function startServer(o: ServeOptions = {}): Promise<RunningServer> {
  const log = o.logger ?? pino({ level: o.logLevel ?? process.env.LOG_LEVEL ?? 'info', base: { service: 'meterproof-verifier-api' } });
  const { keys, refused, absent } = await loadPinnedKeys({ only: o.circuits, bundle: o.keysBundle, production: o.production, root: o.keyDir });
  for (const message of refused.values()) log.warn({ refused: message }, 'verification key not loaded');
  if (absent.length) log.info({ circuits: absent }, 'no keys yet for these circuits');
  if (o.circuits) {
    const missing = o.circuits.filter((c) => !keys.has(c));
    const why = [...refused.values(), ...absent.map((id) => `${id}: no keys (meterproof setup --circuit ${id}, or meterproof keys fetch)`)];
    if (missing.length) throw new Error(`cannot serve circuit(s) ${missing.join(', ')}: ${why.join('; ') || 'unknown circuit'}`);
  }
  // A fresh checkout starts without keys: health, OpenAPI and the page work, results wait for keys.
  if (keys.size === 0) log.warn(`no circuit has a verification key yet: nothing can be certified until an operator adds keys (POST /v1/keys/{circuit}${o.production ? '' : ', development keys'}${o.keysFrom ? `, fetched from ${o.keysFrom}` : ''}; docs/verifier-api.md)`);
  else log.info({ circuits: [...keys.keys()] }, 'can verify');
  for (const k of keys.values()) {
    if (k.ceremonyMode === 'development') log.warn({ circuit: k.circuit.id }, 'verification key from the INSECURE development ceremony: proofs are not trustworthy in production');
  }

  const db = await openDb(o.database ?? DEFAULT_DB);
  const store = new Store(db);
  const pool = new VerifyPool({ vkeys: Object.fromEntries([...keys].map(([id, k]) => [id, k.vkey])), workers: o.workers, maxBatch: o.maxBatch, maxQueue: o.maxQueue });
  try {
    await pool.ready();
  } catch (e) {
    await pool.close().catch(() => {});
    await db.close();
    throw e;
  }
  const provisioner = new Provisioner({ keys, refused, pool, log, production: o.production, root: o.keyDir, upstream: o.keysFrom, only: o.circuits });
  const certifier = new Certifier({ store, pool, keys, keyRefusal: (id) => provisioner.refusal(id), today: o.today });
  let closing = false;
  const app = createApp({ store, certifier, pool, keys, log, bodyLimit: o.bodyLimit, rateLimit: o.rateLimit ?? DEFAULT_RATE_LIMIT, trustProxy: o.trustProxy, publicUrl: o.publicUrl, isClosing: () => closing, today: o.today, keyService: { production: o.production, ceremony: o.ceremony, ceremonyToken: o.ceremonyToken, provisioner } });

  const server: Server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 8080, o.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await pool.close();
    await db.close();
    throw new Error(`cannot listen on ${o.host ?? '127.0.0.1'}:${o.port ?? 8080}: ${(e as Error).message}`);
  }
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  const port = (server.address() as AddressInfo).port;
  const host = o.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, database: db.description, circuits: [...keys.keys()], workers: pool.workers }, 'verifier API listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    store,
    pool,
    keys,
    provisioner,
    log,
    ceremonyToken: o.ceremonyToken,
    app,
    close() {
      closed ??= (async () => {
        closing = true;
        log.info('shutting down: finishing in-flight requests');
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // keep-alive connections are closed as soon as their last response is out
        server.closeIdleConnections();
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        // connections that stay busy past a grace period are cut
        const force = setTimeout(() => server.closeAllConnections(), 25_000);
        await stopped;
        clearInterval(idle);
        clearTimeout(force);
        await provisioner.close();
        await pool.close();
        await db.close();
        log.info('stopped');
      })();
      return closed;
    },
  };
}
