/** `midValueSelect`: mid-value select, generalised to n values and f faults. */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { fail, midpointOf, paramsProblem, unknownParams } from './numeric.js';
import { fuseTrimmed } from './trimmed.js';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  return unknownParams(params, []);
}

export const midValueSelect: FuseFunction = Object.freeze({
  name: 'midValueSelect',
  description:
    'Mid-value select for scalar values (float64 or int64): sort, discard the f lowest and f ' +
    'highest values (f = the key\'s faultyWriters), output the midpoint of the lowest and highest ' +
    'remaining values (int64: rounded to the nearest integer, ties to even). For 3 values and ' +
    'f = 1 this is the classic middle value; for 4 values and f = 1 the mean of the middle two. ' +
    'Masks f arbitrary values when n >= 2f+1 (minWriters(f) = 2f+1): the result then lies ' +
    'within [min, max] of the correct values. With fewer than 2f+1 values it discards ' +
    'floor((n-1)/2) at each end and masks only that many. Numerically identical to ' +
    'faultTolerantMidpoint; the two names serve the avionics and the clock-synchronisation ' +
    'vocabularies.',
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
    return fuseTrimmed('midValueSelect', inputs, ctx, (kept, intKind) => midpointOf(kept[0] as number, kept[kept.length - 1] as number, intKind));
  },
});
