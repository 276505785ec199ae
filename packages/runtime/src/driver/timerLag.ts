/**
 * How late the driver's timer fires compared with the tick time the replica asked for: a
 * direct measure of event-loop lag as the protocol experiences it (GC pauses, long handlers,
 * an overloaded host). Lateness eats into the protocol's processing bound π, so it is worth
 * watching next to deadline misses.
 */
export interface TimerLagSnapshot {
  readonly samples: number;
  readonly meanUs: number;
  readonly maxUs: number;
  readonly lastUs: number;
  /** Samples later than 1 ms / 10 ms / 100 ms. */
  readonly over1ms: number;
  readonly over10ms: number;
  readonly over100ms: number;
  /** Percentiles from a log-scale histogram (4 buckets per power of two: within 19 %); 0 without samples. */
  readonly p50Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
}

/** Buckets per power of two, and how many: up to 2^26 µs (67 s); later samples land in the last. */
const SUB = 4;
const BUCKETS = 26 * SUB + 1;

export class TimerLag {
  private samples = 0;
  private totalUs = 0;
  private maxUs = 0;
  private lastUs = 0;
  private over1ms = 0;
  private over10ms = 0;
  private over100ms = 0;
  /** histogram[i]: samples with floor(log2(us + 1) * SUB) = i. Bounded memory, whatever the run time. */
  private readonly histogram = new Uint32Array(BUCKETS);

  record(lagUs: number): void {
    const us = Math.max(0, lagUs);
    this.histogram[Math.min(BUCKETS - 1, Math.floor(Math.log2(us + 1) * SUB))]! += 1;
    this.samples++;
    this.totalUs += us;
    this.lastUs = us;
    if (us > this.maxUs) this.maxUs = us;
    if (us > 1_000) this.over1ms++;
    if (us > 10_000) this.over10ms++;
    if (us > 100_000) this.over100ms++;
  }

  snapshot(): TimerLagSnapshot {
    return {
      samples: this.samples,
      meanUs: this.samples === 0 ? 0 : Math.round(this.totalUs / this.samples),
      maxUs: this.maxUs,
      lastUs: this.lastUs,
      over1ms: this.over1ms,
      over10ms: this.over10ms,
      over100ms: this.over100ms,
      p50Us: this.percentile(0.5),
      p99Us: this.percentile(0.99),
      p999Us: this.percentile(0.999),
    };
  }

  /** The upper edge of the bucket holding the q-quantile (never above the maximum seen). */
  private percentile(q: number): number {
    if (this.samples === 0) return 0;
    const rank = Math.ceil(q * this.samples);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.histogram[i] as number;
      if (seen >= rank) return Math.min(this.maxUs, Math.round(2 ** ((i + 1) / SUB) - 1));
    }
    return this.maxUs;
  }
}
