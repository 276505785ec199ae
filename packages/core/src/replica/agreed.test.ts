/**
 * Agreed mode, replica level: 4 replicas (f = 1) on the in-test network, the pure noble crypto
 * (Ed25519 costs ~0.5 ms to sign and ~1.2 ms to verify here, so runs are kept short).
 * Timing (see _agreedKit): Δ = 1 ms, ε = 0.5 ms, π = 0.2 ms, b = 2 ms, view-change timeout
 * 30 ms -> closeBefore = b + 3(Δ+π) + ε = 6.1 ms, lead = 9.8 ms.
 */
import test from 'ava';
import type { Body, Write } from '@bftkvs/msgs';
import { encodeBatch } from '@bftkvs/msgs';
import { Channel } from '../auth/channel.js';
import { nobleCrypto } from '../auth/crypto.js';
import { WriteAuthenticator } from '../auth/writeAuth.js';
import { clusterIdOf } from '../cluster.js';
import type { AgreedReplica } from './agreed.js';
import { createReplica } from './create.js';
import type { Replica } from './types.js';
import { TestNet, fuse, slotSummary } from './_testCluster.test.js';
import { agreedConfig } from './_agreedKit.test.js';

const START = 1_000_000_000;
const T1 = START + 20_000;
const HOST = { wheel_a: 0, wheel_b: 1, wheel_c: 2 } as const;
type Writer = keyof typeof HOST;

function write(net: TestNet, writer: Writer, value: number, t: number): void {
  const r = net.at(HOST[writer], (rep, now) => rep.write({ key: 'speed', writer, value, publishTimeUs: t }, now));
  if (!r.ok) throw new Error(`${writer}: ${r.error.code} ${r.error.message}`);
}

const agreed = (net: TestNet, i: number): AgreedReplica => net.replicas[i] as AgreedReplica;

function assertIdentical(t: import('ava').ExecutionContext, net: TestNet, replicas: readonly number[]): Record<string, string> {
  const first = slotSummary(net.published(replicas[0] as number));
  for (const r of replicas.slice(1)) t.deepEqual(slotSummary(net.published(r)), first, `replica ${r} differs from replica ${replicas[0]}`);
  return first;
}

/** A Byzantine replica `id` speaking with its real keys but outside the protocol (its replica is not run). */
function attacker(net: TestNet, id: number) {
  const channel = new Channel({ clusterId: clusterIdOf(net.config.name), keys: net.keys[id]!, incarnation: 99, crypto: nobleCrypto });
  const auth = new WriteAuthenticator({ keys: net.keys[id]!, crypto: nobleCrypto, signatures: net.config.signatures, writers: net.config.writers });
  return {
    send(to: number, body: Body, delayUs = 300): void {
      net.inject(to, channel.seal(to, body), delayUs, id);
    },
    write(writer: string, f64: number, t: number): Write {
      return { key: 'speed', publishTimeUs: t, writer, value: { kind: 'f64', f64 }, origin: id, issuedAtUs: START };
    },
    auth,
  };
}

test('4 replicas, 3 writers: identical agreed slots everywhere, visible at t and not before', (t) => {
  const net = new TestNet(agreedConfig(), START, { delayUs: (from, to, n) => 200 + ((from * 7 + to * 3 + n * 5) % 9) * 100 });
  net.run(START + 1_000);
  write(net, 'wheel_a', 10, T1);
  write(net, 'wheel_b', 11, T1);
  write(net, 'wheel_c', 12, T1);
  write(net, 'wheel_a', 20, T1 + 10_000);
  write(net, 'wheel_b', 21, T1 + 10_000);
  net.run(START + 5_000);
  write(net, 'wheel_c', 22, T1 + 10_000);
  net.run(T1 - 1);
  for (let i = 0; i < 4; i++) {
    t.deepEqual(net.published(i), [], `replica ${i}: nothing visible before the publish time`);
    const early = net.at(i, (r, now) => r.read('speed', 0, now));
    t.false(early.ok, 'a read never returns a slot before its publish time');
  }
  net.run(T1);
  for (let i = 0; i < 4; i++) t.is(net.published(i).length, 1, `replica ${i} published T1 exactly at T1`);
  net.run(T1 + 12_000);
  const s = assertIdentical(t, net, [0, 1, 2, 3]);
  t.deepEqual(Object.keys(s), [`speed@${T1}`, `speed@${T1 + 10_000}`]);
  for (let i = 0; i < 4; i++) {
    const [a, b] = net.published(i);
    t.is(a?.value, 11);
    t.is(b?.value, 21);
    t.true(a?.agreed && b?.agreed);
    t.is(net.eventsOf(i, 'agreed').length, 2);
    const read = net.at(i, (r, now) => r.read('speed', T1, now));
    t.true(read.ok && read.value.value === 21 && read.value.agreed);
    const h = net.at(i, (r, now) => r.health(now));
    t.like(h, { mode: 'agreed', view: 0, primary: 0, deadlineMisses: 0, ready: true });
    t.true(h.stableSeq > 0, 'checkpoints became stable');
    t.is(agreed(net, i).counter('internal-error'), 0);
  }
  t.deepEqual(agreed(net, 1).stateDigest(), agreed(net, 3).stateDigest());
});

test('a write that reaches the replicas after its slot closed is dropped identically; the origin’s local admission does not sneak it in', (t) => {
  const config = agreedConfig({}, { faultyWriters: 0, minWriters: 2 });
  // Everything replica 2 sends arrives 14 ms late (its write too); 0, 1, 3 are a quorum.
  const net = new TestNet(config, START, { delayUs: (from) => (from === 2 ? 14_000 : 400) });
  net.run(START + 1_000);
  write(net, 'wheel_a', 10, T1);
  write(net, 'wheel_b', 11, T1);
  write(net, 'wheel_c', 99, T1); // admitted with 19 ms of lead, delivered 5 ms after T1 − closeBefore
  net.run(T1 + 40_000);
  const s = assertIdentical(t, net, [0, 1, 2, 3]);
  t.regex(s[`speed@${T1}`] ?? '', /from wheel_a=10,wheel_b=11 agreed=true/, 'wheel_c is in no replica’s slot — not even at its origin');
  // The primary got it after the close time: never put into a batch (dropped as late/expired).
  t.true(agreed(net, 0).counter('writes.late') + agreed(net, 0).counter('pending.expired') > 0);
  t.is(agreed(net, 0).counter('batches.writes'), 2);
});

test('primary crash: view change, slots resume; slots undecided at t are counted, published late, never different', (t) => {
  const config = agreedConfig({}, { faultyWriters: 0, minWriters: 2 });
  const net = new TestNet(config, START);
  net.run(START + 1_000);
  const slots = Array.from({ length: 12 }, (_, k) => T1 + k * 10_000);
  let next = 0;
  const crashAt = START + 30_000;
  for (let now = START + 1_000; now <= START + 140_000; now += 1_000) {
    net.run(now);
    if (now === crashAt) net.crashed.add(0);
    // Each slot is written 15 ms ahead by every live writer.
    while (next < slots.length && (slots[next] as number) - now <= 15_000) {
      for (const w of ['wheel_a', 'wheel_b', 'wheel_c'] as const) if (!net.crashed.has(HOST[w])) write(net, w, next, slots[next] as number);
      next++;
    }
  }
  net.run(START + 160_000);
  const s = assertIdentical(t, net, [1, 2, 3]);
  for (const i of [1, 2, 3]) {
    t.true(net.eventsOf(i, 'view').some((e) => e.view >= 1 && e.primary !== 0), `replica ${i} moved to a view without the crashed primary`);
    const h = net.at(i, (r, now) => r.health(now));
    t.true(h.deadlineMisses > 0, 'slots that could not be decided by t are counted');
    t.true(agreed(net, i).counter('agreed.undecided-at-deadline') > 0);
  }
  const last = slots[slots.length - 1] as number;
  t.regex(s[`speed@${last}`] ?? '', /wheel_b=11,wheel_c=11/, 'after the view change slots are complete again');
  // Every replica decided the last slot on time: visible exactly at its publish time.
  t.true(net.published(1).some((x) => x.publishTimeUs === last));
});

test('equivocating origin: every replica publishes the first ordered value; replicas that saw both report the equivocation', (t) => {
  const config = agreedConfig({}, { faultyWriters: 0, minWriters: 2 });
  const net = new TestNet(config, START);
  net.crashed.add(2); // replica 2 (host of wheel_c) is the attacker; 0, 1, 3 are a quorum
  const evil = attacker(net, 2);
  net.run(START + 1_000);
  write(net, 'wheel_a', 10, T1);
  write(net, 'wheel_b', 11, T1);
  const a = evil.auth.authenticateWrite(evil.write('wheel_c', 12, T1));
  const b = evil.auth.authenticateWrite(evil.write('wheel_c', 500, T1));
  for (const r of [0, 1]) evil.send(r, { kind: 'write', write: { write: a, hop: 0 } });
  evil.send(3, { kind: 'write', write: { write: b, hop: 0 } });
  net.run(START + 3_000);
  for (const r of [0, 1]) evil.send(r, { kind: 'write', write: { write: b, hop: 0 } });
  net.run(T1 + 10_000);
  const s = assertIdentical(t, net, [0, 1, 3]);
  t.regex(s[`speed@${T1}`] ?? '', /wheel_c=12 /, 'the value the primary ordered first');
  for (const i of [0, 1, 3]) {
    t.deepEqual(
      net.eventsOf(i, 'equivocation').map((e) => [e.writer, e.origin, e.publishTimeUs]),
      [['wheel_c', 2, T1]],
      `replica ${i} names the equivocator once`,
    );
    t.true(agreed(net, i).suspicionCount(2, 'equivocation') > 0);
  }
});

test('backups refuse batches with a bad timestamp, a sync proposal or garbage, and suspect the primary', (t) => {
  const net = new TestNet(agreedConfig(), START);
  net.crashed.add(0); // the attacker is the primary of view 0
  const evil = attacker(net, 0);
  net.run(START + 1_000);
  const now = START + 1_000;
  const pp = (seq: number, batch: Uint8Array): Body => ({ kind: 'prePrepare', prePrepare: { view: 0, seq, batch } });
  const beacon = (tauUs: number): Uint8Array => encodeBatch({ tauUs, writes: [], sync: null });
  for (const r of [1, 2, 3]) evil.send(r, pp(1, beacon(now)), 100);
  net.run(START + 10_000);
  t.is(agreed(net, 1).executedSeq(), 1, 'a good batch is ordered');
  const executed = agreed(net, 1).tauEffUs();
  const cases: [number, Uint8Array][] = [
    [2, beacon(executed)], // not above the executed tau
    [3, beacon(START + 10_000 + 50_000)], // far ahead of the backups' clocks
    [5, encodeBatch({ tauUs: START + 10_000, writes: [], sync: { round: 1, fromUs: 0, toUs: 1, reports: [] } })],
    [6, new Uint8Array([0xff, 0xff, 0xff])],
  ];
  for (const [seq, batch] of cases) for (const r of [1, 2, 3]) evil.send(r, pp(seq, batch), 100);
  net.run(START + 12_000);
  for (const r of [1, 2, 3]) {
    const rep = agreed(net, r);
    t.is(rep.counter('pbft.rejected.bad-batch'), 4, `replica ${r} refused all four`);
    t.is(rep.counter('batches.rejected.bad-timestamp'), 2);
    t.true(rep.suspicionCount(0, 'bad-timestamp') >= 1);
    t.true(rep.suspicionCount(0, 'bad-batch') >= 1);
    t.is(rep.executedSeq(), 1);
  }
});

/**
 * The primary (replica 0, the attacker) sends seq 1 on time, then seqs 2, 3, … every `gapUs`
 * from START + 10 ms; `lagUs(seq)` says how far each τ is behind the send time.
 */
function stampedBatches(net: TestNet, count: number, gapUs: number, lagUs: (seq: number) => number): void {
  net.crashed.add(0);
  const evil = attacker(net, 0);
  net.run(START + 1_000);
  const pp = (seq: number, tauUs: number): Body => ({ kind: 'prePrepare', prePrepare: { view: 0, seq, batch: encodeBatch({ tauUs, writes: [], sync: null }) } });
  for (const r of [1, 2, 3]) evil.send(r, pp(1, START + 1_000), 100);
  for (let seq = 2; seq < 2 + count; seq++) {
    const sentUs = START + 10_000 + (seq - 2) * gapUs;
    net.run(sentUs);
    for (const r of [1, 2, 3]) evil.send(r, pp(seq, sentUs - lagUs(seq)), 100);
  }
}

test('a batch whose τ lags the backups\' clocks is ordered, and lagging now and then is no suspicion', (t) => {
  // Tolerance ε + Δ + π = 1.7 ms; every other batch lags 3 ms (a backup busy when it arrived,
  // a primary busy after stamping it), across more than two keepalives (15 ms).
  const net = new TestNet(agreedConfig(), START);
  stampedBatches(net, 6, 4_000, (seq) => (seq % 2 === 0 ? 3_000 : 0));
  net.run(START + 10_000 + 5 * 4_000 + 2_000);
  for (const r of [1, 2, 3]) {
    const rep = agreed(net, r);
    t.is(rep.executedSeq(), 7, `replica ${r} ordered every batch`);
    t.is(rep.counter('batches.rejected.bad-timestamp'), 0);
    t.is(rep.counter('batches.tau-lagging'), 3);
    t.is(rep.suspicionCount(0, 'bad-timestamp'), 0, `replica ${r} does not suspect the primary`);
    t.is(net.eventsOf(r, 'view').length, 0, 'no view change');
  }
});

test('a primary whose every batch lags for two keepalives is suspected of holding back time', (t) => {
  const net = new TestNet(agreedConfig(), START);
  stampedBatches(net, 6, 4_000, () => 5_000);
  net.run(START + 10_000 + 5 * 4_000 + 1_000);
  for (const r of [1, 2, 3]) {
    const rep = agreed(net, r);
    t.true(rep.executedSeq() >= 5, `replica ${r} ordered the lagging batches until it suspected (${rep.executedSeq()})`);
    t.is(rep.counter('batches.tau-held'), 1);
    t.true(rep.suspicionCount(0, 'bad-timestamp') >= 1, `replica ${r} suspects the primary`);
    t.true(net.eventsOf(r, 'suspect').some((e) => e.reason === 'bad-timestamp' && /batches in \d+ µs all lagged/.test(e.detail)));
  }
  net.run(START + 10_000 + 5 * 4_000 + 40_000);
  for (const r of [1, 2, 3]) t.true(net.eventsOf(r, 'view').some((e) => e.view >= 1), `replica ${r} moved to a new view`);
});

test('lagging batches of the old view are not blamed on the new primary (a NewView\'s batches are validated before the view event)', (t) => {
  // White-box: the engine validates the batches it buffered for the new view inside the input
  // that installs it, before the replica sees the view event that resets the lag run. Two
  // keepalives = 15 ms here. Regression: agreed f = 2, seed 2359.
  const net = new TestNet(agreedConfig(), START);
  const backup = agreed(net, 2) as unknown as { observeTauLag(tau: number, nowUs: number, view: number): void; heldTimeDetail: { view: number; detail: string } | undefined };
  const lagUs = 5_000;
  const at = (nowUs: number, view: number): void => backup.observeTauLag(nowUs - lagUs, nowUs, view);
  at(START + 10_000, 0);
  at(START + 20_000, 0);
  at(START + 30_000, 1);
  t.is(backup.heldTimeDetail, undefined, 'the new primary is not suspected for the old one\'s lag');
  at(START + 40_000, 1);
  at(START + 46_000, 1);
  t.is(backup.heldTimeDetail?.view, 1, 'a new primary that lags itself for two keepalives still is');
});

test('a primary held past a slot\'s close time still orders the writes that waited for it (no censorship suspicion)', (t) => {
  // Closing the slot without them would be right by the clock, but every backup relayed them
  // in time and would suspect the primary of censorship. closeBefore = 6.1 ms: the slot of T1
  // closes at T1 − 6.1 ms; the primary's event loop is held from the writes until 2 ms after that.
  const net = new TestNet(agreedConfig(), START);
  net.run(START + 5_000);
  write(net, 'wheel_a', 10, T1);
  write(net, 'wheel_b', 11, T1);
  write(net, 'wheel_c', 12, T1);
  const closeUs = T1 - 6_100;
  net.heldUntilUs.set(0, closeUs + 2_000);

  net.run(T1 + 12_000);
  const s = assertIdentical(t, net, [0, 1, 2, 3]);
  t.regex(s[`speed@${T1}`] ?? '', /wheel_a=10,wheel_b=11,wheel_c=12/, 'every write joined the slot');
  t.true(agreed(net, 0).counter('batches.late-stamped') >= 1, 'the primary stamped the batch at the close time');
  for (const r of [1, 2, 3]) {
    t.is(agreed(net, r).suspicionCount(0, 'censorship'), 0, `replica ${r} does not suspect the primary`);
    t.is(net.eventsOf(r, 'view').length, 0);
  }
});

test('a backup that notices its own event loop was held does not blame the primary for the batches that waited on it', (t) => {
  // Replica 3 is held for two and a half keepalives; everything it reads afterwards lagged
  // because of it, not because the primary held back time.
  const net = new TestNet(agreedConfig(), START);
  net.run(START + 5_000);
  const slots = Array.from({ length: 8 }, (_, k) => T1 + k * 10_000);
  net.heldUntilUs.set(3, START + 10_000 + 40_000);
  let next = 0;
  for (let now = START + 5_000; now <= T1 + 90_000; now += 1_000) {
    net.run(now);
    while (next < slots.length && (slots[next] as number) - now <= 15_000) {
      for (const w of ['wheel_a', 'wheel_b', 'wheel_c'] as const) write(net, w, next, slots[next] as number);
      next++;
    }
  }
  t.true(agreed(net, 3).counter('event-loop.held') >= 1, 'replica 3 noticed the hold');
  for (const r of [0, 1, 2]) t.is(agreed(net, r).counter('event-loop.held'), 0, `replica ${r} was never held`);
  t.is(agreed(net, 3).suspicionCount(0, 'bad-timestamp'), 0);
  t.is(net.eventsOf(3, 'view').length, 0);
  assertIdentical(t, net, [0, 1, 2, 3]);
});

test('late writes that need several batches all join their slot (τ leaves room below the close time)', (t) => {
  // N = 7: a batch holds two writes (744 B), so the three writes held at the primary past their
  // slot's close time need two batches. Stamping the first at the close time would leave no
  // room: the second's τ would be above it and close the slot on the third write.
  const replicas = [0, 1, 2, 3, 4, 5, 6];
  const net = new TestNet(agreedConfig({}, {}, 7, 2), START);
  net.run(START + 5_000);
  write(net, 'wheel_a', 10, T1);
  write(net, 'wheel_b', 11, T1);
  write(net, 'wheel_c', 12, T1);
  net.heldUntilUs.set(0, T1 - 6_100 + 2_000);

  net.run(T1 + 12_000);
  const s = assertIdentical(t, net, replicas);
  t.regex(s[`speed@${T1}`] ?? '', /wheel_a=10,wheel_b=11,wheel_c=12/, 'every write joined the slot');
  t.true(agreed(net, 0).counter('batches.late-stamped') >= 2, 'two late-stamped batches');
  for (const r of replicas.slice(1)) t.is(agreed(net, r).suspicionCount(0, 'censorship'), 0, `replica ${r} does not suspect the primary`);
});

test('a primary draining a backlog after a long hold skips whole slots already past their publish time, so the slots that can still be on time are', (t) => {
  // The primary is held for 100 ms (below the 300 ms view-change timeout, so no view change
  // ends it) while two writers keep writing each 10 ms slot 15 ms ahead. Ordering that backlog
  // oldest first (several batches at one per b = 2 ms) would cut the first writes written after
  // the hold past their close time; skipping the slots that are already past their publish time
  // keeps them on time, and the backups, whose relayed writes those slots closed without, do not
  // call it censorship: the slots were past their publish time at their clocks too.
  const timing = { networkDelayMs: 1, clockSkewMs: 0.5, processingMs: 0.2, batchIntervalMs: 2, viewChangeTimeoutMs: 300, checkpointInterval: 4 };
  const net = new TestNet(agreedConfig({ timing }, { faultyWriters: 0, minWriters: 2 }), START);
  const resumeUs = START + 110_000;
  net.heldUntilUs.set(0, resumeUs);
  const slots = Array.from({ length: 20 }, (_, k) => T1 + k * 10_000);
  const firstSeenUs = new Map<string, number>();
  let next = 0;
  for (let now = START + 1_000; now <= START + 240_000; now += 500) {
    net.run(now);
    while (next < slots.length && (slots[next] as number) - now <= 15_000) {
      write(net, 'wheel_b', next, slots[next] as number);
      write(net, 'wheel_c', next, slots[next] as number);
      next++;
    }
    for (const r of [0, 1, 2, 3]) {
      for (const p of net.published(r)) {
        const id = `${r}/${p.publishTimeUs}`;
        if (!firstSeenUs.has(id)) firstSeenUs.set(id, now);
      }
    }
  }
  t.true(agreed(net, 0).counter('batches.expired-slots-skipped') >= 1, 'the primary skipped expired slots');
  const closeBeforeUs = 6_100;
  const onTime = slots.filter((s) => s - closeBeforeUs >= resumeUs);
  t.true(onTime.length >= 8);
  const summary = assertIdentical(t, net, [0, 1, 2, 3]);
  for (const s of onTime) {
    t.regex(summary[`speed@${s}`] ?? '', /wheel_b=\d+,wheel_c=\d+/, `slot ${s - START} µs holds both writes`);
    for (const r of [0, 1, 2, 3]) {
      const seenUs = firstSeenUs.get(`${r}/${s}`);
      t.true(seenUs !== undefined && seenUs <= s, `replica ${r} published slot ${s - START} µs by its publish time (at ${seenUs === undefined ? 'never' : seenUs - START})`);
    }
  }
  for (const r of [1, 2, 3]) {
    t.is(agreed(net, r).suspicionCount(0, 'censorship'), 0, `replica ${r} does not suspect the primary`);
    t.true(agreed(net, r).counter('censorship.excused-expired-slot') >= 1, `replica ${r} saw slots close without its relayed writes`);
    t.is(net.eventsOf(r, 'view').length, 0);
  }
});

test('a primary that closes a slot before its publish time without writes the backups relayed is suspected of censorship (the expired-slot excuse does not cover it)', (t) => {
  // The primary's code drops every write it receives (a censoring primary) and keeps cutting
  // beacons: the slot of T1 closes at T1 − 6.1 ms, before its publish time, without the writes
  // every backup relayed in time.
  const net = new TestNet(agreedConfig({}, { faultyWriters: 0, minWriters: 2 }), START);
  (agreed(net, 0) as unknown as { addPending: () => boolean }).addPending = () => false;
  net.run(START + 5_000);
  write(net, 'wheel_b', 1, T1);
  write(net, 'wheel_c', 2, T1);
  net.run(T1 + 30_000);
  for (const r of [1, 2, 3]) {
    t.true(agreed(net, r).suspicionCount(0, 'censorship') >= 1, `replica ${r} suspects the primary`);
    t.is(agreed(net, r).counter('censorship.excused-expired-slot'), 0, `replica ${r} does not excuse it`);
    t.true(net.eventsOf(r, 'view').some((e) => e.view >= 1), `replica ${r} moved to a new view`);
  }
});

test('a restarted backup fetches the state (f+1 / proven digest), then publishes the same slots as everyone', (t) => {
  const config = agreedConfig({}, { faultyWriters: 0, minWriters: 2 });
  const net = new TestNet(config, START);
  const slots = Array.from({ length: 12 }, (_, k) => T1 + k * 10_000);
  let next = 0;
  const restartAt = START + 60_000;
  for (let now = START + 1_000; now <= START + 140_000; now += 1_000) {
    net.run(now);
    if (now === restartAt) {
      // Replica 3 loses everything and comes back as a new incarnation.
      (net.replicas as Replica[])[3] = createReplica(config, { id: 3, keys: net.keys[3]!, crypto: nobleCrypto, incarnation: 2, fuse });
      net.events[3]!.length = 0;
    }
    while (next < slots.length && (slots[next] as number) - now <= 15_000) {
      for (const w of ['wheel_a', 'wheel_b', 'wheel_c'] as const) write(net, w, next * 10 + HOST[w], slots[next] as number);
      next++;
    }
  }
  net.run(START + 160_000);
  const fresh = agreed(net, 3);
  const transfers = net.eventsOf(3, 'state-transfer');
  t.deepEqual(transfers.map((e) => e.phase).slice(0, 2), ['started', 'completed']);
  t.true(fresh.counter('state.installed') >= 1);
  t.true(net.at(3, (r, now) => r.health(now)).ready);
  // Every slot the restarted replica announced is identical to the others'; it announced every
  // slot from shortly after its restart on.
  const others = slotSummary(net.published(0));
  const mine = slotSummary(net.published(3));
  for (const [k, v] of Object.entries(mine)) t.is(v as string | undefined, others[k], `slot ${k}`);
  for (const tt of slots.filter((x) => x >= restartAt + 30_000)) t.truthy(mine[`speed@${tt}`], `slot ${tt - START} published after the restart`);
  t.deepEqual(fresh.stateDigest(), agreed(net, 0).stateDigest());
});

test('memory stays bounded over a long run (pending writes, state, PBFT log, snapshots)', (t) => {
  const net = new TestNet(agreedConfig(), START);
  const samples: number[][] = [];
  let next = T1;
  for (let now = START + 1_000; now <= START + 600_000; now += 2_000) {
    net.run(now);
    while (next - now <= 15_000) {
      for (const w of ['wheel_a', 'wheel_b', 'wheel_c'] as const) write(net, w, 1, next);
      next += 10_000;
    }
    if ((now - START) % 50_000 === 0) samples.push(net.replicas.map((r) => { const m = r.memory(); return m.logEntries + m.pendingWrites + m.openSlots + m.decidedSlots; }));
  }
  const half = Math.floor(samples.length / 2);
  const peak = (xs: number[][]): number => Math.max(...xs.flat());
  t.true(peak(samples.slice(half)) <= peak(samples.slice(0, half)) * 1.2 + 10, `${peak(samples.slice(0, half))} -> ${peak(samples.slice(half))}`);
  for (const r of net.replicas) {
    const m = r.memory();
    t.true(m.pendingWrites <= 6, `pending ${m.pendingWrites}`);
    t.true(m.decidedSlots <= 20, 'the store keeps the key’s retention');
  }
  t.true(agreed(net, 0).executedSeq() > 100);
});

test('with signatures on, a write whose MAC entries are damaged is still accepted everywhere (signatures verify the same everywhere)', (t) => {
  const config = agreedConfig({ signatures: true }, { faultyWriters: 0, minWriters: 2 });
  const net = new TestNet(config, START);
  net.crashed.add(2);
  const evil = attacker(net, 2);
  net.run(START + 1_000);
  write(net, 'wheel_a', 10, T1);
  write(net, 'wheel_b', 11, T1);
  const aw = evil.auth.authenticateWrite(evil.write('wheel_c', 12, T1));
  const damaged = { ...aw, macs: aw.macs.map((m) => m.map((x) => x ^ 1)) };
  for (const r of [0, 1, 3]) evil.send(r, { kind: 'write', write: { write: damaged, hop: 0 } });
  net.run(T1 + 2_000);
  const s = assertIdentical(t, net, [0, 1, 3]);
  t.regex(s[`speed@${T1}`] ?? '', /wheel_c=12 /);
  for (const i of [0, 1, 3]) t.is(agreed(net, i).counter('batches.rejected.authenticator'), 0);
});

test('rejoin rule: a backup that left the view alone (cut off past its timeout) is brought back by a view change of the others', (t) => {
  const config = agreedConfig({}, { faultyWriters: 0, minWriters: 2 });
  const net = new TestNet(config, START);
  net.run(START + 1_000);
  const timeoutUs = config.timing.viewChangeTimeoutUs;
  const cutFrom = START + 20_000;
  const cutTo = cutFrom + 2 * timeoutUs; // replica 3 hears nothing for two timeouts: it leaves view 0
  const slots = Array.from({ length: 30 }, (_, k) => T1 + k * 10_000);
  let next = 0;
  for (let now = START + 1_000; now <= START + 320_000; now += 1_000) {
    net.outFilter = now >= cutFrom && now < cutTo ? (from, to) => from !== 3 && to !== 3 : () => true;
    net.run(now);
    while (next < slots.length && (slots[next] as number) - now <= 15_000) {
      for (const w of ['wheel_a', 'wheel_b', 'wheel_c'] as const) write(net, w, next, slots[next] as number);
      next++;
    }
  }
  net.run(START + 340_000);
  t.true(agreed(net, 3).counter('view-change.started') > 0, 'replica 3 left view 0 alone');
  const leftForPeer = [0, 1, 2].reduce((n, i) => n + agreed(net, i).counter('view.left-for-peer'), 0);
  t.true(leftForPeer > 0, 'the others left their view to bring it back');
  const views = [0, 1, 2, 3].map((i) => net.at(i, (r, now) => r.health(now)).view);
  t.true(views.every((v) => v === views[0] && v >= 1), `all in one view again: ${views.join(',')}`);
  // Back in the view, replica 3 publishes the last slots on time like everyone.
  const last = slots[slots.length - 1] as number;
  for (const i of [0, 1, 2, 3]) {
    const p = net.eventsOf(i, 'published').find((e) => e.slot.publishTimeUs === last);
    t.truthy(p, `replica ${i} published the last slot`);
  }
  assertIdentical(t, net, [0, 1, 2, 3]);
});
