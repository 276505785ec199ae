import test from 'ava';
import { SystemClock, wallAnchorUs } from './clock.js';

test('SystemClock: on the wall clock (within Date.now()\'s own millisecond), and never backwards', (t) => {
  const clock = new SystemClock();
  // Date.now() truncates to the millisecond, so a correct clock reads within [0, 1000) µs above
  // it; take the best of a few back-to-back pairs (a pair split by descheduling says nothing).
  let bestUs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i++) {
    const wallUs = Date.now() * 1_000;
    const ours = clock.nowUs();
    const d = ours - wallUs;
    if (Math.abs(d - 500) < Math.abs(bestUs - 500)) bestUs = d;
  }
  t.true(bestUs > -1_000 && bestUs < 2_000, `clock − Date.now(): ${bestUs} µs`);
  let last = clock.nowUs();
  for (let i = 0; i < 10_000; i++) {
    const now = clock.nowUs();
    t.true(now >= last);
    last = now;
  }
  t.true(Number.isSafeInteger(last));
});

test('wallAnchorUs: two anchors taken in one process agree to well under a millisecond', (t) => {
  const a = wallAnchorUs();
  const b = wallAnchorUs();
  t.true(Math.abs(a - b) < 1_000, `${a} vs ${b}`);
});
