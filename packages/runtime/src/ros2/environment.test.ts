import test from 'ava';
import { Ros2UnavailableError, detectRos2, loadRclnodejs } from './environment.js';

test('without ROS 2 sourced, detection says what to install and source', (t) => {
  const env = detectRos2({});
  t.false(env.available);
  if (!env.available) {
    t.regex(env.reason, /ROS_DISTRO/);
    t.regex(env.reason, /source \/opt\/ros\/<distro>\/setup\.bash/);
    t.regex(env.reason, /--transport udp/);
  }
});

test('with ROS 2 sourced, detection reports the distro', (t) => {
  const env = detectRos2({ ROS_DISTRO: 'jazzy', AMENT_PREFIX_PATH: '/opt/ros/jazzy' });
  t.deepEqual(env, { available: true, distro: 'jazzy', amentPrefixPath: '/opt/ros/jazzy' });
});

test('loading rclnodejs without ROS 2 fails with one clear error and never imports the addon', async (t) => {
  const err = await t.throwsAsync(loadRclnodejs({}), { instanceOf: Ros2UnavailableError });
  t.regex(err?.message ?? '', /ROS 2 is not sourced/);
});
