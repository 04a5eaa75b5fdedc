/**
 * Receipts kept on this device (localStorage, by result id), so that a certified result is found again
 * after a reload: the certified result as the service returned it and the result file that was sent
 * (outputs, public signals and proof; never a reading or the key).
 */
import type { ResultJson } from '../../prover/result.js';
import type { Certified } from './api.js';

export const RECEIPT_FORMAT = 'meterproof-receipt/1';
const PREFIX = 'meterproof-receipt:';

export interface StoredReceipt {
  format: typeof RECEIPT_FORMAT;
  certified: Certified;
  /** the result file sent to the service */
  result: ResultJson;
  savedAt: string;
}

/** Keeps the receipt; a full or disabled storage only loses the copy kept here (the download still works). */
export function saveReceipt(certified: Certified, result: ResultJson): StoredReceipt {
  const stored: StoredReceipt = { format: RECEIPT_FORMAT, certified, result, savedAt: new Date().toISOString() };
  try {
    localStorage.setItem(PREFIX + certified.result.id, JSON.stringify(stored));
  } catch {
    // storage full or disabled
  }
  return stored;
}

/** The receipts kept on this device, newest first; unreadable entries are skipped. */
export function loadReceipts(): StoredReceipt[] {
  const all: StoredReceipt[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      try {
        const r = JSON.parse(localStorage.getItem(key) ?? '') as StoredReceipt;
        if (r?.format === RECEIPT_FORMAT && r.certified?.result?.id) all.push(r);
      } catch {
        // not ours, or damaged
      }
    }
  } catch {
    return [];
  }
  return all.sort((a, b) => (a.savedAt < b.savedAt ? 1 : -1));
}
