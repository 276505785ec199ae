import test from 'ava';
import fc from 'fast-check';
import { midValueSelect } from './midValueSelect.js';
import { FLOAT, INT, MAX, ctx, fused, fuseValues, registerScalarMaskingTests } from './_fuseTestKit.test.js';

registerScalarMaskingTests(test, midValueSelect);

test('midValueSelect: 3 values, f = 1 gives the middle one; 4 values the lower middle one', (t) => {
  t.is(fused(midValueSelect, [10, 1, 2], ctx(FLOAT, 1)), 2);
  t.is(fused(midValueSelect, [1, 2, 3, 10], ctx(FLOAT, 1)), 2);
});

test('midValueSelect: general n: the middle value after discarding f at each end', (t) => {
  t.is(fused(midValueSelect, [1, 2, 3, 4, 100], ctx(FLOAT, 1)), 3);
  t.is(fused(midValueSelect, [1, 2, 3, 4, 100], ctx(FLOAT, 0)), 3);
  t.is(fused(midValueSelect, [1, 2, 3, 4, 100], ctx(FLOAT, 2)), 3);
  t.is(fused(midValueSelect, [-MAX, MAX, -MAX, MAX, 0], ctx(FLOAT, 0)), 0);
  t.is(fused(midValueSelect, [0, 1, 2, 1000], ctx(INT, 1)), 1);
});

test('midValueSelect always outputs one of the written values', (t) => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 0, max: 4 }), (xs, f) => {
      const r = fuseValues(midValueSelect, xs, ctx(FLOAT, f));
      return r.ok && xs.some((x) => Object.is(x, r.value) || (x === 0 && r.value === 0));
    }),
  );
  t.pass();
});

test('midValueSelect: with fewer than 2f+1 values it still selects the lower middle value', (t) => {
  t.is(fused(midValueSelect, [1, 2], ctx(FLOAT, 3)), 1);
  t.is(fused(midValueSelect, [1, 2, 9], ctx(FLOAT, 3)), 2);
});
