import test from 'ava';
import type { ValueType } from '@bftkvs/core';
import { KvsClientError } from './errors.js';
import { fromWireValue, toWireValue } from './value.js';

test('with the key type, numbers take the exact wire kind', (t) => {
  t.deepEqual(toWireValue(3, { kind: 'int64' }), { kind: 'i64', i64: 3 });
  t.deepEqual(toWireValue(3, { kind: 'float64' }), { kind: 'f64', f64: 3 });
  const struct: ValueType = { kind: 'struct', fields: { n: 'int64', x: 'float64', on: 'bool', label: 'string' } };
  t.deepEqual(toWireValue({ x: 1, n: 2, on: true, label: 'a' }, struct), {
    kind: 'fields',
    fields: {
      fields: [
        { name: 'label', kind: 's', s: 'a' },
        { name: 'n', kind: 'i64', i64: 2 },
        { name: 'on', kind: 'b', b: true },
        { name: 'x', kind: 'f64', f64: 1 },
      ],
    },
  });
});

test('without a type, values are inferred (numbers as float64)', (t) => {
  t.deepEqual(toWireValue(2), { kind: 'f64', f64: 2 });
  t.deepEqual(toWireValue(false), { kind: 'b', b: false });
  t.deepEqual(toWireValue('cruise'), { kind: 's', s: 'cruise' });
  t.deepEqual(toWireValue([1, 2.5]), { kind: 'vec', vec: { items: [1, 2.5] } });
  // A mismatching value is sent as inferred; the replica answers BAD_VALUE with its reason.
  t.deepEqual(toWireValue('x', { kind: 'float64' }), { kind: 's', s: 'x' });
});

test('values the wire cannot carry are refused with BAD_VALUE', (t) => {
  for (const v of [undefined, null, () => 1, [1, 'a'], { a: { b: 1 } }, new Date(0), 10n]) {
    const e = t.throws(() => toWireValue(v), { instanceOf: KvsClientError });
    t.is(e?.code, 'BAD_VALUE');
  }
});

test('wire values convert back to plain values, safely', (t) => {
  const values = [1.5, -7, true, 'on', [1, 2, 3], { a: 1, b: 'x', c: false }];
  for (const v of values) t.deepEqual(fromWireValue(toWireValue(v)), v);
  t.is(fromWireValue({ kind: 'i64', i64: 42 }), 42);
  const hostile = fromWireValue({ kind: 'fields', fields: { fields: [{ name: '__proto__', kind: 'b', b: true }] } }) as Record<string, unknown>;
  t.true(Object.hasOwn(hostile, '__proto__'));
  t.is(Object.getPrototypeOf(hostile), Object.prototype, 'the prototype is untouched');
});
