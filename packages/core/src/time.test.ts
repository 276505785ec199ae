import test from 'ava';
import fc from 'fast-check';
import { isOnGrid, nextGridPoint, previousGridPoint, rosTimeFromUs, usFromMs, usFromRosTime } from './time.js';

test('ROS time round-trips every microsecond time', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (us) => {
      const ros = rosTimeFromUs(us);
      return ros.nanosec >= 0 && ros.nanosec < 1e9 && ros.nanosec % 1000 === 0 && usFromRosTime(ros) === us;
    }),
  );
  t.deepEqual(rosTimeFromUs(1_500_002), { sec: 1, nanosec: 500_002_000 });
});

test('ROS time with sub-microsecond nanoseconds truncates towards the past', (t) => {
  t.is(usFromRosTime({ sec: 2, nanosec: 999 }), 2_000_000);
  t.is(usFromRosTime({ sec: 0, nanosec: 1_999 }), 1);
});

test('invalid times are rejected with a clear error', (t) => {
  t.throws(() => rosTimeFromUs(-1), { instanceOf: RangeError });
  t.throws(() => rosTimeFromUs(1.5), { instanceOf: RangeError });
  t.throws(() => usFromRosTime({ sec: 1, nanosec: 1e9 }), { message: /nanosec/ });
  t.throws(() => usFromRosTime({ sec: -1, nanosec: 0 }), { message: /sec/ });
  t.throws(() => usFromRosTime({ sec: Number.MAX_SAFE_INTEGER, nanosec: 0 }), { message: /does not fit/ });
});

test('grid points: next >= x, previous <= x, both on the grid and within one period', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000_000 }),
      fc.nat({ max: 9_999_999 }),
      fc.integer({ min: 0, max: 1e13 }),
      (periodUs, offsetRaw, x) => {
        const grid = { periodUs, offsetUs: offsetRaw % periodUs };
        const n = nextGridPoint(grid, x);
        const p = previousGridPoint(grid, x);
        return n >= x && n - x < periodUs && p <= x && x - p < periodUs && isOnGrid(grid, n) && isOnGrid(grid, p);
      },
    ),
  );
  t.is(nextGridPoint({ periodUs: 10_000, offsetUs: 2_000 }, 12_001), 22_000);
  t.false(isOnGrid({ periodUs: 10_000, offsetUs: 2_000 }, 20_000));
  t.is(usFromMs(0.5), 500);
});
