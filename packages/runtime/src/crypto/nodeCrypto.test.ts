import test from 'ava';
import fc from 'fast-check';
import { nobleCrypto } from '@bftkvs/core';
import { nodeCrypto } from './nodeCrypto.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

test('node and noble suites give bit-identical hashes, MACs, keys and signatures', (t) => {
  fc.assert(
    fc.property(bytes(32), fc.uint8Array({ maxLength: 300 }), (key, msg) => {
      const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
      const pk = nodeCrypto.ed25519PublicKey(key);
      const sig = nodeCrypto.ed25519Sign(msg, key);
      return (
        same(nodeCrypto.sha256(msg), nobleCrypto.sha256(msg)) &&
        same(nodeCrypto.hmacSha256(key).mac(msg), nobleCrypto.hmacSha256(key).mac(msg)) &&
        same(pk, nobleCrypto.ed25519PublicKey(key)) &&
        same(sig, nobleCrypto.ed25519Sign(msg, key)) &&
        nobleCrypto.ed25519Verify(sig, msg, pk) &&
        nodeCrypto.ed25519Verify(nobleCrypto.ed25519Sign(msg, key), msg, pk)
      );
    }),
    { numRuns: 60 },
  );
  t.pass();
});

test('verification rejects tampered messages, wrong keys and malformed inputs without throwing', (t) => {
  const sk = new Uint8Array(32).fill(3);
  const pk = nodeCrypto.ed25519PublicKey(sk);
  const msg = new TextEncoder().encode('prepare v=1 seq=7');
  const sig = nodeCrypto.ed25519Sign(msg, sk);
  t.true(nodeCrypto.ed25519Verify(sig, msg, pk));
  t.false(nodeCrypto.ed25519Verify(sig, new TextEncoder().encode('prepare v=1 seq=8'), pk));
  t.false(nodeCrypto.ed25519Verify(sig, msg, nodeCrypto.ed25519PublicKey(new Uint8Array(32).fill(4))));
  t.false(nodeCrypto.ed25519Verify(sig.subarray(1), msg, pk));
  t.false(nodeCrypto.ed25519Verify(sig, msg, new Uint8Array(32).fill(255)));
  t.false(nodeCrypto.ed25519Verify(new Uint8Array(64), msg, pk));
  const mac = nodeCrypto.hmacSha256(sk);
  t.true(mac.verify(msg, mac.mac(msg)));
  t.false(mac.verify(msg, new Uint8Array(32)));
});
