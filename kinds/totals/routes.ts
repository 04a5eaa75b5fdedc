/**
 * Totals in the verifier API: a source of certified consumption for substation balancing
 * (GET /v1/substations/balance?source=totals). A meter counts when one of its totals results has a
 * sub-period equal to the window (a daily total of a 7-day result, a week of a monthly one).
 */
import type { KindFeatures, MeterConsumption } from '../service.js';
import { subPeriods } from './circuit.js';

export const totalsFeatures: KindFeatures = {
  balance: {
    description: 'certified sub-period totals equal to the period',
    async consumption(api, startDay, days) {
      // one value per meter: a meter's certified results all come from the same signed readings, so two
      // totals of one window are equal
      const perMeter = new Map<string, MeterConsumption>();
      for (const r of await api.resultsCovering('totals', startDay, days)) {
        const circuit = api.circuit(r.circuit);
        if (!circuit || perMeter.has(r.meterId)) continue;
        const windows = subPeriods({ meterId: r.meterId, publicKey: [0n, 0n], startDay: r.startDay, days: r.days }, circuit);
        const i = windows.findIndex((w) => w.startDay === startDay && w.days === days);
        if (i >= 0) perMeter.set(r.meterId, { meterId: r.meterId, substationId: r.substationId, wh: BigInt((r.outputs.totals as string[])[i]) });
      }
      return [...perMeter.values()];
    },
  },
};
