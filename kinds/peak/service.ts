/**
 * The peak kind in the verifier API: the grid (distribution network operator) reads peaks for capacity
 * and maximum-demand charges, as does the meter's supplier; nothing to bind, the statement is the meter
 * and the period.
 */
import type { KindService } from '../service.js';

export const peakService: KindService = {
  readers: ['grid'],
  async bind() {
    return { fields: {}, shared: '', bindings: {} };
  },
};
