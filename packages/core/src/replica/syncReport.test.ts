/**
 * The static part of synchronisation: the frame-size budget (checked against real encodings of
 * the largest PrePrepare and NewView it must allow), the cut of rounds into parts, signed
 * reports, and the checkpoint state.
 */
import test from 'ava';
import type { AuthenticatedWrite, Checkpoint, NewView, Prepare, ReportedSlot, SyncReport, ViewChange } from '@bftkvs/msgs';
import { MAX_BODY_BYTES, encodeBatch, encodeBody } from '@bftkvs/msgs';
import { nobleCrypto } from '../auth/crypto.js';
import { deriveClusterKeysForTesting } from '../auth/keys.js';
import { WriteAuthenticator } from '../auth/writeAuth.js';
import type { ClusterConfig } from '../cluster.js';
import { isOnGrid } from '../time.js';
import { valueToWire } from './wireValue.js';
import type { PartWindow } from './syncReport.js';
import { SyncPlan, buildReport, checkReport, inPart, decodeSyncState, encodeSyncState, reportBytes, syncBudget, verifyReport } from './syncReport.js';
import { makeConfig } from './_testCluster.test.js';

const BIG = 2 ** 45;

/** The largest NewView the budget must allow: q ViewChanges with one certificate each, plus the re-proposal. */
function worstNewView(n: number, f: number, batchBytes: number): Uint8Array {
  const q = Math.ceil((n + f + 1) / 2);
  const batch = new Uint8Array(batchBytes).fill(0xab);
  const sig = new Uint8Array(64).fill(1);
  const digest = new Uint8Array(32).fill(2);
  const cp = (replica: number): Checkpoint => ({ seq: BIG, stateDigest: digest, replica, signature: sig });
  const prep = (replica: number): Prepare => ({ view: BIG, seq: BIG, digest, replica, signature: sig });
  const vc = (replica: number): ViewChange => ({
    newView: BIG,
    stableSeq: BIG,
    stableProof: Array.from({ length: q }, (_, i) => cp(n - 1 - i)),
    prepared: [{ view: BIG, seq: BIG, batch, prepares: Array.from({ length: q - 1 }, (_, i) => prep(n - 1 - i)) }],
    maxTauUs: BIG,
    replica,
    signature: sig,
  });
  const nv: NewView = { view: BIG, viewChanges: Array.from({ length: q }, (_, i) => vc(n - 1 - i)), prePrepares: [{ view: BIG, seq: BIG, batch }], replica: n - 1, signature: sig };
  return encodeBody({ kind: 'newView', newView: nv });
}

test('budget: a NewView re-proposing a full proposal (one certificate per ViewChange) and a PrePrepare fit one frame, for f = 1..4', (t) => {
  for (let f = 1; f <= 4; f++) {
    for (const n of [3 * f + 1, 3 * f + 3]) {
      const b = syncBudget(n, f);
      t.true(b.newViewSafe, `n=${n} f=${f}`);
      t.true(worstNewView(n, f, b.batchBytes).length <= MAX_BODY_BYTES, `NewView n=${n} f=${f} batch=${b.batchBytes}`);
      t.true(encodeBody({ kind: 'prePrepare', prePrepare: { view: BIG, seq: BIG, batch: new Uint8Array(b.batchBytes) } }).length <= MAX_BODY_BYTES);
      t.true((2 * f + 1) * b.reportBytes + 48 <= b.batchBytes);
      t.log(`n=${n} f=${f}: batch ${b.batchBytes} B, report ${b.reportBytes} B`);
    }
  }
  // Far beyond what a NewView can carry, the budget falls back to a floor per report (counted oversize at view change).
  const huge = syncBudget(64, 21);
  t.false(huge.newViewSafe);
  t.true(huge.reportBytes >= 256);
});

/** A configuration with `writers` float64 writers per key, hosted round-robin. */
function workload(o: { f: number; keys: { name: string; writers: number; periodMs: number; type?: unknown }[]; syncPeriodMs: number; signatures?: boolean }): ClusterConfig {
  const n = 3 * o.f + 1;
  const hosts: Record<string, number> = {};
  const keys: Record<string, unknown> = {};
  for (const k of o.keys) {
    const ws = Array.from({ length: k.writers }, (_, i) => `${k.name}_writer_${i}`);
    ws.forEach((w, i) => (hosts[w] = i % n));
    keys[k.name] = { type: k.type ?? 'float64', periodMs: k.periodMs, writers: ws, fuse: k.type === undefined ? 'median' : 'componentwiseMedian', faultyWriters: 0, minWriters: 1 };
  }
  return makeConfig({
    cluster: { name: 'budget', mode: 'fast', replicas: n, f: o.f, writers: hosts, signatures: o.signatures ?? false, timing: { syncPeriodMs: o.syncPeriodMs } },
    keys: keys as never,
  });
}

/** What a correct replica can hold for a part at most: every writer wrote every slot (largest values). */
function fullSlots(config: ClusterConfig, w: PartWindow, auths: WriteAuthenticator[]): ReportedSlot[] {
  const out: ReportedSlot[] = [];
  const keys = [...config.keys.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const times = new Set<number>();
  for (const k of keys) for (let t = w.fromUs; t < w.toUs; t++) if (isOnGrid(k.grid, t)) times.add(t);
  for (const t of [...times].sort((a, b) => a - b)) {
    for (const k of keys) {
      if (!isOnGrid(k.grid, t)) continue;
      const writes: AuthenticatedWrite[] = k.writers.map((writer) => {
        const origin = config.writers.get(writer) as number;
        const value = k.type.kind === 'float64[]' ? Array.from({ length: k.type.length }, () => -1.2345678901234567e300) : -1.2345678901234567e300;
        return (auths[origin] as WriteAuthenticator).authenticateWrite({ key: k.name, publishTimeUs: t, writer, value: valueToWire(k.type, value), origin, issuedAtUs: 2 ** 52 });
      });
      out.push({ key: k.name, publishTimeUs: t, writes });
    }
  }
  return out;
}

function checkWorkload(t: import('ava').ExecutionContext, name: string, config: ClusterConfig, round: number): number {
  const plan = new SyncPlan(config);
  const keys = deriveClusterKeysForTesting('budget', config.replicas);
  const auths = keys.map((k) => new WriteAuthenticator({ keys: k, crypto: nobleCrypto, signatures: config.signatures, writers: config.writers }));
  const parts = plan.parts(round);
  // The parts tile the round: contiguous, from the round start to its end.
  t.is(parts[0]?.fromUs, round * plan.periodUs, name);
  t.is(parts[parts.length - 1]?.toUs, (round + 1) * plan.periodUs, name);
  for (let i = 1; i < parts.length; i++) t.deepEqual([parts[i]?.startUs, parts[i]?.startKey], [parts[i - 1]?.endUs, parts[i - 1]?.endKey]);
  // Every slot of the round is in exactly one part, inside that part's wire window.
  for (const k of config.keys.values()) {
    for (let tt = round * plan.periodUs; tt < (round + 1) * plan.periodUs; tt += 1_000) {
      if (!isOnGrid(k.grid, tt)) continue;
      const owners = parts.filter((p) => inPart(p, tt, k.name));
      t.is(owners.length, 1, `${name}: ${k.name}@${tt}`);
      t.true(tt >= (owners[0]?.fromUs ?? 0) && tt < (owners[0]?.toUs ?? 0));
    }
  }
  for (const w of parts) {
    t.false(w.oversize, name);
    const built = buildReport({ window: w, replica: config.replicas - 1, held: fullSlots(config, w, auths), signatures: config.signatures, maxBytes: plan.budget.reportBytes, sign: () => new Uint8Array(64).fill(9) });
    t.true(built.ok, `${name}: the worst-case report of part ${w.part} fits`);
    if (!built.ok) continue;
    t.is(checkReport(built.report, w, config, plan.budget.reportBytes), undefined);
    const reports = Array.from({ length: plan.quorum }, (_, i) => ({ ...built.report, replica: i }));
    const batch = encodeBatch({ tauUs: 0, writes: [], sync: { round: w.id, fromUs: w.fromUs, toUs: w.toUs, reports } });
    t.true(batch.length <= plan.budget.batchBytes, `${name}: a proposal of ${plan.quorum} worst-case reports has ${batch.length} B, budget ${plan.budget.batchBytes}`);
  }
  return parts.length;
}

test('parts: the design workload (3 keys x 3 writers at 100 Hz, 100 ms sync period) fits in a few parts per round; worst-case reports fit', (t) => {
  const keys = ['speed', 'steer', 'brake'].map((name) => ({ name, writers: 3, periodMs: 10 }));
  for (const f of [1, 2]) {
    for (const signatures of [false, true]) {
      const config = workload({ f, keys, syncPeriodMs: 100, signatures });
      const parts = checkWorkload(t, `f=${f} signatures=${signatures}`, config, 10_000);
      t.log(`f=${f} signatures=${signatures}: ${parts} part(s) per 100 ms round for 90 writes`);
      t.true(parts <= (f === 1 ? 4 : 12));
    }
  }
});

test('parts: the simulator workloads (speed 3f+1 writers at 10 ms, vectors, 50/100 ms rounds) fit', (t) => {
  for (const f of [1, 2]) {
    for (const syncPeriodMs of [50, 100]) {
      const config = workload({
        f,
        syncPeriodMs,
        keys: [
          { name: 'speed', writers: 3 * f + 1, periodMs: 10 },
          { name: 'pose', writers: 2 * f + 1, periodMs: 50, type: { kind: 'float64[]', length: 3 } },
          { name: 'mode', writers: 2 * f + 1, periodMs: 50 },
        ],
      });
      const parts = checkWorkload(t, `sim f=${f} P=${syncPeriodMs}`, config, 20_000);
      t.log(`sim workload f=${f}, P=${syncPeriodMs} ms: ${parts} part(s) per round`);
    }
  }
});

test('parts: rounds without grid points have no parts; ids are round * 256 + part and name their window', (t) => {
  const config = workload({ f: 1, syncPeriodMs: 100, keys: [{ name: 'slow', writers: 3, periodMs: 1_000 }] });
  const plan = new SyncPlan(config);
  t.deepEqual(plan.parts(10_001), []);
  const [only] = plan.parts(10_000);
  t.like(only, { id: 10_000 * 256, round: 10_000, part: 0, fromUs: 1_000_000_000, toUs: 1_000_100_000, startKey: '', endKey: '', slots: 1 });
  t.deepEqual(plan.window(10_000 * 256), only);
  t.is(plan.window(10_000 * 256 + 1), undefined);
  t.is(plan.window(-1), undefined);
  t.deepEqual(plan.partsBetween(0, 10_010 * 256, 20).map((p) => p.round), [9_990, 10_000], 'at most 20 rounds back');
  t.deepEqual(plan.partsBetween(10_000 * 256, 10_010 * 256, 20), [], 'strictly after');
});

test('parts: a single publish time larger than a report is its own part, flagged oversize (never silently agreed)', (t) => {
  const config = workload({ f: 4, syncPeriodMs: 100, keys: [{ name: 'big', writers: 13, periodMs: 100, type: { kind: 'float64[]', length: 64 } }] });
  const plan = new SyncPlan(config);
  const parts = plan.parts(10_000);
  t.is(parts.length, 1);
  t.true(parts[0]?.oversize);
});

const config4 = workload({ f: 1, syncPeriodMs: 100, keys: [{ name: 'speed', writers: 3, periodMs: 10 }] });
const keys4 = deriveClusterKeysForTesting('reports', 4);
const auth4 = keys4.map((k) => new WriteAuthenticator({ keys: k, crypto: nobleCrypto, signatures: false, writers: config4.writers }));

test('reports: signed over the canonical encoding of fields 1..5; any change breaks the signature; MAC vectors are stripped', (t) => {
  const plan = new SyncPlan(config4);
  const w = plan.parts(10_000)[0] as PartWindow;
  const held = fullSlots(config4, w, auth4).slice(0, 2);
  const built = buildReport({ window: w, replica: 1, held, signatures: false, maxBytes: plan.budget.reportBytes, sign: (b) => nobleCrypto.ed25519Sign(b, (keys4[1] as { signingKey: Uint8Array }).signingKey) });
  if (!built.ok) return t.fail();
  const r = built.report;
  t.true(verifyReport(r, nobleCrypto, keys4[0]?.publicKeys ?? []));
  for (const s of r.slots) for (const aw of s.writes) t.is(aw.macs.length, 1, 'only the reporter’s own MAC entry');
  t.false(verifyReport({ ...r, replica: 2 }, nobleCrypto, keys4[0]?.publicKeys ?? []), 'claiming another reporter');
  t.false(verifyReport({ ...r, slots: r.slots.slice(1) }, nobleCrypto, keys4[0]?.publicKeys ?? []), 'dropping a slot');
  t.false(verifyReport({ ...r, round: r.round + 1 }, nobleCrypto, keys4[0]?.publicKeys ?? []), 'another round');
  t.is(reportBytes(r), encodeBody({ kind: 'syncReport', syncReport: r }).length);
});

test('reports: structural checks refuse wrong windows, disorder, unknown keys, off-grid slots, unsigned and oversized reports', (t) => {
  const plan = new SyncPlan(config4);
  const w = plan.parts(10_000)[0] as PartWindow;
  const held = fullSlots(config4, w, auth4).slice(0, 3);
  const built = buildReport({ window: w, replica: 1, held, signatures: false, maxBytes: plan.budget.reportBytes, sign: () => new Uint8Array(64) });
  if (!built.ok) return t.fail();
  const r = built.report;
  const max = plan.budget.reportBytes;
  t.is(checkReport(r, w, config4, max), undefined);
  t.regex(checkReport({ ...r, toUs: r.toUs + 1 }, w, config4, max) ?? '', /expected/);
  t.regex(checkReport({ ...r, slots: [...r.slots].reverse() }, w, config4, max) ?? '', /out of order/);
  t.regex(checkReport({ ...r, slots: [{ ...(r.slots[0] as ReportedSlot), key: 'nope' }] }, w, config4, max) ?? '', /unknown key/);
  t.regex(checkReport({ ...r, slots: [{ ...(r.slots[0] as ReportedSlot), publishTimeUs: w.fromUs + 1 }] }, w, config4, max) ?? '', /off-grid/);
  t.regex(checkReport({ ...r, slots: [{ ...(r.slots[0] as ReportedSlot), publishTimeUs: w.toUs }] }, w, config4, max) ?? '', /outside its part/);
  t.regex(checkReport({ ...r, signature: new Uint8Array(0) }, w, config4, max) ?? '', /not signed/);
  t.regex(checkReport({ ...r, replica: 4 }, w, config4, max) ?? '', /names replica/);
  t.regex(checkReport(r, w, config4, 200) ?? '', /budget/);
});

test('reports: evidence is dropped first when over budget; a report that still does not fit is not made', (t) => {
  const plan = new SyncPlan(config4);
  const w = plan.parts(10_000)[0] as PartWindow;
  const held = fullSlots(config4, w, auth4).slice(0, 4);
  const withEvidence = held.map((s) => ({ ...s, writes: [...s.writes, ...s.writes.slice(0, 1).map((aw) => (auth4[0] as WriteAuthenticator).authenticateWrite({ key: 'speed', publishTimeUs: s.publishTimeUs, writer: 'speed_writer_0', value: { kind: 'f64', f64: 1 }, origin: 0, issuedAtUs: 1 }))] }));
  const plain = buildReport({ window: w, replica: 1, held, signatures: false, maxBytes: 10_000, sign: () => new Uint8Array(64) });
  if (!plain.ok) return t.fail();
  const size = reportBytes(plain.report);
  const tight = buildReport({ window: w, replica: 1, held: withEvidence, signatures: false, maxBytes: size, sign: () => new Uint8Array(64) });
  t.true(tight.ok && tight.droppedEvidence === 4);
  const roomy = buildReport({ window: w, replica: 1, held: withEvidence, signatures: false, maxBytes: 10_000, sign: () => new Uint8Array(64) });
  t.true(roomy.ok && roomy.droppedEvidence === 0);
  t.like(buildReport({ window: w, replica: 1, held, signatures: false, maxBytes: size - 1, sign: () => new Uint8Array(64) }), { ok: false });
});

test('checkpoint state: the 32-byte digest is the state (last applied part + chain) and decodes back', (t) => {
  const chain = Uint8Array.from({ length: 24 }, (_, i) => i * 7);
  for (const lastApplied of [0, 1, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
    const d = encodeSyncState({ lastApplied, chain });
    t.is(d.length, 32);
    t.deepEqual(decodeSyncState(d), { lastApplied, chain });
  }
  t.is(decodeSyncState(new Uint8Array(31)), undefined);
  t.is(decodeSyncState(new Uint8Array(32).fill(0xff)), undefined, 'beyond 2^53');
});
