/**
 * Tiered / block tariff (circuits/tiered.ts): the bill under a published tiered tariff, whose per-slot price
 * depends on the reading's size and whose cumulative blocks depend on the period's total. Reveals the bill
 * only: no tier, no block, no consumption.
 */
import { z } from 'zod';
import {
  decodeTieredOutputs,
  parseTieredTariff,
  TIERED_OUTPUT_COUNT,
  TIERED_TARIFF_FORMAT,
  tieredPublicSignals,
  tieredSignalCount,
  tieredSignalName,
  tieredStatement,
  tieredWitnessInput,
  type TieredOutputs,
  type TieredStatement,
} from './circuit.js';
import { computeTieredBill } from './reference.js';
import { documentFlag, inField } from '../fields.js';
import { defineKind } from '../kind.js';

export const tieredKind = defineKind<TieredStatement, TieredOutputs>({
  kind: 'tiered',
  summary: 'the bill under a tiered tariff; not the tier of any half-hour, the block reached or the consumption',
  fields: z.object({ tariff: z.unknown() }),
  flags: [documentFlag('tariff', TIERED_TARIFF_FORMAT, "the supplier's tiered tariff")],
  units: { bill: 'micro-pence' },
  statement: (period, f) => tieredStatement(period, inField('tariff', () => parseTieredTariff(f.tariff))),
  outputCount: () => TIERED_OUTPUT_COUNT,
  signalCount: tieredSignalCount,
  signalName: tieredSignalName,
  publicSignals: tieredPublicSignals,
  decode: (signals) => decodeTieredOutputs(signals),
  outputsJson: (o) => ({ bill: String(o.bill) }),
  witnessInput: tieredWitnessInput,
  reference: (bundle, s) => ({ bill: computeTieredBill(bundle.readingsWh, s.tiers, s.blocks, s.standingCharge).bill }),
});
