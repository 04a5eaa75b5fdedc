/**
 * Can this browser prove a period of N days? Decided before any proving starts, from the figures measured
 * in Chromium (scripts/bench-browser.ts, the README's benchmark table) for the prover the page's worker will
 * use (the WebAssembly core, or snarkjs when the core is not used) and what the browser reports about the
 * device, so that a proof the device cannot finish is never started: the page says why, and offers the
 * shorter (monthly) periods of the same readings instead. A tab that runs out of memory dies without a
 * word; this is the word, said first.
 */
import type { Period } from './api.js';
import type { ProverInUse } from './protocol.js';
import { daysText } from './words.js';

/** What proving took in the page in Chromium on the reference machine (2 cores), with one prover. */
export interface ProverFigures {
  /** what proving added to the browser's memory, MB */
  memoryMB: number;
  /** witness + proof, ms */
  proveMs: number;
}

/** What proving a circuit of `maxDays` days took with each of the page's provers. */
export interface MeasuredProving {
  maxDays: number;
  core: ProverFigures;
  snarkjs: ProverFigures;
}

/**
 * The page in headless Chromium (docs/bench-browser.json, `npm run bench:browser -- --circuit billing_31d
 * --circuit billing_92d`; README, "The quarter"): with the WebAssembly core (2 threads) and at
 * ?prover=snarkjs, alternating in one browser, on the shared machine at load 3-7 (times are high, not low).
 * memoryMB: the largest rise of the summed PSS of Chromium's processes from the readings shown to its highest point
 * while proving (the proving files, the prover and the proof: what the device must find on top of the
 * browser showing the page). proveMs: the median witness + proof of the warm runs. Shorter periods count
 * as the month (their costs are smaller).
 */
export const MEASURED: readonly MeasuredProving[] = [
  { maxDays: 31, core: { memoryMB: 113, proveMs: 4_721 }, snarkjs: { memoryMB: 378, proveMs: 13_975 } },
  { maxDays: 92, core: { memoryMB: 267, proveMs: 8_246 }, snarkjs: { memoryMB: 515, proveMs: 31_112 } },
];

/** What the browser says about the device (any may be unknown: only Chromium reports memory). */
export interface Device {
  /** navigator.deviceMemory: GB, rounded down to a power of two and capped by the browser (Chromium 156 reports 16 on a 24 GiB machine) */
  memoryGB?: number;
  /** navigator.hardwareConcurrency */
  cores?: number;
}

export type Verdict = { ok: true; expectedMs: number } | { ok: false; reason: string };

/** Longest proving the page starts: beyond it a household would think the tab had hung. */
export const MAX_PROVE_MS = 5 * 60_000;
/** Share of the device's memory a proof may take: the system, the browser and the other tabs keep the rest. */
const MEMORY_SHARE = 0.5;

const figuresFor = (maxDays: number, prover: ProverInUse): ProverFigures => {
  const known = MEASURED.find((m) => m.maxDays >= maxDays) ?? MEASURED[MEASURED.length - 1];
  // a circuit longer than any measured one: scale the largest linearly (cost per reading is flat)
  const scale = Math.max(1, maxDays / known.maxDays);
  return { memoryMB: known[prover].memoryMB * scale, proveMs: known[prover].proveMs * scale };
};

/** Whether a proof on a circuit of `maxDays` days should be started with `prover` on this device, and if not, why. */
export function provingVerdict(maxDays: number, prover: ProverInUse, device: Device): Verdict {
  const f = figuresFor(maxDays, prover);
  const how = prover === 'core' ? '' : ' with snarkjs (the WebAssembly prover, which needs less, is not used on this page)';
  if (device.memoryGB !== undefined && f.memoryMB > device.memoryGB * 1024 * MEMORY_SHARE) {
    return {
      ok: false,
      reason: `Proving ${daysText(maxDays)} at once${how} needs about ${(f.memoryMB / 1024).toFixed(1)} GB of memory in this browser, and this device reports ${device.memoryGB} GB: the tab could be stopped half-way.`,
    };
  }
  // measured on 2 cores; fewer cores are slower in proportion, more are not counted on
  const expectedMs = f.proveMs * Math.max(1, 2 / Math.max(1, device.cores ?? 2));
  if (expectedMs > MAX_PROVE_MS) {
    return { ok: false, reason: `Proving ${daysText(maxDays)} at once${how} would take about ${Math.round(expectedMs / 60_000)} minutes on this device.` };
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
