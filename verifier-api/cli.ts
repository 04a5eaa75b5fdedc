/**
 * `meterproof api serve` and `meterproof api key create`, registered on the main CLI by
 * registerApiCommands(program).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from '../kinds/roles.js';
import { DEFAULT_DB } from './db.js';

// The server, the database drivers and Express are imported by the commands that run them, not by every
// `meterproof` start (cli/main.ts registers these commands eagerly).

function intOption(min: number, max: number) {
  return (text: string) => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return Number(text);
  };
}

/** `--public-url`: an http(s) URL, kept as its origin (what a request's mailbox is compared by). */
function publicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError('expected an absolute URL such as https://api.example.org');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError('expected an http(s) URL');
  return url.origin;
}

interface DbOptions {
  db?: string;
  databaseUrl?: string;
  dataDir?: string;
}

function databaseOf(o: DbOptions): string {
  if (o.db && o.databaseUrl) throw new InvalidArgumentError('give --db or --database-url, not both');
  if (o.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(o.databaseUrl)) throw new InvalidArgumentError('--database-url must be a postgres:// URL');
    return o.databaseUrl;
  }
  if (o.db) return o.db;
  return o.dataDir ? join(o.dataDir, 'verifier-api.sqlite3') : (process.env.DATABASE_URL ?? DEFAULT_DB);
}

const dbOptions = (c: Command) =>
  c
    .option('--db <file>', `SQLite database file (default ${DEFAULT_DB})`)
    .option('--database-url <url>', 'PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/meterproof (default $DATABASE_URL)')
    .option('--data-dir <dir>', 'data folder for the default SQLite database');

export function registerApiCommands(program: Command): void {
  const api = program.command('api').description('the verifier API service (certified results, registries, settlement)');

  dbOptions(
    api
      .command('serve')
      .description('run the verifier API (stops gracefully on SIGTERM / SIGINT)')
      .option('--port <n>', 'TCP port', intOption(0, 65535), 8080)
      .option('--host <addr>', 'address to listen on', '127.0.0.1')
      .option('--circuit <id...>', 'serve only these circuits (default: every circuit with built keys)')
      .option('--keys <bundle>', 'load the keys of a published key bundle (meterproof ceremony publish) instead of build/')
      .option('--key-dir <dir>', 'where keys are found, built and fetched, laid out like build/ (default build/)')
      .option('--keys-from <api>', 'a verifier API to fetch missing keys from, on request (POST /v1/keys/{circuit})')
      .option('--production', 'refuse development keys (single-party or INSECURE development phase 1)')
      .option('--ceremony <dir>', 'open this ceremony directory for contributions from the browser page (/contribute.html)')
      .option('--ceremony-token <token>', 'invitation token contributors must give (default: a random one, printed)')
      .option('--workers <n>', 'verification worker threads (default: one per core)', intOption(1, 64))
      .option('--max-batch <n>', 'largest verification batch', intOption(1, 1024), 64)
      .option('--body-limit <size>', 'largest request body', '1mb')
      .option('--rate <perSecond>', 'requests per second per API key (0: unlimited)', intOption(0, 1e6), 200)
      .option('--rate-address <perSecond>', 'requests per second per client address without a key (0: unlimited)', intOption(0, 1e6), 50)
      .addOption(new Option('--trust-proxy <hops>', 'behind a load balancer: number of proxy hops to trust for client addresses').argParser(intOption(0, 10)))
      .option('--public-url <url>', "the URL households and services reach the API at: requests whose mailbox has another origin are refused (default: the origin each delivery is sent to)", publicUrl)
      .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  ).action(async (o: DbOptions & { keys?: string; keyDir?: string; keysFrom?: string; production?: boolean; ceremony?: string; ceremonyToken?: string; port: number; host: string; circuit?: string[]; workers?: number; maxBatch: number; bodyLimit: string; rate: number; rateAddress: number; trustProxy?: number; publicUrl?: string; logLevel: string }) => {
    const [{ startServer }, { loadCircuits }] = await Promise.all([import('./server.js'), import('../kinds/registry.js')]);
    const running = await startServer({
      database: databaseOf(o),
      port: o.port,
      host: o.host,
      circuits: o.circuit,
      keysBundle: o.keys,
      keyDir: o.keyDir,
      keysFrom: o.keysFrom,
      // the command line's global --production (cli/keys.ts) takes the flag wherever it is written
      production: o.production || program.opts().production === true || process.env.METERPROOF_PRODUCTION === '1',
      ceremony: o.ceremony,
      ceremonyToken: o.ceremony ? (o.ceremonyToken ?? randomBytes(16).toString('hex')) : undefined,
      workers: o.workers,
      maxBatch: o.maxBatch,
      bodyLimit: o.bodyLimit,
      rateLimit: { perKey: { perSecond: o.rate, burst: o.rate * 2 }, perAddress: { perSecond: o.rateAddress, burst: o.rateAddress * 2 } },
      trustProxy: o.trustProxy,
      publicUrl: o.publicUrl,
      logLevel: o.logLevel,
    });
    // Print the address for scripts (tests start the server as a child process and read this line).
    console.log(`meterproof api listening on ${running.url}`);
    const kinds = [...new Set([...running.keys.values()].map((k) => k.circuit.kind))].sort();
    console.log(kinds.length ? `can verify: ${kinds.join(', ')} (circuits ${[...running.keys.keys()].join(', ')})` : 'can verify: nothing yet (no keys)');
    const missing = loadCircuits().filter((c) => !running.keys.has(c.id) && running.provisioner.served(c.id));
    if (missing.length) console.log(`without keys: ${missing.map((c) => c.id).join(', ')} (GET /v1/keys); to add one while the API runs: ${running.provisioner.howToAdd(missing[0].id).replace(missing[0].id, '{circuit}')}`);
    if (o.ceremony) console.log(`ceremony ${o.ceremony} open at ${running.url}/contribute.html; invitation token: ${running.ceremonyToken}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        running.log.info({ signal }, 'signal received');
        running.close().then(resolve, (e) => {
          running.log.error({ err: e }, 'error while stopping');
          resolve();
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  });

  const key = api.command('key').description('API keys');
  dbOptions(
    key
      .command('create')
      .description('create an API key and print it (it is stored hashed: this is the only time it is shown)')
      .addOption(new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory())
      .requiredOption('--name <name>', 'who holds the key; for a supplier key, the supplier id it acts for unless --supplier is given')
      .option('--supplier <id>', 'supplier id a supplier key acts for'),
  ).action(async (o: DbOptions & { role: Role; name: string; supplier?: string }) => {
    if (o.supplier && o.role !== 'supplier') throw new InvalidArgumentError('--supplier is only for --role supplier');
    const [{ openDb }, { Store }] = await Promise.all([import('./db.js'), import('./store.js')]);
    const db = await openDb(databaseOf(o));
    try {
      const subject = o.role === 'supplier' ? (o.supplier ?? o.name) : null;
      const { key: secret, record } = await new Store(db).createApiKey(o.role, o.name, subject);
      console.log(secret);
      console.error(`created ${record.role} key ${record.id} for "${record.name}"${subject ? ` (supplier ${subject})` : ''} in ${db.description}; store it now, it is not shown again`);
    } finally {
      await db.close();
    }
  });
}
