/**
 * End to end with the real core replicas: 4 replicas, each run by a ReplicaDriver, each
 * node's writer writing through its own KvsClient, then every node's client reading the
 * slot back from its own replica. In-process (fast mode) and over UDP on loopback (crash
 * mode). Timing bounds are set loose (Δ 20 ms) because the test machine is shared.
 */
import test from 'ava';
import type { ClusterConfig, Mode, NodeKeys, ReplicaEvent } from '@bftkvs/core';
import { createFuseRegistry, createReplica, deriveClusterKeysForTesting, nobleCrypto, parseClusterConfig } from '@bftkvs/core';
import { clientIndexOf } from '@bftkvs/msgs';
import type { ReplicaEndpoint } from '@bftkvs/runtime';
import { InprocHub, ReplicaDriver, SystemClock, UdpTransport, openUdpReplicaDriver } from '@bftkvs/runtime';
import { KvsClient } from './kvsClient.js';

const fuse = createFuseRegistry();
const clock = new SystemClock();
const PERIOD_US = 10_000;

function config(mode: Mode): ClusterConfig {
  return parseClusterConfig(
    {
      cluster: {
        name: `it-${mode}`,
        mode,
        replicas: 4,
        f: 1,
        writers: { wheel_a: 0, wheel_b: 1, wheel_c: 2 },
        timing: { networkDelayMs: 20, clockSkewMs: 1, processingMs: 5 },
      },
      keys: { speed: { type: 'float64', periodMs: PERIOD_US / 1_000, writers: ['wheel_a', 'wheel_b', 'wheel_c'], fuse: 'median' } },
    },
    fuse,
  );
}

interface Node {
  readonly driver: ReplicaDriver;
  readonly client: KvsClient;
  readonly events: ReplicaEvent[];
}

/** Free loopback UDP ports (bound and released; a tiny race with other processes is accepted in tests). */
async function freePorts(n: number): Promise<number[]> {
  const socks = await Promise.all(Array.from({ length: n }, () => UdpTransport.open({ bind: { port: 0 } })));
  const ports = socks.map((s) => s.address.port);
  await Promise.all(socks.map((s) => s.close()));
  return ports;
}

async function startCluster(mode: Mode, transport: 'inproc' | 'udp'): Promise<{ cfg: ClusterConfig; nodes: Node[]; stop: () => Promise<void> }> {
  const cfg = config(mode);
  const keys = deriveClusterKeysForTesting(`it-${mode}`, 4);
  const incarnation = clock.nowUs();
  const hub = new InprocHub();
  const ports = transport === 'udp' ? await freePorts(8) : [];
  const endpoints: ReplicaEndpoint[] = Array.from({ length: 4 }, (_, i) => ({ host: '127.0.0.1', port: ports[2 * i] ?? 0, clientHost: '127.0.0.1', clientPort: ports[2 * i + 1] ?? 0 }));
  const nodes: Node[] = [];
  for (let i = 0; i < 4; i++) {
    const k = keys[i] as NodeKeys;
    const replica = createReplica(cfg, { id: i, keys: k, crypto: nobleCrypto, incarnation, fuse });
    const driver =
      transport === 'udp'
        ? await openUdpReplicaDriver({ replica, clusterName: cfg.name, endpoints, keys: k, clock })
        : new ReplicaDriver({ replica, clock, transport: hub.attach(i) });
    const events: ReplicaEvent[] = [];
    driver.onEvent((e) => events.push(e));
    driver.start();
    const client = await KvsClient.connect({
      keys: k,
      clusterName: cfg.name,
      schemas: cfg.keys,
      ...(transport === 'inproc' ? { transport: hub.attach(clientIndexOf(i)) } : { clientPort: endpoints[i]?.clientPort }),
    });
    nodes.push({ driver, client, events });
  }
  return {
    cfg,
    nodes,
    stop: async () => {
      for (const n of nodes) await n.client.close();
      for (const n of nodes) await n.driver.stop();
      hub.close();
    },
  };
}

for (const [mode, transport] of [
  ['fast', 'inproc'],
  ['crash', 'inproc'],
  ['fast', 'udp'],
  ['crash', 'udp'],
] as const) {
  test.serial(`${mode} mode over ${transport}: three writers write one slot, all four replicas read the same fused value`, async (t) => {
    const { cfg, nodes, stop } = await startCluster(mode, transport);
    t.teardown(stop);
    // A slot comfortably beyond the protocol's lead.
    const publishTimeUs = Math.ceil((clock.nowUs() + cfg.timing.leadUs + 150_000) / PERIOD_US) * PERIOD_US;
    const values: [string, number][] = [
      ['wheel_a', 10.0],
      ['wheel_b', 11.0],
      ['wheel_c', 30.0], // a wrong sensor: the median masks it
    ];
    const acks = await Promise.all(values.map(([writer, v], i) => (nodes[i] as Node).client.write('speed', v, { writer, publishTimeUs })));
    t.deepEqual(
      acks.map((a) => a.publishTimeUs),
      [publishTimeUs, publishTimeUs, publishTimeUs],
    );
    // A write for the same slot at the wrong node is refused with the wire's code.
    await t.throwsAsync((nodes[3] as Node).client.write('speed', 1, { writer: 'wheel_a', publishTimeUs: publishTimeUs + PERIOD_US }), { code: 'NOT_AUTHORISED' });
    await t.throwsAsync((nodes[0] as Node).client.write('speed', 1, { writer: 'wheel_a', publishTimeUs: clock.nowUs() + 1_000 }), { message: /^(TOO_LATE|OFF_GRID)/ });

    while (clock.nowUs() < publishTimeUs + 30_000) await new Promise((r) => setTimeout(r, 10));
    const reads = await Promise.all(nodes.map((n) => n.client.read('speed', publishTimeUs)));
    for (const r of reads) {
      t.is(r.publishTimeUs, publishTimeUs);
      t.is(r.value, 11);
      t.deepEqual(
        r.contributions.map((c) => [c.writer, c.value]),
        values,
      );
    }
    const published = nodes.map((n) => n.events.filter((e) => e.kind === 'published').length);
    t.deepEqual(published, [1, 1, 1, 1], 'each replica published the slot once');
    const h = nodes[0]?.driver.health();
    t.is(h?.driver['replicaErrors'] ?? 0, 0);
    t.log(`${mode}/${transport}: lead ${cfg.timing.leadUs} µs; replica 0 timer lag ${JSON.stringify(h?.timerLag)}; agreed at read: ${reads.map((r) => r.agreed).join(',')}`);
  });
}

test.serial('fast mode over UDP with one replica crashed: the other three still publish the same value', async (t) => {
  const { cfg, nodes, stop } = await startCluster('fast', 'udp');
  t.teardown(stop);
  const crashed = nodes[3] as Node;
  await crashed.client.close();
  await crashed.driver.stop();
  const publishTimeUs = Math.ceil((clock.nowUs() + cfg.timing.leadUs + 150_000) / PERIOD_US) * PERIOD_US;
  const writers = ['wheel_a', 'wheel_b', 'wheel_c'];
  await Promise.all(writers.map((writer, i) => (nodes[i] as Node).client.write('speed', 20 + i, { writer, publishTimeUs })));
  while (clock.nowUs() < publishTimeUs + 30_000) await new Promise((r) => setTimeout(r, 10));
  const reads = await Promise.all(nodes.slice(0, 3).map((n) => n.client.read('speed', publishTimeUs)));
  t.deepEqual(
    reads.map((r) => r.value),
    [21, 21, 21],
  );
  // Frames to the crashed replica are sent into the void; the senders do not stall on it.
  t.is(nodes[0]?.driver.health().driver['replicaErrors'] ?? 0, 0);
});
