/**
 * Deterministic numeric building blocks shared by the fuse functions.
 *
 * Everything here depends only on the multiset of its inputs, never on their order: values are
 * sorted with a total order first and every sum runs over the sorted values. Inputs are finite
 * (values are type-checked before they reach a fuse function); outputs are finite and -0 is
 * normalised to +0 (the two are the same value for `canonicalValue`).
 */
import type { Value, ValueType } from '../value.js';
import type { FuseContext, FuseInput, FuseResult } from './types.js';

export type Extracted<T> = { readonly ok: true; readonly values: T } | { readonly ok: false; readonly reason: string };

export const fail = (reason: string): FuseResult => ({ ok: false, reason });
export const done = (value: Value): FuseResult => ({ ok: true, value });

/** A total order on finite numbers: numeric, with -0 before +0 (so sorting is canonical). */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === 0 && b === 0) {
    const na = Object.is(a, -0);
    const nb = Object.is(b, -0);
    return na === nb ? 0 : na ? -1 : 1;
  }
  return 0;
}

/** A sorted copy (ascending, total order). */
export function sortNumbers(xs: readonly number[]): number[] {
  return [...xs].sort(compareNumbers);
}

/** +0 for -0, the number itself otherwise. */
export function normZero(x: number): number {
  return x === 0 ? 0 : x;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Compensated (Neumaier) sum of `xs` in the given order; callers pass sorted values. */
function neumaier(xs: readonly number[], scale: number): number {
  let sum = 0;
  let c = 0;
  for (const raw of xs) {
    const x = raw * scale;
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * Mean of finite float64 values: a compensated sum over the values in ascending order, divided
 * by the count. If the sum overflows, the values are pre-scaled by 1/n instead (no overflow is
 * then possible). The result is clamped to [min, max] of the values, which the exact mean
 * always satisfies, so rounding can never leave the inputs' range.
 */
export function meanFloat(xs: readonly number[]): number {
  const s = sortNumbers(xs);
  const n = s.length;
  const lo = s[0] as number;
  const hi = s[n - 1] as number;
  let m = neumaier(s, 1) / n;
  if (!Number.isFinite(m)) m = neumaier(s, 1 / n);
  if (!Number.isFinite(m)) m = midpointFloat(lo, hi); // unreachable for finite inputs; keeps the result finite
  return normZero(clamp(m, lo, hi));
}

/** Midpoint of two finite numbers, without overflow, always within [min(a,b), max(a,b)]. */
export function midpointFloat(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (lo === hi) return normZero(lo);
  return normZero(clamp(lo / 2 + hi / 2, lo, hi));
}

/**
 * Exact mean of safe integers, rounded to the nearest integer with ties to even (the IEEE
 * default; unbiased). Computed with BigInt, so there is no overflow and no order dependence;
 * the result lies within [min, max] of the inputs and is therefore a safe integer.
 */
export function meanInt(xs: readonly number[]): number {
  const n = BigInt(xs.length);
  let sum = 0n;
  for (const x of xs) sum += BigInt(x);
  let q = sum / n; // truncates toward zero
  let r = sum % n; // has the sign of sum
  if (r < 0n) {
    q -= 1n;
    r += n;
  }
  // now sum = q*n + r with 0 <= r < n
  const twice = 2n * r;
  if (twice > n || (twice === n && q % 2n !== 0n)) q += 1n;
  return normZero(Number(q));
}

export function midpointInt(a: number, b: number): number {
  return meanInt([a, b]);
}

/** Whether the key's values are integers (int64) rather than float64. */
export function isIntKind(type: ValueType): boolean {
  return type.kind === 'int64';
}

export function meanOf(xs: readonly number[], intKind: boolean): number {
  return intKind ? meanInt(xs) : meanFloat(xs);
}

export function midpointOf(a: number, b: number, intKind: boolean): number {
  return intKind ? midpointInt(a, b) : midpointFloat(a, b);
}

/** Median of a sorted non-empty array: the middle value, or the midpoint of the middle two. */
export function medianOfSorted(s: readonly number[], intKind: boolean): number {
  const n = s.length;
  const mid = n >> 1;
  if (n % 2 === 1) return normZero(s[mid] as number);
  return midpointOf(s[mid - 1] as number, s[mid] as number, intKind);
}

/**
 * How many values to discard at each end so that at least one remains: `f`, or fewer when
 * there are fewer than 2f+1 values (then the masking guarantee covers only that many).
 */
export function trimCount(n: number, f: number): number {
  return Math.max(0, Math.min(f, Math.floor((n - 1) / 2)));
}

/** Validates `ctx.faultyWriters` (a non-negative safe integer). */
export function faultyWritersOf(ctx: FuseContext): Extracted<number> {
  const f = ctx.faultyWriters;
  if (!Number.isSafeInteger(f) || f < 0) return { ok: false, reason: `faultyWriters must be a non-negative integer, got ${String(f)}` };
  return { ok: true, values: f };
}

/** The scalar numbers of the inputs (float64: finite; int64: safe integers). */
export function scalarInputs(inputs: readonly FuseInput[], type: ValueType): Extracted<number[]> {
  if (inputs.length === 0) return { ok: false, reason: 'no values to fuse' };
  const ints = type.kind === 'int64';
  const out: number[] = [];
  for (const { writer, value } of inputs) {
    if (typeof value !== 'number' || !Number.isFinite(value) || (ints && !Number.isSafeInteger(value))) {
      return { ok: false, reason: `value of writer '${writer}' is not a ${ints ? 'safe integer' : 'finite number'}` };
    }
    out.push(value);
  }
  return { ok: true, values: out };
}

/** The columns of float64 vector inputs: `columns[i]` holds component i of every input. */
export function vectorColumns(inputs: readonly FuseInput[], type: ValueType): Extracted<number[][]> {
  if (inputs.length === 0) return { ok: false, reason: 'no values to fuse' };
  const first = inputs[0]?.value;
  const length = type.kind === 'float64[]' ? type.length : Array.isArray(first) ? first.length : 0;
  const columns: number[][] = Array.from({ length }, () => []);
  for (const { writer, value } of inputs) {
    if (!Array.isArray(value) || value.length !== length) return { ok: false, reason: `value of writer '${writer}' is not a vector of ${length} numbers` };
    for (let i = 0; i < length; i++) {
      const x = value[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) return { ok: false, reason: `element ${i} of writer '${writer}' is not a finite number` };
      (columns[i] as number[]).push(x);
    }
  }
  return { ok: true, values: columns };
}

/** Rejects parameters a function does not take (a typo must not silently change fusion). */
export function unknownParams(params: Readonly<Record<string, unknown>>, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(params).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return undefined;
  const takes = allowed.length === 0 ? 'takes no parameters' : `takes only ${allowed.map((a) => `'${a}'`).join(', ')}`;
  return `unknown parameter${extra.length > 1 ? 's' : ''} ${extra.map((e) => `'${e}'`).join(', ')} (it ${takes})`;
}

/** Checks the params in `fuse` too: fuse must be total even if the schema check was skipped. */
export function paramsProblem(
  check: ((params: Readonly<Record<string, unknown>>, type: ValueType) => string | undefined) | undefined,
  ctx: FuseContext,
): string | undefined {
  const p = check?.(ctx.params ?? {}, ctx.type);
  return p === undefined ? undefined : `invalid parameters: ${p}`;
}

/** Clamps a float64 result into the key's declared range [min, max] (the truth lies there). */
export function clampToType(x: number, type: ValueType): number {
  if (type.kind !== 'float64') return x;
  return normZero(clamp(x, type.min ?? -Number.MAX_VALUE, type.max ?? Number.MAX_VALUE));
}
