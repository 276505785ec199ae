import test from 'ava';
import type { NodeKeys } from '@bftkvs/core';
import { Channel, WriteAuthenticator, clientEndpointKeys, clusterIdOf, deriveClusterKeysForTesting, nobleCrypto } from '@bftkvs/core';
import { nodeFrameCraft } from '@bftkvs/faults';
import type { Body, Write } from '@bftkvs/msgs';
import { decodeFrame, encodeFrame } from '@bftkvs/msgs';
import type { FrameHandler, PeerAddress, Transport } from '@bftkvs/runtime';
import { FaultProfileError, formatFaultProfile, parseFaultProfile } from './profile.js';
import { FaultyPeerTransport, SkewingClientTransport, scheduleCrash, skewValue } from './wrappers.js';

test('profiles: every kind, combinations, and clear errors', (t) => {
  t.deepEqual(parseFaultProfile('none'), []);
  t.deepEqual(parseFaultProfile(''), []);
  t.deepEqual(parseFaultProfile('crash-at:2s'), [{ kind: 'crash-at', afterMs: 2_000 }]);
  t.deepEqual(parseFaultProfile('crash-at:250us'), [{ kind: 'crash-at', afterMs: 0.25 }]);
  t.deepEqual(parseFaultProfile('equivocate'), [{ kind: 'equivocate', offset: 50 }]);
  t.deepEqual(parseFaultProfile('equivocate:-3.5'), [{ kind: 'equivocate', offset: -3.5 }]);
  t.deepEqual(parseFaultProfile('wrong-values:+50'), [{ kind: 'wrong-values', offset: 50 }]);
  t.deepEqual(parseFaultProfile('drop-out:0.2, delay-out:5ms'), [
    { kind: 'drop-out', probability: 0.2 },
    { kind: 'delay-out', delayMs: 5 },
  ]);
  t.deepEqual(parseFaultProfile('drop-out:20%'), [{ kind: 'drop-out', probability: 0.2 }]);
  t.deepEqual(parseFaultProfile('silent-primary'), [{ kind: 'silent-primary' }]);
  t.is(formatFaultProfile(parseFaultProfile('crash-at:2s,equivocate,drop-out:0.5')), 'crash-at:2000ms,equivocate:+50,drop-out:0.5');
  for (const [bad, why] of [
    ['explode', /unknown fault "explode".*known: none, crash-at/],
    ['crash-at', /needs a value/],
    ['crash-at:soon', /not a duration/],
    ['drop-out:1.5', /not between 0 and 1/],
    ['delay-out:2h', /not a duration/],
    ['equivocate:0', /offset of 0 changes nothing/],
    ['equivocate:lots', /not a number offset/],
    ['silent-primary:yes', /takes no value/],
    ['drop-out:0.1,drop-out:0.2', /'drop-out' is given twice/],
  ] as const) {
    t.throws(() => parseFaultProfile(bad), { instanceOf: FaultProfileError, message: why }, bad);
  }
});

test('skewValue moves every kind of value', (t) => {
  t.deepEqual(skewValue({ kind: 'f64', f64: 1.5 }, 50), { kind: 'f64', f64: 51.5 });
  t.deepEqual(skewValue({ kind: 'i64', i64: 3 }, 0.2), { kind: 'i64', i64: 4 }, 'an integer always moves');
  t.deepEqual(skewValue({ kind: 'b', b: true }, 50), { kind: 'b', b: false });
  t.notDeepEqual(skewValue({ kind: 's', s: 'xy' }, 50), { kind: 's', s: 'xy' });
  t.notDeepEqual(skewValue({ kind: 's', s: '' }, 50), { kind: 's', s: '' });
  t.deepEqual(skewValue({ kind: 'vec', vec: { items: [1, 2] } }, 1), { kind: 'vec', vec: { items: [2, 3] } });
  t.deepEqual(skewValue({ kind: 'fields', fields: { fields: [{ name: 'a', kind: 'f64', f64: 1 }, { name: 'b', kind: 'b', b: false }] } }, 1), {
    kind: 'fields',
    fields: { fields: [{ name: 'a', kind: 'f64', f64: 2 }, { name: 'b', kind: 'b', b: true }] },
  });
});

// --- the wrappers, against a recording transport and real channels ---------------------------

const keys = deriveClusterKeysForTesting('fault wrappers', 4);
const CLUSTER = 'wrappers';
const writers = new Map([['w3', 3]]);
const config = { signatures: false, writers };
const chan = (i: number, incarnation = 1): Channel => new Channel({ clusterId: clusterIdOf(CLUSTER), keys: keys[i] as NodeKeys, incarnation, crypto: nobleCrypto });

class Recorder implements Transport {
  readonly description = 'recorder';
  readonly sent: { to: number; bytes: Uint8Array }[] = [];
  handler: FrameHandler | undefined;
  closed = false;
  send(to: number, bytes: Uint8Array): boolean {
    this.sent.push({ to, bytes });
    return true;
  }
  onFrame(h: FrameHandler): void {
    this.handler = h;
  }
  setRoute(): void {}
  route(): PeerAddress | undefined {
    return undefined;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  counters(): Readonly<Record<string, number>> {
    return { sent: this.sent.length };
  }
}

function writeBody(value: number): Body {
  const auth = new WriteAuthenticator({ keys: keys[3] as NodeKeys, crypto: nobleCrypto, ...config });
  const w: Write = { key: 'speed', publishTimeUs: 1_000_000, writer: 'w3', value: { kind: 'f64', f64: value }, origin: 3, issuedAtUs: 1 };
  return { kind: 'write', write: { write: auth.authenticateWrite(w), hop: 0 } };
}

function receivedValue(receiver: number, bytes: Uint8Array): number | undefined {
  const o = chan(receiver).open(bytes);
  if (!o.ok || o.body.kind !== 'write') return undefined;
  const v = new WriteAuthenticator({ keys: keys[receiver] as NodeKeys, crypto: nobleCrypto, ...config }).verifyWriteFor(o.body.write.write);
  return v.ok && v.write.value.kind === 'f64' ? v.write.value.f64 : undefined;
}

test('equivocate: the upper half of the other replicas gets another value, authenticated by the faulty origin', (t) => {
  const inner = new Recorder();
  const f = new FaultyPeerTransport(inner, { self: 3, replicas: 4, faults: parseFaultProfile('equivocate:+50'), craft: nodeFrameCraft(keys[3] as NodeKeys, config, nobleCrypto), isPrimary: () => false });
  t.deepEqual(f.equivocationTargets, [2]);
  const sender = chan(3);
  for (const to of [0, 1, 2]) f.send(to, sender.seal(to, writeBody(10)));
  t.deepEqual(
    inner.sent.map((s) => [s.to, receivedValue(s.to, s.bytes)]),
    [
      [0, 10],
      [1, 10],
      [2, 60],
    ],
  );
  t.is(f.counters()['fault.equivocated'], 1);
});

test('silent-primary drops protocol frames only while primary; drop-out and delay-out', async (t) => {
  const inner = new Recorder();
  let primary = true;
  const sender = chan(0);
  const frame = sender.seal(1, { kind: 'checkpoint', checkpoint: { seq: 1, stateDigest: new Uint8Array(32), replica: 0, signature: new Uint8Array(64) } });
  const silent = new FaultyPeerTransport(inner, { self: 0, replicas: 4, faults: parseFaultProfile('silent-primary'), craft: nodeFrameCraft(keys[0] as NodeKeys, config, nobleCrypto), isPrimary: () => primary });
  silent.send(1, frame);
  silent.send(1, sender.seal(1, writeBody(1)));
  primary = false;
  silent.send(1, frame);
  t.is(silent.counters()['fault.silenced'], 1);
  t.is(inner.sent.length, 2, 'writes always pass; protocol frames pass once no longer primary');

  const inner2 = new Recorder();
  let x = 0;
  const lossy = new FaultyPeerTransport(inner2, { self: 0, replicas: 4, faults: parseFaultProfile('drop-out:0.5'), craft: nodeFrameCraft(keys[0] as NodeKeys, config, nobleCrypto), isPrimary: () => false, random: () => (x++ % 2 === 0 ? 0.1 : 0.9) });
  for (let i = 0; i < 10; i++) lossy.send(1, Uint8Array.of(i));
  t.is(inner2.sent.length, 5);
  t.is(lossy.counters()['fault.dropped'], 5);

  const inner3 = new Recorder();
  const slow = new FaultyPeerTransport(inner3, { self: 0, replicas: 4, faults: parseFaultProfile('delay-out:20ms'), craft: nodeFrameCraft(keys[0] as NodeKeys, config, nobleCrypto), isPrimary: () => false });
  t.true(slow.send(1, Uint8Array.of(1)));
  t.is(inner3.sent.length, 0);
  await new Promise((r) => setTimeout(r, 60));
  t.is(inner3.sent.length, 1);
  slow.send(1, Uint8Array.of(2));
  await slow.close();
  await new Promise((r) => setTimeout(r, 40));
  t.is(inner3.sent.length, 1, 'pending delayed frames are dropped on close');
  t.true(inner3.closed);
});

test('timed faults act only inside their window, counted from the fault epoch', (t) => {
  const inner = new Recorder();
  let nowMs = 0;
  const f = new FaultyPeerTransport(inner, {
    self: 3,
    replicas: 4,
    faults: parseFaultProfile('equivocate:+50@20s..40s,drop-out:1@50s'),
    craft: nodeFrameCraft(keys[3] as NodeKeys, config, nobleCrypto),
    isPrimary: () => false,
    nowMs: () => nowMs,
  });
  const sender = chan(3);
  const at = (ms: number): number | undefined => {
    nowMs = ms;
    const before = inner.sent.length;
    f.send(2, sender.seal(2, writeBody(10)));
    const s = inner.sent[before];
    return s === undefined ? undefined : receivedValue(2, s.bytes);
  };
  t.is(at(19_999), 10, 'before the window: the truth');
  t.is(at(20_000), 60, 'inside: the lie');
  t.is(at(39_999), 60);
  t.is(at(40_000), 10, 'after: the truth again');
  t.is(at(50_000), undefined, 'drop-out from 50 s on');
  // An unknown epoch (a runner has not written it yet) is before every window.
  nowMs = Number.NEGATIVE_INFINITY;
  t.is(at(Number.NEGATIVE_INFINITY), 10);
});

test('delay-out jitter spreads the delay over delay ± jitter', async (t) => {
  const inner = new Recorder();
  const r = [0, 0.999];
  let i = 0;
  const f = new FaultyPeerTransport(inner, { self: 0, replicas: 4, faults: parseFaultProfile('delay-out:20ms~20ms'), craft: nodeFrameCraft(keys[0] as NodeKeys, config, nobleCrypto), isPrimary: () => false, random: () => r[i++ % 2]! });
  f.send(1, Uint8Array.of(1)); // 0 ms
  f.send(1, Uint8Array.of(2)); // ~40 ms
  await new Promise((res) => setTimeout(res, 15));
  t.deepEqual(inner.sent.map((s) => s.bytes[0]), [1], 'the first one left at once');
  await new Promise((res) => setTimeout(res, 60));
  t.deepEqual(inner.sent.map((s) => s.bytes[0]), [1, 2]);
  await f.close();
});

test("wrong-values: the node's own write requests are skewed and re-sealed; forged frames stay forged", (t) => {
  const inner = new Recorder();
  const skew = new SkewingClientTransport(inner, { self: 1, offset: 50, craft: nodeFrameCraft(keys[1] as NodeKeys, config, nobleCrypto) });
  const got: Uint8Array[] = [];
  skew.onFrame((b) => got.push(b));
  const app = new Channel({ clusterId: clusterIdOf(CLUSTER), keys: clientEndpointKeys(keys[1] as NodeKeys), incarnation: 7, crypto: nobleCrypto });
  const req: Body = { kind: 'writeRequest', writeRequest: { requestId: 1, key: 'speed', writer: 'w1', publishTimeUs: 0, value: { kind: 'f64', f64: 12.5 } } };
  const from = { host: '127.0.0.1', port: 1 };
  inner.handler?.(app.seal(1, req), from);
  const status = app.seal(1, { kind: 'statusRequest', statusRequest: { requestId: 2 } });
  inner.handler?.(status, from);
  const forgedSrc = decodeFrame(app.seal(1, req));
  if (!forgedSrc.ok) return t.fail();
  const forged = encodeFrame({ ...forgedSrc.value, mac: new Uint8Array(32).fill(1) });
  inner.handler?.(forged, from);
  const replica = chan(1);
  const first = replica.open(got[0] as Uint8Array);
  t.true(first.ok && first.body.kind === 'writeRequest' && first.body.writeRequest.value.kind === 'f64' && first.body.writeRequest.value.f64 === 62.5);
  t.is(got[1], status, 'other requests pass untouched');
  t.is(got[2], forged, 'a forged request is not re-sealed');
  t.like(replica.open(forged), { ok: false, reason: 'bad-mac' });
  t.is(skew.counters()['fault.skewed'], 1);
});

test('crash-at kills without shutdown', async (t) => {
  let crashed = 0;
  let killed = 0;
  scheduleCrash(
    10,
    () => crashed++,
    () => killed++,
  );
  await new Promise((r) => setTimeout(r, 40));
  t.is(crashed, 1);
  t.is(killed, 1);
});
