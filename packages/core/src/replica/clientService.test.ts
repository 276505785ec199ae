import test from 'ava';
import type { Body } from '@bftkvs/msgs';
import { CLIENT_INDEX_BASE, ErrorCode } from '@bftkvs/msgs';
import { Channel } from '../auth/channel.js';
import { nobleCrypto } from '../auth/crypto.js';
import { clientEndpointKeys } from '../auth/keys.js';
import { clusterIdOf } from '../cluster.js';
import { TestNet, clusterInput, makeConfig } from './_testCluster.test.js';

const START = 1_000_000_000;

function setup() {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START);
  const client = new Channel({ clusterId: clusterIdOf(net.config.name), keys: clientEndpointKeys(net.keys[0]!), incarnation: 3, crypto: nobleCrypto });
  const request = (body: Body): void => net.at(0, (r, now) => r.receive(client.seal(0, body), now));
  const replies = (): Body[] =>
    net.toClients.splice(0).map((d) => {
      const o = client.open(d.bytes);
      if (!o.ok) throw new Error(o.reason);
      return o.body;
    });
  return { net, request, replies };
}

test('client protocol: write, read, subscribe and status over the authenticated client channel', (t) => {
  const { net, request, replies } = setup();
  request({ kind: 'subscribe', subscribe: { requestId: 1, keys: ['speed'], unsubscribe: false, agreedOnly: false } });
  request({ kind: 'writeRequest', writeRequest: { requestId: 2, key: 'speed', writer: 'wheel_a', publishTimeUs: 0, value: { kind: 'f64', f64: 3.5 } } });
  const [w] = replies();
  t.is(w?.kind, 'writeReply');
  const t1 = w?.kind === 'writeReply' ? w.writeReply.publishTimeUs : 0;
  t.is(w?.kind === 'writeReply' ? w.writeReply.code : -1, ErrorCode.OK);
  t.true(t1 >= START + net.config.timing.leadUs);

  request({ kind: 'readRequest', readRequest: { requestId: 3, key: 'speed', earliestUs: 0 } });
  const [early] = replies();
  t.like(early, { kind: 'readReply', readReply: { requestId: 3, code: ErrorCode.NO_FRESH_VALUE, slot: null } });

  net.run(t1 + 100);
  const notices = replies();
  t.like(notices[0], { kind: 'slotNotice', slotNotice: { slot: { key: 'speed', publishTimeUs: t1, value: { kind: 'f64', f64: 3.5 }, agreed: false } } });

  request({ kind: 'readRequest', readRequest: { requestId: 4, key: 'speed', earliestUs: t1 } });
  const [read] = replies();
  t.like(read, { kind: 'readReply', readReply: { requestId: 4, code: ErrorCode.OK, slot: { publishTimeUs: t1, contributions: [{ writer: 'wheel_a', value: { kind: 'f64', f64: 3.5 } }] } } });

  request({ kind: 'statusRequest', statusRequest: { requestId: 5 } });
  const [status] = replies();
  t.like(status, { kind: 'statusReply', statusReply: { requestId: 5, health: { replica: 0, mode: 'fast', slotsPublished: 1 } } });
});

test('client protocol: rejections carry the error code and a clean message', (t) => {
  const { request, replies } = setup();
  request({ kind: 'writeRequest', writeRequest: { requestId: 1, key: 'speed', writer: 'wheel_b', publishTimeUs: 0, value: { kind: 'f64', f64: 1 } } });
  request({ kind: 'writeRequest', writeRequest: { requestId: 2, key: 'speed', writer: 'wheel_a', publishTimeUs: 0, value: { kind: 's', s: 'fast' } } });
  request({ kind: 'writeRequest', writeRequest: { requestId: 3, key: 'nope', writer: 'wheel_a', publishTimeUs: 0, value: { kind: 'f64', f64: 1 } } });
  request({ kind: 'writeRequest', writeRequest: { requestId: 4, key: 'speed', writer: 'wheel_a', publishTimeUs: START + 5_000, value: { kind: 'f64', f64: 1 } } });
  const codes = replies().map((b) => (b.kind === 'writeReply' ? [b.writeReply.requestId, b.writeReply.code, b.writeReply.message.length > 0] : b.kind));
  t.deepEqual(codes, [
    [1, ErrorCode.NOT_AUTHORISED, true],
    [2, ErrorCode.BAD_VALUE, true],
    [3, ErrorCode.UNKNOWN_KEY, true],
    [4, ErrorCode.OFF_GRID, true],
  ]);
});

test('client protocol: only the own client endpoint may use it; replica messages from the client are counted', (t) => {
  const { net, request, replies } = setup();
  request({ kind: 'commit', commit: { view: 0, seq: 1, digest: new Uint8Array(32) } });
  t.deepEqual(replies(), []);
  t.is((net.replicas[0] as unknown as { counter(n: string): number }).counter('body.unexpected-from-client.commit'), 1);
  // Replica 1's client endpoint has no key at replica 0.
  const other = new Channel({ clusterId: clusterIdOf(net.config.name), keys: clientEndpointKeys(net.keys[1]!), incarnation: 3, crypto: nobleCrypto });
  t.throws(() => other.seal(0, { kind: 'statusRequest', statusRequest: { requestId: 1 } }));
  t.is(CLIENT_INDEX_BASE + 1, clientEndpointKeys(net.keys[1]!).self);
});
