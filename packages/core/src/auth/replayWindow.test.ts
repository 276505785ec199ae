import test from 'ava';
import fc from 'fast-check';
import { ReplayWindow } from './replayWindow.js';

test('in-order, duplicate, reordered-within-window and too-old sequence numbers', (t) => {
  const w = new ReplayWindow(64);
  t.is(w.accept(1, 1), 'fresh');
  t.is(w.accept(1, 1), 'replay');
  t.is(w.accept(1, 5), 'fresh');
  t.is(w.accept(1, 3), 'fresh', 'reordered within the window: accepted once');
  t.is(w.accept(1, 3), 'replay');
  t.is(w.accept(1, 200), 'fresh');
  t.is(w.accept(1, 137), 'fresh', '200 - 137 = 63 < 64: still inside');
  t.is(w.accept(1, 136), 'replay', 'outside the window: refused, it cannot be told apart from a replay');
  t.is(w.accept(1, 4), 'replay');
});

test('a higher incarnation resets the window; a lower one is stale', (t) => {
  const w = new ReplayWindow(64);
  t.is(w.accept(10, 500), 'fresh');
  t.is(w.accept(11, 1), 'fresh', 'restart: counters start again');
  t.is(w.accept(11, 1), 'replay');
  t.is(w.accept(10, 501), 'stale-incarnation');
});

test('matches a set model for any order of sequence numbers', (t) => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 300 }), { maxLength: 400 }), (seqs) => {
      const size = 64;
      const w = new ReplayWindow(size);
      const seen = new Set<number>();
      let highest = -1;
      for (const s of seqs) {
        const expected = seen.has(s) || highest - s >= size ? 'replay' : 'fresh';
        if (w.accept(7, s) !== expected) return false;
        if (expected === 'fresh') {
          seen.add(s);
          highest = Math.max(highest, s);
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});
