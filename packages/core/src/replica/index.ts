/** Replica state machines: the shared base, the modes and the factory. */
export type * from './types.js';
export type { CheckedWrite, ReplicaOptions } from './base.js';
export { IDLE_TICK_US, ReplicaBase } from './base.js';
export { CrashReplica } from './crash.js';
export { AgreedReplica } from './agreed.js';
export type { AgreedSizing, AgreedSizingInput } from './agreedSizing.js';
export { MAX_AGREED_CHECKPOINT_INTERVAL, agreedCapacityWarning, agreedSizing, configuredWriteRate, agreedTypicalWriteBytes, agreedWriteCapacity, viewChangeBytesBound } from './agreedSizing.js';
export type { AgreedSnapshot, AgreedStateParams, BatchEffects, SlotRecord, StateContribution, WriteRef } from './agreedState.js';
export { AgreedState } from './agreedState.js';
export type { EquivocationEvidence, FastReplicaOptions, SyncComponent, SyncFactory, SyncHost } from './fast.js';
export { FastReplica, MAX_EVIDENCE, RETAINED_SYNC_PERIODS } from './fast.js';
export type { CreateReplicaOptions } from './create.js';
export { createReplica } from './create.js';
export { SuspicionLog } from './suspicion.js';
export type { ClientHost } from './clientService.js';
export { ClientService } from './clientService.js';
export { valueFromWire, valueToWire } from './wireValue.js';
export type { PbftSyncOptions } from './sync.js';
export { PbftSync, SYNC_WATERMARK_WINDOW, createPbftSync } from './sync.js';
export type { CanonicalResult, CanonicalSlot, NamedEquivocation } from './syncCanonical.js';
export { canonicalContents } from './syncCanonical.js';
export type { CatchUpHost } from './syncCatchUp.js';
export { CatchUp } from './syncCatchUp.js';
export type { BuiltReport, PartWindow, SyncBudget, SyncState } from './syncReport.js';
export {
  CHAIN_BYTES,
  MIN_REPORT_BYTES,
  PARTS_PER_ROUND,
  SyncPlan,
  buildReport,
  checkReport,
  decodeSyncState,
  encodeSyncState,
  inPart,
  reportBytes,
  reportSigningBytes,
  reportedWrite,
  slotWorstBytes,
  syncBudget,
  verifyReport,
} from './syncReport.js';
