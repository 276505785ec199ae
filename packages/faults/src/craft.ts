/**
 * What a faulty node can do with key material it holds: seal a frame it sends (any body, any
 * header fields) and authenticate writes as their origin. A node holds its own pairwise keys
 * only, so it can MAC for a link it is an end of and nothing else; the simulator builds a
 * craft over every node's keys but only ever uses it for the faulty node's own frames.
 */
import type { CryptoSuite, KeyedMac, NodeKeys } from '@bftkvs/core';
import { WriteAuthenticator } from '@bftkvs/core';
import type { AuthenticatedWrite, FrameHead, Write } from '@bftkvs/msgs';
import { MAC_BYTES, MAC_FIELD_BYTES, frameMacInput } from '@bftkvs/msgs';

export interface FrameCraft {
  /** Encodes and MACs a frame on the link (`head.from`, `head.to`). Throws when no key for that link is held. */
  seal(head: FrameHead): Uint8Array;
  /** Authenticates a Write as `origin` (a node whose keys are held). */
  authenticateWrite(origin: number, write: Write): AuthenticatedWrite;
}

/** The cluster facts write authenticators need. */
export interface CraftConfig {
  readonly signatures: boolean;
  readonly writers: ReadonlyMap<string, number>;
}

/**
 * A craft over the keys `keysOf(node)` returns (undefined: not held). The pairwise key of a
 * link is found at either end, so a node's own craft also seals frames its client endpoint
 * sends to it (the same key, held in its key file).
 */
export function frameCraftFor(keysOf: (node: number) => NodeKeys | undefined, config: CraftConfig, crypto: CryptoSuite): FrameCraft {
  const macs = new Map<string, KeyedMac>();
  const auths = new Map<number, WriteAuthenticator>();
  return {
    seal(head: FrameHead): Uint8Array {
      const id = `${head.from}>${head.to}`;
      let mac = macs.get(id);
      if (mac === undefined) {
        const key = keysOf(head.from)?.macKeys.get(head.to) ?? keysOf(head.to)?.macKeys.get(head.from);
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
        const keys = keysOf(origin);
        if (keys === undefined || keys.self !== origin) throw new RangeError(`no keys of origin ${origin}`);
        auth = new WriteAuthenticator({ keys, crypto, signatures: config.signatures, writers: config.writers });
        auths.set(origin, auth);
      }
      return auth.authenticateWrite({ ...write, origin });
    },
  };
}

/** The craft of one node: its own keys only, exactly what a compromised node has. */
export function nodeFrameCraft(keys: NodeKeys, config: CraftConfig, crypto: CryptoSuite): FrameCraft {
  return frameCraftFor((node) => (node === keys.self ? keys : undefined), config, crypto);
}
