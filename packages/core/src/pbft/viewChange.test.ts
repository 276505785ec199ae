/** View changes: why they start, how they finish, and that they never lose a committed batch. */
import test from 'ava';
import { batchAt, describe, LockStep, Sim, type SimNode, type SimResult } from './_harness.test.js';
import type { PbftEngine } from './engine.js';
import type { PbftEvent } from './types.js';

const BASE_TIMEOUT_US = 20_000;

function clean(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, r: SimResult): void {
  t.deepEqual(r.violations, [], describe(r));
  t.deepEqual(r.orderErrors, [], describe(r));
  t.deepEqual(r.wireErrors, [], describe(r));
  t.deepEqual(r.internalErrors, [], describe(r));
}

const viewEvents = (node: SimNode): Extract<PbftEvent, { kind: 'view' }>[] =>
  node.events.filter((e): e is Extract<PbftEvent, { kind: 'view' }> => e.kind === 'view');

test('a crashed primary is replaced and progress resumes on the same committed prefix', (t) => {
  const sim = new Sim({ n: 4, f: 1, seed: 11, durationUs: 250_000, faults: { 0: [{ kind: 'crash', atUs: 50_000 }] } });
  while (sim.nowUs < 50_000) sim.step();
  const before = new Map((sim.nodes[1] as SimNode).history);
  const seqBefore = Math.min(...sim.liveCorrect().map((n) => n.lastSeq));
  const r = sim.run();
  clean(t, r);
  t.true(before.size >= 40, describe(r));
  for (const node of sim.liveCorrect()) {
    for (const [seq, d] of before) t.is(node.history.get(seq), d, `replica ${node.id} seq ${seq} (${describe(r)})`);
    t.is(node.engine.status().view, 1, describe(r));
    t.true(node.lastSeq >= seqBefore + 100, `replica ${node.id} made progress in view 1: ${describe(r)}`);
    t.like(viewEvents(node)[0], { view: 1, primary: 1 });
  }
  t.true((sim.nodes[2] as SimNode).events.some((e) => e.kind === 'suspect' && e.node === 0 && e.reason === 'silent-primary'));
});

test('a primary proposing invalid batches is suspected and replaced', (t) => {
  const r = new Sim({ n: 4, f: 1, seed: 3, durationUs: 200_000, faults: { 0: [{ kind: 'invalid-batches' }] } }).run();
  clean(t, r);
  for (const node of r.nodes.slice(1)) {
    t.true(node.events.some((e) => e.kind === 'suspect' && e.node === 0 && e.reason === 'bad-batch'), describe(r));
    t.true(node.engine.status().view >= 1, describe(r));
  }
  t.true(r.minCorrectSeq >= 100, describe(r));
  // Nothing invalid was ever delivered: every committed batch decodes.
  for (const node of r.nodes) t.is(node.undecodableCommitted, 0, `replica ${node.id}`);
});

test('an equivocating primary is exposed and replaced', (t) => {
  const r = new Sim({ n: 4, f: 1, seed: 5, durationUs: 200_000, faults: { 0: [{ kind: 'equivocate' }] } }).run();
  clean(t, r);
  t.true(
    r.nodes.slice(1).some((n) => n.events.some((e) => e.kind === 'suspect' && e.node === 0 && e.reason === 'equivocation')),
    describe(r),
  );
  t.true(r.minCorrectSeq >= 100, describe(r));
});

test('two crashed primaries in a row (n = 7, f = 2): view 2 takes over', (t) => {
  const r = new Sim({
    n: 7,
    f: 2,
    seed: 8,
    durationUs: 400_000,
    viewChangeTimeoutUs: BASE_TIMEOUT_US,
    faults: { 0: [{ kind: 'crash', atUs: 30_000 }], 1: [{ kind: 'crash', atUs: 1 }] },
  }).run();
  clean(t, r);
  const node = r.nodes[3] as SimNode;
  t.is(node.engine.status().view, 2, describe(r));
  t.true(r.minCorrectSeq >= 150, describe(r));
  const asks = node.events.filter((e) => e.kind === 'view-change').map((e) => (e.kind === 'view-change' ? e.view : -1));
  t.deepEqual(asks, [1, 2], describe(r));
});

test('back-off: the wait for a NewView doubles with each failed view', (t) => {
  // n = 10, f = 3: replicas 1 and 2 are dead and the primary 0 crashes, so views 1 and 2 fail.
  const sim = new Sim({
    n: 10,
    f: 3,
    seed: 9,
    durationUs: 600_000,
    viewChangeTimeoutUs: BASE_TIMEOUT_US,
    faults: { 0: [{ kind: 'crash', atUs: 30_000 }], 1: [{ kind: 'crash', atUs: 1 }], 2: [{ kind: 'crash', atUs: 1 }] },
  });
  const starts = new Map<number, number>();
  while (sim.nowUs < 600_000) {
    sim.step();
    for (const e of (sim.nodes[4] as SimNode).events) if (e.kind === 'view-change' && !starts.has(e.view)) starts.set(e.view, sim.nowUs);
  }
  const s1 = starts.get(1);
  const s2 = starts.get(2);
  const s3 = starts.get(3);
  t.truthy(s1 !== undefined && s2 !== undefined && s3 !== undefined, JSON.stringify([...starts]));
  if (s1 === undefined || s2 === undefined || s3 === undefined) return;
  t.true(s2 - s1 >= 2 * BASE_TIMEOUT_US, `view 1 -> 2 after ${s2 - s1} us`);
  t.true(s3 - s2 >= 4 * BASE_TIMEOUT_US, `view 2 -> 3 after ${s3 - s2} us`);
  t.is((sim.nodes[4] as SimNode).engine.status().view, 3);
  t.deepEqual(sim.violations, []);
});

test('a NewView whose re-proposals do not match its view changes is rejected and the next view is tried', (t) => {
  const r = new Sim({
    n: 4,
    f: 1,
    seed: 21,
    durationUs: 300_000,
    faults: { 0: [{ kind: 'crash', atUs: 40_000 }], 1: [{ kind: 'tamper-new-view' }] },
  }).run();
  clean(t, r);
  for (const node of [r.nodes[2], r.nodes[3]] as SimNode[]) {
    t.true(
      node.events.some((e) => e.kind === 'suspect' && e.node === 1 && e.detail.includes('differs from the recomputation')),
      describe(r),
    );
    t.is(node.engine.status().view, 2, describe(r));
  }
  t.true(r.minCorrectSeq >= 100, describe(r));
});

test('the embedder can ask for a view change (censorship); f+1 requests pull in the rest', (t) => {
  const c = new LockStep(4, 1);
  (c.engines[0] as PbftEngine).propose(batchAt(1), 0);
  c.run(0);
  (c.engines[1] as PbftEngine).suspectPrimary('censorship', 'write w1 not ordered for 50 ms', 1_000);
  c.run(1_000);
  t.is(c.engines[2]?.status().phase, 'normal', 'one request is not enough');
  (c.engines[2] as PbftEngine).suspectPrimary('censorship', 'write w1 not ordered for 50 ms', 1_000);
  c.run(1_000);
  for (const e of c.engines) t.like(e.status(), { view: 1, phase: 'normal', primary: 1 });
  const joined = c.events[3]?.find((e) => e.kind === 'view-change');
  t.regex(joined?.kind === 'view-change' ? joined.reason : '', /f\+1/);
  t.like((c.engines[1] as PbftEngine).propose(batchAt(2), 2_000), { ok: true, seq: 2 });
  c.run(2_000);
  for (let r = 0; r < 4; r++) t.deepEqual(c.committed[r]?.map((x) => x.seq), [1, 2]);
});

test('a replica that missed the NewView asks again and is resent it', (t) => {
  let droppedNewView = false;
  const r = new Sim({
    n: 4,
    f: 1,
    seed: 31,
    durationUs: 300_000,
    faults: { 0: [{ kind: 'crash', atUs: 40_000 }] },
    linkFilter: (_from, to, msg) => {
      if (to === 3 && msg.kind === 'newView' && !droppedNewView) {
        droppedNewView = true;
        return false;
      }
      return true;
    },
  }).run();
  clean(t, r);
  t.true(droppedNewView);
  t.like((r.nodes[3] as SimNode).engine.status(), { view: 1, phase: 'normal' });
  t.true((r.nodes[1] as SimNode).engine.counters()['retransmit.new-view'] !== undefined, describe(r));
  t.true(r.maxCorrectSeq - r.minCorrectSeq <= 3 && r.minCorrectSeq >= 150, describe(r));
});

test('the new view carries the highest committed tau from the view changes', (t) => {
  const sim = new Sim({ n: 4, f: 1, seed: 41, durationUs: 150_000, faults: { 0: [{ kind: 'crash', atUs: 50_000 }] } });
  while (sim.nowUs < 50_000) sim.step();
  const tauAtCrash = Math.max(...sim.liveCorrect().map((n) => n.maxTauUs));
  const r = sim.run();
  clean(t, r);
  const ev = viewEvents(r.nodes[2] as SimNode)[0];
  t.truthy(ev, describe(r));
  if (ev === undefined) return;
  t.true(ev.maxTauUs > 0 && ev.maxTauUs <= tauAtCrash, `maxTau ${ev.maxTauUs} vs ${tauAtCrash}`);
  t.true(ev.robustMaxTauUs <= ev.maxTauUs);
});

test('with expectContinuousProgress = false an idle primary is fine, a stuck request is not', (t) => {
  const c = new LockStep(4, 1, () => ({ expectContinuousProgress: false }));
  c.tickAll(0);
  c.tickAll(1_000_000);
  for (const e of c.engines) t.is(e.status().phase, 'normal');
  // A pre-prepare whose prepares are all lost: now the backups expect progress.
  c.filter = (s) => s.msg.kind !== 'prepare';
  (c.engines[0] as PbftEngine).propose(batchAt(1), 1_000_000);
  c.run(1_000_000);
  c.tickAll(1_000_000 + 10_000);
  t.is(c.engines[1]?.status().targetView, 1);
});
