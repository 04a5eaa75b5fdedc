/**
 * The hash chain's layout constants (meter/chain.ts explains the design), apart from the hashing so that
 * code that only checks a bundle's shape (meter/bundle-format.ts, the household web page) needs no
 * Poseidon implementation.
 */
import { SLOTS_PER_DAY } from '../core/time.js';

export const READING_BITS = 14;
export const MAX_READING_WH = (1 << READING_BITS) - 1;
export const READINGS_PER_ELEMENT = 16;
export const ELEMENTS_PER_DAY = SLOTS_PER_DAY / READINGS_PER_ELEMENT;
export const DAYS_PER_GROUP = 5;
export const ELEMENTS_PER_GROUP = ELEMENTS_PER_DAY * DAYS_PER_GROUP;
