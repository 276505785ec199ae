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
import type { ClusterConfig, CryptoSuite, FuseRegistry, KeyedMac, Mode, NodeKeys } from '@bftkvs/core';
import { MODES, WriteAuthenticator, createFuseRegistry, createReplica, deriveClusterKeysForTesting, nobleCrypto } from '@bftkvs/core';
import type { AuthenticatedWrite, FrameHead, Write } from '@bftkvs/msgs';
import { MAC_BYTES, MAC_FIELD_BYTES, frameMacInput } from '@bftkvs/msgs';
import type { FrameCraft } from './faults.js';
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
  const macs = new Map<string, KeyedMac>();
  const auths = new Map<number, WriteAuthenticator>();
  return {
    seal(head: FrameHead): Uint8Array {
      // Only the sender's own pairwise key: a faulty node cannot MAC for anyone else.
      const id = `${head.from}>${head.to}`;
      let mac = macs.get(id);
      if (mac === undefined) {
        const key = keys[head.from]?.macKeys.get(head.to);
        if (key === undefined) throw new RangeError(`no key between ${head.from} and ${head.to}`);
        mac = crypto.hmacSha256(key);
        macs.set(id, mac);
      }
      const input = frameMacInput(head);
      const out = new Uint8Array(input.length + MAC_FIELD_BYTES);
      out.set(input, 0);
      out[input.length] = 0x42; // field 8 (mac), length-delimited
      out[input.length + 1] = MAC_BYTES;
      out.set(mac.mac(input), input.length + 2);
      return out;
    },
    authenticateWrite(origin: number, write: Write): AuthenticatedWrite {
      let auth = auths.get(origin);
      if (auth === undefined) {
        auth = new WriteAuthenticator({ keys: keys[origin] as NodeKeys, crypto, signatures: config.signatures, writers: config.writers });
        auths.set(origin, auth);
      }
      return auth.authenticateWrite({ ...write, origin });
    },
  };
}
