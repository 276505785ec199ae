import test from 'ava';
import fc from 'fast-check';
import { compareNumbers, meanFloat, meanInt, midpointFloat, sortNumbers, trimCount } from './numeric.js';
import { MAX, anyFinite, anySafeInt } from './_fuseTestKit.test.js';

test('compareNumbers is a total order with -0 before +0', (t) => {
  t.true(Object.is(sortNumbers([0, -0, 0, -0])[0], -0));
  t.true(Object.is(sortNumbers([0, -0, 0, -0])[1], -0));
  t.true(Object.is(sortNumbers([0, -0])[1], 0));
  t.deepEqual(sortNumbers([3, -1, 2, -MAX, MAX]), [-MAX, -1, 2, 3, MAX]);
  t.is(compareNumbers(1, 1), 0);
  t.is(compareNumbers(-0, 0), -1);
  t.is(compareNumbers(0, -0), 1);
});

test('meanInt: exact, rounded to nearest, ties to even', (t) => {
  t.deepEqual([[0, 1], [1, 2], [2, 3], [-1, 0], [-2, -1], [-3, -2]].map(meanInt), [0, 2, 2, 0, -2, -2]);
  t.is(meanInt([1, 1, 2]), 1);
  t.is(meanInt([1, 2, 2]), 2);
  t.is(meanInt([Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]), Number.MAX_SAFE_INTEGER);
  t.is(meanInt([Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]), Number.MIN_SAFE_INTEGER);
  t.true(Object.is(meanInt([-1, 1]), 0));
  fc.assert(
    fc.property(fc.array(anySafeInt, { minLength: 1, maxLength: 8 }), (xs) => {
      const m = meanInt(xs);
      const exact = xs.reduce((s, x) => s + BigInt(x), 0n);
      const n = BigInt(xs.length);
      // |m*n - sum| <= n/2
      const d = BigInt(m) * n - exact;
      return Number.isSafeInteger(m) && m >= Math.min(...xs) && m <= Math.max(...xs) && 2n * (d < 0n ? -d : d) <= n;
    }),
  );
});

test('meanFloat and midpointFloat: finite, within the range of the values, no overflow', (t) => {
  t.is(meanFloat([MAX, MAX]), MAX);
  t.is(midpointFloat(MAX, MAX), MAX);
  t.is(midpointFloat(-MAX, MAX), 0);
  t.is(midpointFloat(MAX, MAX / 2), MAX * 0.75);
  t.is(midpointFloat(5e-324, 5e-324), 5e-324);
  fc.assert(
    fc.property(anyFinite, anyFinite, (a, b) => {
      const m = midpointFloat(a, b);
      return Number.isFinite(m) && m >= Math.min(a, b) && m <= Math.max(a, b) && midpointFloat(b, a) === m;
    }),
  );
  fc.assert(
    fc.property(fc.array(anyFinite, { minLength: 1, maxLength: 10 }), (xs) => {
      const m = meanFloat(xs);
      return Number.isFinite(m) && m >= Math.min(...xs) && m <= Math.max(...xs) && !Object.is(m, -0);
    }),
  );
});

test('trimCount: f, but always leaving at least one value', (t) => {
  t.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => trimCount(n, 2)), [0, 0, 1, 1, 2, 2, 2]);
  t.is(trimCount(5, 0), 0);
});
