/**
 * Shared core of the "discard the f lowest and f highest values" family (median, mid-value
 * select, fault-tolerant midpoint, trimmed mean).
 */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { done, fail, faultyWritersOf, paramsProblem, scalarInputs, sortNumbers, trimCount, unknownParams } from './numeric.js';

/**
 * Sorts the scalar inputs, discards `trimCount(n, f)` values at each end and hands the
 * remaining (sorted, non-empty) values to `reduce`.
 */
export function fuseTrimmed(
  name: string,
  inputs: readonly FuseInput[],
  ctx: FuseContext,
  reduce: (kept: readonly number[], intKind: boolean) => number,
): FuseResult {
  if (ctx.type.kind !== 'float64' && ctx.type.kind !== 'int64') return fail(`${name} cannot fuse values of type ${ctx.type.kind}`);
  const f = faultyWritersOf(ctx);
  if (!f.ok) return f;
  const xs = scalarInputs(inputs, ctx.type);
  if (!xs.ok) return xs;
  const s = sortNumbers(xs.values);
  const k = trimCount(s.length, f.values);
  return done(reduce(s.slice(k, s.length - k), ctx.type.kind === 'int64'));
}

/**
 * A fuse function of the trimming family: float64/int64 keys, masks f arbitrary values with
 * 2f+1 writers, takes no parameters, and reduces the sorted values left after trimming.
 * Symmetric trimming never moves the middle, so median and mid-value select belong here too.
 */
export function defineTrimmedScalarFuse(spec: {
  readonly name: string;
  readonly description: string;
  readonly reduce: (kept: readonly number[], intKind: boolean) => number;
}): FuseFunction {
  const checkParams = (params: Readonly<Record<string, unknown>>): string | undefined => unknownParams(params, []);
  return Object.freeze({
    name: spec.name,
    description: spec.description,
    supports: (type: ValueType): boolean => type.kind === 'float64' || type.kind === 'int64',
    minWriters: (faultyWriters: number): number => 2 * faultyWriters + 1,
    checkParams,
    fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult {
      const bad = paramsProblem(checkParams, ctx);
      if (bad !== undefined) return fail(bad);
      return fuseTrimmed(spec.name, inputs, ctx, spec.reduce);
    },
  });
}
