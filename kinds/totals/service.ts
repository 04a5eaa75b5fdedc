/** The totals kind in the verifier API: the grid reads totals (substation balancing); nothing to bind, the sub-periods are the circuit's. */
import type { KindService } from '../service.js';
import { totalsFeatures } from './routes.js';

export const totalsService: KindService = {
  readers: ['grid'],
  async bind() {
    return { fields: {}, shared: '', bindings: {} };
  },
  features: totalsFeatures,
};
