/** Normal-case operation over the simulated network: the same committed sequence everywhere. */
import test from 'ava';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, runSim, type SimResult } from './_harness.test.js';

function agreeing(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void; true: (v: boolean, m?: string) => void }, r: SimResult, minSeq: number): void {
  t.deepEqual(r.violations, [], describe(r));
  t.deepEqual(r.orderErrors, [], describe(r));
  t.deepEqual(r.wireErrors, [], describe(r));
  t.deepEqual(r.internalErrors, [], describe(r));
  t.true(r.minCorrectSeq >= minSeq, describe(r));
  // Identical histories, not just non-conflicting ones.
  const ref = r.nodes[0]?.history;
  for (const node of r.nodes) {
    for (let seq = 1; seq <= r.minCorrectSeq; seq++) {
      if (node.history.get(seq) !== ref?.get(seq)) t.true(false, `replica ${node.id} differs at seq ${seq}: ${describe(r)}`);
    }
  }
}

test('4 replicas (f = 1) commit the same sequence in order', (t) => {
  const r = runSim({ n: 4, f: 1, seed: 1, durationUs: 200_000 });
  agreeing(t, r, 190);
  t.true(r.maxCorrectSeq - r.minCorrectSeq <= 3, describe(r));
  for (const node of r.nodes) {
    t.false(node.events.some((e) => e.kind === 'suspect' || e.kind === 'view-change'), `replica ${node.id} raised an alarm`);
    t.is(node.engine.status().view, 0);
  }
});

test('7 replicas (f = 2) commit the same sequence in order', (t) => {
  const r = runSim({ n: 7, f: 2, seed: 2, durationUs: 200_000 });
  agreeing(t, r, 190);
});

test('10 replicas (f = 3) commit the same sequence in order', (t) => {
  const r = runSim({ n: 10, f: 3, seed: 3, durationUs: 100_000 });
  agreeing(t, r, 90);
});

test('lossy, duplicating, reordering network: same sequence, retransmissions keep it moving', (t) => {
  for (const seed of [4, 5, 6]) {
    const r = runSim({ n: 4, f: 1, seed, durationUs: 300_000, dropRate: 0.1, duplicateRate: 0.1, minDelayUs: 50, maxDelayUs: 3_000 });
    agreeing(t, r, 200);
    t.true((r.nodes[1]?.engine.counters()['retransmit.sent'] ?? 0) > 0);
  }
});

test('with real Ed25519 signatures (noble) the cluster commits and checkpoints', (t) => {
  const keys = [0, 1, 2, 3].map((i) => ed25519.utils.randomSecretKey(sha256(new TextEncoder().encode(`ed25519-test-${i}`))));
  const pubs = keys.map((k) => ed25519.getPublicKey(k));
  const r = runSim({
    n: 4,
    f: 1,
    seed: 7,
    durationUs: 1_000_000,
    stopAtSeq: 24,
    batchIntervalUs: 5_000,
    viewChangeTimeoutUs: 200_000,
    crypto: {
      sign: (i) => (bytes) => ed25519.sign(bytes, keys[i] as Uint8Array),
      verify: (i, bytes, sig) => {
        const pub = pubs[i];
        return pub !== undefined && sig.length === 64 && ed25519.verify(sig, bytes, pub);
      },
    },
  });
  agreeing(t, r, 24);
  for (const node of r.nodes) t.true(node.engine.status().lowWatermark >= 16, JSON.stringify(node.engine.status()));
});
