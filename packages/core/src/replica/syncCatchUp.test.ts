/**
 * Catch-up of agreed slots (syncCatchUp.ts) with a fake host: a slot is adopted only when f+1
 * distinct replicas return identical agreed contents; a faulty replica cannot vote twice or
 * fabricate contents; replies are bounded and throttled; holes end and are collected.
 */
import test from 'ava';
import type { Body, PublishedSlot as WireSlot, StateReply } from '@bftkvs/msgs';
import type { Contribution, PublishedSlot } from '../slotStore.js';
import { CatchUp } from './syncCatchUp.js';
import type { PartWindow } from './syncReport.js';
import { encodeSyncState } from './syncReport.js';
import { clusterInput, makeConfig } from './_testCluster.test.js';

const config = makeConfig(clusterInput('fast', 4, 1));
const T = 1_000_010_000;
const WINDOW: PartWindow = { id: 5, round: 0, part: 5, fromUs: T - 10_000, toUs: T + 90_000, startUs: T - 10_000, startKey: '', endUs: T + 90_000, endKey: '', slots: 10, oversize: false };

function harness(agreed: PublishedSlot[] = []) {
  const sent: { to: number; body: Body }[] = [];
  const adopted: { key: string; t: number; contributions: readonly Contribution[] }[] = [];
  const counts = new Map<string, number>();
  const c = new CatchUp(
    {
      id: 3,
      config,
      send: (to, body) => sent.push({ to, body }),
      agreedSlots: (from) => agreed.filter((s) => s.publishTimeUs >= from),
      adopt: (key, t, contributions) => {
        adopted.push({ key, t, contributions });
        return true;
      },
      count: (name, by = 1) => counts.set(name, (counts.get(name) ?? 0) + by),
      replyHead: () => ({ view: 0, stableSeq: 0, stateDigest: encodeSyncState({ lastApplied: 0, chain: new Uint8Array(24) }) }),
    },
    2,
    10_000,
    500_000,
  );
  return { c, sent, adopted, counts };
}

const slot = (f64s: number[], agreedFlag = true): WireSlot => ({
  key: 'speed',
  publishTimeUs: T,
  value: { kind: 'f64', f64: f64s[1] ?? 0 },
  contributions: f64s.map((f64, i) => ({ writer: ['wheel_a', 'wheel_b', 'wheel_c'][i] as string, value: { kind: 'f64' as const, f64 } })),
  agreed: agreedFlag,
  repairs: 0,
});

const reply = (slots: WireSlot[], lastApplied = 5): StateReply => ({
  requestId: 1,
  view: 0,
  stableSeq: 0,
  maxTauUs: 0,
  slots,
  chunk: 0,
  chunks: 1,
  stateDigest: encodeSyncState({ lastApplied, chain: new Uint8Array(24) }),
});

test('a hole asks every other replica; a slot is adopted at f+1 identical agreed versions, not before, and only once', (t) => {
  const h = harness();
  h.c.addHoles([{ window: WINDOW, slots: [`${T}\nspeed`] }], T + 200_000);
  t.deepEqual(h.sent.map((s) => `${s.to}:${s.body.kind}`), ['0:stateRequest', '1:stateRequest', '2:stateRequest']);
  h.c.onReply(0, reply([slot([1, 2, 3])], 0));
  t.is(h.adopted.length, 0, 'one vote is not enough');
  h.c.onReply(0, reply([slot([1, 2, 3])], 0));
  t.is(h.adopted.length, 0, 'the same replica twice is still one vote');
  h.c.onReply(1, reply([slot([1, 2, 3])]));
  t.deepEqual(h.adopted.map((a) => a.contributions.map((c) => c.value)), [[1, 2, 3]]);
  h.c.onReply(2, reply([slot([1, 2, 3])]));
  t.is(h.adopted.length, 1);
  t.is(h.counts.get('sync.catch-up.done'), 1);
});

test('fabricated or unagreed versions never reach f+1; a replica cannot vote for two versions', (t) => {
  const h = harness();
  h.c.addHoles([{ window: WINDOW, slots: [`${T}\nspeed`] }], T + 200_000);
  h.c.onReply(0, reply([slot([666, 2, 3])])); // faulty: fabricated
  h.c.onReply(0, reply([slot([1, 2, 3])])); // then votes for the true one too: ignored
  h.c.onReply(1, reply([slot([1, 2, 3], false)], 4)); // not agreed there yet: ignored
  h.c.onReply(2, reply([slot([1, 2, 3])]));
  t.is(h.adopted.length, 0);
  h.c.onReply(1, reply([slot([1, 2, 3])]));
  t.deepEqual(h.adopted.map((a) => a.contributions.map((c) => c.value)), [[1, 2, 3]]);
});

test('ill-typed or unauthorised contributions are refused; slots outside the hole are ignored', (t) => {
  const h = harness();
  h.c.addHoles([{ window: WINDOW, slots: [`${T}\nspeed`] }], T + 200_000);
  const intruder = { ...slot([1, 2]), contributions: [{ writer: 'intruder', value: { kind: 'f64' as const, f64: 1 } }] };
  const wrongKind = { ...slot([1]), contributions: [{ writer: 'wheel_a', value: { kind: 's' as const, s: 'x' } }] };
  const outside = { ...slot([1, 2, 3]), publishTimeUs: WINDOW.toUs + 10_000 };
  for (const from of [0, 1, 2]) h.c.onReply(from, reply([intruder, wrongKind, outside]));
  t.is(h.adopted.length, 0);
  t.is(h.counts.get('sync.catch-up.bad-slot'), 6);
});

test('a hole ends when enough replicas that applied the part answered, or after a bounded number of requests', (t) => {
  const h = harness();
  h.c.addHoles([{ window: WINDOW, slots: [`${T}\nspeed`, `${T + 10_000}\nspeed`] }], T + 200_000);
  h.c.onReply(0, reply([], 4)); // had not applied part 5: does not count
  h.c.onReply(1, reply([]));
  h.c.onReply(2, reply([]));
  t.is(h.c.nextTickUs(), T + 210_000, 'still open');
  h.c.onReply(0, reply([]));
  t.is(h.c.nextTickUs(), Number.POSITIVE_INFINITY, 'every other replica applied the part and answered: the slots were canonically missed');
  t.is(h.counts.get('sync.catch-up.not-agreed'), 2);

  const g = harness();
  g.c.addHoles([{ window: WINDOW, slots: [`${T}\nspeed`] }], T);
  for (let i = 1; i <= 10; i++) g.c.tick(T + i * 10_000);
  t.is(g.counts.get('sync.catch-up.requests'), 8);
  t.is(g.counts.get('sync.catch-up.gave-up'), 1);
});

test('answering: agreed slots since the request, within the span, throttled per requester', (t) => {
  const mk = (tt: number, agreedFlag = true): PublishedSlot => ({ key: 'speed', publishTimeUs: tt, value: 2, contributions: [{ writer: 'wheel_a', value: 2 }], agreed: agreedFlag, repairs: 0 });
  const h = harness([mk(T - 20_000), mk(T), mk(T + 10_000), mk(T + 600_000)]);
  h.c.onRequest(1, { requestId: 9, sinceUs: T - 10_000 }, T + 300_000);
  h.c.onRequest(1, { requestId: 10, sinceUs: T - 10_000 }, T + 301_000);
  t.is(h.sent.length, 1, 'a second request within half an interval is not answered');
  const body = h.sent[0]?.body;
  if (body?.kind !== 'stateReply') return t.fail();
  t.deepEqual(body.stateReply.slots.map((s) => s.publishTimeUs), [T, T + 10_000]);
  t.like(body.stateReply, { requestId: 9, chunk: 0, chunks: 1 });
});
