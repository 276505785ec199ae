import test from 'ava';
import fc from 'fast-check';
import type { ReplicaEvent } from './types.js';
import { TestNet, clusterInput, makeConfig, slotSummary } from './_testCluster.test.js';
import { CrashReplica } from './crash.js';

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
