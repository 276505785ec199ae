/**
 * What the replica node does differently when its transport is `ros2` (the rest is the
 * runtime's: packages/runtime/src/ros2): the parameters only the ROS side reads, the clock
 * and ROS interface the transport set brings, and the start-up line saying what the replica
 * exposes on the ROS graph.
 *
 * Use in the replica node (see docs/ros.md, "The replica process"):
 *
 *   const set = await openReplicaTransports(p.transport, { ..., params: allParameters });
 *   const ros = ros2Extras(set);
 *   const clock = ros?.clock ?? new SystemClock();          // ROS time, use_sim_time honoured
 *   ... createReplica(cluster, { ..., incarnation: clock.nowUs() }), new ReplicaDriver({ clock, ... })
 *   if (ros !== undefined) {
 *     const attached = attachRos2Interface(ros, driver);    // services, topics, bindings, diagnostics, parameters
 *     this.log.info(attached.summary);
 *     this.onShutdown(attached.close);                      // registered before the driver's hook: runs after driver.stop()
 *   }
 */
import type { ReplicaDriver, ReplicaTransportSet, RosReplicaOptions, Ros2ReplicaTransportSet } from '@bftkvs/runtime';
import { formatFieldPath, formatQos, normaliseNamespace, writeTopic } from '@bftkvs/runtime';

/** Parameter groups read by the ros2 transport (QoS, topics, diagnostics, bindings). */
export const ROS_PARAMETER_PREFIXES = ['ros.', 'bindings.'] as const;
/** Single parameters with a ROS meaning the replica accepts. */
export const ROS_PARAMETER_NAMES = ['use_sim_time'] as const;

/**
 * Whether `name` is a parameter of the ROS side of the replica (so the node framework accepts
 * it although the replica's own parameter table does not declare it).
 */
export function isRosNodeParameter(name: string): boolean {
  return (ROS_PARAMETER_NAMES as readonly string[]).includes(name) || ROS_PARAMETER_PREFIXES.some((p) => name.startsWith(p)) || name.startsWith('qos_overrides.');
}

/** The ros2 extras of a transport set, or undefined for any other transport. */
export function ros2Extras(set: ReplicaTransportSet): Ros2ReplicaTransportSet | undefined {
  const s = set as Partial<Ros2ReplicaTransportSet>;
  return typeof s.attach === 'function' && typeof s.close === 'function' && s.clock !== undefined && s.node !== undefined ? (set as Ros2ReplicaTransportSet) : undefined;
}

export interface AttachedRos2 {
  /** One log line: node, services, topics, bindings. */
  readonly summary: string;
  /** Stops the ROS interface and destroys the node (after the driver stopped). */
  close(): Promise<void>;
}

/** Attaches the replica's ROS interface to its driver (before driver.start()). */
export function attachRos2Interface(set: Ros2ReplicaTransportSet, driver: ReplicaDriver): AttachedRos2 {
  const iface = set.attach(driver);
  return {
    summary: describeRos2(set.node.getFullyQualifiedName(), set.node.namespace(), set.options, iface.declaredParameters.length),
    close: () => set.close(),
  };
}

/** The start-up line of a replica on ROS (pure, for tests and logs). */
export function describeRos2(fqn: string, namespace: string, o: RosReplicaOptions, declaredParameters: number): string {
  const ns = normaliseNamespace(namespace);
  const shared = `${ns === '/' ? '' : ns}/agreed/<key>`;
  const parts = [
    `ROS node ${fqn}`,
    `services ${fqn}/{write,read,status}`,
    o.write.topic ? `write topic ${writeTopic(namespace)}` : 'no write topic',
    o.agreed.topics === 'none'
      ? 'no agreed-value topics'
      : `agreed values on ${[o.agreed.topics !== 'local' ? shared : '', o.agreed.topics !== 'shared' ? `${fqn}/agreed/<key>` : ''].filter((x) => x !== '').join(' and ')}`,
    `frames QoS ${formatQos(o.frames.qos)}`,
    o.diagnostics.periodMs > 0 ? `/diagnostics every ${o.diagnostics.periodMs} ms` : 'no /diagnostics',
    `${declaredParameters} parameters declared`,
  ];
  const ins = o.bindings.inputs.map((b) => `${b.name} (${b.topic} ${b.type} .${formatFieldPath(b.field)} -> ${b.key} as ${b.writer})`);
  const outs = o.bindings.outputs.map((b) => `${b.name} (${b.key} -> ${b.topic} ${b.type} .${formatFieldPath(b.field)}, on ${b.on})`);
  if (ins.length > 0) parts.push(`input bindings: ${ins.join(', ')}`);
  if (outs.length > 0) parts.push(`output bindings: ${outs.join(', ')}`);
  return parts.join('; ');
}
