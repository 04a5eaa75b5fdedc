/**
 * Aggregates over certified results, exact: amounts are bigint, written as decimal strings. Settlement
 * counts bill results of exactly the asked period (a 7-day bill is not split into days); substation
 * balancing counts bills of exactly the period or, from totals results, the certified sub-period equal to
 * it; rebate payouts sum claims; profile classes count households per class.
 */
import { loadCircuits } from '../kinds/registry.js';
import { subPeriods } from '../kinds/totals/circuit.js';
import { isoDay } from '../core/time.js';
import type { ParameterStore } from './parameters.js';
import type { ResultRow, Store } from './store.js';

const amount = (r: ResultRow, output: string) => BigInt(r.outputs[output] as string);
const byId = <T>(entries: Iterable<[string, T]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** num/den as a decimal string with `places` digits after the point (truncated toward zero); null if den = 0. */
export function ratio(num: bigint, den: bigint, places = 9): string | null {
  if (den === 0n) return null;
  const negative = num < 0n !== den < 0n && num !== 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  const scaled = (a * 10n ** BigInt(places)) / b;
  const s = scaled.toString().padStart(places + 1, '0');
  return `${negative ? '-' : ''}${s.slice(0, -places)}.${s.slice(-places)}`;
}

export interface SupplierSettlement {
  supplierId: string;
  settlement: string;
  consumption: string;
  bill: string;
  settlementShare: string | null;
  consumptionShare: string | null;
  metersCounted: number;
  missingMeters: string[];
}

export async function settlement(store: Store, startDay: number, days: number) {
  const results = await store.resultsOfPeriod(startDay, days);
  const suppliers = new Map<string, { settlement: bigint; consumption: bigint; bill: bigint; meters: Set<string> }>();
  const entry = (id: string) => {
    let e = suppliers.get(id);
    if (!e) suppliers.set(id, (e = { settlement: 0n, consumption: 0n, bill: 0n, meters: new Set() }));
    return e;
  };
  for (const p of await store.listParties('suppliers')) entry(p.id);
  let totalSettlement = 0n;
  let totalConsumption = 0n;
  for (const r of results) {
    const e = entry(r.supplierId);
    e.settlement += amount(r, 'settlement');
    e.consumption += amount(r, 'consumption');
    e.bill += amount(r, 'bill');
    e.meters.add(r.meterId);
    totalSettlement += amount(r, 'settlement');
    totalConsumption += amount(r, 'consumption');
  }
  const missing = new Map<string, string[]>();
  const certified = new Set(results.map((r) => r.meterId));
  for (const m of await store.metersActiveIn(startDay, days)) {
    if (certified.has(m.id)) continue;
    entry(m.supplierId);
    if (!missing.has(m.supplierId)) missing.set(m.supplierId, []);
    missing.get(m.supplierId)!.push(m.id);
  }
  const rows: SupplierSettlement[] = byId(suppliers.entries()).map(([supplierId, e]) => ({
      supplierId,
      settlement: e.settlement.toString(),
      consumption: e.consumption.toString(),
      bill: e.bill.toString(),
      settlementShare: ratio(e.settlement, totalSettlement),
      consumptionShare: ratio(e.consumption, totalConsumption),
      metersCounted: e.meters.size,
      missingMeters: missing.get(supplierId) ?? [],
    }));
  return {
    period: { start: isoDay(startDay), days },
    units: { settlement: 'micro-pence', bill: 'micro-pence', consumption: 'Wh' },
    total: { settlement: totalSettlement.toString(), consumption: totalConsumption.toString(), metersCounted: certified.size },
    suppliers: rows,
  };
}

export type BalanceSource = 'bill' | 'totals';

const circuits = new Map(loadCircuits().map((c) => [c.id, c]));

/**
 * Certified consumption of each meter for exactly the window [startDay, startDay + days): from bill results
 * of that period, or from totals results with a sub-period equal to the window (a daily total of a 7-day
 * result, a week of a monthly one). One value per meter: a meter's certified results all come from the
 * same signed readings, so two totals of one window are equal.
 */
async function certifiedConsumption(store: Store, startDay: number, days: number, source: BalanceSource): Promise<(ResultRow & { wh: bigint })[]> {
  if (source === 'bill') return (await store.resultsOfPeriod(startDay, days, 'bill')).map((r) => ({ ...r, wh: amount(r, 'consumption') }));
  const perMeter = new Map<string, ResultRow & { wh: bigint }>();
  for (const r of await store.resultsCovering('totals', startDay, days)) {
    const circuit = circuits.get(r.circuit);
    if (!circuit || perMeter.has(r.meterId)) continue;
    const windows = subPeriods({ meterId: r.meterId, publicKey: [0n, 0n], startDay: r.startDay, days: r.days }, circuit);
    const i = windows.findIndex((w) => w.startDay === startDay && w.days === days);
    if (i >= 0) perMeter.set(r.meterId, { ...r, wh: BigInt((r.outputs.totals as string[])[i]) });
  }
  return [...perMeter.values()];
}

/**
 * Certified consumption per substation against the feeder measurement the grid posted. A substation is
 * flagged when |certified − measured| > tolerance × measured (tolerance as a fraction, e.g. 0.05), or
 * when there is no measurement to compare with.
 */
export async function substationBalance(store: Store, startDay: number, days: number, tolerancePpm: bigint, source: BalanceSource = 'bill') {
  const results = await certifiedConsumption(store, startDay, days, source);
  const measured = await store.feederMeasurements(startDay, days);
  const subs = new Map<string, { consumption: bigint; meters: Set<string> }>();
  const entry = (id: string) => {
    let e = subs.get(id);
    if (!e) subs.set(id, (e = { consumption: 0n, meters: new Set() }));
    return e;
  };
  for (const s of await store.listParties('substations')) entry(s.id);
  for (const r of results) {
    if (!r.substationId) continue;
    const e = entry(r.substationId);
    e.consumption += r.wh;
    e.meters.add(r.meterId);
  }
  const missing = new Map<string, string[]>();
  const certified = new Set(results.map((r) => r.meterId));
  for (const m of await store.metersActiveIn(startDay, days)) {
    if (!m.substationId || certified.has(m.id)) continue;
    if (!missing.has(m.substationId)) missing.set(m.substationId, []);
    missing.get(m.substationId)!.push(m.id);
  }
  return {
    period: { start: isoDay(startDay), days },
    source,
    tolerance: ratio(tolerancePpm, 1_000_000n, 6),
    substations: byId(subs.entries()).map(([substationId, e]) => {
        const m = measured.get(substationId);
        const measuredWh = m === undefined ? null : BigInt(m);
        const difference = measuredWh === null ? null : e.consumption - measuredWh;
        const abs = difference === null ? null : difference < 0n ? -difference : difference;
        const flagged = measuredWh === null || abs! * 1_000_000n > tolerancePpm * (measuredWh < 0n ? -measuredWh : measuredWh);
        return {
          substationId,
          certifiedConsumption: e.consumption.toString(),
          measuredConsumption: measuredWh === null ? null : measuredWh.toString(),
          difference: difference === null ? null : difference.toString(),
          relativeDifference: difference === null ? null : ratio(difference, measuredWh!, 6),
          metersCounted: e.meters.size,
          missingMeters: missing.get(substationId) ?? [],
          flagged,
          reason: measuredWh === null ? 'no feeder measurement' : flagged ? 'difference above tolerance' : null,
        };
      }),
  };
}

/**
 * Payouts of rebate schemes: every certified claim whose whole period lies in [fromDay, toDay], per scheme
 * (optionally only the scheme with id `schemeId`): total, number of claims and meters, and each claim.
 */
export async function rebatePayouts(store: Store, parameters: ParameterStore, fromDay: number, toDay: number, schemeId?: string) {
  const schemes = new Map<string, { schemeId: string; name: string | null; total: bigint; meters: Set<string>; claims: object[] }>();
  let total = 0n;
  let claims = 0;
  for (const r of await store.resultsWithin('rebate', fromDay, toDay)) {
    const digest = String(r.bindings.schemeDigest);
    let e = schemes.get(digest);
    if (!e) {
      const p = await parameters.get(digest);
      schemes.set(digest, (e = { schemeId: p?.docId ?? '', name: (p?.body as { name?: string } | undefined)?.name ?? null, total: 0n, meters: new Set(), claims: [] }));
    }
    if (schemeId !== undefined && e.schemeId !== schemeId) continue;
    const rebate = amount(r, 'rebate');
    e.total += rebate;
    e.meters.add(r.meterId);
    e.claims.push({ resultId: r.id, meterId: r.meterId, supplierId: r.supplierId, period: { start: isoDay(r.startDay), days: r.days }, rebate: rebate.toString(), certifiedAt: r.createdAt });
    total += rebate;
    claims++;
  }
  return {
    range: { from: isoDay(fromDay), to: isoDay(toDay) },
    units: { rebate: 'micro-pence' },
    total: { rebate: total.toString(), claims },
    schemes: [...schemes.entries()]
      .filter(([, e]) => e.claims.length > 0)
      .sort(([, a], [, b]) => (a.schemeId < b.schemeId ? -1 : a.schemeId > b.schemeId ? 1 : 0))
      .map(([schemeDigest, e]) => ({ schemeId: e.schemeId, schemeDigest, name: e.name, rebate: e.total.toString(), claims: e.claims.length, meters: e.meters.size, items: e.claims })),
  };
}

/** Households per class of a published profile set, from the profile results of exactly a period. */
export async function profileClasses(store: Store, set: { digest: string; docId: string; body: unknown }, startDay: number, days: number) {
  const profiles = (set.body as { profiles: { name: string }[] }).profiles;
  const counts = profiles.map(() => 0);
  let households = 0;
  for (const r of await store.resultsOfPeriod(startDay, days, 'profile')) {
    if (r.bindings.profileSetDigest !== set.digest) continue;
    counts[Number(r.outputs.index)]++;
    households++;
  }
  return {
    set: { id: set.docId, digest: set.digest },
    period: { start: isoDay(startDay), days },
    households,
    classes: profiles.map((p, index) => ({ index, name: p.name, households: counts[index] })),
  };
}
