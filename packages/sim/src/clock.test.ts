import test from 'ava';
import fc from 'fast-check';
import { SimClock, maxClockErrorUs } from './clock.js';
import { Prng } from './prng.js';

const START = 10_000_000;

function clocks(seed: number, n: number, skewUs: number, driftPpm: number, resyncUs: number): SimClock[] {
  const rng = new Prng(seed);
  return Array.from({ length: n }, () => new SimClock({ maxErrorUs: maxClockErrorUs(skewUs), maxDriftPpm: driftPpm, resyncIntervalUs: resyncUs, startUs: START }, rng.fork()));
}

test('any two clocks differ by at most ε at all times (the skew assumption holds)', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e9 }),
      fc.constantFrom(100, 500, 1000, 4),
      fc.constantFrom(20, 200, 1000),
      fc.constantFrom(10_000, 200_000),
      (seed, skewUs, driftPpm, resyncUs) => {
        const cs = clocks(seed, 5, skewUs, driftPpm, resyncUs);
        for (let tUs = START; tUs < START + 5_000_000; tUs += 997) {
          let lo = Number.POSITIVE_INFINITY;
          let hi = Number.NEGATIVE_INFINITY;
          for (const c of cs) {
            const l = c.localAt(tUs);
            lo = Math.min(lo, l);
            hi = Math.max(hi, l);
          }
          if (hi - lo > skewUs) return false;
        }
        return true;
      },
    ),
    { numRuns: 40 },
  );
  t.pass();
});

test('clocks drift: the error changes over time, and the extremes of the band are used', (t) => {
  const cs = clocks(1, 16, 1000, 200, 50_000);
  let moved = 0;
  let maxSpread = 0;
  for (const c of cs) if (Math.abs(c.errorAt(START) - c.errorAt(START + 2_000_000)) > 1) moved++;
  for (let tUs = START; tUs < START + 2_000_000; tUs += 10_000) {
    const ls = cs.map((c) => c.localAt(tUs) - tUs);
    maxSpread = Math.max(maxSpread, Math.max(...ls) - Math.min(...ls));
  }
  t.true(moved >= 12, `${moved} of 16 clocks drifted`);
  t.true(maxSpread > 800, `spread reached ${maxSpread} µs of the 1000 µs bound`);
});

test('local time is monotone and trueAtLocal is its exact inverse', (t) => {
  const [c] = clocks(5, 1, 1000, 1000, 10_000) as [SimClock];
  let last = -Infinity;
  for (let tUs = START; tUs < START + 300_000; tUs++) {
    const l = c.localAt(tUs);
    if (l < last) t.fail(`local time went back at ${tUs}`);
    last = l;
  }
  const rng = new Prng(2);
  for (let i = 0; i < 2000; i++) {
    const now = START + rng.int(0, 3_000_000);
    const target = c.localAt(now) + rng.int(-500, 200_000);
    const at = c.trueAtLocal(target, now);
    t.true(at >= now);
    t.true(c.localAt(at) >= target);
    if (at > now) t.true(c.localAt(at - 1) < target);
  }
});

test('bad options are refused', (t) => {
  const rng = new Prng(1);
  t.throws(() => new SimClock({ maxErrorUs: -1, maxDriftPpm: 1, resyncIntervalUs: 1, startUs: 0 }, rng));
  t.throws(() => new SimClock({ maxErrorUs: 1, maxDriftPpm: 1e6, resyncIntervalUs: 1, startUs: 0 }, rng));
  t.is(maxClockErrorUs(500), 249);
  t.is(maxClockErrorUs(1), 0);
});
