/**
 * Hostile input at the replica boundary: receive() takes any bytes and never throws; every
 * rejection is counted; only authenticated misbehaviour leads to suspicion; what was
 * accepted before stays.
 */
import test from 'ava';
import fc from 'fast-check';
import type { AuthenticatedWrite, Body, Write } from '@bftkvs/msgs';
import { decodeBody, encodeBody, encodeWrite } from '@bftkvs/msgs';
import { Channel } from '../auth/channel.js';
import { nobleCrypto } from '../auth/crypto.js';
import { WriteAuthenticator } from '../auth/writeAuth.js';
import { clusterIdOf } from '../cluster.js';
import type { ReplicaBase } from './base.js';
import { TestNet, clusterInput, makeConfig, slotSummary } from './_testCluster.test.js';

const START = 1_000_000_000;
const T1 = START + 10_000;
const MODES = ['crash', 'fast'] as const;

function scenario(mode: 'crash' | 'fast', garbage: (net: TestNet) => void): TestNet {
  const net = new TestNet(makeConfig(clusterInput(mode, 4, 1)), START);
  for (const [w, h, v] of [['wheel_a', 0, 1], ['wheel_b', 1, 2], ['wheel_c', 2, 3]] as const) {
    net.at(h, (r, now) => r.write({ key: 'speed', writer: w, value: v, publishTimeUs: T1 }, now));
  }
  garbage(net);
  net.run(T1 + 1_000);
  return net;
}

const base = (net: TestNet, i: number): ReplicaBase => net.replicas[i] as ReplicaBase;

for (const mode of MODES) {
  test(`${mode}: arbitrary bytes are refused, counted, blamed on no one, and change nothing`, (t) => {
    const clean = scenario(mode, () => undefined);
    let n = 0;
    const injected = [0, 0, 0, 0];
    const dirty = scenario(mode, (net) => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 3 }), (bytes, to) => {
          net.inject(to, bytes, 100 + (n++ % 5_000));
          injected[to] = (injected[to] ?? 0) + 1;
          return true;
        }),
        { numRuns: 2_000 },
      );
    });
    for (let i = 0; i < 4; i++) {
      t.deepEqual(slotSummary(dirty.published(i)), slotSummary(clean.published(i)));
      t.is(base(dirty, i).counter('internal-error'), 0);
      t.deepEqual(dirty.eventsOf(i, 'suspect'), []);
      const refused = [...base(dirty, i).counters()].filter(([k]) => k.startsWith('channel.rejected.')).reduce((s, [, v]) => s + v, 0);
      // fast-check draws the targets unevenly: judge each replica by what it was sent.
      t.true(refused >= 0.8 * (injected[i] ?? 0) && refused > 0, `replica ${i} counted ${refused} refusals of ${injected[i]} garbage frames`);
    }
  });

  test(`${mode}: truncated, bit-flipped and replayed genuine frames are refused without effect`, (t) => {
    const clean = scenario(mode, () => undefined);
    const dirty = scenario(mode, (net) => {
      // The writes' genuine frames are in flight: replay each later, and deliver truncated
      // and bit-flipped copies of them before the genuine ones arrive.
      const genuine = net.inFlight();
      for (const d of genuine) net.inject(d.to, d.bytes, 3_000, d.from);
      fc.assert(
        fc.property(fc.nat({ max: genuine.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (k, p, xor) => {
          const d = genuine[k]!;
          const pos = p % d.bytes.length;
          const m = d.bytes.slice();
          m[pos] = (m[pos] as number) ^ xor;
          net.inject(d.to, m, 0);
          net.inject(d.to, d.bytes.subarray(0, pos), 0);
          return true;
        }),
        { numRuns: 1_000 },
      );
    });
    for (let i = 0; i < 4; i++) {
      t.deepEqual(slotSummary(dirty.published(i)), slotSummary(clean.published(i)));
      t.is(base(dirty, i).counter('internal-error'), 0);
      t.deepEqual(dirty.eventsOf(i, 'suspect'), []);
    }
    t.true(base(dirty, 0).counter('channel.rejected.replay') >= 1);
  });

  test(`${mode}: authenticated garbage from a faulty replica is counted and blamed on it; the slot is unaffected`, (t) => {
    const clean = scenario(mode, () => undefined);
    const dirty = scenario(mode, (net) => {
      const evilId = 3;
      const channel = new Channel({ clusterId: clusterIdOf(net.config.name), keys: net.keys[evilId]!, incarnation: 1_000, crypto: nobleCrypto });
      const auth = new WriteAuthenticator({ keys: net.keys[evilId]!, crypto: nobleCrypto, signatures: false, writers: net.config.writers });
      const send = (to: number, body: Body): void => net.inject(to, channel.seal(to, body), 200, evilId);
      const w = (over: Partial<Write>): Write => ({ key: 'speed', publishTimeUs: T1, writer: 'wheel_x', value: { kind: 'f64', f64: 1 }, origin: evilId, issuedAtUs: START, ...over });
      for (const to of [0, 1, 2]) {
        // Undecodable write bytes, with a MAC vector.
        send(to, { kind: 'write', write: { hop: 0, write: { write: Uint8Array.of(1, 2, 3), macs: [new Uint8Array(32)], signature: new Uint8Array(0) } } });
        // A client message from a replica.
        send(to, { kind: 'readRequest', readRequest: { requestId: 1, key: 'speed', earliestUs: 0 } });
        // Arbitrary authenticated writes: unknown writers, wrong kinds, off-grid, unknown keys.
        fc.assert(
          fc.property(
            fc.record({
              key: fc.constantFrom('speed', 'nope'),
              writer: fc.constantFrom('wheel_x', 'wheel_a'),
              publishTimeUs: fc.constantFrom(T1, T1 + 1, T1 + 10_000, 1),
              value: fc.constantFrom<Write['value']>({ kind: 'f64', f64: 2 }, { kind: 'i64', i64: 2 }, { kind: 's', s: 'x' }),
              hop: fc.nat({ max: 5 }),
            }),
            ({ hop, ...over }) => {
              const aw: AuthenticatedWrite = auth.authenticateWrite(w(over));
              send(to, { kind: 'write', write: { write: aw, hop } });
              return true;
            },
          ),
          { numRuns: 60 },
        );
        // A write claiming another origin, with MACs only replica 3 could make.
        const bytes = encodeWrite(w({ writer: 'wheel_a', origin: 0 }));
        const digest = nobleCrypto.sha256(bytes);
        send(to, { kind: 'write', write: { hop: 0, write: { write: bytes, macs: [0, 1, 2, 3].map((j) => nobleCrypto.hmacSha256(net.keys[evilId]!.macKeys.get(j)!).mac(digest)), signature: new Uint8Array(0) } } });
      }
    });
    for (const i of [0, 1, 2]) {
      t.deepEqual(slotSummary(dirty.published(i)), slotSummary(clean.published(i)), `replica ${i}`);
      t.is(base(dirty, i).counter('internal-error'), 0);
      const suspects = dirty.eventsOf(i, 'suspect');
      t.true(suspects.length > 0);
      t.true(suspects.every((s) => s.node === 3), 'only the faulty replica is suspected');
      t.true(base(dirty, i).suspicionCount(3, 'malformed') >= 2);
      t.true(base(dirty, i).suspicionCount(3, 'unauthorised-origin') >= 1);
      // Health stays encodable whatever happened.
      const body = encodeBody({ kind: 'statusReply', statusReply: { requestId: 1, health: dirty.replicas[i]!.health(T1) } });
      t.true(decodeBody(body).ok);
    }
  });
}

test('receive() survives inputs that are not byte arrays at all', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1)), START);
  for (const junk of [undefined, null, 'x', 42, {}, [1, 2], new Uint16Array(4)]) {
    t.notThrows(() => net.replicas[0]!.receive(junk as unknown as Uint8Array, START));
  }
  t.is(base(net, 0).counter('internal-error'), 0);
});
