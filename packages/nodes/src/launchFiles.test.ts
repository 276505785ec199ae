/**
 * The shipped launch files (launch/*.launch.yaml) evaluate with their defaults and with the
 * fault arguments, every process is a replica node whose parameters pass the replica's own
 * declarations, ids are 0..N-1 of the cluster file they name, and that cluster file loads
 * with the mode and base port the launch passes.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import type { Mode } from '@bftkvs/core';
import { evaluateLaunchFile } from '@bftkvs/launch';
import { loadClusterFile } from '@bftkvs/runtime';
import { REPO_ROOT, nodeResolver } from './_testCluster.test.js';
import { resolveParameters } from './node/parameters.js';
import { REPLICA_PARAMETERS } from './replica/replicaNode.js';
import { isRosNodeParameter } from './ros/ros2Replica.js';

const LAUNCH = join(REPO_ROOT, 'launch');
const files = readdirSync(LAUNCH).filter((f) => f.endsWith('.launch.yaml') || f.endsWith('.launch.xml'));

const expected: Record<string, number> = {
  'cluster.launch.yaml': 4,
  'cluster7.launch.yaml': 7,
  'cluster-crash.launch.yaml': 4,
  'scenario-equivocate.launch.yaml': 4,
  'scenario-crash-restart.launch.yaml': 4,
  'replica.launch.yaml': 1,
};

test('the shipped launch files are the expected ones', (t) => {
  t.deepEqual(files.sort(), Object.keys(expected).sort());
});

for (const file of files) {
  test(`${file}: evaluates; every replica's parameters are valid; the cluster file loads`, (t) => {
    const args: Record<string, string> = file === 'replica.launch.yaml' ? { id: '2' } : {};
    const r = evaluateLaunchFile(join(LAUNCH, file), { args, resolveNode: nodeResolver, findPackageShare: () => REPO_ROOT });
    t.deepEqual(r.warnings, []);
    t.is(r.processes.length, expected[file] ?? -1);
    const ids: number[] = [];
    for (const p of r.processes) {
      t.is(p.rosArgs?.executable, 'replica');
      t.is(p.rosArgs?.package, 'bftkvs');
      const { values, undeclared } = resolveParameters(REPLICA_PARAMETERS, p.rosArgs?.params ?? {});
      // ROS parameters (QoS, bindings, use_sim_time) are read by the ros2 transport, not declared by the node.
      t.deepEqual(undeclared.filter((name) => !isRosNodeParameter(name)), []);
      ids.push(values.replica_id);
      t.is(p.name, `replica_${values.replica_id}`);
      const config = loadClusterFile(values.cluster_file, undefined, { mode: values.mode as Mode, basePort: values.base_port });
      t.is(config.cluster.mode, values.mode as Mode);
      t.true(values.replica_id < config.cluster.replicas);
      if (file !== 'replica.launch.yaml') t.is(r.processes.length, config.cluster.replicas, 'one process per replica of the cluster file');
      t.is(config.endpoints?.[0]?.port, values.base_port);
    }
    if (file !== 'replica.launch.yaml') t.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => i));
  });
}

test('fault and mode arguments reach the right replica', (t) => {
  const r = evaluateLaunchFile(join(LAUNCH, 'cluster.launch.yaml'), {
    args: { fault_2: 'equivocate:+30,delay-out:2ms', mode: 'crash', base_port: '9100' },
    resolveNode: nodeResolver,
  });
  const params = r.processes.map((p) => p.rosArgs?.params ?? {});
  t.deepEqual(
    params.map((p) => p['fault']),
    ['none', 'none', 'equivocate:+30,delay-out:2ms', 'none'],
  );
  t.true(params.every((p) => p['mode'] === 'crash' && p['base_port'] === 9100));
  const s = evaluateLaunchFile(join(LAUNCH, 'scenario-crash-restart.launch.yaml'), { resolveNode: nodeResolver });
  t.is(s.processes[1]?.rosArgs?.params['fault'], 'crash-at:15s');
  t.true(s.processes.every((p) => p.respawn));
  const e = evaluateLaunchFile(join(LAUNCH, 'scenario-equivocate.launch.yaml'), { resolveNode: nodeResolver });
  t.is(e.processes[3]?.rosArgs?.params['fault'], 'equivocate:+50');
  t.throws(() => evaluateLaunchFile(join(LAUNCH, 'cluster.launch.yaml'), { args: { mode: 'eventual' }, resolveNode: nodeResolver }), { message: /fast|choice|eventual/ });
});
