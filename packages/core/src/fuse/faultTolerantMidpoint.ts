/** `faultTolerantMidpoint`: the Lynch–Welch fault-tolerant midpoint. */
import { midpointOf } from './numeric.js';
import { defineTrimmedScalarFuse } from './trimmed.js';

export const faultTolerantMidpoint = defineTrimmedScalarFuse({
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
  reduce: (kept, intKind) => midpointOf(kept[0] as number, kept[kept.length - 1] as number, intKind),
});
