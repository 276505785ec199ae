/**
 * Simulated replica clocks: true time plus an error that drifts.
 *
 * Real control systems discipline their clocks (PTP, NTP), so a clock's error stays within a
 * bound while its rate wanders. We model exactly that: the error is piecewise linear between
 * resynchronisation points every `resyncIntervalUs` of true time; at each point a new error is
 * drawn within ±`maxErrorUs` and within `maxDriftPpm` of the previous one, so between points
 * the clock runs fast or slow by at most `maxDriftPpm`. With `maxErrorUs <= ε/2 - 1` any two
 * clocks differ by at most ε (the integer rounding adds at most 1 µs), which is the timing
 * assumption the protocol's lead is derived from. Because the rate stays within a few hundred
 * ppm of 1, local time is monotone: a replica never sees time run backwards.
 */
import type { Prng } from './prng.js';

export interface ClockOptions {
  /** |error| bound in µs (local - true). */
  readonly maxErrorUs: number;
  /** Bound on the rate error in parts per million. */
  readonly maxDriftPpm: number;
  readonly resyncIntervalUs: number;
  /** True time of the first breakpoint (the run's start). */
  readonly startUs: number;
}

/** The largest per-clock error that keeps two clocks within `clockSkewUs` of each other. */
export function maxClockErrorUs(clockSkewUs: number): number {
  return Math.max(0, Math.floor(clockSkewUs / 2) - 1);
}

export class SimClock {
  private readonly opts: ClockOptions;
  private readonly rng: Prng;
  /** Error at breakpoint k (true time startUs + k * resyncIntervalUs). Grows lazily. */
  private readonly errors: number[] = [];

  constructor(opts: ClockOptions, rng: Prng) {
    if (!(opts.maxErrorUs >= 0) || !(opts.maxDriftPpm >= 0) || !(opts.resyncIntervalUs > 0)) {
      throw new RangeError('clock options must be non-negative (resync interval positive)');
    }
    // Rate error must stay far below 1 so local time is monotone.
    if (opts.maxDriftPpm > 100_000) throw new RangeError('maxDriftPpm above 100000 would let local time run backwards');
    this.opts = opts;
    this.rng = rng;
    // Half the clocks start at an extreme of the band: skew at the bound is what breaks
    // protocols, so it must be common, not a rarity.
    const m = opts.maxErrorUs;
    this.errors.push(rng.chance(0.5) ? (rng.chance(0.5) ? m : -m) : rng.real(-m, m));
  }

  /** local - true at a true time (fractional µs). */
  errorAt(trueUs: number): number {
    const { startUs, resyncIntervalUs } = this.opts;
    const x = Math.max(0, trueUs - startUs) / resyncIntervalUs;
    const k = Math.floor(x);
    this.extendTo(k + 1);
    const e0 = this.errors[k] as number;
    const e1 = this.errors[k + 1] as number;
    return e0 + (e1 - e0) * (x - k);
  }

  /** The replica's reading at a true time: an integer µs, monotone in trueUs. */
  localAt(trueUs: number): number {
    return trueUs + Math.round(this.errorAt(trueUs));
  }

  /** The earliest integer true time >= notBeforeUs at which the local clock reads >= localUs. */
  trueAtLocal(localUs: number, notBeforeUs: number): number {
    if (this.localAt(notBeforeUs) >= localUs) return notBeforeUs;
    // The error changes by < 0.1 µs per µs, so two fixed-point steps land within a µs.
    let t = Math.max(notBeforeUs, Math.round(localUs - this.errorAt(localUs)));
    t = Math.max(notBeforeUs, Math.round(localUs - this.errorAt(t)));
    while (this.localAt(t) < localUs) t++;
    while (t > notBeforeUs && this.localAt(t - 1) >= localUs) t--;
    return t;
  }

  private extendTo(k: number): void {
    const { maxErrorUs: m, maxDriftPpm, resyncIntervalUs } = this.opts;
    const step = (maxDriftPpm * resyncIntervalUs) / 1_000_000;
    while (this.errors.length <= k) {
      const prev = this.errors[this.errors.length - 1] as number;
      const lo = Math.max(-m, prev - step);
      const hi = Math.min(m, prev + step);
      this.errors.push(this.rng.real(lo, hi));
    }
  }
}
