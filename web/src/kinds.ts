/** The result kinds the page proves: every kind of the registry (kinds/all.ts), by name. */
import * as all from '../../kinds/all.js';
import type { ResultKind } from '../../kinds/kind.js';

export const KINDS: Record<string, ResultKind<any, any>> = Object.fromEntries(Object.values(all).map((k) => [k.kind, k]));
