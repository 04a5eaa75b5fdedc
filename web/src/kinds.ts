/**
 * The result kinds the page proves. Every kind of kinds/all.ts whose adapter bundles for the browser;
 * threshold, tiered and sampling hash their documents with Poseidon through meter/chain.ts, whose
 * circomlibjs import is not browser-safe yet (docs/web-app.md, "Kinds"), so the page does not offer them.
 */
import { billKind } from '../../kinds/bill/kind.js';
import { compareKind } from '../../kinds/compare/kind.js';
import type { ResultKind } from '../../kinds/kind.js';
import { profileKind } from '../../kinds/profile/kind.js';
import { rebateKind } from '../../kinds/rebate/kind.js';
import { suspectKind } from '../../kinds/suspect/kind.js';
import { totalsKind } from '../../kinds/totals/kind.js';

export const KINDS: Record<string, ResultKind<any, any>> = Object.fromEntries([billKind, totalsKind, rebateKind, compareKind, profileKind, suspectKind].map((k) => [k.kind, k]));
