/**
 * Shared core of the "discard the f lowest and f highest values" family (mid-value select,
 * fault-tolerant midpoint, trimmed mean).
 */
import type { FuseContext, FuseInput, FuseResult } from './types.js';
import { done, fail, faultyWritersOf, scalarInputs, sortNumbers, trimCount } from './numeric.js';

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
