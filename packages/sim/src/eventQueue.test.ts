import test from 'ava';
import fc from 'fast-check';
import { EventQueue } from './eventQueue.js';

test('pops by time, then insertion order; payloads travel along', (t) => {
  const q = new EventQueue<string>();
  q.push(5, 1, 0, 0, 'c');
  q.push(1, 2, 7, 8, 'a');
  q.push(5, 3, 0, 0, 'd');
  q.push(2, 4, 0, 0, 'b');
  const out: string[] = [];
  while (q.pop()) out.push(`${q.time}:${q.kind}:${q.payload ?? ''}`);
  t.deepEqual(out, ['1:2:a', '2:4:b', '5:1:c', '5:3:d']);
  t.is(q.length, 0);
  t.false(q.pop());
  t.is(q.peekTime(), Number.POSITIVE_INFINITY);
});

test('matches a stable sort for any pushes and interleaved pops (grows past its initial size)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 3000 }), (ops) => {
      const q = new EventQueue<number>();
      const model: { time: number; id: number }[] = [];
      let id = 0;
      for (const [time, popToo] of ops) {
        q.push(time, 1, id, 0, id);
        model.push({ time, id });
        id++;
        if (popToo) {
          model.sort((a, b) => a.time - b.time || a.id - b.id);
          const m = model.shift();
          if (!q.pop() || m === undefined || q.time !== m.time || q.a !== m.id || q.payload !== m.id) return false;
        }
      }
      model.sort((a, b) => a.time - b.time || a.id - b.id);
      for (const m of model) if (!q.pop() || q.time !== m.time || q.a !== m.id) return false;
      return q.length === 0;
    }),
  );
  t.pass();
});

test('refuses non-finite times and bounds its length', (t) => {
  const q = new EventQueue<number>(1024);
  t.throws(() => q.push(Number.NaN, 1, 0, 0));
  t.throws(() => q.push(-1, 1, 0, 0));
  for (let i = 0; i < 1024; i++) q.push(i, 1, 0, 0);
  t.throws(() => q.push(1, 1, 0, 0), { message: /exceeded/ });
});
