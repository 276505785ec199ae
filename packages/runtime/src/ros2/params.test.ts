import test from 'ava';
import { PARAMETER_TYPE, flattenGroup, groupParams, isReservedParameter, rosParameterDecl } from './params.js';

test('node parameters become typed ROS parameter declarations (integers as bigint)', (t) => {
  t.deepEqual(rosParameterDecl('a', true), { name: 'a', type: PARAMETER_TYPE.BOOL, value: true });
  t.deepEqual(rosParameterDecl('a', 'x'), { name: 'a', type: PARAMETER_TYPE.STRING, value: 'x' });
  t.deepEqual(rosParameterDecl('a', 3), { name: 'a', type: PARAMETER_TYPE.INTEGER, value: 3n });
  t.deepEqual(rosParameterDecl('a', 2.5), { name: 'a', type: PARAMETER_TYPE.DOUBLE, value: 2.5 });
  t.deepEqual(rosParameterDecl('a', [1, 2]), { name: 'a', type: PARAMETER_TYPE.INTEGER_ARRAY, value: [1n, 2n] });
  t.deepEqual(rosParameterDecl('a', [1, 2.5]), { name: 'a', type: PARAMETER_TYPE.DOUBLE_ARRAY, value: [1, 2.5] });
  t.deepEqual(rosParameterDecl('a', [true]), { name: 'a', type: PARAMETER_TYPE.BOOL_ARRAY, value: [true] });
  t.deepEqual(rosParameterDecl('a', ['x', 'y']), { name: 'a', type: PARAMETER_TYPE.STRING_ARRAY, value: ['x', 'y'] });
  t.deepEqual(rosParameterDecl('a', []), { name: 'a', type: PARAMETER_TYPE.STRING_ARRAY, value: [] });
  t.throws(() => rosParameterDecl('a', [1, 'x'] as never), { message: /one type/ });
  t.true(isReservedParameter('use_sim_time'));
  t.true(isReservedParameter('qos_overrides./kvs/write.subscription.depth'));
  t.false(isReservedParameter('transport'));
});

test('grouping a prefix of flat parameters into nested objects', (t) => {
  const params = {
    'bindings.inputs': ['a'],
    'bindings.a.topic': '/t',
    'bindings.a.qos.depth': 5,
    'bindings.a.constants.header.frame_id': 'base',
    other: 1,
    bindingsx: 2,
  };
  t.deepEqual(groupParams(params, 'bindings'), { a: { constants: { header: { frame_id: 'base' } }, qos: { depth: 5 }, topic: '/t' }, inputs: ['a'] });
  t.is(groupParams(params, 'ros'), undefined);
  t.deepEqual(flattenGroup({ header: { frame_id: 'base', stamp: { sec: 1 } }, x: [1] }), [
    ['header.frame_id', 'base'],
    ['header.stamp.sec', 1],
    ['x', [1]],
  ]);
});

test('a name that is both a value and a group, or an empty part, is refused', (t) => {
  t.throws(() => groupParams({ 'b.a': 1, 'b.a.c': 2 }, 'b'), { message: /'b\.a' is a value, so 'b\.a\.c' cannot be under it|also a group/ });
  t.throws(() => groupParams({ 'b.a.c': 2, 'b.a': 1 }, 'b'), { message: /a value|also a group/ });
  t.throws(() => groupParams({ 'b..c': 2 }, 'b'), { message: /empty name part/ });
  t.throws(() => groupParams({ b: 1 }, 'b'), { message: /must be a group/ });
});

test('grouped objects are plain and cannot be polluted through __proto__', (t) => {
  const g = groupParams({ 'b.__proto__.polluted': 1, 'b.constructor': 2 }, 'b');
  t.is(({} as Record<string, unknown>)['polluted'], undefined);
  t.is(Object.getPrototypeOf(g), Object.prototype);
  t.deepEqual(Object.keys(g ?? {}).sort(), ['__proto__', 'constructor']);
});
