import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Ros2UnavailableError, detectRos2, loadRclnodejs, rclnodejsAddonProblem, rclnodejsModuleObject, rclnodejsPackageDir } from './environment.js';

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

test("rclnodejs 2.x's ES module has a single default export; the module object is found either way", (t) => {
  const rcl = { init: () => Promise.resolve(), Node: class {} };
  t.is(rclnodejsModuleObject({ default: rcl }) as unknown, rcl);
  t.is(rclnodejsModuleObject(rcl) as unknown, rcl);
  t.is(rclnodejsModuleObject({ default: {} }), undefined);
  t.is(rclnodejsModuleObject(undefined), undefined);
});

test('with ROS sourced, a missing native addon is reported before rclnodejs is imported (no in-process rebuild)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rclnodejs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.regex(rclnodejsAddonProblem('jazzy', dir, 'linux', 'x64') ?? '', /no native addon .*pnpm rebuild rclnodejs/);
  mkdirSync(join(dir, 'prebuilds', 'linux-x64'), { recursive: true });
  writeFileSync(join(dir, 'prebuilds', 'linux-x64', 'humble-jammy-x64-node-rclnodejs.node'), '');
  t.regex(rclnodejsAddonProblem('jazzy', dir, 'linux', 'x64') ?? '', /no prebuilt jazzy addon for linux-x64/, 'a prebuild for another distro does not count');
  t.is(rclnodejsAddonProblem('humble', dir, 'linux', 'x64'), undefined, 'a prebuild for this distro does');
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'build', 'Release', 'rclnodejs.node'), '');
  t.is(rclnodejsAddonProblem('jazzy', dir, 'linux', 'x64'), undefined, 'a local build does');
  t.regex(rclnodejsAddonProblem('jazzy', null) ?? '', /rclnodejs is not installed/);
  t.truthy(rclnodejsPackageDir(), 'the types-only install is found without importing it');
});
