import test from 'ava';
import { median } from './median.js';
import { FLOAT, INT, MAX, ctx, fused, registerScalarMaskingTests } from './_fuseTestKit.test.js';

registerScalarMaskingTests(test, median);

test('median: odd count gives the middle value, even count the midpoint of the middle two', (t) => {
  t.is(fused(median, [3, 1, 2], ctx(FLOAT, 1)), 2);
  t.is(fused(median, [1e9, 1, 2], ctx(FLOAT, 1)), 2);
  t.is(fused(median, [4, 1, 3, 2], ctx(FLOAT, 1)), 2.5);
  t.is(fused(median, [-MAX, MAX], ctx(FLOAT, 0)), 0, 'no overflow');
  t.is(fused(median, [MAX, MAX * 0.5], ctx(FLOAT, 0)), MAX * 0.75);
  t.is(fused(median, [1, 1, 1, 1e308, -1e308], ctx(FLOAT, 2)), 1);
});

test('median: it does not use the configured f (it masks floor((n-1)/2) values)', (t) => {
  t.is(fused(median, [1, 100, 2, 3, 4], ctx(FLOAT, 0)), 3);
  t.is(fused(median, [1, 100, 2, 3, 4], ctx(FLOAT, 2)), 3);
});

test('median: int64 even count rounds the midpoint to the nearest integer, ties to even', (t) => {
  t.is(fused(median, [1, 2], ctx(INT, 0)), 2);
  t.is(fused(median, [2, 3], ctx(INT, 0)), 2);
  t.is(fused(median, [-3, -2], ctx(INT, 0)), -2);
  t.is(fused(median, [1, 4], ctx(INT, 0)), 2, '2.5 -> 2');
  t.is(fused(median, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1], ctx(INT, 0)), Number.MAX_SAFE_INTEGER - 1, 'exact near 2^53');
  t.is(fused(median, [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], ctx(INT, 0)), 0);
});

test('median: values of the wrong shape are refused, not thrown on', (t) => {
  const r = median.fuse([{ writer: 'a', value: 'x' }], ctx(FLOAT, 0));
  t.false(r.ok);
  t.false(median.fuse([{ writer: 'a', value: 1.5 }], ctx(INT, 0)).ok, 'non-integer for int64');
  t.false(median.fuse([{ writer: 'a', value: Number.NaN }], ctx(FLOAT, 0)).ok);
});
