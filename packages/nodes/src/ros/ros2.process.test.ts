/**
 * The ros2 transport at process level, through the shipped launch files and the replica
 * program (packages/nodes/src/bin/replica.ts):
 *
 * - everywhere: `transport:=ros2` on a machine without ROS 2 stops the replica at start-up with
 *   one clear line (exit code 2, no stack trace), whatever else the parameters say;
 * - with ROS 2 sourced (ROS_DISTRO set): launch/cluster.launch.yaml with `transport:=ros2` runs
 *   4 replica processes as ROS nodes (/kvs/replica_<i>); writes through the ROS Write services
 *   of three nodes are read back through another node's Read service and the agreed-value
 *   topic; /diagnostics reports all four; `kill -9` of one replica process leaves the others
 *   serving. Run on a ROS machine (docs/ros.md):
 *
 *     pnpm exec ava packages/nodes/src/ros/ros2.process.test.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { nextGridPoint } from '@bftkvs/core';
import type { SlotMsg } from '@bftkvs/runtime';
import { Ros2Session, SystemClock, interfaceDescriptor, timeMsgFromUs, writeClusterKeyFiles } from '@bftkvs/runtime';
import { BIN_DIR, REPO_ROOT, sleep, startCluster, until } from '../_testCluster.test.js';

// The ROS 2 half needs a sourced ROS 2 (rclnodejs cannot load without one): skipped elsewhere.
const ROS = process.env['ROS_DISTRO'] !== undefined && process.env['ROS_DISTRO'] !== '';
const rosTest = ROS ? test.serial : test.skip;
if (!ROS) console.log('ROS 2 process tests skipped: ROS_DISTRO is not set (source ROS 2 and install/setup.bash to run them; docs/ros.md)');

function withoutRos(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!/^(ROS_|AMENT_|COLCON_|RMW_)/.test(k)) out[k] = v;
  return out;
}

test('transport:=ros2 without ROS 2: the replica exits 2 with one line naming what to install and source', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-ros-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeClusterKeyFiles(join(dir, 'keys'), 4);
  const args = [
    '--conditions=@bftkvs/source',
    '--import',
    import.meta.resolve('tsx'),
    join(BIN_DIR, 'replica.ts'),
    '--ros-args',
    '-r',
    '__node:=replica_0',
    '-p',
    'replica_id:=0',
    '-p',
    'transport:=ros2',
    '-p',
    `keys_dir:=${join(dir, 'keys')}`,
    '-p',
    `cluster_file:=${join(REPO_ROOT, 'launch', 'config', 'cluster.yaml')}`,
    '-p',
    'ros.frames.qos.depth:=-5',
  ];
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: withoutRos(process.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (c) => resolve({ code: c, stderr: err }));
  });
  t.is(code, 2, stderr);
  const fatal = stderr.split('\n').filter((l) => l.includes('[FATAL]'));
  t.is(fatal.length, 1, stderr);
  t.regex(fatal[0] ?? '', /ROS 2 is not sourced in this shell .*source \/opt\/ros\/<distro>\/setup\.bash.*pnpm rebuild rclnodejs.*docs\/ros\.md/);
  t.notRegex(stderr, /^\s+at /m, 'no stack trace');
  t.notRegex(stderr, /rclnodejs.*(gyp|rebuild attempt|npx)/i, 'rclnodejs was never loaded');
});

rosTest('launch/cluster.launch.yaml transport:=ros2: four ROS nodes, write and read services, agreed topic, diagnostics, kill -9', async (t) => {
  const cluster = await startCluster('cluster.launch.yaml', 4, { transport: 'ros2' });
  const session = await Ros2Session.open({ argv: ['node'] });
  t.teardown(async () => {
    await session.close();
    await cluster.stop();
  });
  const probe = session.createNode(`probe_${process.pid}`, '/kvs');
  const clock = new SystemClock();
  const call = async <R>(type: string, service: string, request: object): Promise<R> => {
    const client = probe.createClient(interfaceDescriptor(type), service);
    try {
      if (!(await client.waitForService(15_000))) throw new Error(`${service} did not appear`);
      return (await client.sendRequestAsync(request, { timeout: 10_000 })) as R;
    } finally {
      probe.destroyClient(client);
    }
  };
  for (let i = 0; i < 4; i++) {
    const s = await call<{ replica: number; ready: boolean }>('bftkvs_msgs/srv/Status', `/kvs/replica_${i}/status`, {});
    t.is(s.replica, i);
  }
  for (const line of ['replica_0', 'replica_1', 'replica_2', 'replica_3'].map((n) => cluster.log(n))) t.regex(line, /ROS node \/kvs\/replica_\d/);

  const slots: SlotMsg[] = [];
  probe.createSubscription(interfaceDescriptor('bftkvs_msgs/msg/Slot'), '/kvs/agreed/speed', (m: unknown) => {
    slots.push(m as SlotMsg);
  });
  const diagnostics = new Set<string>();
  probe.createSubscription(interfaceDescriptor('diagnostic_msgs/msg/DiagnosticArray'), '/diagnostics', (m: unknown) => {
    for (const s of (m as { status: { name: string }[] }).status) diagnostics.add(s.name);
  });
  await sleep(1_000);

  const writeSlot = async (replicas: readonly number[]): Promise<number> => {
    const grid = cluster.config.cluster.keys.get('speed')?.grid;
    if (grid === undefined) throw new Error('no speed key');
    const t0 = nextGridPoint(grid, clock.nowUs() + cluster.config.cluster.timing.leadUs + 500_000);
    const writers = ['wheel_left', 'wheel_right', 'wheel_rear'];
    const acks = await Promise.all(
      replicas.map((i) =>
        call<{ ok: boolean; error_code: string; error_message: string }>('bftkvs_msgs/srv/Write', `/kvs/replica_${i}/write`, {
          key: 'speed',
          writer: writers[i] as string,
          publish_time: timeMsgFromUs(t0),
          value: { type: 0, f64: 20 + i },
        }),
      ),
    );
    for (const a of acks) t.true(a.ok, `${a.error_code}: ${a.error_message}`);
    return t0;
  };

  const t1 = await writeSlot([0, 1, 2]);
  await until(() => clock.nowUs() > t1 + 300_000, 10_000, 'the slot to publish');
  const read = await call<{ ok: boolean; error_code: string; slot: SlotMsg }>('bftkvs_msgs/srv/Read', '/kvs/replica_3/read', { key: 'speed', earliest: timeMsgFromUs(t1) });
  t.true(read.ok, read.error_code);
  t.is(read.slot.value.f64, 21, 'the median of 20, 21, 22');
  await until(() => slots.some((s) => s.contributions.length === 3 && s.value.f64 === 21), 10_000, 'the slot on /kvs/agreed/speed');
  await until(() => [0, 1, 2, 3].every((i) => diagnostics.has(`/kvs/replica_${i}: bftkvs replica`)), 10_000, 'diagnostics of all four replicas');

  await cluster.kill9('replica_3');
  const t2 = await writeSlot([0, 1, 2]);
  await until(() => clock.nowUs() > t2 + 300_000, 10_000, 'the next slot to publish');
  const after = await call<{ ok: boolean; error_code: string; slot: SlotMsg }>('bftkvs_msgs/srv/Read', '/kvs/replica_1/read', { key: 'speed', earliest: timeMsgFromUs(t2) });
  t.true(after.ok, after.error_code);
  t.is(after.slot.value.f64, 21);
});
