import test from 'ava';
import type { ReplicaTransportSet } from '@bftkvs/runtime';
import { parseRosReplicaOptions } from '@bftkvs/runtime';
import { describeRos2, isRosNodeParameter, ros2Extras } from './ros2Replica.js';

test('the ROS-side parameters are recognised, the replica’s own are not', (t) => {
  for (const n of ['use_sim_time', 'ros.frames.qos.depth', 'bindings.inputs', 'bindings.wheel_left.topic', 'qos_overrides./kvs/write.subscription.depth']) t.true(isRosNodeParameter(n), n);
  for (const n of ['replica_id', 'transport', 'rosy', 'bindingsx', 'mode']) t.false(isRosNodeParameter(n), n);
});

test('only a ros2 transport set has ROS extras', (t) => {
  const udp = { transport: {} } as unknown as ReplicaTransportSet;
  t.is(ros2Extras(udp), undefined);
  const ros = { transport: {}, clock: {}, node: {}, attach: () => ({}), close: async () => {} } as unknown as ReplicaTransportSet;
  t.is(ros2Extras(ros) as unknown, ros);
});

test('the start-up line names the node, services, topics, QoS and bindings', (t) => {
  const o = parseRosReplicaOptions({
    'bindings.inputs': ['wheel_left'],
    'bindings.outputs': ['throttle_cmd'],
    'bindings.wheel_left.topic': '/wheel_speed/left',
    'bindings.wheel_left.type': 'std_msgs/msg/Float64',
    'bindings.wheel_left.field': 'data',
    'bindings.wheel_left.key': 'speed',
    'bindings.wheel_left.writer': 'wheel_left',
    'bindings.throttle_cmd.key': 'throttle',
    'bindings.throttle_cmd.topic': '/vehicle/throttle_cmd',
    'bindings.throttle_cmd.type': 'std_msgs/msg/Float64',
    'bindings.throttle_cmd.field': 'data',
  });
  const line = describeRos2('/kvs/replica_0', '/kvs', o, 17);
  t.is(
    line,
    'ROS node /kvs/replica_0; services /kvs/replica_0/{write,read,status}; write topic /kvs/write; ' +
      'agreed values on /kvs/agreed/<key> and /kvs/replica_0/agreed/<key>; frames QoS best_effort, keep_last 256, volatile; ' +
      '/diagnostics every 1000 ms; 17 parameters declared; ' +
      'input bindings: wheel_left (/wheel_speed/left std_msgs/msg/Float64 .data -> speed as wheel_left); ' +
      'output bindings: throttle_cmd (throttle -> /vehicle/throttle_cmd std_msgs/msg/Float64 .data, on published)',
  );
  const quiet = describeRos2('/kvs/replica_1', '/kvs', parseRosReplicaOptions({ 'ros.write.topic': false, 'ros.agreed.topics': 'none', 'ros.diagnostics.period_ms': 0 }), 0);
  t.regex(quiet, /no write topic; no agreed-value topics; .*no \/diagnostics/);
});
