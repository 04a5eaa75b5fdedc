/**
 * Statements over any period from certified parts (GET /v1/statements): an annual statement, or any period
 * longer than a circuit serves, composed from the meter's certified bills already stored, without a new
 * proof. Each part keeps its own certified outputs (bill, settlement, consumption); the statement adds them
 * up exactly (bigint). Refused, with a machine-readable code and the days concerned, when the parts do not
 * tile the period exactly (a gap, an overlap, a part reaching outside it), when a part was proved with a
 * meter key that the key records (rotations) do not make the meter's key for that part's days, or when the
 * parts were billed under different tariffs (unless mixedTariffs=allow).
 *
 * What the verifier learns this way, against one proof over the whole period: docs/verifier-api.md
 * "Statements from certified parts".
 */
import type { Express, RequestHandler } from 'express';
import { isoDay } from '../core/time.js';
import { kindNamed } from '../kinds/registry.js';
import { ApiError } from './errors.js';
import { day, queryText, wrap } from './http.js';
import type { MeterKeyRecord, Role, Store } from './store.js';

/** The longest range a statement composes (ten years of monthly parts is 120 of them). */
export const MAX_STATEMENT_DAYS = 3660;

interface Part {
  id: string;
  circuit: string;
  startDay: number;
  days: number;
  supplierId: string;
  outputs: Record<string, unknown>;
  bindings: Record<string, string | number | null>;
  meterPublicKey: [string, string];
  createdAt: string;
}

const span = (from: number, to: number) => `${isoDay(from)}..${isoDay(to)} (${to - from + 1} day${to === from ? '' : 's'})`;
const refuse = (code: string, message: string, details?: Record<string, unknown>) => new ApiError(422, code, message, details);

/**
 * The meter key a stored result was proved with: in its stored statement, or in the submitted result file
 * of rows stored before results were kept compact (the `body` column).
 */
function provedWithKey(row: { statement?: string; body?: string }): [string, string] {
  return row.statement ? JSON.parse(row.statement).meterPublicKey : JSON.parse(row.body!).statement.meterPublicKey;
}

/** A meter's bills with a day in [fromDay, toDay], oldest first, with the meter key each was proved with. */
async function billsOverlapping(store: Store, meterId: string, fromDay: number, toDay: number): Promise<Part[]> {
  const rows = await store.db.all<any>(`SELECT * FROM results WHERE kind = 'bill' AND meter_id = ? AND start_day <= ? AND start_day + days - 1 >= ? ORDER BY start_day, id`, [meterId, toDay, fromDay]);
  return rows.map((r) => ({
    id: r.id,
    circuit: r.circuit,
    startDay: Number(r.start_day),
    days: Number(r.days),
    supplierId: r.supplier_id,
    outputs: JSON.parse(r.outputs),
    bindings: JSON.parse(r.bindings),
    meterPublicKey: provedWithKey(r),
    createdAt: r.created_at,
  }));
}

/** The parts must tile [fromDay, toDay]: none reaches outside, none overlaps another, no day is left out. */
function checkTiling(parts: Part[], fromDay: number, toDay: number): void {
  for (const p of parts) {
    const last = p.startDay + p.days - 1;
    if (p.startDay < fromDay || last > toDay) {
      throw refuse('part_outside_range', `certified bill ${p.id} covers ${span(p.startDay, last)}, which reaches outside ${span(fromDay, toDay)}: choose a range on part boundaries`, {
        resultId: p.id,
        period: { start: isoDay(p.startDay), days: p.days },
      });
    }
  }
  for (let i = 1; i < parts.length; i++) {
    const a = parts[i - 1];
    const b = parts[i];
    const aLast = a.startDay + a.days - 1;
    if (b.startDay <= aLast) {
      const to = Math.min(aLast, b.startDay + b.days - 1);
      throw refuse('parts_overlap', `certified bills ${a.id} and ${b.id} both cover ${span(b.startDay, to)}: name the parts to use with "results"`, {
        resultIds: [a.id, b.id],
        overlap: { from: isoDay(b.startDay), to: isoDay(to), days: to - b.startDay + 1 },
      });
    }
  }
  const gaps: { from: number; to: number }[] = [];
  let next = fromDay;
  for (const p of parts) {
    if (p.startDay > next) gaps.push({ from: next, to: p.startDay - 1 });
    next = p.startDay + p.days;
  }
  if (next <= toDay) gaps.push({ from: next, to: toDay });
  if (gaps.length > 0) {
    const missing = gaps.reduce((n, g) => n + g.to - g.from + 1, 0);
    const shown = gaps.slice(0, 3).map((g) => span(g.from, g.to)).join(', ');
    throw refuse('period_gap', `no certified bill covers ${shown}${gaps.length > 3 ? ` and ${gaps.length - 3} more gap(s)` : ''}: ${missing} of the ${toDay - fromDay + 1} days are missing`, {
      gaps: gaps.map((g) => ({ from: isoDay(g.from), to: isoDay(g.to), days: g.to - g.from + 1 })),
    });
  }
}

/**
 * The key record that makes each part's meter key the meter's key for the part's days. Keys are numbered
 * by generation (1 = the key registered with the meter, then one per rotation). A part proved with a key the
 * records do not give those days (a rotation recorded later moved them to another key), or with a revoked
 * key, is refused.
 */
function keyOfEachPart(parts: Part[], keys: MeterKeyRecord[]): { id: string; generation: number }[] {
  return parts.map((p) => {
    const last = p.startDay + p.days - 1;
    const same = keys.filter((k) => k.publicKey[0] === p.meterPublicKey[0] && k.publicKey[1] === p.meterPublicKey[1]);
    const covering = same.find((k) => k.validFrom <= p.startDay && (k.validTo === null || k.validTo >= last));
    if (covering?.revokedAt) {
      throw refuse('meter_key_revoked', `certified bill ${p.id} for ${span(p.startDay, last)} was proved with meter key ${covering.id}, revoked ${covering.revokedAt}`, { resultId: p.id, keyId: covering.id });
    }
    if (!covering) {
      const recorded = keys.filter((k) => k.validFrom <= last && (k.validTo === null || k.validTo >= p.startDay)).map((k) => k.id);
      throw refuse(
        'meter_key_generation',
        `certified bill ${p.id} for ${span(p.startDay, last)} was proved with a meter key that no rotation record makes the meter's key for those days (recorded: ${recorded.join(', ') || 'none'})`,
        { resultId: p.id, period: { start: isoDay(p.startDay), days: p.days }, recordedKeyIds: recorded },
      );
    }
    return { id: covering.id, generation: keys.indexOf(covering) + 1 };
  });
}

export interface StatementsContext {
  store: Store;
  requireRole: (...roles: Role[]) => RequestHandler;
}

export function mountStatements(app: Express, c: StatementsContext): void {
  const { store } = c;
  app.get(
    '/v1/statements',
    c.requireRole('auditor', 'supplier'),
    wrap(async (req, res) => {
      const meterId = queryText(req, 'meter');
      const from = queryText(req, 'from');
      const to = queryText(req, 'to');
      if (meterId === undefined || from === undefined || to === undefined) throw new ApiError(400, 'invalid_request', 'query parameters "meter", "from" and "to" (YYYY-MM-DD, inclusive) are required');
      const fromDay = day(from, 'from');
      const toDay = day(to, 'to');
      if (toDay < fromDay) throw new ApiError(400, 'invalid_request', `"to" (${to}) is before "from" (${from})`);
      if (toDay - fromDay + 1 > MAX_STATEMENT_DAYS) throw new ApiError(400, 'invalid_request', `a statement covers at most ${MAX_STATEMENT_DAYS} days, not ${toDay - fromDay + 1}`);
      const mixed = queryText(req, 'mixedTariffs') ?? 'refuse';
      if (mixed !== 'refuse' && mixed !== 'allow') throw new ApiError(400, 'invalid_request', '"mixedTariffs" must be "refuse" (default) or "allow"');
      const chosen = queryText(req, 'results')?.split(',');

      const { role, subject } = req.principal!;
      const meter = await store.getMeter(meterId);
      if (!meter) throw new ApiError(404, 'not_found', `no meter ${meterId}`);

      let parts = await billsOverlapping(store, meter.id, fromDay, toDay);
      if (role === 'supplier') {
        if (!parts.some((p) => p.supplierId === subject) && meter.supplierId !== subject) throw new ApiError(404, 'not_found', `no meter ${meterId}`);
        const other = parts.find((p) => p.supplierId !== subject);
        if (other) throw new ApiError(403, 'forbidden', `the bill for ${span(other.startDay, other.startDay + other.days - 1)} was certified for another supplier`);
      }
      if (chosen) {
        const unknown = chosen.filter((id) => !parts.some((p) => p.id === id));
        if (unknown.length) throw refuse('result_not_part', `${unknown.join(', ')}: not a certified bill of meter ${meter.id} with a day in ${span(fromDay, toDay)}`, { resultIds: unknown });
        parts = parts.filter((p) => chosen.includes(p.id));
      }
      checkTiling(parts, fromDay, toDay);
      const keys = keyOfEachPart(parts, await store.meterKeys(meter.id));

      const tariffs = [...new Set(parts.map((p) => String(p.bindings.tariffDigest)))];
      if (tariffs.length > 1 && mixed !== 'allow') {
        const changes = parts.filter((p, i) => i > 0 && p.bindings.tariffDigest !== parts[i - 1].bindings.tariffDigest).map((p) => isoDay(p.startDay));
        throw refuse('mixed_tariffs', `the parts were billed under ${tariffs.length} tariffs (the tariff changes on ${changes.join(', ')}): ask with mixedTariffs=allow to add them up anyway`, {
          tariffDigests: tariffs,
          changesOn: changes,
        });
      }

      const total = { bill: 0n, settlement: 0n, consumption: 0n };
      const items = parts.map((p, i) => {
        for (const k of ['bill', 'settlement', 'consumption'] as const) total[k] += BigInt(p.outputs[k] as string);
        return {
          resultId: p.id,
          circuit: p.circuit,
          period: { start: isoDay(p.startDay), days: p.days },
          bill: p.outputs.bill,
          settlement: p.outputs.settlement,
          consumption: p.outputs.consumption,
          tariffDigest: p.bindings.tariffDigest,
          valueOfEnergyDigest: p.bindings.valueOfEnergyDigest,
          meterKeyId: keys[i].id,
          meterKeyGeneration: keys[i].generation,
          certifiedAt: p.createdAt,
        };
      });
      res.json({
        meterId: meter.id,
        range: { from: isoDay(fromDay), to: isoDay(toDay), days: toDay - fromDay + 1 },
        units: kindNamed('bill').units,
        total: { bill: total.bill.toString(), settlement: total.settlement.toString(), consumption: total.consumption.toString(), parts: parts.length },
        tariffDigests: tariffs,
        parts: items,
      });
    }),
  );
}
