/**
 * Tiered / block tariff (tiered.circom): the bill under a published tiered tariff, whose per-slot price
 * depends on the reading's size and whose cumulative blocks depend on the period's total. Reveals the bill
 * only: no tier, no block, no consumption.
 */
import { z } from 'zod';
import { fromFieldSigned } from '../../core/field.js';
import { parseTieredTariff, TIERED_LAYOUT, TIERED_TARIFF_FORMAT, tieredSignalValues, tieredStatement, tieredWitnessInput, type TieredOutputs, type TieredStatement } from './circuit.js';
import { exampleFields } from './example.js';
import { computeTieredBill } from './reference.js';
import { tieredService } from './service.js';
import { documentFlag, inField } from '../fields.js';
import { defineKind } from '../kind.js';

export const tieredKind = defineKind<TieredStatement, TieredOutputs>({
  kind: 'tiered',
  summary: 'the bill under a tiered tariff; not the tier of any half-hour, the block reached or the consumption',
  reveals: { learns: 'your bill under the tiered tariff', staysHome: 'which tier any half-hour fell in, how much you used, every reading' },
  circuit: {
    source: 'kinds/tiered/tiered.circom',
    template: 'Tiered',
    instances: {
      tiered_1d: { params: { maxDays: 1, minDays: 1, tierBits: 2, blocks: 3 }, budget: 7_900 },
      tiered_7d: { params: { maxDays: 7, minDays: 7, tierBits: 2, blocks: 3 }, budget: 24_000 },
      tiered_31d: { params: { maxDays: 31, minDays: 28, tierBits: 2, blocks: 3 }, budget: 86_350 },
    },
  },
  layout: TIERED_LAYOUT,
  testCircuits: ['tiered_1d'],
  fields: z.object({ tariff: z.unknown() }),
  flags: [documentFlag('tariff', TIERED_TARIFF_FORMAT, "the supplier's tiered tariff")],
  units: { bill: 'micro-pence' },
  labels: { bill: 'Bill under the tiered tariff' },
  statement: (period, f) => tieredStatement(period, inField('tariff', () => parseTieredTariff(f.tariff))),
  signalValues: tieredSignalValues,
  readOutputs: (v) => ({ bill: fromFieldSigned(v.bill[0]) }),
  outputsJson: (o) => ({ bill: String(o.bill) }),
  witnessInput: tieredWitnessInput,
  reference: (bundle, s) => ({ bill: computeTieredBill(bundle.readingsWh, s.tiers, s.blocks, s.standingCharge).bill }),
  example: exampleFields,
  service: tieredService,
});
