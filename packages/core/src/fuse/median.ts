/** `median`: the middle value; masks f arbitrary values out of 2f+1. */
import { medianOfSorted } from './numeric.js';
import { defineTrimmedScalarFuse } from './trimmed.js';

export const median = defineTrimmedScalarFuse({
  name: 'median',
  description:
    'Median of scalar values (float64 or int64): the middle value of the sorted values for an ' +
    'odd count; for an even count the midpoint of the two middle values (int64: rounded to the ' +
    'nearest integer, ties to even). Masks f arbitrary (Byzantine, incl. huge) values when ' +
    'n >= 2f+1 (minWriters(f) = 2f+1): the result then lies within [min, max] of the correct ' +
    'values. It does not use the configured f: with n values it masks floor((n-1)/2) of them.',
  reduce: medianOfSorted,
});
