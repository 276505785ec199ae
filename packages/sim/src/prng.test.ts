import test from 'ava';
import fc from 'fast-check';
import { Prng } from './prng.js';

const draw = (seed: number, n: number): number[] => {
  const r = new Prng(seed);
  return Array.from({ length: n }, () => r.u32());
};

test('the same seed gives the same stream, different seeds different streams', (t) => {
  t.deepEqual(draw(42, 1000), draw(42, 1000));
  t.notDeepEqual(draw(42, 100), draw(43, 100));
  // Seeds above 2^32 use their high bits too.
  t.notDeepEqual(draw(2 ** 32 + 5, 100), draw(5, 100));
});

test('a pinned stream: the generator is portable and must not change silently', (t) => {
  // Changing the algorithm changes every recorded seed's run: do it knowingly.
  t.deepEqual(draw(1, 8), [4025652051, 3695883325, 2429060313, 680150194, 5715620, 2887631330, 285030918, 2631432672]);
});

test('u32 is a 32-bit unsigned integer; float is in [0, 1)', (t) => {
  const r = new Prng(7);
  for (let i = 0; i < 10_000; i++) {
    const u = r.u32();
    t.true(Number.isInteger(u) && u >= 0 && u < 2 ** 32);
    const f = r.float();
    if (!(f >= 0 && f < 1)) t.fail(`float ${f}`);
  }
});

test('int(lo, hi) is inclusive and covers the range', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 20 }), (seed, lo, width) => {
      const r = new Prng(seed);
      const seen = new Set<number>();
      for (let i = 0; i < 400; i++) {
        const x = r.int(lo, lo + width);
        if (x < lo || x > lo + width || !Number.isInteger(x)) return false;
        seen.add(x);
      }
      return seen.size === width + 1;
    }),
  );
  t.pass();
});

test('shuffle is a permutation; pick and weighted stay within their inputs', (t) => {
  const r = new Prng(3);
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const ys = r.shuffle([...xs]);
  t.deepEqual([...ys].sort((a, b) => a - b), xs);
  t.notDeepEqual(ys, xs);
  for (let i = 0; i < 100; i++) t.true(['a', 'b'].includes(r.pick(['a', 'b'])));
  let heavy = 0;
  for (let i = 0; i < 1000; i++) if (r.weighted([[9, 'x'], [1, 'y']] as const) === 'x') heavy++;
  t.true(heavy > 850 && heavy < 950, `x drawn ${heavy} of 1000`);
  t.throws(() => r.pick([]));
  t.throws(() => r.weighted([[0, 1]]));
});

test('distributions: float mean ~ 1/2, exponential mean, chance(p) frequency', (t) => {
  const r = new Prng(11);
  let sum = 0;
  let exp = 0;
  let hits = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    sum += r.float();
    exp += r.exponential(10);
    if (r.chance(0.1)) hits++;
  }
  t.true(Math.abs(sum / n - 0.5) < 0.01);
  t.true(Math.abs(exp / n - 10) < 0.5);
  t.true(Math.abs(hits / n - 0.1) < 0.01);
  t.false(r.chance(0));
  t.true(r.chance(1));
  t.true(r.lognormal(5, 0.5) > 0);
});

test('forks are independent of later draws of the parent and deterministic', (t) => {
  const a = new Prng(9);
  const b = new Prng(9);
  const fa = a.fork();
  const fb = b.fork();
  b.u32();
  t.deepEqual([fa.u32(), fa.u32()], [fb.u32(), fb.u32()]);
  t.notDeepEqual([a.fork().u32()], [fa.u32()]);
});

test('bad seeds are refused', (t) => {
  t.throws(() => new Prng(-1));
  t.throws(() => new Prng(1.5));
  t.throws(() => new Prng(2 ** 53));
});
