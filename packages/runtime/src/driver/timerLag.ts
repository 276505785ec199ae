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
}

export class TimerLag {
  private samples = 0;
  private totalUs = 0;
  private maxUs = 0;
  private lastUs = 0;
  private over1ms = 0;
  private over10ms = 0;
  private over100ms = 0;

  record(lagUs: number): void {
    const us = Math.max(0, lagUs);
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
    };
  }
}
