import test from 'ava';
import { InprocHub } from './inproc.js';

const tick = () => new Promise((r) => setImmediate(r));

test('delivery is asynchronous, by index, and copies the bytes', async (t) => {
  const hub = new InprocHub();
  const a = hub.attach(0);
  const b = hub.attach(1);
  const got: [number[], number][] = [];
  b.onFrame((bytes, from) => got.push([[...bytes], from.port]));
  const msg = Uint8Array.of(1, 2);
  t.true(a.send(1, msg));
  msg[0] = 99; // the sender reusing its buffer must not change what is in flight
  t.deepEqual(got, [], 'not delivered synchronously');
  await tick();
  t.deepEqual(got, [[[1, 2], 0]]);
  t.deepEqual(b.route(0), { host: 'inproc', port: 0 });
});

test('the link hook drops and delays', async (t) => {
  const hub = new InprocHub({ link: (_from, _to, bytes) => (bytes[0] === 0 ? 'drop' : bytes[0] === 1 ? 30 : undefined) });
  const a = hub.attach(0);
  const b = hub.attach(1);
  const got: number[] = [];
  b.onFrame((bytes) => got.push(bytes[0] as number));
  a.send(1, Uint8Array.of(0));
  a.send(1, Uint8Array.of(1));
  a.send(1, Uint8Array.of(2));
  await tick();
  t.deepEqual(got, [2]);
  await new Promise((r) => setTimeout(r, 60));
  t.deepEqual(got, [2, 1], 'the delayed datagram overtook nothing and arrived later');
  t.like(hub.counters(), { droppedByLink: 1, delayed: 1, delivered: 2 });
});

test('unknown endpoints, double attach, closed endpoints, oversize', async (t) => {
  const hub = new InprocHub({ maxFrameBytes: 4 });
  const a = hub.attach(0);
  t.throws(() => hub.attach(0), { message: /already attached/ });
  t.false(a.send(5, Uint8Array.of(1)));
  t.false(a.send(0, new Uint8Array(5)));
  const b = hub.attach(1);
  let got = 0;
  b.onFrame(() => got++);
  a.send(1, Uint8Array.of(1));
  await b.close();
  await tick();
  t.is(got, 0);
  t.like(a.counters(), { droppedNoRoute: 1, droppedOversizeOut: 1, sent: 1 });
  t.like(hub.counters(), { droppedNoEndpoint: 1 });
  const b2 = hub.attach(1); // the index is free again after close
  t.truthy(b2);
});
