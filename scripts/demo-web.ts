/**
 * `npm run demo:web`: the household web page on embedded defaults, on a fresh machine.
 *
 *   1. builds the page (Vite) and the bill circuit with its development keys (both cached)
 *   2. starts the verifier API on a fresh SQLite database in out/demo-web/
 *   3. meter MAC000002 signs January 2013 day by day (real London readings, or generated ones without
 *      ../shared/data); the supplier publishes its tariff, the grid its value-of-energy vector
 *   4. the meter seals the month under a new household key and uploads it with its upload token
 *   5. prints the page's URL, the meter id and the key, and serves until Ctrl-C
 *
 * Options: --port N (default 8080; 0 picks a free one), --days 1|7|31 (default 31).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setupCircuits } from '../cli/setup.js';
import { REPO_ROOT } from '../core/paths.js';
import { circuitForDays } from '../kinds/registry.js';
import { dayOf } from '../core/time.js';
import { generateMeterKey } from '../meter/meter-key.js';
import { startServer } from '../verifier-api/server.js';
import { buildWeb } from '../web/build.js';
import { certifyDays, DEMO_METER_ID, DEMO_START, demoDataSource, demoReadings, demoTariff, demoValueVector } from './demo-data.js';
import { createPartyKeys, provisionHousehold } from './household-provision.js';

const OUT = join(REPO_ROOT, 'out', 'demo-web');
const SUPPLIER = 'lcl-energy';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const step = (title: string) => console.log(`\n== ${title}`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, days: { type: 'string', default: '31' } } });
  const port = Number(values.port);
  const days = Number(values.days);
  if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);
  if (![1, 7, 31].includes(days)) throw new Error(`--days must be 1, 7 or 31, got "${values.days}"`);

  step('1. the page and the circuit (cached after the first run)');
  const web = await buildWeb({ log: (m) => console.log(`   ${m}`) });
  console.log(`   page: ${web.built ? 'built' : 'up to date'} (${seconds(web.ms)})`);
  const circuit = circuitForDays('bill', days).id;
  let t = performance.now();
  await setupCircuits({ only: [circuit], log: (m) => !m.startsWith('  [') && console.log(`   ${m}`) });
  console.log(`   ${circuit}: ready (${seconds(performance.now() - t)})`);

  step('2. the verifier API on a fresh database');
  const database = join(OUT, 'verifier-api.sqlite3');
  for (const suffix of ['', '-wal', '-shm']) rmSync(database + suffix, { force: true });
  const keys = await createPartyKeys(database, SUPPLIER);
  const server = await startServer({ database, port, circuits: [circuit], logLevel: 'error' }).catch((e: Error) => {
    throw new Error(`${e.message}${/EADDRINUSE/.test(e.message) ? ' (another program uses the port: try --port 0 for a free one)' : ''}`);
  });
  console.log(`   listening on ${server.url} (SQLite ${database})`);

  step(`3. meter ${DEMO_METER_ID} certifies ${days} day(s) from ${DEMO_START}; supplier and grid publish`);
  const startDay = dayOf(DEMO_START);
  const readings = demoReadings(startDay, days);
  console.log(`   readings: ${demoDataSource}`);
  t = performance.now();
  const meterKey = await generateMeterKey(DEMO_METER_ID);
  const { bundle } = await certifyDays(meterKey, startDay, readings);
  console.log(`   ${days} daily signatures in ${seconds(performance.now() - t)}`);

  step('4. the meter seals the readings under the household key and uploads them');
  const { userKey, envelope } = await provisionHousehold({ api: server.url, keys, supplierId: SUPPLIER, bundle, tariff: demoTariff(startDay, days), valueOfEnergy: demoValueVector(startDay, days) });
  console.log(`   uploaded ${JSON.stringify(envelope).length} bytes of ciphertext; the service cannot read them`);

  step('5. open the page');
  console.log(`
   Open     ${server.url}/?meter=${DEMO_METER_ID}
   Meter    ${DEMO_METER_ID}
   Key      ${userKey.key}

   Type (or paste) the key, look at your readings, then "Prove and send".
   The page runs in this computer's browser (http on 127.0.0.1 counts as a secure origin).
   Ctrl-C stops the service.`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping');
    server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`\ndemo:web failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
