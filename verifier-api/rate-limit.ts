/**
 * Token-bucket rate limits, per API key and per client address, in this process (each instance behind a
 * load balancer limits its own share). `perSecond` 0 disables a limit.
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
    if (limit.perSecond <= 0) return 0;
    const t = this.now();
    let b = this.buckets.get(id);
    if (!b) this.buckets.set(id, (b = { tokens: limit.burst, at: t }));
    b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
    b.at = t;
    if (++this.sweeps % 10_000 === 0) this.sweep(t, limit);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / limit.perSecond);
  }

  /** Forgets buckets that have refilled completely: they behave like new ones. */
  private sweep(t: number, limit: Limit): void {
    for (const [id, b] of this.buckets) if (b.tokens + ((t - b.at) / 1000) * limit.perSecond >= limit.burst) this.buckets.delete(id);
  }
}
