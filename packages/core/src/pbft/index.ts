/**
 * PBFT ordering engine: orders opaque batches among n = 3f + 1 replicas as a pure state
 * machine (no I/O, no timers). See engine.ts for the protocol and types.ts for the contract.
 */
export { PbftEngine } from './engine.js';
export { isPbftMessage, viewOf, prepareSigningBytes, checkpointSigningBytes, viewChangeSigningBytes, newViewSigningBytes } from './messages.js';
export { primaryOf, timeoutsToCorrectPrimary } from './config.js';
export { planNewView, type NewViewPlan } from './viewChange.js';
export type {
  BatchContext,
  BatchVerdict,
  CommittedBatch,
  OutboundMessage,
  PbftEvent,
  PbftMemory,
  PbftMessage,
  PbftMessageKind,
  PbftOptions,
  PbftReady,
  PbftStatus,
  PrepareVerification,
  ProposeResult,
} from './types.js';
