/**
 * Token-bucket rate limits, per API key, per client address, and of failed authentications per client
 * address, in this process (each instance behind a load balancer limits its own share). `perSecond` 0
 * disables a limit.
 */
export interface Limit {
  perSecond: number;
  burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private sweeps = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes a token; returns 0 when allowed, else the seconds until one is available. */
  take(id: string, limit: Limit): number {
    const b = this.refill(id, limit);
    if (!b) return 0;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / limit.perSecond);
  }

  /** Like take, without taking: 0 when a token is available. */
  waiting(id: string, limit: Limit): number {
    const b = this.refill(id, limit);
    return !b || b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / limit.perSecond);
  }

  private refill(id: string, limit: Limit): { tokens: number; at: number } | undefined {
    if (limit.perSecond <= 0) return undefined;
    const t = this.now();
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = { tokens: limit.burst, at: t }));
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
    if (++this.sweeps % 10_000 === 0) this.sweep(t, limit);
    return b;
  }

  /** Forgets buckets that have refilled completely: they behave like new ones. */
  private sweep(t: number, limit: Limit): void {
    for (const [id, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * limit.perSecond >= limit.burst) this.buckets.delete(id);
  }
}
