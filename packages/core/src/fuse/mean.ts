/**
 * `mean`: the arithmetic mean. Masks nothing — a single arbitrary value moves it anywhere —
 * so it is only for trusted writers (crash faults are handled by `minWriters` in the slot).
 */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { done, fail, meanOf, paramsProblem, scalarInputs, unknownParams, vectorColumns } from './numeric.js';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  return unknownParams(params, []);
}

export const mean: FuseFunction = Object.freeze({
  name: 'mean',
  description:
    'Arithmetic mean of the values (float64: compensated sum of the sorted values divided by n, ' +
    'so the result does not depend on input order; int64: exact mean rounded to the nearest ' +
    'integer, ties to even; float64[]: component-wise). Masks nothing: one arbitrary value can ' +
    'move the result anywhere, so it tolerates f = 0 arbitrary writers and needs n >= 1 ' +
    '(minWriters(0) = 1, minWriters(f > 0) = Infinity). The result always lies within the ' +
    'range of the values.',
  supports(type: ValueType): boolean {
    return type.kind === 'float64' || type.kind === 'int64' || type.kind === 'float64[]';
  },
  minWriters(faultyWriters: number): number {
    return faultyWriters <= 0 ? 1 : Number.POSITIVE_INFINITY;
  },
  checkParams,
  fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult {
    const bad = paramsProblem(checkParams, ctx);
    if (bad !== undefined) return fail(bad);
    if (ctx.type.kind === 'float64[]') {
      const cols = vectorColumns(inputs, ctx.type);
      if (!cols.ok) return cols;
      return done(cols.values.map((c) => meanOf(c, false)));
    }
    if (ctx.type.kind !== 'float64' && ctx.type.kind !== 'int64') return fail(`mean cannot fuse values of type ${ctx.type.kind}`);
    const xs = scalarInputs(inputs, ctx.type);
    if (!xs.ok) return xs;
    return done(meanOf(xs.values, ctx.type.kind === 'int64'));
  },
});
