/**
 * Hostile input: a Byzantine replica sending forged, replayed, misaddressed and oversized
 * messages must not break safety, must not crash the engine, must not make it suspect a
 * correct replica, and must not grow its memory.
 */
import test from 'ava';
import fc from 'fast-check';
import type { Checkpoint, PrePrepare, Prepare, PreparedProof, ViewChange } from '@bftkvs/msgs';
import { MAX_LOG_WINDOW } from '@bftkvs/msgs';
import { batchAt, describe, LockStep, runSim, testOptions, type SimNode } from './_harness.test.js';
import { PbftEngine } from './engine.js';
import type { PbftMessage } from './types.js';

const N = 4;

test('a forging replica (as backup and as a later primary) cannot break safety or liveness: 40 seeds', (t) => {
  const failures: string[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    const forger = seed % 2 === 0 ? 3 : 1; // replica 1 leads view 1 if the primary changes
    const r = runSim({
      n: N,
      f: 1,
      seed,
      durationUs: 200_000,
      faults: { [forger]: [{ kind: 'forge', rate: 0.5 }] },
      dropRate: seed % 4 === 0 ? 0.05 : 0,
    });
    if (r.violations.length + r.orderErrors.length + r.wireErrors.length + r.internalErrors.length > 0) failures.push(describe(r));
    if (r.minCorrectSeq < 150) failures.push(`LIVENESS ${describe(r)}`);
    // Without drops, every suspicion a correct replica raises names the forger.
    if (seed % 4 !== 0) {
      for (const node of r.nodes) {
        const wrong = node.events.filter((e) => e.kind === 'suspect' && e.node !== forger);
        if (node.correct && wrong.length > 0) failures.push(`seed ${seed}: replica ${node.id} suspected ${JSON.stringify(wrong[0])}`);
      }
    }
  }
  t.deepEqual(failures, []);
});

test('a replica with bad prepare signatures that withholds certificates cannot break safety: 30 seeds', (t) => {
  const failures: string[] = [];
  for (let seed = 1; seed <= 30; seed++) {
    const r = runSim({
      n: N,
      f: 1,
      seed,
      durationUs: 200_000,
      faults: { 2: [{ kind: 'bad-prepare-signatures' }, { kind: 'withhold-certificates' }], 0: [{ kind: 'crash', atUs: 10_000 + seed * 2_000 }] },
      dropRate: 0.03,
    });
    // f = 1 is exceeded (0 crashed, 2 Byzantine) so only safety is required here.
    if (r.violations.length + r.orderErrors.length + r.internalErrors.length > 0) failures.push(describe(r));
  }
  t.deepEqual(failures, []);
});

// --- Direct fuzzing of one engine ----------------------------------------------------------

const u53 = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 32, 2 ** 40));
const replica = fc.oneof(fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 0, max: 63 }));
const digest = fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 40 }));
const sig = fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 64, maxLength: 64 }));
const batch = fc.oneof(fc.constant(batchAt(1)), fc.uint8Array({ maxLength: 64 }));
const prepare: fc.Arbitrary<Prepare> = fc.record({ view: u53, seq: u53, digest, replica, signature: sig });
const checkpoint: fc.Arbitrary<Checkpoint> = fc.record({ seq: u53, stateDigest: digest, replica, signature: sig });
const preparedProof: fc.Arbitrary<PreparedProof> = fc.record({ view: u53, seq: u53, batch, prepares: fc.array(prepare, { maxLength: 5 }) });
const viewChange: fc.Arbitrary<ViewChange> = fc.record({
  newView: u53,
  stableSeq: u53,
  stableProof: fc.array(checkpoint, { maxLength: 5 }),
  prepared: fc.array(preparedProof, { maxLength: 4 }),
  maxTauUs: u53,
  replica,
  signature: sig,
});
const prePrepare: fc.Arbitrary<PrePrepare> = fc.record({ view: u53, seq: u53, batch });
const message: fc.Arbitrary<PbftMessage> = fc.oneof(
  prePrepare.map((m) => ({ kind: 'prePrepare' as const, prePrepare: m })),
  prepare.map((m) => ({ kind: 'prepare' as const, prepare: m })),
  fc.record({ view: u53, seq: u53, digest }).map((m) => ({ kind: 'commit' as const, commit: m })),
  checkpoint.map((m) => ({ kind: 'checkpoint' as const, checkpoint: m })),
  viewChange.map((m) => ({ kind: 'viewChange' as const, viewChange: m })),
  fc
    .record({ view: u53, viewChanges: fc.array(viewChange, { maxLength: 4 }), prePrepares: fc.array(prePrepare, { maxLength: 4 }), replica, signature: sig })
    .map((m) => ({ kind: 'newView' as const, newView: m })),
);

test('random hostile messages never throw, never corrupt, and never grow memory past the bounds', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: -1, max: N + 1 }), message), { maxLength: 80 }), (inputs) => {
      const e = new PbftEngine(testOptions(N, 1, 1, { maxBufferedPerReplica: 16 }));
      let now = 0;
      for (const [from, msg] of inputs) {
        e.receive(from, msg, (now += 100));
        e.tick(now);
        e.drain();
      }
      const m = e.memory();
      return (
        e.internalError() === undefined &&
        m.logEntries <= 8 &&
        m.bufferedMessages <= N * 16 &&
        m.viewChanges <= N &&
        m.checkpointVotes <= N * (8 / 4 + 1) &&
        e.status().lastExecuted === 0 // nothing can commit from messages of one sender
      );
    }),
    { numRuns: 300, seed: 42 },
  );
  t.pass();
});

test('a live cluster keeps agreeing while one replica sprays random hostile messages', (t) => {
  const c = new LockStep(N, 1);
  const rng = fc.sample(fc.tuple(fc.integer({ min: 0, max: 2 }), message), { numRuns: 400, seed: 7 });
  const p = c.engines[0] as PbftEngine;
  let i = 0;
  for (let round = 0; round < 20; round++) {
    p.propose(batchAt(round + 1), round * 1_000);
    // Replica 3 is the hostile one: it sends 20 random messages per round to replicas 0..2.
    for (let k = 0; k < 20; k++) {
      const [to, msg] = rng[i++ % rng.length] as [number, PbftMessage];
      c.engines[to]?.receive(3, msg, round * 1_000);
    }
    c.run(round * 1_000);
  }
  for (let r = 0; r < 3; r++) {
    t.is(c.committed[r]?.length, 20, `replica ${r}`);
    t.deepEqual(c.committed[r], c.committed[0]);
    t.is(c.engines[r]?.internalError(), undefined);
  }
});

test('oversized view changes and NewViews are rejected before any signature check', (t) => {
  let verifies = 0;
  const opts = testOptions(N, 1, 1);
  const e = new PbftEngine({ ...opts, verify: (r, b, s) => (verifies++, opts.verify(r, b, s)) });
  const proofs: PreparedProof[] = Array.from({ length: MAX_LOG_WINDOW }, (_, i) => ({ view: 0, seq: i + 1, batch: batchAt(i), prepares: [] }));
  e.receive(2, { kind: 'viewChange', viewChange: { newView: 1, stableSeq: 0, stableProof: [], prepared: proofs, maxTauUs: 0, replica: 2, signature: new Uint8Array(64) } }, 0);
  const prePrepares = proofs.map((p) => ({ view: 2, seq: p.seq, batch: p.batch }));
  e.receive(2, { kind: 'newView', newView: { view: 2, viewChanges: [], prePrepares, replica: 2, signature: new Uint8Array(64) } }, 0);
  t.is(e.counters()['rejected.oversized-view-change'], 1);
  t.is(e.counters()['rejected.invalid-new-view'], 1);
  t.is(verifies, 0);
  t.is(e.status().phase, 'normal', 'a NewView we were not waiting for does not push us out of the view');
});

test('a forger cannot make others adopt its far-future view alone (f+1 rule)', (t) => {
  const c = new LockStep(N, 1);
  for (const to of [0, 1, 2]) {
    c.inject(3, to, { kind: 'viewChange', viewChange: { newView: 1_000_000, stableSeq: 0, stableProof: [], prepared: [], maxTauUs: 0, replica: 3, signature: new Uint8Array(64) } }, 0);
  }
  for (const r of [0, 1, 2]) t.like(c.engines[r]?.status(), { view: 0, phase: 'normal' });
  (c.engines[0] as PbftEngine).propose(batchAt(1), 1);
  c.run(1);
  t.is(c.committed[1]?.length, 1);
});

test('suspicions name only the misbehaving sender', (t) => {
  const r = runSim({ n: N, f: 1, seed: 3, durationUs: 100_000, faults: { 2: [{ kind: 'forge', rate: 1 }] } });
  const correct = r.nodes.filter((x) => x.correct) as SimNode[];
  const named = new Set(correct.flatMap((x) => x.events.flatMap((e) => (e.kind === 'suspect' ? [e.node] : []))));
  t.deepEqual([...named], [2], describe(r));
  t.true(correct.every((x) => (x.engine.counters()['suspect.malformed'] ?? 0) + (x.engine.counters()['suspect.equivocation'] ?? 0) > 0));
});
