import test from 'ava';
import fc from 'fast-check';
import { IncarnationReplayWindows, ReplayWindow } from './replayWindow.js';

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

test('several incarnations side by side, bounded; a forgotten one never comes back', (t) => {
  const w = new IncarnationReplayWindows(2, 64);
  t.is(w.accept(10, 1), 'fresh');
  t.is(w.accept(20, 1), 'fresh');
  t.is(w.accept(10, 2), 'fresh', 'both kept');
  t.is(w.accept(10, 2), 'replay');
  t.is(w.accept(5, 1), 'stale-incarnation', 'full, and older than every kept one');
  t.is(w.accept(30, 1), 'fresh', 'forgets 10');
  t.deepEqual(w.incarnations(), [20, 30]);
  t.is(w.accept(10, 3), 'stale-incarnation');
  t.is(w.accept(15, 1), 'stale-incarnation', 'above the floor (10) but the set is full and 15 is below every kept one');
  t.is(w.accept(20, 2), 'fresh');
});

test('with capacity 1 it behaves exactly like ReplayWindow', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.nat({ max: 100 })), { maxLength: 300 }), (inputs) => {
      const a = new ReplayWindow(32);
      const b = new IncarnationReplayWindows(1, 32);
      return inputs.every(([inc, seq]) => a.accept(inc, seq) === b.accept(inc, seq));
    }),
  );
  t.pass();
});
