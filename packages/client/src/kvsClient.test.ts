import test from 'ava';
import type { NodeKeys } from '@bftkvs/core';
import { deriveClusterKeysForTesting } from '@bftkvs/core';
import type { Body, PublishedSlot } from '@bftkvs/msgs';
import { ErrorCode, clientIndexOf } from '@bftkvs/msgs';
import { InprocHub, ReplicaDriver, SystemClock, UdpTransport, authenticatedClientRoute } from '@bftkvs/runtime';
import { clusterIdOf } from '@bftkvs/core';
import { ClientProtocolReplica, type Script, fakeHealth } from './_fakeReplica.test.js';
import { KvsClientError } from './errors.js';
import { ALL_KEYS, KvsClient } from './kvsClient.js';

const CLUSTER = 'client-test';
const keys = deriveClusterKeysForTesting('client-test', 4);
const node0 = keys[0] as NodeKeys;
const clock = new SystemClock();

const wireSlot = (over: Partial<PublishedSlot> = {}): PublishedSlot => ({
  key: 'speed',
  publishTimeUs: 5_000_000,
  value: { kind: 'f64', f64: 12.5 },
  contributions: [
    { writer: 'a', value: { kind: 'f64', f64: 12 } },
    { writer: 'b', value: { kind: 'f64', f64: 12.5 } },
  ],
  agreed: true,
  repairs: 0,
  ...over,
});

/** A sensible default replica: OK writes for the requested slot (or 7 s), reads of 'speed', status. */
const answers: Script = (body) => {
  switch (body.kind) {
    case 'writeRequest':
      return [{ kind: 'writeReply', writeReply: { requestId: body.writeRequest.requestId, code: ErrorCode.OK, message: '', publishTimeUs: body.writeRequest.publishTimeUs || 7_000_000 } }];
    case 'readRequest':
      return [
        body.readRequest.key === 'speed'
          ? { kind: 'readReply', readReply: { requestId: body.readRequest.requestId, code: ErrorCode.OK, message: '', slot: wireSlot(), nowUs: 6_000_000 } }
          : { kind: 'readReply', readReply: { requestId: body.readRequest.requestId, code: ErrorCode.NO_FRESH_VALUE, message: `no published slot of '${body.readRequest.key}'`, slot: null, nowUs: 6_000_000 } },
      ];
    case 'statusRequest':
      return [{ kind: 'statusReply', statusReply: { requestId: body.statusRequest.requestId, health: fakeHealth(0, 6_000_000) } }];
    default:
      return [];
  }
};

async function setup(t: { teardown(fn: () => Promise<void>): void }, script: Script = answers, opts: Partial<Parameters<typeof KvsClient.connect>[0]> = {}) {
  const hub = new InprocHub();
  const replica = new ClientProtocolReplica(node0, CLUSTER, script);
  const driver = new ReplicaDriver({ replica, clock, transport: hub.attach(0) });
  driver.start();
  const client = await KvsClient.connect({ keys: node0, clusterName: CLUSTER, transport: hub.attach(clientIndexOf(0)), timeoutMs: 300, ...opts });
  t.teardown(async () => {
    await client.close();
    await driver.stop();
  });
  return { hub, replica, driver, client };
}

test('write: the request carries key, writer, publish time and value; the ack the slot', async (t) => {
  const { client, replica } = await setup(t, answers, { schemas: new Map([['count', { type: { kind: 'int64' } }]]) });
  t.deepEqual(await client.write('speed', 12.5, { writer: 'a', publishTimeUs: 9_000_000 }), { publishTimeUs: 9_000_000 });
  t.deepEqual(await client.write('count', 3, { writer: 'a' }), { publishTimeUs: 7_000_000 });
  const [w1, w2] = replica.requests as [Body & { kind: 'writeRequest' }, Body & { kind: 'writeRequest' }];
  t.like(w1.writeRequest, { key: 'speed', writer: 'a', publishTimeUs: 9_000_000, value: { kind: 'f64', f64: 12.5 } });
  t.like(w2.writeRequest, { key: 'count', publishTimeUs: 0, value: { kind: 'i64', i64: 3 } });
  t.not(w1.writeRequest.requestId, w2.writeRequest.requestId);
});

test('write: refusals become KvsClientError with the wire code name and the replica\'s message', async (t) => {
  const codes = ['TOO_LATE', 'OFF_GRID', 'UNKNOWN_KEY', 'NOT_AUTHORISED', 'BAD_VALUE', 'TOO_FAR_AHEAD', 'CONFLICT'] as const;
  const { client } = await setup(t, (b, nth) =>
    b.kind === 'writeRequest'
      ? [{ kind: 'writeReply', writeReply: { requestId: b.writeRequest.requestId, code: ErrorCode[codes[nth - 1] as (typeof codes)[number]], message: `because ${nth}`, publishTimeUs: 0 } }]
      : [],
  );
  for (const [i, code] of codes.entries()) {
    const e = await t.throwsAsync(client.write('speed', 1, { writer: 'a', publishTimeUs: 1_000 }), { instanceOf: KvsClientError });
    t.is(e?.code, code);
    t.is(e?.message, `${code}: because ${i + 1}`);
  }
});

test('read: the slot with plain values; NO_FRESH_VALUE as a typed error', async (t) => {
  const { client, replica } = await setup(t);
  const r = await client.read('speed', 4_000_000);
  t.deepEqual(r, {
    key: 'speed',
    publishTimeUs: 5_000_000,
    value: 12.5,
    contributions: [
      { writer: 'a', value: 12 },
      { writer: 'b', value: 12.5 },
    ],
    agreed: true,
    repairs: 0,
    replicaNowUs: 6_000_000,
  });
  t.like((replica.requests[0] as Body & { kind: 'readRequest' }).readRequest, { key: 'speed', earliestUs: 4_000_000 });
  await t.throwsAsync(client.read('throttle'), { instanceOf: KvsClientError, code: 'NO_FRESH_VALUE', message: /no published slot of 'throttle'/ });
});

test('status: the replica health', async (t) => {
  const { client } = await setup(t);
  const h = await client.status();
  t.like(h, { replica: 0, mode: 'fast', view: 3, primary: 1, stableSeq: 128 });
  t.is(h.suspects[0]?.reason, 'bad-mac');
});

test('no reply: TIMEOUT after the deadline, with a message naming the request', async (t) => {
  const { client, replica } = await setup(t, () => []);
  const started = Date.now();
  const e = await t.throwsAsync(client.write('speed', 1, { writer: 'a', timeoutMs: 120 }), { instanceOf: KvsClientError });
  t.is(e?.code, 'TIMEOUT');
  t.regex(e?.message ?? '', /no reply to write of 'speed' by 'a' \(request \d+\) from inproc 1000 within 120 ms \(1 attempt\)/);
  t.true(Date.now() - started >= 110);
  t.is(replica.requests.length, 1, 'writes are not retransmitted by default');
  t.is(client.counters()['pending'], 0);
});

test('reads are retransmitted within the deadline; a late duplicate reply is ignored', async (t) => {
  const { client, replica } = await setup(t, (b, nth) => (nth === 1 ? [] : answers(b, nth)));
  const r = await client.read('speed', 0, { timeoutMs: 300, retries: 2 });
  t.is(r.value, 12.5);
  t.is(replica.requests.length, 2);
});

test('a retransmitted write with an explicit publish time: DUPLICATE for the copy means success', async (t) => {
  let accepted = false;
  const { client, replica } = await setup(t, (b) => {
    if (b.kind !== 'writeRequest') return [];
    const requestId = b.writeRequest.requestId;
    if (!accepted) {
      accepted = true;
      return []; // admitted, but the reply is lost
    }
    return [{ kind: 'writeReply', writeReply: { requestId, code: ErrorCode.DUPLICATE, message: 'already written', publishTimeUs: 0 } }];
  });
  t.deepEqual(await client.write('speed', 1, { writer: 'a', publishTimeUs: 8_000_000, retries: 2, timeoutMs: 300 }), { publishTimeUs: 8_000_000 });
  t.is(replica.requests.length, 2);
  // A first-attempt DUPLICATE is the application writing twice: an error.
  await t.throwsAsync(client.write('speed', 1, { writer: 'a', publishTimeUs: 8_000_000 }), { code: 'DUPLICATE' });
  await t.throwsAsync(client.write('speed', 1, { writer: 'a', retries: 1 }), { code: 'INVALID_ARGUMENT', message: /needs an explicit publishTimeUs/ });
});

test('the pending map is bounded: TOO_MANY_PENDING at once', async (t) => {
  const { client } = await setup(t, () => [], { maxPending: 2 });
  const a = client.read('speed', 0, { retries: 0, timeoutMs: 100 });
  const b = client.status({ retries: 0, timeoutMs: 100 });
  await t.throwsAsync(client.read('speed'), { code: 'TOO_MANY_PENDING' });
  await t.throwsAsync(a, { code: 'TIMEOUT' });
  await t.throwsAsync(b, { code: 'TIMEOUT' });
});

test('bad arguments are refused locally, before anything is sent', async (t) => {
  const { client, replica } = await setup(t);
  await t.throwsAsync(client.write('speed', Number.NaN, { writer: 'a' }), { code: 'BAD_VALUE', message: /finite/ });
  await t.throwsAsync(client.write('speed', undefined as unknown as number, { writer: 'a' }), { code: 'BAD_VALUE' }); // as from untyped JS
  await t.throwsAsync(client.write('sp eed', 1, { writer: 'a' }), { code: 'INVALID_ARGUMENT', message: /writeRequest\.key/ });
  await t.throwsAsync(client.write('speed', 1, { writer: 'a', publishTimeUs: -5 }), { code: 'INVALID_ARGUMENT' });
  await t.throwsAsync(client.read('speed', 1.5), { code: 'INVALID_ARGUMENT' });
  t.throws(() => client.subscribe(['ok', 'not a key!'], () => {}), { code: 'INVALID_ARGUMENT', message: /subscribe\.keys/ });
  t.throws(() => client.subscribe([], () => {}), { code: 'INVALID_ARGUMENT' });
  t.is(replica.requests.length, 0);
});

test('subscriptions: notices per key and for all keys, agreed-only filtering, unsubscribe', async (t) => {
  const { client, replica, driver } = await setup(t, () => [], { subscriptionRefreshMs: 50 });
  const speed: [number, boolean][] = [];
  const agreed: number[] = [];
  const all: string[] = [];
  const offSpeed = client.subscribe(['speed'], (s) => speed.push([s.value as number, s.agreed]));
  client.subscribe(['speed'], (s) => agreed.push(s.value as number), { agreedOnly: true });
  const offAll = client.subscribe(ALL_KEYS, (s) => all.push(s.key));
  await new Promise((r) => setTimeout(r, 20));
  const subs = replica.requests.filter((b): b is Body & { kind: 'subscribe' } => b.kind === 'subscribe').map((b) => b.subscribe);
  t.true(subs.some((s) => s.keys.length === 1 && s.keys[0] === 'speed' && !s.agreedOnly && !s.unsubscribe), 'one listener wants unagreed slots, so the wire subscription is not agreed-only');
  t.true(subs.some((s) => s.keys.length === 0 && !s.unsubscribe), 'all keys');
  const notice = (slot: PublishedSlot) => driver.withReplica((r) => (r as ClientProtocolReplica).push({ kind: 'slotNotice', slotNotice: { slot } }));
  notice(wireSlot({ value: { kind: 'f64', f64: 1 }, agreed: false }));
  notice(wireSlot({ value: { kind: 'f64', f64: 1 }, agreed: true }));
  notice(wireSlot({ key: 'mode', value: { kind: 's', s: 'cruise' } }));
  await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(speed, [
    [1, false],
    [1, true],
  ]);
  t.deepEqual(agreed, [1]);
  t.deepEqual(all, ['speed', 'speed', 'mode']);
  const before = replica.requests.length;
  await new Promise((r) => setTimeout(r, 120));
  t.true(replica.requests.length > before, 'subscriptions are refreshed');
  offSpeed();
  offAll();
  await new Promise((r) => setTimeout(r, 20));
  const last = replica.requests.filter((b): b is Body & { kind: 'subscribe' } => b.kind === 'subscribe').map((b) => b.subscribe);
  t.true(last.some((s) => s.unsubscribe && s.keys.length === 0), 'dropping the all-keys listener drops every wire subscription...');
  t.true(last.at(-1)?.unsubscribe === false && last.at(-1)?.keys[0] === 'speed' && last.at(-1)?.agreedOnly === true, '...and re-sends the remaining one (agreed-only now)');
});

test('forged replies are dropped and counted; close fails pending requests with CLOSED', async (t) => {
  const { client, hub } = await setup(t, () => []);
  const pending = client.read('speed', 0, { timeoutMs: 5_000 });
  // An attacker on the hub claiming to be replica 0 without its key.
  const other = deriveClusterKeysForTesting('another-cluster', 4)[0] as NodeKeys;
  const forger = new ClientProtocolReplica(other, CLUSTER, () => []);
  forger.push({ kind: 'readReply', readReply: { requestId: 1, code: ErrorCode.OK, message: '', slot: wireSlot(), nowUs: 1 } });
  const spoof = hub.attach(5);
  for (const f of forger.ready().frames) spoof.send(clientIndexOf(0), f.bytes);
  await new Promise((r) => setTimeout(r, 20));
  t.is(client.counters()['channel.rejected.bad-mac'], 1);
  await client.close();
  await t.throwsAsync(pending, { code: 'CLOSED' });
  await t.throwsAsync(client.status(), { code: 'CLOSED' });
});

test('connect refuses another node\'s key file', async (t) => {
  await t.throwsAsync(KvsClient.connect({ keys: node0, replicaIndex: 1, clusterName: CLUSTER, clientPort: 9 }), { code: 'INVALID_ARGUMENT', message: /belongs to replica 0/ });
});

test('over UDP through the replica driver: the reply address is learned from the authenticated request', async (t) => {
  const peers = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0' });
  const clients = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0 clients' });
  const replica = new ClientProtocolReplica(node0, CLUSTER, answers);
  const driver = new ReplicaDriver({
    replica,
    clock,
    transport: peers,
    clientTransport: clients,
    clientRouteGuard: authenticatedClientRoute({ clusterId: clusterIdOf(CLUSTER), replica: 0, clientKey: node0.macKeys.get(clientIndexOf(0)) as Uint8Array }),
  });
  driver.start();
  const client = await KvsClient.connect({ keys: node0, clusterName: CLUSTER, clientPort: clients.address.port });
  t.teardown(async () => {
    await client.close();
    await driver.stop();
  });
  t.deepEqual(await client.write('speed', 3, { writer: 'a', publishTimeUs: 9_000_000 }), { publishTimeUs: 9_000_000 });
  t.is((await client.read('speed')).value, 12.5);
  const rtts: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await client.status();
    rtts.push(performance.now() - t0);
  }
  rtts.sort((a, b) => a - b);
  t.log(`status round trip over UDP through driver + channel: p50 ${(rtts[100] as number).toFixed(3)} ms, p99 ${(rtts[197] as number).toFixed(3)} ms`);
  t.like(driver.health().driver, { clientRouteLearned: 1 });
});

test('bad options are refused before any socket is opened', async (t) => {
  for (const bad of [{ timeoutMs: 0 }, { maxPending: 0 }, { readRetries: -1 }, { incarnation: -1 }, { subscriptionRefreshMs: Number.NaN }]) {
    await t.throwsAsync(KvsClient.connect({ keys: node0, clusterName: CLUSTER, clientPort: 9, ...bad }), { code: 'INVALID_ARGUMENT' }, JSON.stringify(bad));
  }
  const e = await t.throwsAsync(KvsClient.connect({ keys: node0, clusterName: CLUSTER }), { instanceOf: KvsClientError });
  t.is(e?.detail, 'clientPort (or a transport) is required');
});
