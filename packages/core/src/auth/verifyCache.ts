/**
 * A CryptoSuite that remembers signature verdicts. Ed25519 verification (~110 µs with
 * node:crypto) is the largest single cost of the simulator, where every replica of a run shares
 * one process and verifies the same signed prepares, commits and checkpoints — and then again
 * inside ViewChanges and NewViews. The cache answers exactly what the wrapped suite answered for
 * the same (signature, message, public key): it is memoisation, not a weaker check.
 *
 * The entry is keyed by signature and public key and holds a copy of the message, compared in
 * full on a hit, so a forged signature reused over another message is verified afresh. Size is
 * bounded (the map is dropped when full: verdicts are cheap to recompute, never wrong).
 */
import type { CryptoSuite } from './crypto.js';

export interface VerifyCacheStats {
  hits: number;
  misses: number;
}

function binaryKey(signature: Uint8Array, publicKey: Uint8Array): string {
  let s = '';
  for (let i = 0; i < signature.length; i++) s += String.fromCharCode(signature[i] as number);
  s += '|';
  for (let i = 0; i < publicKey.length; i++) s += String.fromCharCode(publicKey[i] as number);
  return s;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Wraps `inner` so repeated verifications of the same signed bytes cost one map lookup. */
export function withVerifyCache(inner: CryptoSuite, maxEntries = 100_000): CryptoSuite & { readonly stats: VerifyCacheStats } {
  const verdicts = new Map<string, { message: Uint8Array; valid: boolean }>();
  const stats: VerifyCacheStats = { hits: 0, misses: 0 };
  return {
    name: `${inner.name}+verify-cache`,
    stats,
    sha256: (data) => inner.sha256(data),
    hmacSha256: (key) => inner.hmacSha256(key),
    ed25519PublicKey: (secretKey) => inner.ed25519PublicKey(secretKey),
    ed25519Sign: (message, secretKey) => inner.ed25519Sign(message, secretKey),
    ed25519Verify(signature, message, publicKey) {
      const key = binaryKey(signature, publicKey);
      const hit = verdicts.get(key);
      if (hit !== undefined && sameBytes(hit.message, message)) {
        stats.hits++;
        return hit.valid;
      }
      stats.misses++;
      const valid = inner.ed25519Verify(signature, message, publicKey);
      if (verdicts.size >= maxEntries) verdicts.clear();
      verdicts.set(key, { message: message.slice(), valid });
      return valid;
    },
  };
}
