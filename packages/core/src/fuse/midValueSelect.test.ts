import test from 'ava';
import fc from 'fast-check';
import { faultTolerantMidpoint } from './faultTolerantMidpoint.js';
import { midValueSelect } from './midValueSelect.js';
import { FLOAT, INT, MAX, ctx, fused, fuseValues, hullProperty, findsCounterexample, registerScalarMaskingTests, same, scenario, sensor, adversarial, withFaulty } from './_fuseTestKit.test.js';

registerScalarMaskingTests(test, midValueSelect);

test('midValueSelect: 3 values, f = 1 gives the middle one; 4 values the mean of the middle two', (t) => {
  t.is(fused(midValueSelect, [10, 1, 2], ctx(FLOAT, 1)), 2);
  t.is(fused(midValueSelect, [1, 2, 3, 10], ctx(FLOAT, 1)), 2.5);
});

test('midValueSelect: general n: midpoint of the extremes after discarding f at each end', (t) => {
  t.is(fused(midValueSelect, [1, 2, 3, 4, 100], ctx(FLOAT, 1)), 3);
  t.is(fused(midValueSelect, [1, 2, 3, 4, 100], ctx(FLOAT, 0)), 50.5);
  t.is(fused(midValueSelect, [1, 2, 3, 4, 100], ctx(FLOAT, 2)), 3);
  t.is(fused(midValueSelect, [-MAX, MAX, -MAX, MAX, 0], ctx(FLOAT, 0)), 0, 'no overflow');
  t.is(fused(midValueSelect, [0, 1, 2, 1000], ctx(INT, 1)), 2, 'int64: 1.5 rounds to even 2');
  t.is(fused(midValueSelect, [0, 2, 3, 1000], ctx(INT, 1)), 2, 'int64: 2.5 rounds to even 2');
});

test('midValueSelect: with fewer than 2f+1 values it discards floor((n-1)/2) at each end', (t) => {
  t.is(fused(midValueSelect, [1, 2], ctx(FLOAT, 3)), 1.5);
  t.is(fused(midValueSelect, [1, 2, 9], ctx(FLOAT, 3)), 2);
});

test('midValueSelect: discarding one value too few breaks the hull property (teeth)', (t) => {
  const arb = scenario((f) => 2 * f + 1, sensor, adversarial, { exactlyF: true });
  t.true(findsCounterexample(hullProperty(withFaulty(midValueSelect, (f) => f - 1), FLOAT, arb)));
});

test('midValueSelect and faultTolerantMidpoint compute the same value', (t) => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 4 }), (xs, f) =>
      same(fuseValues(midValueSelect, xs, ctx(FLOAT, f)), fuseValues(faultTolerantMidpoint, xs, ctx(FLOAT, f))),
    ),
  );
  t.pass();
});
