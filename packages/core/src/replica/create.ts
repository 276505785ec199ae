/**
 * The replica factory: checks that configuration and keys fit together (start-up errors are
 * ConfigErrors naming the problem) and returns the state machine for the cluster's mode.
 */
import { checkNodeKeys } from '../auth/keys.js';
import type { ClusterConfig } from '../cluster.js';
import { minReplicas } from '../cluster.js';
import { ConfigError } from '../errors.js';
import { isMicros } from '../time.js';
import { AgreedReplica } from './agreed.js';
import { CrashReplica } from './crash.js';
import type { FastReplicaOptions } from './fast.js';
import { FastReplica } from './fast.js';
import { createPbftSync } from './sync.js';
import type { Replica } from './types.js';

/** Options of every mode; `sync` is used by fast mode only. */
export type CreateReplicaOptions = FastReplicaOptions;

export function createReplica(config: ClusterConfig, opts: CreateReplicaOptions): Replica {
  const { id } = opts;
  if (!Number.isInteger(id) || id < 0 || id >= config.replicas) {
    throw new ConfigError(`replica id ${id} is not in 0..${config.replicas - 1}`);
  }
  const needed = minReplicas(config.mode, config.f);
  if (config.replicas < needed) {
    throw new ConfigError(`mode '${config.mode}' with f=${config.f} needs at least ${needed} replicas; got ${config.replicas}`);
  }
  if (!isMicros(opts.incarnation)) throw new ConfigError(`incarnation must be a non-negative integer (µs), got ${opts.incarnation}`);
  checkNodeKeys(opts.keys, id, config.replicas);
  const own = opts.crypto.ed25519PublicKey(opts.keys.signingKey);
  const published = opts.keys.publicKeys[id] as Uint8Array;
  if (own.length !== published.length || own.some((b, i) => b !== published[i])) {
    throw new ConfigError(`replica ${id}: the Ed25519 secret key does not match the public key the cluster knows`);
  }
  switch (config.mode) {
    case 'crash':
      return new CrashReplica(config, opts);
    case 'fast':
      // Synchronisation (PBFT over signed reports) unless the caller plugs in its own.
      return new FastReplica(config, { ...opts, sync: opts.sync ?? createPbftSync });
    case 'agreed':
      return new AgreedReplica(config, opts);
  }
}
