/**
 * Hostile-traffic smoke tests of the UDP path: >= 100k random datagrams (empty, garbage,
 * frame-like prefixes, oversized) at a driver bound to loopback. The replica is a recording
 * test double — whether a real replica survives the bytes is the core's fuzz test; these
 * check that the runtime delivers or counts every datagram, keeps its timer running during a
 * flood and still answers promptly afterwards. They log the measured rates.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import test from 'ava';
import { MAX_FRAME_BYTES } from '@bftkvs/msgs';
import { SystemClock } from '../clock.js';
import { UdpTransport } from '../transport/index.js';
import { FakeReplica, sleep, until } from './_fakeReplica.test.js';
import { ReplicaDriver } from './replicaDriver.js';

const DATAGRAMS = 100_000;
const PING = Uint8Array.of(0x50, 0x49, 0x4e, 0x47);

/** xorshift32: reproducible garbage. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function datagram(next: () => number): Uint8Array {
  const kind = next() % 100;
  if (kind < 2) return new Uint8Array(0);
  if (kind < 3) return new Uint8Array(MAX_FRAME_BYTES + 1 + (next() % 5_000)); // oversized
  const len = kind < 10 ? next() % 4_000 : 1 + (next() % 200);
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = next() & 0xff;
  if (kind < 40 && len > 2) {
    b[0] = 0x08; // looks like a Frame: version field first
    b[1] = 0x01;
  }
  return b;
}

/** A driver around a counting replica that answers PING with a frame to endpoint 1 and wants a tick every 10 ms. */
async function floodTarget(t: { teardown(fn: () => Promise<void>): void }) {
  const clock = new SystemClock();
  const peers = await UdpTransport.open({ bind: { port: 0 }, name: 'replica 0', receiveBufferBytes: 4 << 20 });
  const r = new FakeReplica(0);
  r.keep = false;
  r.nextTick = (now) => now + 10_000;
  r.onReceive = (bytes) => (bytes.length === 4 && bytes.every((b, i) => b === PING[i]) ? { frames: [{ to: 1, bytes: Uint8Array.of(0x50, 0x4f) }] } : undefined);
  const d = new ReplicaDriver({ replica: r, clock, transport: peers });
  d.start();
  const prober = await UdpTransport.open({ bind: { port: 0 }, name: 'prober' });
  peers.setRoute(1, prober.address);
  prober.setRoute(0, peers.address);
  t.teardown(() => Promise.all([d.stop(), prober.close()]).then(() => undefined));
  /** Round trip of a PING through the driver, in ms (NaN on no answer within 1 s). */
  const ping = async (): Promise<number> => {
    const got = new Promise<number>((res) => prober.onFrame(() => res(performance.now())));
    const asked = performance.now();
    prober.send(0, PING);
    return (await Promise.race([got, sleep(1_000).then(() => Number.NaN)])) - asked;
  };
  return { peers, r, d, ping };
}

test.serial('paced flood: every datagram is delivered or counted, and the timer keeps firing', async (t) => {
  const { peers, r, d, ping } = await floodTarget(t);
  const sender = createSocket('udp4');
  t.teardown(() => new Promise<void>((res) => sender.close(() => res())));
  await new Promise<void>((res) => sender.bind(0, '127.0.0.1', res));
  const next = prng(0xb7f1);
  let oversized = 0;
  let sendErrors = 0;
  const ticksBefore = r.ticks.length;
  const started = performance.now();
  // libuv reads at most 32 datagrams per poll; bursts of 16 with a turn of the loop in
  // between keep a same-process sender from overrunning the receive queue.
  const BURST = 16;
  for (let sent = 0; sent < DATAGRAMS; sent += BURST) {
    const burst: Promise<void>[] = [];
    for (let i = 0; i < BURST && sent + i < DATAGRAMS; i++) {
      const b = datagram(next);
      if (b.length > MAX_FRAME_BYTES) oversized++;
      burst.push(new Promise((res) => sender.send(b, peers.address.port, '127.0.0.1', (e) => ((e ? sendErrors++ : 0), res()))));
    }
    await Promise.all(burst);
    await new Promise((res) => setImmediate(res));
  }
  const arrived = (): number => (peers.counters()['received'] ?? 0) + (peers.counters()['droppedOversizeIn'] ?? 0);
  await until(() => arrived() >= DATAGRAMS - sendErrors, 5_000).catch(() => undefined);
  const seconds = (performance.now() - started) / 1_000;
  const c = peers.counters();
  t.log(
    `paced: ${DATAGRAMS} sent, ${arrived()} arrived, ${c['droppedOversizeIn'] ?? 0} oversized dropped, in ${seconds.toFixed(2)} s ` +
      `= ${Math.round(arrived() / seconds)} datagrams/s (sender in the same process); ${r.ticks.length - ticksBefore} ticks; ` +
      `timer lag ${JSON.stringify(d.health().timerLag)}`,
  );
  t.is(sendErrors, 0);
  t.is(arrived(), DATAGRAMS, 'nothing lost on paced loopback');
  t.is(r.receivedCount, c['received'] ?? 0, 'every datagram the transport accepted reached the replica');
  t.is(c['droppedOversizeIn'] ?? 0, oversized, 'every oversized datagram was dropped and counted');
  t.true(r.ticks.length - ticksBefore >= Math.floor(seconds * 100 * 0.3), 'the 10 ms timer kept firing during the flood');
  t.is(d.health().driver['replicaErrors'] ?? 0, 0);
  const rtt = await ping();
  t.true(rtt < 200, `answered in ${rtt.toFixed(1)} ms`);
});

/** The sender: another process blasting as fast as its event loop can, no pacing. */
const BLASTER = `
const { createSocket } = require('node:dgram');
const [port, n] = process.argv.slice(1).map(Number);
const s = createSocket('udp4');
let x = 0x2545f491, sent = 0, done = 0;
const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
const { randomFillSync } = require('node:crypto');
const one = () => randomFillSync(Buffer.allocUnsafe(rnd() % 100 < 2 ? 61000 : 1 + rnd() % 300));
const pump = () => { while (sent - done < 256 && sent < n) { sent++; s.send(one(), port, '127.0.0.1', () => { done++; if (done === n) s.close(); else pump(); }); } };
s.bind(0, '127.0.0.1', pump);
`;

test.serial('unpaced flood from another process: the driver stays responsive while the kernel sheds load', async (t) => {
  const { peers, r, d, ping } = await floodTarget(t);
  const ticksBefore = r.ticks.length;
  const rtts: number[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', BLASTER, String(peers.address.port), String(DATAGRAMS)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((res) => child.on('exit', res));
  t.teardown(() => void child.kill());
  // Probe round trips while the flood runs: the answer path shares the socket with the flood.
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    rtts.push(await ping());
    await sleep(20);
  }
  t.is(await exited, 0);
  const seconds = (performance.now() - started) / 1_000;
  await sleep(100);
  const c = peers.counters();
  // The probes arrive on the same socket; they are not part of the flood.
  const arrived = (c['received'] ?? 0) + (c['droppedOversizeIn'] ?? 0) - rtts.length;
  const answered = rtts.filter((x) => !Number.isNaN(x));
  t.log(
    `unpaced: ${DATAGRAMS} sent by another process in ${seconds.toFixed(2)} s, ${arrived} arrived ` +
      `(${Math.round(arrived / seconds)} datagrams/s received, ${DATAGRAMS - arrived} shed by the kernel); ` +
      `${answered.length}/${rtts.length} probes answered, max round trip ${Math.max(...answered).toFixed(1)} ms; ` +
      `${r.ticks.length - ticksBefore} ticks; timer lag ${JSON.stringify(d.health().timerLag)}`,
  );
  t.is(r.receivedCount, c['received'] ?? 0, 'every datagram the transport accepted reached the replica');
  t.true(r.ticks.length - ticksBefore >= Math.floor(seconds * 100 * 0.3), 'the 10 ms timer kept firing during the flood');
  // Generous: the test machine is shared; typical figures are in the log line above.
  t.true(d.health().timerLag.maxUs < 500_000, 'no tick was more than 500 ms late');
  const rtt = await ping();
  t.true(rtt < 100, `answered ${rtt.toFixed(1)} ms after the flood`);
});
