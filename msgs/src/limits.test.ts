// Every rule the decoder enforces, violated one at a time, must be rejected with the right
// code and field path; the value just inside each bound must still be accepted.
import test, { type ExecutionContext } from 'ava';
import { decodeBatch, decodeBody, decodeFrame, decodeWrite, encodeBatch, encodeBody, encodeFrame, encodeWrite } from './codec.js';
import * as L from './limits.js';
import type { Result, WireError, WireErrorCode } from './result.js';
import { bytes, sampleAuthWrite, sampleBatches, sampleBodies, sampleFrame, sampleSlot, sampleWrite } from './testing/samples.js';
import type * as T from './types.js';

type Sample<K extends T.BodyKind> = Extract<T.Body, { kind: K }>;

/** A deep copy of the sample body of `kind`, changed by `edit` (which may break any rule). */
function body<K extends T.BodyKind>(kind: K, edit: (b: T.BodyMembers[K]) => void): Uint8Array {
  const copy = structuredClone(sampleBodies[kind]) as Sample<K>;
  edit((copy as unknown as Record<K, T.BodyMembers[K]>)[kind]);
  return encodeBody(copy);
}

function rejects<V>(t: ExecutionContext, r: Result<V, WireError>, code: WireErrorCode, path?: string): void {
  if (r.ok) {
    t.fail(`accepted; expected ${code}`);
    return;
  }
  t.is(r.error.code, code, r.error.message);
  if (path !== undefined) t.is(r.error.path, path);
  t.true(r.error.message.length > 0);
}

function accepts<V>(t: ExecutionContext, r: Result<V, WireError>): void {
  t.true(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
}

const chars = (n: number, c = 'k'): string => c.repeat(n);
const write = (edit: (w: T.Write) => void): Uint8Array => {
  const w = structuredClone(sampleWrite);
  edit(w);
  return encodeWrite(w);
};

// --- strings ----------------------------------------------------------------------------------

test('keys: 128 characters pass, 129 are LIMIT, bad characters and empty are BAD_FIELD', (t) => {
  accepts(t, decodeBody(body('readRequest', (m) => (m.key = chars(L.MAX_KEY_CHARS)))));
  rejects(t, decodeBody(body('readRequest', (m) => (m.key = chars(L.MAX_KEY_CHARS + 1)))), 'LIMIT', 'readRequest.key');
  for (const bad of ['a b', 'ключ', 'a\nb', 'x:y', '']) {
    rejects(t, decodeBody(body('readRequest', (m) => (m.key = bad))), 'BAD_FIELD', 'readRequest.key');
  }
  rejects(t, decodeBody(body('subscribe', (m) => (m.keys = ['ok', 'not ok']))), 'BAD_FIELD', 'subscribe.keys[1]');
});

test('writer ids: 128 characters pass, 129 are LIMIT, bad characters are BAD_FIELD', (t) => {
  accepts(t, decodeWrite(write((w) => (w.writer = chars(L.MAX_WRITER_CHARS)))));
  rejects(t, decodeWrite(write((w) => (w.writer = chars(L.MAX_WRITER_CHARS + 1)))), 'LIMIT', 'writer');
  rejects(t, decodeWrite(write((w) => (w.writer = 'sensor a'))), 'BAD_FIELD', 'writer');
  rejects(t, decodeWrite(write((w) => (w.writer = ''))), 'BAD_FIELD', 'writer');
});

test('reply messages: 512 characters pass, 513 are LIMIT, control characters are BAD_FIELD', (t) => {
  accepts(t, decodeBody(body('writeReply', (m) => (m.message = chars(L.MAX_MESSAGE_CHARS, 'é')))));
  rejects(t, decodeBody(body('writeReply', (m) => (m.message = chars(L.MAX_MESSAGE_CHARS + 1)))), 'LIMIT', 'writeReply.message');
  rejects(t, decodeBody(body('writeReply', (m) => (m.message = 'a\u001b[2Jb'))), 'BAD_FIELD', 'writeReply.message');
  rejects(t, decodeBody(body('writeReply', (m) => (m.message = 'a\u0085b'))), 'BAD_FIELD');
});

test('names (struct fields, counters, reasons) are bounded identifiers', (t) => {
  const health = (edit: (h: T.ReplicaHealth) => void) => body('statusReply', (m) => edit(m.health));
  accepts(t, decodeBody(health((h) => ((h.counters[0] as T.Counter).name = chars(L.MAX_NAME_CHARS)))));
  rejects(t, decodeBody(health((h) => ((h.counters[0] as T.Counter).name = chars(L.MAX_NAME_CHARS + 1)))), 'LIMIT', 'statusReply.health.counters[0].name');
  rejects(t, decodeBody(health((h) => ((h.suspects[0] as T.Suspicion).reason = 'bad mac'))), 'BAD_FIELD', 'statusReply.health.suspects[0].reason');
  rejects(t, decodeBody(health((h) => (h.mode = 'turbo' as T.Mode))), 'BAD_FIELD', 'statusReply.health.mode');
});

// --- values -----------------------------------------------------------------------------------

const withValue = (v: T.Value) => decodeWrite(write((w) => (w.value = v)));

test('NaN and ±Infinity are BAD_FIELD wherever a double appears', (t) => {
  for (const x of [NaN, Infinity, -Infinity]) {
    rejects(t, withValue({ kind: 'f64', f64: x }), 'BAD_FIELD', 'value.f64');
    rejects(t, withValue({ kind: 'vec', vec: { items: [1, x] } }), 'BAD_FIELD', 'value.vec.items[1]');
    rejects(t, withValue({ kind: 'fields', fields: { fields: [{ name: 'a', kind: 'f64', f64: x }] } }), 'BAD_FIELD', 'value.fields.fields[0].f64');
  }
  accepts(t, withValue({ kind: 'f64', f64: -0 }));
  accepts(t, withValue({ kind: 'f64', f64: Number.MAX_VALUE }));
});

test('string values: 256 characters pass, 257 are LIMIT', (t) => {
  accepts(t, withValue({ kind: 's', s: chars(L.MAX_STRING_VALUE_CHARS) }));
  rejects(t, withValue({ kind: 's', s: chars(L.MAX_STRING_VALUE_CHARS + 1) }), 'LIMIT', 'value.s');
  const field = (s: string): T.Value => ({ kind: 'fields', fields: { fields: [{ name: 'a', kind: 's', s }] } });
  accepts(t, withValue(field(chars(L.MAX_STRING_VALUE_CHARS))));
  rejects(t, withValue(field(chars(L.MAX_STRING_VALUE_CHARS + 1))), 'LIMIT', 'value.fields.fields[0].s');
});

test('vectors: 64 items pass, 65 are LIMIT', (t) => {
  accepts(t, withValue({ kind: 'vec', vec: { items: new Array<number>(L.MAX_VECTOR_ITEMS).fill(1) } }));
  rejects(t, withValue({ kind: 'vec', vec: { items: new Array<number>(L.MAX_VECTOR_ITEMS + 1).fill(1) } }), 'LIMIT', 'value.vec.items');
});

const structOf = (n: number, s = ''): T.Value => ({
  kind: 'fields',
  fields: {
    fields: Array.from({ length: n }, (_, i) => ({ name: `f${String(i).padStart(3, '0')}`, kind: 's' as const, s })),
  },
});

test('structs: 32 fields pass, 33 are LIMIT; unsorted or duplicate names are BAD_FIELD', (t) => {
  accepts(t, withValue(structOf(L.MAX_STRUCT_FIELDS)));
  rejects(t, withValue(structOf(L.MAX_STRUCT_FIELDS + 1)), 'LIMIT', 'value.fields.fields');
  const unsorted = structOf(3);
  if (unsorted.kind === 'fields') unsorted.fields.fields.reverse();
  rejects(t, withValue(unsorted), 'BAD_FIELD', 'value.fields.fields[1]');
  const dup = structOf(2);
  if (dup.kind === 'fields') (dup.fields.fields[1] as T.StructField).name = 'f000';
  rejects(t, withValue(dup), 'BAD_FIELD', 'value.fields.fields[1]');
  rejects(t, withValue({ kind: 'fields', fields: { fields: [{ name: '', kind: 'b', b: true }] } }), 'BAD_FIELD');
});

test('the text budget of one Value is LIMIT when exceeded', (t) => {
  // 8 fields * 128 chars = 1024 bytes of strings plus 32 bytes of names: over the budget.
  rejects(t, withValue(structOf(8, chars(128))), 'LIMIT', 'value.fields');
  accepts(t, withValue(structOf(7, chars(128))));
  // A single string is bounded by characters first; multi-byte characters stay within budget.
  accepts(t, withValue({ kind: 's', s: chars(L.MAX_STRING_VALUE_CHARS, '€') }));
});

test('a Value must set exactly one member', (t) => {
  rejects(t, withValue({} as T.Value), 'BAD_FIELD', 'value');
  rejects(t, withValue({ kind: 'fields', fields: { fields: [{ name: 'a' } as T.StructField] } }), 'BAD_FIELD', 'value.fields.fields[0]');
  // Two members on the wire: protobufjs keeps the last, so the bytes are not canonical.
  const two = { kind: 'f64', f64: 1, b: true } as unknown as T.Value;
  rejects(t, withValue(two), 'NON_CANONICAL');
});

test('i64 beyond ±(2^53 - 1) is BAD_FIELD', (t) => {
  accepts(t, withValue({ kind: 'i64', i64: Number.MAX_SAFE_INTEGER }));
  accepts(t, withValue({ kind: 'i64', i64: -Number.MAX_SAFE_INTEGER }));
  for (const x of [2 ** 53, -(2 ** 53), 2 ** 63, -(2 ** 63)]) rejects(t, withValue({ kind: 'i64', i64: x }), 'BAD_FIELD', 'value.i64');
});

// --- integers ---------------------------------------------------------------------------------

test('uint64 beyond 2^53 - 1, and negative numbers written into uint64, are BAD_FIELD', (t) => {
  accepts(t, decodeBody(body('statusRequest', (m) => (m.requestId = Number.MAX_SAFE_INTEGER))));
  for (const x of [2 ** 53, 2 ** 60, -1, -(2 ** 40)]) {
    rejects(t, decodeBody(body('statusRequest', (m) => (m.requestId = x))), 'BAD_FIELD', 'statusRequest.requestId');
  }
  // 2^64 - 1 spelled out as a ten-byte varint in field 1 of StatusRequest inside Body field 7.
  const inner = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
  rejects(t, decodeBody(new Uint8Array([0x3a, inner.length, ...inner])), 'BAD_FIELD', 'statusRequest.requestId');
  rejects(t, decodeWrite(write((w) => (w.publishTimeUs = 2 ** 60))), 'BAD_FIELD', 'publishTimeUs');
});

test('indices: replicas below MAX_REPLICAS, endpoints also CLIENT_INDEX_BASE + replica', (t) => {
  rejects(t, decodeWrite(write((w) => (w.origin = L.MAX_REPLICAS))), 'BAD_FIELD', 'origin');
  accepts(t, decodeWrite(write((w) => (w.origin = L.MAX_REPLICAS - 1))));
  const frameTo = (to: number) => decodeFrame(encodeFrame({ ...sampleFrame(), to }));
  accepts(t, frameTo(L.CLIENT_INDEX_BASE + L.MAX_REPLICAS - 1));
  rejects(t, frameTo(L.MAX_REPLICAS), 'BAD_FIELD', 'to');
  rejects(t, frameTo(L.CLIENT_INDEX_BASE + L.MAX_REPLICAS), 'BAD_FIELD', 'to');
  rejects(t, decodeBody(body('prepare', (m) => (m.replica = L.CLIENT_INDEX_BASE))), 'BAD_FIELD', 'prepare.replica');
});

test('unknown ErrorCode values are BAD_FIELD', (t) => {
  for (const c of [13, 99, -1]) {
    rejects(t, decodeBody(body('writeReply', (m) => (m.code = c as T.ClientWriteReply['code']))), 'BAD_FIELD', 'writeReply.code');
  }
});

// --- byte strings -----------------------------------------------------------------------------

test('MACs are 32 bytes, digests 32, signatures empty or 64', (t) => {
  const macLen = (n: number) => decodeFrame(encodeFrame({ ...sampleFrame(), mac: bytes(n, 1) }));
  rejects(t, macLen(31), 'BAD_FIELD', 'mac');
  rejects(t, macLen(33), 'BAD_FIELD', 'mac');
  rejects(t, macLen(0), 'BAD_FIELD', 'mac');
  rejects(t, decodeBody(body('write', (m) => (m.write.macs[1] = bytes(31, 1)))), 'BAD_FIELD', 'write.write.macs[1]');
  rejects(t, decodeBody(body('commit', (m) => (m.digest = bytes(31, 1)))), 'BAD_FIELD', 'commit.digest');
  rejects(t, decodeBody(body('commit', (m) => (m.digest = bytes(0, 1)))), 'BAD_FIELD', 'commit.digest');
  rejects(t, decodeBody(body('checkpoint', (m) => (m.stateDigest = bytes(33, 1)))), 'BAD_FIELD', 'checkpoint.stateDigest');
  rejects(t, decodeBody(body('prepare', (m) => (m.signature = bytes(63, 1)))), 'BAD_FIELD', 'prepare.signature');
  accepts(t, decodeBody(body('prepare', (m) => (m.signature = bytes(0, 1)))));
  rejects(t, decodeBody(body('stateReply', (m) => (m.stateDigest = bytes(0, 1)))), 'BAD_FIELD', 'stateReply.stateDigest');
});

test('an AuthenticatedWrite needs an authenticator and at most MAX_MACS MACs', (t) => {
  const macs = (n: number) => Array.from({ length: n }, () => bytes(L.MAC_BYTES, 3));
  accepts(t, decodeBody(body('write', (m) => (m.write.macs = macs(L.MAX_MACS)))));
  rejects(t, decodeBody(body('write', (m) => (m.write.macs = macs(L.MAX_MACS + 1)))), 'LIMIT', 'write.write.macs');
  accepts(t, decodeBody(body('write', (m) => (m.write.macs = []))));
  rejects(t, decodeBody(body('write', (m) => ((m.write.macs = []), (m.write.signature = bytes(0, 0))))), 'BAD_FIELD', 'write.write');
  rejects(t, decodeBody(body('write', (m) => (m.write.write = bytes(0, 0)))), 'BAD_FIELD', 'write.write.write');
  rejects(t, decodeBody(body('write', (m) => (m.write.write = bytes(L.MAX_WRITE_BYTES + 1, 1)))), 'LIMIT', 'write.write.write');
  rejects(t, decodeBody(body('write', (m) => (m.hop = L.MAX_HOPS + 1))), 'LIMIT', 'write.hop');
});

// --- lists ------------------------------------------------------------------------------------

/** A small valid authenticated write, so that long lists stay within the frame size. */
const tinyAuth: T.AuthenticatedWrite = { write: bytes(4, 1), macs: [bytes(L.MAC_BYTES, 2)], signature: bytes(0, 0) };
const n = <X>(count: number, x: X): X[] => Array.from({ length: count }, () => structuredClone(x));

test('batch writes: MAX_BATCH_WRITES pass, one more is LIMIT', (t) => {
  const b = (k: number): T.Batch => ({ tauUs: 1, writes: n(k, tinyAuth), sync: null });
  accepts(t, decodeBatch(encodeBatch(b(L.MAX_BATCH_WRITES))));
  rejects(t, decodeBatch(encodeBatch(b(L.MAX_BATCH_WRITES + 1))), 'LIMIT', 'writes');
});

test('report slots and writes per reported slot are bounded', (t) => {
  const slot: T.ReportedSlot = { key: 'k', publishTimeUs: 1, writes: [] };
  accepts(t, decodeBody(body('syncReport', (m) => (m.slots = n(L.MAX_REPORT_SLOTS, slot)))));
  rejects(t, decodeBody(body('syncReport', (m) => (m.slots = n(L.MAX_REPORT_SLOTS + 1, slot)))), 'LIMIT', 'syncReport.slots');
  rejects(
    t,
    decodeBody(body('syncReport', (m) => (m.slots = [{ ...slot, writes: n(L.MAX_SLOT_WRITERS + 1, tinyAuth) }]))),
    'LIMIT',
    'syncReport.slots[0].writes',
  );
});

test('slot contributions: bounded, sorted by writer, unique', (t) => {
  const contrib = (i: number): T.Contribution => ({ writer: `w${String(i).padStart(3, '0')}`, value: { kind: 'b', b: true } });
  const slot = (cs: T.Contribution[]) => body('readReply', (m) => ((m.slot as T.PublishedSlot).contributions = cs));
  const many = (k: number) => Array.from({ length: k }, (_, i) => contrib(i));
  accepts(t, decodeBody(slot(many(L.MAX_SLOT_WRITERS))));
  rejects(t, decodeBody(slot(many(L.MAX_SLOT_WRITERS + 1))), 'LIMIT', 'readReply.slot.contributions');
  rejects(t, decodeBody(slot([contrib(2), contrib(1)])), 'BAD_FIELD', 'readReply.slot.contributions[1]');
  rejects(t, decodeBody(slot([contrib(1), contrib(1)])), 'BAD_FIELD', 'readReply.slot.contributions[1]');
});

test('subscribe keys, suspects and counters are bounded', (t) => {
  accepts(t, decodeBody(body('subscribe', (m) => (m.keys = n(L.MAX_SUBSCRIBE_KEYS, 'k')))));
  rejects(t, decodeBody(body('subscribe', (m) => (m.keys = n(L.MAX_SUBSCRIBE_KEYS + 1, 'k')))), 'LIMIT', 'subscribe.keys');
  const s: T.Suspicion = { node: 1, reason: 'r', count: 1, lastUs: 1 };
  rejects(t, decodeBody(body('statusReply', (m) => (m.health.suspects = n(L.MAX_SUSPECTS + 1, s)))), 'LIMIT', 'statusReply.health.suspects');
  const c: T.Counter = { name: 'c', value: 1 };
  rejects(t, decodeBody(body('statusReply', (m) => (m.health.counters = n(L.MAX_COUNTERS + 1, c)))), 'LIMIT', 'statusReply.health.counters');
});

test('view-change certificates are bounded', (t) => {
  const prep: T.Prepare = { view: 1, seq: 1, digest: bytes(32, 1), replica: 0, signature: bytes(0, 0) };
  const proof: T.PreparedProof = { view: 1, seq: 1, batch: bytes(0, 0), prepares: [] };
  const cp: T.Checkpoint = { seq: 1, stateDigest: bytes(32, 1), replica: 0, signature: bytes(0, 0) };
  rejects(
    t,
    decodeBody(body('viewChange', (m) => (m.prepared = [{ ...proof, prepares: n(L.MAX_REPLICAS + 1, prep) }]))),
    'LIMIT',
    'viewChange.prepared[0].prepares',
  );
  rejects(t, decodeBody(body('viewChange', (m) => (m.prepared = n(L.MAX_LOG_WINDOW + 1, proof)))), 'LIMIT', 'viewChange.prepared');
  rejects(t, decodeBody(body('viewChange', (m) => (m.stableProof = n(L.MAX_REPLICAS + 1, cp)))), 'LIMIT', 'viewChange.stableProof');
  const vc: T.ViewChange = { newView: 1, stableSeq: 0, stableProof: [], prepared: [], maxTauUs: 0, replica: 0, signature: bytes(0, 0) };
  rejects(t, decodeBody(body('newView', (m) => (m.viewChanges = n(L.MAX_REPLICAS + 1, vc)))), 'LIMIT', 'newView.viewChanges');
  const pp: T.PrePrepare = { view: 1, seq: 1, batch: bytes(0, 0) };
  rejects(t, decodeBody(body('newView', (m) => (m.prePrepares = n(L.MAX_LOG_WINDOW + 1, pp)))), 'LIMIT', 'newView.prePrepares');
});

test('sync proposals carry at most MAX_REPLICAS reports', (t) => {
  const report: T.SyncReport = { round: 1, fromUs: 0, toUs: 1, slots: [], replica: 0, signature: bytes(0, 0) };
  const b = (k: number): T.Batch => ({ tauUs: 1, writes: [], sync: { round: 1, fromUs: 0, toUs: 1, reports: n(k, report) } });
  accepts(t, decodeBatch(encodeBatch(b(L.MAX_REPLICAS))));
  rejects(t, decodeBatch(encodeBatch(b(L.MAX_REPLICAS + 1))), 'LIMIT', 'sync.reports');
});

test('state replies: bounded slots and consistent chunk numbering', (t) => {
  const slot = structuredClone(sampleSlot);
  slot.contributions = [];
  rejects(t, decodeBody(body('stateReply', (m) => (m.slots = n(L.MAX_STATE_SLOTS + 1, slot)))), 'LIMIT', 'stateReply.slots');
  accepts(t, decodeBody(body('stateReply', (m) => ((m.chunk = 0), (m.chunks = 1)))));
  rejects(t, decodeBody(body('stateReply', (m) => ((m.chunk = 0), (m.chunks = 0)))), 'BAD_FIELD', 'stateReply.chunks');
  rejects(t, decodeBody(body('stateReply', (m) => ((m.chunk = 3), (m.chunks = 3)))), 'BAD_FIELD', 'stateReply.chunk');
  rejects(t, decodeBody(body('stateReply', (m) => ((m.chunk = 0), (m.chunks = L.MAX_STATE_CHUNKS + 1)))), 'LIMIT', 'stateReply.chunks');
});

// --- required fields and consistency ----------------------------------------------------------

test('required sub-messages and fields must be present', (t) => {
  rejects(t, decodeBody(body('writeRequest', (m) => (m.value = null as unknown as T.Value))), 'BAD_FIELD', 'writeRequest.value');
  rejects(t, decodeBody(body('statusReply', (m) => (m.health = null as unknown as T.ReplicaHealth))), 'BAD_FIELD', 'statusReply.health');
  rejects(t, decodeBody(body('slotNotice', (m) => (m.slot = null as unknown as T.PublishedSlot))), 'BAD_FIELD', 'slotNotice.slot');
  rejects(t, decodeBody(body('write', (m) => (m.write = null as unknown as T.AuthenticatedWrite))), 'BAD_FIELD', 'write.write');
  rejects(t, decodeWrite(write((w) => (w.publishTimeUs = 0))), 'BAD_FIELD', 'publishTimeUs');
  rejects(t, decodeWrite(write((w) => (w.value = null as unknown as T.Value))), 'BAD_FIELD', 'value');
  rejects(t, decodeBody(new Uint8Array(0)), 'BAD_FIELD', '');
  rejects(t, decodeFrame(encodeFrame({ ...sampleFrame(), body: new Uint8Array(0) })), 'BAD_FIELD', 'body');
});

test('a read reply carries a slot exactly when its code is OK', (t) => {
  rejects(t, decodeBody(body('readReply', (m) => (m.slot = null))), 'BAD_FIELD', 'readReply.slot');
  rejects(t, decodeBody(body('readReply', (m) => (m.code = 7 as T.ClientReadReply['code']))), 'BAD_FIELD', 'readReply.slot');
  accepts(t, decodeBody(body('readReply', (m) => ((m.code = 7 as T.ClientReadReply['code']), (m.slot = null)))));
});

test('a batch never mixes writes and a sync proposal; intervals are ordered', (t) => {
  const mixed = { ...(sampleBatches[1] as T.Batch), writes: [sampleAuthWrite] };
  rejects(t, decodeBatch(encodeBatch(mixed)), 'BAD_FIELD', 'sync');
  rejects(t, decodeBody(body('syncReport', (m) => ((m.fromUs = 5), (m.toUs = 4)))), 'BAD_FIELD', 'syncReport.toUs');
  accepts(t, decodeBody(body('syncReport', (m) => ((m.fromUs = 5), (m.toUs = 5)))));
});

// --- sizes and versions -----------------------------------------------------------------------

test('inputs above each entry point limit are TOO_LARGE', (t) => {
  rejects(t, decodeFrame(new Uint8Array(L.MAX_FRAME_BYTES + 1)), 'TOO_LARGE');
  rejects(t, decodeBody(new Uint8Array(L.MAX_BODY_BYTES + 1)), 'TOO_LARGE');
  rejects(t, decodeBatch(new Uint8Array(L.MAX_BODY_BYTES + 1)), 'TOO_LARGE');
  rejects(t, decodeWrite(new Uint8Array(L.MAX_WRITE_BYTES + 1)), 'TOO_LARGE');
  // A well-formed frame that is too big is rejected for its size, not parsed.
  const big = encodeFrame({ ...sampleFrame(), body: new Uint8Array(L.MAX_FRAME_BYTES).fill(1) });
  rejects(t, decodeFrame(big), 'TOO_LARGE');
});

test('frames of another wire version are BAD_VERSION, even when the rest does not parse', (t) => {
  rejects(t, decodeFrame(encodeFrame({ ...sampleFrame(), version: 2 })), 'BAD_VERSION', 'version');
  rejects(t, decodeFrame(encodeFrame({ ...sampleFrame(), version: 0 })), 'BAD_VERSION', 'version');
  rejects(t, decodeFrame(new Uint8Array([0x08, 0x02, 0xff, 0xff, 0xff])), 'BAD_VERSION', 'version');
  rejects(t, decodeFrame(new Uint8Array([0x08, 0x80, 0x01])), 'BAD_VERSION', 'version');
  accepts(t, decodeFrame(encodeFrame(sampleFrame())));
});

test('other garbage is MALFORMED', (t) => {
  rejects(t, decodeFrame(new Uint8Array(0)), 'MALFORMED');
  rejects(t, decodeFrame(new Uint8Array([0x08, 0x01, 0x3a, 0x05, 0x01])), 'MALFORMED'); // truncated body
  rejects(t, decodeBody(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), 'MALFORMED');
  // Invalid UTF-8 in a key (StatusRequest has none; ClientReadRequest field 2 is the key).
  rejects(t, decodeBody(new Uint8Array([0x1a, 0x04, 0x12, 0x02, 0xc3, 0x28])), 'MALFORMED');
  for (const notBytes of [undefined, null, 'abc', [1, 2, 3], { length: 3 }, 42]) {
    rejects(t, decodeFrame(notBytes as unknown as Uint8Array), 'MALFORMED');
    rejects(t, decodeBody(notBytes as unknown as Uint8Array), 'MALFORMED');
  }
});

test('non-canonical encodings are NON_CANONICAL', (t) => {
  const good = encodeBody(sampleBodies.statusRequest); // 3a 02 08 04
  t.deepEqual([...good], [0x3a, 0x02, 0x08, 0x04]);
  accepts(t, decodeBody(good));
  const cases: Array<[string, number[]]> = [
    ['unknown field', [0x3a, 0x04, 0x08, 0x04, 0x78, 0x01]],
    ['unknown field at top level', [0x3a, 0x02, 0x08, 0x04, 0xf8, 0x01, 0x01]],
    ['explicit default', [0x3a, 0x02, 0x08, 0x00]],
    ['over-long varint', [0x3a, 0x03, 0x08, 0x84, 0x00]],
    ['duplicate field', [0x3a, 0x04, 0x08, 0x05, 0x08, 0x04]],
    ['message split in two', [0x3a, 0x00, 0x3a, 0x02, 0x08, 0x04]],
    ['wrong wire type', [0x3a, 0x04, 0x08, 0x04, 0x0d, 0x00]],
  ];
  for (const [what, b] of cases) {
    const r = decodeBody(new Uint8Array(b));
    t.false(r.ok, what);
    if (!r.ok) t.true(r.error.code === 'NON_CANONICAL' || r.error.code === 'MALFORMED', `${what}: ${r.error.code}`);
  }
  // bool encoded as 2
  const sub = [...encodeBody(sampleBodies.subscribe)];
  const i = sub.lastIndexOf(0x20); // field 4 agreedOnly, varint
  t.is(sub[i + 1], 1);
  sub[i + 1] = 2;
  rejects(t, decodeBody(new Uint8Array(sub)), 'NON_CANONICAL');
  // explicit zero in the frame envelope
  const f = [...encodeFrame(sampleFrame())];
  rejects(t, decodeFrame(new Uint8Array([...f.slice(0, 2), 0x10, 0x00, ...f.slice(2)])), 'NON_CANONICAL');
});

test('decoders report a path and a message that never echoes field content', (t) => {
  const secret = 'SECRET-CONTENT';
  const r = decodeBody(body('readRequest', (m) => (m.key = `${secret} !`)));
  rejects(t, r, 'BAD_FIELD', 'readRequest.key');
  if (!r.ok) t.false(r.error.message.includes(secret));
});
