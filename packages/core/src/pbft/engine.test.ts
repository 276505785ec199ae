/**
 * One test per PBFT rule, driven in lock step (lossless, FIFO, explicit time), so each test
 * shows exactly which messages make a rule fire.
 */
import test from 'ava';
import { sha256 } from '@noble/hashes/sha2.js';
import { batchAt, LockStep, NULL_BATCH, testOptions } from './_harness.test.js';
import { PbftEngine } from './engine.js';
import { hex, prepareSigningBytes } from './messages.js';
import type { PbftMessage } from './types.js';

test('config: impossible or unsafe limits fail at construction', (t) => {
  t.throws(() => new PbftEngine(testOptions(3, 1, 0)), { message: /3f \+ 1/ });
  t.throws(() => new PbftEngine(testOptions(4, 1, 4)), { message: /self/ });
  t.throws(() => new PbftEngine(testOptions(4, 1, 0, { watermarkWindowSeqs: 6 })), { message: /multiple/ });
  t.throws(() => new PbftEngine(testOptions(4, 1, 0, { watermarkWindowSeqs: 512, checkpointIntervalSeqs: 4 })), { message: /MAX_LOG_WINDOW/ });
  t.throws(() => new PbftEngine(testOptions(4, 1, 0, { viewChangeTimeoutUs: 0 })), { message: /viewChangeTimeoutUs/ });
  t.notThrows(() => new PbftEngine(testOptions(5, 1, 0)));
});

test('only the primary proposes, and only inside the watermark window', (t) => {
  const c = new LockStep(4, 1);
  t.deepEqual(c.engines[1]?.propose(batchAt(1), 0), { ok: false, reason: 'not-primary' });
  const p = c.engines[0] as PbftEngine;
  // Nothing is delivered, so nothing commits and h stays 0: L = 8 proposals fit, the 9th not.
  for (let i = 1; i <= 8; i++) t.like(p.propose(batchAt(i), 0), { ok: true, seq: i });
  t.deepEqual(p.propose(batchAt(9), 0), { ok: false, reason: 'window-full' });
  t.false(p.canPropose());
  t.deepEqual(p.propose(new Uint8Array(70_000), 0), { ok: false, reason: 'too-large' });
});

test('normal case: pre-prepare -> 2f prepares -> 2f+1 commits -> delivery in seq order everywhere', (t) => {
  const c = new LockStep(4, 1);
  const p = c.engines[0] as PbftEngine;
  for (let i = 1; i <= 6; i++) p.propose(batchAt(i), 0);
  c.run(0);
  const expected = [1, 2, 3, 4, 5, 6].map((i) => ({ seq: i, digest: hex(sha256(batchAt(i))) }));
  for (let r = 0; r < 4; r++) t.deepEqual(c.committed[r], expected, `replica ${r}`);
  // The primary never sends a prepare; every backup signs one per seq.
  const prepares = c.sent.filter((s) => s.msg.kind === 'prepare');
  t.false(prepares.some((s) => s.from === 0));
  t.is(new Set(prepares.map((s) => (s.msg.kind === 'prepare' ? `${s.from}/${s.msg.prepare.seq}` : ''))).size, 18);
});

test('a replica missing the pre-prepare cannot commit even with every prepare and commit', (t) => {
  const c = new LockStep(4, 1);
  c.filter = (s) => !(s.msg.kind === 'prePrepare' && s.to === 3);
  (c.engines[0] as PbftEngine).propose(batchAt(1), 0);
  c.run(0);
  t.is(c.committed[3]?.length, 0);
  t.is(c.committed[1]?.length, 1);
});

test('prepares from the primary or naming another replica never count', (t) => {
  const e = new PbftEngine(testOptions(4, 1, 1));
  const batch = batchAt(5);
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 1, batch } }, 0);
  const digest = sha256(batch);
  const sign = testOptions(4, 1, 0).sign;
  // The primary's own prepare (validly signed) and a prepare relayed with replica 2's name.
  e.receive(0, { kind: 'prepare', prepare: { view: 0, seq: 1, digest, replica: 0, signature: sign(prepareSigningBytes(0, 1, digest, 0)) } }, 0);
  e.receive(3, { kind: 'prepare', prepare: { view: 0, seq: 1, digest, replica: 2, signature: new Uint8Array(64) } }, 0);
  const out = e.drain();
  t.false(out.messages.some((m) => m.msg.kind === 'commit'), 'not prepared');
  t.is(e.counters()['ignored.prepare-from-primary'], 1);
  t.is(e.counters()['ignored.relayed-prepare'], 1);
  t.true(out.events.some((ev) => ev.kind === 'suspect' && ev.node === 3));
});

test('a prepare with a bad signature is not counted before commit (default mode) and its sender is suspected', (t) => {
  const e = new PbftEngine(testOptions(4, 1, 1));
  const batch = batchAt(5);
  const digest = sha256(batch);
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 1, batch } }, 0);
  e.receive(2, { kind: 'prepare', prepare: { view: 0, seq: 1, digest, replica: 2, signature: new Uint8Array(64).fill(7) } }, 0);
  let out = e.drain();
  t.false(out.messages.some((m) => m.msg.kind === 'commit'));
  t.true(out.events.some((ev) => ev.kind === 'suspect' && ev.node === 2 && ev.reason === 'bad-signature'));
  const sign3 = testOptions(4, 1, 3).sign;
  e.receive(3, { kind: 'prepare', prepare: { view: 0, seq: 1, digest, replica: 3, signature: sign3(prepareSigningBytes(0, 1, digest, 3)) } }, 0);
  out = e.drain();
  t.true(out.messages.some((m) => m.msg.kind === 'commit'), 'own + replica 3 = 2f valid prepares');
});

test('two pre-prepares for one (view, seq) from the primary: equivocation, view change', (t) => {
  const e = new PbftEngine(testOptions(4, 1, 2));
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 3, batch: batchAt(1) } }, 0);
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 3, batch: batchAt(1) } }, 0);
  t.is(e.counters()['duplicate.pre-prepare'], 1, 'a retransmission is not equivocation');
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 3, batch: batchAt(2) } }, 0);
  const out = e.drain();
  t.true(out.events.some((ev) => ev.kind === 'suspect' && ev.node === 0 && ev.reason === 'equivocation'));
  t.true(out.events.some((ev) => ev.kind === 'view-change' && ev.view === 1));
  t.is(e.status().phase, 'view-change');
});

test('f+1 backups preparing another digest expose an equivocating primary', (t) => {
  const e = new PbftEngine(testOptions(4, 1, 1));
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 1, batch: batchAt(1) } }, 0);
  const other = sha256(batchAt(2));
  for (const r of [2, 3]) {
    const sign = testOptions(4, 1, r).sign;
    e.receive(r, { kind: 'prepare', prepare: { view: 0, seq: 1, digest: other, replica: r, signature: sign(prepareSigningBytes(0, 1, other, r)) } }, 0);
  }
  const out = e.drain();
  t.true(out.events.some((ev) => ev.kind === 'suspect' && ev.node === 0 && ev.reason === 'equivocation'));
  t.is(e.status().targetView, 1);
});

test('messages outside the watermark window, of old views or from non-primaries are dropped and counted', (t) => {
  const e = new PbftEngine(testOptions(4, 1, 1));
  // L = 8: seqs up to one window above H are kept for later (checkpoint.test), beyond that dropped.
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 17, batch: batchAt(1) } }, 0);
  e.receive(0, { kind: 'prePrepare', prePrepare: { view: 0, seq: 0, batch: batchAt(1) } }, 0);
  e.receive(2, { kind: 'prePrepare', prePrepare: { view: 0, seq: 1, batch: batchAt(1) } }, 0);
  e.receive(1, { kind: 'commit', commit: { view: 0, seq: 1, digest: new Uint8Array(32) } }, 0);
  e.receive(7, { kind: 'commit', commit: { view: 0, seq: 1, digest: new Uint8Array(32) } }, 0);
  const c = e.counters();
  t.is(c['ignored.above-watermark'], 1);
  t.is(c['ignored.below-watermark'], 1);
  t.is(c['ignored.pre-prepare-from-backup'], 1);
  t.is(c['ignored.bad-sender'], 2, 'self and out-of-range senders');
  t.is(e.logSize(), 0);
  t.is(e.internalError(), undefined);
});

test('an invalid batch gets no prepare from a backup, but a quorum that accepted it still carries it along', (t) => {
  // Replica 3's acceptance rule rejects everything (think: a skewed clock); the others accept.
  const c = new LockStep(4, 1, (self) => (self === 3 ? { validateBatch: () => ({ ok: false, reason: 'tau too far ahead' }) } : {}));
  (c.engines[0] as PbftEngine).propose(batchAt(1), 0);
  c.run(0);
  t.false(c.sent.some((s) => s.from === 3 && s.msg.kind === 'prepare'));
  t.true(c.events[3]?.some((ev) => ev.kind === 'suspect' && ev.reason === 'bad-batch'));
  for (let r = 0; r < 4; r++) t.is(c.committed[r]?.length, 1, `replica ${r} committed`);
});

test('a batch rejected by f+1 correct backups never commits', (t) => {
  const c = new LockStep(4, 1, (self) => (self >= 2 ? { validateBatch: () => ({ ok: false, reason: 'bad' }) } : {}));
  (c.engines[0] as PbftEngine).propose(batchAt(1), 0);
  c.run(0);
  for (let r = 0; r < 4; r++) t.is(c.committed[r]?.length, 0);
});

test('checkpoints: 2f+1 matching make h advance and collect the log', (t) => {
  const c = new LockStep(4, 1);
  const p = c.engines[0] as PbftEngine;
  for (let i = 1; i <= 6; i++) p.propose(batchAt(i), 0);
  c.run(0);
  for (const e of c.engines) {
    t.is(e.status().lowWatermark, 4);
    t.is(e.logSize(), 2, 'seqs 5 and 6 remain');
  }
  t.true(c.events[1]?.some((ev) => ev.kind === 'stable-checkpoint' && ev.seq === 4));
});

test('drain reports the next tick deadline and ticks retransmit what is stuck', (t) => {
  const c = new LockStep(4, 1);
  // All commits to replica 2 are lost once.
  let dropped = 0;
  c.filter = (s) => {
    if (s.to === 2 && s.msg.kind === 'commit' && dropped < 3) {
      dropped++;
      return false;
    }
    return true;
  };
  (c.engines[0] as PbftEngine).propose(batchAt(1), 0);
  c.run(0);
  t.is(c.committed[2]?.length, 0);
  const next = (c.engines[2] as PbftEngine).drain().nextTickUs;
  t.true(next > 0 && next <= 2_500, `next tick ${next}`);
  c.tickAll(2_500);
  t.is(c.committed[2]?.length, 1, 'retransmitted commits arrived');
});

test('messages for a future view are buffered within a per-sender bound', (t) => {
  const e = new PbftEngine(testOptions(4, 1, 1, { maxBufferedPerReplica: 5 }));
  for (let i = 0; i < 50; i++) e.receive(3, { kind: 'commit', commit: { view: 7, seq: 1, digest: new Uint8Array(32) } }, 0);
  t.is(e.memory().bufferedMessages, 5);
  t.is(e.counters()['dropped.buffer-full'], 45);
});

test('the null batch is what re-proposals fill gaps with', (t) => {
  t.is(NULL_BATCH.length, 0, 'an empty Batch encodes to zero bytes');
  const msg: PbftMessage = { kind: 'prePrepare', prePrepare: { view: 0, seq: 1, batch: NULL_BATCH } };
  const e = new PbftEngine(testOptions(4, 1, 1));
  e.receive(0, msg, 0);
  t.true(e.drain().messages.some((m) => m.msg.kind === 'prepare'));
});
