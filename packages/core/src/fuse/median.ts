/** `median`: the middle value; masks f arbitrary values out of 2f+1. */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { done, fail, medianOfSorted, paramsProblem, scalarInputs, sortNumbers, unknownParams } from './numeric.js';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  return unknownParams(params, []);
}

export const median: FuseFunction = Object.freeze({
  name: 'median',
  description:
    'Median of scalar values (float64 or int64): the middle value of the sorted values for an ' +
    'odd count; for an even count the midpoint of the two middle values (int64: rounded to the ' +
    'nearest integer, ties to even). Masks f arbitrary (Byzantine, incl. huge) values when ' +
    'n >= 2f+1 (minWriters(f) = 2f+1): the result then lies within [min, max] of the correct ' +
    'values. It does not use the configured f: with n values it masks floor((n-1)/2) of them.',
  supports(type: ValueType): boolean {
    return type.kind === 'float64' || type.kind === 'int64';
  },
  minWriters(faultyWriters: number): number {
    return 2 * faultyWriters + 1;
  },
  checkParams,
  fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult {
    const bad = paramsProblem(checkParams, ctx);
    if (bad !== undefined) return fail(bad);
    if (ctx.type.kind !== 'float64' && ctx.type.kind !== 'int64') return fail(`median cannot fuse values of type ${ctx.type.kind}`);
    const xs = scalarInputs(inputs, ctx.type);
    if (!xs.ok) return xs;
    return done(medianOfSorted(sortNumbers(xs.values), ctx.type.kind === 'int64'));
  },
});
