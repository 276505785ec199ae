/** `componentwiseMedian`: the median of each component of float64 vectors. */
import type { ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { done, fail, medianOfSorted, paramsProblem, sortNumbers, unknownParams, vectorColumns } from './numeric.js';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  return unknownParams(params, []);
}

export const componentwiseMedian: FuseFunction = Object.freeze({
  name: 'componentwiseMedian',
  description:
    'Component-wise median of float64[] vectors: component i of the result is the median of ' +
    'component i of the values (even count: midpoint of the two middle values). Masks f ' +
    'arbitrary vectors when n >= 2f+1 (minWriters(f) = 2f+1): every component then lies within ' +
    '[min, max] of that component over the correct vectors. The result vector as a whole need ' +
    'not equal any written vector (components may come from different writers), and ' +
    'cross-component constraints (e.g. a unit quaternion) are not preserved.',
  supports(type: ValueType): boolean {
    return type.kind === 'float64[]';
  },
  minWriters(faultyWriters: number): number {
    return 2 * faultyWriters + 1;
  },
  checkParams,
  fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult {
    const bad = paramsProblem(checkParams, ctx);
    if (bad !== undefined) return fail(bad);
    if (ctx.type.kind !== 'float64[]') return fail(`componentwiseMedian cannot fuse values of type ${ctx.type.kind}`);
    const cols = vectorColumns(inputs, ctx.type);
    if (!cols.ok) return cols;
    return done(cols.values.map((c) => medianOfSorted(sortNumbers(c), false)));
  },
});
