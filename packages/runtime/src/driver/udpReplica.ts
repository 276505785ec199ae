/**
 * The usual deployment wiring of one replica over UDP, from the cluster file's endpoints and
 * the node's key file: a peer socket on endpoints[id].host:port with routes to every other
 * replica, a client socket on endpoints[id].clientHost:clientPort whose reply address is
 * learned only from authenticated client frames, and a ReplicaDriver around them. Creating
 * the replica itself (core's createReplica) stays with the caller.
 */
import type { NodeKeys, Replica } from '@bftkvs/core';
import { clusterIdOf } from '@bftkvs/core';
import { clientIndexOf } from '@bftkvs/msgs';
import type { Clock } from '../clock.js';
import type { ReplicaEndpoint } from '../config.js';
import { UdpTransport } from '../transport/index.js';
import { authenticatedClientRoute } from './clientRoute.js';
import { ReplicaDriver } from './replicaDriver.js';

export interface UdpReplicaOptions {
  readonly replica: Replica;
  readonly clusterName: string;
  readonly endpoints: readonly ReplicaEndpoint[];
  readonly keys: NodeKeys;
  readonly clock: Clock;
  /** SO_RCVBUF of the peer socket (bursts of protocol traffic); default: the OS's. */
  readonly receiveBufferBytes?: number;
  readonly maxTickIntervalMs?: number;
}

/**
 * Binds both sockets and returns the driver, not yet started (attach event listeners, then
 * call start()). On a bind error nothing stays open.
 */
export async function openUdpReplicaDriver(opts: UdpReplicaOptions): Promise<ReplicaDriver> {
  const id = opts.replica.id;
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
  const driver = new ReplicaDriver({
    replica: opts.replica,
    clock: opts.clock,
    transport: peers,
    clientTransport: clients,
    clientRouteGuard: authenticatedClientRoute({ clusterId: clusterIdOf(opts.clusterName), replica: id, clientKey }),
    ...(opts.maxTickIntervalMs === undefined ? {} : { maxTickIntervalMs: opts.maxTickIntervalMs }),
  });
  return driver;
}
