import test from 'ava';
import fc from 'fast-check';
import { canonicalValue } from '../value.js';
import type { Value, ValueType } from '../value.js';
import { majority } from './majority.js';
import type { FuseFunction } from './types.js';
import { FLOAT, INT, OTHER_TYPES, ctx, findsCounterexample, fused, fuseValues, scenario, vec } from './_fuseTestKit.test.js';
import type { Scenario } from './_fuseTestKit.test.js';

/** Small domains so that faulty values often collide with each other and with the correct one. */
const DOMAINS: ReadonlyArray<[ValueType, fc.Arbitrary<Value>]> = [
  [{ kind: 'bool' }, fc.boolean()],
  [{ kind: 'enum', values: ['off', 'cruise', 'brake'] }, fc.constantFrom('off', 'cruise', 'brake')],
  [{ kind: 'string', maxLength: 4 }, fc.string({ maxLength: 2, unit: fc.constantFrom('a', 'b') })],
  [INT, fc.integer({ min: -2, max: 2 })],
  [FLOAT, fc.constantFrom(0, -0, 1.5, -1.5)],
  [vec(2), fc.array(fc.constantFrom(0, -0, 1), { minLength: 2, maxLength: 2 })],
  [{ kind: 'struct', fields: { gear: 'int64', on: 'bool' } }, fc.record({ gear: fc.integer({ min: 0, max: 1 }), on: fc.boolean() })],
];

type Case = { type: ValueType; truth: Value; s: Scenario<Value> };

/** n >= writers(f), the n - f (or more) correct writers all write `truth`, up to f write anything. */
function agreeing(writers: (f: number) => number, opts: { exactlyF?: boolean; maxExtra?: number } = {}): fc.Arbitrary<Case> {
  return fc.constantFrom(...DOMAINS).chain(([type, arb]) =>
    arb.chain((truth) => scenario(writers, fc.constant(truth), arb, opts).map((s) => ({ type, truth, s }))),
  );
}

function returnsTruth(fn: FuseFunction, arb: fc.Arbitrary<Case>, params: Record<string, unknown> = {}): fc.IProperty<[Case]> {
  return fc.property(arb, ({ type, truth, s }) => {
    const r = fuseValues(fn, s.all, ctx(type, s.f, params));
    return r.ok && canonicalValue(r.value) === canonicalValue(truth);
  });
}

test('majority: when the correct writers (n - f of n >= 2f+1) agree, their value wins, for every value type', (t) => {
  fc.assert(returnsTruth(majority, agreeing((f) => majority.minWriters(f))), { numRuns: 1000 });
  fc.assert(returnsTruth(majority, agreeing((f) => majority.minWriters(f), { exactlyF: true, maxExtra: 0 })), { numRuns: 500 });
  fc.assert(returnsTruth(majority, agreeing((f) => majority.minWriters(f, { threshold: 'f+1' })), { threshold: 'f+1' }), { numRuns: 500 });
  t.pass();
});

test('majority: the property has teeth (2f writers, or taking the first value, break it)', (t) => {
  t.true(findsCounterexample(returnsTruth(majority, agreeing((f) => 2 * f, { exactlyF: true, maxExtra: 0 }))));
  const first: FuseFunction = { ...majority, fuse: (ins) => (ins[0] ? { ok: true, value: ins[0].value } : { ok: false, reason: 'empty' }) };
  t.true(findsCounterexample(returnsTruth(first, agreeing((f) => 2 * f + 1, { exactlyF: true }))));
});

test('majority: strict majority by default; no majority gives ok: false', (t) => {
  t.is(fused(majority, ['a', 'b', 'a'], ctx({ kind: 'string', maxLength: 4 }, 1)), 'a');
  t.is(fused(majority, [true], ctx({ kind: 'bool' }, 0)), true);
  const r = fuseValues(majority, ['a', 'b', 'a', 'b'], ctx({ kind: 'string', maxLength: 4 }, 1));
  t.false(r.ok);
  if (!r.ok) t.regex(r.reason, /no value has a majority/);
  t.false(fuseValues(majority, ['a', 'b', 'c'], ctx({ kind: 'string', maxLength: 4 }, 1)).ok);
  t.false(fuseValues(majority, [], ctx({ kind: 'bool' }, 0)).ok);
});

test('majority: equality is canonical (-0 = +0, struct field order) and the result is normalised', (t) => {
  const s = { kind: 'struct', fields: { a: 'int64', b: 'float64' } } as const;
  const out = fused(majority, [{ b: -0, a: 1 }, { a: 1, b: 0 }, { a: 2, b: 0 }], ctx(s, 1));
  t.deepEqual(Object.keys(out as object), ['a', 'b']);
  t.true(Object.is((out as { b: number }).b, 0));
  t.true(Object.is(fused(majority, [-0, -0, 1], ctx(FLOAT, 1)), 0));
  t.deepEqual(fused(majority, [[-0, 1], [0, 1], [1, 1]], ctx(vec(2), 1)), [0, 1]);
});

test('majority: threshold picks the value with the most votes if it has enough; ties give ok: false', (t) => {
  const e = { kind: 'enum', values: ['x', 'y', 'z'] } as const;
  t.is(fused(majority, ['x', 'x', 'y', 'z', 'z', 'x'], ctx(e, 1, { threshold: 2 })), 'x');
  t.is(fused(majority, ['x', 'y', 'z', 'x'], ctx(e, 1, { threshold: 'f+1' })), 'x', 'two votes, no strict majority needed');
  const tie = fuseValues(majority, ['x', 'x', 'y', 'y'], ctx(e, 1, { threshold: 2 }));
  t.false(tie.ok);
  if (!tie.ok) t.regex(tie.reason, /no unique winner/);
  const few = fuseValues(majority, ['x', 'y', 'z'], ctx(e, 1, { threshold: 2 }));
  t.false(few.ok);
  if (!few.ok) t.regex(few.reason, /no value has 2 votes/);
  t.is(fused(majority, ['x', 'y', 'x'], ctx(e, 0, { threshold: 'majority' })), 'x');
});

test('majority: a threshold of f or less is refused (f faulty writers could decide alone)', (t) => {
  const r = fuseValues(majority, ['x', 'x', 'y'], ctx({ kind: 'enum', values: ['x', 'y'] }, 1, { threshold: 1 }));
  t.false(r.ok);
  if (!r.ok) t.regex(r.reason, /threshold 1 cannot mask 1 faulty writer/);
  t.is(fused(majority, ['y'], ctx({ kind: 'enum', values: ['x', 'y'] }, 0, { threshold: 1 })), 'y');
});

test('majority: parameters are validated and minWriters accounts for the threshold', (t) => {
  t.is(majority.checkParams?.({}, INT), undefined);
  t.is(majority.checkParams?.({ threshold: 3 }, INT), undefined);
  t.is(majority.checkParams?.({ threshold: 'f+1' }, INT), undefined);
  t.regex(majority.checkParams?.({ threshold: 0 }, INT) ?? '', /positive integer/);
  t.regex(majority.checkParams?.({ threshold: 1.5 }, INT) ?? '', /positive integer/);
  t.regex(majority.checkParams?.({ threshold: 'half' }, INT) ?? '', /'half'/);
  t.regex(majority.checkParams?.({ quorum: 2 }, INT) ?? '', /unknown parameter 'quorum'/);
  t.false(fuseValues(majority, [1, 1, 1], ctx(INT, 0, { threshold: -1 })).ok);
  t.deepEqual([0, 1, 2].map((f) => majority.minWriters(f)), [1, 3, 5]);
  t.deepEqual([0, 1, 2].map((f) => majority.minWriters(f, { threshold: 'f+1' })), [1, 3, 5]);
  t.deepEqual([0, 1, 2].map((f) => majority.minWriters(f, { threshold: 4 })), [4, 5, 6]);
  t.regex(majority.description, /2f\+1/);
});

test('majority: supports every value type', (t) => {
  for (const type of OTHER_TYPES) t.true(majority.supports(type), type.kind);
});
