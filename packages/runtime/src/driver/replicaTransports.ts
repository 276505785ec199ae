/**
 * Replica transports by name: how a replica process (packages/nodes, `transport` parameter)
 * gets its sockets. `udp` is the embedded default; `ros2` is the seam for the ROS 2 backend,
 * which registers its factory here (registerReplicaTransport('ros2', ...)) from the module
 * that wraps rclnodejs. Until then, and whenever ROS 2 is not sourced, asking for `ros2`
 * fails with Ros2UnavailableError and the reason, never a stack of native errors.
 */
import type { NodeKeys } from '@bftkvs/core';
import type { RuntimeClusterConfig } from '../config.js';
import { Ros2UnavailableError, detectRos2 } from '../ros2/environment.js';
import type { ReplicaTransportSet } from './udpReplica.js';
import { openUdpReplicaTransports } from './udpReplica.js';

export interface ReplicaTransportContext {
  /** This replica's index. */
  readonly replica: number;
  /** The cluster file's contents (protocol configuration and, for udp, endpoints). */
  readonly config: RuntimeClusterConfig;
  /** This node's keys. */
  readonly keys: NodeKeys;
  /** The ROS identity of the replica node (the ros2 transport names topics after it). */
  readonly nodeName: string;
  readonly namespace: string | undefined;
  /** Node parameters, for transport-specific settings. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The node's logger. */
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Environment (ROS detection); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type ReplicaTransportFactory = (ctx: ReplicaTransportContext) => Promise<ReplicaTransportSet>;

export class UnknownTransportError extends Error {
  override readonly name = 'UnknownTransportError';
}

async function udpFactory(ctx: ReplicaTransportContext): Promise<ReplicaTransportSet> {
  const endpoints = ctx.config.endpoints;
  if (endpoints === undefined) throw new UnknownTransportError(`transport 'udp' needs cluster.endpoints in the cluster file (or a base_port parameter)`);
  return openUdpReplicaTransports({ replica: ctx.replica, clusterName: ctx.config.cluster.name, endpoints, keys: ctx.keys, receiveBufferBytes: 4 << 20 });
}

/** Stands in for the ROS 2 backend until its module registers itself. */
async function ros2Unavailable(ctx: ReplicaTransportContext): Promise<ReplicaTransportSet> {
  const ros = detectRos2(ctx.env ?? process.env);
  if (!ros.available) throw new Ros2UnavailableError(ros.reason);
  throw new Ros2UnavailableError(
    `ROS 2 ${ros.distro} is sourced, but this build registers no 'ros2' replica transport yet; use transport 'udp' (the default). See docs/ros.md.`,
  );
}

const factories = new Map<string, ReplicaTransportFactory>([
  ['udp', udpFactory],
  ['ros2', ros2Unavailable],
]);

/** Adds or replaces a named transport (the ROS 2 backend registers 'ros2'). */
export function registerReplicaTransport(name: string, factory: ReplicaTransportFactory): void {
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(name)) throw new RangeError(`invalid transport name ${JSON.stringify(name)}`);
  factories.set(name, factory);
}

export function replicaTransportNames(): string[] {
  return [...factories.keys()].sort();
}

/** Opens the named transport for a replica; unknown names fail with the list of known ones. */
export async function openReplicaTransports(name: string, ctx: ReplicaTransportContext): Promise<ReplicaTransportSet> {
  const factory = factories.get(name);
  if (factory === undefined) throw new UnknownTransportError(`unknown transport '${name}' (known: ${replicaTransportNames().join(', ')})`);
  return factory(ctx);
}
