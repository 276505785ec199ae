/**
 * Each checker gets synthetic histories fed directly: a correct one it must accept, and
 * violations it must report (the checkers must have teeth).
 */
import test from 'ava';
import type { Mode, PublishedSlot, ReplicaEvent, Value } from '@bftkvs/core';
import { createFuseRegistry, fail, ok, parseClusterConfig } from '@bftkvs/core';
import {
  AdmissionChecker,
  AgreementChecker,
  AuthenticationChecker,
  FreshnessChecker,
  LivenessChecker,
  MemoryChecker,
  StabilityChecker,
  TimelinessChecker,
  ValidityChecker,
  memoryBounds,
} from './checkers/index.js';
import type { Checker, CheckerContext, Observation, Violation } from './checkers/index.js';
import type { WriteRecord } from './history.js';
import { History, IntervalSet } from './history.js';

const fuse = createFuseRegistry();
const T0 = 1_000_000; // run start (true µs)

function makeHistory(mode: Mode = 'fast', byzantine: number[] = []): History {
  const config = parseClusterConfig(
    {
      cluster: {
        name: 'checkers',
        mode,
        replicas: 4,
        f: 1,
        writers: { w0: 0, w1: 1, w2: 2, w3: 3, c0: 0, c1: 1, c2: 2 },
        timing: { networkDelayMs: 1, clockSkewMs: 0.5, processingMs: 0.2, syncPeriodMs: 50, viewChangeTimeoutMs: 50, leadMs: 12 },
      },
      keys: {
        speed: { type: 'float64', periodMs: 10, writers: ['w0', 'w1', 'w2', 'w3'], fuse: 'median', faultyWriters: 1, minWriters: 3, retention: 20 },
        mode: { type: { kind: 'enum', values: ['off', 'on'] }, periodMs: 10, writers: ['c0', 'c1', 'c2'], fuse: 'majority' },
      },
    },
    fuse,
  );
  return new History({ config, fuse, byzantine: new Set(byzantine), recoveryUs: 100_000, startUs: T0, healUs: T0 + 1_000_000, endUs: T0 + 2_000_000 });
}

function harness<C extends Checker>(make: (ctx: CheckerContext) => C, h: History): { c: C; violations: Violation[] } {
  const violations: Violation[] = [];
  const c = make({ history: h, report: (checker, message, atUs) => violations.push({ checker, message, atUs }) });
  return { c, violations };
}

const HOST: Record<string, number> = { w0: 0, w1: 1, w2: 2, w3: 3, c0: 0, c1: 1, c2: 2 };

function write(h: History, writer: string, key: string, t: number, value: Value, o: Partial<WriteRecord> = {}): WriteRecord {
  const host = HOST[writer] as number;
  const rec: WriteRecord = {
    writer,
    key,
    host,
    copy: 0,
    publishTimeUs: t,
    value,
    trueUs: t - 15_000,
    localUs: t - 15_000,
    accepted: true,
    code: undefined,
    faulty: h.isByzantine(host),
    ...o,
  };
  h.recordWrite(rec);
  return rec;
}

function slot(h: History, key: string, t: number, contributions: [string, Value][], agreed = false, value?: Value): PublishedSlot {
  const schema = h.schema(key);
  if (schema === undefined) throw new Error(key);
  const cs = contributions.map(([writer, v]) => ({ writer, value: v })).sort((a, b) => (a.writer < b.writer ? -1 : 1));
  const fused = h.fuse.mustGet(schema.fuse).fuse(cs, { type: schema.type, faultyWriters: schema.faultyWriters, params: schema.fuseParams });
  return { key, publishTimeUs: t, value: value ?? (fused.ok ? fused.value : 0), contributions: cs, agreed, repairs: 0 };
}

const at = (node: number, trueUs: number, localUs = trueUs, incarnation = 1): Observation => ({ node, incarnation, trueUs, localUs });
const published = (s: PublishedSlot): ReplicaEvent => ({ kind: 'published', slot: s });
const agreed = (s: PublishedSlot): ReplicaEvent => ({ kind: 'agreed', slot: s });

const T = T0 + 100_000;

// --- agreement -------------------------------------------------------------------------------

test('agreement: accepts equal agreed contents and differing unagreed fast-mode values', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new AgreementChecker(ctx), h);
  const a = slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w2', 3]], true);
  const b = slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w2', 3]], true);
  c.onEvents(at(0, T), [agreed(a)]);
  c.onEvents(at(1, T), [agreed(b)]);
  c.onEvents(at(2, T), [published(slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w3', 9]]))]);
  t.deepEqual(violations, []);
});

test('agreement: reports different agreed values, and different contents with the same value', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new AgreementChecker(ctx), h);
  c.onEvents(at(0, T), [agreed(slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w2', 3]], true))]);
  c.onEvents(at(1, T), [{ kind: 'repaired', key: 'speed', publishTimeUs: T, before: undefined, after: slot(h, 'speed', T, [['w0', 1], ['w1', 5], ['w2', 3]], true) }]);
  c.onEvents(at(2, T + 10), [agreed(slot(h, 'mode', T, [['c0', 'on'], ['c1', 'on'], ['c2', 'on']], true))]);
  c.onEvents(at(3, T + 10), [agreed(slot(h, 'mode', T, [['c0', 'on'], ['c1', 'on'], ['c2', 'off']], true))]);
  t.is(violations.length, 2);
  t.regex(violations[0]?.message ?? '', /replicas 0 and 1 hold different values for speed@/);
  t.regex(violations[1]?.message ?? '', /the same value from different contents/);
});

test('agreement: in crash and agreed mode every published slot is final', (t) => {
  for (const mode of ['crash', 'agreed'] as const) {
    const h = makeHistory(mode);
    const { c, violations } = harness((ctx) => new AgreementChecker(ctx), h);
    c.onEvents(at(0, T), [published(slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w2', 3]]))]);
    c.onEvents(at(1, T), [published(slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w3', 3.5]]))]);
    t.is(violations.length, 1, mode);
  }
});

test('agreement: crash mode excuses a divergence explained by an assumption violation, the BFT modes never do', (t) => {
  for (const mode of ['crash', 'fast'] as const) {
    const h = makeHistory(mode);
    write(h, 'w0', 'speed', T, 1);
    h.addAssumptionViolation(0, 1, T - 6_000, T - 5_000);
    const { c, violations } = harness((ctx) => new AgreementChecker(ctx), h);
    c.onEvents(at(0, T), [agreed(slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w2', 3]], true))]);
    c.onEvents(at(1, T), [agreed(slot(h, 'speed', T, [['w0', 1], ['w1', 2], ['w3', 3.5]], true))]);
    t.is(violations.length, mode === 'crash' ? 0 : 1, mode);
    t.is(c.excusedDivergences, mode === 'crash' ? 1 : 0);
  }
});

// --- validity --------------------------------------------------------------------------------

function validityFixture(byzantine: number[] = []) {
  const h = makeHistory('fast', byzantine);
  write(h, 'w0', 'speed', T, 10);
  write(h, 'w1', 'speed', T, 11);
  write(h, 'w2', 'speed', T, 12);
  write(h, 'w3', 'speed', T, 1e6);
  write(h, 'c0', 'mode', T, 'on');
  write(h, 'c1', 'mode', T, 'on');
  write(h, 'c2', 'mode', T, 'off');
  return { h, ...harness((ctx) => new ValidityChecker(ctx), h) };
}

test('validity: accepts the fuse of values really written, with a faulty writer masked', (t) => {
  const { h, c, violations } = validityFixture([3]);
  c.onEvents(at(0, T), [published(slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w3', 1e6]]))]);
  c.onEvents(at(1, T), [published(slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12], ['w3', -5]]))]);
  c.onEvents(at(1, T), [published(slot(h, 'mode', T, [['c0', 'on'], ['c1', 'on'], ['c2', 'off']]))]);
  t.deepEqual(violations, []);
});

test('validity: reports fabricated or altered contributions of correct writers', (t) => {
  const { h, c, violations } = validityFixture([3]);
  c.onEvents(at(0, T), [published(slot(h, 'speed', T, [['w0', 10], ['w1', 11.5], ['w2', 12]]))]);
  c.onEvents(at(0, T + 10_000), [published(slot(h, 'speed', T + 10_000, [['w0', 10], ['w1', 11], ['w2', 12]]))]);
  t.is(violations.length, 2);
  t.regex(violations[0]?.message ?? '', /'w1' is n:11.5, but it wrote n:11/);
  t.regex(violations[1]?.message ?? '', /never wrote to this slot/);
});

test('validity: reports a value that is not the fuse, too few writers, unauthorised writers, off-grid times', (t) => {
  const { h, c, violations } = validityFixture([3]);
  c.onEvents(at(0, T), [published(slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]], false, 11.2))]);
  c.onEvents(at(0, T), [published(slot(h, 'speed', T, [['w0', 10], ['w1', 11]]))]);
  const intruder: PublishedSlot = { ...slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]), contributions: [{ writer: 'c0', value: 10 }, { writer: 'w1', value: 11 }, { writer: 'w2', value: 12 }] };
  c.onEvents(at(0, T), [published(intruder)]);
  c.onEvents(at(0, T), [published({ ...slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]), publishTimeUs: T + 3 })]);
  t.is(violations.length, 4);
  t.regex(violations[0]?.message ?? '', /value is not median/);
  t.regex(violations[1]?.message ?? '', /2 contributions, the key needs at least 3/);
  t.regex(violations[2]?.message ?? '', /not authorised/);
  t.regex(violations[3]?.message ?? '', /off the key grid/);
});

test('validity: reports an unmasked faulty writer (range) and an overruled majority', (t) => {
  // Two faulty writers: more than the key masks; the checker holds the promise anyway.
  const { h, c, violations } = validityFixture([2, 3]);
  write(h, 'c2', 'mode', T + 10_000, 'off');
  c.onEvents(at(0, T), [published(slot(h, 'speed', T, [['w0', 10], ['w2', 900], ['w3', 1e6]]))]);
  c.onEvents(at(0, T), [published(slot(h, 'mode', T, [['c0', 'on'], ['c1', 'on'], ['c2', 'off']]))]);
  const liar = slot(h, 'mode', T, [['c0', 'on'], ['c1', 'on'], ['c2', 'off']], false, 'off');
  c.onEvents(at(1, T), [published(liar)]);
  t.is(violations.length, 2, violations.map((v) => v.message).join('\n'));
  t.regex(violations[0]?.message ?? '', /outside the correct writers' range \[10, 10\]/);
  t.regex(violations[1]?.message ?? '', /value is not majority|overrules/);
});

// --- timeliness ------------------------------------------------------------------------------

function timelinessFixture(): { h: History; c: TimelinessChecker; violations: Violation[]; due: WriteRecord[] } {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new TimelinessChecker(ctx), h);
  const due = [write(h, 'w0', 'speed', T, 10), write(h, 'w1', 'speed', T, 11), write(h, 'w2', 'speed', T, 12)];
  for (const w of due) c.onWrite(w);
  return { h, c, violations, due };
}

test('timeliness: accepts a slot published by its publish time at every correct replica', (t) => {
  const { h, c, violations } = timelinessFixture();
  const s = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]);
  for (let n = 0; n < 4; n++) c.onEvents(at(n, T, T), [published(s)]);
  c.advance(T + 50_000);
  t.deepEqual(violations, []);
  t.is(c.judged, 4);
  t.is(c.deadlineMisses, 0);
});

test('timeliness: reports late, missing and incomplete publications', (t) => {
  const { h, c, violations } = timelinessFixture();
  const s = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]);
  c.onEvents(at(0, T, T), [published(s)]);
  c.onEvents(at(1, T + 500, T + 500), [published(s)]);
  c.onEvents(at(2, T, T), [{ kind: 'missed', key: 'speed', publishTimeUs: T, reason: 'too few' }]);
  c.onEvents(at(3, T, T), [published(slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w3', 13]]))]);
  c.advance(T + 50_000);
  t.is(violations.length, 3);
  t.regex(violations[0]?.message ?? '', /replica 1 published it 500 µs late/);
  t.regex(violations[1]?.message ?? '', /replica 2 reported it missed \(too few\)/);
  t.regex(violations[2]?.message ?? '', /replica 3 published it without the write of 'w2'/);
  t.is(c.deadlineMisses, 3);
});

test('timeliness: misses explained by an assumption violation or a view change are counted, not reported', (t) => {
  const intoAll = (h: History): void => {
    for (let n = 0; n < 4; n++) h.addAssumptionViolation(0, n, T - 3_000, T - 2_000);
  };
  for (const add of [intoAll, (h: History) => h.disruptions.add(T - 50_000, T + 1)]) {
    const { h, c, violations } = timelinessFixture();
    add(h);
    c.advance(T + 50_000);
    t.deepEqual(violations, []);
    t.is(c.deadlineMisses, 4);
  }
});

test('timeliness: in fast mode only violations on links into the missing replica excuse it', (t) => {
  const { h, c, violations } = timelinessFixture();
  h.addAssumptionViolation(0, 1, T - 3_000, T - 2_000); // a frame into replica 1 was lost
  c.advance(T + 50_000);
  t.is(c.deadlineMisses, 4);
  t.deepEqual(violations.map((v) => /replica (\d)/.exec(v.message)?.[1]), ['0', '2', '3']);
});

test('timeliness: no deadline for slots short of correct writers, late writes, or replicas down or recovering', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new TimelinessChecker(ctx), h);
  // Only two writes with the full lead; the third came too late to count.
  for (const w of [write(h, 'w0', 'speed', T, 10), write(h, 'w1', 'speed', T, 11), write(h, 'w2', 'speed', T, 12, { localUs: T - 100 })]) c.onWrite(w);
  // A second slot whose writes are all due, with replica 3 down meanwhile and replica 2 just restarted.
  const T2 = T + 10_000;
  for (const w of [write(h, 'w0', 'speed', T2, 1), write(h, 'w1', 'speed', T2, 1), write(h, 'w2', 'speed', T2, 1)]) c.onWrite(w);
  h.nodeDown(3, T2 - 5_000);
  h.nodeDown(2, T - 50_000);
  h.nodeUp(2, T - 40_000);
  const s2 = slot(h, 'speed', T2, [['w0', 1], ['w1', 1], ['w2', 1]]);
  c.onEvents(at(0, T2, T2), [published(s2)]);
  c.onEvents(at(1, T2, T2), [published(s2)]);
  c.advance(T2 + 50_000);
  t.deepEqual(violations, []);
  t.is(c.judged, 2);
});

// --- freshness -------------------------------------------------------------------------------

test('freshness: accepts reads that return the newest announced visible slot, or NO_FRESH_VALUE when none is', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new FreshnessChecker(ctx), h);
  const s = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]);
  c.onEvents(at(0, T), [published(s)]);
  c.onRead({ node: 0, incarnation: 1, key: 'speed', earliestUs: T - 20_000, localUs: T + 5, trueUs: T + 5, result: ok(s) });
  c.onRead({ node: 0, incarnation: 1, key: 'speed', earliestUs: T + 1, localUs: T + 5, trueUs: T + 5, result: fail('NO_FRESH_VALUE', 'none') });
  c.onRead({ node: 1, incarnation: 1, key: 'speed', earliestUs: T - 20_000, localUs: T + 5, trueUs: T + 5, result: fail('NO_FRESH_VALUE', 'none') });
  t.deepEqual(violations, []);
});

test('freshness: reports stale, future, unannounced, outdated slots and a wrong NO_FRESH_VALUE', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new FreshnessChecker(ctx), h);
  const s = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]);
  const repaired = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w3', 13]], true);
  c.onEvents(at(0, T), [published(s)]);
  const read = (earliestUs: number, localUs: number, result: ReturnType<typeof ok<PublishedSlot>> | ReturnType<typeof fail>) =>
    c.onRead({ node: 0, incarnation: 1, key: 'speed', earliestUs, localUs, trueUs: localUs, result });
  read(T + 1, T + 5, ok(s)); // older than requested
  read(T - 10, T - 1, ok(s)); // not visible yet
  read(T - 10, T + 5, ok(slot(h, 'speed', T + 0, [['w0', 10], ['w1', 11], ['w3', 13]]))); // not announced contents
  read(T - 10, T + 5, fail('NO_FRESH_VALUE', 'none')); // there was one
  read(T - 10, T + 5, fail('UNKNOWN_KEY', '?'));
  c.onEvents(at(0, T + 6), [{ kind: 'repaired', key: 'speed', publishTimeUs: T, before: s, after: repaired }]);
  read(T - 10, T + 7, ok(s)); // stale after the repair
  read(T - 10, T + 7, ok(slot(h, 'speed', T + 10_000, [['w0', 1], ['w1', 1], ['w2', 1]]))); // future
  t.is(violations.length, 7, violations.map((v) => v.message).join('\n'));
});

// --- stability -------------------------------------------------------------------------------

test('stability: accepts publish, then repair + agree (either order), across a restart', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new StabilityChecker(ctx), h);
  const a = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]);
  const b = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w3', 13]], true);
  c.onEvents(at(0, T), [published(a)]);
  c.onEvents(at(0, T + 50_000), [agreed(b), { kind: 'repaired', key: 'speed', publishTimeUs: T, before: a, after: b }]);
  c.onEvents(at(1, T), [published(a)]);
  c.onEvents(at(1, T + 50_000), [{ kind: 'repaired', key: 'speed', publishTimeUs: T, before: a, after: b }, agreed(b)]);
  c.onRestart(2, 2);
  c.onEvents(at(2, T, T, 1), [published(a)]);
  c.onEvents(at(2, T + 1, T + 1, 2), [published(b)]);
  t.deepEqual(violations, []);
});

test('stability: reports re-decisions without repair, agreed changes, and false repair reports', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new StabilityChecker(ctx), h);
  const a = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w2', 12]]);
  const b = slot(h, 'speed', T, [['w0', 10], ['w1', 11], ['w3', 13]], true);
  const x = slot(h, 'speed', T, [['w1', 11], ['w2', 12], ['w3', 13]], true);
  c.onEvents(at(0, T), [published(a)]);
  c.onEvents(at(0, T + 1), [published(b)]); // re-decided without repair
  c.onEvents(at(1, T), [published(a)]);
  c.onEvents(at(1, T + 1), [agreed(b)]); // agreed differs, no repair
  c.onEvents(at(1, T + 2), [agreed(x)]); // agreed twice differently (and again unrepaired)
  c.onEvents(at(2, T), [published(a)]);
  c.onEvents(at(2, T + 1), [{ kind: 'repaired', key: 'speed', publishTimeUs: T, before: x, after: b }]); // 'before' lies
  c.onEvents(at(2, T + 2), [{ kind: 'repaired', key: 'speed', publishTimeUs: T, before: b, after: x }]); // repairs an agreed slot
  t.is(violations.length, 6, violations.map((v) => v.message).join('\n'));
  t.is(violations.filter((v) => /agreed twice/.test(v.message)).length, 1);
});

// --- memory ----------------------------------------------------------------------------------

test('memory: a footprint within the configuration bound passes, one above it is reported once', (t) => {
  const h = makeHistory('fast');
  const { c, violations } = harness((ctx) => new MemoryChecker(ctx), h);
  const b = memoryBounds(h.config);
  t.true(b.decidedSlots === 20 + 100, 'speed retention 20 + mode default 100');
  c.onMemory(0, { openSlots: 3, decidedSlots: 20, missedSlots: 0, logEntries: 10, pendingWrites: 2 }, T);
  t.deepEqual(violations, []);
  for (let i = 0; i < 3; i++) c.onMemory(1, { openSlots: 3, decidedSlots: b.decidedSlots + 1, missedSlots: 0, logEntries: 0, pendingWrites: 0 }, T);
  c.onMemory(2, { openSlots: Number.NaN, decidedSlots: 0, missedSlots: 0, logEntries: 0, pendingWrites: 0 }, T);
  t.is(violations.length, 2);
  t.is(c.peak.decidedSlots, b.decidedSlots + 1);
});

// --- liveness --------------------------------------------------------------------------------

test('liveness: after the heal, due slots must be published (and agreed in fast mode) by every live correct replica', (t) => {
  const h = makeHistory('fast', [3]);
  const { c, violations } = harness((ctx) => new LivenessChecker(ctx), h);
  const start = c.windowStartUs;
  const t1 = start + 100_000;
  for (const w of ['w0', 'w1', 'w2']) write(h, w, 'speed', t1, 5);
  write(h, 'w0', 'speed', start - 50_000, 5); // before the window: not judged
  const s = slot(h, 'speed', t1, [['w0', 5], ['w1', 5], ['w2', 5]]);
  c.onEvents(at(0, t1), [published(s), agreed({ ...s, agreed: true })]);
  c.onEvents(at(1, t1), [published(s)]); // never agreed
  // replica 2 never publishes; replica 3 is Byzantine (not judged)
  c.finish(h.endUs);
  t.is(violations.length, 2, violations.map((v) => v.message).join('\n'));
  t.regex(violations[0]?.message ?? '', /replica 2 never published 1 slot/);
  t.regex(violations[1]?.message ?? '', /replica 1 published but never agreed 1 slot/);
});

test('liveness: a crash-stopped replica is not required to progress', (t) => {
  const h = makeHistory('crash');
  const { c, violations } = harness((ctx) => new LivenessChecker(ctx), h);
  const t1 = c.windowStartUs + 100_000;
  for (const w of ['w0', 'w1', 'w2']) write(h, w, 'speed', t1, 5);
  h.nodeDown(3, T0 + 10_000);
  const s = slot(h, 'speed', t1, [['w0', 5], ['w1', 5], ['w2', 5]]);
  for (const n of [0, 1, 2]) c.onEvents(at(n, t1), [published({ ...s, agreed: true })]);
  c.finish(h.endUs);
  t.deepEqual(violations, []);
  t.is(c.judged, 1);
});

// --- admission -------------------------------------------------------------------------------

test('admission: too-close writes must be refused with TOO_LATE, valid ones accepted', (t) => {
  const h = makeHistory('fast', [3]);
  const { c, violations } = harness((ctx) => new AdmissionChecker(ctx), h);
  const lead = h.config.timing.leadUs;
  c.onWrite(write(h, 'w0', 'speed', T, 1, { localUs: T - lead })); // ok: accepted at exactly the lead
  c.onWrite(write(h, 'w0', 'speed', T, 1, { localUs: T - lead + 1, accepted: false, code: 'TOO_LATE' })); // ok
  c.onWrite(write(h, 'w1', 'speed', T, 1, { accepted: false, code: 'UNAVAILABLE' })); // ok: recovering
  c.onWrite(write(h, 'w3', 'speed', T, 1, { localUs: T - 1 })); // Byzantine host: not judged
  t.deepEqual(violations, []);
  c.onWrite(write(h, 'w0', 'speed', T, 1, { localUs: T - lead + 1 })); // accepted too close
  c.onWrite(write(h, 'w1', 'speed', T, 1, { accepted: false, code: 'TOO_LATE' })); // refused a valid write
  c.onWrite(write(h, 'w2', 'speed', T, 1, { localUs: T - h.config.timing.horizonUs - 1 })); // beyond the horizon
  t.is(violations.length, 3);
});

// --- authentication --------------------------------------------------------------------------

test('authentication: refused forged frames pass and are tallied; an accepted one is reported, at most three per run', (t) => {
  const h = makeHistory('agreed', [3]);
  const { c, violations } = harness((ctx) => new AuthenticationChecker(ctx), h);
  c.onForgedDelivery({ node: 0, claimedFrom: 1, refused: true, trueUs: T });
  c.onForgedDelivery({ node: 2, claimedFrom: 0, refused: true, trueUs: T });
  t.deepEqual(violations, []);
  for (let i = 0; i < 5; i++) c.onForgedDelivery({ node: 1, claimedFrom: 2, refused: false, trueUs: T + i });
  t.is(violations.length, 3);
  t.regex(violations[0]?.message ?? '', /replica 1 did not refuse a frame forged as from 2/);
  t.like(c, { delivered: 7, refused: 2 });
});

// --- history ---------------------------------------------------------------------------------

test('IntervalSet merges and answers overlap queries in any insertion order', (t) => {
  const s = new IntervalSet();
  s.add(10, 20);
  s.add(15, 30);
  s.add(40, 50);
  s.add(0, 5);
  s.add(31, 39);
  t.deepEqual(s.toArray(), [
    { fromUs: 0, toUs: 5 },
    { fromUs: 10, toUs: 30 },
    { fromUs: 31, toUs: 39 },
    { fromUs: 40, toUs: 50 },
  ]);
  t.true(s.overlaps(5, 9));
  t.false(s.overlaps(6, 9));
  t.true(s.overlaps(25, 26));
  t.true(s.overlaps(-10, 0));
  t.false(s.overlaps(51, 100));
});

test('history: a node cut off from a quorum by a partition rejoins like a restarted one; the quorum side stays judged', (t) => {
  const h = makeHistory('agreed');
  // {0,1,2} | {3}: replica 3 is cut off (1 < quorum 3); the others keep a quorum.
  h.recordPartition([0, 0, 0, 1], T - 60_000, T - 20_000);
  t.false(h.stableThroughout(3, T, T + 10_000), 'recovering within recoveryUs of the heal');
  t.true(h.stableThroughout(3, T + 90_000, T + 100_000), 'judged again after recoveryUs');
  for (const r of [0, 1, 2]) t.true(h.stableThroughout(r, T, T + 10_000));
  // {0,1} | {2,3}: no side holds a quorum, every node lags.
  const h2 = makeHistory('agreed');
  h2.recordPartition([0, 0, 1, 1], T - 60_000, T - 20_000);
  for (const r of [0, 1, 2, 3]) t.false(h2.stableThroughout(r, T, T + 10_000));
  // Crash mode: only the smaller side.
  const h3 = makeHistory('crash');
  h3.recordPartition([0, 0, 0, 1], T - 60_000, T - 20_000);
  t.deepEqual([0, 1, 2, 3].map((r) => h3.stableThroughout(r, T, T + 10_000)), [true, true, true, false]);
});
