import test from 'ava';
import { trimmedMean } from './trimmedMean.js';
import { FLOAT, INT, MAX, ctx, fused, hullProperty, findsCounterexample, registerScalarMaskingTests, scenario, sensor, adversarial, withFaulty } from './_fuseTestKit.test.js';

registerScalarMaskingTests(test, trimmedMean);

test('trimmedMean: discards f lowest and f highest and averages the rest', (t) => {
  t.is(fused(trimmedMean, [1, 2, 3, 4, 100], ctx(FLOAT, 1)), 3);
  t.is(fused(trimmedMean, [1, 2, 3, 6, 100], ctx(FLOAT, 1)), 11 / 3);
  t.is(fused(trimmedMean, [1, 2, 3, 4], ctx(FLOAT, 1)), 2.5);
  t.is(fused(trimmedMean, [1, 2, 3, 4, 100], ctx(FLOAT, 0)), 22);
  t.is(fused(trimmedMean, [-1e300, 1, 2, 3, 1e300], ctx(FLOAT, 1)), 2);
});

test('trimmedMean: huge values do not overflow, and the result stays within the kept values', (t) => {
  t.is(fused(trimmedMean, [MAX, MAX, MAX, MAX, MAX], ctx(FLOAT, 0)), MAX);
  t.is(fused(trimmedMean, [-MAX, -MAX, -MAX], ctx(FLOAT, 0)), -MAX);
  const r = fused(trimmedMean, [MAX, MAX / 2, MAX], ctx(FLOAT, 0)) as number;
  t.true(Number.isFinite(r) && r <= MAX && r >= MAX / 2);
});

test('trimmedMean: int64 uses the exact mean, rounded to nearest, ties to even', (t) => {
  t.is(fused(trimmedMean, [1, 2, 3, 5, 99], ctx(INT, 1)), 3, '10/3 -> 3');
  t.is(fused(trimmedMean, [0, 1, 2, 1000], ctx(INT, 1)), 2, '1.5 -> 2');
  t.is(fused(trimmedMean, [0, 2, 3, 1000], ctx(INT, 1)), 2, '2.5 -> 2');
  t.is(fused(trimmedMean, [-1000, -3, -2, 0], ctx(INT, 1)), -2, '-2.5 -> -2');
  const big = Number.MAX_SAFE_INTEGER;
  t.is(fused(trimmedMean, [big, big, big - 1], ctx(INT, 0)), big, 'exact: the double sum would round');
});

test('trimmedMean: discarding one value too few breaks the hull property (teeth)', (t) => {
  const arb = scenario((f) => 2 * f + 1, sensor, adversarial, { exactlyF: true });
  t.true(findsCounterexample(hullProperty(withFaulty(trimmedMean, (f) => f - 1), FLOAT, arb)));
});
