/**
 * The ROS params files shipped in launch/config (ros.yaml: the defaults; ros-vehicle.yaml: the
 * real-vehicle bindings of docs/ros.md) are valid for every replica of launch/config/cluster.yaml:
 * the options parse, and the bindings fit the cluster's keys and writers and the message types.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parse } from 'yaml';
import { loadClusterFile } from '../config.js';
import { planBindings } from './bindings.js';
import { flattenGroup } from './params.js';
import type { RosParamMap, RosParamValue } from './params.js';
import { ROS2_QOS_DEFAULTS } from './qos.js';
import { parseRosReplicaOptions } from './rosOptions.js';
import { testLookup } from './_rosSchemas.test.js';

const CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'launch', 'config');

/** The parameters a params file gives node `fqn` (`/**` first, then `/**\/<name>` entries). */
function paramsFor(file: string, fqn: string): RosParamMap {
  const doc = parse(readFileSync(join(CONFIG, file), 'utf8')) as Record<string, { ros__parameters: Record<string, unknown> }>;
  const out: Record<string, RosParamValue> = {};
  const name = fqn.split('/').pop() as string;
  for (const pattern of ['/**', `/**/${name}`]) {
    const entry = doc[pattern];
    if (entry === undefined) continue;
    for (const [k, v] of flattenGroup(entry.ros__parameters)) out[k] = v as RosParamValue;
  }
  return out;
}

const cluster = loadClusterFile(join(CONFIG, 'cluster.yaml')).cluster;

test('ros.yaml holds exactly the defaults', (t) => {
  for (let i = 0; i < cluster.replicas; i++) {
    const o = parseRosReplicaOptions(paramsFor('ros.yaml', `/kvs/replica_${i}`));
    t.deepEqual(o.frames.qos, ROS2_QOS_DEFAULTS.frames);
    t.deepEqual(o.agreed.qos, ROS2_QOS_DEFAULTS.agreed);
    t.deepEqual(o.write.qos, ROS2_QOS_DEFAULTS.write);
    t.deepEqual(o.diagnostics, parseRosReplicaOptions({}).diagnostics);
    t.is(o.agreed.topics, 'both');
  }
});

test('ros-vehicle.yaml: every replica’s bindings fit the cluster and the message types', (t) => {
  const seen: string[] = [];
  for (let i = 0; i < cluster.replicas; i++) {
    const params = { ...paramsFor('ros.yaml', `/kvs/replica_${i}`), ...paramsFor('ros-vehicle.yaml', `/kvs/replica_${i}`) };
    const o = parseRosReplicaOptions(params);
    const plans = planBindings(o.bindings, { replicaId: i, keys: cluster.keys, writers: cluster.writers }, testLookup);
    seen.push(...plans.inputs.map((p) => `${i}:${p.binding.writer}->${p.binding.key}`), ...plans.outputs.map((p) => `${i}:${p.binding.key}->${p.binding.topic}`));
  }
  t.deepEqual(seen, ['0:wheel_left->speed', '1:wheel_right->speed', '2:wheel_rear->speed', '3:command->/vehicle/actuator/command']);
});

test('ros-bindings.yaml: the issue’s story plans against the shipped cluster and message types', (t) => {
  const seen: string[] = [];
  for (let i = 0; i < cluster.replicas; i++) {
    const params = { ...paramsFor('ros.yaml', `/kvs/replica_${i}`), ...paramsFor('ros-bindings.yaml', `/kvs/replica_${i}`) };
    const plans = planBindings(parseRosReplicaOptions(params).bindings, { replicaId: i, keys: cluster.keys, writers: cluster.writers }, testLookup);
    seen.push(...plans.inputs.map((p) => `${i}:${p.binding.topic}->${p.binding.key}`), ...plans.outputs.map((p) => `${i}:${p.binding.key}[${String(p.binding.element)}]->${p.binding.topic}`));
    for (const p of plans.outputs) t.deepEqual(p.build([0.3, 0.1], 0), { ok: true, value: { data: p.binding.element === 0 ? 0.3 : 0.1 } });
  }
  t.deepEqual(seen, ['0:/wheel_speed/left->speed', '3:command[0]->/vehicle/throttle_cmd', '3:command[1]->/vehicle/brake_cmd']);
});
