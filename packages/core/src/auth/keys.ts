/**
 * Key material of a replica: pairwise HMAC keys (one per other replica, one shared with its
 * own client endpoint, and one known only to itself for its own entry in write
 * authenticators), its Ed25519 secret key, and every replica's Ed25519 public key.
 *
 * Keys are dealt by one trusted set-up step (the `keygen` command, or the simulator), like
 * PBFT's assumption of pre-established pairwise keys. Randomness is injected: the core never
 * reads an entropy source itself.
 */
import { CLIENT_INDEX_BASE, MAX_REPLICAS, clientIndexOf } from '@bftkvs/msgs';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ConfigError } from '../errors.js';
import type { CryptoSuite } from './crypto.js';
import { nobleCrypto } from './crypto.js';

export const MAC_KEY_BYTES = 32;
export const ED25519_SECRET_KEY_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;

/** What an authenticated channel endpoint needs: its own index and a key per peer index. */
export interface ChannelKeys {
  readonly self: number;
  /** Peer endpoint index -> pairwise HMAC key shared with that peer. */
  readonly macKeys: ReadonlyMap<number, Uint8Array>;
}

export interface NodeKeys extends ChannelKeys {
  /** N: the number of replicas these keys were dealt for. */
  readonly replicas: number;
  /** Ed25519 secret key (32-byte seed). */
  readonly signingKey: Uint8Array;
  /** Ed25519 public key of every replica, by replica index. */
  readonly publicKeys: readonly Uint8Array[];
}

/** The keys an application's client endpoint on replica `keys.self` uses to talk to it. */
export function clientEndpointKeys(keys: NodeKeys): ChannelKeys {
  const key = keys.macKeys.get(clientIndexOf(keys.self));
  if (key === undefined) throw new ConfigError(`replica ${keys.self} has no key for its client endpoint`);
  return { self: clientIndexOf(keys.self), macKeys: new Map([[keys.self, key]]) };
}

/** Deals keys for N replicas from a source of random bytes (the runtime passes node:crypto's). */
export function generateClusterKeys(replicas: number, entropy: (byteLength: number) => Uint8Array, crypto: CryptoSuite = nobleCrypto): NodeKeys[] {
  const draw = (n: number, what: string): Uint8Array => {
    const b = entropy(n);
    if (!(b instanceof Uint8Array) || b.length !== n) throw new ConfigError(`entropy source returned a wrong-sized ${what}`);
    return Uint8Array.from(b);
  };
  return deal(replicas, crypto, (kind) => draw(kind === 'signing' ? ED25519_SECRET_KEY_BYTES : MAC_KEY_BYTES, `${kind} key`));
}

/**
 * Deterministic keys from a seed, for the simulator and tests only: anyone who knows the seed
 * knows every key.
 */
export function deriveClusterKeysForTesting(seed: string | Uint8Array, replicas: number, crypto: CryptoSuite = nobleCrypto): NodeKeys[] {
  const seedBytes = typeof seed === 'string' ? utf8ToBytes(seed) : seed;
  const master = crypto.hmacSha256(crypto.sha256(seedBytes));
  return deal(replicas, crypto, (kind, a, b) => master.mac(utf8ToBytes(`bftkvs-testing/${kind}/${a}/${b}`)));
}

type KeyKind = 'mac' | 'client' | 'signing';

/** One key per unordered replica pair (i <= j), per client endpoint and per signer. */
function deal(replicas: number, crypto: CryptoSuite, key: (kind: KeyKind, a: number, b: number) => Uint8Array): NodeKeys[] {
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new ConfigError(`replicas must be an integer in 1..${MAX_REPLICAS}, got ${replicas}`);
  }
  const pair: Uint8Array[][] = [];
  for (let i = 0; i < replicas; i++) {
    const row: Uint8Array[] = [];
    for (let j = 0; j < replicas; j++) row.push(j < i ? (pair[j]?.[i] as Uint8Array) : key('mac', i, j));
    pair.push(row);
  }
  const signing = Array.from({ length: replicas }, (_, i) => key('signing', i, i));
  const publicKeys = signing.map((s) => crypto.ed25519PublicKey(s));
  return signing.map((signingKey, i) => {
    const macKeys = new Map<number, Uint8Array>();
    for (let j = 0; j < replicas; j++) macKeys.set(j, pair[i]?.[j] as Uint8Array);
    macKeys.set(clientIndexOf(i), key('client', i, clientIndexOf(i)));
    return { self: i, replicas, macKeys, signingKey, publicKeys };
  });
}

/** Rejects key material that does not fit replica `id` of an N-replica cluster (start-up check). */
export function checkNodeKeys(keys: NodeKeys, id: number, replicas: number): void {
  const problems: string[] = [];
  if (keys.self !== id) problems.push(`keys belong to replica ${keys.self}, not ${id}`);
  if (keys.replicas !== replicas) problems.push(`keys were dealt for ${keys.replicas} replicas, the cluster has ${replicas}`);
  for (let j = 0; j < replicas; j++) {
    if (keys.macKeys.get(j)?.length !== MAC_KEY_BYTES) problems.push(`no ${MAC_KEY_BYTES}-byte MAC key for replica ${j}`);
    if (keys.publicKeys[j]?.length !== ED25519_PUBLIC_KEY_BYTES) problems.push(`no public key for replica ${j}`);
  }
  if (keys.macKeys.get(id + CLIENT_INDEX_BASE)?.length !== MAC_KEY_BYTES) problems.push('no MAC key for the client endpoint');
  if (keys.signingKey.length !== ED25519_SECRET_KEY_BYTES) problems.push('the Ed25519 secret key must be 32 bytes');
  if (problems.length > 0) throw new ConfigError(`invalid keys for replica ${id}: ${problems.join('; ')}`);
}
