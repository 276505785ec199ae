import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import test from 'ava';
import type { ReplicaEvent } from '@bftkvs/core';
import { WIRE_VERSION, decodeFrame, encodeBody, encodeFrame, frameMacInput } from '@bftkvs/msgs';
import { SystemClock } from '../clock.js';
import { InprocHub, UdpTransport } from '../transport/index.js';
import { FakeReplica, sleep, until } from './_fakeReplica.test.js';
import { authenticatedClientRoute } from './clientRoute.js';
import { ReplicaDriver } from './replicaDriver.js';

const clock = new SystemClock();

test('ticks come when the replica asks, never before', async (t) => {
  const hub = new InprocHub();
  const r = new FakeReplica(0);
  const asked: number[] = [];
  r.nextTick = (now) => {
    const at = now + 20_000;
    asked.push(at);
    return at;
  };
  const d = new ReplicaDriver({ replica: r, clock, transport: hub.attach(0) });
  d.start();
  await sleep(300);
  await d.stop();
  // start() ticks once at once; then every 20 ms (timer rounding makes each a little late).
  const periodic = r.ticks.slice(1);
  t.true(periodic.length >= 8 && periodic.length <= 15, `${periodic.length} ticks in 300 ms at a 20 ms period`);
  for (let i = 0; i < periodic.length; i++) t.true((periodic[i] as number) >= (asked[i] as number), 'a tick is never earlier than asked');
  const lag = d.health().timerLag;
  t.is(lag.samples, periodic.length);
  t.true(lag.maxUs >= 0);
});

test('a replica asking for a tick in the past cannot make the driver spin', async (t) => {
  const hub = new InprocHub();
  const r = new FakeReplica(0);
  r.nextTick = () => 0;
  const d = new ReplicaDriver({ replica: r, clock, transport: hub.attach(0) });
  let immediates = 0;
  let spinning = true;
  const spin = (): void => {
    immediates++;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  d.start();
  await sleep(200);
  spinning = false;
  await d.stop();
  // Node timers are at least 1 ms: at most ~200 ticks, and the event loop kept turning.
  t.true(r.ticks.length <= 260, `${r.ticks.length} ticks in 200 ms`);
  t.true(r.ticks.length >= 20, `${r.ticks.length} ticks in 200 ms`);
  t.true(immediates > r.ticks.length, 'other work ran between ticks');
  t.true((d.health().driver['immediateTicks'] ?? 0) > 0);
});

test('no tick requested (Infinity) still ticks at the idle bound', async (t) => {
  const hub = new InprocHub();
  const r = new FakeReplica(0);
  r.nextTick = () => Number.POSITIVE_INFINITY;
  const d = new ReplicaDriver({ replica: r, clock, transport: hub.attach(0), maxTickIntervalMs: 30 });
  d.start();
  await sleep(200);
  await d.stop();
  t.true(r.ticks.length >= 4 && r.ticks.length <= 8, `${r.ticks.length} idle ticks in 200 ms at 30 ms`);
});

test('datagrams do not push the armed timer back; an earlier request re-arms it', async (t) => {
  const hub = new InprocHub();
  const peer = hub.attach(1);
  const r = new FakeReplica(0);
  let step = 0;
  const t0 = clock.nowUs();
  r.nextTick = () => (step === 0 ? t0 + 50_000 : step === 1 ? t0 + 500_000 : t0 + 40_000);
  const d = new ReplicaDriver({ replica: r, clock, transport: hub.attach(0) });
  d.start();
  t.is(d.nextTickUs, t0 + 50_000);
  step = 1;
  peer.send(0, Uint8Array.of(1));
  await until(() => r.receivedCount === 1);
  t.is(d.nextTickUs, t0 + 50_000, 'a later request keeps the earlier timer (earlier ticks are allowed)');
  step = 2;
  peer.send(0, Uint8Array.of(2));
  await until(() => r.receivedCount === 2);
  t.is(d.nextTickUs, t0 + 40_000, 'an earlier request re-arms');
  await d.stop();
});

test('after the event loop was held, datagrams that arrived meanwhile reach the replica before the tick that came due', async (t) => {
  // Node runs expired timers before it reads sockets; a tick straight from the timer would let a
  // primary close a slot without the write waiting in its socket (driver header).
  const peers = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0' });
  const r = new FakeReplica(0);
  const order: string[] = [];
  let dueUs = Number.POSITIVE_INFINITY;
  r.nextTick = () => dueUs;
  r.onReceive = () => {
    order.push('receive');
  };
  r.onTick = (now) => {
    if (now >= dueUs) order.push('tick');
  };
  const d = new ReplicaDriver({ replica: r, clock, transport: peers, maxTickIntervalMs: 60_000 });
  d.start();
  const sender = createSocket('udp4');
  // Connected: send() then needs no address lookup and leaves at once, while the loop is held.
  await new Promise<void>((done) => sender.connect(peers.address.port, '127.0.0.1', () => done()));
  dueUs = clock.nowUs() + 20_000;
  d.withReplica(() => undefined);
  t.is(d.nextTickUs, dueUs);
  const heldUntilUs = clock.nowUs() + 60_000;
  sender.send(Uint8Array.of(1, 2, 3));
  while (clock.nowUs() < heldUntilUs) {
    // The event loop is held (a GC pause, a long task) past the tick's time.
  }
  await until(() => order.length >= 2);
  t.deepEqual(order.slice(0, 2), ['receive', 'tick']);
  sender.close();
  await d.stop();
});

test('frames go to replicas and to the client endpoint; events reach listeners first; faults are counted', async (t) => {
  const hub = new InprocHub();
  const peer = hub.attach(1);
  const app = hub.attach(1000);
  const order: string[] = [];
  const peerGot: number[][] = [];
  const appGot: number[][] = [];
  peer.onFrame((b) => peerGot.push([...b]));
  app.onFrame((b) => appGot.push([...b]));
  const r = new FakeReplica(0);
  const event: ReplicaEvent = { kind: 'view', view: 1, primary: 1 };
  r.onReceive = (bytes) => {
    if (bytes[0] === 0xee) throw new Error('replica bug');
    return {
      events: [event],
      frames: [
        { to: 1, bytes: Uint8Array.of(1) },
        { to: 1000, bytes: Uint8Array.of(2) },
        { to: 1003, bytes: Uint8Array.of(3) }, // another node's applications: never
        { to: 9, bytes: Uint8Array.of(4) }, // no such replica
      ],
    };
  };
  const d = new ReplicaDriver({ replica: r, clock, transport: hub.attach(0) });
  d.onEvent(() => {
    order.push('event');
    t.is(peerGot.length, 0, 'listeners see the event before any frame leaves');
  });
  d.onEvent(() => {
    throw new Error('listener bug');
  });
  d.start();
  app.send(0, Uint8Array.of(0));
  await until(() => peerGot.length === 1 && appGot.length === 1);
  t.deepEqual(order, ['event']);
  t.deepEqual(appGot, [[2]]);
  peer.send(0, Uint8Array.of(0xee));
  await until(() => r.receivedCount === 2);
  const h = d.health();
  t.like(h.driver, { datagrams: 1, clientDatagrams: 1, framesSent: 2, framesNoTransport: 1, framesDropped: 1, listenerErrors: 1, replicaErrors: 1 });
  t.is(h.lastReplicaError, 'replica bug');
  t.is(h.replica?.replica, 0);
  await d.stop();
  t.false(d.health().running);
});

test('stop clears the timer and closes the transports', async (t) => {
  const hub = new InprocHub();
  const r = new FakeReplica(0);
  r.nextTick = (now) => now + 5_000;
  const transport = hub.attach(0);
  const d = new ReplicaDriver({ replica: r, clock, transport });
  d.start();
  await sleep(30);
  await d.stop();
  const n = r.ticks.length;
  await sleep(40);
  t.is(r.ticks.length, n, 'no tick after stop');
  t.is(d.nextTickUs, undefined);
  t.false(transport.send(1, Uint8Array.of(1)));
  t.throws(() => d.start(), { message: /cannot restart/ });
});

// --- UDP: the client endpoint's address is learned only from authenticated, fresh frames ---

const CLUSTER_ID = 0x1234_5678;
const CLIENT_KEY = new Uint8Array(32).fill(7);

function clientFrame(seq: number, key = CLIENT_KEY, incarnation = 1): Uint8Array {
  const head = {
    version: WIRE_VERSION,
    clusterId: CLUSTER_ID,
    from: 1000,
    to: 0,
    incarnation,
    seq,
    body: encodeBody({ kind: 'statusRequest', statusRequest: { requestId: seq } }),
  };
  const mac = new Uint8Array(createHmac('sha256', key).update(frameMacInput(head)).digest());
  return encodeFrame({ ...head, mac });
}

async function udpClient(): Promise<{ port: number; got: number[][]; send: (b: Uint8Array, port: number) => Promise<void>; close: () => Promise<void> }> {
  const s = createSocket('udp4');
  const got: number[][] = [];
  s.on('message', (m) => got.push([...m]));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return {
    port: s.address().port,
    got,
    send: (b, port) => new Promise((r) => s.send(b, port, '127.0.0.1', () => r())),
    close: () => new Promise((r) => s.close(() => r())),
  };
}

/** A decodable frame to the client endpoint whose body is not a reply: the driver treats it as a slot notice. */
function noticeFrame(): Uint8Array {
  const head = { version: WIRE_VERSION, clusterId: CLUSTER_ID, from: 0, to: 1000, incarnation: 1, seq: 1, body: encodeBody({ kind: 'statusRequest', statusRequest: { requestId: 1 } }) };
  return encodeFrame({ ...head, mac: new Uint8Array(32) });
}

test('UDP: replies go to the requesting application; forged and replayed frames redirect nothing', async (t) => {
  const peers = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0' });
  const clients = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0 clients' });
  const r = new FakeReplica(0);
  r.onReceive = (bytes) => ({ frames: [{ to: 1000, bytes: Uint8Array.of(bytes.length & 0xff) }] });
  const d = new ReplicaDriver({
    replica: r,
    clock,
    transport: peers,
    clientTransport: clients,
    clientRouteGuard: authenticatedClientRoute({ clusterId: CLUSTER_ID, replica: 0, clientKey: CLIENT_KEY }),
  });
  d.start();
  const app = await udpClient();
  const intruder = await udpClient();
  await app.send(clientFrame(1), clients.address.port);
  await until(() => app.got.length === 1);
  await app.send(clientFrame(2), clients.address.port);
  await app.send(clientFrame(3), clients.address.port);
  await until(() => app.got.length === 3);

  // Forged (wrong key), replayed and garbage datagrams from elsewhere get no reply and set no route.
  await intruder.send(clientFrame(5, new Uint8Array(32).fill(8)), clients.address.port);
  await intruder.send(clientFrame(2), clients.address.port);
  await intruder.send(Uint8Array.of(1, 2, 3), clients.address.port);
  await until(() => r.receivedCount === 6);
  await sleep(20);
  t.is(intruder.got.length, 0);
  t.is(app.got.length, 6, 'replies to unauthenticated input still went to the application heard last');
  t.like(d.health().driver, { clientRouteLearned: 1, clientRouteRefused: 3 });
  t.is(d.health().liveClients, 1);
  await Promise.all([d.stop(), app.close(), intruder.close()]);
});

test('UDP: several applications at once, each with its own incarnation: replies to the asker, notices to all', async (t) => {
  const peers = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0' });
  const clients = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0 clients' });
  const r = new FakeReplica(0);
  // Every request is answered; a request with seq 9 also triggers a notice (as a slot publishing would).
  r.onReceive = (bytes) => ({ frames: [{ to: 1000, bytes: Uint8Array.of(bytes.length & 0xff) }, ...(bytes.length > 0 && clientSeq(bytes) === 9 ? [{ to: 1000, bytes: noticeFrame() }] : [])] });
  const d = new ReplicaDriver({
    replica: r,
    clock,
    transport: peers,
    clientTransport: clients,
    clientRouteGuard: authenticatedClientRoute({ clusterId: CLUSTER_ID, replica: 0, clientKey: CLIENT_KEY }),
  });
  d.start();
  const echo = await udpClient(); // e.g. `bftkvs echo`, started first (older incarnation)
  const writer = await udpClient(); // e.g. `bftkvs write`, started later
  await echo.send(clientFrame(1, CLIENT_KEY, 100), clients.address.port);
  await until(() => echo.got.length === 1);
  await writer.send(clientFrame(1, CLIENT_KEY, 200), clients.address.port);
  await until(() => writer.got.length === 1);
  t.is(echo.got.length, 1, "the writer's reply did not go to echo");
  // The older incarnation is still served (not stale), and its reply goes to it alone.
  await echo.send(clientFrame(2, CLIENT_KEY, 100), clients.address.port);
  await until(() => echo.got.length === 2);
  t.is(writer.got.length, 1);
  // A notice reaches both applications.
  await writer.send(clientFrame(9, CLIENT_KEY, 200), clients.address.port);
  await until(() => writer.got.length === 3 && echo.got.length === 3);
  t.is(d.health().liveClients, 2);
  // A replay of echo's frame from the writer's socket redirects nothing.
  await writer.send(clientFrame(2, CLIENT_KEY, 100), clients.address.port);
  await until(() => r.receivedCount === 5);
  await sleep(20);
  t.is(echo.got.length, 3);
  t.like(d.health().driver, { clientRouteLearned: 2, clientRouteRefused: 1 });
  await Promise.all([d.stop(), echo.close(), writer.close()]);
});

function clientSeq(bytes: Uint8Array): number | undefined {
  const f = decodeFrame(bytes);
  return f.ok ? f.value.seq : undefined;
}
