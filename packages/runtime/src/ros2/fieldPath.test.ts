import test from 'ava';
import type { FieldPath } from './fieldPath.js';
import { MAX_FIELD_PATH_INDEX, formatFieldPath, getAtPath, parseFieldPath, setAtPath } from './fieldPath.js';

function path(text: string): FieldPath {
  const p = parseFieldPath(text);
  if (!p.ok) throw new Error(p.reason);
  return p.path;
}

test('field paths parse into fields and indices, and format back', (t) => {
  t.deepEqual(path('data'), [{ kind: 'field', name: 'data' }]);
  t.deepEqual(path('.data'), [{ kind: 'field', name: 'data' }], 'a leading dot is accepted');
  t.deepEqual(path('twist.linear.x'), [
    { kind: 'field', name: 'twist' },
    { kind: 'field', name: 'linear' },
    { kind: 'field', name: 'x' },
  ]);
  t.deepEqual(path('values[2]'), [
    { kind: 'field', name: 'values' },
    { kind: 'index', index: 2 },
  ]);
  t.deepEqual(path('poses[10].pose.position.z'), [
    { kind: 'field', name: 'poses' },
    { kind: 'index', index: 10 },
    { kind: 'field', name: 'pose' },
    { kind: 'field', name: 'position' },
    { kind: 'field', name: 'z' },
  ]);
  t.deepEqual(path('m[0][1]'), [
    { kind: 'field', name: 'm' },
    { kind: 'index', index: 0 },
    { kind: 'index', index: 1 },
  ]);
  for (const s of ['data', 'twist.linear.x', 'values[2]', 'poses[10].pose.position.z', 'm[0][1]']) t.is(formatFieldPath(path(s)), s);
});

test('bad field paths are refused with the position', (t) => {
  const reason = (s: string): string => {
    const p = parseFieldPath(s);
    return p.ok ? 'accepted' : p.reason;
  };
  t.regex(reason(''), /empty/);
  t.regex(reason('.'), /empty/);
  t.regex(reason('data.'), /ends with '\.'/);
  t.regex(reason('a..b'), /expected a field name at position 2/);
  t.regex(reason('[0]'), /expected a field name at position 0/);
  t.regex(reason('values[x]'), /expected an index like \[2\] at position 6/);
  t.regex(reason('values[-1]'), /expected an index/);
  t.regex(reason('values[01]'), /leading zero/);
  t.regex(reason(`values[${MAX_FIELD_PATH_INDEX + 1}]`), /is above/);
  t.regex(reason('1abc'), /not a field name/);
  t.regex(reason('_private'), /not a field name/);
  t.regex(reason('__proto__.x'), /not a field name/);
  t.regex(reason('a b'), /unexpected ' ' at position 1/);
  t.regex(reason('a/b'), /unexpected '\/'/);
  t.regex(reason('x'.repeat(300)), /at most 256 characters/);
  t.regex(reason(Array.from({ length: 40 }, () => 'a').join('.')), /nested more than 32/);
  t.regex(reason(42 as unknown as string), /must be a string/);
});

test('reading a path from a received message: nested objects, arrays, typed arrays, bigint', (t) => {
  const msg = {
    data: 1.5,
    twist: { linear: { x: 2, y: 0, z: 0 } },
    values: new Float64Array([10, 20, 30]),
    names: ['a', 'b'],
    big: 5n,
    poses: [{ pose: { position: { z: 7 } } }],
  };
  t.deepEqual(getAtPath(msg, path('data')), { ok: true, value: 1.5 });
  t.deepEqual(getAtPath(msg, path('twist.linear.x')), { ok: true, value: 2 });
  t.deepEqual(getAtPath(msg, path('values[2]')), { ok: true, value: 30 });
  t.deepEqual(getAtPath(msg, path('names[1]')), { ok: true, value: 'b' });
  t.deepEqual(getAtPath(msg, path('big')), { ok: true, value: 5n });
  t.deepEqual(getAtPath(msg, path('poses[0].pose.position.z')), { ok: true, value: 7 });
  const whole = getAtPath(msg, path('values'));
  t.true(whole.ok && whole.value instanceof Float64Array);
});

test('reading a missing or mistyped path fails with a reason, never throws', (t) => {
  const msg = { data: 1, values: [1, 2], nested: { a: null } };
  const fails = (p: string, re: RegExp): void => {
    const r = getAtPath(msg, path(p));
    t.false(r.ok, p);
    if (!r.ok) t.regex(r.reason, re, p);
  };
  fails('missing', /no field 'missing'/);
  fails('data.x', /'data' is not a message/);
  fails('data[0]', /'data' is not an array/);
  fails('values[2]', /out of range \(the array has 2 elements\)/);
  fails('values.length', /'values' is not a message/);
  fails('nested.a.b', /'nested\.a' is not a message/);
  t.false(getAtPath(null, path('data')).ok);
  t.false(getAtPath(42, path('data')).ok);
  t.false(getAtPath([1], path('data')).ok);
  // Only own properties: nothing from the prototype chain is reachable.
  t.false(getAtPath({}, path('toString')).ok);
  t.false(getAtPath({}, path('constructor')).ok);
  t.false(getAtPath(Object.create({ data: 1 }), path('data')).ok);
});

test('building a message: nested objects, arrays padded with fills, constants kept', (t) => {
  const msg: Record<string, unknown> = {};
  setAtPath(msg, path('header.frame_id'), 'base_link');
  setAtPath(msg, path('twist.linear.x'), 3);
  t.deepEqual(msg, { header: { frame_id: 'base_link' }, twist: { linear: { x: 3 } } });

  const arr: Record<string, unknown> = {};
  setAtPath(arr, path('data[2]'), 9, [undefined, { fill: () => 0 }]);
  t.deepEqual(arr, { data: [0, 0, 9] });
  setAtPath(arr, path('data[0]'), 1, [undefined, { fill: () => 0 }]);
  t.deepEqual(arr, { data: [1, 0, 9] }, 'an existing array is written in place');

  const fixed: Record<string, unknown> = {};
  setAtPath(fixed, path('cov[1]'), 5, [undefined, { fill: () => 0, fixedLength: 4 }]);
  t.deepEqual(fixed, { cov: [0, 5, 0, 0] }, 'a fixed-size array is created complete');

  const objs: Record<string, unknown> = {};
  setAtPath(objs, path('poses[1].z'), 2, [undefined, { fill: () => ({}) }, undefined]);
  t.deepEqual(objs, { poses: [{}, { z: 2 }] });

  const big: Record<string, unknown> = {};
  setAtPath(big, path('n'), 7n);
  t.deepEqual(big, { n: 7n });

  t.throws(() => setAtPath({}, [], 1), { instanceOf: RangeError });
  t.throws(() => setAtPath({ a: 1 }, path('a[0]'), 1), { instanceOf: TypeError });
});
