import test from 'ava';
import fc from 'fast-check';
import { mean } from './mean.js';
import { FLOAT, INT, MAX, OTHER_TYPES, adversarial, anyFinite, ctx, findsCounterexample, fused, fuseValues, hullProperty, scenario, sensor, vec } from './_fuseTestKit.test.js';

test('mean: the arithmetic mean of float64, int64 and float64[] values', (t) => {
  t.is(fused(mean, [1, 2, 3, 4], ctx(FLOAT)), 2.5);
  t.is(fused(mean, [2.5], ctx(FLOAT)), 2.5);
  t.deepEqual(fused(mean, [[1, 10], [3, 20]], ctx(vec(2))), [2, 15]);
  t.is(fused(mean, [1, 2, 3, 5], ctx(INT)), 3, '2.75 -> 3');
  t.is(fused(mean, [1, 2], ctx(INT)), 2, '1.5 -> 2 (ties to even)');
  t.is(fused(mean, [2, 3], ctx(INT)), 2, '2.5 -> 2 (ties to even)');
  t.is(fused(mean, [-1, -2], ctx(INT)), -2, '-1.5 -> -2 (ties to even)');
  t.is(fused(mean, [-2, -3], ctx(INT)), -2, '-2.5 -> -2 (ties to even)');
  t.is(fused(mean, [-1, -1, 0], ctx(INT)), -1, '-2/3 -> -1');
  t.is(fused(mean, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 2], ctx(INT)), Number.MAX_SAFE_INTEGER - 1, 'exact BigInt sum');
});

test('mean: no overflow, finite results within the range of the values', (t) => {
  t.is(fused(mean, [MAX, MAX, MAX], ctx(FLOAT)), MAX);
  t.is(fused(mean, [-MAX, MAX], ctx(FLOAT)), 0);
  fc.assert(
    fc.property(fc.array(anyFinite, { minLength: 1, maxLength: 12 }), (xs) => {
      const r = fuseValues(mean, xs, ctx(FLOAT));
      return r.ok && typeof r.value === 'number' && Number.isFinite(r.value) && r.value >= Math.min(...xs) && r.value <= Math.max(...xs);
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('mean: order does not matter even where floating-point addition is not associative', (t) => {
  const xs = [1e16, 1, -1e16, 1, 0.1, 0.2, 0.3];
  const a = fused(mean, xs, ctx(FLOAT));
  const b = fused(mean, [...xs].reverse(), ctx(FLOAT));
  const c = fused(mean, [0.3, -1e16, 0.1, 1, 1e16, 0.2, 1], ctx(FLOAT));
  t.is(a, b);
  t.is(a, c);
  t.is(a, 2.6 / 7, 'compensated summation gets the exact sum here');
});

test('mean: masks nothing (one faulty value can move it out of the correct range) — minWriters(f > 0) is Infinity', (t) => {
  t.is(mean.minWriters(0), 1);
  t.is(mean.minWriters(1), Number.POSITIVE_INFINITY);
  t.regex(mean.description, /[Mm]asks nothing/);
  t.true(findsCounterexample(hullProperty(mean, FLOAT, scenario((f) => 2 * f + 1, sensor, adversarial, { exactlyF: true }))));
});

test('mean: edge cases: empty input, unsupported types, mismatched vectors, parameters', (t) => {
  t.false(fuseValues(mean, [], ctx(FLOAT)).ok);
  t.false(fuseValues(mean, [], ctx(vec(2))).ok);
  t.true(mean.supports(FLOAT) && mean.supports(INT) && mean.supports(vec(5)));
  for (const type of OTHER_TYPES.filter((x) => x.kind !== 'float64' && x.kind !== 'int64' && x.kind !== 'float64[]')) {
    t.false(mean.supports(type), type.kind);
    t.false(fuseValues(mean, ['a'], ctx(type)).ok);
  }
  t.false(fuseValues(mean, [[1, 2], [1]], ctx(vec(2))).ok);
  t.regex(mean.checkParams?.({ weights: [1] }, FLOAT) ?? '', /unknown parameter 'weights'/);
});
