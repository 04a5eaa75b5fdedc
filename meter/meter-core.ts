/**
 * The meter core: records one day of readings at a time and signs the chain digest at the end of each day.
 * A real meter would persist `state` across reboots; here it lives in memory.
 */
import { SLOTS_PER_DAY } from '../core/time.js';
import { appendDay, chainDigest, commissionChain, dailyMessage, type ChainState } from './chain.js';
import { signMessage, type Signature } from './crypto.js';
import { meterIdToField } from './meter-id.js';
import type { MeterKey } from './meter-key.js';

export interface DailyCertificate {
  /** the day after the last certified day (exclusive end) */
  endDay: number;
  signature: Signature;
}

/** What the meter hands the household for each day. */
export interface DailyRecord {
  day: number;
  readingsWh: number[];
  /** chain state at the start of this day, so that a period can start here */
  stateAtStart: ChainState;
  certificate: DailyCertificate;
}

export class MeterCore {
  private constructor(
    readonly key: MeterKey,
    private state: ChainState,
  ) {}

  static async commission(key: MeterKey, day: number): Promise<MeterCore> {
    return new MeterCore(key, await commissionChain(meterIdToField(key.meterId), day));
  }

  get nextDay(): number {
    return this.state.day;
  }

  async recordDay(readingsWh: readonly number[]): Promise<DailyRecord> {
    if (readingsWh.length !== SLOTS_PER_DAY) throw new Error(`a day has ${SLOTS_PER_DAY} readings`);
    const stateAtStart = this.state;
    this.state = await appendDay(stateAtStart, readingsWh);
    const endDay = this.state.day;
    const message = await dailyMessage(meterIdToField(this.key.meterId), endDay, await chainDigest(this.state));
    const signature = await signMessage(this.key.privateKey, message);
    return { day: stateAtStart.day, readingsWh: [...readingsWh], stateAtStart, certificate: { endDay, signature } };
  }
}
