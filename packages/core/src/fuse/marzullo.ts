/** `marzullo`: Marzullo's fault-tolerant interval intersection. */
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { clampToType, done, fail, midpointFloat } from './numeric.js';
import { checkIntervalParams, coverage, intervalInputs, supportsIntervals } from './intervals.js';
import type { Interval } from './intervals.js';

/**
 * The smallest interval containing every point that lies in at least `threshold` of the
 * intervals, or undefined if no point does.
 */
export function marzulloInterval(intervals: readonly Interval[], threshold: number): Interval | undefined {
  let lo: number | undefined;
  let hi: number | undefined;
  for (const r of coverage(intervals)) {
    if (r.count < threshold) continue;
    if (lo === undefined) lo = r.lo;
    hi = r.hi;
  }
  return lo === undefined || hi === undefined ? undefined : { lo, hi };
}

export const marzullo: FuseFunction = Object.freeze({
  name: 'marzullo',
  description:
    'Marzullo\'s fault-tolerant interval intersection. Inputs are float64 readings x with the ' +
    'parameter accuracy a (each stands for [x - a, x + a]) or float64[2] intervals [lo, hi] ' +
    '(lo > hi counts as a wrong source covering nothing). With f = the key\'s faultyWriters it ' +
    'computes the smallest interval containing every point covered by at least n - f of the n ' +
    'intervals (for f = 0 the intersection of all); no such point gives no value (then more than ' +
    'f sources are wrong). Output: [lo, hi] for interval keys, the midpoint of [lo, hi] for ' +
    'float64 keys (clamped to the key\'s range). Guarantee: if at most f intervals are wrong and ' +
    'every correct interval contains the true value, the true value lies in [lo, hi] (it is ' +
    'covered by the >= n - f correct intervals). With n >= 2f+1 (minWriters(f) = 2f+1) every ' +
    'point counted is covered by at least one correct interval, so [lo, hi] also lies within the ' +
    'hull of the correct intervals (the f wrong sources cannot stretch it beyond them) and, for ' +
    'readings within a of the truth, the output midpoint is within a of the truth.',
  supports: supportsIntervals,
  minWriters(faultyWriters: number): number {
    return 2 * faultyWriters + 1;
  },
  checkParams: checkIntervalParams,
  fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult {
    const got = intervalInputs('marzullo', inputs, ctx);
    if (!got.ok) return got;
    const { intervals, n, threshold, scalar } = got.values;
    const out = marzulloInterval(intervals, threshold);
    if (out === undefined) return fail(`no point lies in at least ${threshold} of the ${n} intervals (more than ${n - threshold} sources are wrong)`);
    if (scalar) return done(clampToType(midpointFloat(out.lo, out.hi), ctx.type));
    return done([out.lo, out.hi]);
  },
});
