/**
 * TypeScript side of threshold.circom (demand response): the grid's events as per-slot caps, the two
 * statements (compliance, penalty bill), the public layout a verifier rebuilds from the published events and
 * tariff, and the witness input a prover feeds the circuit. Reference: reference.ts.
 */
import { z } from 'zod';
import { MAX_READING_WH } from '../../meter/chain.js';
import { toField } from '../../core/field.js';
import { firstSlotOfDay, isoSlot, parseIsoInstant, slotStartingAt, SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import { parseDocument, publishedDocumentHead, FIELDS_VALID } from '../../core/documents.js';
import { input, output, type PublicLayout } from '../../circuits/layout.js';
import { assertPeriodFits, CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput } from '../../circuits/lib/certified_inputs.js';
import { MAX_ABS_PRICE } from '../../core/units.js';
import { packWeights } from '../bill/circuit.js';
import type { CircuitConfig } from '../../circuits/config.js';

/** A slot without an event: no 14-bit reading can exceed it (circuits/lib/capped_excess.circom). */
export const NO_CAP_WH = MAX_READING_WH;
/** Caps share a public input 16 at a time, 15 bits apart. */
export const CAPS_PER_INPUT = 16;
const CAP_STRIDE = 15n;

/**
 * A demand-response event as the grid publishes it: a window of consecutive UTC slots (core/time.ts) and
 * the cap that applies to EACH slot of the window, in Wh per half-hour.
 */
export interface DemandResponseEvent {
  firstSlot: number;
  slots: number;
  capWh: number;
}

export const DR_EVENTS_FORMAT = 'meterproof-dr-events/1';

/** The slot an event starts at; only UTC half-hour boundaries are accepted (a window is whole slots). */
function eventSlot(start: string): number {
  return slotStartingAt(parseIsoInstant(start));
}

const EventStart = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/, 'expected an ISO-8601 UTC instant ending in Z, e.g. 2023-01-02T17:00:00Z')
  .superRefine((text, ctx) => {
    try {
      eventSlot(text);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  })
  .describe('first half-hour of the event: an ISO-8601 UTC instant on a half-hour boundary');

/**
 * The grid's published demand-response events ("meterproof-dr-events/1", kinds/threshold/README.md): the
 * penalty rate of penalty bills and the event windows. Overlapping windows are refused for the whole
 * document, not only inside one period, so no period can ever see two caps for one slot.
 */
export const DrEventsSchema = z
  .strictObject({
    ...publishedDocumentHead(DR_EVENTS_FORMAT),
    penaltyRate: z.number().int('the penalty rate is an integer in mp/kWh').min(0).max(MAX_ABS_PRICE, 'must be below 2^24 mp/kWh').describe('mp/kWh charged on every Wh above a cap (penalty bills)'),
    events: z.array(
      z.strictObject({
        start: EventStart,
        slots: z.number().int('slots are whole half-hours').min(1).describe('length of the window in half-hours'),
        capWh: z.number().int('caps are integers in Wh').min(0).max(NO_CAP_WH, `must be at most ${NO_CAP_WH} Wh`).describe('Wh allowed in EACH half-hour of the window'),
      }),
    ),
  })
  .superRefine((doc, ctx) => {
    const windows = doc.events.map((e, i) => ({ i, first: eventSlot(e.start), end: eventSlot(e.start) + e.slots })).sort((a, b) => a.first - b.first);
    windows.forEach((w, k) => {
      const prev = windows[k - 1];
      if (prev && w.first < prev.end) ctx.addIssue({ code: 'custom', message: `overlaps event ${prev.i} at ${isoSlot(w.first)}`, path: ['events', w.i, 'start'] });
    });
  }, FIELDS_VALID)
  .meta({ title: 'meterproof demand-response events', description: 'Demand-response events (format meterproof-dr-events/1); see kinds/threshold/README.md.' });

export interface DrEvents {
  id: string;
  name: string;
  /** mp/kWh, 0 ≤ rate < 2^24 */
  penaltyRate: bigint;
  events: DemandResponseEvent[];
}

/** Parses and checks a published events document; its windows then go to capsForPeriod. */
export function parseDrEvents(json: unknown): DrEvents {
  const d = parseDocument(DrEventsSchema, json, `demand-response events (${DR_EVENTS_FORMAT})`);
  return { id: d.id, name: d.name, penaltyRate: BigInt(d.penaltyRate), events: d.events.map((e) => ({ firstSlot: eventSlot(e.start), slots: e.slots, capWh: e.capWh })) };
}

/**
 * compliance: the proof exists only if every reading is at or under its cap; it reveals nothing else (its
 * output is 0). penalty: the proof reveals the bill including penaltyRate × (Wh above the caps), and not
 * whether any cap was exceeded.
 */
export type ThresholdMode = 'compliance' | 'penalty';

/** Everything public about a demand-response proof except its output. */
export interface ThresholdStatement {
  meterId: string;
  publicKey: [bigint, bigint];
  startDay: number;
  days: number;
  mode: ThresholdMode;
  /** Wh per slot of the period, NO_CAP_WH where no event runs (capsForPeriod) */
  caps: readonly number[];
  /** µp for the whole period (0 for compliance) */
  standingCharge: bigint;
  /** mp/kWh per slot of the period (zeros for compliance) */
  prices: readonly bigint[];
  /** mp/kWh charged on every Wh above a cap, 0 ≤ rate < 2^24 (0 for compliance) */
  penaltyRate: bigint;
}

export interface ThresholdOutputs {
  /** µp; always 0 for a compliance statement */
  bill: bigint;
}

export interface ThresholdPeriod {
  meterId: string;
  publicKey: [bigint, bigint];
  startDay: number;
  days: number;
}

/**
 * Per-slot caps of the period [startDay, startDay + days) from the published events: NO_CAP_WH outside
 * every event, the event's cap inside it. Events are clipped to the period; overlapping events are refused
 * (the grid must say which cap applies).
 */
export function capsForPeriod(events: readonly DemandResponseEvent[], startDay: number, days: number): number[] {
  const first = firstSlotOfDay(startDay);
  const caps: number[] = Array(days * SLOTS_PER_DAY).fill(NO_CAP_WH);
  const owner: (DemandResponseEvent | undefined)[] = Array(caps.length);
  for (const e of events) {
    if (!Number.isInteger(e.firstSlot) || !Number.isInteger(e.slots) || e.slots < 1) throw new Error(`invalid event window ${e.firstSlot}+${e.slots}`);
    assertCap(e.capWh, `event at slot ${e.firstSlot}`);
    for (let s = Math.max(e.firstSlot, first); s < Math.min(e.firstSlot + e.slots, first + caps.length); s++) {
      if (owner[s - first]) throw new Error(`events at slots ${owner[s - first]!.firstSlot} and ${e.firstSlot} overlap at slot ${s}`);
      owner[s - first] = e;
      caps[s - first] = e.capWh;
    }
  }
  return caps;
}

function assertCap(cap: number, what: string): void {
  if (!Number.isInteger(cap) || cap < 0 || cap > NO_CAP_WH) throw new Error(`cap of ${what} must be an integer 0..${NO_CAP_WH} Wh, not ${cap}`);
}

/** The compliance statement: caps only; prices, standing charge and penalty rate are zero. */
export function complianceStatement(period: ThresholdPeriod, caps: readonly number[]): ThresholdStatement {
  const slots = period.days * SLOTS_PER_DAY;
  return { ...period, mode: 'compliance', caps, standingCharge: 0n, prices: Array(slots).fill(0n), penaltyRate: 0n };
}

/** The penalty-bill statement: the supplier's per-slot prices and standing charge plus the penalty rate. */
export function penaltyBillStatement(period: ThresholdPeriod, caps: readonly number[], tariff: { prices: readonly bigint[]; standingCharge: bigint }, penaltyRate: bigint): ThresholdStatement {
  return { ...period, mode: 'penalty', caps, standingCharge: tariff.standingCharge, prices: tariff.prices, penaltyRate };
}

/** 16 caps per public input: caps[g] = Σ_j cap[16g + j] · 2^(15j), padded with NO_CAP_WH to the circuit size. */
export function packCaps(caps: readonly number[], maxDays: number): bigint[] {
  const slots = maxDays * SLOTS_PER_DAY;
  if (caps.length > slots) throw new Error('caps do not fit the circuit');
  caps.forEach((c, i) => assertCap(c, `slot ${i}`));
  return Array.from({ length: slots / CAPS_PER_INPUT }, (_, g) => {
    let packed = 0n;
    for (let j = 0; j < CAPS_PER_INPUT; j++) packed += BigInt(caps[CAPS_PER_INPUT * g + j] ?? NO_CAP_WH) << (CAP_STRIDE * BigInt(j));
    return packed;
  });
}

function assertStatementFits(s: ThresholdStatement, c: CircuitConfig): void {
  if (s.mode !== 'compliance' && s.mode !== 'penalty') throw new Error(`unknown threshold mode "${s.mode as string}"`);
  assertPeriodFits(s, c);
  const slots = s.days * SLOTS_PER_DAY;
  if (s.caps.length !== slots || s.prices.length !== slots) throw new Error(`caps and prices must cover the ${slots} slots of the period`);
  if (s.penaltyRate < 0n || s.penaltyRate > BigInt(MAX_ABS_PRICE)) throw new Error(`penalty rate must be 0..${MAX_ABS_PRICE} mp/kWh`);
  if (s.mode === 'compliance' && (s.standingCharge !== 0n || s.penaltyRate !== 0n || s.prices.some((p) => p !== 0n))) {
    throw new Error('a compliance statement carries no prices, standing charge or penalty rate');
  }
  // With no energy prices the bill would be the standing charge plus the penalty: it would reveal the penalty.
  if (s.mode === 'penalty' && s.penaltyRate !== 0n && s.prices.every((p) => p === 0n)) {
    throw new Error('a penalty bill without energy prices would reveal the penalty itself');
  }
}

const zeros = (n: number): bigint[] => Array(n).fill(0n);

const circuitSlots = (c: CircuitConfig): number => c.params.maxDays * SLOTS_PER_DAY;

/** The public signals: the bill, the certified period, then the statement switch, the amounts, the packed caps and prices. */
export const THRESHOLD_LAYOUT: PublicLayout = [
  output('bill'),
  ...CERTIFIED_LAYOUT,
  input('mustComply'),
  input('standingCharge'),
  input('penaltyRate'),
  input('caps', (c) => circuitSlots(c) / CAPS_PER_INPUT, (k) => `caps of slots ${CAPS_PER_INPUT * k}-${CAPS_PER_INPUT * k + CAPS_PER_INPUT - 1}`),
  input('weights', (c) => circuitSlots(c) / 2, (pair) => `prices of slots ${2 * pair} and ${2 * pair + 1}`),
];

/** Every public signal's value by name. */
export function thresholdSignalValues(s: ThresholdStatement, out: ThresholdOutputs, c: CircuitConfig) {
  assertStatementFits(s, c);
  if (s.mode === 'compliance' && out.bill !== 0n) throw new Error('a compliance proof outputs 0');
  return {
    bill: toField(out.bill),
    ...certifiedSignalValues(s),
    mustComply: s.mode === 'compliance' ? 1n : 0n,
    standingCharge: toField(s.standingCharge),
    penaltyRate: s.penaltyRate,
    caps: packCaps(s.caps, c.params.maxDays),
    weights: packWeights(s.prices, zeros(s.prices.length), c.params.maxDays),
  };
}

/** The witness input: the statement's public part plus the bundle's private readings, chain state and signature. */
export function thresholdWitnessInput(bundle: Bundle, s: ThresholdStatement, c: CircuitConfig): Record<string, string | string[]> {
  assertStatementFits(s, c);
  const dec = (x: bigint) => toField(x).toString();
  return {
    ...certifiedWitnessInput(bundle, s, c),
    mustComply: s.mode === 'compliance' ? '1' : '0',
    standingCharge: dec(s.standingCharge),
    penaltyRate: dec(s.penaltyRate),
    caps: packCaps(s.caps, c.params.maxDays).map(dec),
    weights: packWeights(s.prices, zeros(s.prices.length), c.params.maxDays).map(dec),
  };
}
