/**
 * Shared fixtures for the agreed-mode tests (not a test file: AVA skips names starting with '_').
 */
import type { ClusterInput } from '../cluster.js';
import type { ClusterConfig } from '../cluster.js';
import { makeConfig } from './_testCluster.test.js';

/** 4 replicas (f = 1), 3 wheel sensors on replicas 0, 1, 2, median; small timeouts for fast tests. */
export function agreedInput(over: Partial<ClusterInput['cluster']> = {}, keyOver: Record<string, unknown> = {}, replicas = 4, f = 1): ClusterInput {
  return {
    cluster: {
      name: 'testbed',
      mode: 'agreed',
      replicas,
      f,
      writers: { wheel_a: 0, wheel_b: 1, wheel_c: 2 },
      timing: { networkDelayMs: 1, clockSkewMs: 0.5, processingMs: 0.2, batchIntervalMs: 2, viewChangeTimeoutMs: 30, checkpointInterval: 4 },
      ...over,
    },
    keys: {
      speed: { type: 'float64', periodMs: 10, writers: ['wheel_a', 'wheel_b', 'wheel_c'], fuse: 'median', retention: 20, ...keyOver },
    },
  };
}

export function agreedConfig(over: Partial<ClusterInput['cluster']> = {}, keyOver: Record<string, unknown> = {}, replicas = 4, f = 1): ClusterConfig {
  return makeConfig(agreedInput(over, keyOver, replicas, f));
}
