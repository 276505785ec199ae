/** `midValueSelect`: mid-value select, generalised to n values and f faults. */
import { normZero } from './numeric.js';
import { defineTrimmedScalarFuse } from './trimmed.js';

export const midValueSelect = defineTrimmedScalarFuse({
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
  reduce: (kept) => normZero(kept[(kept.length - 1) >> 1] as number) // -0 and 0 are one value on every replica,
});
