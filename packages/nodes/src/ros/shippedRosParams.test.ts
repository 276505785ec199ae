/**
 * The shipped ROS params files (launch/config/ros.yaml, ros-vehicle.yaml) read by the node
 * framework's real parameter loader (@bftkvs/launch), as a replica gets them from
 * `--params-file`, with and without the /kvs namespace: the ROS options parse for every replica.
 */
import { join } from 'node:path';
import test from 'ava';
import { loadNodeParameters, parseRosArgs } from '@bftkvs/launch';
import { parseRosReplicaOptions } from '@bftkvs/runtime';
import { REPO_ROOT } from '../_testCluster.test.js';
import { isRosNodeParameter } from './ros2Replica.js';

const file = (name: string): string => join(REPO_ROOT, 'launch', 'config', name);

for (const ns of ['/kvs', undefined]) {
  test(`ros.yaml + ros-vehicle.yaml through --params-file, namespace ${ns ?? 'none'}`, (t) => {
    const writers = ['wheel_left', 'wheel_right', 'wheel_rear'];
    for (let i = 0; i < 4; i++) {
      const argv = ['--ros-args', '-r', `__node:=replica_${i}`, ...(ns === undefined ? [] : ['-r', `__ns:=${ns}`]), '--params-file', file('ros.yaml'), '--params-file', file('ros-vehicle.yaml')];
      const fqn = `${ns ?? ''}/replica_${i}`;
      const params = loadNodeParameters(parseRosArgs(argv), fqn);
      t.true(Object.keys(params).every(isRosNodeParameter), `only ROS-side parameters: ${Object.keys(params).join(', ')}`);
      const o = parseRosReplicaOptions(params);
      t.is(o.frames.qos.depth, 256);
      if (i < 3) t.deepEqual(o.bindings.inputs.map((b) => b.writer), [writers[i]]);
      else t.deepEqual(o.bindings.outputs.map((b) => b.key), ['command']);
    }
  });
}

test('ros-bindings.yaml: the wheel-speed input on replica 0, throttle and brake outputs on replica 3', (t) => {
  const load = (i: number) => {
    const argv = ['--ros-args', '-r', `__node:=replica_${i}`, '--params-file', file('ros.yaml'), '--params-file', file('ros-bindings.yaml')];
    return parseRosReplicaOptions(loadNodeParameters(parseRosArgs(argv), `/kvs/replica_${i}`));
  };
  t.deepEqual(load(0).bindings.inputs.map((b) => [b.topic, b.type, b.key, b.writer]), [['/wheel_speed/left', 'std_msgs/msg/Float64', 'speed', 'wheel_left']]);
  t.deepEqual(load(3).bindings.outputs.map((b) => [b.topic, b.key, b.element]), [
    ['/vehicle/throttle_cmd', 'command', 0],
    ['/vehicle/brake_cmd', 'command', 1],
  ]);
  t.deepEqual(load(1).bindings, { inputs: [], outputs: [] });
});
