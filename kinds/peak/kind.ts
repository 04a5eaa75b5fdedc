/** The certified peak demand (peak.circom): the period's largest half-hourly reading and the first day it occurred. */
import { z } from 'zod';
import { fromFieldSigned } from '../../core/field.js';
import { DAY_NUMBER_UNIT } from '../../core/units.js';
import { periodFor } from '../fields.js';
import { defineKind } from '../kind.js';
import { PEAK_LAYOUT, peakSignalValues, peakWitnessInput, type PeakOutputs, type PeakStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { computePeak } from './reference.js';
import { peakService } from './service.js';

export const peakKind = defineKind<PeakStatement, PeakOutputs>({
  kind: 'peak',
  summary: "the period's maximum half-hourly demand and the first day it occurred; not the half-hour, no other reading",
  reveals: { learns: 'the most electricity you used in any one half-hour of the period, and the day it happened', staysHome: 'which half-hour it was, every other reading, how much you used in total' },
  circuit: {
    source: 'kinds/peak/peak.circom',
    template: 'PeakDemand',
    instances: {
      peak_1d: { params: { maxDays: 1, minDays: 1 }, budget: 6_650 },
      peak_7d: { params: { maxDays: 7, minDays: 7 }, budget: 16_450 },
      peak_31d: { params: { maxDays: 31, minDays: 28 }, budget: 53_250 },
    },
  },
  layout: PEAK_LAYOUT,
  testCircuits: ['peak_1d'],
  fields: z.object({}),
  flags: [],
  units: { peak: 'Wh per half-hour', peakDay: DAY_NUMBER_UNIT },
  labels: { peak: 'Most used in one half-hour', peakDay: 'Day it happened (the first, if several)' },
  statement: (period, _f, c) => periodFor(period, c),
  signalValues: peakSignalValues,
  readOutputs: (v) => ({ peak: fromFieldSigned(v.peak[0]), peakDay: Number(v.peakDay[0]) }),
  outputsJson: (o) => ({ peak: String(o.peak), peakDay: String(o.peakDay) }),
  witnessInput: peakWitnessInput,
  reference: (bundle, s) => computePeak(bundle.readingsWh, s.startDay),
  example: exampleFields,
  service: peakService,
});
