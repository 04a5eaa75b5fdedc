/**
 * Aggregates over certified results, exact: amounts are bigint, written as decimal strings. Settlement
 * counts bill results of exactly the asked period (a 7-day bill is not split into days); substation
 * balancing counts the certified consumption of a source: bill results of exactly the period, or a kind's
 * balancing source (its service's features.balance, kinds/service.ts).
 */
import { isoDay } from '../core/time.js';
import { KINDS } from '../kinds/registry.js';
import type { ApiServices, BalanceSource, MeterConsumption, StoredResult } from '../kinds/service.js';
import type { Store } from './store.js';

const amount = (r: StoredResult, output: string) => BigInt(r.outputs[output] as string);
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
  let settlementSum = 0n;
  let consumptionSum = 0n;
  for (const r of results) {
    const e = entry(r.supplierId);
    e.settlement += amount(r, 'settlement');
    e.consumption += amount(r, 'consumption');
    e.bill += amount(r, 'bill');
    e.meters.add(r.meterId);
    settlementSum += amount(r, 'settlement');
    consumptionSum += amount(r, 'consumption');
  }
  // a meter switched within the period is missing for each supplier of its days (no bill can span a switch)
  const missing = new Map<string, string[]>();
  const certified = new Set(results.map((r) => r.meterId));
  for (const m of await store.metersActiveIn(startDay, days)) {
    if (certified.has(m.id)) continue;
    entry(m.supplierId);
    if (!missing.has(m.supplierId)) missing.set(m.supplierId, []);
    const list = missing.get(m.supplierId)!;
    if (list[list.length - 1] !== m.id) list.push(m.id); // a meter's rows come together (ordered by meter)
  }
  const rows: SupplierSettlement[] = byId(suppliers.entries()).map(([supplierId, e]) => ({
      supplierId,
      settlement: e.settlement.toString(),
      consumption: e.consumption.toString(),
      bill: e.bill.toString(),
      settlementShare: ratio(e.settlement, settlementSum),
      consumptionShare: ratio(e.consumption, consumptionSum),
      metersCounted: e.meters.size,
      missingMeters: missing.get(supplierId) ?? [],
    }));
  return {
    period: { start: isoDay(startDay), days },
    units: { settlement: 'micro-pence', bill: 'micro-pence', consumption: 'Wh' },
    total: { settlement: settlementSum.toString(), consumption: consumptionSum.toString(), metersCounted: certified.size },
    suppliers: rows,
  };
}

/** The sources of GET /v1/substations/balance by name: bill results (the default), then the kinds'. */
export const BALANCE_SOURCES: Record<string, BalanceSource> = {
  bill: {
    description: 'bill results of exactly the period',
    consumption: async (api, startDay, days) => (await api.resultsOfPeriod('bill', startDay, days)).map((r) => ({ meterId: r.meterId, substationId: r.substationId, wh: amount(r, 'consumption') })),
  },
  ...Object.fromEntries(Object.values(KINDS).flatMap((k) => (k.service.features?.balance ? [[k.kind, k.service.features.balance]] : []))),
};

/**
 * Certified consumption per substation against the feeder measurement the grid posted. A substation is
 * flagged when |certified − measured| > tolerance × measured (tolerance as a fraction, e.g. 0.05), or
 * when there is no measurement to check against.
 */
export async function substationBalance(store: Store, api: ApiServices, startDay: number, days: number, tolerancePpm: bigint, source = 'bill') {
  const results: MeterConsumption[] = await BALANCE_SOURCES[source].consumption(api, startDay, days);
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
    const list = missing.get(m.substationId)!;
    if (list[list.length - 1] !== m.id) list.push(m.id); // once, also when switched within the period
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
