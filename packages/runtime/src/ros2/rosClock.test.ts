/**
 * The clock's own logic over a scripted time source (what a ROS node's clock returns); the
 * real node clock with use_sim_time is exercised by ros2.integration.test.ts on a ROS machine.
 */
import test from 'ava';
import type { RosTimeSource } from './rosClock.js';
import { RosClock } from './rosClock.js';

function scripted(values: bigint[], simTime = false): RosTimeSource & { set(v: bigint): void } {
  let now = values[0] ?? 0n;
  return {
    nowNs: () => now,
    simTime,
    set(v: bigint) {
      now = v;
    },
  };
}

test('ROS time in nanoseconds becomes integer microseconds', (t) => {
  const src = scripted([1_700_000_000_123_456_789n]);
  const c = new RosClock(src);
  t.is(c.nowUs(), 1_700_000_000_123_456);
  src.set(1_700_000_000_123_457_999n);
  t.is(c.nowUs(), 1_700_000_000_123_457);
  t.true(Number.isSafeInteger(c.nowUs()));
});

test('a backward jump (simulator reset, looping bag) is held and counted, never passed on', (t) => {
  const src = scripted([5_000_000_000n], true);
  const c = new RosClock(src);
  t.is(c.nowUs(), 5_000_000);
  src.set(1_000_000_000n);
  t.is(c.nowUs(), 5_000_000);
  t.is(c.backwardJumps, 1);
  src.set(6_000_000_000n);
  t.is(c.nowUs(), 6_000_000);
  t.true(c.simTime);
});

test('waitForTime resolves once time is non-zero and names /clock when it never comes', async (t) => {
  const src = scripted([0n], true);
  const c = new RosClock(src);
  setTimeout(() => src.set(1_000n), 30);
  await c.waitForTime(2_000, 5);
  t.is(c.nowUs(), 1);
  const never = new RosClock(scripted([0n], true));
  await t.throwsAsync(never.waitForTime(50, 5), { message: /nothing publishes \/clock/ });
});
