import { createSocket } from 'node:dgram';
import test from 'ava';
import { MAX_FRAME_BYTES } from '@bftkvs/msgs';
import { AddressError } from './address.js';
import type { PeerAddress } from './types.js';
import { UdpTransport } from './udp.js';

const LOOPBACK = '127.0.0.1';

async function pair(): Promise<[UdpTransport, UdpTransport]> {
  const a = await UdpTransport.open({ bind: { port: 0 }, name: 'a' });
  const b = await UdpTransport.open({ bind: { port: 0 }, name: 'b' });
  a.setRoute(1, b.address);
  b.setRoute(0, a.address);
  return [a, b];
}

function nextFrame(t: UdpTransport): Promise<{ bytes: Uint8Array; from: PeerAddress }> {
  return new Promise((resolve) => t.onFrame((bytes, from) => resolve({ bytes: Uint8Array.from(bytes), from })));
}

/** Sends raw datagrams from a socket that is not any transport's route. */
async function rawSend(to: PeerAddress, datagrams: Uint8Array[]): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, LOOPBACK, r));
  await Promise.all(datagrams.map((d) => new Promise<void>((r) => s.send(d, to.port, to.host, () => r()))));
  await new Promise<void>((r) => s.close(() => r()));
}

async function until(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('round trip on loopback with ephemeral ports', async (t) => {
  const [a, b] = await pair();
  t.is(a.address.host, LOOPBACK);
  t.not(a.address.port, 0);
  const atB = nextFrame(b);
  t.true(a.send(1, Uint8Array.of(1, 2, 3)));
  const got = await atB;
  t.deepEqual([...got.bytes], [1, 2, 3]);
  t.deepEqual(got.from, a.address);
  const atA = nextFrame(a);
  t.true(b.send(0, Uint8Array.of(9)));
  t.deepEqual([...(await atA).bytes], [9]);
  t.is(a.counters()['sent'], 1);
  t.is(b.counters()['received'], 1);
  t.is(b.counters()['unexpectedSource'], undefined);
  await Promise.all([a.close(), b.close()]);
});

test('a maximum-size frame passes; an oversized one is dropped on send and on receipt, and counted', async (t) => {
  const [a, b] = await pair();
  const atB = nextFrame(b);
  t.true(a.send(1, new Uint8Array(MAX_FRAME_BYTES)));
  t.is((await atB).bytes.length, MAX_FRAME_BYTES);
  t.false(a.send(1, new Uint8Array(MAX_FRAME_BYTES + 1)));
  t.is(a.counters()['droppedOversizeOut'], 1);
  await rawSend(b.address, [new Uint8Array(MAX_FRAME_BYTES + 1), new Uint8Array(65_507)]);
  await until(() => b.counters()['droppedOversizeIn'] === 2);
  t.is(b.counters()['received'], 1);
  await Promise.all([a.close(), b.close()]);
});

test('garbage from an unexpected source is delivered (the MAC decides) and counted as unexpected', async (t) => {
  const [a, b] = await pair();
  const seen: number[] = [];
  b.onFrame((bytes) => seen.push(bytes.length));
  await rawSend(b.address, [Uint8Array.of(0xff, 0x00), new Uint8Array(0), Uint8Array.of(7)]);
  await until(() => seen.length === 3);
  t.is(b.counters()['unexpectedSource'], 3);
  await Promise.all([a.close(), b.close()]);
});

test('a throwing handler is counted and the socket keeps working', async (t) => {
  const [a, b] = await pair();
  b.onFrame(() => {
    throw new Error('boom');
  });
  a.send(1, Uint8Array.of(1));
  await until(() => b.counters()['handlerErrors'] === 1);
  t.is(b.lastError, 'boom');
  const atB = nextFrame(b);
  a.send(1, Uint8Array.of(2));
  t.deepEqual([...(await atB).bytes], [2]);
  await Promise.all([a.close(), b.close()]);
});

test('no route, and sends after close, return false and are counted', async (t) => {
  const [a, b] = await pair();
  t.false(a.send(7, Uint8Array.of(1)));
  t.is(a.counters()['droppedNoRoute'], 1);
  await a.close();
  await a.close();
  t.false(a.send(1, Uint8Array.of(1)));
  t.is(a.counters()['droppedClosed'], 1);
  await b.close();
});

test('multicast, broadcast and host names are refused for bind and routes', async (t) => {
  await t.throwsAsync(UdpTransport.open({ bind: { host: '239.1.1.1', port: 0 } }), { instanceOf: AddressError, message: /multicast/ });
  await t.throwsAsync(UdpTransport.open({ bind: { host: '127.0.0.1', port: 0 }, routes: [[1, { host: '255.255.255.255', port: 9 }]] }), {
    instanceOf: AddressError,
    message: /broadcast/,
  });
  const a = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0' });
  t.throws(() => a.setRoute(1, { host: 'peer.example', port: 9 }), { message: /replica 0 route to endpoint 1: 'peer.example' is not an IP address literal/ });
  t.throws(() => a.setRoute(1, { host: '::1', port: 9 }), { message: /IPv6 but this socket is IPv4/ });
  t.throws(() => a.setRoute(1, { host: '127.0.0.1', port: 0 }), { message: /port/ });
  await a.close();
});

test('binding a port in use fails with the address in the message', async (t) => {
  const a = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0' });
  await t.throwsAsync(UdpTransport.open({ bind: { port: a.address.port }, name: 'replica 1' }), {
    instanceOf: AddressError,
    message: new RegExp(`replica 1: cannot bind UDP 127\\.0\\.0\\.1:${a.address.port}`),
  });
  await a.close();
});
