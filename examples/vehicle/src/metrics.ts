/**
 * Control-quality and latency figures computed from a run record, and the nominal bound.
 * Pure.
 */
import type { RunRecord, TrackingBound } from './record.js';

/**
 * The tracking-error bound every within-f scenario must meet, judged after `settlingUs`.
 *
 * Measured on the nominal scenario (drive cycle 'mixed', 60 s, DEFAULT_PID, DEFAULT_VEHICLE) in
 * the in-process ideal replicated loop over seeds 1–20: RMS 0.092–0.096 m/s, max |error|
 * 0.422–0.468 m/s (the max is the lag at the start of the 2 m/s² slow-down at 45 s). The bound
 * is about twice the worst nominal RMS and 1.7× the worst nominal max, so sensor noise alone never
 * trips it, while the faults the baseline suffers do by a wide margin (a stuck or lying sensor
 * gives RMS > 2.5 m/s there; see baseline.test.ts and the README's table).
 */
export const NOMINAL_BOUND: TrackingBound = Object.freeze({ rmsMps: 0.2, maxAbsMps: 0.8 });

export interface TrackingError {
  /** Samples judged (after settling). */
  readonly samples: number;
  readonly rmsMps: number;
  readonly maxAbsMps: number;
  /** When the max occurred, µs. */
  readonly maxAtUs: number;
  /** Mean (true − target), m/s: the steady offset. */
  readonly meanMps: number;
}

/** Tracking error (true − target speed) over plant samples at or after `fromUs`. */
export function trackingError(record: Pick<RunRecord, 'plant'>, fromUs: number): TrackingError {
  let n = 0;
  let sumSq = 0;
  let sum = 0;
  let maxAbs = 0;
  let maxAt = fromUs;
  for (const p of record.plant) {
    if (p.tUs < fromUs) continue;
    const e = p.trueSpeedMps - p.targetSpeedMps;
    n++;
    sum += e;
    sumSq += e * e;
    if (Math.abs(e) > maxAbs) {
      maxAbs = Math.abs(e);
      maxAt = p.tUs;
    }
  }
  return { samples: n, rmsMps: n > 0 ? Math.sqrt(sumSq / n) : 0, maxAbsMps: maxAbs, maxAtUs: maxAt, meanMps: n > 0 ? sum / n : 0 };
}

export function withinBound(e: TrackingError, bound: TrackingBound): boolean {
  return e.rmsMps <= bound.rmsMps && e.maxAbsMps <= bound.maxAbsMps;
}

/** Nearest-rank percentile (p in [0, 100]) of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(s.length, rank) - 1];
}

export interface LatencyStats {
  readonly count: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

export function latencyStats(latenciesUs: readonly number[]): LatencyStats | null {
  if (latenciesUs.length === 0) return null;
  let max = -Infinity;
  let sum = 0;
  for (const x of latenciesUs) {
    if (x > max) max = x;
    sum += x;
  }
  return { count: latenciesUs.length, p50Us: percentile(latenciesUs, 50)!, p99Us: percentile(latenciesUs, 99)!, maxUs: max, meanUs: sum / latenciesUs.length };
}
