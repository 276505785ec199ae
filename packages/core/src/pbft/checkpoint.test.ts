/** Checkpoints, garbage collection and state transfer. */
import test from 'ava';
import { sha256 } from '@noble/hashes/sha2.js';
import { batchAt, describe, LockStep, runSim, type SimNode } from './_harness.test.js';
import type { PbftEngine } from './engine.js';
import type { PbftMessage } from './index.js';

test('the log stays bounded by the watermark window over 10k seqs', (t) => {
  const K = 16;
  const L = 32;
  const r = runSim({
    n: 4,
    f: 1,
    seed: 99,
    durationUs: 6_000_000,
    stopAtSeq: 10_000,
    checkpointIntervalSeqs: K,
    watermarkWindowSeqs: L,
    batchIntervalUs: 250,
    dropRate: 0.01,
  });
  t.deepEqual(r.violations, [], describe(r));
  t.deepEqual(r.orderErrors, [], describe(r));
  t.true(r.minCorrectSeq >= 10_000, describe(r));
  for (const node of r.nodes) {
    t.true(node.maxLogSize <= L, `replica ${node.id}: log grew to ${node.maxLogSize}`);
    const m = node.engine.memory();
    t.true(m.logEntries <= L);
    t.true(m.checkpointVotes <= 4 * (L / K + 1), JSON.stringify(m));
    t.true(m.verifiedSignatures <= 4 * L + 4 * (L / K + 1) + 8, JSON.stringify(m));
    t.true(m.viewChanges <= 4 && m.bufferedMessages <= 4 * 4 * L, JSON.stringify(m));
    t.true(node.engine.status().lowWatermark >= 10_000 - L, JSON.stringify(node.engine.status()));
  }
});

test('a replica cut off for a while asks for state transfer, installs it, and continues on the same history', (t) => {
  const r = runSim({
    n: 4,
    f: 1,
    seed: 5,
    durationUs: 250_000,
    // Shorter than the outage below would make replica 3 leave the view alone (next test).
    viewChangeTimeoutUs: 100_000,
    // Replica 3 hears nothing between 20 and 90 ms (others keep committing without it).
    linkFilter: (_from, to, _msg, nowUs) => !(to === 3 && nowUs >= 20_000 && nowUs < 90_000),
  });
  t.deepEqual(r.violations, [], describe(r));
  t.deepEqual(r.orderErrors, [], describe(r));
  const lagger = r.nodes[3] as SimNode;
  const asks = lagger.events.filter((e) => e.kind === 'state-transfer-needed');
  t.true(asks.length >= 1, describe(r));
  t.true(lagger.transfers >= 1, describe(r));
  t.true(lagger.lastSeq >= r.maxCorrectSeq - 3, describe(r));
  const donor = r.nodes[1] as SimNode;
  for (const [seq, d] of donor.history) if (seq <= lagger.lastSeq) t.is(lagger.history.get(seq), d, `seq ${seq}`);
  t.is(lagger.engine.status().phase, 'normal', 'catching up needed no view change');
});

test('a backup whose window trails the primary keeps pre-prepares above it and prepares them once the checkpoint arrives', (t) => {
  // The primary's window moves when *it* sees a stable checkpoint; a backup that has not yet got
  // the same checkpoint messages must not lose the seqs proposed meanwhile. Replica 2 is silent,
  // so without replica 3's prepare nothing above seq 8 can commit; no tick runs, so nothing is
  // retransmitted: only the kept pre-prepare can make seq 9 commit.
  const c = new LockStep(4, 1);
  const held: { from: number; msg: PbftMessage }[] = [];
  const holdCheckpointsTo3 = (s: { from: number; to: number; msg: PbftMessage }): boolean => {
    if (s.to !== 3 || s.msg.kind !== 'checkpoint') return true;
    held.push(s);
    return false;
  };
  c.filter = holdCheckpointsTo3;
  const primary = c.engines[0] as PbftEngine;
  const trailing = c.engines[3] as PbftEngine;
  for (let i = 1; i <= 8; i++) primary.propose(batchAt(i), 0);
  c.run(0);
  t.like(primary.status(), { lowWatermark: 8, lastExecuted: 8 });
  t.like(trailing.status(), { lowWatermark: 0, lastExecuted: 8 });
  c.filter = (s) => s.from !== 2 && s.to !== 2 && holdCheckpointsTo3(s);
  t.true(primary.propose(batchAt(9), 1_000).ok);
  c.run(1_000);
  t.is(trailing.counters()['buffered.above-watermark'], 2, 'the pre-prepare and the prepare of replica 1');
  t.false(c.committed[0]?.some((x) => x.seq === 9), 'seq 9 needs the trailing backup');
  for (const s of held.splice(0)) trailing.receive(s.from, s.msg, 2_000);
  c.run(2_000);
  t.is(trailing.status().lowWatermark, 8);
  for (const r of [0, 1, 3]) t.true(c.committed[r]?.some((x) => x.seq === 9), `replica ${r} committed seq 9`);
});

test('a NewView that moves a trailing backup\'s window keeps the new view\'s messages that arrived before it', (t) => {
  // Installing the view moves h to the NewView's checkpoint and then resets the log for the new
  // view. Messages of the new view buffered before the NewView must be replayed after that
  // reset, not when h moves, or the reset wipes them (found by agreed f=1 seeds 50 and 187).
  // Replica 2 goes silent once the view is installed, so seq 5 needs replica 3's prepare; no
  // tick runs, so nothing is retransmitted.
  const c = new LockStep(4, 1);
  const held: { from: number; msg: PbftMessage }[] = [];
  const holdTo3 = (s: { from: number; to: number; msg: PbftMessage }): boolean => {
    if (s.to !== 3 || (s.msg.kind !== 'checkpoint' && s.msg.kind !== 'newView')) return true;
    held.push(s);
    return false;
  };
  c.filter = holdTo3;
  const trailing = c.engines[3] as PbftEngine;
  for (let i = 1; i <= 4; i++) (c.engines[0] as PbftEngine).propose(batchAt(i), 0);
  c.run(0);
  t.like(trailing.status(), { lowWatermark: 0, lastExecuted: 4 });
  for (const r of [1, 2, 3]) (c.engines[r] as PbftEngine).suspectPrimary('censorship', 'test', 1_000);
  c.run(1_000);
  t.like(c.engines[1]?.status(), { view: 1, phase: 'normal', lowWatermark: 4 });
  t.like(trailing.status(), { phase: 'view-change', lowWatermark: 0 });
  c.filter = (s) => s.from !== 2 && s.to !== 2 && holdTo3(s);
  t.like((c.engines[1] as PbftEngine).propose(batchAt(5), 2_000), { ok: true, seq: 5 });
  c.run(2_000);
  t.true((trailing.counters()['buffered.future-view'] ?? 0) >= 2, 'the pre-prepare and the prepare of replica 0');
  t.false(c.committed[1]?.some((x) => x.seq === 5), 'seq 5 needs the trailing backup');
  const newView = held.find((s) => s.msg.kind === 'newView');
  t.truthy(newView);
  if (newView !== undefined) trailing.receive(newView.from, newView.msg, 3_000);
  c.run(3_000);
  t.like(trailing.status(), { view: 1, phase: 'normal', lowWatermark: 4 });
  for (const r of [0, 1, 3]) t.true(c.committed[r]?.some((x) => x.seq === 5), `replica ${r} committed seq 5`);
});

test('an engine stuck below a state its embedder reached adopts it once f+1 others vouch for it and a retransmission interval passed', (t) => {
  // Replica 3's engine gets the pre-prepares but no prepare or commit, so it never executes;
  // its embedder reached seq 4 anyway (a learner). Replica 2 withholds its checkpoints from it.
  // Without adoption no checkpoint can become stable at replica 3: its own vote is refused.
  const c = new LockStep(4, 1);
  const held: { from: number; msg: PbftMessage }[] = [];
  c.filter = (s) => {
    if (s.to !== 3) return true;
    if (s.msg.kind === 'prepare' || s.msg.kind === 'commit') return false;
    if (s.msg.kind === 'checkpoint' && s.from === 2) return false;
    if (s.msg.kind === 'checkpoint' && s.from === 1) {
      held.push(s);
      return false;
    }
    return true;
  };
  const stuck = c.engines[3] as PbftEngine;
  for (let i = 1; i <= 4; i++) (c.engines[0] as PbftEngine).propose(batchAt(i), 0);
  c.run(0);
  t.like(stuck.status(), { lastExecuted: 0, lowWatermark: 0 });
  const seq4 = c.committed[0]?.find((x) => x.seq === 4);
  if (seq4 === undefined) return t.fail('seq 4 committed at the primary');
  t.false(stuck.checkpointState(4, c.stateDigest(3, 4, seq4.digest)), 'not executed by the engine: refused');
  const retransmitUs = 2_500; // testOptions: viewChangeTimeoutUs / 4
  stuck.tick(1_000);
  stuck.tick(1_000 + retransmitUs);
  t.is(stuck.counters()['state-adopted-from-embedder'], undefined, 'one vouching replica (f) is not enough');
  for (const s of held.splice(0)) stuck.receive(s.from, s.msg, 1_000 + retransmitUs);
  stuck.tick(1_000 + retransmitUs + 1);
  t.is(stuck.counters()['state-adopted-from-embedder'], 1);
  c.run(1_000 + retransmitUs + 1);
  t.like(stuck.status(), { lastExecuted: 4, lowWatermark: 4 });
  for (const r of [0, 1]) t.is(c.engines[r]?.status().lowWatermark, 4);
});

test('an engine that catches up by itself within a retransmission interval does not adopt', (t) => {
  // Its commits may be what the others' quorums need: adopting would skip sending them.
  const c = new LockStep(4, 1);
  const held: { from: number; msg: PbftMessage }[] = [];
  c.filter = (s) => {
    if (s.to !== 3 || (s.msg.kind !== 'prepare' && s.msg.kind !== 'commit')) return true;
    held.push(s);
    return false;
  };
  const behind = c.engines[3] as PbftEngine;
  for (let i = 1; i <= 4; i++) (c.engines[0] as PbftEngine).propose(batchAt(i), 0);
  c.run(0);
  const seq4 = c.committed[0]?.find((x) => x.seq === 4);
  if (seq4 === undefined) return t.fail('seq 4 committed at the primary');
  t.false(behind.checkpointState(4, c.stateDigest(3, 4, seq4.digest)));
  behind.tick(2_000);
  t.is(behind.counters()['state-adopted-from-embedder'], undefined, 'f+1 vouch, but the interval has not passed');
  c.filter = () => true;
  for (const s of held.splice(0)) behind.receive(s.from, s.msg, 2_000);
  c.run(2_000);
  t.like(behind.status(), { lastExecuted: 4, lowWatermark: 4 });
  behind.tick(6_000);
  t.is(behind.counters()['state-adopted-from-embedder'], undefined);
});

test('installCheckpoint accepts only a (seq, digest) proven by 2f+1 signed checkpoints', (t) => {
  const c = new LockStep(4, 1);
  c.filter = (s) => s.to !== 3;
  const p = c.engines[0] as PbftEngine;
  for (let i = 1; i <= 5; i++) p.propose(batchAt(i), 0);
  c.run(0);
  c.filter = () => true;
  const lagger = c.engines[3] as PbftEngine;
  t.is(lagger.status().lastExecuted, 0);
  // Deliver the others' checkpoints for seq 4 to the lagger.
  for (const s of c.sent.filter((x) => x.msg.kind === 'checkpoint' && x.to === 3)) lagger.receive(s.from, s.msg, 1_000);
  lagger.tick(1_000 + 10_000);
  const ev = lagger.drain().events.find((e) => e.kind === 'state-transfer-needed');
  t.truthy(ev, 'asked for state');
  if (ev?.kind !== 'state-transfer-needed') return;
  t.is(ev.seq, 4);
  t.false(lagger.installCheckpoint(4, sha256(new Uint8Array([1])), 12_000), 'wrong digest');
  t.false(lagger.installCheckpoint(8, ev.stateDigest, 12_000), 'unproven seq');
  t.true(lagger.installCheckpoint(4, ev.stateDigest, 12_000));
  t.like(lagger.status(), { lastExecuted: 4, lowWatermark: 4 });
  t.is(lagger.counters()['ignored.install-unproven'], 2);
});

test('a replica whose state digest disagrees with a stable checkpoint asks to re-fetch its state', (t) => {
  const c = new LockStep(4, 1);
  c.stateDigest = (replica, seq, d) => sha256(new TextEncoder().encode(replica === 2 ? `corrupt-${seq}` : `state-${seq}-${d}`));
  const p = c.engines[0] as PbftEngine;
  for (let i = 1; i <= 4; i++) p.propose(batchAt(i), 0);
  c.run(0);
  const ev = c.events[2]?.find((e) => e.kind === 'state-transfer-needed');
  t.like(ev, { kind: 'state-transfer-needed', seq: 4, reason: 'state-digest-mismatch' });
  for (const r of [0, 1, 3]) t.false(c.events[r]?.some((e) => e.kind === 'state-transfer-needed'));
  t.is(c.engines[2]?.status().lowWatermark, 4, 'the quorum checkpoint is stable regardless');
  if (ev?.kind !== 'state-transfer-needed') return;
  // The embedder re-fetches the agreed state for seq 4 (already executed, so this is a repair).
  t.true(c.engines[2]?.installCheckpoint(4, ev.stateDigest, 1_000));
  t.like(c.engines[2]?.status(), { lastExecuted: 4, lowWatermark: 4 });
});

test('stable checkpoints are reported in increasing order and carry the agreed digest', (t) => {
  const c = new LockStep(4, 1);
  const p = c.engines[0] as PbftEngine;
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 4; i++) p.propose(batchAt(round * 4 + i + 1), round * 1_000);
    c.run(round * 1_000);
  }
  const stable = (c.events[1] ?? []).filter((e) => e.kind === 'stable-checkpoint').map((e) => (e.kind === 'stable-checkpoint' ? e.seq : 0));
  t.deepEqual(stable, [4, 8, 12, 16, 20]);
  for (const e of c.engines) t.true(e.logSize() === 0);
});

test('known limitation: a replica isolated past the timeout leaves the view alone, stays consistent via state transfer', (t) => {
  // PBFT: a replica that sent ViewChange(v + 1) may not go back to view v (its ViewChange could
  // then omit certificates it gathers later). Until the others change view too, it only follows
  // by state transfer: correct, but it no longer helps order, so the cluster has one fault less
  // in reserve.
  const r = runSim({
    n: 4,
    f: 1,
    seed: 5,
    durationUs: 250_000,
    viewChangeTimeoutUs: 20_000,
    linkFilter: (_from, to, _msg, nowUs) => !(to === 3 && nowUs >= 20_000 && nowUs < 90_000),
  });
  t.deepEqual(r.violations, [], describe(r));
  t.deepEqual(r.orderErrors, [], describe(r));
  const lagger = r.nodes[3] as SimNode;
  t.like(lagger.engine.status(), { view: 0, phase: 'view-change', targetView: 1 });
  t.true(lagger.transfers >= 3, describe(r));
  t.true(lagger.lastSeq >= r.maxCorrectSeq - 2 * 8 - 3, describe(r));
});

test('adoptCheckpoint: with f replicas silent, a replica that installed a state f+1 others vouch for votes for it, and checkpoints become stable again', (t) => {
  const c = new LockStep(4, 1);
  // Seqs 1..4 commit at 0, 1, 2 while replica 3 hears nothing; replica 1 then crashes before its
  // checkpoint vote for seq 4 gets out. 0 and 2 vote: two votes, short of the quorum of 3.
  c.filter = (s) => s.to !== 3 && s.from !== 3 && !(s.from === 1 && s.msg.kind === 'checkpoint');
  const p = c.engines[0] as PbftEngine;
  for (let i = 1; i <= 4; i++) p.propose(batchAt(i), 0);
  c.run(0);
  t.is(c.engines[0]?.status().lowWatermark, 0, 'no quorum for the checkpoint at seq 4');
  c.filter = (s) => s.to !== 1 && s.from !== 1;
  const lagger = c.engines[3] as PbftEngine;
  const votes = c.sent.filter((x) => x.msg.kind === 'checkpoint' && x.to === 3 && x.from !== 1);
  t.is(votes.length, 2);
  for (const s of votes) lagger.receive(s.from, s.msg, 1_000);
  const vote = votes[0]?.msg;
  if (vote?.kind !== 'checkpoint') return t.fail();
  // The embedder fetched and verified the state (f+1 vouch for it); a quorum proof cannot exist.
  t.false(lagger.installCheckpoint(4, vote.checkpoint.stateDigest, 2_000));
  t.false(lagger.adoptCheckpoint(4, sha256(new Uint8Array([9])).slice(0, 7), 2_000), 'not a state digest');
  t.true(lagger.adoptCheckpoint(4, vote.checkpoint.stateDigest, 2_000));
  t.is(lagger.status().lastExecuted, 4);
  c.run(2_000);
  for (const r of [0, 2, 3]) t.is(c.engines[r]?.status().lowWatermark, 4, `replica ${r}: the lagger's vote completed the quorum`);
  // And the three correct replicas go on without replica 1.
  for (let i = 5; i <= 8; i++) p.propose(batchAt(i), 3_000);
  c.run(3_000);
  for (const r of [0, 2, 3]) t.like(c.engines[r]?.status(), { lastExecuted: 8, lowWatermark: 8 });
});
