/** Replica state machines: the shared base, the modes and the factory. */
export type * from './types.js';
export type { CheckedWrite, ReplicaOptions } from './base.js';
export { IDLE_TICK_US, ReplicaBase } from './base.js';
export { CrashReplica } from './crash.js';
export type { EquivocationEvidence, FastReplicaOptions, SyncComponent, SyncFactory, SyncHost } from './fast.js';
export { FastReplica, MAX_EVIDENCE, RETAINED_SYNC_PERIODS } from './fast.js';
export type { CreateReplicaOptions } from './create.js';
export { createReplica } from './create.js';
export { SuspicionLog } from './suspicion.js';
export type { ClientHost } from './clientService.js';
export { ClientService } from './clientService.js';
export { valueFromWire, valueToWire } from './wireValue.js';
