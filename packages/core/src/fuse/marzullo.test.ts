import test from 'ava';
import fc from 'fast-check';
import { marzullo } from './marzullo.js';
import type { FuseFunction } from './types.js';
import { FLOAT, INTERVAL, MAX, OTHER_TYPES, ctx, findsCounterexample, fused, fuseValues, vec, withFaulty } from './_fuseTestKit.test.js';
import { correctHull, intervalCase, readingCase } from './_intervalArbs.test.js';
import type { IntervalCase, Iv, ReadingCase } from './_intervalArbs.test.js';

function containsTruth(fn: FuseFunction, arb: fc.Arbitrary<IntervalCase>): fc.IProperty<[IntervalCase]> {
  return fc.property(arb, ({ truth, s }) => {
    const r = fuseValues(fn, s.all, ctx(INTERVAL, s.f));
    if (!r.ok) return false;
    const [lo, hi] = r.value as Iv;
    return lo <= truth && truth <= hi;
  });
}

function withinCorrectHull(fn: FuseFunction, arb: fc.Arbitrary<IntervalCase>): fc.IProperty<[IntervalCase]> {
  return fc.property(arb, ({ s }) => {
    const r = fuseValues(fn, s.all, ctx(INTERVAL, s.f));
    if (!r.ok) return false;
    const [lo, hi] = r.value as Iv;
    const [clo, chi] = correctHull(s.correct);
    return clo <= lo && lo <= hi && hi <= chi;
  });
}

function readingNearTruth(fn: FuseFunction, arb: fc.Arbitrary<ReadingCase>): fc.IProperty<[ReadingCase]> {
  return fc.property(arb, ({ truth, accuracy, s }) => {
    const r = fuseValues(fn, s.all, ctx(FLOAT, s.f, { accuracy }));
    return r.ok && Math.abs((r.value as number) - truth) <= accuracy;
  });
}

test('marzullo: the output interval contains the truth when at most f intervals are wrong (any n >= f+1)', (t) => {
  fc.assert(containsTruth(marzullo, intervalCase((f) => f + 1, { maxExtra: 4 })), { numRuns: 1000 });
  fc.assert(containsTruth(marzullo, intervalCase((f) => 2 * f + 1, { exactlyF: true })), { numRuns: 500 });
  t.pass();
});

test('marzullo: with n >= 2f+1 the output interval lies within the hull of the correct intervals', (t) => {
  fc.assert(withinCorrectHull(marzullo, intervalCase((f) => marzullo.minWriters(f))), { numRuns: 1000 });
  t.pass();
});

test('marzullo: for readings with accuracy a (n >= 2f+1), the output is within a of the truth', (t) => {
  fc.assert(readingNearTruth(marzullo, readingCase((f) => marzullo.minWriters(f))), { numRuns: 1000 });
  fc.assert(readingNearTruth(marzullo, readingCase((f) => marzullo.minWriters(f), { exactlyF: true, maxExtra: 0 })), { numRuns: 500 });
  t.pass();
});

test('marzullo: the properties have teeth (one tolerated fault too few, or too few writers, break them)', (t) => {
  const strict = withFaulty(marzullo, (f) => f - 1);
  t.true(findsCounterexample(containsTruth(strict, intervalCase((f) => 2 * f + 1, { exactlyF: true }))));
  t.true(findsCounterexample(withinCorrectHull(marzullo, intervalCase((f) => f + 1, { exactlyF: true, maxExtra: 0 }))));
  t.true(findsCounterexample(readingNearTruth(marzullo, readingCase((f) => f + 1, { exactlyF: true, maxExtra: 0 }))));
});

test('marzullo: classic examples', (t) => {
  t.deepEqual(fused(marzullo, [[8, 12], [11, 13], [10, 12]], ctx(INTERVAL, 0)), [11, 12]);
  t.deepEqual(fused(marzullo, [[8, 12], [11, 13], [14, 15]], ctx(INTERVAL, 1)), [11, 12]);
  t.false(fuseValues(marzullo, [[8, 12], [11, 13], [14, 15]], ctx(INTERVAL, 0)).ok, 'f = 0: no common point');
  t.deepEqual(fused(marzullo, [[10, 12], [11, 13], [11.99, 13]], ctx(INTERVAL, 0)), [11.99, 12]);
  t.deepEqual(fused(marzullo, [[10, 12], [11, 13], [11.99, 13]], ctx(INTERVAL, 1)), [11, 13], 'one may be wrong: every point in two of them');
  t.is(fused(marzullo, [10, 12, 11], ctx(FLOAT, 0, { accuracy: 1 })), 11, '10±1, 12±1, 11±1 -> [11, 11]');
  t.is(fused(marzullo, [10, 12, 11], ctx(FLOAT, 0, { accuracy: 2 })), 11, '10±2, 12±2, 11±2 -> [10, 12]');
  t.is(fused(marzullo, [10, 12, 11.5], ctx(FLOAT, 1, { accuracy: 1 })), 11.5, 'points in two of [9, 11], [11, 13], [10.5, 12.5]: [10.5, 12.5]');
  t.is(fused(marzullo, [10, 12, 11.5], ctx(FLOAT, 0, { accuracy: 1 })), 11, 'all three: [11, 11]');
});

test('marzullo: closed intervals: touching intervals share their endpoint', (t) => {
  t.deepEqual(fused(marzullo, [[0, 1], [1, 2]], ctx(INTERVAL, 0)), [1, 1]);
  t.deepEqual(fused(marzullo, [[-0, 0], [0, 0]], ctx(INTERVAL, 0)), [0, 0]);
  t.true(Object.is((fused(marzullo, [[-1, -0], [-0, 1]], ctx(INTERVAL, 0)) as Iv)[0], 0), '-0 normalised');
});

test('marzullo: an inverted interval counts as a wrong source covering nothing', (t) => {
  t.deepEqual(fused(marzullo, [[0, 2], [1, 3], [5, 3]], ctx(INTERVAL, 1)), [1, 2]);
  t.false(fuseValues(marzullo, [[0, 2], [1, 3], [5, 3]], ctx(INTERVAL, 0)).ok);
  t.false(fuseValues(marzullo, [[5, 3]], ctx(INTERVAL, 0)).ok);
});

test('marzullo: huge readings saturate instead of overflowing', (t) => {
  const v = fused(marzullo, [MAX, MAX, 0], ctx(FLOAT, 1, { accuracy: 1e308 })) as number;
  t.true(Number.isFinite(v));
  t.is(fused(marzullo, [-MAX, 0, 1], ctx(FLOAT, 1, { accuracy: 1 })), 0.5);
});

test('marzullo: a float64 result is clamped into the key range', (t) => {
  t.is(fused(marzullo, [10, 10, 10], ctx({ kind: 'float64', min: 0, max: 10 }, 0, { accuracy: 1 })), 10);
});

test('marzullo: edge cases, parameters, type support, minWriters, description', (t) => {
  t.false(fuseValues(marzullo, [], ctx(INTERVAL, 0)).ok);
  t.deepEqual(fused(marzullo, [[1, 2]], ctx(INTERVAL, 0)), [1, 2]);
  t.is(fused(marzullo, [7], ctx(FLOAT, 0, { accuracy: 0.5 })), 7);
  t.true(marzullo.supports(FLOAT) && marzullo.supports(INTERVAL));
  t.false(marzullo.supports(vec(3)));
  for (const type of OTHER_TYPES.filter((x) => x.kind !== 'float64' && !(x.kind === 'float64[]' && x.length === 2))) {
    t.false(marzullo.supports(type), type.kind);
    t.false(fuseValues(marzullo, [1], ctx(type, 0, { accuracy: 1 })).ok);
  }
  t.is(marzullo.checkParams?.({ accuracy: 0.1 }, FLOAT), undefined);
  t.regex(marzullo.checkParams?.({}, FLOAT) ?? '', /'accuracy'.*required/);
  t.regex(marzullo.checkParams?.({ accuracy: 0 }, FLOAT) ?? '', /> 0/);
  t.regex(marzullo.checkParams?.({ accuracy: Number.POSITIVE_INFINITY }, FLOAT) ?? '', /finite/);
  t.regex(marzullo.checkParams?.({ accuracy: 1 }, INTERVAL) ?? '', /unknown parameter 'accuracy'/);
  t.is(marzullo.checkParams?.({}, INTERVAL), undefined);
  const r = fuseValues(marzullo, [1, 2, 3], ctx(FLOAT, 1));
  t.false(r.ok, 'missing accuracy is refused at fuse time too');
  t.deepEqual([0, 1, 2].map((f) => marzullo.minWriters(f)), [1, 3, 5]);
  t.regex(marzullo.description, /2f\+1/);
  t.regex(marzullo.description, /n - f/);
});
