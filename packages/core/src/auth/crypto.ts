/**
 * The cryptographic primitives the protocol uses, behind one small interface so that the
 * runtime can inject a faster implementation (node:crypto) while the core and the simulator
 * use the pure `@noble` one. Every implementation must give bit-identical results.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** HMAC-SHA256 under one fixed key, keyed once per peer (the key schedule is not redone per message). */
export interface KeyedMac {
  /** The 32-byte tag of `message`. */
  mac(message: Uint8Array): Uint8Array;
  /** Whether `tag` is the tag of `message`; compares in constant time. Never throws. */
  verify(message: Uint8Array, tag: Uint8Array): boolean;
}

export interface CryptoSuite {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  /** Pre-keys HMAC-SHA256; call once per peer and keep the result. */
  hmacSha256(key: Uint8Array): KeyedMac;
  /** The Ed25519 public key of a 32-byte secret key. */
  ed25519PublicKey(secretKey: Uint8Array): Uint8Array;
  ed25519Sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** False for a wrong or malformed signature or key; never throws (inputs are hostile). */
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/** Byte equality whose running time does not depend on where the inputs differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

function nobleKeyedMac(key: Uint8Array): KeyedMac {
  // The keyed instance holds the inner and outer hash states after absorbing the padded key;
  // copying it per message skips the two key-block compressions of a fresh HMAC (~40%), and
  // copying into one reused scratch instance avoids allocating two hash objects (~25% more;
  // measured in crypto.test.ts). Safe because the core is single-threaded and the scratch
  // state is fully overwritten before each use.
  const keyed = hmac.create(sha256, key);
  const scratch = keyed.clone();
  const mac = (message: Uint8Array): Uint8Array => keyed._cloneInto(scratch).update(message).digest();
  return {
    mac,
    verify: (message, tag) => constantTimeEqual(mac(message), tag),
  };
}

export const nobleCrypto: CryptoSuite = {
  name: 'noble',
  sha256: (data) => sha256(data),
  hmacSha256: nobleKeyedMac,
  ed25519PublicKey: (secretKey) => ed25519.getPublicKey(secretKey),
  ed25519Sign: (message, secretKey) => ed25519.sign(message, secretKey),
  ed25519Verify: (signature, message, publicKey) => {
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      // noble throws on malformed lengths or points; for us that is simply "not valid".
      return false;
    }
  },
};
