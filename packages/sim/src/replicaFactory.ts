/**
 * How the simulator obtains replicas. The simulator only knows the `Replica` contract; a
 * provider turns a cluster configuration into a factory `(id, incarnation) => Replica` (called
 * again with a new incarnation when a node restarts, and twice with the same id for twins).
 */
import type { ClusterConfig, FuseRegistry, Replica } from '@bftkvs/core';
import type { FrameCraft } from './faults.js';

export type ReplicaFactory = (id: number, incarnation: number) => Replica;

export interface ReplicaSetup {
  readonly factory: ReplicaFactory;
  /** Lets Byzantine nodes re-seal frames and authenticate writes with their own keys. */
  readonly craft?: FrameCraft;
}

/** Builds replicas for one run; `seed` lets it derive deterministic test keys. */
export type ReplicaProvider = (config: ClusterConfig, fuse: FuseRegistry, seed: number) => ReplicaSetup;
