/**
 * Arbitraries for the interval fuse functions (Marzullo, Brooks–Iyengar). Not a test file
 * (AVA skips names starting with '_').
 */
import fc from 'fast-check';
import { adversarial, scenario } from './_fuseTestKit.test.js';
import type { Scenario } from './_fuseTestKit.test.js';

export type Iv = [number, number];

export interface IntervalCase {
  readonly truth: number;
  readonly s: Scenario<Iv>;
}

const width = fc.double({ min: 0, max: 100, noNaN: true });

/** A correct interval: it contains the truth. */
const correctAround = (truth: number): fc.Arbitrary<Iv> => fc.tuple(width, width).map(([a, b]): Iv => [truth - a, truth + b]);

/** A wrong interval: anything, including huge, inverted (lo > hi) and plausible-looking ones. */
export const wrongInterval: fc.Arbitrary<Iv> = fc.oneof(
  fc.tuple(adversarial, adversarial),
  fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), width).map(([c, w]): Iv => [c, c + w]),
  fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), width).map(([c, w]): Iv => [c + w, c]),
);

/** n >= writers(f) intervals, at most f wrong, the others containing the truth. */
export function intervalCase(writers: (f: number) => number, opts: { exactlyF?: boolean; maxExtra?: number } = {}): fc.Arbitrary<IntervalCase> {
  return fc
    .double({ min: -1e6, max: 1e6, noNaN: true })
    .chain((truth) => scenario(writers, correctAround(truth), wrongInterval, opts).map((s) => ({ truth, s })));
}

export interface ReadingCase {
  readonly truth: number;
  readonly accuracy: number;
  readonly s: Scenario<number>;
}

/**
 * Scalar readings with an accuracy a: correct readings are within a of the truth. Integers, so
 * that x ± a is exact and the bounds can be checked exactly.
 */
export function readingCase(writers: (f: number) => number, opts: { exactlyF?: boolean; maxExtra?: number } = {}): fc.Arbitrary<ReadingCase> {
  return fc.record({ truth: fc.integer({ min: -1_000_000, max: 1_000_000 }), accuracy: fc.integer({ min: 1, max: 100 }) }).chain(({ truth, accuracy }) =>
    scenario(
      writers,
      fc.integer({ min: -accuracy, max: accuracy }).map((e) => truth + e),
      fc.oneof(adversarial, fc.integer({ min: truth - 4 * accuracy, max: truth + 4 * accuracy })),
      opts,
    ).map((s) => ({ truth, accuracy, s })),
  );
}

/** [min lo, max hi] over the correct intervals. */
export function correctHull(correct: readonly Iv[]): Iv {
  return [Math.min(...correct.map((i) => i[0])), Math.max(...correct.map((i) => i[1]))];
}
