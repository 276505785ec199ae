import test from 'ava';
import fc from 'fast-check';
import { brooksIyengar, brooksIyengarRegions } from './brooksIyengar.js';
import { marzullo } from './marzullo.js';
import type { FuseFunction } from './types.js';
import { FLOAT, INTERVAL, MAX, OTHER_TYPES, ctx, findsCounterexample, fused, fuseValues, same, vec, withFaulty } from './_fuseTestKit.test.js';
import { correctHull, intervalCase, readingCase, wrongInterval } from './_intervalArbs.test.js';
import type { IntervalCase, Iv, ReadingCase } from './_intervalArbs.test.js';

/**
 * For general intervals the point estimate is only reachable through the exported region
 * function (interval keys output the span): tolerate `f(f, n)` faults (threshold n - that) and
 * check that estimate and span lie in the correct hull and that the span contains the truth.
 */
function estimateWithinHull(f: (fv: number, n: number) => number, arb: fc.Arbitrary<IntervalCase>): fc.IProperty<[IntervalCase]> {
  return fc.property(arb, ({ truth, s }) => {
    const n = s.all.length;
    const threshold = Math.max(1, n - f(s.f, n));
    const res = brooksIyengarRegions(
      s.all.filter(([lo, hi]) => lo <= hi).map(([lo, hi]) => ({ lo: lo === 0 ? 0 : lo, hi: hi === 0 ? 0 : hi })),
      threshold,
    );
    if (res === undefined) return false;
    const [clo, chi] = correctHull(s.correct);
    return clo <= res.estimate && res.estimate <= chi && res.interval.lo <= truth && truth <= res.interval.hi && clo <= res.interval.lo && res.interval.hi <= chi;
  });
}

function spanProperty(fn: FuseFunction, arb: fc.Arbitrary<IntervalCase>): fc.IProperty<[IntervalCase]> {
  return fc.property(arb, ({ truth, s }) => {
    const r = fuseValues(fn, s.all, ctx(INTERVAL, s.f));
    if (!r.ok) return false;
    const [lo, hi] = r.value as Iv;
    const [clo, chi] = correctHull(s.correct);
    return clo <= lo && lo <= truth && truth <= hi && hi <= chi;
  });
}

/** Readings within a of the truth: the estimate lies in the correct hull, i.e. within 2a of the truth. */
function readingEstimate(fn: FuseFunction, arb: fc.Arbitrary<ReadingCase>): fc.IProperty<[ReadingCase]> {
  return fc.property(arb, ({ accuracy, s }) => {
    const r = fuseValues(fn, s.all, ctx(FLOAT, s.f, { accuracy }));
    if (!r.ok) return false;
    const v = r.value as number;
    return Math.min(...s.correct) - accuracy <= v && v <= Math.max(...s.correct) + accuracy;
  });
}

test('brooksIyengar: with n >= 3f+1 (its minWriters) the estimate lies within the correct hull and the span contains the truth', (t) => {
  fc.assert(estimateWithinHull((f) => f, intervalCase((f) => brooksIyengar.minWriters(f))), { numRuns: 1000 });
  fc.assert(spanProperty(brooksIyengar, intervalCase((f) => brooksIyengar.minWriters(f), { exactlyF: true })), { numRuns: 500 });
  fc.assert(readingEstimate(brooksIyengar, readingCase((f) => brooksIyengar.minWriters(f))), { numRuns: 1000 });
  t.pass();
});

test('brooksIyengar: the same local guarantees already hold with n >= 2f+1', (t) => {
  fc.assert(estimateWithinHull((f) => f, intervalCase((f) => 2 * f + 1, { exactlyF: true, maxExtra: 1 })), { numRuns: 1000 });
  fc.assert(readingEstimate(brooksIyengar, readingCase((f) => 2 * f + 1, { exactlyF: true, maxExtra: 0 })), { numRuns: 1000 });
  t.pass();
});

test('brooksIyengar: the properties have teeth (no filtering, too few writers, or one fault too few break them)', (t) => {
  t.true(findsCounterexample(estimateWithinHull((_f, n) => n - 1, intervalCase((f) => 3 * f + 1, { exactlyF: true }))), 'keeping every region');
  t.true(findsCounterexample(estimateWithinHull((f) => f, intervalCase((f) => 2 * f, { exactlyF: true, maxExtra: 0 }))), 'n = 2f');
  t.true(findsCounterexample(spanProperty(withFaulty(brooksIyengar, (f) => f - 1), intervalCase((f) => 3 * f + 1, { exactlyF: true }))), 'f - 1');
  t.true(findsCounterexample(readingEstimate(withFaulty(brooksIyengar, (_f, n) => n - 1), readingCase((f) => 3 * f + 1, { exactlyF: true }))));
});

test('brooksIyengar: coverage-weighted average of the midpoints of the regions covered by n - f intervals', (t) => {
  // n = 4, f = 1: only (1.5, 2) is covered by 3 intervals.
  t.deepEqual(fused(brooksIyengar, [[0, 2], [1, 3], [1.5, 2.5], [10, 11]], ctx(INTERVAL, 1)), [1.5, 2]);
  const r1 = brooksIyengarRegions([{ lo: 0, hi: 2 }, { lo: 1, hi: 3 }, { lo: 1.5, hi: 2.5 }, { lo: 10, hi: 11 }], 3);
  t.is(r1?.estimate, 1.75);
  // n = 5, f = 1: regions (2.5,3.2) x4, (3.2,3.5) x5, (3.5,4) x4.
  const ivs = [[0, 4], [1, 5], [2, 6], [3.2, 7], [2.5, 3.5]];
  const r2 = brooksIyengarRegions(ivs.map(([lo, hi]) => ({ lo: lo as number, hi: hi as number })), 4);
  t.deepEqual(r2?.regions.map((r) => [r.lo, r.hi, r.count]), [[2.5, 3.2, 4], [3.2, 3.5, 5], [3.5, 4, 4]]);
  t.true(Math.abs((r2?.estimate ?? 0) - (4 * 2.85 + 5 * 3.35 + 4 * 3.75) / 13) < 1e-12);
  t.deepEqual(fused(brooksIyengar, ivs, ctx(INTERVAL, 1)), [2.5, 4]);
  // Readings 1, 1.2, 0.9 and a wrong 5, accuracy 0.5: only (0.7, 1.4) is in three intervals.
  t.true(Math.abs((fused(brooksIyengar, [1, 1.2, 0.9, 5], ctx(FLOAT, 1, { accuracy: 0.5 })) as number) - 1.05) < 1e-12);
});

test('brooksIyengar: an isolated point (touching intervals) is a region of its own', (t) => {
  t.deepEqual(fused(brooksIyengar, [[0, 1], [1, 2]], ctx(INTERVAL, 0)), [1, 1]);
  t.is(fused(brooksIyengar, [0.5, 1.5], ctx(FLOAT, 0, { accuracy: 0.5 })), 1);
  t.is(fused(brooksIyengar, [3, 3, 3], ctx(FLOAT, 0, { accuracy: 1 })), 3);
});

test('brooksIyengar: for interval keys the span equals marzullo\'s interval', (t) => {
  fc.assert(
    fc.property(intervalCase((f) => f + 1, { maxExtra: 4 }), fc.array(wrongInterval, { maxLength: 3 }), ({ s }, noise) => {
      const values = [...s.all, ...noise];
      const b = fuseValues(brooksIyengar, values, ctx(INTERVAL, s.f));
      const m = fuseValues(marzullo, values, ctx(INTERVAL, s.f));
      return b.ok === m.ok && (!b.ok || same(b.value, m.ok ? m.value : undefined));
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('brooksIyengar: no region with enough coverage gives ok: false; inverted intervals cover nothing', (t) => {
  const r = fuseValues(brooksIyengar, [[0, 1], [2, 3], [4, 5], [6, 7]], ctx(INTERVAL, 1));
  t.false(r.ok);
  if (!r.ok) t.regex(r.reason, /no region lies in at least 3 of the 4 intervals/);
  t.deepEqual(fused(brooksIyengar, [[0, 2], [1, 3], [0.5, 2.5], [9, 3]], ctx(INTERVAL, 1)), [1, 2]);
});

test('brooksIyengar: huge values stay finite', (t) => {
  t.true(Number.isFinite(fused(brooksIyengar, [MAX, MAX, MAX, -MAX], ctx(FLOAT, 1, { accuracy: 1e308 })) as number));
  t.deepEqual(fused(brooksIyengar, [[-MAX, MAX], [-MAX, MAX], [-MAX, MAX], [0, 0]], ctx(INTERVAL, 1)), [-MAX, MAX]);
});

test('brooksIyengar: edge cases, parameters, type support, minWriters, description', (t) => {
  t.false(fuseValues(brooksIyengar, [], ctx(INTERVAL, 0)).ok);
  t.deepEqual(fused(brooksIyengar, [[1, 2]], ctx(INTERVAL, 0)), [1, 2]);
  t.is(fused(brooksIyengar, [7], ctx(FLOAT, 0, { accuracy: 0.5 })), 7);
  t.true(brooksIyengar.supports(FLOAT) && brooksIyengar.supports(INTERVAL));
  for (const type of OTHER_TYPES.filter((x) => x.kind !== 'float64' && !(x.kind === 'float64[]' && x.length === 2))) {
    t.false(brooksIyengar.supports(type), type.kind);
    t.false(fuseValues(brooksIyengar, [1], ctx(type, 0, { accuracy: 1 })).ok);
  }
  t.false(brooksIyengar.supports(vec(3)));
  t.regex(brooksIyengar.checkParams?.({}, FLOAT) ?? '', /'accuracy'.*required/);
  t.is(brooksIyengar.checkParams?.({}, INTERVAL), undefined);
  t.deepEqual([0, 1, 2].map((f) => brooksIyengar.minWriters(f)), [1, 4, 7]);
  t.regex(brooksIyengar.description, /3f\+1/);
  t.regex(brooksIyengar.description, /2f\+1/);
});
