import test from 'ava';
import { ConfigError } from './errors.js';
import { createFuseRegistry } from './fuse/index.js';
import { clusterIdOf, deriveTiming, minReplicas, parseClusterConfig } from './cluster.js';

const fuse = createFuseRegistry();
const keys = { speed: { type: 'float64', periodMs: 10, writers: ['a', 'b', 'c'], fuse: 'median' } };
const cluster = (over: Record<string, unknown> = {}) => ({
  cluster: { name: 'test', mode: 'fast', replicas: 4, f: 1, writers: { a: 0, b: 1, c: 2 }, ...over },
  keys,
});

test('a valid cluster parses with the derived lead as the default', (t) => {
  const c = parseClusterConfig(cluster(), fuse);
  const d = deriveTiming('fast', 1, c.timing);
  t.is(c.timing.leadUs, d.minLeadUs);
  t.is(c.timing.closeBeforeUs, d.closeBeforeUs);
  t.is(c.writers.get('b'), 1);
});

test('the lead grows with f in crash mode (f+1 relay hops) and includes three phases in agreed mode', (t) => {
  const timing = { networkDelayUs: 1000, clockSkewUs: 500, processingUs: 200, batchIntervalUs: 1000 };
  const hop = 1700;
  t.is(deriveTiming('crash', 1, timing).minLeadUs, 2 * hop + 200);
  t.is(deriveTiming('crash', 2, timing).minLeadUs, 3 * hop + 200);
  t.is(deriveTiming('fast', 1, timing).minLeadUs, 1000 + 500 + 400);
  const agreed = deriveTiming('agreed', 1, timing);
  t.is(agreed.closeBeforeUs, 1000 + 3 * 1200 + 500);
  t.is(agreed.minLeadUs, 500 + 1000 + 200 + 1000 + agreed.closeBeforeUs);
});

test('replica counts below 3f+1 (Byzantine) or f+1 (crash) are refused', (t) => {
  t.is(minReplicas('fast', 1), 4);
  t.is(minReplicas('crash', 2), 3);
  t.throws(() => parseClusterConfig(cluster({ replicas: 3 }), fuse), { instanceOf: ConfigError, message: /at least 4 replicas/ });
  t.notThrows(() => parseClusterConfig(cluster({ replicas: 3, mode: 'crash', f: 2 }), fuse));
});

test('writers must be hosted on existing replicas and every key writer must be hosted', (t) => {
  t.throws(() => parseClusterConfig(cluster({ writers: { a: 0, b: 1, c: 9 } }), fuse), { message: /replicas are 0\.\.3/ });
  t.throws(() => parseClusterConfig(cluster({ writers: { a: 0, b: 1 } }), fuse), { message: /writer 'c' is not hosted/ });
});

test('a configured lead below the derived bound is refused', (t) => {
  t.throws(() => parseClusterConfig(cluster({ timing: { leadMs: 0.5 } }), fuse), { message: /leadMs 0.5 is below/ });
  const c = parseClusterConfig(cluster({ timing: { leadMs: 20 } }), fuse);
  t.is(c.timing.leadUs, 20_000);
});

test('cluster ids differ for different names and are stable', (t) => {
  t.is(clusterIdOf('vehicle'), clusterIdOf('vehicle'));
  t.not(clusterIdOf('vehicle'), clusterIdOf('vehicle2'));
});
