/**
 * Fixtures of the result-kind API tests: two more meters (MTR-K1, MTR-K2, customers of acme behind sub-1),
 * the parameter documents their statements name, and real 1-day proofs of every kind whose adapter is
 * registered (plus one 7-day rebate claim, to overlap a 1-day one). Proved once and cached like the world
 * (support.ts); sampling is proved during the test, since its challenge is issued by the server under test.
 */
import { KINDS } from '../../kinds/registry.js';
import { proveResult } from '../../prover/prove.js';
import type { ResultJson } from '../../prover/result.js';
import { firstSlotOfDay, isoSlot, SLOTS_PER_DAY } from '../../core/time.js';
import { assembleBundle, bundleToJson, type Bundle, type BundleJson } from '../../meter/bundle.js';
import { certifyPeriod, flatTariff, syntheticReadings } from '../support/fixtures.js';
import { call, type Keys } from './harness.js';
import { cachedFixture, CIRCUIT, START_DAY, world, type World } from './support.js';

const FIXTURE_VERSION = 1;

/** The circuits the fixtures prove with (and the test server serves). */
export const KIND_CIRCUITS = ['threshold_1d', 'tiered_1d', 'compare_1d', 'rebate_1d', 'rebate_7d', 'totals_1d', 'sampling_1d', 'profile_1d', 'suspect_1d'];

/** Kinds registered now (kinds/all.ts); tests of the others are skipped. */
export const KINDS_AVAILABLE = ['threshold', 'tiered', 'compare', 'rebate', 'totals', 'sampling', 'profile', 'suspect'].filter((k) => k in KINDS);

export interface KindsWorld {
  /** acme customers behind sub-1 */
  meters: { id: string; publicKey: [string, string] }[];
  /** 1-day bundles of DAY (sampling proves during the test) */
  bundles: { k1: BundleJson; k2: BundleJson };
  documents: {
    events: object;
    tiered: object;
    tariffSet: object;
    scheme: object;
    profiles: object;
    pattern: object;
    /** a pattern bolt publishes for its own customers */
    boltPattern: object;
  };
  /** by name, only for the available kinds */
  results: Partial<{
    compliance: ResultJson;
    penalty: ResultJson;
    tiered: ResultJson;
    compare: ResultJson;
    rebateK1: ResultJson;
    /** another proof of rebateK1's claim */
    rebateK1Again: ResultJson;
    rebateK2: ResultJson;
    /** K1's 7 days up to and including DAY: overlaps rebateK1 */
    rebateK1Week: ResultJson;
    totalsK1: ResultJson;
    totalsK2: ResultJson;
    profileK1: ResultJson;
    profileK2: ResultJson;
    suspectK1: ResultJson;
  }>;
}

/** A 48-value day shape: `peak` from slot `from` for `slots` slots, `base` elsewhere. */
const shape = (base: number, peak: number, from: number, slots: number) => Array.from({ length: SLOTS_PER_DAY }, (_, s) => (s >= from && s < from + slots ? peak : base));

async function makeKindsWorld(): Promise<KindsWorld> {
  const w = await world();
  const k1 = await certifyPeriod({ startDay: START_DAY - 6, readings: syntheticReadings(7, 21), meterId: 'MTR-K1' });
  const k2 = await certifyPeriod({ startDay: START_DAY, readings: syntheticReadings(1, 22), meterId: 'MTR-K2' });
  const k1Day = assembleBundle(k1.key.meterId, k1.key.publicKey, k1.records, START_DAY, 1);
  const k1Week = k1.bundle;
  const k2Day = k2.bundle;

  // the evening event's cap sits just above K1's readings in it, so K1 complies
  const eventSlot = 34;
  const capWh = Math.max(...k1Day.readingsWh.slice(eventSlot, eventSlot + 4)) + 10;
  const documents = {
    events: { format: 'meterproof-dr-events/1', id: 'grid-dr-2025-01', name: 'Grid demand response, January 2025', penaltyRate: 150_000, events: [{ start: isoSlot(firstSlotOfDay(START_DAY) + eventSlot), slots: 4, capWh }] },
    tiered: {
      format: 'meterproof-tiered-tariff/1',
      id: 'acme-tiered-2025',
      name: 'Acme Tiered',
      standingChargePerDay: 30_000,
      tiers: [
        { fromWh: 0, price: 12_000 },
        { fromWh: 500, price: 25_000 },
      ],
      blocks: [
        { fromWhPerDay: 0, rate: 0 },
        { fromWhPerDay: 10_000, rate: 2_000 },
      ],
    },
    tariffSet: { format: 'meterproof-tariff-set/1', id: 'switch-2025-01', name: 'Offers, January 2025', tariffs: [{ ...flatTariff(15_000, 40_000, 'cheap-flat'), name: 'Cheap Flat' }, w.tariffs.acme] },
    scheme: {
      format: 'meterproof-rebate-scheme/1',
      id: 'warm-homes-2025',
      name: 'Warm homes saving rebate',
      currency: 'GBP',
      thresholdWhPerDay: 30_000,
      brackets: [
        { fromWh: 0, rate: 4_000 },
        { fromWh: 5_000, rate: 6_000 },
        { fromWh: 10_000, rate: 9_000 },
      ],
    },
    profiles: {
      format: 'meterproof-profile-set/1',
      id: 'classes-2025',
      name: 'Household classes',
      scoreLevels: 100,
      profiles: [
        { name: 'morning peak', shape: shape(200, 900, 14, 6) },
        { name: 'evening peak', shape: shape(200, 900, 34, 10) },
        { name: 'night storage', shape: shape(200, 900, 0, 14) },
      ],
    },
    pattern: { format: 'meterproof-suspect-pattern/1', id: 'grow-lights', name: 'Twelve hours on, twelve off', thresholdPermille: 500, shape: shape(100, 2_000, 0, 24) },
    boltPattern: { format: 'meterproof-suspect-pattern/1', id: 'bolt-night-load', name: 'Bolt: night load', thresholdPermille: 300, shape: shape(100, 1_500, 0, 12) },
  };

  const prove = async (kind: string, bundle: Bundle, fields: Record<string, unknown>) => (kind in KINDS ? proveResult({ kind, bundle, fields }) : undefined);
  const results: KindsWorld['results'] = {
    compliance: await prove('threshold', k1Day, { mode: 'compliance', events: documents.events }),
    penalty: await prove('threshold', k1Day, { mode: 'penalty', events: documents.events, tariff: w.tariffs.acme }),
    tiered: await prove('tiered', k2Day, { tariff: documents.tiered }),
    compare: await prove('compare', k1Day, { tariffs: documents.tariffSet, current: 1 }),
    rebateK1: await prove('rebate', k1Day, { scheme: documents.scheme }),
    rebateK1Again: await prove('rebate', k1Day, { scheme: documents.scheme }),
    rebateK2: await prove('rebate', k2Day, { scheme: documents.scheme }),
    rebateK1Week: await prove('rebate', k1Week, { scheme: documents.scheme }),
    totalsK1: await prove('totals', k1Day, {}),
    totalsK2: await prove('totals', k2Day, {}),
    profileK1: await prove('profile', k1Day, { profiles: documents.profiles }),
    profileK2: await prove('profile', k2Day, { profiles: documents.profiles }),
    suspectK1: await prove('suspect', k1Day, { pattern: documents.pattern }),
  };
  const pk = (k: { publicKey: [bigint, bigint] }): [string, string] => [k.publicKey[0].toString(), k.publicKey[1].toString()];
  return {
    meters: [
      { id: 'MTR-K1', publicKey: pk(k1.key) },
      { id: 'MTR-K2', publicKey: pk(k2.key) },
    ],
    bundles: { k1: bundleToJson(k1Day), k2: bundleToJson(k2Day) },
    documents,
    results,
  };
}

/** The kinds world, from the cache when its keys and the available kinds are still the current ones. */
export function kindsWorld(): Promise<KindsWorld> {
  return cachedFixture(`kinds-v${FIXTURE_VERSION}-${KINDS_AVAILABLE.join('.')}`, [CIRCUIT, ...KIND_CIRCUITS], makeKindsWorld);
}

/** Registers MTR-K1 and MTR-K2 (acme customers behind sub-1) and assigns them acme's tariff for January. */
export async function registerKindMeters(base: string, keys: Keys, w: World, kw: KindsWorld): Promise<void> {
  for (const m of kw.meters) {
    const r = await call(base, 'POST', '/v1/meters', { key: keys.registrar, body: { id: m.id, supplierId: 'acme', substationId: 'sub-1', publicKey: m.publicKey, validFrom: '2024-01-01' } });
    if (r.status !== 201) throw new Error(`meter ${m.id}: HTTP ${r.status} ${r.text}`);
  }
  const t = await call(base, 'POST', '/v1/tariffs', { key: keys.acme, body: { tariff: w.tariffs.acme, meters: kw.meters.map((m) => m.id), from: '2025-01-01', to: '2025-01-31' } });
  if (t.status !== 201) throw new Error(`acme tariff for the kind meters: HTTP ${t.status} ${t.text}`);
}
