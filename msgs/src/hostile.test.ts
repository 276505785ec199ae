// Hostile input: random bytes, mutated valid messages and every truncation must never throw,
// must yield either a validated message or a typed error, and never INTERNAL. Whatever is
// accepted must be exactly what its bytes say: re-encoding the decoded value gives the input.
import test from 'ava';
import fc from 'fast-check';
import { decodeBatch, decodeBody, decodeFrame, decodeWrite, encodeBatch, encodeBody, encodeFrame, encodeWrite } from './codec.js';
import { WIRE_ERROR_CODES, type Result, type WireError } from './result.js';
import { allSampleBodies, sampleBatches, sampleFrame, sampleValues, sampleWrite } from './testing/samples.js';
import type * as T from './types.js';

interface Entry<V> {
  name: string;
  decode: (b: Uint8Array) => Result<V, WireError>;
  encode: (v: V) => Uint8Array;
  samples: Uint8Array[];
}
const entry = <V>(e: Entry<V>): Entry<unknown> => e as Entry<unknown>;

const entries: Entry<unknown>[] = [
  entry<T.Frame>({
    name: 'decodeFrame',
    decode: decodeFrame,
    encode: encodeFrame,
    samples: allSampleBodies.map((b) => encodeFrame(sampleFrame(b))),
  }),
  entry<T.Body>({ name: 'decodeBody', decode: decodeBody, encode: encodeBody, samples: allSampleBodies.map(encodeBody) }),
  entry<T.Write>({
    name: 'decodeWrite',
    decode: decodeWrite,
    encode: encodeWrite,
    samples: sampleValues.map((value) => encodeWrite({ ...sampleWrite, value })),
  }),
  entry<T.Batch>({ name: 'decodeBatch', decode: decodeBatch, encode: encodeBatch, samples: sampleBatches.map(encodeBatch) }),
];

/** The contract every decoder keeps for any input. Returns a description of a breach, or ''. */
function breach(e: Entry<unknown>, input: Uint8Array): string {
  let r: Result<unknown, WireError>;
  try {
    r = e.decode(input);
  } catch (x) {
    return `${e.name} threw ${String(x)}`;
  }
  if (r.ok) {
    const again = e.encode(r.value);
    if (Buffer.compare(Buffer.from(again), Buffer.from(input)) !== 0) return `${e.name} accepted bytes it does not re-encode to`;
    return '';
  }
  if (!WIRE_ERROR_CODES.includes(r.error.code)) return `${e.name} returned unknown code ${String(r.error.code)}`;
  if (r.error.code === 'INTERNAL') return `${e.name} internal fault: ${r.error.message}`;
  if (typeof r.error.message !== 'string' || r.error.message === '') return `${e.name} returned no message`;
  if (typeof r.error.path !== 'string') return `${e.name} returned no path`;
  return '';
}

// Both shapes the runtime hands in: plain Uint8Arrays and Node Buffers (dgram), which
// protobufjs reads through different Reader classes.
const holds = (e: Entry<unknown>) => (input: Uint8Array) => breach(e, input) === '' && breach(e, Buffer.from(input)) === '';

for (const e of entries) {
  test(`${e.name}: random bytes never throw and yield ok or a typed error`, (t) => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), holds(e)), { numRuns: 5000 });
    t.pass();
  });

  test(`${e.name}: random protobuf-shaped bytes (valid tags, lengths) never throw`, (t) => {
    fc.assert(fc.property(protobufish, holds(e)), { numRuns: 5000 });
    t.pass();
  });

  test(`${e.name}: mutated valid messages never throw and accepted ones are exact`, (t) => {
    const mutated = fc
      .tuple(fc.constantFrom(...e.samples), fc.array(mutation, { minLength: 1, maxLength: 4 }))
      .map(([s, ms]) => ms.reduce((b, m) => m(b), s));
    fc.assert(fc.property(mutated, holds(e)), { numRuns: 5000 });
    t.pass();
  });

  test(`${e.name}: every truncation of every sample is handled`, (t) => {
    let checked = 0;
    for (const s of e.samples) {
      t.true(e.decode(s).ok, `${e.name} sample must be valid`);
      for (let len = 0; len < s.length; len++) {
        const prefix = s.subarray(0, len);
        const why = breach(e, prefix);
        if (why !== '') return t.fail(`${why} (prefix ${len}/${s.length})`);
        checked++;
      }
    }
    t.true(checked > 100);
  });
}

test('no proper prefix of a valid frame is accepted (the mac is last and required)', (t) => {
  for (const b of allSampleBodies) {
    const s = encodeFrame(sampleFrame(b));
    for (let len = 0; len < s.length; len++) {
      const r = decodeFrame(s.subarray(0, len));
      if (r.ok) return t.fail(`prefix ${len}/${s.length} of a ${b.kind} frame accepted`);
    }
  }
  t.pass();
});

test('a body whose framing is cut anywhere is never accepted', (t) => {
  // Body has a single length-delimited field: any proper prefix cuts it.
  for (const b of allSampleBodies) {
    const s = encodeBody(b);
    for (let len = 0; len < s.length; len++) if (decodeBody(s.subarray(0, len)).ok) return t.fail(`${b.kind} prefix ${len}`);
  }
  t.pass();
});

test('deep nesting and huge declared lengths are rejected, not crashed on', (t) => {
  // Group start tags nested deeper than protobufjs' recursion limit.
  const groups = new Uint8Array(10_000).fill(0x7b); // field 15, wire type 3 (start group)
  for (const e of entries) t.is(breach(e, groups), '');
  // A length prefix claiming 2^31 bytes.
  const huge = new Uint8Array([0x3a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]);
  for (const e of entries) t.is(breach(e, huge), '');
});

// --- generators -------------------------------------------------------------------------------

const varint = (n: number): number[] => {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
};

/** Sequences of well-formed fields (random numbers 1..20, all wire types) nested up to depth 3. */
const { msg: messageArb } = fc.letrec<{ field: number[]; msg: number[] }>((tie) => ({
  field: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.tuple(fc.integer({ min: 1, max: 20 }), fc.oneof(fc.nat(), fc.constantFrom(2 ** 53, 2 ** 32, 0))).map(([f, v]) => [
      ...varint(f * 8),
      ...varint(v),
    ]),
    fc.tuple(fc.integer({ min: 1, max: 20 }), fc.uint8Array({ maxLength: 40 })).map(([f, b]) => [...varint(f * 8 + 2), ...varint(b.length), ...b]),
    fc.tuple(fc.integer({ min: 1, max: 20 }), tie('msg')).map(([f, m]) => [...varint(f * 8 + 2), ...varint(m.length), ...m]),
    fc.tuple(fc.integer({ min: 1, max: 20 }), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([f, b]) => [...varint(f * 8 + 1), ...b]),
    fc.tuple(fc.integer({ min: 1, max: 20 }), fc.uint8Array({ minLength: 4, maxLength: 4 })).map(([f, b]) => [...varint(f * 8 + 5), ...b]),
  ),
  msg: fc.array(tie('field'), { maxLength: 6 }).map((fs) => fs.flat()),
}));
const protobufish = fc
  .tuple(fc.boolean(), messageArb)
  // Half start like a current frame, so decodeFrame gets past the version check.
  .map(([versioned, body]) => new Uint8Array(versioned ? [0x08, 0x01, ...body] : body));

type Mutation = (b: Uint8Array) => Uint8Array;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
    ([i, v]): Mutation =>
      (b) => {
        if (b.length === 0) return b;
        const c = b.slice();
        c[i % c.length] = v;
        return c;
      },
  ),
  fc.tuple(fc.nat(), fc.nat({ max: 7 })).map(
    ([i, bit]): Mutation =>
      (b) => {
        if (b.length === 0) return b;
        const c = b.slice();
        c[i % c.length] = (c[i % c.length] as number) ^ (1 << bit);
        return c;
      },
  ),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(
    ([i, ins]): Mutation =>
      (b) => {
        const at = b.length === 0 ? 0 : i % (b.length + 1);
        return new Uint8Array([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
      },
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(
    ([i, n]): Mutation =>
      (b) => {
        if (b.length === 0) return b;
        const at = i % b.length;
        return new Uint8Array([...b.subarray(0, at), ...b.subarray(at + n)]);
      },
  ),
);
