/** `brooksIyengar`: the Brooks–Iyengar hybrid fusion of intervals. */
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { clamp, clampToType, done, fail, midpointFloat, normZero } from './numeric.js';
import { checkIntervalParams, coverage, intervalInputs, supportsIntervals } from './intervals.js';
import type { Interval, Region } from './intervals.js';

export interface BrooksIyengarResult {
  /** The weighted average of the kept regions' midpoints, weighted by their coverage. */
  readonly estimate: number;
  /** From the lowest to the highest point of the kept regions. */
  readonly interval: Interval;
  readonly regions: readonly Region[];
}

/**
 * The regions covered by at least `threshold` intervals: the open segments between
 * consecutive endpoints, plus isolated points (a point with enough coverage whose neighbouring
 * segments both have too little, e.g. where intervals only touch). Undefined if none.
 */
export function brooksIyengarRegions(intervals: readonly Interval[], threshold: number): BrooksIyengarResult | undefined {
  const all = coverage(intervals);
  const kept: Region[] = [];
  for (let j = 0; j < all.length; j++) {
    const r = all[j] as Region;
    if (r.count < threshold) continue;
    if (r.lo < r.hi) kept.push(r);
    else if ((all[j - 1]?.count ?? 0) < threshold && (all[j + 1]?.count ?? 0) < threshold) kept.push(r);
  }
  if (kept.length === 0) return undefined;
  let weight = 0;
  for (const r of kept) weight += r.count;
  // Σ (count/weight)·midpoint with compensation, in positional order: no overflow, no order
  // dependence on the inputs.
  let sum = 0;
  let c = 0;
  for (const r of kept) {
    const x = (r.count / weight) * midpointFloat(r.lo, r.hi);
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const lo = (kept[0] as Region).lo;
  const hi = (kept[kept.length - 1] as Region).hi;
  return { estimate: normZero(clamp(sum + c, lo, hi)), interval: { lo, hi }, regions: kept };
}

export const brooksIyengar: FuseFunction = Object.freeze({
  name: 'brooksIyengar',
  description:
    'Brooks–Iyengar hybrid fusion. Inputs as for marzullo: float64 readings x with the parameter ' +
    'accuracy a ([x - a, x + a]) or float64[2] intervals [lo, hi] (lo > hi counts as a wrong ' +
    'source covering nothing). With f = the key\'s faultyWriters it keeps the regions covered by ' +
    'at least n - f intervals (segments between consecutive endpoints, plus isolated points) and ' +
    'outputs, for float64 keys, the average of the regions\' midpoints weighted by their coverage ' +
    '(clamped to the key\'s range); for interval keys, the span [lo, hi] from the lowest to the ' +
    'highest kept point (which equals marzullo\'s interval). No kept region gives no value. ' +
    'Guarantee: if at most f intervals are wrong and the correct ones contain the truth, the span ' +
    'contains the truth; with n >= 2f+1 every kept region lies inside a correct interval, so the ' +
    'estimate and the span lie within the hull of the correct intervals. minWriters(f) = 3f+1, ' +
    'the bound of the original distributed algorithm (in which a faulty node may send different ' +
    'intervals to different nodes, and which the precision analysis of Brooks–Iyengar assumes); ' +
    'the local guarantees above need only 2f+1.',
  supports: supportsIntervals,
  minWriters(faultyWriters: number): number {
    return 3 * faultyWriters + 1;
  },
  checkParams: checkIntervalParams,
  fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult {
    const got = intervalInputs('brooksIyengar', inputs, ctx);
    if (!got.ok) return got;
    const { intervals, n, threshold, scalar } = got.values;
    const res = brooksIyengarRegions(intervals, threshold);
    if (res === undefined) return fail(`no region lies in at least ${threshold} of the ${n} intervals (more than ${n - threshold} sources are wrong)`);
    if (scalar) return done(clampToType(res.estimate, ctx.type));
    return done([res.interval.lo, res.interval.hi]);
  },
});
