/**
 * The usual deployment wiring of one replica over UDP, from the cluster file's endpoints and
 * the node's key file: a peer socket on endpoints[id].host:port with routes to every other
 * replica, a client socket on endpoints[id].clientHost:clientPort whose reply addresses are
 * learned only from authenticated client frames, and a ReplicaDriver around them. Creating
 * the replica itself (core's createReplica) stays with the caller.
 */
import type { NodeKeys, Replica } from '@bftkvs/core';
import { clusterIdOf } from '@bftkvs/core';
import { clientIndexOf } from '@bftkvs/msgs';
import type { Clock } from '../clock.js';
import type { ReplicaEndpoint } from '../config.js';
import type { Transport } from '../transport/index.js';
import { UdpTransport } from '../transport/index.js';
import type { ClientRouteGuard } from './clientRoute.js';
import { authenticatedClientRoute } from './clientRoute.js';
import { ReplicaDriver } from './replicaDriver.js';

export interface UdpReplicaTransportOptions {
  readonly replica: number;
  readonly clusterName: string;
  readonly endpoints: readonly ReplicaEndpoint[];
  readonly keys: NodeKeys;
  /** SO_RCVBUF of the peer socket (bursts of protocol traffic); default: the OS's. */
  readonly receiveBufferBytes?: number;
}

export interface UdpReplicaOptions extends Omit<UdpReplicaTransportOptions, 'replica'> {
  readonly replica: Replica;
  readonly clock: Clock;
  readonly maxTickIntervalMs?: number;
}

/** The two sockets of a replica and the guard for its client socket. */
export interface ReplicaTransportSet {
  /** Replica-to-replica traffic. */
  readonly transport: Transport;
  /** The node's applications (absent when client traffic shares `transport`, as in-process). */
  readonly clientTransport?: Transport;
  /** Which client datagrams may set reply addresses (see clientRoute.ts). */
  readonly clientRouteGuard?: ClientRouteGuard;
}

/** Binds both sockets of replica `replica`; on a bind error nothing stays open. */
export async function openUdpReplicaTransports(opts: UdpReplicaTransportOptions): Promise<ReplicaTransportSet> {
  const id = opts.replica;
  const self = opts.endpoints[id];
  if (self === undefined) throw new RangeError(`no endpoint for replica ${id} (the cluster file lists ${opts.endpoints.length})`);
  if (opts.keys.self !== id) throw new RangeError(`the key file holds the keys of replica ${opts.keys.self}, not ${id}`);
  const clientKey = opts.keys.macKeys.get(clientIndexOf(id));
  if (clientKey === undefined) throw new RangeError(`the key file of replica ${id} has no client-endpoint key`);
  const routes = opts.endpoints.flatMap((e, j) => (j === id ? [] : [[j, { host: e.host, port: e.port }] as const]));
  const peers = await UdpTransport.open({
    bind: { host: self.host, port: self.port },
    routes,
    name: `replica ${id}`,
    ...(opts.receiveBufferBytes === undefined ? {} : { receiveBufferBytes: opts.receiveBufferBytes }),
  });
  let clients: UdpTransport;
  try {
    clients = await UdpTransport.open({ bind: { host: self.clientHost, port: self.clientPort }, name: `replica ${id} client endpoint` });
  } catch (e) {
    await peers.close();
    throw e;
  }
  return {
    transport: peers,
    clientTransport: clients,
    clientRouteGuard: authenticatedClientRoute({ clusterId: clusterIdOf(opts.clusterName), replica: id, clientKey }),
  };
}

/**
 * Binds both sockets and returns the driver, not yet started (attach event listeners, then
 * call start()). On a bind error nothing stays open.
 */
export async function openUdpReplicaDriver(opts: UdpReplicaOptions): Promise<ReplicaDriver> {
  const set = await openUdpReplicaTransports({ ...opts, replica: opts.replica.id });
  return new ReplicaDriver({
    replica: opts.replica,
    clock: opts.clock,
    ...set,
    ...(opts.maxTickIntervalMs === undefined ? {} : { maxTickIntervalMs: opts.maxTickIntervalMs }),
  });
}
