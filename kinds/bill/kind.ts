/** The certified bill: bill and settlement value in micro-pence and consumption in Wh for the period. */
import { z } from 'zod';
import { BILLING_OUTPUT_COUNT, billingPublicSignals, billingSignalCount, billingSignalName, billingWitnessInput, type BillingOutputs, type BillingStatement } from './circuit.js';
import { computeBill } from './reference.js';
import { fromFieldSigned } from '../../core/field.js';
import { parseTariff } from '../../tariff/index.js';
import { billingStatement } from './statement.js';
import { defineKind } from '../kind.js';

export const billKind = defineKind<BillingStatement, BillingOutputs>({
  kind: 'bill',
  summary: 'the bill, the settlement value and the consumption of the period; no reading',
  fields: z.object({ tariff: z.unknown(), valueOfEnergy: z.unknown().nullable().default(null) }),
  flags: [
    { field: 'tariff', flag: '--tariff <file>', description: 'tariff document (meterproof-tariff/1)', type: 'document', required: true },
    { field: 'valueOfEnergy', flag: '--value <file>', description: 'value-of-energy document (settlement); settlement is 0 without it', type: 'document', required: false },
  ],
  units: { bill: 'micro-pence', settlement: 'micro-pence', consumption: 'Wh' },
  statement: (period, f) =>
    billingStatement({
      ...period,
      tariff: parseTariff(f.tariff),
      valueOfEnergy: f.valueOfEnergy == null ? null : parseTariff(f.valueOfEnergy),
    }),
  outputCount: () => BILLING_OUTPUT_COUNT,
  signalCount: billingSignalCount,
  signalName: (i) => billingSignalName(i),
  publicSignals: billingPublicSignals,
  decode: (signals) => ({ bill: fromFieldSigned(signals[0]), settlement: fromFieldSigned(signals[1]), consumption: fromFieldSigned(signals[2]) }),
  outputsJson: (o) => ({ bill: String(o.bill), settlement: String(o.settlement), consumption: String(o.consumption) }),
  witnessInput: billingWitnessInput,
  reference: (bundle, s) => computeBill(bundle.readingsWh, s.prices, s.values, s.standingCharge),
});
