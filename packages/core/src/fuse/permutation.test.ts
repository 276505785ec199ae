/** Contract checks for every built-in: order-insensitive, total, and well-typed results. */
import test from 'ava';
import fc from 'fast-check';
import { checkValue } from '../value.js';
import type { Value, ValueType } from '../value.js';
import { builtinFuseFunctions } from './registry.js';
import type { FuseFunction } from './types.js';
import { FLOAT, INT, INTERVAL, anyFinite, anySafeInt, ctx, inputs, same, vec, withPermutation } from './_fuseTestKit.test.js';

interface Setup {
  readonly type: ValueType;
  readonly params: Record<string, unknown>;
  /** Values with many duplicates, -0, huge values: where order dependence would show. */
  readonly value: fc.Arbitrary<Value>;
}

const smallFloat = fc.oneof(anyFinite, fc.constantFrom(0, -0, 1, -1, 0.1, 0.2, 0.3, 1e16, -1e16));
const smallInt = fc.oneof(anySafeInt, fc.integer({ min: -3, max: 3 }));
const interval = fc.oneof(fc.tuple(smallFloat, smallFloat), fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([a, w]) => [a, a + w]));

const SETUPS: Record<string, readonly Setup[]> = {
  mean: [
    { type: FLOAT, params: {}, value: smallFloat },
    { type: INT, params: {}, value: smallInt },
    { type: vec(3), params: {}, value: fc.array(smallFloat, { minLength: 3, maxLength: 3 }) },
  ],
  median: [
    { type: FLOAT, params: {}, value: smallFloat },
    { type: INT, params: {}, value: smallInt },
  ],
  midValueSelect: [
    { type: FLOAT, params: {}, value: smallFloat },
    { type: INT, params: {}, value: smallInt },
  ],
  trimmedMean: [
    { type: FLOAT, params: {}, value: smallFloat },
    { type: INT, params: {}, value: smallInt },
  ],
  faultTolerantMidpoint: [
    { type: FLOAT, params: {}, value: smallFloat },
    { type: INT, params: {}, value: smallInt },
  ],
  componentwiseMedian: [{ type: vec(2), params: {}, value: fc.array(smallFloat, { minLength: 2, maxLength: 2 }) }],
  majority: [
    { type: { kind: 'bool' }, params: {}, value: fc.boolean() },
    { type: { kind: 'enum', values: ['a', 'b', 'c'] }, params: { threshold: 'f+1' }, value: fc.constantFrom('a', 'b', 'c') },
    { type: FLOAT, params: {}, value: fc.constantFrom(0, -0, 1) },
    { type: vec(2), params: { threshold: 2 }, value: fc.array(fc.constantFrom(0, -0, 1), { minLength: 2, maxLength: 2 }) },
    {
      type: { kind: 'struct', fields: { a: 'int64', b: 'float64' } },
      params: {},
      value: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom(0, -0), fc.boolean()).map(([a, b, flip]) => (flip ? { a, b } : { b, a })),
    },
  ],
  marzullo: [
    { type: FLOAT, params: { accuracy: 1 }, value: fc.oneof(smallFloat, fc.integer({ min: -3, max: 3 })) },
    { type: INTERVAL, params: {}, value: interval },
  ],
  brooksIyengar: [
    { type: FLOAT, params: { accuracy: 0.75 }, value: fc.oneof(smallFloat, fc.integer({ min: -3, max: 3 })) },
    { type: INTERVAL, params: {}, value: interval },
  ],
};

test('every built-in has permutation-invariance setups', (t) => {
  t.deepEqual(Object.keys(SETUPS).sort(), builtinFuseFunctions.map((f) => f.name).sort());
});

function caseArb(fn: FuseFunction) {
  return fc.record({
    setup: fc.constantFrom(...(SETUPS[fn.name] ?? [])),
    f: fc.integer({ min: 0, max: 3 }),
  }).chain(({ setup, f }) => withPermutation(fc.array(setup.value, { minLength: 1, maxLength: 10 })).map((p) => ({ setup, f, ...p })));
}

for (const fn of builtinFuseFunctions) {
  test(`${fn.name}: the result does not depend on the order of the inputs (incl. -0, duplicates, huge values)`, (t) => {
    fc.assert(
      fc.property(caseArb(fn), ({ setup, f, values, permuted }) => {
        const c = ctx(setup.type, f, setup.params);
        // Writers are renamed with the permutation, as a different writer order would.
        return same(fn.fuse(inputs(values), c), fn.fuse(inputs(permuted), c));
      }),
      { numRuns: 400 },
    );
    t.pass();
  });

  test(`${fn.name}: total — never throws, and every fused value is a valid value of the key's type`, (t) => {
    fc.assert(
      fc.property(caseArb(fn), ({ setup, f, values }) => {
        t.is(fn.checkParams?.(setup.params, setup.type), undefined);
        const r = fn.fuse(inputs(values), ctx(setup.type, f, setup.params));
        if (!r.ok) return typeof r.reason === 'string' && r.reason.length > 0;
        return checkValue(setup.type, r.value).ok;
      }),
      { numRuns: 400 },
    );
    t.false(fn.fuse([], ctx(SETUPS[fn.name]?.[0]?.type ?? FLOAT, 0, SETUPS[fn.name]?.[0]?.params ?? {})).ok, 'empty input');
  });
}
