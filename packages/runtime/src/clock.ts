/**
 * Clocks hand the core its `nowUs`. The core never reads time itself; whichever clock the
 * runtime chooses (system, ROS time, simulated) is the one the protocol sees.
 */
export interface Clock {
  /** Microseconds on the cluster's time base (integer). */
  nowUs(): number;
}

/**
 * Wall-clock time in µs: the monotonic high-resolution timer, anchored to the wall clock once
 * when the clock is made. As precise as `performance.now()`, on the Unix epoch like
 * `Date.now()`, and never jumping backwards with NTP slews during a run.
 *
 * Why not `performance.timeOrigin`: it is taken at process start, and on a loaded machine it
 * was measured 26 ms off the wall clock in one process of the vehicle testbed — more than the
 * whole clock-skew budget ε between replicas. The anchor here is taken at the instant
 * `Date.now()` ticks to the next millisecond (waiting at most 1 ms, once), so it is off by the
 * duration of one `performance.now()` call, not by up to a millisecond or a descheduling.
 */
export class SystemClock implements Clock {
  private readonly originUs: number;

  constructor() {
    this.originUs = wallAnchorUs();
  }

  nowUs(): number {
    return this.originUs + Math.floor(performance.now() * 1_000);
  }
}

/** Wall-clock µs minus performance.now() µs, taken at a millisecond edge of Date.now(). */
export function wallAnchorUs(): number {
  let best = Number.POSITIVE_INFINITY;
  let anchor = 0;
  // A few edges: keep the one where the two reads were closest together (least interrupted).
  for (let edge = 0; edge < 3; edge++) {
    const startMs = Date.now();
    let ms = startMs;
    let before = 0;
    let after = 0;
    while (ms === startMs) {
      before = performance.now();
      ms = Date.now();
      after = performance.now();
    }
    if (after - before < best) {
      best = after - before;
      anchor = ms * 1_000 - Math.round(((before + after) / 2) * 1_000);
    }
  }
  return anchor;
}
