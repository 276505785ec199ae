// Round trips: every valid message survives encode -> decode unchanged, for every Body kind,
// and the nested byte fields decode with their own decoders.
import test from 'ava';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import {
  decodeBatch,
  decodeBody,
  decodeFrame,
  decodeWrite,
  encodeBatch,
  encodeBody,
  encodeFrame,
  encodeWrite,
  frameMacInput,
  MAC_FIELD_BYTES,
} from './codec.js';
import { ErrorCode, errorCodeFromName, errorCodeName } from './error-code.js';
import * as L from './limits.js';
import type { Result, WireError } from './result.js';
import { allSampleBodies, sampleBatches, sampleBodies, sampleFrame, sampleValues, sampleWrite } from './testing/samples.js';
import type * as T from './types.js';
import { wire } from './wire.js';

function value<V>(r: Result<V, WireError>): V {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

test('samples cover every Body kind of the generated schema', (t) => {
  // The generated Body class lists its oneof members on the prototype (default null).
  const generated = Object.keys(wire.Body.prototype).filter((k) => k !== 'kind' && !k.startsWith('$'));
  t.deepEqual(Object.keys(sampleBodies).sort(), generated.sort());
  t.is(generated.length, 18);
});

for (const body of allSampleBodies) {
  test(`Body ${body.kind} round-trips`, (t) => {
    const bytes = encodeBody(body);
    t.deepEqual(value(decodeBody(bytes)), body);
  });
}

test('every sample Value round-trips inside a Write', (t) => {
  for (const v of sampleValues) {
    const w: T.Write = { ...sampleWrite, value: v };
    t.deepEqual(value(decodeWrite(encodeWrite(w))), w);
  }
});

test('Frame round-trips, and the MAC input is the frame minus its trailing mac field', (t) => {
  for (const body of allSampleBodies) {
    const frame = sampleFrame(body);
    const bytes = encodeFrame(frame);
    t.deepEqual(value(decodeFrame(bytes)), frame);
    t.deepEqual(frameMacInput(frame), bytes.subarray(0, bytes.length - MAC_FIELD_BYTES));
    t.deepEqual(value(decodeBody(value(decodeFrame(bytes)).body)), body);
  }
});

test('frameMacInput ignores a mac passed along with the head', (t) => {
  const frame = sampleFrame();
  const { mac: _mac, ...head } = frame;
  t.deepEqual(frameMacInput(frame), frameMacInput(head));
});

test('nested bytes decode with their own decoders', (t) => {
  const broadcast = value(decodeBody(encodeBody(sampleBodies.write)));
  if (broadcast.kind !== 'write') return t.fail();
  t.deepEqual(value(decodeWrite(broadcast.write.write.write)), sampleWrite);

  const pp = value(decodeBody(encodeBody(sampleBodies.prePrepare)));
  if (pp.kind !== 'prePrepare') return t.fail();
  t.deepEqual(value(decodeBatch(pp.prePrepare.batch)), sampleBatches[0]);
});

test('Batches round-trip (writes, sync proposal, empty beacon)', (t) => {
  for (const b of sampleBatches) t.deepEqual(value(decodeBatch(encodeBatch(b))), b);
});

test('decoded byte fields are plain Uint8Arrays, so slice() copies', (t) => {
  const f = value(decodeFrame(Buffer.from(encodeFrame(sampleFrame()))));
  t.is(f.mac.constructor, Uint8Array);
  t.is(f.body.constructor, Uint8Array);
});

test('encoders return plain Uint8Arrays', (t) => {
  t.is(encodeFrame(sampleFrame()).constructor, Uint8Array);
  t.is(encodeBody(sampleBodies.commit).constructor, Uint8Array);
  t.is(encodeWrite(sampleWrite).constructor, Uint8Array);
  t.is(encodeBatch(sampleBatches[2] as T.Batch).constructor, Uint8Array);
});

test('64-bit integers round-trip at the edges of the safe range', (t) => {
  for (const n of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 52, Number.MAX_SAFE_INTEGER]) {
    const w = { ...sampleWrite, issuedAtUs: n, value: { kind: 'i64', i64: -n } } as T.Write;
    const back = value(decodeWrite(encodeWrite(w)));
    t.is(back.issuedAtUs, n);
    t.is(back.value.kind === 'i64' && back.value.i64, -n === 0 ? 0 : -n);
    t.is(typeof back.issuedAtUs, 'number');
  }
});

test('the frame overhead bound is exact: a maximal frame is MAX_FRAME_BYTES', (t) => {
  const frame: T.Frame = {
    version: L.WIRE_VERSION,
    clusterId: 0xffffffff,
    from: 0xffffffff,
    to: 0xffffffff,
    incarnation: Number.MAX_SAFE_INTEGER,
    seq: Number.MAX_SAFE_INTEGER,
    body: new Uint8Array(L.MAX_BODY_BYTES),
    mac: new Uint8Array(L.MAC_BYTES),
  };
  t.is(encodeFrame(frame).length, L.MAX_FRAME_BYTES);
});

const ascii = (n: number, c = 'x'): string => c.repeat(n);

test('the largest valid Value fits MAX_VALUE_BYTES and the largest Write fits MAX_WRITE_BYTES', (t) => {
  // Struct: 32 fields, names and strings sharing the whole text budget, multi-byte chars.
  const perField = Math.floor(L.MAX_VALUE_TEXT_BYTES / L.MAX_STRUCT_FIELDS); // 32 bytes each
  const fields: T.StructField[] = [];
  for (let i = 0; i < L.MAX_STRUCT_FIELDS; i++) {
    const name = `f${String(i).padStart(2, '0')}`;
    fields.push({ name, kind: 's', s: '€'.repeat(Math.floor((perField - name.length) / 3)) });
  }
  const numeric: T.StructField[] = fields.map((f) => ({ name: f.name, kind: 'i64', i64: -Number.MAX_SAFE_INTEGER }));
  const candidates: T.Value[] = [
    { kind: 'fields', fields: { fields } },
    { kind: 'fields', fields: { fields: numeric } },
    { kind: 'vec', vec: { items: new Array<number>(L.MAX_VECTOR_ITEMS).fill(Math.PI) } },
    { kind: 's', s: '😀'.repeat(L.MAX_STRING_VALUE_CHARS / 2) },
  ];
  for (const v of candidates) {
    const w: T.Write = {
      key: ascii(L.MAX_KEY_CHARS),
      publishTimeUs: Number.MAX_SAFE_INTEGER,
      writer: ascii(L.MAX_WRITER_CHARS),
      value: v,
      origin: L.MAX_REPLICAS - 1,
      issuedAtUs: Number.MAX_SAFE_INTEGER,
    };
    const bytes = encodeWrite(w);
    t.true(wire.Value.encode(v).finish().length <= L.MAX_VALUE_BYTES);
    t.true(bytes.length <= L.MAX_WRITE_BYTES);
    t.deepEqual(value(decodeWrite(bytes)), w);
  }
});

// Arbitrary valid values: finite doubles, safe integers, bounded ASCII/Unicode strings.
const f64 = fc.double({ noNaN: true, noDefaultInfinity: true });
const safeInt = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const name = fc.stringMatching(/^[A-Za-z0-9_./-]{1,16}$/);
const text = fc.string({ maxLength: 40, unit: 'grapheme' });
const structField = fc.oneof(
  fc.record({ kind: fc.constant('f64' as const), f64 }),
  fc.record({ kind: fc.constant('i64' as const), i64: safeInt }),
  fc.record({ kind: fc.constant('b' as const), b: fc.boolean() }),
  fc.record({ kind: fc.constant('s' as const), s: text }),
);
const valueArb: fc.Arbitrary<T.Value> = fc.oneof(
  f64.map((x) => ({ kind: 'f64' as const, f64: x })),
  safeInt.map((x) => ({ kind: 'i64' as const, i64: x })),
  fc.boolean().map((x) => ({ kind: 'b' as const, b: x })),
  text.map((x) => ({ kind: 's' as const, s: x })),
  fc.array(f64, { maxLength: L.MAX_VECTOR_ITEMS }).map((items) => ({ kind: 'vec' as const, vec: { items } })),
  fc
    .uniqueArray(fc.tuple(name, structField), { maxLength: 16, selector: ([n]) => n })
    .map((entries) => {
      const fields = entries
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([n, f]) => ({ name: n, ...f }) as T.StructField);
      return { kind: 'fields' as const, fields: { fields } };
    }),
);

test('property: arbitrary valid Writes round-trip exactly', (t) => {
  fc.assert(
    fc.property(
      valueArb,
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 0, max: L.MAX_REPLICAS - 1 }),
      (v, time, origin) => {
        const w: T.Write = { ...sampleWrite, value: v, publishTimeUs: time, origin };
        const r = decodeWrite(encodeWrite(w));
        // isDeepStrictEqual compares numbers with Object.is, so -0 must survive as -0.
        return r.ok && isDeepStrictEqual(r.value, w);
      },
    ),
    { numRuns: 2000 },
  );
  t.pass();
});

test('error code names map both ways', (t) => {
  t.is(errorCodeName(ErrorCode.NO_FRESH_VALUE), 'NO_FRESH_VALUE');
  t.is(errorCodeName(99), 'UNKNOWN(99)');
  t.is(errorCodeFromName('CONFLICT'), ErrorCode.CONFLICT);
  t.is(errorCodeFromName('toString'), undefined);
  t.is(errorCodeFromName('NOPE'), undefined);
});

test('client endpoint indices sit above every replica index', (t) => {
  t.is(L.clientIndexOf(3), L.CLIENT_INDEX_BASE + 3);
  t.is(L.replicaOfClient(L.clientIndexOf(3)), 3);
  t.true(L.isClientIndex(L.clientIndexOf(L.MAX_REPLICAS - 1)));
  t.false(L.isReplicaIndex(L.clientIndexOf(0)));
  t.false(L.isEndpointIndex(L.MAX_REPLICAS));
  t.false(L.isEndpointIndex(L.CLIENT_INDEX_BASE + L.MAX_REPLICAS));
});
