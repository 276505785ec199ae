/**
 * The `ros2` replica transport as the replica process gets it by name
 * (`openReplicaTransports('ros2', ctx)`, registered by ./index.ts): one ROS node per replica,
 * named after the replica (`replica_<i>`, or the launch file's name) in the launch file's
 * namespace (`/kvs` when it gives none), carrying
 *
 *   - the replica-to-replica frames (Ros2Transport, QoS from `ros.frames.qos.*`),
 *   - the node's clock (RosClock: ROS time, `use_sim_time` honoured),
 *   - `attach(driver)`: the ROS face of the replica (RosReplicaInterface: services, write
 *     topic, agreed-value topics, bindings, /diagnostics, parameters),
 *   - the UDP client socket of the cluster file's endpoints when it has them, so applications
 *     using the KvsClient keep working next to ROS ones.
 *
 * Order of use: open → `clock` for the replica's incarnation and the driver → `attach(driver)`
 * → `driver.start()`; at shutdown `driver.stop()` → `close()`. Without ROS 2 sourced, opening
 * throws Ros2UnavailableError with the one message of environment.ts and loads nothing.
 */
import type { Node, ParameterType } from 'rclnodejs';
import { clusterIdOf } from '@bftkvs/core';
import { clientIndexOf } from '@bftkvs/msgs';
import type { ClientRouteGuard, ReplicaDriver, ReplicaTransportContext, ReplicaTransportSet } from '../driver/index.js';
import { authenticatedClientRoute } from '../driver/index.js';
import type { Transport } from '../transport/index.js';
import { UdpTransport } from '../transport/index.js';
import { Ros2UnavailableError, detectRos2 } from './environment.js';
import { DEFAULT_ROS_NAMESPACE, normaliseNamespace, replicaNodeName } from './names.js';
import type { RosParamMap, RosParamValue } from './params.js';
import { PARAMETER_TYPE } from './params.js';
import { RosReplicaInterface } from './replicaInterface.js';
import { RosClock } from './rosClock.js';
import type { RosReplicaOptions } from './rosOptions.js';
import { parseRosReplicaOptions } from './rosOptions.js';
import { Ros2Session } from './session.js';
import { Ros2Transport } from './transport.js';

/** How long a replica with use_sim_time waits for the first /clock message. */
export const SIM_TIME_WAIT_MS = 30_000;

export interface Ros2ReplicaTransportSet extends ReplicaTransportSet {
  readonly transport: Ros2Transport;
  readonly clientTransport?: Transport;
  readonly clientRouteGuard?: ClientRouteGuard;
  /** ROS time of the replica's node: give it to the replica (incarnation) and the driver. */
  readonly clock: RosClock;
  readonly node: Node;
  readonly session: Ros2Session;
  readonly options: RosReplicaOptions;
  /** Creates the ROS interface over the driver (before driver.start()). */
  attach(driver: ReplicaDriver): RosReplicaInterface;
  /** Destroys the node (and the session unless it was passed in); after driver.stop(). */
  close(): Promise<void>;
}

export interface Ros2ReplicaTransportContext extends ReplicaTransportContext {
  /** Share an existing session (tests run several replicas in one process); default: open one. */
  readonly session?: Ros2Session;
  /** rcl arguments when the transport opens its own session (default process.argv). */
  readonly argv?: readonly string[];
}

/** The node parameters that are ROS parameter values (the map may carry anything). */
export function rosParamMap(params: Readonly<Record<string, unknown>>): RosParamMap {
  const out: Record<string, RosParamValue> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
    else if (Array.isArray(v) && (v.every((x) => typeof x === 'boolean') || v.every((x) => typeof x === 'string') || v.every((x) => typeof x === 'number' && Number.isFinite(x)))) {
      out[k] = v as RosParamValue;
    }
  }
  return out;
}

export async function openRos2ReplicaTransports(ctx: Ros2ReplicaTransportContext): Promise<Ros2ReplicaTransportSet> {
  // ROS first: without it the user gets the one message naming what to install and source.
  const env = ctx.env ?? process.env;
  const ros = detectRos2(env);
  if (!ros.available) throw new Ros2UnavailableError(ros.reason);
  const params = rosParamMap(ctx.params);
  const options = parseRosReplicaOptions(params);
  const cluster = ctx.config.cluster;

  const ownSession = ctx.session === undefined;
  const session = ctx.session ?? (await Ros2Session.open({ env, ...(ctx.argv === undefined ? {} : { argv: ctx.argv }) }));
  let node: Node | undefined;
  let client: UdpTransport | undefined;
  try {
    session.requireInterfaces();
    const namespace = ctx.namespace === undefined || ctx.namespace === '' ? DEFAULT_ROS_NAMESPACE : normaliseNamespace(ctx.namespace);
    node = session.createNode(ctx.nodeName === '' ? replicaNodeName(ctx.replica) : ctx.nodeName, namespace);
    const useSimTime = params['use_sim_time'];
    if (typeof useSimTime === 'boolean' && useSimTime !== node.getParameter('use_sim_time').value) {
      // The launcher's parameters are authoritative (rcl may have matched them to another node name).
      node.setParameter(new session.rcl.Parameter('use_sim_time', PARAMETER_TYPE.BOOL as ParameterType, useSimTime));
    }
    const clock = RosClock.ofNode(node);
    if (clock.simTime) {
      ctx.log('info', 'use_sim_time: waiting for /clock');
      await clock.waitForTime(SIM_TIME_WAIT_MS);
    }
    const transport = new Ros2Transport({ rcl: session.rcl, node, self: ctx.replica, replicas: cluster.replicas, qos: options.frames.qos });

    let clientRouteGuard: ClientRouteGuard | undefined;
    const ep = ctx.config.endpoints?.[ctx.replica];
    if (ep !== undefined) {
      const clientKey = ctx.keys.macKeys.get(clientIndexOf(ctx.replica));
      if (clientKey === undefined) throw new RangeError(`the key file of replica ${ctx.replica} has no client-endpoint key`);
      client = await UdpTransport.open({ bind: { host: ep.clientHost, port: ep.clientPort }, name: `replica ${ctx.replica} client endpoint` });
      clientRouteGuard = authenticatedClientRoute({ clusterId: clusterIdOf(cluster.name), replica: ctx.replica, clientKey });
    }

    const theNode = node;
    let iface: RosReplicaInterface | undefined;
    let closed = false;
    ctx.log('info', `ros2: node ${theNode.getFullyQualifiedName()}, frames on ${transport.description}`);
    return {
      transport,
      ...(client === undefined ? {} : { clientTransport: client, clientRouteGuard }),
      clock,
      node: theNode,
      session,
      options,
      attach(driver: ReplicaDriver): RosReplicaInterface {
        if (iface !== undefined) return iface;
        iface = RosReplicaInterface.attach({ rcl: session.rcl, node: theNode, driver, clock, config: cluster, replicaId: ctx.replica, options, params });
        return iface;
      },
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        iface?.close();
        await transport.close();
        await client?.close();
        session.destroyNode(theNode);
        if (ownSession) await session.close();
      },
    };
  } catch (e) {
    await client?.close();
    if (node !== undefined) session.destroyNode(node);
    if (ownSession) await session.close();
    throw e;
  }
}
