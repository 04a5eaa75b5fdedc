/**
 * Meter ids are short ASCII strings (an MPAN, a serial number, "MAC000002"). Inside circuits a meter id is
 * the big-endian integer of its bytes: injective, and readable back for error messages.
 */
import { z } from 'zod';

const METER_ID = /^[A-Za-z0-9._-]{1,31}$/;

export function assertMeterId(id: string): void {
  if (!METER_ID.test(id)) {
    throw new Error(`invalid meter id "${id}": use 1-31 characters from A-Z a-z 0-9 . _ -`);
  }
}

export function meterIdToField(id: string): bigint {
  assertMeterId(id);
  // Hex of the ASCII bytes without Buffer, so the household web page can use it too.
  return BigInt('0x' + Array.from(id, (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
}

/** A meter id in a document (zod): the same rule as assertMeterId. */
export const MeterIdSchema = z.string().refine((id) => {
  try {
    assertMeterId(id);
    return true;
  } catch {
    return false;
  }
}, 'use 1-31 characters from A-Z a-z 0-9 . _ -');
