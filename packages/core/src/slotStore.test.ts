import test from 'ava';
import fc from 'fast-check';
import type { KvsErrorCode } from './errors.js';
import { makeStore } from './testing.js';

const NOW = 1_000_000; // 1 s; the speed key's grid is every 10 ms

function writeAll(store: ReturnType<typeof makeStore>, t: number, values: Record<string, number>, nowUs = NOW): void {
  for (const [writer, value] of Object.entries(values)) {
    const r = store.contribute({ key: 'speed', writer, publishTimeUs: t, value }, nowUs);
    if (!r.ok || r.value !== 'accepted') throw new Error(`contribute failed: ${JSON.stringify(r)}`);
  }
}

test('admit: a write without publish time gets the next grid point at least minLead ahead', (t) => {
  const store = makeStore();
  const r = store.admit({ key: 'speed', writer: 'wheel_a', value: 12.5 }, NOW + 9_000);
  t.true(r.ok);
  if (r.ok) t.is(r.value.publishTimeUs, NOW + 20_000); // 1.009 s + 2 ms lead -> 1.011 -> next grid 1.020 s
});

test('admit: publish time closer than the protocol bound is refused as TOO_LATE', (t) => {
  const store = makeStore();
  const r = store.admit({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: NOW + 0 }, NOW - 1_000);
  t.false(r.ok);
  if (!r.ok) t.is(r.error.code, 'TOO_LATE');
  const past = store.admit({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: NOW - 10_000 }, NOW);
  t.false(past.ok);
  if (!past.ok) t.is(past.error.code, 'TOO_LATE');
  t.is(store.counter('rejected.TOO_LATE'), 2);
});

test('admit: exactly minLead ahead is accepted; one microsecond less is not', (t) => {
  const store = makeStore();
  t.true(store.admit({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: NOW + 10_000 }, NOW + 8_000).ok);
  t.false(store.admit({ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: NOW + 10_000 }, NOW + 8_001).ok);
});

test('admit: too far ahead, off grid, unknown key, unauthorised writer and bad values are refused with their code', (t) => {
  const store = makeStore();
  const cases: Array<[Parameters<typeof store.admit>[0], KvsErrorCode]> = [
    [{ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: NOW + 2_000_000 }, 'TOO_FAR_AHEAD'],
    [{ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: NOW + 15_000 }, 'OFF_GRID'],
    [{ key: 'nope', writer: 'wheel_a', value: 1 }, 'UNKNOWN_KEY'],
    [{ key: 'speed', writer: 'intruder', value: 1 }, 'NOT_AUTHORISED'],
    [{ key: 'speed', writer: 'wheel_a', value: Number.NaN }, 'BAD_VALUE'],
    [{ key: 'speed', writer: 'wheel_a', value: Number.POSITIVE_INFINITY }, 'BAD_VALUE'],
    [{ key: 'speed', writer: 'wheel_a', value: '12' }, 'BAD_VALUE'],
    [{ key: 'mode', writer: 'ctl_a', value: 'warp' }, 'BAD_VALUE'],
    [{ key: 'speed', writer: 'wheel_a', value: 1, publishTimeUs: 1.5 }, 'MALFORMED'],
    [{ key: '__proto__', writer: 'wheel_a', value: 1 }, 'UNKNOWN_KEY'],
  ];
  for (const [intent, code] of cases) {
    const r = store.admit(intent, NOW);
    t.false(r.ok, JSON.stringify(intent));
    if (!r.ok) t.is(r.error.code, code, JSON.stringify(intent));
  }
  t.is(store.counter('rejected.BAD_VALUE'), 4);
});

test('hostile values never throw: every rejection is typed and counted', (t) => {
  const store = makeStore();
  fc.assert(
    fc.property(fc.anything({ withNullPrototype: true }), fc.anything({ withNullPrototype: true }), fc.anything({ withNullPrototype: true }), (key, writer, value) => {
      const r = store.admit({ key: key as string, writer: writer as string, value }, NOW);
      return r.ok || typeof r.error.message === 'string';
    }),
  );
  t.pass();
});

test('contribute: the first value of a writer is kept; a second different value is a counted conflict', (t) => {
  const store = makeStore();
  const tp = NOW + 50_000;
  t.deepEqual(store.contribute({ key: 'speed', writer: 'wheel_a', publishTimeUs: tp, value: 10 }, NOW), { ok: true, value: 'accepted' });
  t.deepEqual(store.contribute({ key: 'speed', writer: 'wheel_a', publishTimeUs: tp, value: 10 }, NOW), { ok: true, value: 'duplicate' });
  t.deepEqual(store.contribute({ key: 'speed', writer: 'wheel_a', publishTimeUs: tp, value: 99 }, NOW), { ok: true, value: 'conflict' });
  t.deepEqual(store.openContributions('speed', tp), [{ writer: 'wheel_a', value: 10 }]);
  t.is(store.counter('conflicts'), 1);
  const again = store.admit({ key: 'speed', writer: 'wheel_a', value: 11, publishTimeUs: tp }, NOW);
  t.false(again.ok);
  if (!again.ok) t.is(again.error.code, 'CONFLICT');
});

test('contribute: a contribution after publishTime - closeBefore is refused as late', (t) => {
  const store = makeStore();
  const tp = NOW + 10_000;
  t.true(store.contribute({ key: 'speed', writer: 'wheel_a', publishTimeUs: tp, value: 1 }, tp - 500).ok);
  const late = store.contribute({ key: 'speed', writer: 'wheel_b', publishTimeUs: tp, value: 1 }, tp - 499);
  t.false(late.ok);
  if (!late.ok) t.is(late.error.code, 'TOO_LATE');
});

test('decide: the slot value is the fuse (median) of the contributions, with contributors sorted', (t) => {
  const store = makeStore();
  const tp = NOW + 10_000;
  writeAll(store, tp, { wheel_c: 30, wheel_a: 10, wheel_b: 1000 });
  const d = store.decide('speed', tp, { agreed: true });
  t.is(d.kind, 'published');
  if (d.kind === 'published') {
    t.is(d.slot.value, 30);
    t.deepEqual(
      d.slot.contributions.map((c) => c.writer),
      ['wheel_a', 'wheel_b', 'wheel_c'],
    );
    t.true(d.slot.agreed);
  }
  t.throws(() => store.decide('speed', tp, { agreed: true }), { message: /decided twice/ });
});

test('decide: fewer than minWriters contributions is a counted miss and never readable', (t) => {
  const store = makeStore();
  const tp = NOW + 10_000;
  writeAll(store, tp, { wheel_a: 10, wheel_b: 11 });
  const d = store.decide('speed', tp, { agreed: false });
  t.is(d.kind, 'missed');
  t.is(store.counter('missed'), 1);
  const r = store.read('speed', 0, tp + 1);
  t.false(r.ok);
  if (!r.ok) t.is(r.error.code, 'NO_FRESH_VALUE');
  // A missed slot stays closed: a late writer cannot reopen it.
  const late = store.contribute({ key: 'speed', writer: 'wheel_c', publishTimeUs: tp, value: 12 }, NOW);
  t.false(late.ok);
});

test('read: a decided slot is invisible before its publish time and visible from it on', (t) => {
  const store = makeStore();
  const tp = NOW + 10_000;
  writeAll(store, tp, { wheel_a: 1, wheel_b: 2, wheel_c: 3 });
  store.decide('speed', tp, { agreed: true });
  t.false(store.read('speed', 0, tp - 1).ok);
  const r = store.read('speed', 0, tp);
  t.true(r.ok);
  if (r.ok) t.is(r.value.value, 2);
});

test('read: returns the newest published slot with publish time >= earliest, else NO_FRESH_VALUE', (t) => {
  const store = makeStore();
  const t1 = NOW + 10_000;
  const t2 = NOW + 20_000;
  const t3 = NOW + 30_000;
  for (const [tp, v] of [[t1, 1], [t2, 2], [t3, 3]] as const) {
    writeAll(store, tp, { wheel_a: v, wheel_b: v, wheel_c: v });
    store.decide('speed', tp, { agreed: false });
  }
  const at = t2 + 5_000; // t3 not yet published
  const r = store.read('speed', t1 + 1, at);
  t.true(r.ok);
  if (r.ok) {
    t.is(r.value.publishTimeUs, t2);
    t.false(r.value.agreed);
  }
  const stale = store.read('speed', t2 + 1, at);
  t.false(stale.ok);
  if (!stale.ok) t.is(stale.error.code, 'NO_FRESH_VALUE');
});

test('decideDue publishes exactly the slots whose publish time has come', (t) => {
  const store = makeStore();
  writeAll(store, NOW + 10_000, { wheel_a: 1, wheel_b: 1, wheel_c: 1 });
  writeAll(store, NOW + 20_000, { wheel_a: 2, wheel_b: 2, wheel_c: 2 });
  const first = store.decideDue(NOW + 15_000, false);
  t.is(first.length, 1);
  t.deepEqual(store.openSlots('speed'), [NOW + 20_000]);
  t.is(store.decideDue(NOW + 20_000, false).length, 1);
  t.deepEqual(store.openSlots('speed'), []);
});

test('retention bounds published slots; the horizon bounds open slots (memory does not grow with run time)', (t) => {
  const store = makeStore();
  let now = NOW;
  for (let i = 0; i < 1_000; i++) {
    const tp = now + 10_000;
    writeAll(store, tp, { wheel_a: i, wheel_b: i, wheel_c: i }, now);
    now += 10_000;
    store.decideDue(now, false);
    t.true(store.size().decidedSlots <= 5);
  }
  // Far-future writes cannot fill memory: beyond the horizon they are refused.
  const far = store.contribute({ key: 'speed', writer: 'wheel_a', publishTimeUs: now + 2_000_000, value: 1 }, now);
  t.false(far.ok);
  t.true(store.size().openSlots <= 1_000_000 / 10_000 + 1);
});

test('repair replaces contents, marks the slot agreed and counts only real changes', (t) => {
  const store = makeStore();
  const tp = NOW + 10_000;
  writeAll(store, tp, { wheel_a: 10, wheel_b: 20, wheel_c: 30 });
  store.decide('speed', tp, { agreed: false });
  const same = store.repair('speed', tp, [
    { writer: 'wheel_a', value: 10 },
    { writer: 'wheel_b', value: 20 },
    { writer: 'wheel_c', value: 30 },
  ]);
  t.true(same.ok && !same.value.changed && same.value.slot?.agreed === true);
  t.is(store.counter('repairs'), 0);
  const changed = store.repair('speed', tp, [
    { writer: 'wheel_a', value: 10 },
    { writer: 'wheel_b', value: 25 },
    { writer: 'wheel_c', value: 30 },
  ]);
  t.true(changed.ok && changed.value.changed);
  t.is(store.decided('speed', tp)?.value, 25);
  t.is(store.decided('speed', tp)?.repairs, 1);
  t.is(store.counter('repairs'), 1);
});

test('repair can publish a slot this replica missed, and can retract one the others did not see', (t) => {
  const store = makeStore();
  const tp = NOW + 10_000;
  writeAll(store, tp, { wheel_a: 10 });
  t.is(store.decide('speed', tp, { agreed: false }).kind, 'missed');
  const filled = store.repair('speed', tp, [
    { writer: 'wheel_a', value: 10 },
    { writer: 'wheel_b', value: 11 },
    { writer: 'wheel_c', value: 12 },
  ]);
  t.true(filled.ok && filled.value.changed);
  t.is(store.read('speed', tp, tp).ok, true);
  const retracted = store.repair('speed', tp, [{ writer: 'wheel_a', value: 10 }]);
  t.true(retracted.ok && retracted.value.changed && retracted.value.slot === undefined);
  t.false(store.read('speed', tp, tp).ok);
});

test('decide with explicit contributions refuses unauthorised or duplicated writers (validity)', (t) => {
  const store = makeStore();
  const tp = NOW + 10_000;
  const d = store.decide('speed', tp, {
    agreed: true,
    contributions: [
      { writer: 'wheel_a', value: 1 },
      { writer: 'mallory', value: 1 },
      { writer: 'wheel_b', value: 1 },
    ],
  });
  t.is(d.kind, 'missed');
});
