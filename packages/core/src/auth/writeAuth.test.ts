import test from 'ava';
import fc from 'fast-check';
import type { AuthenticatedWrite, Write } from '@bftkvs/msgs';
import { encodeWrite } from '@bftkvs/msgs';
import { nobleCrypto } from './crypto.js';
import { deriveClusterKeysForTesting } from './keys.js';
import { WriteAuthenticator } from './writeAuth.js';

const N = 4;
const keys = deriveClusterKeysForTesting('write auth tests', N);
const writers = new Map([
  ['wheel_a', 0],
  ['wheel_b', 1],
  ['wheel_c', 2],
]);
const auth = (i: number, signatures = false): WriteAuthenticator => new WriteAuthenticator({ keys: keys[i]!, crypto: nobleCrypto, signatures, writers });
const write = (over: Partial<Write> = {}): Write => ({
  key: 'speed',
  publishTimeUs: 1_010_000,
  writer: 'wheel_a',
  value: { kind: 'f64', f64: 12.5 },
  origin: 0,
  issuedAtUs: 1_000_000,
  ...over,
});

test('every replica, the origin included, verifies its own entry of an authenticator', (t) => {
  const aw = auth(0).authenticateWrite(write());
  t.is(aw.macs.length, N);
  t.is(aw.signature.length, 0);
  for (let i = 0; i < N; i++) {
    const v = auth(i).verifyWriteFor(aw);
    t.true(v.ok, `replica ${i}`);
    if (v.ok) t.deepEqual(v.write, write());
  }
});

test('a tampered write, a wrong MAC entry or a short MAC vector fails as bad-authenticator', (t) => {
  const aw = auth(0).authenticateWrite(write());
  const other = encodeWrite(write({ value: { kind: 'f64', f64: 99 } }));
  t.like(auth(1).verifyWriteFor({ ...aw, write: other }), { ok: false, reason: 'bad-authenticator', origin: 0, originAuthenticated: false });
  const macs = aw.macs.map((m) => m.slice());
  macs[2]![0] = macs[2]![0]! ^ 1;
  t.true(auth(1).verifyWriteFor({ ...aw, macs }).ok, 'entry 2 is replica 2s business');
  t.like(auth(2).verifyWriteFor({ ...aw, macs }), { ok: false, reason: 'bad-authenticator' });
  t.like(auth(1).verifyWriteFor({ ...aw, macs: aw.macs.slice(0, 3) }), { ok: false, reason: 'bad-authenticator' });
});

test('a write forged by replica 3 for a writer it does not host is refused (either way it tries)', (t) => {
  // Honest about being the origin: it can authenticate, but the binding says wheel_a lives on 0.
  const own = auth(3).authenticateWrite(write({ origin: 3 }));
  for (const i of [0, 1, 2]) t.like(auth(i).verifyWriteFor(own), { ok: false, reason: 'unauthorised-origin', origin: 3, originAuthenticated: true });
  // Pretending to be replica 0: it lacks the pairwise keys of replica 0.
  const bytes = encodeWrite(write({ origin: 0 }));
  const digest = nobleCrypto.sha256(bytes);
  const macs = Array.from({ length: N }, (_, j) => nobleCrypto.hmacSha256(keys[3]!.macKeys.get(j)!).mac(digest));
  const forged: AuthenticatedWrite = { write: bytes, macs, signature: new Uint8Array(0) };
  for (const i of [0, 1, 2]) t.like(auth(i).verifyWriteFor(forged), { ok: false, reason: 'bad-authenticator' });
});

test('with signatures: signed writes verify; missing or foreign signatures are refused', (t) => {
  const aw = auth(1, true).authenticateWrite(write({ writer: 'wheel_b', origin: 1 }));
  t.is(aw.signature.length, 64);
  t.true(auth(3, true).verifyWriteFor(aw).ok);
  t.like(auth(3, true).verifyWriteFor({ ...aw, signature: new Uint8Array(0) }), { ok: false, reason: 'bad-signature' });
  const foreign = auth(2, true).authenticateWrite(write({ writer: 'wheel_c', origin: 2 })).signature;
  t.like(auth(3, true).verifyWriteFor({ ...aw, signature: foreign }), { ok: false, reason: 'bad-signature' });
  t.true(auth(3, false).verifyWriteFor({ ...aw, signature: new Uint8Array(0) }).ok, 'unsigned cluster: MACs suffice');
});

test('origin outside the cluster and undecodable writes are malformed; arbitrary authenticators never throw', (t) => {
  const bytes = encodeWrite(write({ origin: 9 }));
  t.like(auth(0).verifyWriteFor({ write: bytes, macs: [], signature: new Uint8Array(0) }), { ok: false, reason: 'malformed' });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 6 }), fc.uint8Array({ maxLength: 64 }), (w, macs, signature) => {
      const v = auth(1, true).verifyWriteFor({ write: w, macs, signature });
      return !v.ok;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('authenticateWrite refuses to speak for another origin', (t) => {
  t.throws(() => auth(1).authenticateWrite(write({ origin: 0 })), { instanceOf: RangeError });
});
