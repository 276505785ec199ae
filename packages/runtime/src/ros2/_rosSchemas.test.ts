/**
 * Test fixture (not a test file: ava treats `_`-prefixed files as helpers): message schemas in
 * the exact shape rclnodejs's `getMessageSchema(...).fields` returns, for the interfaces the
 * binding tests use. Field lists follow the .msg definitions of Humble/Jazzy.
 */
import type { MessageSchema, RosMessageDefField, SchemaLookup } from './messageSchema.js';
import { schemaFromRosMessageDef } from './messageSchema.js';

type T = RosMessageDefField['type'];
const prim = (type: string): T => ({ type, pkgName: null, isPrimitiveType: true, isArray: false, isFixedSizeArray: null, isUpperBound: false, arraySize: null });
const msg = (pkgName: string, type: string): T => ({ type, pkgName, isPrimitiveType: false, isArray: false, isFixedSizeArray: null, isUpperBound: false, arraySize: null });
const dyn = (t: T): T => ({ ...t, isArray: true, isFixedSizeArray: false });
const fixed = (t: T, n: number): T => ({ ...t, isArray: true, isFixedSizeArray: true, arraySize: n });
const bounded = (t: T, n: number): T => ({ ...t, isArray: true, isFixedSizeArray: false, isUpperBound: true, arraySize: n });
const f = (name: string, type: T): RosMessageDefField => ({ name, type });

export const ROS_DEFS: Readonly<Record<string, readonly RosMessageDefField[]>> = {
  'builtin_interfaces/msg/Time': [f('sec', prim('int32')), f('nanosec', prim('uint32'))],
  'std_msgs/msg/Header': [f('stamp', msg('builtin_interfaces', 'Time')), f('frame_id', prim('string'))],
  'std_msgs/msg/Float64': [f('data', prim('float64'))],
  'std_msgs/msg/Float32': [f('data', prim('float32'))],
  'std_msgs/msg/Int32': [f('data', prim('int32'))],
  'std_msgs/msg/Int64': [f('data', prim('int64'))],
  'std_msgs/msg/UInt8': [f('data', prim('uint8'))],
  'std_msgs/msg/Bool': [f('data', prim('bool'))],
  'std_msgs/msg/String': [f('data', prim('string'))],
  'std_msgs/msg/MultiArrayDimension': [f('label', prim('string')), f('size', prim('uint32')), f('stride', prim('uint32'))],
  'std_msgs/msg/MultiArrayLayout': [f('dim', dyn(msg('std_msgs', 'MultiArrayDimension'))), f('data_offset', prim('uint32'))],
  'std_msgs/msg/Float64MultiArray': [f('layout', msg('std_msgs', 'MultiArrayLayout')), f('data', dyn(prim('float64')))],
  'geometry_msgs/msg/Vector3': [f('x', prim('float64')), f('y', prim('float64')), f('z', prim('float64'))],
  'geometry_msgs/msg/Twist': [f('linear', msg('geometry_msgs', 'Vector3')), f('angular', msg('geometry_msgs', 'Vector3'))],
  'geometry_msgs/msg/TwistStamped': [f('header', msg('std_msgs', 'Header')), f('twist', msg('geometry_msgs', 'Twist'))],
  'geometry_msgs/msg/TwistWithCovariance': [f('twist', msg('geometry_msgs', 'Twist')), f('covariance', fixed(prim('float64'), 36))],
  'sensor_msgs/msg/JointState': [
    f('header', msg('std_msgs', 'Header')),
    f('name', dyn(prim('string'))),
    f('position', dyn(prim('float64'))),
    f('velocity', dyn(prim('float64'))),
    f('effort', dyn(prim('float64'))),
  ],
  /** A made-up type with a bounded array and 64-bit/byte fields, to cover those shapes. */
  'test_msgs/msg/Shapes': [f('three', fixed(prim('float64'), 3)), f('upto4', bounded(prim('float32'), 4)), f('big', prim('uint64')), f('small', prim('int8')), f('raw', prim('byte')), f('stamps', dyn(msg('builtin_interfaces', 'Time')))],
};

const SCHEMAS = new Map<string, MessageSchema>(Object.entries(ROS_DEFS).map(([type, fields]) => [type, schemaFromRosMessageDef(type, fields)]));

export const testLookup: SchemaLookup = (type) => SCHEMAS.get(type);
