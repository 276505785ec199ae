/**
 * Time in bftkvs is integer microseconds (µs) on one cluster-wide time base (Unix epoch or
 * ROS time). Integers keep grid arithmetic exact; 2^53 µs is ~285 years, so plain numbers
 * suffice and stay allocation-free (no bigint on the hot path).
 */

export const US_PER_MS = 1_000;
export const US_PER_S = 1_000_000;
const NS_PER_US = 1_000;

/** ROS 2 `builtin_interfaces/msg/Time`. */
export interface RosTime {
  readonly sec: number;
  readonly nanosec: number;
}

export function isMicros(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

export function usFromMs(ms: number): number {
  return Math.round(ms * US_PER_MS);
}

export function msFromUs(us: number): number {
  return us / US_PER_MS;
}

/** Converts µs to ROS time. Sub-microsecond precision does not exist in bftkvs. */
export function rosTimeFromUs(us: number): RosTime {
  if (!isMicros(us)) throw new RangeError(`time must be a non-negative integer number of microseconds, got ${us}`);
  const sec = Math.floor(us / US_PER_S);
  return { sec, nanosec: (us - sec * US_PER_S) * NS_PER_US };
}

/**
 * Converts ROS time to µs. Nanoseconds are truncated towards the past, so a publish time
 * never moves later than what the ROS user wrote (a deadline rounded later could be missed).
 */
export function usFromRosTime(t: RosTime): number {
  if (!Number.isSafeInteger(t.sec) || t.sec < 0) throw new RangeError(`sec must be a non-negative integer, got ${t.sec}`);
  if (!Number.isInteger(t.nanosec) || t.nanosec < 0 || t.nanosec >= 1_000_000_000) {
    throw new RangeError(`nanosec must be an integer in [0, 1e9), got ${t.nanosec}`);
  }
  const us = t.sec * US_PER_S + Math.floor(t.nanosec / NS_PER_US);
  if (!Number.isSafeInteger(us)) throw new RangeError(`time ${t.sec}s does not fit in microseconds`);
  return us;
}

/** A key's publish-time grid: publish times are offsetUs + k * periodUs. */
export interface TimeGrid {
  readonly periodUs: number;
  readonly offsetUs: number;
}

export function isOnGrid(grid: TimeGrid, tUs: number): boolean {
  return mod(tUs - grid.offsetUs, grid.periodUs) === 0;
}

/** The earliest grid point >= atLeastUs. */
export function nextGridPoint(grid: TimeGrid, atLeastUs: number): number {
  const r = mod(atLeastUs - grid.offsetUs, grid.periodUs);
  return r === 0 ? atLeastUs : atLeastUs + (grid.periodUs - r);
}

/** The latest grid point <= atMostUs. */
export function previousGridPoint(grid: TimeGrid, atMostUs: number): number {
  return atMostUs - mod(atMostUs - grid.offsetUs, grid.periodUs);
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}

/** Human-readable duration for messages: 1500 -> "1.5 ms". */
export function formatUs(us: number): string {
  if (Math.abs(us) >= US_PER_S) return `${(us / US_PER_S).toFixed(3)} s`;
  if (Math.abs(us) >= US_PER_MS) return `${(us / US_PER_MS).toFixed(3).replace(/\.?0+$/, '')} ms`;
  return `${us} µs`;
}
