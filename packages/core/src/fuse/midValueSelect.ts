/** `midValueSelect`: mid-value select, generalised to n values and f faults. */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { done, fail, paramsProblem, scalarInputs, sortNumbers, unknownParams } from './numeric.js';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  return unknownParams(params, []);
}

export const midValueSelect: FuseFunction = Object.freeze({
  name: 'midValueSelect',
  description:
    'Mid-value select for scalar values (float64 or int64), as in redundant avionics channels: ' +
    'sort, discard the f lowest and f highest values (f = the key\'s faultyWriters), and select ' +
    'the middle remaining value (for an even count the lower of the two middle ones). Unlike ' +
    'median or faultTolerantMidpoint it never averages: the output is always one writer\'s ' +
    'actual value, which suits quantised or integer sensors. Symmetric trimming never moves the ' +
    'middle, so this is the lower median of all values. For 3 values it is the classic middle ' +
    'value. Masks f arbitrary values when n >= 2f+1 (minWriters(f) = 2f+1): the result is then ' +
    'within [min, max] of the correct values; in general it masks floor((n-1)/2).',
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
    if (ctx.type.kind !== 'float64' && ctx.type.kind !== 'int64') return fail(`midValueSelect cannot fuse values of type ${ctx.type.kind}`);
    const xs = scalarInputs(inputs, ctx.type);
    if (!xs.ok) return xs;
    if (xs.values.length === 0) return fail('midValueSelect needs at least one value');
    const selected = sortNumbers(xs.values)[(xs.values.length - 1) >> 1] as number;
    return done(selected === 0 ? 0 : selected); // -0 and 0 are one value on every replica
  },
});
