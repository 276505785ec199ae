import test from 'ava';
import { faultTolerantMidpoint } from './faultTolerantMidpoint.js';
import { FLOAT, INT, ctx, fused, hullProperty, findsCounterexample, registerScalarMaskingTests, scenario, sensor, adversarial, withFaulty } from './_fuseTestKit.test.js';

registerScalarMaskingTests(test, faultTolerantMidpoint);

test('faultTolerantMidpoint: discard f lowest and f highest, midpoint of the remaining extremes', (t) => {
  t.is(fused(faultTolerantMidpoint, [1, 5, 6, 7, 100], ctx(FLOAT, 1)), 6);
  t.is(fused(faultTolerantMidpoint, [-1e300, 5, 6, 9, 1e300], ctx(FLOAT, 1)), 7);
  t.is(fused(faultTolerantMidpoint, [-1e300, 5, 6, 10, 1e300, 1e300, 3], ctx(FLOAT, 2)), 7.5);
  t.is(fused(faultTolerantMidpoint, [-10, 5, 8, 100], ctx(INT, 1)), 6, '6.5 rounds to even 6');
});

test('faultTolerantMidpoint: the description notes the 3f+1 bound for convergence in clock synchronisation', (t) => {
  t.regex(faultTolerantMidpoint.description, /3f\+1/);
  t.regex(faultTolerantMidpoint.description, /clock/);
});

test('faultTolerantMidpoint: discarding one value too few breaks the hull property (teeth)', (t) => {
  const arb = scenario((f) => 2 * f + 1, sensor, adversarial, { exactlyF: true });
  t.true(findsCounterexample(hullProperty(withFaulty(faultTolerantMidpoint, (f) => f - 1), FLOAT, arb)));
});
