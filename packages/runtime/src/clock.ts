/**
 * Clocks hand the core its `nowUs`. The core never reads time itself; whichever clock the
 * runtime chooses (system, ROS time, simulated) is the one the protocol sees.
 */
export interface Clock {
  /** Microseconds on the cluster's time base (integer). */
  nowUs(): number;
}

/**
 * Wall-clock time in µs from the high-resolution timer anchored at process start: as
 * precise as `performance.now()`, on the Unix epoch like `Date.now()`, and never
 * jumping backwards with NTP slews during a run.
 */
export class SystemClock implements Clock {
  private readonly originUs = Math.round(performance.timeOrigin * 1_000);

  nowUs(): number {
    return this.originUs + Math.floor(performance.now() * 1_000);
  }
}
