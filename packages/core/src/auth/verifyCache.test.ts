import test from 'ava';
import { nobleCrypto } from './crypto.js';
import { withVerifyCache } from './verifyCache.js';

const sk = new Uint8Array(32).fill(7);
const pk = nobleCrypto.ed25519PublicKey(sk);
const msg = new TextEncoder().encode('prepare v=1 n=2');

test('verify cache: same verdicts as the wrapped suite; a repeat is a hit', (t) => {
  const c = withVerifyCache(nobleCrypto);
  const sig = c.ed25519Sign(msg, sk);
  t.true(c.ed25519Verify(sig, msg, pk));
  t.true(c.ed25519Verify(sig, msg, pk));
  t.deepEqual(c.stats, { hits: 1, misses: 1 });
  const bad = sig.slice();
  bad[0] = (bad[0] as number) ^ 1;
  t.false(c.ed25519Verify(bad, msg, pk));
  t.false(c.ed25519Verify(bad, msg, pk));
  t.is(c.stats.hits, 2);
});

test('verify cache: a valid signature reused over other bytes is verified afresh and refused', (t) => {
  const c = withVerifyCache(nobleCrypto);
  const sig = c.ed25519Sign(msg, sk);
  t.true(c.ed25519Verify(sig, msg, pk));
  const other = msg.slice();
  other[0] = (other[0] as number) ^ 1;
  t.false(c.ed25519Verify(sig, other, pk));
  t.is(c.stats.misses, 2);
  // The cached copy is not aliased to the caller's buffer: mutating it afterwards changes nothing.
  const c2 = withVerifyCache(nobleCrypto);
  const buf = msg.slice();
  t.true(c2.ed25519Verify(sig, buf, pk));
  buf[1] = (buf[1] as number) ^ 1;
  t.false(c2.ed25519Verify(sig, buf, pk));
});

test('verify cache: bounded — full means cleared, never wrong', (t) => {
  const c = withVerifyCache(nobleCrypto, 2);
  const sigs = [0, 1, 2].map((i) => c.ed25519Sign(new Uint8Array([i]), sk));
  sigs.forEach((s, i) => t.true(c.ed25519Verify(s, new Uint8Array([i]), pk)));
  t.true(c.ed25519Verify(sigs[0]!, new Uint8Array([0]), pk));
  t.is(c.stats.hits, 0, 'the first entry was dropped when the map filled');
});
