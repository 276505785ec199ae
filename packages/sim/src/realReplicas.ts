/**
 * The one place where the simulator meets the real replicas of `@bftkvs/core`:
 * `createReplica(config, {id, keys, crypto, incarnation, fuse})` with keys dealt by
 * `deriveClusterKeysForTesting(seed, N)` and the pure `nobleCrypto` suite — so a run is a
 * function of its seed. A faster suite with bit-identical results (the runtime's node:crypto
 * one) can be passed in by callers that may import it (the CLI); determinism is unaffected.
 * It also gives Byzantine nodes their own key material (`FrameCraft`):
 * a faulty node re-seals frames and authenticates writes with *its* keys only, exactly what a
 * real compromised node could do.
 */
import type { ClusterConfig, CryptoSuite, FuseRegistry, Mode, NodeKeys } from '@bftkvs/core';
import { MODES, createFuseRegistry, createReplica, deriveClusterKeysForTesting, nobleCrypto } from '@bftkvs/core';
import type { FrameCraft } from '@bftkvs/faults';
import { frameCraftFor } from '@bftkvs/faults';
import type { ReplicaProvider, ReplicaSetup } from './replicaFactory.js';

/**
 * Modes the real replicas implement, found by asking the factory (it refuses unimplemented
 * modes with a ConfigError at construction). `probe` builds a valid configuration per mode.
 */
export function realReplicaModes(probe: (mode: Mode) => ClusterConfig): Mode[] {
  const modes: Mode[] = [];
  for (const mode of MODES) {
    try {
      const config = probe(mode);
      const keys = deriveClusterKeysForTesting('probe', config.replicas);
      createReplica(config, { id: 0, keys: keys[0] as NodeKeys, crypto: nobleCrypto, incarnation: 1, fuse: createFuseRegistry() });
      modes.push(mode);
    } catch {
      // not implemented in this build
    }
  }
  return modes;
}

/** The real replicas of @bftkvs/core with a given crypto suite, keys derived from the run seed. */
export function realReplicasWith(crypto: CryptoSuite): ReplicaProvider {
  return (config: ClusterConfig, fuse: FuseRegistry, seed: number): ReplicaSetup => {
    const keys = deriveClusterKeysForTesting(`bftkvs-sim/${seed}`, config.replicas, crypto);
    return {
      factory: (id, incarnation) => createReplica(config, { id, keys: keys[id] as NodeKeys, crypto, incarnation, fuse }),
      craft: makeCraft(config, keys, crypto),
    };
  };
}

/** The real replicas of @bftkvs/core on the pure `nobleCrypto` suite. */
export const realReplicas: ReplicaProvider = realReplicasWith(nobleCrypto);

function makeCraft(config: ClusterConfig, keys: readonly NodeKeys[], crypto: CryptoSuite): FrameCraft {
  return frameCraftFor((node) => keys[node], config, crypto);
}
