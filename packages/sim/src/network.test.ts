import test from 'ava';
import type { NetworkProfile } from './network.js';
import { Network, planNetwork } from './network.js';
import { Prng } from './prng.js';

const N = 4;
const DELTA = 1_000;
const PI = 200;

function profile(over: Partial<NetworkProfile> = {}): NetworkProfile {
  return {
    delayUs: DELTA,
    processingUs: PI,
    baseUs: new Array<number>(N * N).fill(300),
    jitterMeanUs: 400,
    lossP: 0,
    dupP: 0,
    tailP: 0,
    tailMeanUs: 2 * DELTA,
    replayP: 0,
    partitions: [],
    stalls: [],
    ...over,
  };
}

interface Delivered {
  at: number;
  to: number;
  copy: number;
  bytes: Uint8Array;
}

function net(p: NetworkProfile, opts: { byzantine?: number[]; twinned?: boolean[]; sides?: number[]; down?: number[] } = {}) {
  const delivered: Delivered[] = [];
  const violations: [number, number][] = [];
  const n = new Network({
    n: N,
    profile: p,
    rng: new Prng(1),
    ...(opts.twinned === undefined ? {} : { twinned: opts.twinned }),
    ...(opts.sides === undefined ? {} : { twinSides: opts.sides }),
    hooks: {
      deliver: (at, to, copy, bytes) => delivered.push({ at, to, copy, bytes }),
      isByzantine: (node) => opts.byzantine?.includes(node) === true,
      isUp: (node) => opts.down?.includes(node) !== true,
      violation: (_a, _b, from, to) => violations.push([from, to]),
    },
  });
  return { n, delivered, violations };
}

const frame = (i: number): Uint8Array => Uint8Array.of(i & 0xff, i >> 8);

test('within the assumption every frame arrives within Δ + π, in varying order', (t) => {
  const { n, delivered, violations } = net(profile());
  for (let i = 0; i < 5000; i++) n.send(i % N, 0, (i + 1) % N, frame(i), 1_000_000);
  t.is(delivered.length, 5000);
  let reordered = 0;
  for (let i = 0; i < delivered.length; i++) {
    const d = delivered[i] as Delivered;
    const delay = d.at - 1_000_000;
    if (delay < 0 || delay > DELTA + PI) t.fail(`delay ${delay}`);
    if (i > 0 && d.at < (delivered[i - 1] as Delivered).at) reordered++;
  }
  t.true(reordered > 1000, 'independent delays reorder frames');
  t.is(violations.length, 0);
  t.is(n.stats.assumptionViolations, 0);
});

test('tail delays beyond Δ + π are counted as assumption violations between correct nodes only', (t) => {
  const { n, delivered, violations } = net(profile({ tailP: 1 }), { byzantine: [3] });
  n.send(0, 0, 1, frame(1), 0);
  n.send(3, 0, 1, frame(2), 0);
  t.is(delivered.length, 2);
  for (const d of delivered) t.true(d.at > DELTA + PI);
  t.is(violations.length, 1, 'the Byzantine sender does not count');
  t.is(n.stats.assumptionViolations, 1);
  const [from, to] = violations[0] as [number, number];
  t.true(from === 0 && to >= DELTA + PI);
});

test('loss drops frames and records violations; after heal nothing is lost or late', (t) => {
  const { n, delivered, violations } = net(profile({ lossP: 1, tailP: 1, replayP: 1 }));
  for (let i = 0; i < 10; i++) n.send(0, 0, 1, frame(i), 100);
  t.is(delivered.length, 0);
  t.is(n.stats.framesDropped, 10);
  t.is(violations.length, 10);
  n.heal();
  for (let i = 0; i < 10; i++) n.send(0, 0, 1, frame(i), 200);
  t.is(delivered.length, 10);
  for (const d of delivered) t.true(d.at - 200 <= DELTA + PI);
  t.is(n.stats.framesReplayed, 0);
});

test('a frame to a node that is down is dropped without an assumption violation', (t) => {
  const { n, violations } = net(profile({ lossP: 1 }), { down: [2] });
  n.send(0, 0, 2, frame(1), 0);
  t.is(violations.length, 0);
  t.is(n.stats.framesDropped, 1);
});

test('partitions cut exactly the frames across the sides, until ended', (t) => {
  const { n, delivered, violations } = net(profile());
  n.setPartition([0, 0, 1, 1]);
  n.send(0, 0, 1, frame(1), 0); // same side
  n.send(0, 0, 2, frame(2), 0); // across
  n.send(3, 0, 1, frame(3), 0); // across
  n.send(3, 0, 2, frame(4), 0); // same side
  t.deepEqual(delivered.map((d) => d.bytes[0]).sort(), [1, 4]);
  t.is(violations.length, 2);
  n.setPartition(undefined);
  n.send(0, 0, 2, frame(5), 10);
  t.is(delivered.length, 3);
});

test('duplication delivers a second copy; replay re-delivers recent frames', (t) => {
  const dup = net(profile({ dupP: 1 }));
  dup.n.send(0, 0, 1, frame(1), 0);
  t.is(dup.delivered.length, 2);
  t.is(dup.violations.length, 0);
  const rep = net(profile({ replayP: 0.5 }));
  for (let i = 0; i < 200; i++) rep.n.send(0, 0, 1, frame(i), i);
  t.true(rep.n.stats.framesReplayed > 50);
  t.is(rep.delivered.length, 200 + rep.n.stats.framesReplayed);
});

test('twins: each copy talks only to its side; frames to a twinned node go to the copy on the sender side', (t) => {
  // Node 3 is twinned; nodes 0, 1 are on side 0, node 2 on side 1.
  const { n, delivered } = net(profile(), { byzantine: [3], twinned: [false, false, false, true], sides: [0, 0, 1, 0] });
  n.send(3, 0, 0, frame(1), 0); // copy 0 -> side 0: delivered
  n.send(3, 0, 2, frame(2), 0); // copy 0 -> side 1: not
  n.send(3, 1, 2, frame(3), 0); // copy 1 -> side 1: delivered
  n.send(3, 1, 1, frame(4), 0); // copy 1 -> side 0: not
  n.send(2, 0, 3, frame(5), 0); // side 1 -> node 3: copy 1
  n.send(0, 0, 3, frame(6), 0); // side 0 -> node 3: copy 0
  const got = delivered.map((d) => `${d.bytes[0]}>${d.to}.${d.copy}`).sort();
  t.deepEqual(got, ['1>0.0', '3>2.0', '5>3.1', '6>3.0']);
});

test('planned profiles: no loss, tail, partitions or replay without faults; partitions end before the safety phase does', (t) => {
  for (let seed = 0; seed < 200; seed++) {
    const clean = planNetwork(new Prng(seed), { n: 4, delayUs: 1000, processingUs: 100, faulty: false, adversarial: false, safetyUs: 1_000_000 });
    t.true(clean.lossP === 0 && clean.tailP === 0 && clean.replayP === 0 && clean.partitions.length === 0);
    const dirty = planNetwork(new Prng(seed), { n: 4, delayUs: 1000, processingUs: 100, faulty: true, adversarial: true, safetyUs: 1_000_000 });
    for (const p of dirty.partitions) t.true(p.startUs < p.endUs && p.endUs <= 900_000);
    for (const b of dirty.baseUs) t.true(b >= 0 && b <= 1000);
  }
});

test('planned stalls: only on request and with faults, inside the safety phase, and the rest of the plan is unchanged', (t) => {
  let planned = 0;
  for (let seed = 0; seed < 200; seed++) {
    const base = { n: 4, delayUs: 1000, processingUs: 100, adversarial: true, safetyUs: 1_000_000 };
    const without = planNetwork(new Prng(seed), { ...base, faulty: true });
    const withStalls = planNetwork(new Prng(seed), { ...base, faulty: true, stalls: true });
    t.deepEqual(without.stalls, []);
    t.deepEqual({ ...withStalls, stalls: [] }, without, `seed ${seed}: stalls changed the rest of the plan`);
    t.deepEqual(planNetwork(new Prng(seed), { ...base, faulty: false, stalls: true }).stalls, []);
    for (const s of withStalls.stalls) t.true(s.startUs < s.endUs && s.endUs <= 900_000 && s.node >= 0 && s.node < 4);
    planned += withStalls.stalls.length;
  }
  t.true(planned >= 200, `${planned} stalls planned over 200 seeds`);
});
