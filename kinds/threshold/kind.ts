/**
 * Demand response (threshold.circom): against the grid's published events, either a compliance proof
 * (every reading at or under its slot's cap; reveals nothing else, its bill is always 0) or a penalty bill
 * (energy + standing charge + penalty on the Wh above the caps, revealed only as one sum).
 */
import { z } from 'zod';
import {
  capsForPeriod,
  complianceStatement,
  DR_EVENTS_FORMAT,
  parseDrEvents,
  penaltyBillStatement,
  THRESHOLD_LAYOUT,
  thresholdSignalValues,
  thresholdWitnessInput,
  type ThresholdOutputs,
  type ThresholdStatement,
} from './circuit.js';
import { computeThreshold } from './reference.js';
import { exampleFields } from './example.js';
import { thresholdService } from './service.js';
import { fromFieldSigned } from '../../core/field.js';
import { firstSlotOfDay, isoSlot } from '../../core/time.js';
import { parseTariff } from '../../tariff/index.js';
import { billingStatement } from '../bill/statement.js';
import { documentFlag, inField } from '../fields.js';
import { defineKind } from '../kind.js';

const MODES = ['compliance', 'penalty'] as const;

export const thresholdKind = defineKind<ThresholdStatement, ThresholdOutputs>({
  kind: 'threshold',
  summary: 'for compliance, only that every reading was at or under its event cap; for a penalty bill, only the bill including the penalty',
  reveals: { learns: "for compliance, only that you stayed under every event's cap; for a penalty bill, only the bill including the penalty", staysHome: 'your readings, by how much you stayed under, the half-hours of the events' },
  circuit: {
    source: 'kinds/threshold/threshold.circom',
    template: 'Threshold',
    instances: {
      threshold_1d: { params: { maxDays: 1, minDays: 1 }, budget: 6_950 },
      threshold_7d: { params: { maxDays: 7, minDays: 7 }, budget: 17_100 },
      threshold_31d: { params: { maxDays: 31, minDays: 28 }, budget: 55_600 },
    },
  },
  layout: THRESHOLD_LAYOUT,
  testCircuits: ['threshold_1d'],
  fields: z.object({ mode: z.enum(MODES), events: z.unknown(), tariff: z.unknown().optional() }),
  flags: [
    { field: 'mode', flag: '--mode <mode>', description: 'compliance (every reading ≤ its cap) or penalty (bill with the penalty)', type: 'text', required: true, choices: MODES },
    documentFlag('events', DR_EVENTS_FORMAT, "the grid's demand-response events"),
    { field: 'tariff', flag: '--tariff <file>', description: "the supplier's tariff (meterproof-tariff/1); penalty mode only", type: 'document', required: false, source: 'tariff', onlyWith: { field: 'mode', value: 'penalty' } },
  ],
  units: { bill: 'micro-pence' },
  labels: { bill: { text: 'Bill, with any penalty', note: 'A compliance proof states no bill: £0.00 means every reading was at or under its cap.' } },
  statement: (period, f) => {
    const events = inField('events', () => parseDrEvents(f.events));
    const caps = inField('events', () => capsForPeriod(events.events, period.startDay, period.days));
    if (f.mode === 'compliance') {
      // A compliance proof carries no prices (its bill is fixed at 0): a tariff would be an unchecked document.
      if (f.tariff !== undefined) throw new Error('tariff: a compliance statement takes no tariff (only a penalty bill does)');
      return complianceStatement(period, caps);
    }
    if (f.tariff === undefined) throw new Error("tariff: a penalty bill needs the supplier's tariff");
    // The bill's statement prices the tariff for the period exactly as a bill proof would (and refuses a value vector).
    const { prices, standingCharge } = inField('tariff', () => billingStatement({ ...period, tariff: parseTariff(f.tariff), valueOfEnergy: null }));
    return penaltyBillStatement(period, caps, { prices, standingCharge }, events.penaltyRate);
  },
  signalValues: thresholdSignalValues,
  readOutputs: (v) => ({ bill: fromFieldSigned(v.bill[0]) }),
  outputsJson: (o) => ({ bill: String(o.bill) }),
  witnessInput: (bundle, s, c) => {
    // Say which slot breaks a compliance statement instead of letting witness generation fail on an assert.
    if (s.mode === 'compliance') {
      const over = bundle.readingsWh.findIndex((wh, i) => wh > s.caps[i]);
      if (over >= 0) {
        throw new Error(`no compliance proof exists: the reading at ${isoSlot(firstSlotOfDay(bundle.startDay) + over)} is ${bundle.readingsWh[over]} Wh, above its cap of ${s.caps[over]} Wh (a penalty bill can still be proven)`);
      }
    }
    return thresholdWitnessInput(bundle, s, c);
  },
  reference: (bundle, s) => ({ bill: computeThreshold(bundle.readingsWh, s.caps, s.prices, s.standingCharge, s.penaltyRate).bill }),
  example: exampleFields,
  service: thresholdService,
});
