/**
 * The checker contract. Checkers watch a run from outside: they see what the non-Byzantine
 * replicas emitted (events, read results, memory footprints) and the ground truth in
 * `History`, never a replica's internals. Each reports violations through `report`; none of
 * them throws on a violation, so one run can report several.
 */
import type { MemoryFootprint, PublishedSlot, ReplicaEvent, Result } from '@bftkvs/core';
import type { History, WriteRecord } from '../history.js';

export type CheckerName =
  | 'agreement'
  | 'validity'
  | 'timeliness'
  | 'freshness'
  | 'stability'
  | 'memory'
  | 'liveness'
  | 'admission'
  | 'authentication'
  | 'robustness';

export interface Violation {
  readonly checker: CheckerName;
  readonly message: string;
  /** True time (µs since the run's time origin) at which it was detected. */
  readonly atUs: number;
}

export type Report = (checker: CheckerName, message: string, atUs: number) => void;

/** Where and when a batch of events was drained. */
export interface Observation {
  readonly node: number;
  /** The replica's incarnation (restarts start a new one with empty state). */
  readonly incarnation: number;
  readonly trueUs: number;
  readonly localUs: number;
}

export interface ReadRecord {
  readonly node: number;
  readonly incarnation: number;
  readonly key: string;
  readonly earliestUs: number;
  readonly localUs: number;
  readonly trueUs: number;
  readonly result: Result<PublishedSlot>;
}

export interface Checker {
  readonly name: CheckerName;
  /** One drained batch of a non-Byzantine replica's events, in emission order. */
  onEvents?(obs: Observation, events: readonly ReplicaEvent[]): void;
  /** Every write attempt by an application (accepted or not, correct or faulty host). */
  onWrite?(w: WriteRecord): void;
  /** A read by an application on a non-Byzantine node. */
  onRead?(r: ReadRecord): void;
  onMemory?(node: number, footprint: MemoryFootprint, trueUs: number): void;
  /** A node restarted with empty state (new incarnation). */
  onRestart?(node: number, incarnation: number, trueUs: number): void;
  /** Simulated true time reached `trueUs`: finalise what can be judged, forget old state. */
  advance?(trueUs: number): void;
  /** The run is over. */
  finish?(trueUs: number): void;
}

export interface CheckerContext {
  readonly history: History;
  readonly report: Report;
}

/** Formats a true time relative to the run start, for messages: "1234.567 ms". */
export function atMs(history: History, trueUs: number): string {
  return `${((trueUs - history.startUs) / 1000).toFixed(3)} ms`;
}

/** Formats a publish time (a clock reading) relative to the run start. */
export function slotName(history: History, key: string, publishTimeUs: number): string {
  return `${key}@${((publishTimeUs - history.startUs) / 1000).toFixed(3)}ms`;
}
