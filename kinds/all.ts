/** Every result kind, one line each: adding a kind is adding its line (kinds/registry.ts reads this list). */
export { billKind } from './bill/kind.js';
export { rebateKind } from './rebate/kind.js';
export { totalsKind } from './totals/kind.js';
export { samplingKind } from './sampling/kind.js';
export { profileKind } from './profile/kind.js';
export { suspectKind } from './suspect/kind.js';
export { thresholdKind } from './threshold/kind.js';
export { tieredKind } from './tiered/kind.js';
export { compareKind } from './compare/kind.js';
export { peakKind } from './peak/kind.js';
