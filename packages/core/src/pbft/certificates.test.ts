/** What a certificate must be to count, and the deterministic NewView computation. */
import test from 'ava';
import type { Checkpoint, Prepare, PreparedProof, ViewChange } from '@bftkvs/msgs';
import { sha256 } from '@noble/hashes/sha2.js';
import { batchAt, fakeSigner, NULL_BATCH } from './_harness.test.js';
import { checkPreparedProof, checkStableProof, checkViewChange, SignatureCache, type CertificateContext } from './certificates.js';
import { checkpointSigningBytes, hex, prepareSigningBytes, viewChangeSigningBytes } from './messages.js';
import { planNewView } from './viewChange.js';

const N = 4;
const crypto = fakeSigner(N);
const ctx: CertificateContext = {
  n: N,
  quorum: 3,
  prepareQuorum: 2,
  checkpointIntervalSeqs: 4,
  watermarkWindowSeqs: 8,
  maxBatchBytes: 60_000,
  digest: (b) => sha256(b),
  verify: crypto.verify,
};

function prepare(view: number, seq: number, batch: Uint8Array, replica: number): Prepare {
  const digest = sha256(batch);
  return { view, seq, digest, replica, signature: crypto.sign(replica)(prepareSigningBytes(view, seq, digest, replica)) };
}

function proof(view: number, seq: number, batch: Uint8Array, replicas: number[]): PreparedProof {
  return { view, seq, batch, prepares: replicas.map((r) => prepare(view, seq, batch, r)) };
}

function checkpoint(seq: number, state: string, replica: number): Checkpoint {
  const stateDigest = sha256(new TextEncoder().encode(state));
  return { seq, stateDigest, replica, signature: crypto.sign(replica)(checkpointSigningBytes(seq, stateDigest, replica)) };
}

function viewChange(newView: number, replica: number, prepared: PreparedProof[], stableSeq = 0, stableProof: Checkpoint[] = [], maxTauUs = 0): ViewChange {
  const vc: ViewChange = { newView, stableSeq, stableProof, prepared, maxTauUs, replica, signature: new Uint8Array(0) };
  vc.signature = crypto.sign(replica)(viewChangeSigningBytes(vc));
  return vc;
}

test('a prepared certificate needs 2f prepares from distinct backups of its view', (t) => {
  const b = batchAt(1);
  const ok = (p: PreparedProof, newView = 1, stable = 0): boolean => checkPreparedProof(ctx, new SignatureCache(), p, newView, stable).ok;
  t.true(ok(proof(0, 1, b, [1, 2])));
  t.false(ok(proof(0, 1, b, [1])), 'too few');
  t.false(ok(proof(0, 1, b, [0, 1])), "the view's primary does not count");
  t.false(ok(proof(0, 1, b, [1, 1])), 'repeated replica');
  t.false(ok(proof(0, 1, b, [1, 9])), 'unknown replica');
  t.false(ok(proof(1, 1, b, [2, 3]), 1), 'certificate from the new view itself');
  t.false(ok(proof(0, 9, b, [1, 2])), 'above the window');
  t.false(ok(proof(0, 4, b, [1, 2]), 1, 4), 'at or below the stable checkpoint');
  const swapped = proof(0, 1, b, [1, 2]);
  t.false(ok({ ...swapped, batch: batchAt(2) }), 'batch does not match the signed digest');
  const forged = proof(0, 1, b, [1, 2]);
  const p2 = forged.prepares[1] as Prepare;
  t.false(ok({ ...forged, prepares: [forged.prepares[0] as Prepare, { ...p2, signature: new Uint8Array(64) }] }), 'bad signature');
});

test('a stable proof needs 2f+1 signed checkpoints agreeing on one digest', (t) => {
  const ok = (seq: number, p: Checkpoint[]): boolean => checkStableProof(ctx, new SignatureCache(), seq, p).ok;
  t.true(ok(0, []), 'genesis needs nothing');
  t.false(ok(0, [checkpoint(0, 's', 1)]));
  t.true(ok(4, [0, 1, 2].map((r) => checkpoint(4, 's4', r))));
  t.false(ok(4, [0, 1].map((r) => checkpoint(4, 's4', r))), 'too few');
  t.false(ok(4, [checkpoint(4, 's4', 0), checkpoint(4, 's4', 1), checkpoint(4, 'other', 2)]), 'digests disagree');
  t.false(ok(4, [checkpoint(4, 's4', 0), checkpoint(4, 's4', 1), checkpoint(4, 's4', 1)]), 'repeated replica');
  t.false(ok(5, [0, 1, 2].map((r) => checkpoint(5, 's5', r))), 'not a checkpoint seq');
  const bad = [0, 1, 2].map((r) => checkpoint(4, 's4', r));
  t.false(ok(4, [...bad.slice(0, 2), { ...(bad[2] as Checkpoint), signature: new Uint8Array(64) }]), 'bad signature');
});

test('a view change is checked as a whole: signature, checkpoint proof, every certificate', (t) => {
  const good = viewChange(1, 2, [proof(0, 1, batchAt(1), [1, 2])]);
  t.true(checkViewChange(ctx, new SignatureCache(), good).ok);
  t.false(checkViewChange(ctx, new SignatureCache(), { ...good, maxTauUs: 99 }).ok, 'content changed after signing');
  const twice = viewChange(1, 2, [proof(0, 1, batchAt(1), [1, 2]), proof(0, 1, batchAt(1), [1, 3])]);
  t.false(checkViewChange(ctx, new SignatureCache(), twice).ok, 'two certificates for one seq');
  const unproven = viewChange(1, 2, [], 4, []);
  t.false(checkViewChange(ctx, new SignatureCache(), unproven).ok, 'stable seq without proof');
  const verified = new Set<string>();
  t.true(checkViewChange(ctx, new SignatureCache(), good, verified).ok);
  t.is(verified.size, 1);
  // The memo is keyed by content: a copied signature on other content is still rejected.
  t.false(checkViewChange(ctx, new SignatureCache(), { ...good, stableSeq: 0, maxTauUs: 1 }, verified).ok);
});

test('signatures are domain-separated: a prepare signature is not a checkpoint signature', (t) => {
  const digest = sha256(batchAt(1));
  const sig = crypto.sign(1)(prepareSigningBytes(0, 4, digest, 1));
  t.false(crypto.verify(1, checkpointSigningBytes(4, digest, 1), sig));
});

test('NewView plan: highest-view certificate per seq, null batches for gaps, minS from the best proof', (t) => {
  const a = batchAt(10);
  const b = batchAt(20);
  const c = batchAt(30);
  const stable = [0, 1, 2].map((r) => checkpoint(4, 's4', r));
  const vcs = [
    viewChange(3, 3, [proof(0, 5, a, [1, 2]), proof(0, 7, c, [1, 2])], 4, stable, 100),
    viewChange(3, 1, [proof(2, 5, b, [1, 3])], 0, [], 300),
    viewChange(3, 2, [proof(0, 3, a, [1, 3])], 0, [], 200),
  ];
  const plan = planNewView(3, vcs, 1, NULL_BATCH, (x) => sha256(x));
  t.is(plan.minS, 4);
  t.is(plan.maxS, 7);
  t.deepEqual(
    plan.prePrepares.map((p) => [p.seq, hex(p.batch)]),
    [
      [5, hex(b)], // view 2 beats view 0
      [6, hex(NULL_BATCH)], // nobody prepared seq 6
      [7, hex(c)],
    ],
  );
  t.true(plan.prePrepares.every((p) => p.view === 3));
  t.is(plan.maxTauUs, 300);
  t.is(plan.robustMaxTauUs, 200, 'the (f+1)-th largest: one Byzantine report cannot raise it');
  t.is(hex(plan.stableDigest), hex(stable[0]?.stateDigest ?? new Uint8Array()));
});

test('NewView plan does not depend on the order of the view changes', (t) => {
  const vcs = [
    viewChange(1, 1, [proof(0, 1, batchAt(1), [1, 2]), proof(0, 2, batchAt(2), [2, 3])]),
    viewChange(1, 2, [proof(0, 2, batchAt(2), [1, 2])]),
    viewChange(1, 3, []),
  ];
  const key = (x: ViewChange[]): string => JSON.stringify(planNewView(1, x, 1, NULL_BATCH, (y) => sha256(y)).prePrepares.map((p) => [p.seq, hex(p.batch)]));
  t.is(key(vcs), key([...vcs].reverse()));
});
