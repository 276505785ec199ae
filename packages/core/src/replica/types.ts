/**
 * The contract between a replica state machine and whatever drives it (the simulator, the
 * runtime's replica process). Shaped like etcd/raft's RawNode: inputs are frames and ticks
 * with the current time; outputs are collected in a `Ready` batch that the driver drains
 * after each input.
 *
 * Ordering rule for drivers: apply `events` (publish to subscribers, record) before or
 * together with sending `frames`; there is no persistent storage — a restarted replica starts
 * empty and rejoins by state transfer, so nothing has to be written before sending.
 */
import type { ReplicaHealth } from '@bftkvs/msgs';
import type { Result } from '../errors.js';
import type { AdmittedWrite, PublishedSlot, WriteIntent } from '../slotStore.js';

export interface OutboundFrame {
  /** Receiver index (replica 0..N-1, or a client endpoint index). */
  readonly to: number;
  /** A sealed, authenticated Frame. */
  readonly bytes: Uint8Array;
}

/** Why a node is suspected; stable strings so diagnostics and tests can match them. */
export type SuspicionReason =
  | 'bad-mac'
  | 'replay'
  | 'malformed'
  | 'equivocation'
  | 'bad-authenticator'
  | 'unauthorised-origin'
  | 'silent-primary'
  | 'bad-batch'
  | 'bad-timestamp'
  | 'censorship'
  | 'bad-signature'
  | 'bad-report'
  | 'bad-state';

export type ReplicaEvent =
  /** A decided slot became visible to reads (the clock reached its publish time). */
  | { readonly kind: 'published'; readonly slot: PublishedSlot }
  /** A slot became agreed (fast mode: after synchronisation; other modes: at decision). */
  | { readonly kind: 'agreed'; readonly slot: PublishedSlot }
  /** Synchronisation changed a slot this replica had published (or filled/retracted one). */
  | { readonly kind: 'repaired'; readonly key: string; readonly publishTimeUs: number; readonly before: PublishedSlot | undefined; readonly after: PublishedSlot | undefined }
  /** A slot could not be published: too few writers, unfusable, or not decidable in time. */
  | { readonly kind: 'missed'; readonly key: string; readonly publishTimeUs: number; readonly reason: string }
  | { readonly kind: 'suspect'; readonly node: number; readonly reason: SuspicionReason; readonly detail: string }
  /** A writer named as equivocating, with the two conflicting values' canonical forms. */
  | { readonly kind: 'equivocation'; readonly writer: string; readonly origin: number; readonly key: string; readonly publishTimeUs: number }
  | { readonly kind: 'view'; readonly view: number; readonly primary: number }
  | { readonly kind: 'state-transfer'; readonly phase: 'started' | 'completed'; readonly slots: number };

export interface Ready {
  readonly frames: readonly OutboundFrame[];
  readonly events: readonly ReplicaEvent[];
  /** The latest time at which `tick` must be called again (earlier is always allowed). */
  readonly nextTickUs: number;
}

/** Sizes of every growing structure, for the bounded-memory checker and diagnostics. */
export interface MemoryFootprint {
  readonly openSlots: number;
  readonly decidedSlots: number;
  readonly missedSlots: number;
  /** Protocol log entries (PBFT log, pending writes, sync reports, relay buffers...). */
  readonly logEntries: number;
  readonly pendingWrites: number;
}

export interface Replica {
  readonly id: number;
  /** An application on this node writes (through the client API). */
  write(intent: WriteIntent, nowUs: number): Result<AdmittedWrite>;
  /** An application on this node reads; answered locally, never by asking other replicas. */
  read(key: string, earliestUs: number, nowUs: number): Result<PublishedSlot>;
  /** A datagram arrived from the network: any bytes, possibly hostile. Never throws. */
  receive(bytes: Uint8Array, nowUs: number): void;
  /** Time passed; called at least by `Ready.nextTickUs`. */
  tick(nowUs: number): void;
  /** Drains the outputs accumulated since the last call. */
  ready(): Ready;
  health(nowUs: number): ReplicaHealth;
  memory(): MemoryFootprint;
}
