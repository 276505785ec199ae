import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { generatedPackages, planRclnodejsSetup, runRclnodejsSetup } from './rclnodejsSetup.js';

const ROS = { ROS_DISTRO: 'humble', AMENT_PREFIX_PATH: '/opt/ros/humble' };

test('without ROS 2 sourced, the postinstall does nothing and says nothing', (t) => {
  const plan = planRclnodejsSetup({}, '/x/rclnodejs');
  t.like(plan, { kind: 'skip', quiet: true });
  const lines: string[] = [];
  t.is(runRclnodejsSetup(plan, (l) => lines.push(l)), 0);
  t.deepEqual(lines, []);
});

test('half a ROS shell is reported, not acted on', (t) => {
  t.like(planRclnodejsSetup({ ROS_DISTRO: 'jazzy' }, '/x'), { kind: 'skip', quiet: false });
  t.like(planRclnodejsSetup({ AMENT_PREFIX_PATH: '/opt/ros/jazzy' }, '/x'), { kind: 'skip', quiet: false });
  t.like(planRclnodejsSetup({ ...ROS, BFTKVS_SKIP_ROS_SETUP: '1' }, '/x'), { kind: 'skip', quiet: false });
  const none = planRclnodejsSetup(ROS, null);
  t.like(none, { kind: 'skip', quiet: false });
  t.regex(none.kind === 'skip' ? none.reason : '', /rclnodejs is not installed/);
});

test("with ROS 2 sourced: rclnodejs's install script, then its message generator, in its package directory", (t) => {
  const plan = planRclnodejsSetup(ROS, '/x/rclnodejs');
  if (plan.kind !== 'run') return t.fail();
  t.is(plan.distro, 'humble');
  t.is(plan.packageDir, '/x/rclnodejs');
  t.deepEqual(
    plan.steps.map((s) => s.args),
    [['scripts/install.cjs'], ['scripts/generate_messages.cjs']],
  );
  t.is(plan.env['npm_config_yes'], 'true', 'its build calls npx rimraf');
});

test('a failing step stops the set-up with a message (the postinstall still exits 0)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rclsetup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  const code = runRclnodejsSetup({ kind: 'run', distro: 'jazzy', packageDir: dir, steps: [{ what: 'native addon', args: ['-e', 'process.exit(3)'] }], env: {} }, (l) => lines.push(l));
  t.is(code, 1);
  t.regex(lines.join('\n'), /set-up failed at "native addon" \(exit code 3\)/);
});

test('generated interface packages are listed from the generated/ directory', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rclsetup-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.deepEqual(generatedPackages(dir), []);
  for (const p of ['std_msgs', 'bftkvs_msgs', 'srv_msg']) mkdirSync(join(dir, 'generated', p), { recursive: true });
  t.deepEqual(generatedPackages(dir), ['bftkvs_msgs', 'std_msgs']);
});
