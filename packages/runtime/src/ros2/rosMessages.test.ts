import test from 'ava';
import type { PublishedSlot, Value, ValueType } from '@bftkvs/core';
import type { ReplicaHealth } from '@bftkvs/msgs';
import { MAX_FRAME_BYTES } from '@bftkvs/msgs';
import type { ValueMsg } from './rosMessages.js';
import {
  VALUE_TYPE,
  checkFrameMsg,
  readRequestFromMsg,
  readResponse,
  slotMsgFromSlot,
  statusResponse,
  timeMsgFromUs,
  usFromTimeMsg,
  valueFromValueMsg,
  valueMsgFromValue,
  writeIntentFromMsg,
  writeResponse,
} from './rosMessages.js';
import { testCluster } from './_cluster.test.js';

const cluster = testCluster();
const typeOf = (key: string): ValueType => {
  const s = cluster.keys.get(key);
  if (s === undefined) throw new Error(key);
  return s.type;
};
const schemaOf = (key: string): ValueType | undefined => cluster.keys.get(key)?.type;

/** A Value message as `ros2 topic pub` would build it: every field present, defaults elsewhere. */
function vmsg(fields: Partial<ValueMsg>): ValueMsg {
  return { type: 0, f64: 0, i64: 0n, b: false, s: '', vec: [], field_names: [], field_types: [], field_values: [], ...fields };
}

test('times: µs ↔ builtin_interfaces/Time, zero is unset, nanoseconds truncate to µs', (t) => {
  t.deepEqual(timeMsgFromUs(1_700_000_000_123_456), { sec: 1_700_000_000, nanosec: 123_456_000 });
  t.deepEqual(usFromTimeMsg({ sec: 1_700_000_000, nanosec: 123_456_789 }, 't'), { ok: true, value: 1_700_000_000_123_456 });
  t.deepEqual(usFromTimeMsg({ sec: 0, nanosec: 0 }, 't'), { ok: true, value: undefined });
  t.like(usFromTimeMsg({ sec: -1, nanosec: 0 }, 't'), { ok: false, error: { code: 'MALFORMED' } });
  t.like(usFromTimeMsg({ sec: 1, nanosec: 1_000_000_000 }, 't'), { ok: false });
  t.like(usFromTimeMsg({ sec: 1.5, nanosec: 0 }, 't'), { ok: false });
  t.like(usFromTimeMsg(null, 't'), { ok: false });
  t.throws(() => timeMsgFromUs(2 ** 31 * 1_000_000), { message: /int32/ });
});

test('every value type round-trips through bftkvs_msgs/Value', (t) => {
  const cases: [string, Value][] = [
    ['speed', 12.5],
    ['count', -42],
    ['flag', true],
    ['gear', 'D'],
    ['label', 'héllo'],
    ['accel', [1, -2.5, 3]],
    ['pose', { n: 7, ok: false, tag: 'x y', x: 0.1 }],
  ];
  for (const [key, v] of cases) {
    const m = valueMsgFromValue(typeOf(key), v);
    t.deepEqual(valueFromValueMsg(typeOf(key), m), { ok: true, value: v }, key);
  }
  const m = valueMsgFromValue(typeOf('count'), 5);
  t.is(m.type, VALUE_TYPE.I64);
  t.is(m.i64, 5n, 'int64 travels as bigint');
  const s = valueMsgFromValue(typeOf('pose'), { x: 1.5, n: -3, ok: true, tag: 'a' });
  t.deepEqual([s.field_names, s.field_types, s.field_values], [
    ['n', 'ok', 'tag', 'x'],
    [VALUE_TYPE.I64, VALUE_TYPE.BOOL, VALUE_TYPE.STRING, VALUE_TYPE.F64],
    ['-3', 'true', 'a', '1.5'],
  ]);
});

test('received values: typed-array vectors, bigint or number integers, hand-typed structs', (t) => {
  t.deepEqual(valueFromValueMsg(typeOf('accel'), vmsg({ type: 4, vec: new Float64Array([1, 2, 3]) as unknown as number[] })), { ok: true, value: [1, 2, 3] });
  t.deepEqual(valueFromValueMsg(typeOf('count'), { ...vmsg({ type: 1 }), i64: 9 }), { ok: true, value: 9 });
  t.deepEqual(valueFromValueMsg(typeOf('pose'), vmsg({ type: 5, field_names: ['x', 'n', 'ok', 'tag'], field_types: new Uint8Array([0, 1, 2, 3]) as unknown as number[], field_values: ['1e3', '+4', 'false', ''] })), {
    ok: true,
    value: { x: 1000, n: 4, ok: false, tag: '' },
  });
  t.deepEqual(valueFromValueMsg(typeOf('speed'), { f64: 12.5 }), { ok: false, error: { code: 'BAD_VALUE', message: 'the key is float64: the value must have type 0 (TYPE_F64), got no type' } });
  t.deepEqual(valueFromValueMsg(typeOf('speed'), { type: 0, f64: 12.5 }), { ok: true, value: 12.5 }, 'a partial message as a ROS tool sends it');
});

test('received values are checked like wire values', (t) => {
  const bad = (key: string, m: unknown, re: RegExp): void => {
    const r = valueFromValueMsg(typeOf(key), m);
    t.false(r.ok, `${key} ${JSON.stringify(m, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
    if (!r.ok) t.regex(r.error.message, re);
  };
  bad('speed', vmsg({ type: 1, i64: 3n }), /must have type 0 \(TYPE_F64\), got TYPE_I64/);
  bad('count', vmsg({ type: 0, f64: 3 }), /must have type 1 \(TYPE_I64\), got TYPE_F64/);
  bad('speed', vmsg({ f64: Number.NaN }), /finite/);
  bad('speed', vmsg({ f64: Number.POSITIVE_INFINITY }), /finite/);
  bad('count', vmsg({ type: 1, i64: 2n ** 53n }), /±\(2\^53 - 1\)/);
  bad('label', vmsg({ type: 3, s: 'x'.repeat(257) }), /longer than 256/);
  bad('pose', vmsg({ type: 5, field_names: ['a', 'b'], field_types: [3, 3], field_values: ['€'.repeat(256), '€'.repeat(256)] }), /text is longer than 1024 UTF-8 bytes/);
  bad('accel', vmsg({ type: 4, vec: new Array<number>(65).fill(1) }), /more than 64 items/);
  bad('accel', vmsg({ type: 4, vec: [1, Number.NaN, 3] }), /vec\[1\] must be a finite number/);
  bad('accel', vmsg({ type: 4, vec: 'abc' as unknown as number[] }), /vec must be an array/);
  bad('pose', vmsg({ type: 5, field_names: ['x'], field_types: [0, 1], field_values: ['1'] }), /same length/);
  bad('pose', vmsg({ type: 5, field_names: ['x', 'x'], field_types: [0, 0], field_values: ['1', '2'] }), /appears twice/);
  bad('pose', vmsg({ type: 5, field_names: ['bad name'], field_types: [0], field_values: ['1'] }), /field_names\[0\]/);
  bad('pose', vmsg({ type: 5, field_names: ['x'], field_types: [0], field_values: ['1.2.3'] }), /'1\.2\.3' is not a finite number/);
  bad('pose', vmsg({ type: 5, field_names: ['x'], field_types: [0], field_values: ['Infinity'] }), /not a finite number/);
  bad('pose', vmsg({ type: 5, field_names: ['n'], field_types: [1], field_values: ['9007199254740993'] }), /not an integer/);
  bad('pose', vmsg({ type: 5, field_names: ['ok'], field_types: [2], field_values: ['yes'] }), /not true or false/);
  bad('pose', vmsg({ type: 5, field_names: ['x'], field_types: [9], field_values: ['1'] }), /field_types\[0\]/);
  bad('pose', vmsg({ type: 5, field_names: new Array<string>(33).fill('a'), field_types: new Array<number>(33).fill(0), field_values: new Array<string>(33).fill('1') }), /at most 32 fields/);
  bad('speed', null, /must be a bftkvs_msgs\/Value/);
  bad('flag', vmsg({ type: 2, b: 1 as unknown as boolean }), /b must be a boolean/);
});

test('write requests: key, writer, publish time (zero = next grid point) and value', (t) => {
  const req = { key: 'speed', writer: 'sensor_a', publish_time: { sec: 0, nanosec: 0 }, value: vmsg({ f64: 3 }) };
  t.deepEqual(writeIntentFromMsg(req, schemaOf), { ok: true, value: { key: 'speed', writer: 'sensor_a', value: 3 } });
  t.deepEqual(writeIntentFromMsg({ ...req, publish_time: { sec: 10, nanosec: 20_000 } }, schemaOf), { ok: true, value: { key: 'speed', writer: 'sensor_a', publishTimeUs: 10_000_020, value: 3 } });
  t.like(writeIntentFromMsg({ ...req, key: 'nope' }, schemaOf), { ok: false, error: { code: 'UNKNOWN_KEY' } });
  t.like(writeIntentFromMsg({ ...req, key: '' }, schemaOf), { ok: false, error: { code: 'MALFORMED' } });
  t.like(writeIntentFromMsg({ ...req, key: 'a b' }, schemaOf), { ok: false, error: { code: 'MALFORMED' } });
  t.like(writeIntentFromMsg({ ...req, writer: 'x'.repeat(129) }, schemaOf), { ok: false, error: { code: 'MALFORMED' } });
  t.like(writeIntentFromMsg({ ...req, publish_time: 'now' }, schemaOf), { ok: false, error: { code: 'MALFORMED' } });
  t.like(writeIntentFromMsg({ ...req, value: vmsg({ type: 3, s: 'x' }) }, schemaOf), { ok: false, error: { code: 'BAD_VALUE' } });
  t.like(writeIntentFromMsg(undefined, schemaOf), { ok: false, error: { code: 'MALFORMED' } });
  t.deepEqual(readRequestFromMsg({ key: 'speed', earliest: { sec: 0, nanosec: 0 } }), { ok: true, value: { key: 'speed', earliestUs: 0 } });
  t.deepEqual(readRequestFromMsg({ key: 'speed', earliest: { sec: 2, nanosec: 0 } }), { ok: true, value: { key: 'speed', earliestUs: 2_000_000 } });
  t.like(readRequestFromMsg({ earliest: { sec: 0, nanosec: 0 } }), { ok: false, error: { code: 'MALFORMED' } });
});

test('responses and slots in bftkvs_msgs form', (t) => {
  t.deepEqual(writeResponse({ ok: true, value: { publishTimeUs: 1_500_000 } }), { ok: true, error_code: 'OK', error_message: '', publish_time: { sec: 1, nanosec: 500_000_000 } });
  t.deepEqual(writeResponse({ ok: false, error: { code: 'TOO_LATE', message: 'late' } }), { ok: false, error_code: 'TOO_LATE', error_message: 'late', publish_time: { sec: 0, nanosec: 0 } });
  const slot: PublishedSlot = {
    key: 'speed',
    publishTimeUs: 2_000_010,
    value: 11,
    contributions: [
      { writer: 'sensor_a', value: 10 },
      { writer: 'sensor_b', value: 11 },
    ],
    agreed: true,
    repairs: 1,
  };
  const m = slotMsgFromSlot(slot, typeOf('speed'));
  t.like(m, { key: 'speed', publish_time: { sec: 2, nanosec: 10_000 }, agreed: true, repairs: 1 });
  t.is(m.value.f64, 11);
  t.deepEqual(
    m.contributions.map((c) => [c.writer, c.value.f64]),
    [
      ['sensor_a', 10],
      ['sensor_b', 11],
    ],
  );
  const r = readResponse({ ok: false, error: { code: 'NO_FRESH_VALUE', message: 'none yet' } });
  t.like(r, { ok: false, error_code: 'NO_FRESH_VALUE', error_message: 'none yet', slot: { key: '', agreed: false } });
  t.is(writeResponse({ ok: false, error: { code: 'BAD_VALUE', message: 'x'.repeat(1000) } }).error_message.length, 512);
});

test('status responses carry health with uint64 fields as bigint', (t) => {
  const h: ReplicaHealth = {
    replica: 2,
    mode: 'fast',
    view: 3,
    primary: 1,
    suspects: [{ node: 3, reason: 'equivocation', count: 4, lastUs: 5_000_000 }],
    slotsPublished: 10,
    slotsAgreed: 9,
    slotsRepaired: 1,
    deadlineMisses: 2,
    nowUs: 6_000_000,
    counters: [{ name: 'writes.admitted', value: 7 }],
    stableSeq: 12,
    ready: true,
  };
  const s = statusResponse(h, 6_000_000, { 'driver.ticks': 100, 'ros.write_topic.received': 3 });
  t.like(s, { replica: 2, mode: 'fast', view: 3n, primary: 1, ready: true, slots_published: 10n, deadline_misses: 2n, stable_seq: 12n, now: { sec: 6, nanosec: 0 } });
  t.deepEqual(s.suspects, [{ node: 3, reason: 'equivocation', count: 4n, last_seen: { sec: 5, nanosec: 0 } }]);
  t.deepEqual(s.counter_names, ['driver.ticks', 'ros.write_topic.received', 'writes.admitted']);
  t.deepEqual(s.counter_values, [100n, 3n, 7n]);
});

test('protocol frame envelopes: checked, copied, bounded', (t) => {
  const data = new Uint8Array([1, 2, 3]);
  const f = checkFrameMsg({ from_index: 1, to_index: 2, data }, MAX_FRAME_BYTES);
  t.true(f.ok);
  if (f.ok) {
    t.deepEqual([f.from, f.to, [...f.data]], [1, 2, [1, 2, 3]]);
    data[0] = 9;
    t.is(f.data[0], 1, 'the bytes were copied');
  }
  t.like(checkFrameMsg({ from_index: 1, to_index: 2, data: [1, 2] }, MAX_FRAME_BYTES), { ok: true });
  t.like(checkFrameMsg({ from_index: 1, to_index: 2, data: new Uint8Array(MAX_FRAME_BYTES + 1) }, MAX_FRAME_BYTES), { ok: false, reason: 'oversize' });
  t.like(checkFrameMsg({ from_index: 1, to_index: 2, data: [1, 256] }, MAX_FRAME_BYTES), { ok: false, reason: 'malformed' });
  t.like(checkFrameMsg({ from_index: '1', to_index: 2, data }, MAX_FRAME_BYTES), { ok: false, reason: 'malformed' });
  t.like(checkFrameMsg({ from_index: 1, to_index: 2, data: 'abc' }, MAX_FRAME_BYTES), { ok: false, reason: 'malformed' });
  t.like(checkFrameMsg(null, MAX_FRAME_BYTES), { ok: false, reason: 'malformed' });
});
