import test from 'ava';
import type { FieldPath } from './fieldPath.js';
import { parseFieldPath } from './fieldPath.js';
import { describeFieldType, interfaceDescriptor, parseInterfaceType, resolveFieldPath, schemaFromRosMessageDef } from './messageSchema.js';
import { testLookup } from './_rosSchemas.test.js';

function path(text: string): FieldPath {
  const p = parseFieldPath(text);
  if (!p.ok) throw new Error(p.reason);
  return p.path;
}

test('interface type names: pkg/msg/Name, the short pkg/Name form, clear refusals', (t) => {
  t.like(parseInterfaceType('std_msgs/msg/Float64'), { ok: true, type: 'std_msgs/msg/Float64' });
  t.like(parseInterfaceType('std_msgs/Float64'), { ok: true, type: 'std_msgs/msg/Float64' });
  t.like(parseInterfaceType('bftkvs_msgs/srv/Read', 'srv'), { ok: true, type: 'bftkvs_msgs/srv/Read' });
  const reason = (s: string, kind: 'msg' | 'srv' = 'msg'): string => {
    const r = parseInterfaceType(s, kind);
    return r.ok ? 'accepted' : r.reason;
  };
  t.regex(reason('Float64'), /write it like 'std_msgs\/msg\/Float64'/);
  t.regex(reason('std_msgs/srv/Float64'), /not a msg type/);
  t.regex(reason('std_msgs/msg/Float64', 'srv'), /not a srv type/);
  t.regex(reason('Std_msgs/msg/Float64'), /package name/);
  t.regex(reason('std_msgs/msg/float64'), /CamelCase/);
  t.regex(reason('a/b/c/d'), /not a msg type/);
  t.regex(reason(''), /written like/);
  t.deepEqual(interfaceDescriptor('std_msgs/msg/Float64'), { package: 'std_msgs', type: 'msg', name: 'Float64' });
  t.throws(() => interfaceDescriptor('std_msgs/Float64'));
});

test('schemas from rclnodejs message definitions: primitives, messages, array shapes', (t) => {
  const s = testLookup('test_msgs/msg/Shapes');
  t.truthy(s);
  if (s === undefined) return;
  t.is(describeFieldType(s.fields.get('three') as never), 'float64[3]');
  t.is(describeFieldType(s.fields.get('upto4') as never), 'float32[<=4]');
  t.is(describeFieldType(s.fields.get('big') as never), 'uint64');
  t.is(describeFieldType(s.fields.get('stamps') as never), 'builtin_interfaces/msg/Time[]');
  t.throws(() => schemaFromRosMessageDef('x/msg/Y', [{ name: 'a', type: { type: 'float128', isPrimitiveType: true, isArray: false } }]), { message: /unknown primitive type 'float128'/ });
  const idl = schemaFromRosMessageDef('x/msg/Idl', [
    { name: 'd', type: { type: 'double', isPrimitiveType: true, isArray: false } },
    { name: 'u', type: { type: 'unsigned long long', isPrimitiveType: true, isArray: true, isFixedSizeArray: false } },
    { name: 'o', type: { type: 'octet', isPrimitiveType: true, isArray: false } },
  ]);
  t.deepEqual(
    [...idl.fields.values()].map((x) => describeFieldType(x)),
    ['float64', 'uint64[]', 'byte'],
    'IDL spellings of primitives are understood',
  );
  t.throws(() => schemaFromRosMessageDef('x/msg/Y', [{ name: 'a', type: { type: 'Foo', pkgName: null, isPrimitiveType: false, isArray: false } }]), { message: /without a package/ });
});

test('resolving field paths against schemas', (t) => {
  const leaf = (type: string, p: string): string => {
    const r = resolveFieldPath(testLookup, type, path(p));
    return r.ok ? describeFieldType(r.resolved.leaf) : `error: ${r.reason}`;
  };
  t.is(leaf('std_msgs/msg/Float64', 'data'), 'float64');
  t.is(leaf('geometry_msgs/msg/TwistStamped', 'twist.linear.x'), 'float64');
  t.is(leaf('geometry_msgs/msg/TwistStamped', 'header.stamp'), 'builtin_interfaces/msg/Time');
  t.is(leaf('std_msgs/msg/Float64MultiArray', 'data'), 'float64[]');
  t.is(leaf('std_msgs/msg/Float64MultiArray', 'data[2]'), 'float64');
  t.is(leaf('std_msgs/msg/Float64MultiArray', 'layout.dim[0].size'), 'uint32');
  t.is(leaf('geometry_msgs/msg/TwistWithCovariance', 'covariance[35]'), 'float64');

  t.regex(leaf('std_msgs/msg/Nope', 'data'), /unknown message type 'std_msgs\/msg\/Nope'/);
  t.regex(leaf('std_msgs/msg/Float64', 'value'), /std_msgs\/msg\/Float64 has no field 'value' \(it has: data\)/);
  t.regex(leaf('geometry_msgs/msg/Twist', 'linear.w'), /geometry_msgs\/msg\/Vector3 has no field 'w'/);
  t.regex(leaf('std_msgs/msg/Float64', 'data.x'), /'data' is a float64, it has no field 'x'/);
  t.regex(leaf('std_msgs/msg/Float64', 'data[0]'), /'data' is not an array/);
  t.regex(leaf('std_msgs/msg/Float64MultiArray', 'layout.dim.size'), /'layout\.dim' is an array: index it first, e.g. 'layout\.dim\[0\]'/);
  t.regex(leaf('geometry_msgs/msg/TwistWithCovariance', 'covariance[36]'), /out of range: 'covariance' has exactly 36 elements/);
  t.regex(leaf('test_msgs/msg/Shapes', 'upto4[4]'), /has at most 4 elements/);
});

test('resolution records how to build the arrays on the path', (t) => {
  const r = resolveFieldPath(testLookup, 'geometry_msgs/msg/TwistWithCovariance', path('covariance[3]'));
  t.true(r.ok);
  if (!r.ok) return;
  const fill = r.resolved.fills[1];
  t.is(fill?.fixedLength, 36);
  t.is(fill?.fill(), 0);
  const big = resolveFieldPath(testLookup, 'test_msgs/msg/Shapes', path('stamps[1].sec'));
  t.true(big.ok);
  if (big.ok) t.deepEqual(big.resolved.fills[1]?.fill(), {});
});
