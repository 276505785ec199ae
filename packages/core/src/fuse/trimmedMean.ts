/** `trimmedMean`: discard the f lowest and f highest values, average the rest. */
import { meanOf } from './numeric.js';
import { defineTrimmedScalarFuse } from './trimmed.js';

export const trimmedMean = defineTrimmedScalarFuse({
  name: 'trimmedMean',
  description:
    'Trimmed mean of scalar values (float64 or int64): sort, discard the f lowest and f highest ' +
    'values (f = the key\'s faultyWriters), output the mean of the remaining n - 2f values ' +
    '(float64: compensated sum in ascending order; int64: exact mean rounded to the nearest ' +
    'integer, ties to even). Masks f arbitrary values when n >= 2f+1 (minWriters(f) = 2f+1): the ' +
    'result then lies within [min, max] of the correct values, and averages the noise of the ' +
    'values that remain. With fewer than 2f+1 values it discards floor((n-1)/2) at each end and ' +
    'masks only that many.',
  reduce: meanOf,
});
