/**
 * The canonical-contents rule of fast-mode synchronisation (syncCanonical.ts), on hand-built
 * proposals: f+1 vouching reports, equivocating writers excluded and named, writes seen by
 * one replica only, forged and misplaced writes, and determinism under report order.
 */
import test from 'ava';
import fc from 'fast-check';
import type { AuthenticatedWrite, ReportedSlot, SyncProposal, SyncReport, Write } from '@bftkvs/msgs';
import { nobleCrypto } from '../auth/crypto.js';
import { deriveClusterKeysForTesting } from '../auth/keys.js';
import { WriteAuthenticator } from '../auth/writeAuth.js';
import { canonicalContents } from './syncCanonical.js';
import type { PartWindow } from './syncReport.js';
import { reportedWrite } from './syncReport.js';
import { clusterInput, makeConfig } from './_testCluster.test.js';

const T = 1_000_010_000;
const WINDOW: PartWindow = { id: 7, round: 0, part: 7, fromUs: 1_000_000_000, toUs: 1_000_100_000, startUs: 1_000_000_000, startKey: '', endUs: 1_000_100_000, endKey: '', slots: 10, oversize: false };
// 4 replicas, f = 1: wheel_a on 0, wheel_b on 1, wheel_c on 2 (median, 3 writers needed).
const config = makeConfig(clusterInput('fast', 4, 1));
const keys = deriveClusterKeysForTesting('canonical tests', 4);
const auths = keys.map((k) => new WriteAuthenticator({ keys: k, crypto: nobleCrypto, signatures: false, writers: config.writers }));
const HOST: Record<string, number> = { wheel_a: 0, wheel_b: 1, wheel_c: 2 };

function wire(writer: string, f64: number, t = T, origin = HOST[writer] as number): Write {
  return { key: 'speed', publishTimeUs: t, writer, value: { kind: 'f64', f64 }, origin, issuedAtUs: WINDOW.fromUs };
}

/** A write as replica `reporter` would report it (MAC vector stripped to its own entry). */
function held(reporter: number, w: Write): AuthenticatedWrite {
  return reportedWrite((auths[w.origin] as WriteAuthenticator).authenticateWrite(w), reporter, false) as AuthenticatedWrite;
}

function report(replica: number, writes: readonly Write[], t = T): SyncReport {
  const slots: ReportedSlot[] = writes.length === 0 ? [] : [{ key: 'speed', publishTimeUs: t, writes: writes.map((w) => held(replica, w)) }];
  return { round: WINDOW.id, fromUs: WINDOW.fromUs, toUs: WINDOW.toUs, slots, replica, signature: new Uint8Array(64) };
}

function proposal(reports: SyncReport[]): SyncProposal {
  return { round: WINDOW.id, fromUs: WINDOW.fromUs, toUs: WINDOW.toUs, reports };
}

const canon = (reports: SyncReport[]) => canonicalContents(proposal(reports), WINDOW, config, config.f + 1);
const contents = (r: ReturnType<typeof canon>) => r.slots.map((s) => `${s.key}@${s.publishTimeUs}: ${s.contributions.map((c) => `${c.writer}=${String(c.value)}`).join(',')}`);

test('f+1 rule: a value carried by f+1 = 2 of the 3 reports is in, one carried by a single report is out', (t) => {
  const a = wire('wheel_a', 10);
  const b = wire('wheel_b', 11);
  const c = wire('wheel_c', 12);
  const r = canon([report(0, [a, b, c]), report(1, [a, b]), report(3, [a])]);
  t.deepEqual(contents(r), [`speed@${T}: wheel_a=10,wheel_b=11`]);
  t.deepEqual(r.equivocations, []);
  t.deepEqual(r.badReporters, []);
});

test('a write that reached one correct replica only is not canonical (the slot may become missed everywhere)', (t) => {
  const a = wire('wheel_a', 10);
  const r = canon([report(0, [a]), report(1, []), report(3, [])]);
  t.deepEqual(contents(r), [`speed@${T}: `], 'the slot is listed with no contributions: missed when adopted');
});

test('an equivocating writer whose two values each reach f+1 reports is excluded and named with its origin', (t) => {
  const a1 = wire('wheel_a', 10);
  const b = wire('wheel_b', 11);
  const c1 = wire('wheel_c', 12);
  const c2 = wire('wheel_c', 999);
  // Replica 1 saw both values (it reports the second as evidence); 0 saw one, 3 the other.
  const r = canon([report(0, [a1, b, c1]), report(1, [a1, b, c1, c2]), report(3, [a1, b, c2])]);
  t.deepEqual(contents(r), [`speed@${T}: wheel_a=10,wheel_b=11`]);
  t.deepEqual(r.equivocations, [{ key: 'speed', publishTimeUs: T, writer: 'wheel_c', origin: 2, values: ['n:12', 'n:999'] }]);
});

test('an equivocation visible to one reporter only does not exclude the writer: the value with f+1 reports wins', (t) => {
  const a = wire('wheel_a', 10);
  const c1 = wire('wheel_c', 12);
  const c2 = wire('wheel_c', 999);
  const r = canon([report(0, [a, c1]), report(1, [a, c1, c2]), report(3, [a, c1])]);
  t.deepEqual(contents(r), [`speed@${T}: wheel_a=10,wheel_c=12`]);
  t.deepEqual(r.equivocations, []);
});

test('forged, misplaced and unauthorised writes never count, and name their reporter', (t) => {
  const a = wire('wheel_a', 10);
  // Replica 3 hosts no writer: a write of wheel_a "from origin 3" is one no correct replica accepts.
  const forged = wire('wheel_a', 666, T, 3);
  const wrongSlot = wire('wheel_b', 11, T + 10_000);
  const lying: SyncReport = report(3, [forged]);
  lying.slots[0]?.writes.push(held(3, wrongSlot), { write: new Uint8Array([1, 2, 3]), macs: [new Uint8Array(32)], signature: new Uint8Array(0) });
  // Two faulty-looking reports vouch for the forged write: still only 1 (the threshold counts reports, not writes).
  const r = canon([report(0, [a]), report(1, [a]), lying]);
  t.deepEqual(contents(r), [`speed@${T}: wheel_a=10`]);
  t.is(r.badReporters.length, 1);
  t.is(r.badReporters[0]?.replica, 3);
});

test('a report is counted once per replica; reports for another round or window are ignored', (t) => {
  const a = wire('wheel_a', 10);
  const b = wire('wheel_b', 11);
  const dup = report(0, [a, b]);
  const otherRound = { ...report(1, [a, b]), round: 8 };
  const r = canon([report(0, [a, b]), dup, otherRound]);
  t.deepEqual(contents(r), [`speed@${T}: `]);
  t.is(r.ignoredReports, 2);
});

test('a repeated write inside one report counts once', (t) => {
  const a = wire('wheel_a', 10);
  const r = canon([report(0, [a, a, a]), report(1, []), report(3, [])]);
  t.deepEqual(contents(r), [`speed@${T}: `]);
});

test('slots outside the window or off the key grid are ignored and name the reporter', (t) => {
  const late = wire('wheel_a', 10, WINDOW.toUs);
  const r = canon([report(0, [late], WINDOW.toUs), report(1, []), report(3, [])]);
  t.deepEqual(contents(r), []);
  t.deepEqual(r.badReporters.map((b) => b.replica), [0]);
});

test('determinism: the result depends on the reports, not on their order or who computes it (property)', (t) => {
  const values = [10, 11, 12, 999, -0, 0];
  const writers = ['wheel_a', 'wheel_b', 'wheel_c'];
  const writeArb = fc.record({ writer: fc.constantFrom(...writers), value: fc.constantFrom(...values), slot: fc.constantFrom(T, T + 10_000) });
  const reportArb = fc.array(writeArb, { maxLength: 6 });
  fc.assert(
    fc.property(fc.tuple(reportArb, reportArb, reportArb), fc.nat(5), (ws, perm) => {
      const reports = ws.map((list, i) => {
        const replica = [0, 1, 3][i] as number;
        const bySlot = new Map<number, Write[]>();
        for (const w of list) {
          const x = wire(w.writer, w.value, w.slot);
          bySlot.set(w.slot, [...(bySlot.get(w.slot) ?? []), x]);
        }
        const slots: ReportedSlot[] = [...bySlot.entries()].sort(([a], [b]) => a - b).map(([slot, xs]) => ({ key: 'speed', publishTimeUs: slot, writes: xs.map((x) => held(replica, x)) }));
        return { round: WINDOW.id, fromUs: WINDOW.fromUs, toUs: WINDOW.toUs, slots, replica, signature: new Uint8Array(64) } satisfies SyncReport;
      });
      const orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
      ];
      const base = canon(reports);
      const shuffled = canon((orders[perm] as number[]).map((i) => reports[i] as SyncReport));
      // Slots and equivocations identical; each kept value is the same canonical value.
      const norm = (r: ReturnType<typeof canon>) =>
        JSON.stringify({ s: r.slots.map((s) => [s.key, s.publishTimeUs, s.contributions.map((c) => [c.writer, Object.is(c.value, -0) ? 0 : c.value])]), e: r.equivocations });
      return norm(base) === norm(shuffled);
    }),
    { numRuns: 200, seed: 42 },
  );
  t.pass();
});
