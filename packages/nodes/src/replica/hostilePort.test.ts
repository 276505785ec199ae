/**
 * Hostile input on the real ports (issue 4, scope 6): a cluster of 4 real replicas — replica
 * 0 in this process (the ReplicaNode class with its argv, so its driver's and sockets'
 * counters are readable), replicas 1-3 as processes from the shipped launch file — with the
 * redundant-writer workload running, while >= 100k datagrams hit replica 0's replica port and
 * client port: garbage, frame-like prefixes, oversized, replays of genuine frames (captured
 * as they arrived, and the test's own client frames), truncated and bit-flipped genuine
 * frames, forged MACs, wrong cluster ids, and ByzzFuzz-style mutations (on the client port
 * re-sealed with the client key, so they reach the request handlers).
 *
 * Afterwards: nothing crashed or threw, every kind of rejection was counted, no correct
 * replica is suspected, and the cluster still answers — the slots written during and after
 * the flood are agreed with identical, valid values at all four replicas.
 */
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import test from 'ava';
import type { NodeKeys } from '@bftkvs/core';
import { Channel, clientEndpointKeys, clusterIdOf } from '@bftkvs/core';
import type { FaultRng } from '@bftkvs/faults';
import { mutateFrame, nodeFrameCraft } from '@bftkvs/faults';
import type { Body } from '@bftkvs/msgs';
import { MAX_FRAME_BYTES, decodeFrame, encodeFrame } from '@bftkvs/msgs';
import type { FrameHandler, Transport } from '@bftkvs/runtime';
import { keyFileName, loadNodeKeys, nodeCrypto, openReplicaTransports, registerReplicaTransport } from '@bftkvs/runtime';
import { startCluster, until } from '../_testCluster.test.js';
import { checkSlots, common, quiescentReads, run } from '../_workload.test.js';
import { ReplicaNode } from './replicaNode.js';

const PER_PORT = 55_000;

class Rng implements FaultRng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  u32(): number {
    this.s ^= this.s << 13;
    this.s >>>= 0;
    this.s ^= this.s >>> 17;
    this.s ^= this.s << 5;
    this.s >>>= 0;
    return this.s;
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
  int(lo: number, hi: number): number {
    return lo + (this.u32() % (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.u32() % items.length] as T;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

/** Genuine frames arriving at replica 0 from its peers, kept for replaying. */
const captured: Uint8Array[] = [];

/** `udp-tap`: the udp transport, recording the first inbound datagrams (what a sniffer on the path sees). */
registerReplicaTransport('udp-tap', async (ctx) => {
  const set = await openReplicaTransports('udp', ctx);
  const inner = set.transport;
  const tapped: Transport = {
    description: `${inner.description} (tapped)`,
    send: (to, bytes) => inner.send(to, bytes),
    onFrame: (handler: FrameHandler) =>
      inner.onFrame((bytes, from) => {
        if (captured.length < 4_000) captured.push(Uint8Array.from(bytes));
        handler(bytes, from);
      }),
    setRoute: (i, a) => inner.setRoute(i, a),
    route: (i) => inner.route(i),
    close: () => inner.close(),
    counters: () => inner.counters(),
  };
  return { ...set, transport: tapped };
});

type Kind = 'garbage' | 'frame-like' | 'oversized' | 'replayed' | 'truncated' | 'bit-flipped' | 'forged-mac' | 'wrong-cluster' | 'mutated';

function garbage(rng: Rng, frameLike: boolean): Uint8Array {
  const b = rng.bytes(rng.int(0, 400));
  if (frameLike && b.length > 2) {
    b[0] = 0x08; // the version field first, as a real frame
    b[1] = 0x01;
  }
  return b;
}

function corrupt(rng: Rng, genuine: Uint8Array, kind: Kind, mutate: (b: Uint8Array) => Uint8Array): Uint8Array {
  switch (kind) {
    case 'replayed':
      return genuine;
    case 'truncated':
      return genuine.subarray(0, rng.int(0, Math.max(0, genuine.length - 1)));
    case 'bit-flipped': {
      const b = Uint8Array.from(genuine);
      for (let i = rng.int(1, 3); i > 0 && b.length > 0; i--) {
        const at = rng.int(0, b.length - 1);
        b[at] = (b[at] as number) ^ (1 << rng.int(0, 7));
      }
      return b;
    }
    case 'forged-mac': {
      const f = decodeFrame(genuine);
      return f.ok ? encodeFrame({ ...f.value, mac: rng.bytes(32) }) : garbage(rng, true);
    }
    case 'wrong-cluster': {
      const f = decodeFrame(genuine);
      return f.ok ? encodeFrame({ ...f.value, clusterId: (f.value.clusterId + 1) >>> 0 }) : garbage(rng, true);
    }
    case 'mutated':
      return mutate(genuine);
    default:
      return garbage(rng, kind === 'frame-like');
  }
}

const KINDS: readonly (readonly [number, Kind])[] = [
  [18, 'garbage'],
  [7, 'frame-like'],
  [2, 'oversized'],
  [15, 'replayed'],
  [12, 'truncated'],
  [12, 'bit-flipped'],
  [10, 'forged-mac'],
  [8, 'wrong-cluster'],
  [16, 'mutated'],
];

function pickKind(rng: Rng): Kind {
  let x = rng.int(0, KINDS.reduce((a, [w]) => a + w, 0) - 1);
  for (const [w, k] of KINDS) {
    if (x < w) return k;
    x -= w;
  }
  return 'garbage';
}

test.serial('>= 100k hostile datagrams at a replica’s ports: counted, survived, the cluster still agrees', async (t) => {
  const started = Date.now();
  const cluster = await startCluster('cluster.launch.yaml', 4, {}, { skip: ['replica_0'] });
  const logLines: string[] = [];
  const node = new ReplicaNode({
    argv: [
      '--ros-args',
      '-r',
      '__node:=replica_0',
      '-p',
      'replica_id:=0',
      '-p',
      `cluster_file:=${cluster.clusterFile}`,
      '-p',
      `keys_dir:=${cluster.keysDir}`,
      '-p',
      `base_port:=${cluster.basePort}`,
      '-p',
      'mode:=fast',
      '-p',
      'transport:=udp-tap',
      '-p',
      'status_period_s:=0',
    ],
    handleSignals: false,
    logSink: { write: (l: string) => logLines.push(l) },
  });
  await node.start();
  const driver = node.replicaDriver;
  if (driver === undefined) return t.fail('no driver');
  let r: Awaited<ReturnType<typeof run>> | undefined;
  const sock = createSocket('udp4');
  t.teardown(async () => {
    await r?.stop();
    await new Promise<void>((res) => sock.close(() => res()));
    await node.shutdown('test done');
    await cluster.stop();
  });
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', res));

  r = await run(cluster);
  await until(() => common(r as NonNullable<typeof r>, [0, 1, 2, 3]).length >= 5 && captured.length >= 200, 30_000, 'the cluster to agree on 5 slots').catch((e: unknown) => {
    t.log(logLines.join(''));
    throw e;
  });

  // The hostile corpus, built from genuine material: frames captured at replica 0 (peer
  // port), and this test's own client frames under node 0's client key (client port).
  const rng = new Rng(0xb7f1_2026);
  const ep = cluster.config.endpoints?.[0];
  if (ep === undefined) return t.fail('no endpoint');
  const keys0: NodeKeys = loadNodeKeys(join(cluster.keysDir, keyFileName(0)), { replica: 0 });
  const clusterId = clusterIdOf(cluster.config.cluster.name);
  const app = new Channel({ clusterId, keys: clientEndpointKeys(keys0), incarnation: Date.now() * 1_000, crypto: nodeCrypto });
  const craft = nodeFrameCraft(keys0, cluster.config.cluster, nodeCrypto);
  const clientBodies = (i: number): Body => {
    switch (i % 4) {
      case 0:
        return { kind: 'statusRequest', statusRequest: { requestId: i } };
      case 1:
        return { kind: 'readRequest', readRequest: { requestId: i, key: 'speed', earliestUs: 0 } };
      case 2:
        return { kind: 'subscribe', subscribe: { requestId: i, keys: ['speed'], unsubscribe: false, agreedOnly: false } };
      default:
        // A writer no node hosts: always NOT_AUTHORISED, so fuzzing cannot add values to real slots.
        return { kind: 'writeRequest', writeRequest: { requestId: i, key: 'speed', writer: 'mallory', publishTimeUs: 0, value: { kind: 'f64', f64: 1 } } };
    }
  };
  const genuineClient = Array.from({ length: 64 }, (_, i) => app.seal(0, clientBodies(i)));
  const peerMaterial = captured.slice(0, 2_000);
  const counts = new Map<string, number>();
  const corpus = (port: 'peer' | 'client'): Uint8Array => {
    const kind = pickKind(rng);
    counts.set(`${port}.${kind}`, (counts.get(`${port}.${kind}`) ?? 0) + 1);
    if (kind === 'oversized') return new Uint8Array(MAX_FRAME_BYTES + 1 + rng.int(0, 4_000));
    if (port === 'peer') return corrupt(rng, rng.pick(peerMaterial), kind, (b) => mutateFrame(b, rng, undefined));
    // Client mutations are re-sealed with the client key on a fresh sequence number: they pass
    // the MAC and test the request handlers with well-formed-but-wrong and undecodable bodies.
    return corrupt(rng, rng.pick(genuineClient), kind, () => mutateFrame(app.seal(0, clientBodies(rng.int(0, 1_000))), rng, craft));
  };

  const before = driver.health();
  const floodStarted = performance.now();
  let sent = 0;
  let sendErrors = 0;
  const BURST = 32;
  for (let i = 0; i < 2 * PER_PORT; i += BURST) {
    const burst: Promise<void>[] = [];
    for (let j = 0; j < BURST; j++) {
      const port = (i + j) % 2 === 0 ? ep.port : ep.clientPort;
      const b = corpus(port === ep.port ? 'peer' : 'client');
      sent++;
      burst.push(new Promise((res) => sock.send(b, port, '127.0.0.1', (e) => ((e ? sendErrors++ : 0), res()))));
    }
    await Promise.all(burst);
    await new Promise((res) => setImmediate(res));
  }
  const floodSeconds = (performance.now() - floodStarted) / 1_000;
  const after = driver.health();
  const peer = after.transport;
  const client = after.clientTransport ?? {};
  const delta = (now: Readonly<Record<string, number>> | undefined, then: Readonly<Record<string, number>> | undefined, k: string): number => (now?.[k] ?? 0) - (then?.[k] ?? 0);
  // On the replica port the flood is exactly what came from an address that is not a replica
  // (plus the oversized, dropped before that check); the client port also carries the workload.
  const peerArrived = delta(peer, before.transport, 'unexpectedSource') + delta(peer, before.transport, 'droppedOversizeIn');
  const clientArrived = delta(client, before.clientTransport, 'received') + delta(client, before.clientTransport, 'droppedOversizeIn');
  const replica = after.replica;
  if (replica === undefined) return t.fail('no health');
  const counter = (name: string): number => replica.counters.find((c) => c.name === name)?.value ?? 0;
  const rejected = replica.counters.filter((c) => c.name.startsWith('channel.rejected.'));
  t.log(
    `flood: ${sent} datagrams (${PER_PORT} per port) in ${floodSeconds.toFixed(1)} s = ${Math.round(sent / floodSeconds)}/s; arrived: replica port ${peerArrived}, client port ~${clientArrived}; ` +
      `oversized dropped peer ${peer['droppedOversizeIn'] ?? 0} client ${client['droppedOversizeIn'] ?? 0}; ` +
      `rejected: ${rejected.map((c) => `${c.name.slice('channel.rejected.'.length)}=${c.value}`).join(' ')}; ` +
      `frames sent by replica 0 meanwhile: ${(after.driver['framesSent'] ?? 0) - (before.driver['framesSent'] ?? 0)}; timer lag max ${(after.timerLag.maxUs / 1_000).toFixed(1)} ms`,
  );
  t.is(sendErrors, 0);
  t.true(peerArrived >= 0.9 * PER_PORT && clientArrived >= 0.9 * PER_PORT, 'most datagrams reached the replica; the rest were shed by the kernel');
  t.is(after.driver['replicaErrors'] ?? 0, 0, 'the replica never threw');
  t.is(counter('internal-error'), 0, 'no handler faulted');
  t.is(after.lastReplicaError, undefined);
  for (const reason of ['malformed', 'bad-mac', 'replay', 'wrong-cluster']) t.true(counter(`channel.rejected.${reason}`) > 0, `rejections counted: ${reason}`);
  t.true((peer['droppedOversizeIn'] ?? 0) > 0 && (client['droppedOversizeIn'] ?? 0) > 0, 'oversized datagrams dropped and counted on both sockets');
  // Timing suspicions (a primary that seems silent while this process is busy with the
  // flood) are legitimate; a suspicion of a correct replica for what a frame *contained*
  // would mean the flood was attributed to it.
  const contentReasons = new Set(['malformed', 'bad-mac', 'replay', 'bad-authenticator', 'unauthorised-origin', 'bad-signature', 'bad-report', 'bad-state', 'equivocation', 'bad-batch']);
  t.deepEqual(
    replica.suspects.filter((s) => s.node < 4 && contentReasons.has(s.reason)),
    [],
    'nothing in the flood is attributed to a correct replica',
  );

  // The cluster still works: new slots agreed with identical, valid values everywhere.
  const floodEndUs = Date.now() * 1_000;
  await until(() => common(r as NonNullable<typeof r>, [0, 1, 2, 3], floodEndUs).length >= 5, 30_000, 'agreement after the flood');
  const slots = common(r, [0, 1, 2, 3], 0);
  t.deepEqual(checkSlots(r, [0, 1, 2, 3], slots), [], 'every slot agreed during and after the flood is identical and valid');
  const q = await quiescentReads(r, [0, 1, 2, 3]);
  t.log(`suspicions at replica 0 (none may name a replica for content): ${JSON.stringify(replica.suspects.map((x) => `${x.node}:${x.reason}`))}`);
  t.log(`after the flood: ${slots.length} slots agreed by all four during the run; reads agree on ${q.value}; ${Date.now() - started} ms in all`);
  t.log(`corpus: ${[...counts].map(([k, v]) => `${k}=${v}`).join(' ')}`);
});
