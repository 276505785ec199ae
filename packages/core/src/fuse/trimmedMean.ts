/** `trimmedMean`: discard the f lowest and f highest values, average the rest. */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { fail, meanOf, paramsProblem, unknownParams } from './numeric.js';
import { fuseTrimmed } from './trimmed.js';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  return unknownParams(params, []);
}

export const trimmedMean: FuseFunction = Object.freeze({
  name: 'trimmedMean',
  description:
    'Trimmed mean of scalar values (float64 or int64): sort, discard the f lowest and f highest ' +
    'values (f = the key\'s faultyWriters), output the mean of the remaining n - 2f values ' +
    '(float64: compensated sum in ascending order; int64: exact mean rounded to the nearest ' +
    'integer, ties to even). Masks f arbitrary values when n >= 2f+1 (minWriters(f) = 2f+1): the ' +
    'result then lies within [min, max] of the correct values, and averages the noise of the ' +
    'values that remain. With fewer than 2f+1 values it discards floor((n-1)/2) at each end and ' +
    'masks only that many.',
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
    return fuseTrimmed('trimmedMean', inputs, ctx, meanOf);
  },
});
