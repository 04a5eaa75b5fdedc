/**
 * The meter's hash chain over its readings: the TypeScript twin of circuits/lib/certified_readings.circom
 * (docs/certification.md explains the design).
 *
 *   element  16 readings × 14 bits in bits 0..223, plus (absolute element position + 1) from bit 224;
 *            3 elements per day (48 slots), element position = 3 × day + index within the day
 *   group    15 elements = 5 days, groups aligned on absolute days divisible by 5;
 *            chain value after a group = Poseidon16(chain value before, the 15 elements)
 *   digest   at the end of a day: the chain value if the day closes a group, else
 *            Poseidon16(chain value, the open group's elements, zero padding)
 *   message  M = Poseidon3(meterId, endDay, digest), signed once a day with EdDSA-Poseidon
 *
 * Work per reading: a shift-and-add into the current element; per 5 days one Poseidon16; per day one
 * Poseidon16 + one Poseidon3 + one signature.
 */
import { SLOTS_PER_DAY } from '../core/time.js';
import { DAYS_PER_GROUP, ELEMENTS_PER_DAY, ELEMENTS_PER_GROUP, MAX_READING_WH, READING_BITS, READINGS_PER_ELEMENT } from './chain-layout.js';
import { poseidonHash } from './crypto.js';

export * from './chain-layout.js';
const TAG_SHIFT = 224n;
/** Domain tag of a new meter's first chain value, so that it cannot equal any compression output by design. */
const CHAIN_GENESIS_TAG = 0x6d657465727072n; // "meterpr"

export function assertReading(wh: number): void {
  if (!Number.isInteger(wh) || wh < 0 || wh > MAX_READING_WH) {
    throw new Error(`reading ${wh} Wh is outside the meter's range 0..${MAX_READING_WH} Wh per half-hour`);
  }
}

/** Packs 16 readings and the element's absolute position into one field element. */
export function packElement(readings: readonly number[], position: number): bigint {
  if (readings.length !== READINGS_PER_ELEMENT) throw new Error('an element holds exactly 16 readings');
  let packed = 0n;
  for (let i = READINGS_PER_ELEMENT - 1; i >= 0; i--) {
    assertReading(readings[i]);
    packed = (packed << BigInt(READING_BITS)) | BigInt(readings[i]);
  }
  return packed | (BigInt(position + 1) << TAG_SHIFT);
}

/** The three elements of one day's 48 readings. */
export function packDay(day: number, readings: readonly number[]): bigint[] {
  if (readings.length !== SLOTS_PER_DAY) throw new Error(`a day has ${SLOTS_PER_DAY} readings, got ${readings.length}`);
  return Array.from({ length: ELEMENTS_PER_DAY }, (_, j) =>
    packElement(readings.slice(j * READINGS_PER_ELEMENT, (j + 1) * READINGS_PER_ELEMENT), ELEMENTS_PER_DAY * day + j),
  );
}

export async function compressGroup(chainValue: bigint, elements: readonly bigint[]): Promise<bigint> {
  if (elements.length > ELEMENTS_PER_GROUP) throw new Error('a group holds at most 15 elements');
  const padded = [...elements, ...Array(ELEMENTS_PER_GROUP - elements.length).fill(0n)];
  return poseidonHash([chainValue, ...padded]);
}

export function dailyMessage(meterIdField: bigint, endDay: number, digest: bigint): Promise<bigint> {
  return poseidonHash([meterIdField, BigInt(endDay), digest]);
}

export function genesisChainValue(meterIdField: bigint): Promise<bigint> {
  return poseidonHash([CHAIN_GENESIS_TAG, meterIdField]);
}

/** Chain state at a day boundary: the value at the start of the open group and that group's elements so far. */
export interface ChainState {
  /** absolute day the state is at (the next day to be recorded) */
  day: number;
  /** index of the open group: floor(day / 5) */
  group: number;
  /** chain value at the start of the open group */
  value: bigint;
  /** elements of the open group recorded so far: 3 × (day mod 5) */
  pending: bigint[];
}

/** State of a meter commissioned on `day`: earlier days of its first group count as zero readings. */
export async function commissionChain(meterIdField: bigint, day: number): Promise<ChainState> {
  const group = Math.floor(day / DAYS_PER_GROUP);
  const pending: bigint[] = [];
  for (let d = group * DAYS_PER_GROUP; d < day; d++) pending.push(...packDay(d, Array(SLOTS_PER_DAY).fill(0)));
  return { day, group, value: await genesisChainValue(meterIdField), pending };
}

/** Appends one day of readings; returns the next state. */
export async function appendDay(state: ChainState, readings: readonly number[]): Promise<ChainState> {
  const pending = [...state.pending, ...packDay(state.day, readings)];
  if (pending.length < ELEMENTS_PER_GROUP) return { ...state, day: state.day + 1, pending };
  return { day: state.day + 1, group: state.group + 1, value: await compressGroup(state.value, pending), pending: [] };
}

/** The digest a meter signs at this day boundary. */
export function chainDigest(state: ChainState): Promise<bigint> | bigint {
  return state.pending.length === 0 ? state.value : compressGroup(state.value, state.pending);
}
