/**
 * TypeScript side of peak.circom (the period's maximum half-hourly demand and its first day): the public
 * layout and the witness input. The statement is just the meter and the period: no document.
 */
import type { CircuitConfig } from '../../circuits/config.js';
import { output, type PublicLayout } from '../../circuits/layout.js';
import { CERTIFIED_LAYOUT, certifiedSignalValues, certifiedWitnessInput, type CertifiedPeriod } from '../../circuits/lib/certified_inputs.js';
import { SLOTS_PER_DAY } from '../../core/time.js';
import type { Bundle } from '../../meter/bundle.js';
import type { Peak } from './reference.js';

export type PeakStatement = CertifiedPeriod;
export type PeakOutputs = Peak;

/** The public signals: peak (Wh), peakDay, then the certified period. */
export const PEAK_LAYOUT: PublicLayout = [output('peak'), output('peakDay'), ...CERTIFIED_LAYOUT];

/** Every public signal's value by name; refuses outputs no honest proof of the period can have. */
export function peakSignalValues(s: PeakStatement, out: PeakOutputs, _c: CircuitConfig) {
  if (out.peak < 0n || out.peak >= 2n ** 14n) throw new Error(`a peak of ${out.peak} Wh is not a reading`);
  if (out.peakDay < s.startDay || out.peakDay >= s.startDay + s.days) throw new Error(`peak day ${out.peakDay} is outside the period`);
  return { peak: out.peak, peakDay: BigInt(out.peakDay), ...certifiedSignalValues(s) };
}

/**
 * The witness input: the certified period and readings, and the private selectors of the peak's day and
 * half-hour — the first day reaching the maximum, and its first half-hour at it.
 */
export function peakWitnessInput(bundle: Bundle, s: PeakStatement, c: CircuitConfig): Record<string, string | string[]> {
  const readings = bundle.readingsWh;
  let best = 0;
  for (let i = 1; i < s.days * SLOTS_PER_DAY; i++) if (readings[i] > readings[best]) best = i;
  const day = Math.floor(best / SLOTS_PER_DAY);
  return {
    ...certifiedWitnessInput(bundle, s, c),
    atDay: Array.from({ length: c.params.maxDays }, (_, d) => (d === day ? '1' : '0')),
    atSlot: Array.from({ length: SLOTS_PER_DAY }, (_, h) => (h === best % SLOTS_PER_DAY ? '1' : '0')),
  };
}
