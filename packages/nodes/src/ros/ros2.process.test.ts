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
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import test from 'ava';
import { nextGridPoint } from '@bftkvs/core';
import type { RuntimeClusterConfig, SlotMsg } from '@bftkvs/runtime';
import { Ros2Session, SystemClock, interfaceDescriptor, loadClusterFile, timeMsgFromUs, writeClusterKeyFiles } from '@bftkvs/runtime';
import { BIN_DIR, REPO_ROOT, freeBasePort, sleep, startCluster, until } from '../_testCluster.test.js';

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
  t.regex(fatal[0] ?? '', /ROS 2 is not sourced in this shell .*source \/opt\/ros\/<distro>\/setup\.bash.*pnpm install. in that shell.*docs\/ros\.md/);
  t.notRegex(stderr, /^\s+at /m, 'no stack trace');
  t.notRegex(stderr, /rclnodejs.*(gyp|rebuild attempt|npx)/i, 'rclnodejs was never loaded');
});

/** What both launcher variants check, given a running 4-replica cluster on the ROS graph. */
interface RunningRosCluster {
  readonly config: RuntimeClusterConfig;
  /** Lines a replica logged, joined. */
  log(replica: number): string;
  kill9(replica: number): Promise<void>;
}

async function exerciseRosCluster(t: ExecutionContext, cluster: RunningRosCluster, session: Ros2Session): Promise<void> {
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
  for (let i = 0; i < 4; i++) t.regex(cluster.log(i), new RegExp(`ROS node /kvs/replica_${i}`));
  const names = probe.getNodeNamesAndNamespaces().filter((n) => n.namespace === '/kvs').map((n) => n.name);
  for (let i = 0; i < 4; i++) t.true(names.includes(`replica_${i}`), names.join(', '));

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
  // What a user types: ros2 service call /kvs/replica_3/read bftkvs_msgs/srv/Read "{key: speed}" (earliest zero: the newest slot).
  const newest = await call<{ ok: boolean; error_code: string; slot: SlotMsg }>('bftkvs_msgs/srv/Read', '/kvs/replica_3/read', { key: 'speed' });
  t.true(newest.ok, newest.error_code);
  const read = await call<{ ok: boolean; error_code: string; slot: SlotMsg }>('bftkvs_msgs/srv/Read', '/kvs/replica_3/read', { key: 'speed', earliest: timeMsgFromUs(t1) });
  t.true(read.ok, read.error_code);
  t.is(read.slot.value.f64, 21, 'the median of 20, 21, 22');
  await until(() => slots.some((s) => s.contributions.length === 3 && s.value.f64 === 21), 10_000, 'the slot on /kvs/agreed/speed');
  await until(() => [0, 1, 2, 3].every((i) => diagnostics.has(`/kvs/replica_${i}: bftkvs replica`)), 10_000, 'diagnostics of all four replicas');

  await cluster.kill9(3);
  const t2 = await writeSlot([0, 1, 2]);
  await until(() => clock.nowUs() > t2 + 300_000, 10_000, 'the next slot to publish');
  const after = await call<{ ok: boolean; error_code: string; slot: SlotMsg }>('bftkvs_msgs/srv/Read', '/kvs/replica_1/read', { key: 'speed', earliest: timeMsgFromUs(t2) });
  t.true(after.ok, after.error_code);
  t.is(after.slot.value.f64, 21);
}

rosTest('bftkvs launch launch/cluster.launch.yaml transport:=ros2: four ROS nodes, write and read services, agreed topic, diagnostics, kill -9', async (t) => {
  const cluster = await startCluster('cluster.launch.yaml', 4, { transport: 'ros2' });
  const session = await Ros2Session.open({ argv: ['node'] });
  t.teardown(async () => {
    await session.close();
    await cluster.stop();
  });
  await exerciseRosCluster(t, { config: cluster.config, log: (i) => cluster.log(`replica_${i}`), kill9: (i) => cluster.kill9(`replica_${i}`) }, session);
});

/**
 * ROS's own launcher on the same file: `ros2 launch launch/cluster.launch.yaml transport:=ros2`
 * (launch_yaml parses the file, launch_ros starts `lib/bftkvs/replica` of the installed bftkvs
 * package with `--ros-args -r __node:=replica_<i> --params-file ...`). Needs ros/bftkvs built
 * and sourced (`colcon build --paths msgs/bftkvs_msgs ros/bftkvs && source install/setup.bash`).
 */
rosTest('ros2 launch launch/cluster.launch.yaml transport:=ros2: the same scenario under ROS 2\'s launcher', async (t) => {
  const prefix = spawnSync('ros2', ['pkg', 'prefix', 'bftkvs'], { encoding: 'utf8' });
  if (prefix.status !== 0) {
    t.fail(`the bftkvs ROS package is not built and sourced (ros2 pkg prefix bftkvs: ${(prefix.stderr || prefix.error?.message || '').trim()}); run \`colcon build --paths msgs/bftkvs_msgs ros/bftkvs && source install/setup.bash\` (docs/ros.md)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-ros2launch-'));
  writeClusterKeyFiles(join(dir, 'keys'), 4);
  const basePort = await freeBasePort(8);
  const config = loadClusterFile(join(REPO_ROOT, 'launch', 'config', 'cluster.yaml'), undefined, { basePort });
  const args = ['launch', join(REPO_ROOT, 'launch', 'cluster.launch.yaml'), 'transport:=ros2', `keys:=${join(dir, 'keys')}`, `base_port:=${basePort}`, 'status_period_s:=2.0'];
  const child = spawn('ros2', args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  const onData = (d: Buffer): void => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = false;
  child.on('exit', () => (exited = true));
  const session = await Ros2Session.open({ argv: ['node'] });
  t.teardown(async () => {
    await session.close();
    if (!exited && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGINT');
      await until(() => exited, 15_000, 'ros2 launch to stop').catch(() => process.kill(-(child.pid as number), 'SIGKILL'));
    }
    rmSync(dir, { recursive: true, force: true });
  });
  // ros2 launch prefixes each process's output with its label (`[replica-1] ...`) and logs
  // `process started with pid [N]`; the replica's own start-up line names its node.
  const labelOf = (i: number): string | undefined => {
    const l = lines.find((x) => x.includes(`ROS node /kvs/replica_${i};`));
    return l === undefined ? undefined : /^\[([^\]]+)\]/.exec(l)?.[1];
  };
  const replicaLog = (i: number): string => {
    const label = labelOf(i);
    return label === undefined ? '' : lines.filter((l) => l.startsWith(`[${label}]`)).join('\n');
  };
  await until(() => exited || [0, 1, 2, 3].every((i) => /\]: ready$/m.test(replicaLog(i))), 60_000, 'four replicas ready under ros2 launch').catch((e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${lines.join('\n')}`);
  });
  t.false(exited, lines.join('\n'));
  await exerciseRosCluster(
    t,
    {
      config,
      log: replicaLog,
      async kill9(i) {
        const label = labelOf(i);
        const started = lines.map((l) => new RegExp(`\\[${label ?? '?'}\\]: process started with pid \\[(\\d+)\\]`).exec(l)).find((m) => m !== null);
        const pid = Number(started?.[1]);
        if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for replica ${i} (${label ?? 'no label'})`);
        process.kill(pid, 'SIGKILL');
        await until(() => lines.some((l) => l.includes(`[${label ?? '?'}]: process has died`)), 10_000, `replica ${i} to die`);
      },
    },
    session,
  );
});
