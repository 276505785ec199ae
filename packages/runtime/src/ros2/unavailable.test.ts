/**
 * Choosing the ros2 transport on a machine without ROS 2 gives one clear error naming what to
 * install and source, through the same path the replica process takes (the transport registry),
 * before anything of ROS is loaded and before the node's parameters are looked at.
 */
import test from 'ava';
import { deriveClusterKeysForTesting } from '@bftkvs/core';
import type { NodeKeys } from '@bftkvs/core';
import { Ros2UnavailableError, openReplicaTransports, replicaTransportNames } from '../index.js';
import { Ros2Session } from './session.js';
import { testCluster } from './_cluster.test.js';

const NO_ROS = { PATH: '/usr/bin:/bin' };

function ctx(env: Record<string, string>, params: Record<string, unknown> = {}) {
  return {
    replica: 0,
    config: { cluster: testCluster(), endpoints: undefined },
    keys: deriveClusterKeysForTesting('unavailable', 4)[0] as NodeKeys,
    nodeName: 'replica_0',
    namespace: undefined,
    params,
    log: () => {},
    env,
  };
}

test('the ros2 transport is registered by name next to udp', (t) => {
  t.deepEqual(replicaTransportNames(), ['ros2', 'udp']);
});

test('transport ros2 without ROS 2: one Ros2UnavailableError naming what to install and source', async (t) => {
  const err = await t.throwsAsync(openReplicaTransports('ros2', ctx(NO_ROS)), { instanceOf: Ros2UnavailableError });
  const msg = err?.message ?? '';
  t.regex(msg, /^ROS 2 is not sourced in this shell \(ROS_DISTRO \/ AMENT_PREFIX_PATH are unset\)\./);
  t.regex(msg, /Install ROS 2 Humble or Jazzy/);
  t.regex(msg, /source \/opt\/ros\/<distro>\/setup\.bash/);
  t.regex(msg, /colcon build --paths msgs\/bftkvs_msgs/);
  t.regex(msg, /run `pnpm install` in that shell/);
  t.regex(msg, /--transport udp/);
  t.regex(msg, /docs\/ros\.md/);
  t.false(msg.includes('\n    at '), 'no stack trace in the message');
  t.is(err?.name, 'Ros2UnavailableError');
});

test('the missing ROS is reported before any parameter problem', async (t) => {
  await t.throwsAsync(openReplicaTransports('ros2', ctx(NO_ROS, { 'ros.frames.qos.depth': -1, 'bindings.inputs': 'x' })), { instanceOf: Ros2UnavailableError });
});

test('half a ROS environment (ROS_DISTRO without AMENT_PREFIX_PATH) is not ROS', async (t) => {
  await t.throwsAsync(openReplicaTransports('ros2', ctx({ ROS_DISTRO: 'jazzy' })), { instanceOf: Ros2UnavailableError, message: /not sourced/ });
  await t.throwsAsync(Ros2Session.open({ env: { AMENT_PREFIX_PATH: '/opt/ros/jazzy' } }), { instanceOf: Ros2UnavailableError, message: /not sourced/ });
});
