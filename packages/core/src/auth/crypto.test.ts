import test from 'ava';
import fc from 'fast-check';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { constantTimeEqual, nobleCrypto } from './crypto.js';

const c = nobleCrypto;

test('sha256 matches the FIPS 180-2 "abc" vector', (t) => {
  t.is(bytesToHex(c.sha256(utf8ToBytes('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('pre-keyed HMAC-SHA256 matches RFC 4231 test case 2, repeatedly (the keyed state is not consumed)', (t) => {
  const mac = c.hmacSha256(utf8ToBytes('Jefe'));
  const msg = utf8ToBytes('what do ya want for nothing?');
  for (let i = 0; i < 3; i++) t.is(bytesToHex(mac.mac(msg)), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('pre-keyed HMAC equals one-shot HMAC for any key and message', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }), (key, msgs) => {
      const keyed = c.hmacSha256(key);
      for (const m of msgs) {
        const tag = keyed.mac(m);
        if (!constantTimeEqual(tag, hmac(sha256, key, m))) return false;
        if (!keyed.verify(m, tag)) return false;
        const bad = tag.slice();
        bad[0] = (bad[0] as number) ^ 1;
        if (keyed.verify(m, bad) || keyed.verify(m, tag.subarray(0, 31))) return false;
      }
      return true;
    }),
  );
  t.pass();
});

test('ed25519: sign/verify round trip; wrong message, key or malformed inputs verify false without throwing', (t) => {
  const sk = c.sha256(utf8ToBytes('signer'));
  const pk = c.ed25519PublicKey(sk);
  const msg = utf8ToBytes('digest');
  const sig = c.ed25519Sign(msg, sk);
  t.true(c.ed25519Verify(sig, msg, pk));
  t.false(c.ed25519Verify(sig, utf8ToBytes('other'), pk));
  t.false(c.ed25519Verify(sig, msg, c.ed25519PublicKey(c.sha256(sk))));
  t.false(c.ed25519Verify(new Uint8Array(0), msg, pk));
  t.false(c.ed25519Verify(sig, msg, new Uint8Array(5)));
  t.false(c.ed25519Verify(new Uint8Array(64).fill(255), msg, new Uint8Array(32).fill(255)));
});

test('constantTimeEqual', (t) => {
  t.true(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)));
  t.false(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)));
  t.false(constantTimeEqual(Uint8Array.of(1), Uint8Array.of(1, 2)));
});

/** Cost measurement for the log (DESIGN §6 asks to measure crypto cost); not an assertion. */
test('cost of the primitives (logged, µs/op)', (t) => {
  const time = (n: number, f: () => void): number => {
    for (let i = 0; i < Math.min(n, 200); i++) f(); // warm-up
    const start = performance.now();
    for (let i = 0; i < n; i++) f();
    return ((performance.now() - start) * 1000) / n;
  };
  const key = c.sha256(utf8ToBytes('k'));
  const digest = c.sha256(utf8ToBytes('d'));
  const frame = new Uint8Array(200).fill(7);
  const keyed = c.hmacSha256(key);
  const sk = c.sha256(utf8ToBytes('s'));
  const pk = c.ed25519PublicKey(sk);
  const sig = c.ed25519Sign(digest, sk);
  const r = {
    'sha256(200 B)': time(20_000, () => c.sha256(frame)),
    'hmac pre-keyed (32 B)': time(20_000, () => keyed.mac(digest)),
    'hmac pre-keyed (200 B)': time(20_000, () => keyed.mac(frame)),
    'hmac one-shot (32 B)': time(20_000, () => hmac(sha256, key, digest)),
    'ed25519 sign': time(200, () => c.ed25519Sign(digest, sk)),
    'ed25519 verify': time(200, () => c.ed25519Verify(sig, digest, pk)),
  };
  t.log(Object.entries(r).map(([k, v]) => `${k}: ${v.toFixed(2)} µs/op`).join('; '));
  t.pass();
});
