/** `faultTolerantMidpoint`: the Lynch–Welch fault-tolerant midpoint. */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { fail, midpointOf, paramsProblem, unknownParams } from './numeric.js';
import { fuseTrimmed } from './trimmed.js';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  return unknownParams(params, []);
}

export const faultTolerantMidpoint: FuseFunction = Object.freeze({
  name: 'faultTolerantMidpoint',
  description:
    'Fault-tolerant midpoint (Lynch and Welch) of scalar values (float64 or int64): sort, discard ' +
    'the f lowest and f highest values (f = the key\'s faultyWriters), output the midpoint of the ' +
    'lowest and highest remaining values (int64: rounded to the nearest integer, ties to even). ' +
    'Masks f arbitrary values when n >= 2f+1 (minWriters(f) = 2f+1): the result then lies within ' +
    '[min, max] of the correct values. Note: used as the averaging step of a clock-synchronisation ' +
    'or approximate-agreement round, where faulty nodes may report different values to different ' +
    'nodes, convergence (halving the spread of correct clocks each round) needs n >= 3f+1; a slot ' +
    'is fused from the same agreed values at every replica, so 2f+1 suffices here. With fewer ' +
    'than 2f+1 values it discards floor((n-1)/2) at each end and masks only that many.',
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
    return fuseTrimmed('faultTolerantMidpoint', inputs, ctx, (kept, intKind) => midpointOf(kept[0] as number, kept[kept.length - 1] as number, intKind));
  },
});
