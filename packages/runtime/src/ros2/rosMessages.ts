/**
 * The bftkvs_msgs interfaces as plain objects, and their conversions to and from the core's
 * values, slots and health. Pure; what rclnodejs hands a callback is `unknown` here and is
 * checked field by field with the wire decoder's limits (msgs/src/limits.ts): a message from
 * the ROS graph is hostile input like a datagram.
 *
 * rclnodejs representation facts relied on: 64-bit integer fields are `bigint` (both ways;
 * assigning a number to one throws), numeric arrays may arrive as typed arrays, and a plain
 * object is accepted wherever a message is published or a service response is sent.
 */
import type { PublishedSlot, Result, StructFieldValue, Value, ValueType, WriteIntent } from '@bftkvs/core';
import { fail, ok, rosTimeFromUs, usFromRosTime } from '@bftkvs/core';
import type { ReplicaHealth } from '@bftkvs/msgs';
import { ID_PATTERN, MAX_KEY_CHARS, MAX_NAME_CHARS, MAX_STRING_VALUE_CHARS, MAX_STRUCT_FIELDS, MAX_VALUE_TEXT_BYTES, MAX_VECTOR_ITEMS, MAX_WRITER_CHARS } from '@bftkvs/msgs';
import { isArrayLike } from './fieldPath.js';

/** bftkvs_msgs/msg/Value type tags. */
export const VALUE_TYPE = { F64: 0, I64: 1, BOOL: 2, STRING: 3, F64_VECTOR: 4, STRUCT: 5 } as const;
const TYPE_NAMES = ['TYPE_F64', 'TYPE_I64', 'TYPE_BOOL', 'TYPE_STRING', 'TYPE_F64_VECTOR', 'TYPE_STRUCT'];

export interface TimeMsg {
  sec: number;
  nanosec: number;
}

export interface ValueMsg {
  type: number;
  f64: number;
  i64: bigint;
  b: boolean;
  s: string;
  vec: number[];
  field_names: string[];
  field_types: number[];
  field_values: string[];
}

export interface ContributionMsg {
  writer: string;
  value: ValueMsg;
}

export interface SlotMsg {
  key: string;
  publish_time: TimeMsg;
  value: ValueMsg;
  contributions: ContributionMsg[];
  agreed: boolean;
  repairs: number;
}

export interface SuspicionMsg {
  node: number;
  reason: string;
  count: bigint;
  last_seen: TimeMsg;
}

export interface WriteResponseMsg {
  ok: boolean;
  error_code: string;
  error_message: string;
  publish_time: TimeMsg;
}

export interface ReadResponseMsg {
  ok: boolean;
  error_code: string;
  error_message: string;
  slot: SlotMsg;
}

export interface StatusResponseMsg {
  replica: number;
  mode: string;
  view: bigint;
  primary: number;
  ready: boolean;
  slots_published: bigint;
  slots_agreed: bigint;
  slots_repaired: bigint;
  deadline_misses: bigint;
  stable_seq: bigint;
  now: TimeMsg;
  suspects: SuspicionMsg[];
  counter_names: string[];
  counter_values: bigint[];
}

export interface ProtocolFrameMsg {
  from_index: number;
  to_index: number;
  data: Uint8Array;
}

// --- time ----------------------------------------------------------------------------------

const INT32_MAX = 2_147_483_647;
export const ZERO_TIME: Readonly<TimeMsg> = Object.freeze({ sec: 0, nanosec: 0 });

/** builtin_interfaces/Time for µs (sec is int32 in ROS: times after 2038 do not fit). */
export function timeMsgFromUs(us: number): TimeMsg {
  const t = rosTimeFromUs(us);
  if (t.sec > INT32_MAX) throw new RangeError(`time ${us} µs does not fit builtin_interfaces/Time (sec is int32)`);
  return { sec: t.sec, nanosec: t.nanosec };
}

/**
 * µs from a received builtin_interfaces/Time; zero (sec 0, nanosec 0) is `undefined` (unset).
 * Nanoseconds are truncated towards the past, as the core does.
 */
export function usFromTimeMsg(msg: unknown, what: string): Result<number | undefined> {
  if (typeof msg !== 'object' || msg === null) return fail('MALFORMED', `${what} must be a builtin_interfaces/Time`);
  const sec = toSafeNumber((msg as Record<string, unknown>)['sec']);
  const nanosec = toSafeNumber((msg as Record<string, unknown>)['nanosec']);
  if (sec === undefined || nanosec === undefined) return fail('MALFORMED', `${what}: sec and nanosec must be integers`);
  if (sec === 0 && nanosec === 0) return ok(undefined);
  try {
    return ok(usFromRosTime({ sec, nanosec }));
  } catch (e) {
    return fail('MALFORMED', `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function toSafeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  return undefined;
}

// --- values --------------------------------------------------------------------------------

function emptyValueMsg(): ValueMsg {
  return { type: VALUE_TYPE.F64, f64: 0, i64: 0n, b: false, s: '', vec: [], field_names: [], field_types: [], field_values: [] };
}

/** The bftkvs_msgs/Value of a stored value of a key of type `type`. */
export function valueMsgFromValue(type: ValueType, v: Value): ValueMsg {
  const m = emptyValueMsg();
  switch (type.kind) {
    case 'float64':
      m.type = VALUE_TYPE.F64;
      m.f64 = v as number;
      return m;
    case 'int64':
      m.type = VALUE_TYPE.I64;
      m.i64 = BigInt(v as number);
      return m;
    case 'bool':
      m.type = VALUE_TYPE.BOOL;
      m.b = v as boolean;
      return m;
    case 'string':
    case 'enum':
      m.type = VALUE_TYPE.STRING;
      m.s = v as string;
      return m;
    case 'float64[]':
      m.type = VALUE_TYPE.F64_VECTOR;
      m.vec = [...(v as readonly number[])];
      return m;
    case 'struct': {
      m.type = VALUE_TYPE.STRUCT;
      const rec = v as Readonly<Record<string, StructFieldValue>>;
      for (const name of Object.keys(type.fields).sort()) {
        const kind = type.fields[name];
        const x = rec[name];
        m.field_names.push(name);
        m.field_types.push(kind === 'float64' ? VALUE_TYPE.F64 : kind === 'int64' ? VALUE_TYPE.I64 : kind === 'bool' ? VALUE_TYPE.BOOL : VALUE_TYPE.STRING);
        m.field_values.push(typeof x === 'string' ? x : String(x));
      }
      return m;
    }
  }
}

const FLOAT_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_TEXT = /^[+-]?\d{1,16}$/;

/**
 * The plain value of a received bftkvs_msgs/Value for a key of type `type`. The `type` tag
 * must be the one the key's type uses (a float64 key takes TYPE_F64 and `f64`); the wire's
 * limits apply. Range, enum membership and struct fields are left to the replica's schema
 * check (BAD_VALUE with the reason).
 */
export function valueFromValueMsg(type: ValueType, msg: unknown): Result<Value> {
  if (typeof msg !== 'object' || msg === null) return fail('MALFORMED', 'value must be a bftkvs_msgs/Value');
  const m = msg as Record<string, unknown>;
  const tag = m['type'];
  const want = expectedTag(type);
  if (tag !== want) {
    const got = typeof tag === 'number' ? (TYPE_NAMES[tag] ?? `type ${tag}`) : 'no type';
    return fail('BAD_VALUE', `the key is ${type.kind}: the value must have type ${want} (${TYPE_NAMES[want] as string}), got ${got}`);
  }
  switch (want) {
    case VALUE_TYPE.F64: {
      const x = m['f64'];
      if (typeof x !== 'number' || !Number.isFinite(x)) return fail('BAD_VALUE', `f64 must be a finite number, got ${String(x)}`);
      return ok(x);
    }
    case VALUE_TYPE.I64: {
      const x = toSafeNumber(m['i64']);
      if (x === undefined) return fail('BAD_VALUE', `i64 must be an integer within ±(2^53 - 1), got ${String(m['i64'])}`);
      return ok(x);
    }
    case VALUE_TYPE.BOOL:
      return typeof m['b'] === 'boolean' ? ok(m['b']) : fail('MALFORMED', 'b must be a boolean');
    case VALUE_TYPE.STRING: {
      const s = m['s'];
      if (typeof s !== 'string') return fail('MALFORMED', 's must be a string');
      if (s.length > MAX_STRING_VALUE_CHARS) return fail('BAD_VALUE', `s is longer than ${MAX_STRING_VALUE_CHARS} characters`);
      if (utf8Bytes(s) > MAX_VALUE_TEXT_BYTES) return fail('BAD_VALUE', `s is longer than ${MAX_VALUE_TEXT_BYTES} UTF-8 bytes`);
      return ok(s);
    }
    case VALUE_TYPE.F64_VECTOR: {
      const vec = m['vec'];
      if (!isArrayLike(vec)) return fail('MALFORMED', 'vec must be an array of float64');
      if (vec.length > MAX_VECTOR_ITEMS) return fail('BAD_VALUE', `vec has more than ${MAX_VECTOR_ITEMS} items`);
      const out: number[] = [];
      for (let i = 0; i < vec.length; i++) {
        const x = vec[i];
        if (typeof x !== 'number' || !Number.isFinite(x)) return fail('BAD_VALUE', `vec[${i}] must be a finite number`);
        out.push(x);
      }
      return ok(out);
    }
    default:
      return structFromMsg(m);
  }
}

function expectedTag(type: ValueType): number {
  switch (type.kind) {
    case 'float64':
      return VALUE_TYPE.F64;
    case 'int64':
      return VALUE_TYPE.I64;
    case 'bool':
      return VALUE_TYPE.BOOL;
    case 'string':
    case 'enum':
      return VALUE_TYPE.STRING;
    case 'float64[]':
      return VALUE_TYPE.F64_VECTOR;
    case 'struct':
      return VALUE_TYPE.STRUCT;
  }
}

function structFromMsg(m: Record<string, unknown>): Result<Value> {
  const names = m['field_names'];
  const types = m['field_types'];
  const values = m['field_values'];
  if (!isArrayLike(names) || !isArrayLike(types) || !isArrayLike(values)) return fail('MALFORMED', 'field_names, field_types and field_values must be arrays');
  if (names.length !== types.length || names.length !== values.length) return fail('MALFORMED', 'field_names, field_types and field_values must have the same length');
  if (names.length > MAX_STRUCT_FIELDS) return fail('BAD_VALUE', `a struct has at most ${MAX_STRUCT_FIELDS} fields`);
  const entries: [string, StructFieldValue][] = [];
  const seen = new Set<string>();
  let textBytes = 0;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const t = types[i];
    const text = values[i];
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_CHARS || !ID_PATTERN.test(name)) {
      return fail('BAD_VALUE', `field_names[${i}] must be 1-${MAX_NAME_CHARS} characters of A-Z a-z 0-9 _ . / -`);
    }
    if (seen.has(name)) return fail('BAD_VALUE', `field '${name}' appears twice`);
    seen.add(name);
    if (typeof text !== 'string') return fail('MALFORMED', `field_values[${i}] must be a string`);
    textBytes += utf8Bytes(name);
    let v: StructFieldValue;
    switch (typeof t === 'bigint' ? Number(t) : t) {
      case VALUE_TYPE.F64: {
        const x = FLOAT_TEXT.test(text) ? Number(text) : Number.NaN;
        if (!Number.isFinite(x)) return fail('BAD_VALUE', `field '${name}': '${text}' is not a finite number`);
        v = x;
        break;
      }
      case VALUE_TYPE.I64: {
        const x = INT_TEXT.test(text) ? Number(text) : Number.NaN;
        if (!Number.isSafeInteger(x)) return fail('BAD_VALUE', `field '${name}': '${text}' is not an integer within ±(2^53 - 1)`);
        v = x;
        break;
      }
      case VALUE_TYPE.BOOL:
        if (text !== 'true' && text !== 'false') return fail('BAD_VALUE', `field '${name}': '${text}' is not true or false`);
        v = text === 'true';
        break;
      case VALUE_TYPE.STRING:
        if (text.length > MAX_STRING_VALUE_CHARS) return fail('BAD_VALUE', `field '${name}' is longer than ${MAX_STRING_VALUE_CHARS} characters`);
        textBytes += utf8Bytes(text);
        v = text;
        break;
      default:
        return fail('BAD_VALUE', `field_types[${i}] must be TYPE_F64, TYPE_I64, TYPE_BOOL or TYPE_STRING`);
    }
    entries.push([name, v]);
  }
  if (textBytes > MAX_VALUE_TEXT_BYTES) return fail('BAD_VALUE', `the struct's text is longer than ${MAX_VALUE_TEXT_BYTES} UTF-8 bytes`);
  // fromEntries defines own properties: a field named __proto__ cannot reach the prototype.
  return ok(Object.fromEntries(entries));
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// --- slots ---------------------------------------------------------------------------------

export function slotMsgFromSlot(slot: PublishedSlot, type: ValueType): SlotMsg {
  return {
    key: slot.key,
    publish_time: timeMsgFromUs(slot.publishTimeUs),
    value: valueMsgFromValue(type, slot.value),
    contributions: slot.contributions.map((c) => ({ writer: c.writer, value: valueMsgFromValue(type, c.value) })),
    agreed: slot.agreed,
    repairs: Math.min(slot.repairs, 4_294_967_295),
  };
}

export function emptySlotMsg(): SlotMsg {
  return { key: '', publish_time: { ...ZERO_TIME }, value: emptyValueMsg(), contributions: [], agreed: false, repairs: 0 };
}

// --- requests ------------------------------------------------------------------------------

function idField(m: Record<string, unknown>, field: string, max: number): Result<string> {
  const v = m[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > max || !ID_PATTERN.test(v)) {
    return fail('MALFORMED', `${field} must be 1-${max} characters of A-Z a-z 0-9 _ . / -`);
  }
  return ok(v);
}

/**
 * A write intent from a Write request or a WriteRequest message. `schemaOf` gives the key's
 * type (undefined: UNKNOWN_KEY). A zero publish time means "the next grid point".
 */
export function writeIntentFromMsg(msg: unknown, schemaOf: (key: string) => ValueType | undefined): Result<WriteIntent> {
  if (typeof msg !== 'object' || msg === null) return fail('MALFORMED', 'the request must be a message');
  const m = msg as Record<string, unknown>;
  const key = idField(m, 'key', MAX_KEY_CHARS);
  if (!key.ok) return key;
  const writer = idField(m, 'writer', MAX_WRITER_CHARS);
  if (!writer.ok) return writer;
  const type = schemaOf(key.value);
  if (type === undefined) return fail('UNKNOWN_KEY', `unknown key '${key.value}'`);
  const t = usFromTimeMsg(m['publish_time'], 'publish_time');
  if (!t.ok) return t;
  const value = valueFromValueMsg(type, m['value']);
  if (!value.ok) return value;
  return ok(t.value === undefined ? { key: key.value, writer: writer.value, value: value.value } : { key: key.value, writer: writer.value, publishTimeUs: t.value, value: value.value });
}

export function readRequestFromMsg(msg: unknown): Result<{ key: string; earliestUs: number }> {
  if (typeof msg !== 'object' || msg === null) return fail('MALFORMED', 'the request must be a message');
  const m = msg as Record<string, unknown>;
  const key = idField(m, 'key', MAX_KEY_CHARS);
  if (!key.ok) return key;
  const t = usFromTimeMsg(m['earliest'], 'earliest');
  if (!t.ok) return t;
  return ok({ key: key.value, earliestUs: t.value ?? 0 });
}

export function writeResponse(r: Result<{ publishTimeUs: number }>): WriteResponseMsg {
  if (r.ok) return { ok: true, error_code: 'OK', error_message: '', publish_time: timeMsgFromUs(r.value.publishTimeUs) };
  return { ok: false, error_code: r.error.code, error_message: clip(r.error.message), publish_time: { ...ZERO_TIME } };
}

export function readResponse(r: Result<SlotMsg>): ReadResponseMsg {
  if (r.ok) return { ok: true, error_code: 'OK', error_message: '', slot: r.value };
  return { ok: false, error_code: r.error.code, error_message: clip(r.error.message), slot: emptySlotMsg() };
}

/** Messages in replies stay within the wire's limit. */
function clip(s: string): string {
  return s.length > 512 ? `${s.slice(0, 509)}...` : s;
}

// --- status --------------------------------------------------------------------------------

function u64(n: number): bigint {
  return BigInt(Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
}

/** Status response from the replica's health plus extra named counters (driver, transport, ROS interface). */
export function statusResponse(h: ReplicaHealth, nowUs: number, extraCounters: Readonly<Record<string, number>> = {}): StatusResponseMsg {
  const counters = new Map<string, number>();
  for (const c of h.counters) counters.set(c.name, c.value);
  for (const [k, v] of Object.entries(extraCounters)) counters.set(k, v);
  const names = [...counters.keys()].sort();
  return {
    replica: h.replica,
    mode: h.mode,
    view: u64(h.view),
    primary: h.primary,
    ready: h.ready,
    slots_published: u64(h.slotsPublished),
    slots_agreed: u64(h.slotsAgreed),
    slots_repaired: u64(h.slotsRepaired),
    deadline_misses: u64(h.deadlineMisses),
    stable_seq: u64(h.stableSeq),
    now: timeMsgFromUs(nowUs),
    suspects: h.suspects.map((s) => ({ node: s.node, reason: s.reason, count: u64(s.count), last_seen: timeMsgFromUs(s.lastUs) })),
    counter_names: names,
    counter_values: names.map((n) => u64(counters.get(n) as number)),
  };
}

export function unavailableStatus(replica: number, mode: string, nowUs: number): StatusResponseMsg {
  return {
    replica,
    mode,
    view: 0n,
    primary: 0,
    ready: false,
    slots_published: 0n,
    slots_agreed: 0n,
    slots_repaired: 0n,
    deadline_misses: 0n,
    stable_seq: 0n,
    now: timeMsgFromUs(nowUs),
    suspects: [],
    counter_names: [],
    counter_values: [],
  };
}

// --- protocol frames -----------------------------------------------------------------------

export type FrameCheck = { readonly ok: true; readonly from: number; readonly to: number; readonly data: Uint8Array } | { readonly ok: false; readonly reason: 'malformed' | 'oversize' };

/**
 * Checks a received ProtocolFrame's envelope (the frame inside is checked by the core).
 * The bytes are copied: rclnodejs may reuse the buffer after the callback returns.
 */
export function checkFrameMsg(msg: unknown, maxBytes: number): FrameCheck {
  if (typeof msg !== 'object' || msg === null) return { ok: false, reason: 'malformed' };
  const m = msg as Record<string, unknown>;
  const from = m['from_index'];
  const to = m['to_index'];
  const data = m['data'];
  if (typeof from !== 'number' || typeof to !== 'number' || !Number.isInteger(from) || !Number.isInteger(to)) return { ok: false, reason: 'malformed' };
  if (data instanceof Uint8Array) {
    if (data.length > maxBytes) return { ok: false, reason: 'oversize' };
    return { ok: true, from, to, data: Uint8Array.from(data) };
  }
  if (Array.isArray(data)) {
    if (data.length > maxBytes) return { ok: false, reason: 'oversize' };
    if (!data.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) return { ok: false, reason: 'malformed' };
    return { ok: true, from, to, data: Uint8Array.from(data as number[]) };
  }
  return { ok: false, reason: 'malformed' };
}
