import test from 'ava';
import fc from 'fast-check';
import type { Body } from '@bftkvs/msgs';
import { CLIENT_INDEX_BASE, decodeFrame, encodeFrame, frameMacInput } from '@bftkvs/msgs';
import { clusterIdOf } from '../cluster.js';
import { nobleCrypto } from './crypto.js';
import type { Opened } from './channel.js';
import { Channel } from './channel.js';
import { clientEndpointKeys, deriveClusterKeysForTesting } from './keys.js';

const keys = deriveClusterKeysForTesting('channel tests', 4);
const CLUSTER = clusterIdOf('testbed');
const chan = (i: number, incarnation = 1, clusterId = CLUSTER): Channel => new Channel({ clusterId, keys: keys[i]!, incarnation, crypto: nobleCrypto });
const body = (n: number): Body => ({ kind: 'statusRequest', statusRequest: { requestId: n } });
const requestId = (o: Opened): number | undefined => (o.ok && o.body.kind === 'statusRequest' ? o.body.statusRequest.requestId : undefined);

test('round trip: sealed frames open at the addressee with sender and body', (t) => {
  const a = chan(0);
  const b = chan(2);
  const bytes = a.seal(2, body(42));
  const frame = decodeFrame(bytes);
  t.true(frame.ok);
  if (frame.ok) {
    t.is(frame.value.from, 0);
    t.is(frame.value.to, 2);
    t.is(frame.value.seq, 1);
    t.is(frame.value.clusterId, CLUSTER);
  }
  const o = b.open(bytes);
  t.true(o.ok);
  if (o.ok) t.is(o.from, 0);
  t.is(requestId(o), 42);
  t.is(b.counter('opened'), 1);
});

test('a replica and its client endpoint talk over the client key', (t) => {
  const replica = chan(1);
  const client = new Channel({ clusterId: CLUSTER, keys: clientEndpointKeys(keys[1]!), incarnation: 5, crypto: nobleCrypto });
  t.is(requestId(replica.open(client.seal(1, body(7)))), 7);
  t.is(requestId(client.open(replica.seal(CLIENT_INDEX_BASE + 1, body(8)))), 8);
  t.throws(() => client.seal(2, body(1)), { instanceOf: RangeError }, 'the client shares no key with other replicas');
});

test('forged MAC, forged sender, wrong destination and wrong cluster are refused and counted, unattributed', (t) => {
  const b = chan(2);
  const good = chan(0).seal(2, body(1));
  const flipped = good.slice();
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
  const r1 = b.open(flipped);
  t.like(r1, { ok: false, reason: 'bad-mac', from: 0, attributable: false });

  // Replica 3 claims to be replica 0: it does not know key(0, 2).
  const f = decodeFrame(chan(3).seal(2, body(1)));
  if (!f.ok) return t.fail();
  t.like(b.open(encodeFrame({ ...f.value, from: 0 })), { ok: false, reason: 'bad-mac' });
  t.like(b.open(chan(0).seal(1, body(1))), { ok: false, reason: 'wrong-destination' });
  t.like(b.open(chan(0, 1, CLUSTER + 1).seal(2, body(1))), { ok: false, reason: 'wrong-cluster' });
  // Another replica's client endpoint: no key for it here.
  t.like(b.open(encodeFrame({ ...f.value, from: CLIENT_INDEX_BASE + 3 })), { ok: false, reason: 'unknown-sender' });
  t.is(b.counter('rejected.bad-mac'), 2);
  t.is(b.counter('opened'), 0);
  // A forged frame did not touch the replay window: the genuine one still opens.
  t.true(b.open(good).ok);
});

test('replay: exact duplicate refused; reordered within the window accepted once; older than the window refused', (t) => {
  const a = chan(0);
  const b = chan(1);
  const frames = Array.from({ length: 1100 }, (_, i) => a.seal(1, body(i)));
  t.true(b.open(frames[0]!).ok);
  t.like(b.open(frames[0]!), { ok: false, reason: 'replay', attributable: false });
  t.true(b.open(frames[5]!).ok);
  t.true(b.open(frames[3]!).ok, 'reordered, inside the window');
  t.like(b.open(frames[3]!), { ok: false, reason: 'replay' });
  t.true(b.open(frames[1090]!).ok);
  t.true(b.open(frames[100]!).ok, 'seq 101 is within 1024 of seq 1091');
  t.like(b.open(frames[10]!), { ok: false, reason: 'replay' }, 'seq 11 is more than 1024 behind: refused');
  t.is(b.counter('rejected.replay'), 3);
});

test('restart: a higher incarnation resets the window, frames of the old incarnation are refused', (t) => {
  const b = chan(1);
  const before = chan(0, 100);
  const old = [before.seal(1, body(1)), before.seal(1, body(2))];
  t.true(b.open(old[0]!).ok);
  const after = chan(0, 200); // restarted: seq starts at 1 again
  t.is(requestId(b.open(after.seal(1, body(3)))), 3);
  t.like(b.open(old[1]!), { ok: false, reason: 'stale-incarnation' });
});

test('a client endpoint shared by several application processes: each incarnation has its own replay window', (t) => {
  const replica = chan(1);
  const app = (incarnation: number): Channel => new Channel({ clusterId: CLUSTER, keys: clientEndpointKeys(keys[1]!), incarnation, crypto: nobleCrypto });
  const older = app(100);
  const newer = app(200);
  const kept = older.seal(1, body(1));
  t.is(requestId(replica.open(kept)), 1);
  t.is(requestId(replica.open(newer.seal(1, body(2)))), 2, 'a second process starts');
  t.is(requestId(replica.open(older.seal(1, body(3)))), 3, 'the first one is still heard: not a stale incarnation');
  t.like(replica.open(kept), { ok: false, reason: 'replay' }, 'replays are refused per incarnation');
  // Eight processes at most: a ninth forgets the oldest, whose frames are stale from then on.
  for (let i = 0; i < 7; i++) t.true(replica.open(app(300 + i).seal(1, body(10 + i))).ok);
  t.like(replica.open(older.seal(1, body(4))), { ok: false, reason: 'stale-incarnation' });
  t.like(replica.open(app(150).seal(1, body(5))), { ok: false, reason: 'stale-incarnation' }, 'older than every kept incarnation while full');
  // Replica peers keep exactly one incarnation, as before.
  const b = chan(2);
  const r0old = chan(0, 10);
  t.true(b.open(r0old.seal(2, body(1))).ok);
  t.true(b.open(chan(0, 20).seal(2, body(2))).ok);
  t.like(b.open(r0old.seal(2, body(3))), { ok: false, reason: 'stale-incarnation' });
});

test('a MAC-valid frame whose body does not decode is attributable to its sender', (t) => {
  const b = chan(1);
  const genuine = decodeFrame(chan(0).seal(1, body(1)));
  if (!genuine.ok) return t.fail();
  // Re-MAC a garbage body with the real key, as a faulty replica 0 would.
  const key = keys[0]!.macKeys.get(1)!;
  const head = { ...genuine.value, body: Uint8Array.of(0xff, 0xff, 0xff) };
  const mac = nobleCrypto.hmacSha256(key).mac(frameMacInput(head));
  t.like(b.open(encodeFrame({ ...head, mac })), { ok: false, reason: 'bad-body', from: 0, attributable: true });
});

test('open is total: arbitrary bytes never throw and are never accepted', (t) => {
  const b = chan(1);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const o = b.open(bytes);
      return !o.ok;
    }),
    { numRuns: 3000 },
  );
  t.is(b.counter('opened'), 0);
  // Not even non-Uint8Array input throws.
  t.false(b.open(undefined as unknown as Uint8Array).ok);
  t.false(b.open('frame' as unknown as Uint8Array).ok);
});

test('open is total: truncations and byte mutations of genuine frames are refused, never thrown', (t) => {
  const a = chan(0);
  const b = chan(1);
  const genuine = a.seal(1, { kind: 'write', write: { hop: 0, write: { write: new Uint8Array(40).fill(3), macs: [new Uint8Array(32)], signature: new Uint8Array(0) } } });
  fc.assert(
    fc.property(fc.nat({ max: genuine.length - 1 }), fc.nat({ max: genuine.length - 1 }), fc.integer({ min: 1, max: 255 }), (cut, pos, xor) => {
      if (b.open(genuine.subarray(0, cut)).ok) return false;
      const m = genuine.slice();
      m[pos] = (m[pos] as number) ^ xor;
      return !b.open(m).ok;
    }),
    { numRuns: 3000 },
  );
  t.true(b.open(genuine).ok, 'the genuine frame still opens: rejected ones left no trace');
});
