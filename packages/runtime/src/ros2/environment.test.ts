import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  Ros2UnavailableError,
  detectRos2,
  loadRclnodejs,
  osReleaseCodename,
  prebuiltAddonName,
  rclnodejsAddonProblem,
  rclnodejsMessagesProblem,
  rclnodejsModuleObject,
  rclnodejsPackageDir,
} from './environment.js';

test('without ROS 2 sourced, detection says what to install and source', (t) => {
  const env = detectRos2({});
  t.false(env.available);
  if (!env.available) {
    t.regex(env.reason, /ROS_DISTRO/);
    t.regex(env.reason, /source \/opt\/ros\/<distro>\/setup\.bash/);
    t.regex(env.reason, /--transport udp/);
    t.regex(env.reason, /run `pnpm install` in that shell/);
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
  t.regex(rclnodejsAddonProblem('jazzy', dir, 'linux', 'x64', 'noble') ?? '', /no native addon .*pnpm --filter @bftkvs\/runtime ros:setup/);
  mkdirSync(join(dir, 'prebuilds', 'linux-x64'), { recursive: true });
  writeFileSync(join(dir, 'prebuilds', 'linux-x64', 'humble-jammy-x64-node-rclnodejs.node'), '');
  writeFileSync(join(dir, 'prebuilds', 'linux-x64', 'jazzy-noble-x64-node-rclnodejs.node'), '');
  t.regex(rclnodejsAddonProblem('jazzy', dir, 'linux', 'x64', 'jammy') ?? '', /no prebuilt jazzy-jammy-x64-node-rclnodejs\.node/, 'a prebuild for another Ubuntu release does not count');
  t.regex(rclnodejsAddonProblem('humble', dir, 'linux', 'x64', 'bookworm') ?? '', /no prebuilt humble-bookworm/, 'nor on another Linux (rclnodejs would compile)');
  t.regex(rclnodejsAddonProblem('humble', dir, 'linux', 'x64', null) ?? '', /without an Ubuntu codename/);
  t.is(rclnodejsAddonProblem('humble', dir, 'linux', 'x64', 'jammy'), undefined, 'the exact prebuild does');
  t.is(rclnodejsAddonProblem('jazzy', dir, 'linux', 'x64', 'noble'), undefined);
  t.regex(rclnodejsAddonProblem('jazzy', dir, 'linux', 'arm64', 'noble') ?? '', /no prebuilt jazzy-noble-arm64/);
  mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
  writeFileSync(join(dir, 'build', 'Release', 'rclnodejs.node'), '');
  t.is(rclnodejsAddonProblem('jazzy', dir, 'linux', 'arm64', 'bookworm'), undefined, 'a local build does');
  t.regex(rclnodejsAddonProblem('jazzy', null) ?? '', /rclnodejs is not installed/);
  t.truthy(rclnodejsPackageDir(), 'the types-only install is found without importing it');
});

test('the prebuilt addon name and the Ubuntu codename are read as rclnodejs reads them', (t) => {
  t.is(prebuiltAddonName('jazzy', 'noble', 'x64'), 'jazzy-noble-x64-node-rclnodejs.node');
  t.is(prebuiltAddonName('humble', 'jammy', 'arm64'), 'humble-jammy-arm64-node-rclnodejs.node');
  t.is(prebuiltAddonName('humble', null, 'x64'), undefined);
  t.is(prebuiltAddonName('../x', 'jammy', 'x64'), undefined);
  t.is(osReleaseCodename('NAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\n'), 'noble');
  t.is(osReleaseCodename('NAME="Ubuntu"\nUBUNTU_CODENAME=jammy\n'), null);
  t.is(osReleaseCodename('VERSION_CODENAME=\n'), null);
});

test("rclnodejs's message code must have been generated before a replica loads it", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rclnodejs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.regex(rclnodejsMessagesProblem('jazzy', dir) ?? '', /has not generated its message code .*ros:setup/);
  mkdirSync(join(dir, 'generated'));
  writeFileSync(join(dir, 'generated', 'generator.json'), '{"version":"1"}');
  t.is(rclnodejsMessagesProblem('jazzy', dir), undefined);
  t.is(rclnodejsMessagesProblem('jazzy', null), undefined, 'not installed is the addon check\'s message');
});
