/** The certified bill: bill and settlement value in micro-pence and consumption in Wh for the period. */
import { z } from 'zod';
import { BILLING_LAYOUT, billingSignalValues, billingWitnessInput, type BillingOutputs, type BillingStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { computeBill } from './reference.js';
import { billService } from './service.js';
import { fromFieldSigned } from '../../core/field.js';
import { parseTariff } from '../../tariff/index.js';
import { billingStatement } from './statement.js';
import { defineKind } from '../kind.js';

export const billKind = defineKind<BillingStatement, BillingOutputs>({
  kind: 'bill',
  summary: 'the bill, the settlement value and the consumption of the period; no reading',
  reveals: { learns: 'your bill for the period, the value of your electricity to the grid (the settlement value, which suppliers settle between themselves: you do not pay it) and your total consumption', staysHome: 'every half-hourly reading: when you were home, when you cooked or slept, your key' },
  circuit: {
    source: 'kinds/bill/billing.circom',
    template: 'Billing',
    instances: {
      billing_1d: { params: { maxDays: 1, minDays: 1 }, budget: 6_150 },
      billing_7d: { params: { maxDays: 7, minDays: 7 }, budget: 11_650 },
      billing_31d: { params: { maxDays: 31, minDays: 28 }, budget: 31_550 },
      billing_92d: { params: { maxDays: 92, minDays: 32 }, budget: 86_550 },
    },
  },
  layout: BILLING_LAYOUT,
  testCircuits: ['billing_1d', 'billing_7d'],
  fields: z.object({ tariff: z.unknown(), valueOfEnergy: z.unknown().nullable().default(null) }),
  flags: [
    { field: 'tariff', flag: '--tariff <file>', description: 'tariff document (meterproof-tariff/1)', type: 'document', required: true, source: 'tariff' },
    { field: 'valueOfEnergy', flag: '--value <file>', description: 'value-of-energy document (settlement); settlement is 0 without it', type: 'document', required: false, source: 'value-of-energy' },
  ],
  units: { bill: 'micro-pence', settlement: 'micro-pence', consumption: 'Wh' },
  labels: {
    bill: 'Bill',
    settlement: {
      text: 'Value to the grid (settlement)',
      note: 'What your electricity was worth on the wholesale market at the times you used it. Suppliers settle this amount between themselves through the grid; it is not part of your bill and you do not pay it.',
    },
    consumption: 'Electricity used',
  },
  statement: (period, f) =>
    billingStatement({
      ...period,
      tariff: parseTariff(f.tariff),
      valueOfEnergy: f.valueOfEnergy == null ? null : parseTariff(f.valueOfEnergy),
    }),
  signalValues: billingSignalValues,
  readOutputs: (v) => ({ bill: fromFieldSigned(v.bill[0]), settlement: fromFieldSigned(v.settlement[0]), consumption: fromFieldSigned(v.consumption[0]) }),
  outputsJson: (o) => ({ bill: String(o.bill), settlement: String(o.settlement), consumption: String(o.consumption) }),
  witnessInput: billingWitnessInput,
  reference: (bundle, s) => computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge),
  example: exampleFields,
  service: billService,
});
