import test from 'ava';
import fc from 'fast-check';
import { decodeWrite, encodeWrite } from '@bftkvs/msgs';
import type { Value, ValueType } from '../value.js';
import { checkValue, valuesEqual } from '../value.js';
import { valueFromWire, valueToWire } from './wireValue.js';

const types: [ValueType, fc.Arbitrary<Value>][] = [
  [{ kind: 'float64' }, fc.double({ noNaN: true, noDefaultInfinity: true })],
  [{ kind: 'int64' }, fc.maxSafeInteger()],
  [{ kind: 'bool' }, fc.boolean()],
  [{ kind: 'string', maxLength: 256 }, fc.string({ maxLength: 40 })],
  [{ kind: 'enum', values: ['off', 'on'] }, fc.constantFrom('off', 'on')],
  [{ kind: 'float64[]', length: 3 }, fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 3, maxLength: 3 })],
  [
    { kind: 'struct', fields: { b: 'bool', a: 'float64', c: 'int64', d: 'string' } },
    fc.record({ a: fc.double({ noNaN: true, noDefaultInfinity: true }), b: fc.boolean(), c: fc.maxSafeInteger(), d: fc.string({ maxLength: 10 }) }),
  ],
];

for (const [type, arb] of types) {
  test(`${type.kind}: store value -> wire -> encoded write -> decoded -> store value is the identity`, (t) => {
    fc.assert(
      fc.property(arb, (v) => {
        if (!checkValue(type, v).ok) return true;
        const bytes = encodeWrite({ key: 'k', publishTimeUs: 1, writer: 'w', value: valueToWire(type, v), origin: 0, issuedAtUs: 0 });
        const d = decodeWrite(bytes);
        if (!d.ok) return false;
        const back = valueFromWire(type, d.value.value);
        return back !== undefined && valuesEqual(back, v) && checkValue(type, back).ok;
      }),
      { numRuns: 300 },
    );
    t.pass();
  });
}

test('a wire kind that does not fit the type is refused, also inside structs', (t) => {
  t.is(valueFromWire({ kind: 'float64' }, { kind: 'i64', i64: 3 }), undefined);
  t.is(valueFromWire({ kind: 'int64' }, { kind: 'f64', f64: 3 }), undefined);
  t.is(valueFromWire({ kind: 'bool' }, { kind: 's', s: 'true' }), undefined);
  const st: ValueType = { kind: 'struct', fields: { a: 'int64' } };
  t.is(valueFromWire(st, { kind: 'fields', fields: { fields: [{ name: 'a', kind: 'f64', f64: 1 }] } }), undefined);
  t.is(valueFromWire(st, { kind: 'fields', fields: { fields: [{ name: 'zz', kind: 'i64', i64: 1 }] } }), undefined);
  // A struct field named __proto__ becomes an own property, never the prototype.
  const fields = Object.fromEntries([['__proto__', 'int64']]) as Record<string, 'int64'>;
  const v = valueFromWire({ kind: 'struct', fields }, { kind: 'fields', fields: { fields: [{ name: '__proto__', kind: 'i64', i64: 1 }] } });
  t.true(typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__'));
  t.is(Object.getPrototypeOf(v), Object.prototype);
});
