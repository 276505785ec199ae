import test from 'ava';
import type { Body, Write } from '@bftkvs/msgs';
import { Channel } from '../auth/channel.js';
import { nobleCrypto } from '../auth/crypto.js';
import { WriteAuthenticator } from '../auth/writeAuth.js';
import { clusterIdOf } from '../cluster.js';
import type { SyncComponent, SyncHost } from './fast.js';
import { FastReplica } from './fast.js';
import { TestNet, clusterInput, makeConfig, slotSummary } from './_testCluster.test.js';

// Fast mode timing: lead = Δ + ε + 2π = 1.9 ms, slots close π = 0.2 ms before publication.
const START = 1_000_000_000;
const T1 = START + 10_000;
const HOST = { wheel_a: 0, wheel_b: 1, wheel_c: 2 } as const;

function write(net: TestNet, writer: keyof typeof HOST, value: number, t = T1): void {
  const r = net.at(HOST[writer], (rep, now) => rep.write({ key: 'speed', writer, value, publishTimeUs: t }, now));
  if (!r.ok) throw new Error(`${writer}: ${r.error.code} ${r.error.message}`);
}

/** A Byzantine replica `id` speaking with its real keys but outside the protocol. */
function attacker(net: TestNet, id: number) {
  const channel = new Channel({ clusterId: clusterIdOf(net.config.name), keys: net.keys[id]!, incarnation: 99, crypto: nobleCrypto });
  const auth = new WriteAuthenticator({ keys: net.keys[id]!, crypto: nobleCrypto, signatures: net.config.signatures, writers: net.config.writers });
  const wire = (writer: string, f64: number, t = T1): Write => ({ key: 'speed', publishTimeUs: t, writer, value: { kind: 'f64', f64 }, origin: id, issuedAtUs: START });
  return {
    send(to: number, body: Body, delayUs = 300): void {
      net.inject(to, channel.seal(to, body), delayUs, id);
    },
    broadcastWrite(w: Write, to: readonly number[], delayUs = 300): void {
      const aw = auth.authenticateWrite(w);
      for (const r of to) net.inject(r, channel.seal(r, { kind: 'write', write: { write: aw, hop: 0 } }), delayUs, id);
    },
    wire,
  };
}

const fast = (net: TestNet, i: number): FastReplica => net.replicas[i] as FastReplica;

test('4 replicas, 3 writers on different replicas, one lying: the median masks it, all publish the same not-yet-agreed value', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1)), START);
  write(net, 'wheel_a', 10);
  write(net, 'wheel_b', 10.5);
  write(net, 'wheel_c', 1_000); // consistently wrong
  net.run(T1 + 1_000);
  const first = slotSummary(net.published(0));
  for (let i = 1; i < 4; i++) t.deepEqual(slotSummary(net.published(i)), first);
  for (let i = 0; i < 4; i++) {
    const slot = net.published(i)[0];
    t.is(slot?.value, 10.5);
    t.false(slot?.agreed);
    t.is(net.eventsOf(i, 'agreed').length, 0, 'agreement comes from synchronisation, not here');
  }
});

test('equivocating origin: replicas may diverge (documented), the replica that saw both values raises equivocation; adopting canonical contents repairs all', (t) => {
  // Two writers suffice here, so the canonical slot without the equivocator still publishes.
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 2 })), START);
  net.crashed.add(2); // replica 2 is driven by the attacker below
  const evil = attacker(net, 2);
  write(net, 'wheel_a', 10);
  write(net, 'wheel_b', 11);
  evil.broadcastWrite(evil.wire('wheel_c', 10), [0, 1], 300);
  evil.broadcastWrite(evil.wire('wheel_c', 1_000), [3, 1], 400);
  net.run(T1 + 1_000);

  const at0 = net.published(0)[0];
  const at3 = net.published(3)[0];
  t.is(at0?.value, 10);
  t.is(at3?.value, 11);
  t.notDeepEqual(slotSummary(net.published(0)), slotSummary(net.published(3)), 'fast mode alone does not give agreement under equivocation');

  const eq = net.eventsOf(1, 'equivocation');
  t.deepEqual(eq, [{ kind: 'equivocation', writer: 'wheel_c', origin: 2, key: 'speed', publishTimeUs: T1 }]);
  t.true(net.eventsOf(1, 'suspect').some((e) => e.node === 2 && e.reason === 'equivocation'));
  t.is(fast(net, 1).equivocations().length, 1);
  t.is(fast(net, 1).health(T1).suspects[0]?.reason, 'equivocation');
  t.is(net.published(1)[0]?.contributions.find((c) => c.writer === 'wheel_c')?.value, 10, 'the first value stays; nothing accepted is lost');

  // The report carries both writes of the equivocator, for the sync rule to exclude it.
  const report = fast(net, 1).reportSlots(T1, T1 + 1);
  t.is(report.length, 1);
  t.is(report[0]?.writes.length, 4);
  t.deepEqual(fast(net, 0).reportSlots(T1 + 1, T1 + 100), []);

  // What synchronisation would decide: the writer that equivocated is excluded.
  const canonical = [
    { writer: 'wheel_a', value: 10 },
    { writer: 'wheel_b', value: 11 },
  ];
  for (const i of [0, 1, 3]) {
    const r = net.at(i, (rep) => (rep as FastReplica).adoptCanonical('speed', T1, canonical));
    t.true(r.ok && r.value.changed);
  }
  for (const i of [0, 1, 3]) {
    const read = net.at(i, (rep, now) => rep.read('speed', T1, now));
    t.true(read.ok);
    if (read.ok) {
      t.is(read.value.value, 10.5);
      t.true(read.value.agreed);
      t.is(read.value.repairs, 1);
    }
    t.is(net.eventsOf(i, 'repaired').length, 1);
    t.is(net.eventsOf(i, 'agreed').length, 1);
    t.is(net.replicas[i]!.health(T1 + 2_000).slotsRepaired, 1);
  }
  // Adopting the same contents again changes nothing and emits nothing new.
  const again = net.at(0, (rep) => (rep as FastReplica).adoptCanonical('speed', T1, canonical));
  t.true(again.ok && !again.value.changed);
  t.is(net.eventsOf(0, 'agreed').length, 1);
});

test('a conflicting value arriving after the slot closed is still caught as equivocation', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START);
  net.crashed.add(2);
  const evil = attacker(net, 2);
  evil.broadcastWrite(evil.wire('wheel_c', 1), [0], 300);
  evil.broadcastWrite(evil.wire('wheel_c', 2), [0], T1 - START + 5_000);
  net.run(T1 + 6_000);
  t.is(net.eventsOf(0, 'equivocation').length, 1);
  t.is(net.published(0)[0]?.value, 1);
});

test('a late write (arriving after the slot closed) is refused everywhere but at its origin; too-close publish times are refused at write()', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START, {
    delayUs: (from) => (from === 0 ? 2_000 : 300),
  });
  net.run(T1 - 2_000);
  write(net, 'wheel_a', 5); // admitted with exactly the lead, but the network is slower than assumed
  net.run(T1 + 1_000);
  for (const i of [1, 2, 3]) {
    t.is(fast(net, i).counter('store.rejected.TOO_LATE'), 1, `replica ${i}`);
    t.deepEqual(net.published(i), []);
    t.deepEqual(net.eventsOf(i, 'suspect'), [], 'lateness is not blamed on anyone');
  }
  t.is(net.published(0)[0]?.value, 5);

  net.run(T1 + 10_000 - 1_899); // one microsecond short of the 1.9 ms lead
  const tooClose = net.at(0, (rep, now) => rep.write({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: T1 + 10_000 }, now));
  t.like(tooClose, { ok: false, error: { code: 'TOO_LATE' } });
});

test('a write issued by a replica for a writer it does not host is refused and its origin suspected', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START);
  net.crashed.add(3);
  const evil = attacker(net, 3);
  evil.broadcastWrite({ ...evil.wire('wheel_a', 666) }, [0, 1, 2]);
  net.run(T1 + 1_000);
  for (const i of [0, 1, 2]) {
    t.deepEqual(net.published(i), []);
    t.is(fast(net, i).counter('writes.rejected.unauthorised-origin'), 1);
    t.true(net.eventsOf(i, 'suspect').some((e) => e.node === 3 && e.reason === 'unauthorised-origin'));
  }
});

test('a relayed copy is accepted once (the authenticator proves the origin); duplicates are ignored', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START);
  net.outFilter = (from, to) => !(from === 0 && to === 3);
  write(net, 'wheel_a', 7);
  net.run(START + 1_000);
  // Replica 1 (say, a sync component) forwards what it holds to 3, twice.
  const held = fast(net, 1).reportSlots(T1, T1 + 1)[0]?.writes[0];
  if (held === undefined) return t.fail();
  const relay = attacker(net, 1);
  relay.send(3, { kind: 'write', write: { write: held, hop: 1 } });
  relay.send(3, { kind: 'write', write: { write: held, hop: 1 } });
  net.run(T1 + 1_000);
  t.is(net.published(3)[0]?.value, 7);
  t.is(fast(net, 3).counter('writes.accepted'), 1);
  t.is(fast(net, 3).counter('writes.duplicate'), 1);
});

test('held writes are retained a few sync periods, then dropped (bounded memory)', (t) => {
  const config = makeConfig(clusterInput('fast', 4, 1, { timing: { networkDelayMs: 1, clockSkewMs: 0.5, processingMs: 0.2, syncPeriodMs: 20 } }, { faultyWriters: 0, minWriters: 1 }));
  // Without a synchronisation component, so logEntries counts the held writes alone.
  const idle = (): SyncComponent => ({ receive: () => undefined, tick: () => undefined, nextTickUs: () => Number.POSITIVE_INFINITY, view: () => ({ view: 0, primary: 0, stableSeq: 0 }), logEntries: () => 0 });
  const net = new TestNet(config, START, { replicaOptions: () => ({ sync: idle }) });
  write(net, 'wheel_a', 1);
  net.run(T1 + 1_000);
  t.is(fast(net, 2).reportSlots(0, Number.MAX_SAFE_INTEGER).length, 1);
  t.true(fast(net, 2).memory().logEntries >= 1);
  net.run(T1 + 4 * 20_000 + 1_000);
  t.deepEqual(fast(net, 2).reportSlots(0, Number.MAX_SAFE_INTEGER), []);
  t.is(fast(net, 2).memory().logEntries, 0);
  t.is(fast(net, 2).memory().decidedSlots, 1, 'published slots follow the key retention, not this');
});

test('the sync seam: other protocol bodies and ticks go to the sync component, which can report and adopt', (t) => {
  const received: string[] = [];
  let host: SyncHost | undefined;
  const sync = (h: SyncHost): SyncComponent => {
    host = h;
    return {
      receive: (from, body) => received.push(`${from}:${body.kind}`),
      tick: () => undefined,
      nextTickUs: (now) => now + 5_000,
      view: () => ({ view: 3, primary: 3, stableSeq: 0 }),
      logEntries: () => 0,
    };
  };
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START, { replicaOptions: () => ({ sync }) });
  attacker(net, 2).send(0, { kind: 'commit', commit: { view: 1, seq: 2, digest: new Uint8Array(32) } });
  net.run(START + 1_000);
  t.true(received.includes('2:commit'));
  t.is(net.replicas[0]!.health(START).view, 3);
  const ready = net.replicas[0]!.ready();
  t.true(ready.nextTickUs <= START + 1_000 + 5_000);
  t.truthy(host);
});

test('adopting contents with too few writers retracts the slot everywhere (missed, never guessed)', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1)), START); // median: 3 writers needed
  write(net, 'wheel_a', 10);
  write(net, 'wheel_b', 11);
  write(net, 'wheel_c', 12);
  net.run(T1 + 1_000);
  const r = net.at(0, (rep) => (rep as FastReplica).adoptCanonical('speed', T1, [{ writer: 'wheel_a', value: 10 }]));
  t.true(r.ok && r.value.changed && r.value.slot === undefined);
  t.like(net.eventsOf(0, 'repaired')[0], { key: 'speed', publishTimeUs: T1, after: undefined });
  t.like(net.at(0, (rep, now) => rep.read('speed', T1, now)), { ok: false, error: { code: 'NO_FRESH_VALUE' } });
});

test('adopting contents for a slot this replica never had fills it (published and agreed at once)', (t) => {
  const net = new TestNet(makeConfig(clusterInput('fast', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START);
  net.run(T1 + 1_000);
  const r = net.at(3, (rep, now) => (rep as FastReplica).adoptCanonical('speed', T1, [{ writer: 'wheel_b', value: 4 }], now));
  t.true(r.ok && r.value.changed);
  t.deepEqual(net.events[3]?.map((e) => e.kind), ['repaired', 'published', 'agreed']);
});
