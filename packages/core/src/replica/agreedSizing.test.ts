import test from 'ava';
import type { Checkpoint, PreparedProof, ViewChange } from '@bftkvs/msgs';
import { MAX_BODY_BYTES, encodeBody } from '@bftkvs/msgs';
import { MAX_AGREED_CHECKPOINT_INTERVAL, agreedCapacityWarning, agreedSizing, configuredWriteRate, agreedTypicalWriteBytes, agreedWriteCapacity, newViewBytesBound, viewChangeBytesBound } from './agreedSizing.js';
import { agreedConfig } from './_agreedKit.test.js';

const BIG = Number.MAX_SAFE_INTEGER;

/** A ViewChange as large as the wire allows it to be for this sizing: every field at its widest. */
function worstViewChange(n: number, quorum: number, certs: number, batchBytes: number): ViewChange {
  const sig = new Uint8Array(64).fill(7);
  const digest = new Uint8Array(32).fill(9);
  const checkpoint = (replica: number): Checkpoint => ({ seq: BIG, stateDigest: digest, replica, signature: sig });
  const proof = (seq: number): PreparedProof => ({
    view: BIG,
    seq: BIG - seq,
    batch: new Uint8Array(batchBytes).fill(1),
    prepares: Array.from({ length: quorum - 1 }, (_, i) => ({ view: BIG, seq: BIG - seq, digest, replica: (i % (n - 1)) + 1, signature: sig })),
  });
  return {
    newView: BIG,
    stableSeq: BIG,
    stableProof: Array.from({ length: quorum }, (_, i) => checkpoint((i % (n - 1)) + 1)),
    prepared: Array.from({ length: certs }, (_, i) => proof(i)),
    maxTauUs: BIG,
    replica: n - 1,
    signature: sig,
  };
}

for (const [n, f] of [
  [4, 1],
  [5, 1],
  [7, 2],
  [9, 2],
  [13, 4],
] as const) {
  test(`n=${n} f=${f}: a full watermark window of full batches fits one ViewChange frame, and one NewView frame when possible`, (t) => {
    const sz = agreedSizing(agreedConfig({}, {}, n, f));
    t.is(sz.quorum, Math.ceil((n + f + 1) / 2));
    t.true(sz.checkpointIntervalSeqs <= MAX_AGREED_CHECKPOINT_INTERVAL);
    t.is(sz.watermarkWindowSeqs % sz.checkpointIntervalSeqs, 0);
    const L = sz.watermarkWindowSeqs;
    const vc = worstViewChange(n, sz.quorum, L, sz.maxBatchBytes);
    const bytes = encodeBody({ kind: 'viewChange', viewChange: vc }).length;
    t.true(bytes <= MAX_BODY_BYTES, `${bytes} > ${MAX_BODY_BYTES}`);
    t.true(bytes <= viewChangeBytesBound(sz.quorum, L, sz.maxBatchBytes), 'the bound is an upper bound');
    const nv = {
      view: BIG,
      viewChanges: Array.from({ length: sz.quorum }, () => vc),
      prePrepares: Array.from({ length: L }, (_, i) => ({ view: BIG, seq: BIG - i, batch: new Uint8Array(sz.maxBatchBytes).fill(1) })),
      replica: n - 1,
      signature: new Uint8Array(64).fill(3),
    };
    const nvBytes = encodeBody({ kind: 'newView', newView: nv }).length;
    t.true(nvBytes <= newViewBytesBound(sz.quorum, L, sz.maxBatchBytes), 'the NewView bound is an upper bound');
    if (sz.newViewFits) {
      t.true(nvBytes <= MAX_BODY_BYTES, `NewView ${nvBytes} > ${MAX_BODY_BYTES}`);
      // Tight: one more byte per batch would not fit.
      t.true(newViewBytesBound(sz.quorum, L, sz.maxBatchBytes + 1) > MAX_BODY_BYTES || sz.maxBatchBytes === sz.engineMaxBatchBytes);
    } else {
      t.true(n >= 13, 'only large clusters cannot fit a full-window NewView');
    }
  });
}

test('the window holds the checkpoint interval and the pipeline when a NewView allows it', (t) => {
  const config = agreedConfig({ timing: { networkDelayMs: 2, clockSkewMs: 1, processingMs: 0.2, batchIntervalMs: 1, viewChangeTimeoutMs: 100, checkpointInterval: 128 } });
  const sz = agreedSizing(config);
  const b = config.timing.batchIntervalUs;
  t.is(sz.checkpointIntervalSeqs, MAX_AGREED_CHECKPOINT_INTERVAL, 'a large configured interval is capped');
  t.is(sz.pipelineSeqs, Math.ceil((4 * 2_200 + 2 * 1_000) / b) + 2);
  t.is(sz.retransmitIntervalUs, 4 * 3_200 + b);
  t.true(sz.newViewFits);
  t.true(sz.watermarkWindowSeqs >= sz.checkpointIntervalSeqs + sz.pipelineSeqs, 'n = 4: the whole pipeline fits');
  t.true(sz.maxBatchBytes >= 256 + 34 * 4);
  const seven = agreedSizing(agreedConfig({ timing: { networkDelayMs: 2, clockSkewMs: 1, processingMs: 0.2, batchIntervalMs: 1, viewChangeTimeoutMs: 100, checkpointInterval: 8 } }, {}, 7, 2));
  t.true(seven.newViewFits);
  t.true(seven.watermarkWindowSeqs < seven.checkpointIntervalSeqs + seven.pipelineSeqs, 'n = 7: the window shrinks so that a NewView fits');
  const small = agreedSizing(agreedConfig({ timing: { networkDelayMs: 1, clockSkewMs: 0.5, processingMs: 0.2, batchIntervalMs: 2, viewChangeTimeoutMs: 30, checkpointInterval: 2 } }));
  t.is(small.checkpointIntervalSeqs, 2, 'a smaller configured interval is kept');
});

test('write capacity: batches per second times the typical writes a batch holds (at least one)', (t) => {
  const timing = { networkDelayUs: 1_000, processingUs: 200, clockSkewUs: 500, viewChangeTimeoutUs: 100_000, checkpointInterval: 32 };
  const at = (replicas: number, f: number, batchIntervalUs: number) => {
    const s = agreedSizing({ replicas, f, timing: { ...timing, batchIntervalUs } });
    return { cap: agreedWriteCapacity(s, replicas, batchIntervalUs), perBatch: Math.floor((s.maxBatchBytes - 16) / agreedTypicalWriteBytes(replicas)) };
  };
  const n4 = at(4, 1, 1_000);
  t.true(n4.perBatch >= 2, `N = 4 batches hold several writes (${n4.perBatch})`);
  t.is(n4.cap, n4.perBatch * 1_000);
  t.is(at(4, 1, 2_000).cap, n4.cap / 2, 'half the batches, half the writes');
  // N = 8: a NewView-sized batch holds one typical write: the floor of one write per batch.
  t.is(at(8, 2, 1_000).cap, 1_000);
  // A write larger than a batch is still ordered alone.
  t.is(agreedWriteCapacity(agreedSizing({ replicas: 4, f: 1, timing: { ...timing, batchIntervalUs: 1_000 } }), 4, 1_000, 100_000), 1_000);
});

test('capacity warning: only for agreed clusters whose keys allow more than half the capacity', (t) => {
  const light = agreedConfig();
  t.is(agreedCapacityWarning(light), undefined, `${configuredWriteRate(light)} writes/s`);
  const heavy = agreedConfig({}, { periodMs: 1 });
  t.regex(agreedCapacityWarning(heavy) ?? '', /writes\/s but agreed mode orders about \d+ writes\/s/);
});
