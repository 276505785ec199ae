import test from 'ava';
import type { BindingCluster, BindingPlans, BindingsConfig } from './bindings.js';
import { parseBindingsParams, planBindings } from './bindings.js';
import type { RosParamMap } from './params.js';
import { QOS_PROFILES, ROS2_QOS_DEFAULTS } from './qos.js';
import { testCluster } from './_cluster.test.js';
import { testLookup } from './_rosSchemas.test.js';

const cfg = testCluster();
const on = (replicaId: number): BindingCluster => ({ replicaId, keys: cfg.keys, writers: cfg.writers });

/** The design's example: a wheel-speed driver's Float64 feeds `speed`; `throttle` goes to an actuator driver. */
const EXAMPLE: RosParamMap = {
  'bindings.inputs': ['wheel_left'],
  'bindings.outputs': ['throttle_cmd'],
  'bindings.wheel_left.topic': '/wheel_speed/left',
  'bindings.wheel_left.type': 'std_msgs/msg/Float64',
  'bindings.wheel_left.field': '.data',
  'bindings.wheel_left.key': 'speed',
  'bindings.wheel_left.writer': 'sensor_a',
  'bindings.throttle_cmd.key': 'throttle',
  'bindings.throttle_cmd.topic': '/vehicle/throttle_cmd',
  'bindings.throttle_cmd.type': 'std_msgs/msg/Float64',
  'bindings.throttle_cmd.field': 'data',
};

function problems(params: RosParamMap): string {
  try {
    parseBindingsParams(params);
    return 'accepted';
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

function planProblems(params: RosParamMap, replica = 0): string {
  try {
    planBindings(parseBindingsParams(params), on(replica), testLookup);
    return 'accepted';
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
}

function plan(params: RosParamMap, replica = 0): BindingPlans {
  return planBindings(parseBindingsParams(params), on(replica), testLookup);
}

test('no bindings parameters: no bindings', (t) => {
  t.deepEqual(parseBindingsParams({ mode: 'fast', 'ros.frames.qos.depth': 10 }), { inputs: [], outputs: [] });
});

test('the example binding parses with defaults (scale 1, offset 0, sensor_data / default QoS, on published)', (t) => {
  const b: BindingsConfig = parseBindingsParams(EXAMPLE);
  t.is(b.inputs.length, 1);
  t.like(b.inputs[0], { name: 'wheel_left', topic: '/wheel_speed/left', type: 'std_msgs/msg/Float64', key: 'speed', writer: 'sensor_a', scale: 1, offset: 0 });
  t.deepEqual(b.inputs[0]?.field, [{ kind: 'field', name: 'data' }]);
  t.deepEqual(b.inputs[0]?.qos, ROS2_QOS_DEFAULTS.input);
  t.like(b.outputs[0], { name: 'throttle_cmd', key: 'throttle', topic: '/vehicle/throttle_cmd', on: 'published', stamp: undefined });
  t.deepEqual(b.outputs[0]?.qos, QOS_PROFILES.default);
});

test('binding parameter errors are all reported at once, naming each parameter', (t) => {
  const msg = problems({
    'bindings.inputs': ['a', 'a', '9bad', 'inputs'],
    'bindings.outputs': ['o'],
    'bindings.a.topic': 'wheel speed',
    'bindings.a.type': 'std_msgs/Float',
    'bindings.a.field': 'data..x',
    'bindings.a.key': 'speed',
    'bindings.a.writer': 'sensor_a',
    'bindings.a.scale': 'two',
    'bindings.stray.topic': '/x',
  });
  t.regex(msg, /^ConfigError: invalid bindings:/);
  t.regex(msg, /bindings\.inputs: 'a' is listed twice/);
  t.regex(msg, /bindings\.inputs: '9bad' is not a binding name/);
  t.regex(msg, /bindings\.inputs: 'inputs' is not a binding name/);
  t.regex(msg, /bindings\.a\.scale: /);
  t.regex(msg, /bindings\.stray is not listed in bindings\.inputs or bindings\.outputs/);
  t.regex(msg, /bindings\.o is listed in bindings\.outputs but not configured/);

  const fields = problems({ 'bindings.inputs': ['a'], 'bindings.a.topic': 'wheel speed', 'bindings.a.type': 'std_msgs/Float', 'bindings.a.field': 'data..x', 'bindings.a.key': 'speed', 'bindings.a.writer': 'w' });
  t.regex(fields, /bindings\.a\.topic: 'wheel speed': 'wheel speed' is not a valid name token/);
  t.regex(fields, /bindings\.a\.field: expected a field name at position 5/);
  t.regex(problems({ 'bindings.inputs': ['a'], 'bindings.a.topic': '/t', 'bindings.a.type': 'Float64', 'bindings.a.field': 'data', 'bindings.a.key': 'speed', 'bindings.a.writer': 'w' }), /bindings\.a\.type: 'Float64' is not a msg type name/);
  t.regex(problems({ 'bindings.inputs': ['a'], 'bindings.a.topic': '/t', 'bindings.a.type': 'std_msgs/msg/Float64', 'bindings.a.field': 'data', 'bindings.a.key': 'speed' }), /bindings\.a\.writer: /, 'a missing writer is named');
  t.regex(problems({ ...EXAMPLE, 'bindings.wheel_left.colour': 'red' }), /bindings\.wheel_left: Unrecognized key: "colour"/);
  t.regex(problems({ ...EXAMPLE, 'bindings.wheel_left.scale': Number.NaN }), /bindings\.wheel_left\.scale: .*(NaN|finite)/);
  t.regex(problems({ ...EXAMPLE, 'bindings.wheel_left.scale': Number.POSITIVE_INFINITY }), /bindings\.wheel_left\.scale: /);
  t.regex(problems({ ...EXAMPLE, 'bindings.wheel_left.qos.reliability': 'sometimes' }), /bindings\.wheel_left\.qos\.reliability: /);
  t.regex(problems({ ...EXAMPLE, 'bindings.wheel_left.qos.history': 'keep_last', 'bindings.wheel_left.qos.depth': 0 }), /bindings\.wheel_left\.qos: depth must be at least 1/);
  t.regex(problems({ ...EXAMPLE, bindings: 'x' }), /parameter 'bindings' must be a group/);
  t.regex(problems({ ...EXAMPLE, 'bindings.outputs': ['throttle_cmd', 'wheel_left'] }), /'wheel_left' is listed in both/);
  t.regex(problems({ ...EXAMPLE, 'bindings.throttle_cmd.on': 'later' }), /bindings\.throttle_cmd\.on: /);
});

test('a single name instead of a list is accepted (a one-element YAML list is often written bare)', (t) => {
  const b = parseBindingsParams({ ...EXAMPLE, 'bindings.inputs': 'wheel_left' });
  t.is(b.inputs.length, 1);
});

test('planning checks keys, writers and this replica', (t) => {
  t.is(planProblems(EXAMPLE, 0), 'accepted');
  t.regex(planProblems(EXAMPLE, 1), /bindings\.wheel_left\.writer: 'sensor_a' is hosted on replica 0; bind it in replica_0's parameters, not replica_1's/);
  t.regex(planProblems({ ...EXAMPLE, 'bindings.wheel_left.key': 'sped' }), /bindings\.wheel_left\.key: unknown key 'sped' \(configured keys: speed, throttle/);
  t.regex(planProblems({ ...EXAMPLE, 'bindings.wheel_left.writer': 'ctrl_a' }), /'ctrl_a' is not an authorised writer of key 'speed' \(authorised: sensor_a, sensor_b, sensor_c\)/);
  t.regex(planProblems({ ...EXAMPLE, 'bindings.wheel_left.writer': 'ghost' }), /'ghost' is not a writer of the cluster/);
  t.regex(planProblems({ ...EXAMPLE, 'bindings.throttle_cmd.key': 'nope' }), /bindings\.throttle_cmd\.key: unknown key 'nope'/);
});

test('planning checks types and fields against the message schemas', (t) => {
  const input = (type: string, field: string, key = 'speed', extra: RosParamMap = {}): string =>
    planProblems({ 'bindings.inputs': ['b'], 'bindings.b.topic': '/t', 'bindings.b.type': type, 'bindings.b.field': field, 'bindings.b.key': key, 'bindings.b.writer': 'sensor_a', ...extra });
  t.is(input('std_msgs/msg/Float64', 'data'), 'accepted');
  t.is(input('geometry_msgs/msg/TwistStamped', 'twist.linear.x'), 'accepted');
  t.is(input('std_msgs/msg/Float64MultiArray', 'data[2]'), 'accepted');
  t.is(input('std_msgs/msg/Int32', 'data'), 'accepted', 'an integer field feeds a float64 key');
  t.is(input('std_msgs/msg/Int64', 'data', 'count'), 'accepted');
  t.is(input('std_msgs/msg/Bool', 'data', 'flag'), 'accepted');
  t.is(input('std_msgs/msg/String', 'data', 'gear'), 'accepted');
  t.is(input('std_msgs/msg/Float64MultiArray', 'data', 'accel'), 'accepted');
  t.is(input('test_msgs/msg/Shapes', 'three', 'accel'), 'accepted');

  t.regex(input('std_msgs/msg/Float65', 'data'), /bindings\.b\.type: unknown message type 'std_msgs\/msg\/Float65'/);
  t.regex(input('std_msgs/msg/Float64', 'value'), /bindings\.b\.field: std_msgs\/msg\/Float64 has no field 'value' \(it has: data\)/);
  t.regex(input('geometry_msgs/msg/Twist', 'linear'), /geometry_msgs\/msg\/Vector3 message, not a value: extend the path/);
  t.regex(input('std_msgs/msg/String', 'data'), /cannot feed key 'speed': key type float64 needs a numeric field, the field is string/);
  t.regex(input('std_msgs/msg/Float64', 'data', 'count'), /key type int64 needs an integer field, the field is float64/);
  t.regex(input('std_msgs/msg/Int32', 'data', 'count', { 'bindings.b.scale': 0.5 }), /scale and offset must be integers for an int64 key/);
  t.regex(input('std_msgs/msg/Float64', 'data', 'flag'), /key type bool needs a bool field/);
  t.regex(input('std_msgs/msg/Bool', 'data', 'flag', { 'bindings.b.offset': 1 }), /scale and offset apply to numbers only/);
  t.regex(input('std_msgs/msg/Float64MultiArray', 'data'), /the field is an array \(float64\[\]\): index one element/);
  t.regex(input('std_msgs/msg/Float64', 'data', 'accel'), /key type float64\[3\] needs a numeric array field/);
  t.regex(input('geometry_msgs/msg/TwistWithCovariance', 'covariance', 'accel'), /needs 3 elements, the field has exactly 36/);
  t.regex(input('std_msgs/msg/Float64', 'data', 'pose'), /struct keys cannot be bound/);
});

test('input extraction: field value, scale/offset, integers, vectors; bad messages are reasons', (t) => {
  const p = plan({ ...EXAMPLE, 'bindings.wheel_left.scale': 3.6, 'bindings.wheel_left.offset': 1 });
  const wheel = p.inputs[0];
  if (wheel === undefined) return t.fail();
  t.deepEqual(wheel.extract({ data: 10 }), { ok: true, value: 37 });
  t.like(wheel.extract({ data: 'fast' }), { ok: false });
  t.like(wheel.extract({ data: Number.POSITIVE_INFINITY }), { ok: false });
  t.like(wheel.extract({}), { ok: false });
  t.like(wheel.extract(null), { ok: false });

  const ints = plan({ 'bindings.inputs': ['c'], 'bindings.c.topic': '/c', 'bindings.c.type': 'std_msgs/msg/Int64', 'bindings.c.field': 'data', 'bindings.c.key': 'count', 'bindings.c.writer': 'sensor_a', 'bindings.c.scale': 2 }).inputs[0];
  if (ints === undefined) return t.fail();
  t.deepEqual(ints.extract({ data: 21n }), { ok: true, value: 42 }, 'rclnodejs delivers int64 as bigint');
  t.like(ints.extract({ data: 2n ** 60n }), { ok: false }, 'beyond ±(2^53 - 1) is refused, not rounded');

  const vec = plan({ 'bindings.inputs': ['v'], 'bindings.v.topic': '/v', 'bindings.v.type': 'std_msgs/msg/Float64MultiArray', 'bindings.v.field': 'data', 'bindings.v.key': 'accel', 'bindings.v.writer': 'sensor_a' }).inputs[0];
  if (vec === undefined) return t.fail();
  t.deepEqual(vec.extract({ data: new Float64Array([1, 2, 3]) }), { ok: true, value: [1, 2, 3] });
  const short = vec.extract({ data: [1, 2] });
  t.false(short.ok);
  if (!short.ok) t.regex(short.reason, /expected 3 elements, got 2/);

  const twist = plan({ 'bindings.inputs': ['w'], 'bindings.w.topic': '/odom/twist', 'bindings.w.type': 'geometry_msgs/msg/TwistStamped', 'bindings.w.field': 'twist.linear.x', 'bindings.w.key': 'speed', 'bindings.w.writer': 'sensor_a' }).inputs[0];
  t.deepEqual(twist?.extract({ header: {}, twist: { linear: { x: 4.5, y: 0, z: 0 }, angular: {} } }), { ok: true, value: 4.5 });
});

test('output building: value at the field, scaled, with constants and the publish time as stamp', (t) => {
  const p = plan({
    'bindings.outputs': ['cmd'],
    'bindings.cmd.key': 'throttle',
    'bindings.cmd.topic': '/vehicle/cmd',
    'bindings.cmd.type': 'geometry_msgs/msg/TwistStamped',
    'bindings.cmd.field': 'twist.linear.x',
    'bindings.cmd.scale': 100,
    'bindings.cmd.stamp': 'header.stamp',
    'bindings.cmd.constants.header.frame_id': 'base_link',
    'bindings.cmd.constants.twist.angular.z': 0,
    'bindings.cmd.on': 'agreed',
  }).outputs[0];
  if (p === undefined) return t.fail();
  t.is(p.binding.on, 'agreed');
  t.deepEqual(p.build(0.25, 1_700_000_000_123_456), {
    ok: true,
    value: { header: { frame_id: 'base_link', stamp: { sec: 1_700_000_000, nanosec: 123_456_000 } }, twist: { angular: { z: 0 }, linear: { x: 25 } } },
  });

  const intOut = plan({ 'bindings.outputs': ['pwm'], 'bindings.pwm.key': 'throttle', 'bindings.pwm.topic': '/pwm', 'bindings.pwm.type': 'std_msgs/msg/UInt8', 'bindings.pwm.field': 'data', 'bindings.pwm.scale': 127.5, 'bindings.pwm.offset': 127.5 }).outputs[0];
  if (intOut === undefined) return t.fail();
  t.deepEqual(intOut.build(0, 0), { ok: true, value: { data: 128 } }, 'rounded to the nearest integer');
  t.deepEqual(intOut.build(1, 0), { ok: true, value: { data: 255 } });
  const over = intOut.build(1.5, 0);
  t.false(over.ok, 'outside uint8: not published');

  const big = plan({ 'bindings.outputs': ['n'], 'bindings.n.key': 'count', 'bindings.n.topic': '/n', 'bindings.n.type': 'std_msgs/msg/Int64', 'bindings.n.field': 'data' }).outputs[0];
  t.deepEqual(big?.build(42, 0), { ok: true, value: { data: 42n } }, 'int64 fields get bigint');

  const arr = plan({ 'bindings.outputs': ['a'], 'bindings.a.key': 'throttle', 'bindings.a.topic': '/a', 'bindings.a.type': 'std_msgs/msg/Float64MultiArray', 'bindings.a.field': 'data[2]' }).outputs[0];
  t.deepEqual(arr?.build(0.5, 0), { ok: true, value: { data: [0, 0, 0.5] } });
  const built1 = arr?.build(0.1, 0);
  const built2 = arr?.build(0.2, 0);
  t.not(built1?.ok && built1.value['data'], built2?.ok && built2.value['data'], 'every message is built fresh');

  const vec = plan({ 'bindings.outputs': ['v'], 'bindings.v.key': 'accel', 'bindings.v.topic': '/v', 'bindings.v.type': 'test_msgs/msg/Shapes', 'bindings.v.field': 'three' }).outputs[0];
  t.deepEqual(vec?.build([1, 2, 3], 0), { ok: true, value: { three: [1, 2, 3] } });
});

test('output planning errors: type mismatches, bad stamps and constants', (t) => {
  const out = (extra: RosParamMap): string =>
    planProblems({ 'bindings.outputs': ['o'], 'bindings.o.key': 'throttle', 'bindings.o.topic': '/o', 'bindings.o.type': 'geometry_msgs/msg/TwistStamped', 'bindings.o.field': 'twist.linear.x', ...extra });
  t.is(out({}), 'accepted');
  t.regex(out({ 'bindings.o.field': 'header.frame_id' }), /key 'throttle' cannot be written to geometry_msgs\/msg\/TwistStamped 'header\.frame_id' \(string\): key type float64 needs a numeric field/);
  t.regex(out({ 'bindings.o.stamp': 'header.frame_id' }), /bindings\.o\.stamp: 'header\.frame_id' is string, not a builtin_interfaces\/msg\/Time/);
  t.regex(out({ 'bindings.o.stamp': 'header.when' }), /bindings\.o\.stamp: std_msgs\/msg\/Header has no field 'when'/);
  t.regex(out({ 'bindings.o.constants.header.frame_id': 3 }), /bindings\.o\.constants\.header\.frame_id: string needs a string, got 3/);
  t.regex(out({ 'bindings.o.constants.header.seq': 3 }), /bindings\.o\.constants\.header\.seq: std_msgs\/msg\/Header has no field 'seq'/);
  t.regex(out({ 'bindings.o.constants.twist.linear.x': 1 }), /constants\.twist\.linear\.x overlaps 'twist\.linear\.x', which the binding sets/);
  t.regex(out({ 'bindings.o.constants.twist.angular': 1 }), /the field is a geometry_msgs\/msg\/Vector3 message: set its fields one by one/);
  t.regex(out({ 'bindings.o.stamp': 'twist.linear' }), /stamp '.*' overlaps the field/);
  t.regex(
    planProblems({ 'bindings.outputs': ['o'], 'bindings.o.key': 'flag', 'bindings.o.topic': '/o', 'bindings.o.type': 'std_msgs/msg/Float64', 'bindings.o.field': 'data' }),
    /key type bool needs a bool field, the field is float64/,
  );
  t.regex(
    planProblems({ 'bindings.outputs': ['o'], 'bindings.o.key': 'accel', 'bindings.o.topic': '/o', 'bindings.o.type': 'geometry_msgs/msg/TwistWithCovariance', 'bindings.o.field': 'covariance' }),
    /has 3 elements, the field has exactly 36/,
  );
});

test('constants of every shape are typed by the field they set', (t) => {
  const p = plan({
    'bindings.outputs': ['j'],
    'bindings.j.key': 'throttle',
    'bindings.j.topic': '/joint_cmd',
    'bindings.j.type': 'sensor_msgs/msg/JointState',
    'bindings.j.field': 'effort[0]',
    'bindings.j.constants.name': ['throttle_joint'],
    'bindings.j.constants.header.frame_id': 'base',
  }).outputs[0];
  t.deepEqual(p?.build(0.3, 0), { ok: true, value: { name: ['throttle_joint'], header: { frame_id: 'base' }, effort: [0.3] } });
  const shapes = (field: string, value: RosParamMap[string]): string =>
    planProblems({ 'bindings.outputs': ['s'], 'bindings.s.key': 'throttle', 'bindings.s.topic': '/s', 'bindings.s.type': 'test_msgs/msg/Shapes', 'bindings.s.field': 'three[0]', [`bindings.s.constants.${field}`]: value });
  t.is(shapes('big', 5), 'accepted');
  t.regex(shapes('small', 200), /200 is outside int8/);
  t.regex(shapes('small', 1.5), /needs an integer, got 1\.5/);
  t.regex(shapes('upto4', [1, 2, 3, 4, 5]), /holds at most 4 elements, got 5/);
  t.regex(shapes('upto4', 1), /give a list/);
  t.regex(shapes('raw', [1]), /single byte, got a list/);
});

test('output element: one element of a float64[N] key to a scalar field (e.g. the throttle of [throttle, brake])', (t) => {
  const params: RosParamMap = {
    'bindings.outputs': ['ax'],
    'bindings.ax.key': 'accel',
    'bindings.ax.element': 1,
    'bindings.ax.topic': '/vehicle/ax',
    'bindings.ax.type': 'std_msgs/msg/Float64',
    'bindings.ax.field': 'data',
    'bindings.ax.scale': 2,
  };
  const p = plan(params).outputs[0];
  if (p === undefined) return t.fail();
  t.is(p.binding.element, 1);
  t.deepEqual(p.build([1, 2.5, 3], 0), { ok: true, value: { data: 5 } });
  t.like(p.build([1], 0), { ok: false });
  t.is(parseBindingsParams({ ...params, 'bindings.ax.element': undefined as unknown as number }).outputs[0]?.element, undefined);
  t.regex(planProblems({ ...params, 'bindings.ax.element': 3 }), /bindings\.ax\.element: 3 is out of range for key 'accel' \(float64\[3\]: 0\.\.2\)/);
  t.regex(planProblems({ ...params, 'bindings.ax.key': 'speed' }), /bindings\.ax\.element: key 'speed' is float64, not a float64\[N\] vector/);
  t.regex(problems({ ...params, 'bindings.ax.element': -1 }), /bindings\.ax\.element/);
  t.regex(problems({ ...params, 'bindings.ax.element': 0.5 }), /bindings\.ax\.element/);
  t.regex(planProblems({ ...params, 'bindings.ax.type': 'std_msgs/msg/Float64MultiArray' }), /element 1 of key 'accel' cannot be written to std_msgs\/msg\/Float64MultiArray 'data'/);
  // Without `element`, the whole vector goes to an array field, as before.
  const whole = plan({ ...params, 'bindings.ax.element': undefined as unknown as number, 'bindings.ax.type': 'std_msgs/msg/Float64MultiArray', 'bindings.ax.scale': 1 }).outputs[0];
  t.like(whole?.build([1, 2, 3], 0), { ok: true });
});
