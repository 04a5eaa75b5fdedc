/**
 * Can this browser prove a period of N days? Decided before any proving starts, from the figures measured
 * in Chromium (scripts/bench-browser.ts, the README's benchmark table) and what the browser reports about
 * the device, so that a proof the device cannot finish is never started: the page says why, and offers the
 * shorter (monthly) periods of the same readings instead. A tab that runs out of memory dies without a
 * word; this is the word, said first.
 */
import type { Period } from './api.js';

/** What proving a circuit took in Chromium on the reference machine (2 cores). */
export interface MeasuredProving {
  maxDays: number;
  /** the most memory the prover took, MB */
  memoryMB: number;
  /** witness + proof, ms */
  proveMs: number;
}

/**
 * proveMs: witness + proof in the page's worker in headless Chromium, warm, machine idle
 * (docs/bench-browser.json) for 1, 7 and 31 days; for 92 days the 31-day figure times the quarter's Node
 * proving time over the month's (2.41, measured side by side with `npm run bench`; the quarter was not
 * measured in Chromium). memoryMB: the largest RSS proving the same circuit with the same snarkjs in Node
 * (`npm run bench`, README): the WebAssembly prover's working set, which the page's worker needs too.
 */
export const MEASURED: readonly MeasuredProving[] = [
  { maxDays: 1, memoryMB: 347, proveMs: 1_749 },
  { maxDays: 7, memoryMB: 404, proveMs: 2_978 },
  { maxDays: 31, memoryMB: 562, proveMs: 4_691 },
  { maxDays: 92, memoryMB: 985, proveMs: 11_300 },
];

/** What the browser says about the device (any may be unknown: only Chromium reports memory). */
export interface Device {
  /** navigator.deviceMemory: GB, rounded down to a power of two and capped at 8 by the browser */
  memoryGB?: number;
  /** navigator.hardwareConcurrency */
  cores?: number;
}

export type Verdict = { ok: true; expectedMs: number } | { ok: false; reason: string };

/** Longest proving the page starts: beyond it a household would think the tab had hung. */
export const MAX_PROVE_MS = 5 * 60_000;
/** Share of the device's memory a proof may take: the system and the other tabs keep the rest. */
const MEMORY_SHARE = 0.5;

const figuresFor = (maxDays: number): MeasuredProving => {
  const known = MEASURED.find((m) => m.maxDays >= maxDays) ?? MEASURED[MEASURED.length - 1];
  // a circuit longer than any measured one: scale the largest linearly (cost per reading is flat)
  const scale = Math.max(1, maxDays / known.maxDays);
  return { maxDays, memoryMB: known.memoryMB * scale, proveMs: known.proveMs * scale };
};

/** Whether a proof on a circuit of `maxDays` days should be started on this device, and if not, why. */
export function provingVerdict(maxDays: number, device: Device): Verdict {
  const f = figuresFor(maxDays);
  if (device.memoryGB !== undefined && f.memoryMB > device.memoryGB * 1024 * MEMORY_SHARE) {
    return {
      ok: false,
      reason: `Proving ${maxDays} days at once needs about ${(f.memoryMB / 1024).toFixed(1)} GB of memory in this browser, and this device reports ${device.memoryGB} GB: the tab could be stopped half-way.`,
    };
  }
  // measured on 2 cores; fewer cores are slower in proportion, more are not counted on
  const expectedMs = f.proveMs * Math.max(1, 2 / Math.max(1, device.cores ?? 2));
  if (expectedMs > MAX_PROVE_MS) {
    return { ok: false, reason: `Proving ${maxDays} days at once would take about ${Math.round(expectedMs / 60_000)} minutes on this device.` };
  }
  return { ok: true, expectedMs };
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** The stored periods inside `period` that are proved on a circuit of at most 31 days: the offer instead of the quarter. */
export function shorterPeriods(period: Period, stored: readonly Period[]): Period[] {
  const from = dayNumber(period.start);
  const to = from + period.days;
  return stored.filter((p) => p.days <= 31 && dayNumber(p.start) >= from && dayNumber(p.start) + p.days <= to).sort((a, b) => dayNumber(a.start) - dayNumber(b.start));
}

/** The page's sentence when the device should not prove `period`: the reason, then the offer. */
export function refusalSentence(reason: string, period: Period, offer: readonly Period[]): string {
  if (offer.length === 0) return `${reason} Nothing was started. This service holds no shorter readings inside this ${period.days}-day period: ask your supplier for monthly readings, or prove on a computer with more memory.`;
  return `${reason} Nothing was started. Prove the shorter periods inside it instead: choose ${offer.map((p) => `${p.start} (${p.days} days)`).join(', ')} in the period list.`;
}
