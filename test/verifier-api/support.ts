/**
 * Shared fixtures of the verifier API tests: a small world (two suppliers, two substations, four meters,
 * one day) and real billing_1d proofs for it. Proving costs 1-2 s each, so the proofs are made once and
 * cached in the temp folder under the verification key's hash (a new key makes new proofs).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactsOf } from '../../core/paths.js';
import { dayOf, SLOTS_PER_DAY } from '../../core/time.js';
import { assembleBundle } from '../../meter/bundle.js';
import { proveBill } from '../../prover/prove-bill.js';
import type { BillResultJson as ResultJson } from '../../prover/result.js';
import { certifyPeriod, dynamicDocument, flatTariff, syntheticPrices, syntheticReadings } from '../support/fixtures.js';

export const CIRCUIT = 'billing_1d';
export const DAY = '2025-01-15';
export const START_DAY = dayOf(DAY);
const FIXTURE_VERSION = 3;

export interface World {
  day: string;
  tariffs: { acme: object; bolt: object };
  value: object;
  meters: { id: string; supplier: 'acme' | 'bolt'; substation: 'sub-1' | 'sub-2'; publicKey: [string, string] }[];
  results: {
    a1: ResultJson;
    /** a second, independently proved result of a1's statement (snarkjs proofs are randomised) */
    a1Again: ResultJson;
    a2: ResultJson;
    b1: ResultJson;
    /** the next day for a1 (another period) */
    a1Next: ResultJson;
  };
}

export function vkeyJson(): any {
  return JSON.parse(readFileSync(artifactsOf(CIRCUIT).vkey, 'utf8'));
}

/**
 * A fixture made once and cached in the temp folder under the verification keys it was proved with (new
 * keys make new proofs). Each test file that needs it finds it there; a torn file is made again.
 */
export async function cachedFixture<T>(name: string, circuits: readonly string[], make: () => Promise<T>): Promise<T> {
  const keys = createHash('sha256');
  for (const c of circuits) keys.update(readFileSync(artifactsOf(c).vkey));
  const dir = join(tmpdir(), 'meterproof-test-cache');
  const path = join(dir, `verifier-api-${name}-${keys.digest('hex').slice(0, 16)}.json`);
  if (existsSync(path)) {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch {
      // a torn cache file: make it again
    }
  }
  const value = await make();
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, path);
  return value;
}

async function makeWorld(): Promise<World> {
  const tariffs = {
    acme: { ...flatTariff(24_500, 45_000, 'acme-flat-2025'), name: 'Acme Flat' },
    bolt: dynamicDocument(START_DAY, syntheticPrices(2 * SLOTS_PER_DAY, 5), 'tariff', 38_000, 'bolt-agile-jan'),
  };
  const value = dynamicDocument(START_DAY, syntheticPrices(2 * SLOTS_PER_DAY, 9).map((p) => Math.trunc(p / 3)), 'value-of-energy', 0, 'grid-voe-jan');
  const a1 = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(2, 11), meterId: 'MTR-A1' });
  const a1day = assembleBundle(a1.key.meterId, a1.key.publicKey, a1.records, START_DAY, 1);
  const a1next = assembleBundle(a1.key.meterId, a1.key.publicKey, a1.records, START_DAY + 1, 1);
  const a2 = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 12), meterId: 'MTR-A2' });
  const b1 = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 13), meterId: 'MTR-B1' });
  const b2 = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 14), meterId: 'MTR-B2' });
  const prove = (bundle: any, tariff: object) => proveBill({ bundle, tariff, valueOfEnergy: value });
  const pk = (k: { publicKey: [bigint, bigint] }): [string, string] => [k.publicKey[0].toString(), k.publicKey[1].toString()];
  return {
    day: DAY,
    tariffs,
    value,
    meters: [
      { id: 'MTR-A1', supplier: 'acme', substation: 'sub-1', publicKey: pk(a1.key) },
      { id: 'MTR-A2', supplier: 'acme', substation: 'sub-1', publicKey: pk(a2.key) },
      { id: 'MTR-B1', supplier: 'bolt', substation: 'sub-1', publicKey: pk(b1.key) },
      { id: 'MTR-B2', supplier: 'bolt', substation: 'sub-2', publicKey: pk(b2.key) },
    ],
    results: {
      a1: await prove(a1day, tariffs.acme),
      a1Again: await prove(a1day, tariffs.acme),
      a2: await prove(a2.bundle, tariffs.acme),
      b1: await prove(b1.bundle, tariffs.bolt),
      a1Next: await prove(a1next, tariffs.acme),
    },
  };
}

/** The world, from the cache when its key is still the current one. */
export function world(): Promise<World> {
  return cachedFixture(`world-v${FIXTURE_VERSION}`, [CIRCUIT], makeWorld);
}

export interface Crowd {
  /** supplier "crowd", substation "sub-3", tariff world.tariffs.acme, one result each for DAY */
  meters: { id: string; publicKey: [string, string] }[];
  results: ResultJson[];
}

/** More meters with one result each, for the reliability tests (cached like the world). */
export async function crowd(size = 12): Promise<Crowd> {
  const w = await world();
  return cachedFixture(`crowd${size}-v${FIXTURE_VERSION}`, [CIRCUIT], async () => {
    const c: Crowd = { meters: [], results: [] };
    for (let i = 0; i < size; i++) {
      const id = `MTR-C${String(i + 1).padStart(2, '0')}`;
      const p = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 100 + i), meterId: id, before: 1 + (i % 5) });
      c.meters.push({ id, publicKey: [p.key.publicKey[0].toString(), p.key.publicKey[1].toString()] });
      c.results.push(await proveBill({ bundle: p.bundle, tariff: w.tariffs.acme, valueOfEnergy: w.value }));
    }
    return c;
  });
}

export const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
