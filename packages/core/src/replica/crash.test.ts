import test from 'ava';
import fc from 'fast-check';
import type { AuthenticatedWrite, Body, PublishedSlot as WireSlot, StateReply, SyncReport } from '@bftkvs/msgs';
import { MAX_BODY_BYTES, decodeBody, encodeBody } from '@bftkvs/msgs';
import { Channel } from '../auth/channel.js';
import { nobleCrypto } from '../auth/crypto.js';
import { WriteAuthenticator } from '../auth/writeAuth.js';
import { clusterIdOf } from '../cluster.js';
import type { PublishedSlot } from '../slotStore.js';
import type { Replica, ReplicaEvent } from './types.js';
import { TestNet, clusterInput, fuse, makeConfig, slotSummary } from './_testCluster.test.js';
import { CrashReplica } from './crash.js';
import type { HeldWrite } from './crashRejoin.js';
import { SnapshotAssembler, buildSnapshot, snapshotDigest } from './crashRejoin.js';
import { createReplica } from './create.js';

// Timing (cluster defaults in _testCluster): Δ = 1 ms, ε = 0.5 ms, π = 0.2 ms -> h = 1.7 ms.
const START = 1_000_000_000; // on the 10 ms grid
const T1 = START + 10_000;

function writeAll(net: TestNet, t: number, values: Partial<Record<'wheel_a' | 'wheel_b' | 'wheel_c', number>>): void {
  const host = { wheel_a: 0, wheel_b: 1, wheel_c: 2 } as const;
  for (const [writer, value] of Object.entries(values) as [keyof typeof host, number][]) {
    const r = net.at(host[writer], (rep, now) => rep.write({ key: 'speed', writer, value, publishTimeUs: t }, now));
    if (!r.ok) throw new Error(`${writer}: ${r.error.code} ${r.error.message}`);
  }
}

function assertIdentical(t: import('ava').ExecutionContext, net: TestNet, replicas = net.correct()): Record<string, string> {
  const first = slotSummary(net.published(replicas[0] as number));
  for (const r of replicas.slice(1)) t.deepEqual(slotSummary(net.published(r)), first, `replica ${r} differs from replica ${replicas[0]}`);
  return first;
}

test('lead and deadlines follow the formula: lead = (f+1)h + π, D(k) = t − π − (f − k)h', (t) => {
  const config = makeConfig(clusterInput('crash', 4, 1));
  t.is(config.timing.leadUs, 2 * 1_700 + 200);
  t.is(config.timing.closeBeforeUs, 200);
  const net = new TestNet(config, START);
  const r = net.replicas[0] as CrashReplica;
  t.is(r.acceptDeadlineUs(T1, 0), T1 - 200 - 1_700);
  t.is(r.acceptDeadlineUs(T1, 1), T1 - 200);
});

test('4 replicas, f=1: every replica publishes the same agreed slot at its publish time', (t) => {
  const net = new TestNet(makeConfig(clusterInput('crash', 4, 1)), START, { delayUs: (from, to, n) => 200 + ((from * 7 + to * 3 + n * 5) % 9) * 100 });
  writeAll(net, T1, { wheel_a: 10, wheel_b: 10.5, wheel_c: 11 });
  net.run(T1 - 1);
  t.deepEqual(net.published(0), [], 'nothing visible before the publish time');
  net.run(T1 + 1_000);
  const s = assertIdentical(t, net);
  t.deepEqual(Object.keys(s), [`speed@${T1}`]);
  for (let i = 0; i < 4; i++) {
    const slot = net.published(i)[0];
    t.is(slot?.value, 10.5);
    t.true(slot?.agreed);
    t.is(net.eventsOf(i, 'agreed').length, 1);
    const read = net.at(i, (rep, now) => rep.read('speed', T1, now));
    t.true(read.ok && read.value.agreed && read.value.value === 10.5);
  }
});

test('origin crashing mid-broadcast (its copy reaches one replica) still yields identical sets', (t) => {
  const net = new TestNet(makeConfig(clusterInput('crash', 4, 1)), START);
  net.outFilter = (from, to) => from !== 0 || to === 1;
  writeAll(net, T1, { wheel_a: 10 });
  net.crashed.add(0);
  net.outFilter = () => true;
  writeAll(net, T1, { wheel_b: 10.5, wheel_c: 11 });
  net.run(T1 + 1_000);
  const s = assertIdentical(t, net, [1, 2, 3]);
  t.regex(s[`speed@${T1}`] ?? '', /wheel_a=10,wheel_b=10.5,wheel_c=11/, 'the relay carried the crashed origin’s write to everyone');
  t.true((net.replicas[1] as CrashReplica).counter('writes.relayed') >= 1);
});

test('origin crashing before any copy left: no correct replica has the write, all agree on that', (t) => {
  const net = new TestNet(makeConfig(clusterInput('crash', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START);
  net.outFilter = (from) => from !== 0;
  writeAll(net, T1, { wheel_a: 10 });
  net.crashed.add(0);
  writeAll(net, T1, { wheel_b: 10.5 });
  net.run(T1 + 1_000);
  const s = assertIdentical(t, net, [1, 2, 3]);
  t.regex(s[`speed@${T1}`] ?? '', /from wheel_b=10.5 /);
});

test('f=2 with 3 replicas: identical agreed slots, and a crash chain (origin -> 1 -> crash) still reaches the survivor', (t) => {
  const config = makeConfig(clusterInput('crash', 3, 2, {}, { faultyWriters: 0, minWriters: 1 }));
  t.is(config.timing.leadUs, 3 * 1_700 + 200);
  const net = new TestNet(config, START);
  writeAll(net, T1, { wheel_a: 1, wheel_b: 2, wheel_c: 3 });
  net.run(T1 + 1_000);
  assertIdentical(t, net);
  t.is(net.published(2)[0]?.contributions.length, 3);

  const T2 = T1 + 10_000;
  net.outFilter = (from, to) => !(from === 0 && to === 2) && !(from === 1 && to === 0);
  writeAll(net, T2, { wheel_a: 7 });
  net.run(net.realUs + 600); // replica 1 received hop 0 and relayed hop 1 to 2 only
  net.crashed.add(0);
  net.crashed.add(1);
  net.run(T2 + 1_000);
  t.regex(slotSummary(net.published(2))[`speed@${T2}`] ?? '', /wheel_a=7/);
});

test('f=2 with 4 replicas: a two-crash relay chain (0 -> 1 -> 2, both crash) reaches every correct replica', (t) => {
  const net = new TestNet(makeConfig(clusterInput('crash', 4, 2, {}, { faultyWriters: 0, minWriters: 1 })), START);
  net.outFilter = (from, to) => (from === 0 ? to === 1 : from === 1 ? to === 2 : true);
  writeAll(net, T1, { wheel_a: 4 });
  net.run(net.realUs + 600); // 1 accepted hop 0, relayed hop 1 to 2 only
  net.crashed.add(0);
  net.crashed.add(1);
  writeAll(net, T1, { wheel_c: 5 });
  net.run(T1 + 1_000);
  const s = assertIdentical(t, net, [2, 3]);
  t.regex(s[`speed@${T1}`] ?? '', /wheel_a=4,wheel_c=5/);
  t.true((net.replicas[3] as CrashReplica).counter('writes.accepted') >= 1);
});

test('a slow origin link is bypassed by relays; copies later than the hop deadline are refused and counted', (t) => {
  const net = new TestNet(makeConfig(clusterInput('crash', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START, {
    delayUs: (from, to) => (from === 0 && to === 3 ? 9_000 : 500),
  });
  writeAll(net, T1, { wheel_a: 4 });
  net.run(T1 + 1_000);
  assertIdentical(t, net);
  const r3 = net.replicas[3] as CrashReplica;
  t.is(r3.counter('writes.accepted'), 1, 'accepted from a relay at hop 1');

  // All of the origin's links are slower than the assumption: outside the model, counted.
  const net2 = new TestNet(makeConfig(clusterInput('crash', 4, 1, {}, { faultyWriters: 0, minWriters: 1 })), START, {
    delayUs: (from) => (from === 0 ? 9_000 : 500), // arrives after D(0) = t − 1.9 ms
  });
  writeAll(net2, T1, { wheel_a: 4 });
  net2.run(T1 + 1_000);
  for (const i of [1, 2, 3]) t.is((net2.replicas[i] as CrashReplica).counter('writes.rejected.late-hop'), 1);
});

test('write(): the writer must be hosted here, the lead respected; rejections are immediate and counted', (t) => {
  const net = new TestNet(makeConfig(clusterInput('crash', 4, 1)), START);
  const notHere = net.at(1, (r, now) => r.write({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: T1 }, now));
  t.like(notHere, { ok: false, error: { code: 'NOT_AUTHORISED' } });
  net.run(START + 20_000 - 3_599); // one microsecond short of the 3.6 ms lead
  const tooClose = net.at(0, (r, now) => r.write({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: START + 20_000 }, now));
  t.like(tooClose, { ok: false, error: { code: 'TOO_LATE' } });
  const noTime = net.at(0, (r, now) => r.write({ key: 'speed', writer: 'wheel_a', value: 1 }, now));
  t.true(noTime.ok);
  if (noTime.ok) t.true(noTime.value.publishTimeUs - net.clock(0) >= 3_600, 'no publish time: the next grid point the lead allows');
  t.is((net.replicas[1] as CrashReplica).counter('writes.rejected.NOT_AUTHORISED'), 1);
  // Even when the slot already holds that writer's value, a non-hosting replica answers
  // NOT_AUTHORISED (not DUPLICATE/CONFLICT, which would leak what the writer wrote).
  net.run(net.clock(0) + 1_000);
  const again = net.at(1, (r, now) => r.write({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: noTime.ok ? noTime.value.publishTimeUs : 0 }, now));
  t.like(again, { ok: false, error: { code: 'NOT_AUTHORISED' } });
});

test('property: up to f faulty replicas (arbitrary send delays, partial last broadcasts, crash at any time); links between correct replicas within Δ, skew within ε: correct replicas publish identical slots containing every correct writer', (t) => {
  const scenario = fc.record({
    n: fc.integer({ min: 2, max: 5 }),
    fRaw: fc.nat(),
    skews: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 5, maxLength: 5 }),
    delaySeed: fc.nat(),
    faulty: fc.array(fc.record({ at: fc.integer({ min: 0, max: 20_000 }), dyingUs: fc.integer({ min: 0, max: 3_000 }), mask: fc.nat({ max: 31 }), slowUntilUs: fc.integer({ min: 14_000, max: 20_000 }) }), { minLength: 4, maxLength: 4 }),
    writeAtUs: fc.nat(),
    values: fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 3, maxLength: 3 }),
  });
  const T = START + 20_000;
  fc.assert(
    fc.property(scenario, (sc) => {
      const f = 1 + (sc.fRaw % (sc.n - 1)); // N >= f + 1
      const hosts = { wheel_a: 0, wheel_b: 1 % sc.n, wheel_c: 2 % sc.n };
      const config = makeConfig(clusterInput('crash', sc.n, f, { writers: hosts }, { faultyWriters: 0, minWriters: 1 }));
      const faulty = sc.faulty.slice(0, f).map((c, i) => ({ ...c, replica: (sc.delaySeed + i) % sc.n }));
      const faultOf = (r: number): (typeof faulty)[number] | undefined => faulty.find((c) => c.replica === r);
      const net: TestNet = new TestNet(config, START, {
        skewUs: (r) => sc.skews[r] ?? 0,
        delayUs: (from, to, k): number => {
          const base = (sc.delaySeed * 31 + from * 17 + to * 13 + k * 7) % 1_001; // 0..Δ
          const fault = faultOf(from);
          // A faulty sender may be arbitrarily slow on some links (a timing fault); the tests
          // aim such frames at the last milliseconds before the slot closes, where it matters.
          return fault !== undefined && ((fault.mask >> to) & 1) === 0 ? Math.max(base, START + fault.slowUntilUs - net.realUs + base) : base;
        },
      });
      // From `at` on, a faulty replica's frames reach only the replicas in its mask; it
      // stops `dyingUs` later.
      net.outFilter = (from, to) => {
        const fault = faultOf(from);
        return fault === undefined || net.realUs < START + fault.at || ((fault.mask >> to) & 1) === 1;
      };
      // Latest write: T − lead on the most advanced clock (skews are at most 500 µs).
      const writeAt = START + (sc.writeAtUs % (T - config.timing.leadUs - 500 - START + 1));
      const writes: [keyof typeof hosts, number][] = [
        ['wheel_a', sc.values[0] ?? 0],
        ['wheel_b', sc.values[1] ?? 0],
        ['wheel_c', sc.values[2] ?? 0],
      ];
      const written = new Set<string>();
      const timeline = [...faulty.map((c) => ({ at: START + c.at + c.dyingUs, crash: c.replica })), { at: writeAt, crash: -1 }].sort((a, b) => a.at - b.at);
      for (const e of timeline) {
        net.run(e.at);
        if (e.crash >= 0) net.crashed.add(e.crash);
        else
          for (const [w, v] of writes) {
            const host = hosts[w];
            if (net.crashed.has(host)) continue;
            const r = net.at(host, (rep, now) => rep.write({ key: 'speed', writer: w, value: v, publishTimeUs: T }, now));
            if (!r.ok) throw new Error(r.error.message);
            written.add(w);
          }
      }
      net.run(T + 2_000);
      const correct = net.replicas.map((_, i) => i).filter((i) => faultOf(i) === undefined);
      const first = slotSummary(net.published(correct[0] as number));
      for (const r of correct) if (JSON.stringify(slotSummary(net.published(r))) !== JSON.stringify(first)) return false;
      // Validity: a correct host's write is in the slot.
      const slot = net.published(correct[0] as number)[0];
      for (const [w] of writes) if (written.has(w) && faultOf(hosts[w]) === undefined && !slot?.contributions.some((c) => c.writer === w)) return false;
      return true;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('events are well-formed: published and agreed for each slot, no suspicions in a fault-free run', (t) => {
  const net = new TestNet(makeConfig(clusterInput('crash', 4, 1)), START);
  writeAll(net, T1, { wheel_a: 1, wheel_b: 2, wheel_c: 3 });
  net.run(T1 + 1_000);
  for (let i = 0; i < 4; i++) {
    const kinds = (net.events[i] as ReplicaEvent[]).map((e) => e.kind);
    t.deepEqual(kinds, ['published', 'agreed']);
    const h = net.replicas[i]!.health(T1 + 1_000);
    t.is(h.mode, 'crash');
    t.is(h.slotsPublished, 1);
    t.is(h.slotsAgreed, 1);
    t.is(h.deadlineMisses, 0);
    t.deepEqual(h.suspects, []);
  }
});

// --- restarts and state transfer --------------------------------------------------------------

/** Replaces a crashed replica by a new, empty incarnation and gives it its first input. Returns
 *  the index of its first event in net.events. */
function restart(net: TestNet, r: number, incarnation: number): number {
  (net.replicas as Replica[])[r] = createReplica(net.config, { id: r, keys: net.keys[r]!, crypto: nobleCrypto, incarnation, fuse });
  net.crashed.delete(r);
  const from = net.events[r]!.length;
  net.at(r, (rep, now) => rep.tick(now));
  return from;
}

function eventsSince(net: TestNet, r: number, from: number): ReplicaEvent[] {
  return net.events[r]!.slice(from);
}

function publishedSince(net: TestNet, r: number, from: number): PublishedSlot[] {
  const out: PublishedSlot[] = [];
  for (const e of eventsSince(net, r, from)) if (e.kind === 'published') out.push(e.slot);
  return out;
}

/** Every slot `r` published since `from` is exactly what replica `ref` published for it. */
function assertSameAs(t: import('ava').ExecutionContext, net: TestNet, r: number, from: number, ref: number): Record<string, string> {
  const mine = slotSummary(publishedSince(net, r, from));
  const theirs = slotSummary(net.published(ref));
  for (const [id, s] of Object.entries(mine)) t.is<string | undefined, string | undefined>(s, theirs[id], `replica ${r} published ${id} differently from replica ${ref}`);
  return mine;
}

const crashCfg = (n: number, f: number) => makeConfig(clusterInput('crash', n, f, {}, { faultyWriters: 0, minWriters: 1 }));

test('restart mid-stream: no partial slot, decided values recovered by state transfer, identical slots afterwards', (t) => {
  const net = new TestNet(crashCfg(4, 1), START);
  const T = (k: number) => START + 10_000 * k;
  writeAll(net, T(1), { wheel_a: 1, wheel_b: 2, wheel_c: 3 });
  writeAll(net, T(2), { wheel_a: 4, wheel_b: 5, wheel_c: 6 });
  net.run(START + 12_000);
  net.crashed.add(2);
  // While replica 2 is down: writes it will never see by flooding, for slots after its restart.
  net.run(START + 13_000);
  writeAll(net, T(3), { wheel_a: 7, wheel_b: 8 });
  writeAll(net, T(5), { wheel_a: 9, wheel_b: 10 });
  net.run(START + 16_000);
  const from = restart(net, 2, 2);
  const r = net.replicas[2] as CrashReplica;
  t.false(r.health(net.clock(2)).ready, 'not ready before the probe is answered');

  net.run(START + 17_500); // the probe answered: a peer saw incarnation 1, so this is a restart
  t.like(eventsSince(net, 2, from)[0], { kind: 'state-transfer', phase: 'started' });
  t.false(r.health(net.clock(2)).ready);
  t.like(net.at(2, (rep, now) => rep.write({ key: 'speed', writer: 'wheel_c', value: 11, publishTimeUs: T(5) }, now)), { ok: false, error: { code: 'UNAVAILABLE' } });
  t.like(
    net.at(2, (rep, now) => rep.write({ key: 'speed', writer: 'wheel_c', value: 11, publishTimeUs: START + 20_000_000 }, now)),
    { ok: false, error: { code: 'TOO_FAR_AHEAD' } },
    'invalid writes still get their own error while recovering',
  );
  t.deepEqual(publishedSince(net, 2, from), [], 'nothing published while recovering');

  net.run(START + 25_000);
  t.true(r.health(net.clock(2)).ready, 'caught up well before the next slot');
  const done = eventsSince(net, 2, from).find((e) => e.kind === 'state-transfer' && e.phase === 'completed');
  t.truthy(done);
  // Values decided before the restart were transferred (late, and not deadline misses).
  const early = slotSummary(publishedSince(net, 2, from));
  t.deepEqual(Object.keys(early).sort(), [`speed@${T(1)}`, `speed@${T(2)}`]);
  const read = net.at(2, (rep, now) => rep.read('speed', T(1), now));
  t.true(read.ok && read.value.publishTimeUs === T(2) && read.value.value === 5);
  t.is(r.health(net.clock(2)).deadlineMisses, 0);
  t.true(r.counter('slots.recovered-late') >= 2);

  // Caught up: its writer is admitted again, and fresh writes flow as usual.
  writeAll(net, T(5), { wheel_c: 11 });
  writeAll(net, T(6), { wheel_a: 12, wheel_b: 13, wheel_c: 14 });
  net.run(T(6) + 1_000);
  const s = assertSameAs(t, net, 2, from, 0);
  t.regex(s[`speed@${T(3)}`] ?? '', /from wheel_a=7,wheel_b=8 /, 'the old writes of T3 came by state transfer');
  t.regex(s[`speed@${T(5)}`] ?? '', /from wheel_a=9,wheel_b=10,wheel_c=11 /, 'old writes merged with a fresh one');
  t.regex(s[`speed@${T(6)}`] ?? '', /from wheel_a=12,wheel_b=13,wheel_c=14 /);
  assertIdentical(t, net, [0, 1, 3]);
  t.is(r.health(net.clock(2)).deadlineMisses, 0);
  t.deepEqual(net.eventsOf(2, 'suspect'), []);
});

test('N = f+1 = 2: the survivor is the only source; a restart at any moment of a write stream keeps the replicas identical', (t) => {
  fc.assert(
    fc.property(
      fc.record({ crashAt: fc.integer({ min: 2_000, max: 40_000 }), downUs: fc.integer({ min: 500, max: 30_000 }), delaySeed: fc.nat(), leads: fc.array(fc.integer({ min: 3_600, max: 45_000 }), { minLength: 2, maxLength: 2 }) }),
      (sc) => {
        const config = makeConfig(clusterInput('crash', 2, 1, { writers: { wheel_a: 0, wheel_b: 1, wheel_c: 0 } }, { faultyWriters: 0, minWriters: 1 }));
        const net = new TestNet(config, START, { delayUs: (from, to, n) => 100 + ((sc.delaySeed + from * 7 + to * 13 + n * 31) % 900) });
        const end = START + 120_000;
        // Each writer writes every 10 ms slot, `lead` ahead of it.
        const writes: { at: number; writer: 'wheel_a' | 'wheel_b'; host: number; t: number }[] = [];
        for (let k = 1; START + 10_000 * k <= end - 10_000; k++) {
          const tk = START + 10_000 * k;
          writes.push({ at: tk - (sc.leads[0] as number), writer: 'wheel_a', host: 0, t: tk }, { at: tk - (sc.leads[1] as number), writer: 'wheel_b', host: 1, t: tk });
        }
        writes.sort((a, b) => a.at - b.at);
        let from = -1;
        const crashAt = START + sc.crashAt;
        const restartAt = crashAt + sc.downUs;
        let crashed = false;
        for (const w of writes) {
          if (w.at < START) continue;
          if (!crashed && w.at >= crashAt) {
            net.run(crashAt);
            net.crashed.add(0);
            crashed = true;
          }
          if (crashed && from < 0 && w.at >= restartAt) {
            net.run(restartAt);
            from = restart(net, 0, 2);
          }
          net.run(w.at);
          if (net.crashed.has(w.host)) continue;
          net.at(w.host, (rep, now) => rep.write({ key: 'speed', writer: w.writer, value: w.t / 1e6 + w.host, publishTimeUs: w.t }, now));
        }
        if (!crashed) return true;
        if (from < 0) {
          net.run(restartAt);
          from = restart(net, 0, 2);
        }
        net.run(end);
        const mine = slotSummary(publishedSince(net, 0, from));
        const theirs = slotSummary(net.published(1));
        for (const [id, s] of Object.entries(mine)) if (theirs[id] !== s) return false;
        // Liveness: it caught up and publishes the last slots like the survivor.
        const last = `speed@${START + 10_000 * Math.floor((end - 10_000 - START) / 10_000)}`;
        return net.replicas[0]!.health(end).ready && mine[last] !== undefined && mine[last] === theirs[last];
      },
    ),
    { numRuns: 60 },
  );
  t.pass();
});

test('while no complete peer can be reached, a restarted replica publishes nothing it cannot know, then completes', (t) => {
  const net = new TestNet(crashCfg(4, 1), START);
  const T = (k: number) => START + 10_000 * k;
  writeAll(net, T(1), { wheel_a: 1, wheel_b: 2, wheel_c: 3 });
  net.run(START + 5_000);
  net.crashed.add(2);
  writeAll(net, T(2), { wheel_a: 4, wheel_b: 5 });
  writeAll(net, T(3), { wheel_a: 6, wheel_b: 7 });
  net.run(START + 8_000);
  const restartAt = net.realUs;
  // Peers' answers get through for the probe only; then nothing from them reaches replica 2.
  net.outFilter = (_from, to) => to !== 2 || net.realUs < restartAt + 1_500 || net.realUs > T(3) + 500;
  const from = restart(net, 2, 2);
  net.run(T(3) + 400);
  const r = net.replicas[2] as CrashReplica;
  t.false(r.health(net.clock(2)).ready);
  t.deepEqual(publishedSince(net, 2, from), [], 'T2 and T3 are published elsewhere, never here: their writes were missed');
  t.true(r.counter('state.transfer.timeout') >= 1);
  writeAll(net, T(5), { wheel_a: 8, wheel_b: 9 });
  net.run(T(5) + 1_000);
  t.true(r.health(net.clock(2)).ready);
  const s = assertSameAs(t, net, 2, from, 0);
  t.truthy(s[`speed@${T(3)}`], 'the transfer brought T3, decided by then');
  t.regex(s[`speed@${T(5)}`] ?? '', /wheel_a=8,wheel_b=9/);
  assertIdentical(t, net, [0, 1, 3]);
});

test('no complete peer answers until the horizon: the replica resumes at cutoff + horizon and never publishes the slots before', (t) => {
  const config = makeConfig(clusterInput('crash', 4, 1, { timing: { networkDelayMs: 1, clockSkewMs: 0.5, processingMs: 0.2, horizonMs: 40 } }, { faultyWriters: 0, minWriters: 1 }));
  const net = new TestNet(config, START);
  const T = (k: number) => START + 10_000 * k;
  writeAll(net, T(1), { wheel_a: 1 });
  net.run(START + 5_000);
  net.crashed.add(2);
  writeAll(net, T(3), { wheel_a: 2, wheel_b: 3 });
  net.run(START + 6_000);
  const restartAt = net.realUs;
  const horizonEnd = restartAt + 500 + 40_000; // cutoff + horizon (no skew here)
  // The probe is answered (a restart); then the peers' answers are lost until past the horizon.
  net.outFilter = (_from, to) => to !== 2 || net.realUs < restartAt + 1_500 || net.realUs > horizonEnd;
  const from = restart(net, 2, 2);
  // Writes for slots up to the horizon while replica 2 cannot learn them.
  writeAll(net, T(4), { wheel_a: 4, wheel_b: 5 });
  net.run(START + 20_000);
  t.like(net.at(2, (rep, now) => rep.write({ key: 'speed', writer: 'wheel_c', value: 6, publishTimeUs: T(4) }, now)), { ok: false, error: { code: 'UNAVAILABLE' } });
  writeAll(net, T(5), { wheel_a: 7 });
  net.run(horizonEnd + 100);
  const r = net.replicas[2] as CrashReplica;
  t.true(r.health(net.clock(2)).ready, 'resumed once every later slot is fresh');
  t.is(r.counter('state.transfer.horizon-passed'), 1);
  t.like(eventsSince(net, 2, from).filter((e) => e.kind === 'state-transfer'), [{ phase: 'started' }, { phase: 'completed', slots: 0 }]);
  t.deepEqual(publishedSince(net, 2, from), [], 'T3, T4, T5 are published elsewhere, never here');
  const next = Math.ceil((horizonEnd + 1) / 10_000) * 10_000 + 10_000;
  writeAll(net, next, { wheel_a: 8, wheel_b: 9, wheel_c: 10 });
  net.run(next + 1_000);
  const s = assertSameAs(t, net, 2, from, 0);
  t.deepEqual(Object.keys(s), [`speed@${next}`]);
  t.regex(s[`speed@${next}`] ?? '', /wheel_a=8,wheel_b=9,wheel_c=10/);
  assertIdentical(t, net, [0, 1, 3]);
});

test('a whole-cluster restart looks like a cold start: nobody remembers an earlier incarnation, and nobody holds old writes', (t) => {
  const net = new TestNet(crashCfg(4, 1), START);
  writeAll(net, T1 + 10_000, { wheel_a: 1, wheel_b: 2 });
  net.run(START + 3_000);
  for (const i of [0, 1, 2, 3]) net.crashed.add(i);
  net.run(START + 4_000);
  const from = [0, 1, 2, 3].map((i) => restart(net, i, 2));
  net.run(START + 8_000);
  for (const i of [0, 1, 2, 3]) {
    t.true(net.replicas[i]!.health(net.clock(i)).ready);
    t.deepEqual(eventsSince(net, i, from[i]!).filter((e) => e.kind === 'state-transfer'), []);
  }
  writeAll(net, T1 + 10_000, { wheel_c: 3 });
  net.run(T1 + 11_000);
  for (const i of [0, 1, 2, 3]) t.regex(slotSummary(publishedSince(net, i, from[i]!))[`speed@${T1 + 10_000}`] ?? '', /from wheel_c=3 /);
});

test('cold start: replicas probe each other, find no earlier incarnation, and are ready within a round trip, no state transfer', (t) => {
  const net = new TestNet(crashCfg(4, 1), START);
  t.false(net.replicas[0]!.health(START).ready);
  net.run(START + 2_000);
  for (let i = 0; i < 4; i++) {
    t.true(net.replicas[i]!.health(net.clock(i)).ready);
    t.deepEqual(net.eventsOf(i, 'state-transfer'), []);
  }
});

// --- the snapshot on the wire ---------------------------------------------------------------

/** Through the wire: every body must encode within a frame and pass the decoder's checks. */
function roundTrip(b: Body): Body {
  const bytes = encodeBody(b);
  if (bytes.length > MAX_BODY_BYTES) throw new Error(`body of ${bytes.length} bytes`);
  const d = decodeBody(bytes);
  if (!d.ok) throw new Error(`invalid body: ${d.error.message}`);
  return d.value;
}

function snapshotFixture(slots: number, writes: number): { decided: WireSlot[]; held: HeldWrite[] } {
  const config = crashCfg(4, 1);
  const keys = new TestNet(config, START).keys;
  const auths = [0, 1, 2].map((i) => new WriteAuthenticator({ keys: keys[i]!, crypto: nobleCrypto, signatures: false, writers: config.writers }));
  const decided: WireSlot[] = [];
  for (let k = 1; k <= slots; k++) {
    decided.push({ key: 'speed', publishTimeUs: START + 10_000 * k, value: { kind: 'f64', f64: k }, contributions: [{ writer: 'wheel_a', value: { kind: 'f64', f64: k } }], agreed: true, repairs: 0 });
  }
  const held: HeldWrite[] = [];
  const writers = ['wheel_a', 'wheel_b', 'wheel_c'];
  for (let i = 0; i < writes; i++) {
    const w = i % 3;
    const t = START + 10_000 * (slots + 1 + Math.floor(i / 3));
    const aw: AuthenticatedWrite = auths[w]!.authenticateWrite({ key: 'speed', publishTimeUs: t, writer: writers[w]!, value: { kind: 'f64', f64: i }, origin: w, issuedAtUs: START });
    held.push({ key: 'speed', publishTimeUs: t, aw });
  }
  return { decided, held };
}

test('snapshot: chunked by slots and frame size, reports split to fit; complete only with every piece, in any order', (t) => {
  const { decided, held } = snapshotFixture(700, 600);
  const head = { requestId: 77, stableSeq: 1, maxTauUs: START + 123 };
  const { bodies, dropped } = buildSnapshot(nobleCrypto, 1, head, decided, held);
  t.is(dropped, 0);
  const replies = bodies.filter((b) => b.kind === 'stateReply');
  const reports = bodies.filter((b) => b.kind === 'syncReport');
  t.true(replies.length >= 3, `${replies.length} chunks`);
  t.true(reports.length >= 2, `${reports.length} reports`);
  const decoded = bodies.map(roundTrip);
  const bounds = { maxDecidedSlots: 1_000, maxOpenWrites: 1_000 };
  // Any order: complete exactly when the last piece arrives.
  fc.assert(
    fc.property(fc.shuffledSubarray(decoded.map((_, i) => i), { minLength: decoded.length, maxLength: decoded.length }), (order) => {
      const a = new SnapshotAssembler(1, 77, nobleCrypto, bounds);
      for (let i = 0; i < order.length; i++) {
        const b = decoded[order[i] as number] as Body;
        if (b.kind === 'stateReply') a.addChunk(b.stateReply);
        else if (b.kind === 'syncReport') a.addReport(b.syncReport);
        const snap = a.complete();
        if ((snap !== undefined) !== (i === order.length - 1)) return false;
        if (snap !== undefined && (snap.decided.length !== 700 || snap.writes.length !== 600 || snap.asOfUs !== head.maxTauUs)) return false;
      }
      return true;
    }),
    { numRuns: 30 },
  );
  // A missing report keeps it incomplete; inconsistent chunks or too much data fail it.
  const a = new SnapshotAssembler(1, 77, nobleCrypto, bounds);
  for (const b of decoded.slice(0, -1)) b.kind === 'stateReply' ? a.addChunk(b.stateReply) : b.kind === 'syncReport' && a.addReport(b.syncReport);
  t.is(a.complete(), undefined);
  const first = (decoded[0] as { stateReply: StateReply }).stateReply;
  const b = new SnapshotAssembler(1, 77, nobleCrypto, bounds);
  b.addChunk(first);
  b.addChunk({ ...(decoded[1] as { stateReply: StateReply }).stateReply, maxTauUs: first.maxTauUs + 1 });
  t.is(b.failure, 'inconsistent-chunks');
  const c = new SnapshotAssembler(1, 77, nobleCrypto, { maxDecidedSlots: 2, maxOpenWrites: 1_000 });
  c.addChunk(first);
  t.is(c.failure, 'too-many-chunks');
  const c2 = new SnapshotAssembler(1, 77, nobleCrypto, { maxDecidedSlots: 300, maxOpenWrites: 1_000 });
  for (const x of replies.slice(0, 3)) c2.addChunk(roundTrip(x).kind === 'stateReply' ? (x as { stateReply: StateReply }).stateReply : first);
  t.is(c2.failure, 'too-many-slots');
  const d = new SnapshotAssembler(1, 77, nobleCrypto, { maxDecidedSlots: 1_000, maxOpenWrites: 10 });
  d.addReport((reports[0] as { syncReport: SyncReport }).syncReport);
  t.is(d.failure, 'too-many-writes');
  // The digest covers the writes: a changed write breaks it.
  const digest = snapshotDigest(nobleCrypto, head, decided, held.map((h) => h.aw));
  t.deepEqual(digest, first.stateDigest);
  t.notDeepEqual(snapshotDigest(nobleCrypto, head, decided, held.slice(1).map((h) => h.aw)), digest);
});

test('hostile state-transfer input from a peer: unexpected replies, reports and request floods are counted and change nothing', (t) => {
  const scenario = (garbage: (net: TestNet) => void): TestNet => {
    const net = new TestNet(crashCfg(4, 1), START);
    writeAll(net, T1, { wheel_a: 1, wheel_b: 2, wheel_c: 3 });
    garbage(net);
    net.run(T1 + 1_000);
    return net;
  };
  const clean = scenario(() => undefined);
  const dirty = scenario((net) => {
    const evil = 3;
    const channel = new Channel({ clusterId: clusterIdOf(net.config.name), keys: net.keys[evil]!, incarnation: 1_000, crypto: nobleCrypto });
    const send = (to: number, body: Body, at: number): void => net.inject(to, channel.seal(to, body), at, evil);
    const { decided, held } = snapshotFixture(20, 30);
    const { bodies } = buildSnapshot(nobleCrypto, evil, { requestId: 5, stableSeq: 1, maxTauUs: START + 1 }, decided, held);
    for (const to of [0, 1, 2]) {
      for (const [i, b] of bodies.entries()) send(to, b, 100 + i);
      send(to, { kind: 'stateReply', stateReply: { requestId: 1, view: 7, stableSeq: 9, maxTauUs: 1, slots: [], chunk: 0, chunks: 1, stateDigest: new Uint8Array(32) } }, 300);
      // After the cold-start probe (which waits out its window: replica 3's genuine replies are now stale).
      for (let i = 0; i < 50; i++) send(to, { kind: 'stateRequest', stateRequest: { requestId: i + 1, sinceUs: 0 } }, 4_000 + i);
    }
  });
  for (const i of [0, 1, 2]) {
    t.deepEqual(slotSummary(dirty.published(i)), slotSummary(clean.published(i)), `replica ${i}`);
    const r = dirty.replicas[i] as CrashReplica;
    t.is(r.counter('internal-error'), 0);
    t.true(r.counter('state.reply.unexpected') >= 2 && r.counter('state.report.unexpected') >= 1, 'replies and reports nobody asked for');
    t.is(r.counter('state.requests.served'), 1, 'a request flood gets one snapshot per reply window');
    t.true(r.counter('state.requests.throttled') >= 45);
    t.deepEqual(dirty.eventsOf(i, 'state-transfer'), []);
    t.true(r.health(T1).ready);
  }
});
