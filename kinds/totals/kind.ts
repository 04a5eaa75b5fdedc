/** Consumption per sub-period (circuits/totals.circom), for substation balancing: Wh per day or per week. */
import { z } from 'zod';
import { decodeTotalsOutputs, totalsOutputCount, totalsPublicSignals, totalsSignalCount, totalsSignalName, totalsWitnessInput, type TotalsOutputs, type TotalsStatement } from './circuit.js';
import { computeSubPeriodTotals } from './reference.js';
import { periodFor } from '../fields.js';
import { defineKind } from '../kind.js';

export const totalsKind = defineKind<TotalsStatement, TotalsOutputs>({
  kind: 'totals',
  summary: 'the consumption of each sub-period (daily; weekly on the monthly circuit); nothing finer',
  // No document: the sub-period length is the circuit's (daysPerTotal in circuits/circuits.json).
  fields: z.object({}),
  flags: [],
  units: { totals: 'Wh' },
  statement: (period, _f, c) => periodFor(period, c),
  outputCount: totalsOutputCount,
  signalCount: totalsSignalCount,
  signalName: totalsSignalName,
  publicSignals: totalsPublicSignals,
  decode: decodeTotalsOutputs,
  outputsJson: (o) => ({ totals: o.totals.map(String) }),
  witnessInput: totalsWitnessInput,
  reference: (bundle, _s, c) => ({ totals: computeSubPeriodTotals(bundle.readingsWh, c.params.daysPerTotal) }),
});
