/**
 * Test fixture (ava helper): a 4-replica cluster with one key of every value type, writers on
 * replicas 0-2, for the binding and ROS interface tests.
 */
import type { ClusterConfig } from '@bftkvs/core';
import { createFuseRegistry, parseClusterConfig } from '@bftkvs/core';

export const PERIOD_MS = 10;

export function testCluster(mode: 'fast' | 'crash' = 'fast', name = 'ros-test', networkDelayMs = 20): ClusterConfig {
  return parseClusterConfig(
    {
      cluster: {
        name,
        mode,
        replicas: 4,
        f: 1,
        writers: { sensor_a: 0, sensor_b: 1, sensor_c: 2, ctrl_a: 0, ctrl_b: 1, ctrl_c: 2 },
        timing: { networkDelayMs, clockSkewMs: 1, processingMs: 5 },
      },
      keys: {
        speed: { type: 'float64', periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'median' },
        throttle: { type: { kind: 'float64', min: -1, max: 1 }, periodMs: PERIOD_MS, writers: ['ctrl_a', 'ctrl_b', 'ctrl_c'], fuse: 'median' },
        count: { type: 'int64', periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'median' },
        flag: { type: 'bool', periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'majority' },
        gear: { type: { kind: 'enum', values: ['P', 'R', 'N', 'D'] }, periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'majority' },
        label: { type: 'string', periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'majority' },
        accel: { type: { kind: 'float64[]', length: 3 }, periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'componentwiseMedian' },
        pose: { type: { kind: 'struct', fields: { x: 'float64', n: 'int64', ok: 'bool', tag: 'string' } }, periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'majority' },
        'wheel.speed-left': { type: 'float64', periodMs: PERIOD_MS, writers: ['sensor_a', 'sensor_b', 'sensor_c'], fuse: 'median' },
      },
    },
    createFuseRegistry(),
  );
}
