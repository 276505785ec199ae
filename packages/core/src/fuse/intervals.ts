/**
 * Interval inputs and the coverage sweep shared by `marzullo` and `brooksIyengar`.
 *
 * A key fused by an interval function either holds float64 readings with a schema parameter
 * `accuracy` a (reading x stands for the closed interval [x - a, x + a]) or holds float64[2]
 * intervals [lo, hi]. An interval with lo > hi is malformed: it is treated as a wrong source
 * that contains no point (it still counts towards n), so a single faulty writer cannot make a
 * slot unfusable by writing one.
 */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseInput } from './types.js';
import { clamp, compareNumbers, faultyWritersOf, normZero, unknownParams } from './numeric.js';
import type { Extracted } from './numeric.js';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export function supportsIntervals(type: ValueType): boolean {
  return type.kind === 'float64' || (type.kind === 'float64[]' && type.length === 2);
}

export function checkIntervalParams(params: Readonly<Record<string, unknown>>, type: ValueType): string | undefined {
  if (type.kind === 'float64') {
    const extra = unknownParams(params, ['accuracy']);
    if (extra !== undefined) return extra;
    const a = params['accuracy'];
    if (a === undefined) return `'accuracy' (the half-width of each reading's interval, > 0) is required for float64 keys`;
    if (typeof a !== 'number' || !Number.isFinite(a) || a <= 0) return `'accuracy' must be a finite number > 0, got ${String(a)}`;
    return undefined;
  }
  if (type.kind === 'float64[]' && type.length === 2) return unknownParams(params, []);
  return `only float64 keys (with 'accuracy') and float64[2] interval keys [lo, hi] are supported, not ${type.kind}${type.kind === 'float64[]' ? `[${type.length}]` : ''}`;
}

export interface IntervalInputs {
  /** The well-formed intervals (malformed ones are left out but counted in `n`). */
  readonly intervals: readonly Interval[];
  /** The number of inputs, well-formed or not. */
  readonly n: number;
  /** The minimum coverage a point needs: n - f (at least 1). */
  readonly threshold: number;
  /** True for float64 keys (readings with an accuracy), false for interval keys. */
  readonly scalar: boolean;
}

const MAX = Number.MAX_VALUE;

export function intervalInputs(name: string, inputs: readonly FuseInput[], ctx: FuseContext): Extracted<IntervalInputs> {
  const problem = checkIntervalParams(ctx.params ?? {}, ctx.type);
  if (problem !== undefined) return { ok: false, reason: `${name}: ${problem}` };
  const f = faultyWritersOf(ctx);
  if (!f.ok) return f;
  if (inputs.length === 0) return { ok: false, reason: 'no values to fuse' };
  const scalar = ctx.type.kind === 'float64';
  const a = scalar ? (ctx.params['accuracy'] as number) : 0;
  const intervals: Interval[] = [];
  for (const { writer, value } of inputs) {
    if (scalar) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, reason: `value of writer '${writer}' is not a finite number` };
      // x ± a can overflow for huge (faulty) readings: saturate at the largest finite double.
      intervals.push({ lo: normZero(clamp(value - a, -MAX, MAX)), hi: normZero(clamp(value + a, -MAX, MAX)) });
    } else {
      if (!Array.isArray(value) || value.length !== 2) return { ok: false, reason: `value of writer '${writer}' is not an interval [lo, hi]` };
      const [lo, hi] = value as readonly unknown[];
      if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isFinite(lo) || !Number.isFinite(hi)) {
        return { ok: false, reason: `value of writer '${writer}' is not an interval of finite numbers` };
      }
      if (lo <= hi) intervals.push({ lo: normZero(lo), hi: normZero(hi) });
    }
  }
  return { ok: true, values: { intervals, n: inputs.length, threshold: Math.max(1, inputs.length - f.values), scalar } };
}

/** A piece of the line with the number of intervals covering every point of it. */
export interface Region {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
}

/**
 * The coverage of the line by closed intervals, as alternating pieces: for the distinct
 * endpoints p0 < p1 < ... < pm, the point [p0, p0], the open segment (p0, p1), the point
 * [p1, p1], ... , the point [pm, pm]. Open segments are reported with lo < hi, points with
 * lo = hi. Deterministic: depends only on the multiset of intervals.
 */
export function coverage(intervals: readonly Interval[]): Region[] {
  const starts = intervals.map((i) => i.lo).sort(compareNumbers);
  const ends = intervals.map((i) => i.hi).sort(compareNumbers);
  const points = [...starts, ...ends].sort(compareNumbers).filter((x, i, all) => i === 0 || x !== all[i - 1]);
  const out: Region[] = [];
  let si = 0;
  let ei = 0;
  let open = 0; // intervals covering the open segment just before the current point
  for (let k = 0; k < points.length; k++) {
    const p = points[k] as number;
    let startsHere = 0;
    while (si < starts.length && starts[si] === p) {
      si++;
      startsHere++;
    }
    let endsHere = 0;
    while (ei < ends.length && ends[ei] === p) {
      ei++;
      endsHere++;
    }
    const atPoint = open + startsHere;
    out.push({ lo: p, hi: p, count: atPoint });
    open = atPoint - endsHere;
    const next = points[k + 1];
    if (next !== undefined) out.push({ lo: p, hi: next, count: open });
  }
  return out;
}
