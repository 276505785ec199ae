// Validated message types: what the decoders return and the encoders take.
//
// They mirror the generated protobufjs interfaces field for field (same camelCase names, so a
// validated object can be passed to the generated encoder as is; src/types-match.ts checks
// this at compile time), but every field is present and non-optional: proto3 defaults are
// filled in, required sub-messages are non-null, optional ones are `T | null`, and each oneof
// is a discriminated union on `kind`. All integers are JS numbers within
// Number.MAX_SAFE_INTEGER; byte fields are plain Uint8Array views into the decoded input
// (copy them if the input buffer is reused).
import type { ErrorCode } from './error-code.js';
import type { MODES } from './limits.js';

/** `{kind: K, K: V}` for each member K of a oneof described as a record of member types. */
export type OneOf<Members> = {
  [K in keyof Members]: { kind: K } & { [P in K]: Members[K] };
}[keyof Members];

export type Mode = (typeof MODES)[number];

// --- Envelope -------------------------------------------------------------------------------

export interface Frame {
  version: number;
  clusterId: number;
  from: number;
  to: number;
  incarnation: number;
  seq: number;
  body: Uint8Array;
  mac: Uint8Array;
}

/** The MAC-covered fields of a Frame (1..7). */
export type FrameHead = Omit<Frame, 'mac'>;

export interface BodyMembers {
  writeRequest: ClientWriteRequest;
  writeReply: ClientWriteReply;
  readRequest: ClientReadRequest;
  readReply: ClientReadReply;
  subscribe: ClientSubscribe;
  slotNotice: SlotNotice;
  statusRequest: StatusRequest;
  statusReply: StatusReply;
  write: WriteBroadcast;
  prePrepare: PrePrepare;
  prepare: Prepare;
  commit: Commit;
  checkpoint: Checkpoint;
  viewChange: ViewChange;
  newView: NewView;
  syncReport: SyncReport;
  stateRequest: StateRequest;
  stateReply: StateReply;
}
export type BodyKind = keyof BodyMembers;
export type Body = OneOf<BodyMembers>;

// --- Values ---------------------------------------------------------------------------------

export interface ValueMembers {
  f64: number;
  i64: number;
  b: boolean;
  s: string;
  vec: F64Vector;
  fields: Struct;
}
export type ValueKind = keyof ValueMembers;
export type Value = OneOf<ValueMembers>;

export interface F64Vector {
  items: number[];
}

export interface Struct {
  /** Sorted by name (UTF-16 code unit order), names unique. */
  fields: StructField[];
}

export interface StructFieldMembers {
  f64: number;
  i64: number;
  b: boolean;
  s: string;
}
export type StructField = { name: string } & OneOf<StructFieldMembers>;

// --- Writes and slots -----------------------------------------------------------------------

export interface Write {
  key: string;
  publishTimeUs: number;
  writer: string;
  value: Value;
  origin: number;
  issuedAtUs: number;
}

export interface AuthenticatedWrite {
  /** An encoded Write: decode with decodeWrite after checking the MAC. */
  write: Uint8Array;
  macs: Uint8Array[];
  signature: Uint8Array;
}

export interface WriteBroadcast {
  write: AuthenticatedWrite;
  hop: number;
}

export interface Contribution {
  writer: string;
  value: Value;
}

export interface PublishedSlot {
  key: string;
  publishTimeUs: number;
  value: Value;
  /** Sorted by writer, writers unique. */
  contributions: Contribution[];
  agreed: boolean;
  repairs: number;
}

// --- Client protocol ------------------------------------------------------------------------

export interface ClientWriteRequest {
  requestId: number;
  key: string;
  writer: string;
  /** 0: the next grid point that satisfies the minimum lead. */
  publishTimeUs: number;
  value: Value;
}

export interface ClientWriteReply {
  requestId: number;
  code: ErrorCode;
  message: string;
  publishTimeUs: number;
}

export interface ClientReadRequest {
  requestId: number;
  key: string;
  earliestUs: number;
}

export interface ClientReadReply {
  requestId: number;
  code: ErrorCode;
  message: string;
  /** Present exactly when code is OK. */
  slot: PublishedSlot | null;
  nowUs: number;
}

export interface ClientSubscribe {
  requestId: number;
  keys: string[];
  unsubscribe: boolean;
  agreedOnly: boolean;
}

export interface SlotNotice {
  slot: PublishedSlot;
}

export interface StatusRequest {
  requestId: number;
}

export interface Suspicion {
  node: number;
  reason: string;
  count: number;
  lastUs: number;
}

export interface Counter {
  name: string;
  value: number;
}

export interface ReplicaHealth {
  replica: number;
  mode: Mode;
  view: number;
  primary: number;
  suspects: Suspicion[];
  slotsPublished: number;
  slotsAgreed: number;
  slotsRepaired: number;
  deadlineMisses: number;
  nowUs: number;
  counters: Counter[];
  stableSeq: number;
  ready: boolean;
}

export interface StatusReply {
  requestId: number;
  health: ReplicaHealth;
}

// --- BFT ordering ---------------------------------------------------------------------------

export interface Batch {
  tauUs: number;
  /** Agreed mode; empty for a time beacon. Never non-empty together with `sync`. */
  writes: AuthenticatedWrite[];
  /** Fast mode. */
  sync: SyncProposal | null;
}

export interface PrePrepare {
  view: number;
  seq: number;
  /** An encoded Batch: decode with decodeBatch. */
  batch: Uint8Array;
}

export interface Prepare {
  view: number;
  seq: number;
  digest: Uint8Array;
  replica: number;
  signature: Uint8Array;
}

export interface Commit {
  view: number;
  seq: number;
  digest: Uint8Array;
}

export interface Checkpoint {
  seq: number;
  stateDigest: Uint8Array;
  replica: number;
  signature: Uint8Array;
}

export interface PreparedProof {
  view: number;
  seq: number;
  batch: Uint8Array;
  prepares: Prepare[];
}

export interface ViewChange {
  newView: number;
  stableSeq: number;
  stableProof: Checkpoint[];
  prepared: PreparedProof[];
  maxTauUs: number;
  replica: number;
  signature: Uint8Array;
}

export interface NewView {
  view: number;
  viewChanges: ViewChange[];
  prePrepares: PrePrepare[];
  replica: number;
  signature: Uint8Array;
}

// --- Fast-mode synchronisation --------------------------------------------------------------

export interface ReportedSlot {
  key: string;
  publishTimeUs: number;
  writes: AuthenticatedWrite[];
}

export interface SyncReport {
  round: number;
  fromUs: number;
  toUs: number;
  slots: ReportedSlot[];
  replica: number;
  signature: Uint8Array;
}

/** Not carried by any Body today; kept for diagnostics code that names equivocators. */
export interface Equivocation {
  writer: string;
  origin: number;
  key: string;
  publishTimeUs: number;
}

export interface SyncProposal {
  round: number;
  fromUs: number;
  toUs: number;
  reports: SyncReport[];
}

// --- State transfer -------------------------------------------------------------------------

export interface StateRequest {
  requestId: number;
  sinceUs: number;
}

export interface StateReply {
  requestId: number;
  view: number;
  stableSeq: number;
  maxTauUs: number;
  slots: PublishedSlot[];
  chunk: number;
  chunks: number;
  stateDigest: Uint8Array;
}
