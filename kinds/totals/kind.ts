/** Consumption per sub-period (totals.circom), for substation balancing: Wh per day or per week. */
import { z } from 'zod';
import { subPeriods, TOTALS_LAYOUT, totalsSignalValues, totalsWitnessInput, type TotalsOutputs, type TotalsStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { computeSubPeriodTotals } from './reference.js';
import { totalsService } from './service.js';
import { periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const totalsKind = defineKind<TotalsStatement, TotalsOutputs>({
  kind: 'totals',
  summary: 'the consumption of each sub-period (daily; weekly on the monthly circuit); nothing finer',
  reveals: { learns: 'your consumption per day (per week on a monthly period)', staysHome: 'every half-hourly reading within a day' },
  circuit: {
    source: 'kinds/totals/totals.circom',
    template: 'SubPeriodTotals',
    instances: {
      totals_1d: { params: { maxDays: 1, minDays: 1, daysPerTotal: 1 }, budget: 5_850 },
      totals_7d: { params: { maxDays: 7, minDays: 7, daysPerTotal: 1 }, budget: 11_150 },
      totals_31d: { params: { maxDays: 31, minDays: 28, daysPerTotal: 7 }, budget: 30_550 },
      totals_92d: { params: { maxDays: 92, minDays: 32, daysPerTotal: 7 }, budget: 83_600 },
    },
  },
  layout: TOTALS_LAYOUT,
  testCircuits: ['totals_1d'],
  // No document: the sub-period length is the circuit's (daysPerTotal above).
  fields: z.object({}),
  flags: [],
  units: { totals: 'Wh' },
  labels: { totals: 'Electricity used, day by day (week by week over a month)' },
  statement: (period, _f, c) => periodFor(period, c),
  signalValues: totalsSignalValues,
  // the totals of the statement's sub-periods; those after a short period are 0 and not stated
  readOutputs: (v, s, c) => ({ totals: v.total.slice(0, subPeriods(s, c).length) }),
  outputsJson: (o) => ({ totals: o.totals.map(String) }),
  witnessInput: totalsWitnessInput,
  reference: (bundle, _s, c) => ({ totals: computeSubPeriodTotals(bundle.readingsWh, c.params.daysPerTotal) }),
  example: exampleFields,
  service: totalsService,
});
