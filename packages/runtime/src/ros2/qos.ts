/**
 * QoS settings of every ROS endpoint bftkvs creates, from node parameters:
 *
 *   <prefix>.profile:     default | sensor_data | services_default | parameters | system_default
 *   <prefix>.reliability: reliable | best_effort | system_default
 *   <prefix>.history:     keep_last | keep_all | system_default
 *   <prefix>.depth:       1..100000 (keep_last queue length)
 *   <prefix>.durability:  volatile | transient_local | system_default
 *
 * `profile` picks a ROS preset as the base, the other entries override it; without any entry
 * the endpoint's documented default applies (ROS2_QOS_DEFAULTS, docs/ros.md). Values are
 * validated here; converting to an rclnodejs QoS object takes the loaded module, so this file
 * loads nothing.
 */
import type { QoS } from 'rclnodejs';
import { z } from 'zod';
import type { Rclnodejs } from './environment.js';

export type Reliability = 'reliable' | 'best_effort' | 'system_default';
export type History = 'keep_last' | 'keep_all' | 'system_default';
export type Durability = 'volatile' | 'transient_local' | 'system_default';

export interface QosConfig {
  readonly reliability: Reliability;
  readonly history: History;
  /** Queue length for keep_last (ignored by keep_all). */
  readonly depth: number;
  readonly durability: Durability;
}

/** The ROS 2 presets (rmw_qos_profiles.h), by the names rclpy and rclcpp use. */
export const QOS_PROFILES = {
  default: { reliability: 'reliable', history: 'keep_last', depth: 10, durability: 'volatile' },
  sensor_data: { reliability: 'best_effort', history: 'keep_last', depth: 5, durability: 'volatile' },
  services_default: { reliability: 'reliable', history: 'keep_last', depth: 10, durability: 'volatile' },
  parameters: { reliability: 'reliable', history: 'keep_last', depth: 1000, durability: 'volatile' },
  system_default: { reliability: 'system_default', history: 'system_default', depth: 0, durability: 'system_default' },
} as const satisfies Record<string, QosConfig>;
export type QosProfileName = keyof typeof QOS_PROFILES;

/**
 * The defaults of each kind of endpoint, the one place they are set (docs/ros.md explains
 * each choice; every one can be overridden by parameters).
 */
export const ROS2_QOS_DEFAULTS = {
  /**
   * Replica-to-replica frames: the protocol was built for UDP — it tolerates loss, and a frame
   * that arrives after its deadline is useless — so best effort, like a datagram. The depth
   * absorbs one burst (a broadcast to every peer, a state-transfer chunk train).
   */
  frames: { reliability: 'best_effort', history: 'keep_last', depth: 256, durability: 'volatile' },
  /** Published slots: ordinary state topics, ROS's default profile. */
  agreed: QOS_PROFILES.default,
  /** The write topic: commands, reliable; a deep queue so a burst of writes is not dropped. */
  write: { reliability: 'reliable', history: 'keep_last', depth: 100, durability: 'volatile' },
  /** /diagnostics: what diagnostic_aggregator and rqt_robot_monitor expect. */
  diagnostics: QOS_PROFILES.default,
  /**
   * Input bindings subscribe best effort: a best-effort subscription matches both reliable
   * and best-effort publishers, and sensor drivers usually publish with sensor_data QoS.
   */
  input: QOS_PROFILES.sensor_data,
  /** Output bindings publish reliable (matches reliable and best-effort subscribers). */
  output: QOS_PROFILES.default,
} as const satisfies Record<string, QosConfig>;

export const MAX_QOS_DEPTH = 100_000;

export const qosInput = z
  .strictObject({
    profile: z.enum(Object.keys(QOS_PROFILES) as [QosProfileName, ...QosProfileName[]]).optional(),
    reliability: z.enum(['reliable', 'best_effort', 'system_default']).optional(),
    history: z.enum(['keep_last', 'keep_all', 'system_default']).optional(),
    depth: z.number().int().min(0).max(MAX_QOS_DEPTH).optional(),
    durability: z.enum(['volatile', 'transient_local', 'system_default']).optional(),
  })
  .optional();
export type QosInput = z.infer<typeof qosInput>;

export type QosResult = { readonly ok: true; readonly qos: QosConfig } | { readonly ok: false; readonly reason: string };

/** Applies a validated QoS input over `fallback` and checks the combination. */
export function resolveQos(input: QosInput, fallback: QosConfig): QosResult {
  const base: QosConfig = input?.profile !== undefined ? QOS_PROFILES[input.profile] : fallback;
  const qos: QosConfig = {
    reliability: input?.reliability ?? base.reliability,
    history: input?.history ?? base.history,
    depth: input?.depth ?? base.depth,
    durability: input?.durability ?? base.durability,
  };
  if (qos.history === 'keep_last' && qos.depth < 1) return { ok: false, reason: 'depth must be at least 1 with history keep_last' };
  return { ok: true, qos };
}

/** Validates raw (grouped) QoS parameters; `what` prefixes the error, e.g. `ros.frames.qos`. */
export function parseQos(raw: unknown, fallback: QosConfig, what: string): QosResult {
  const parsed = qosInput.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, reason: parsed.error.issues.map((i) => `${[what, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ') };
  }
  const r = resolveQos(parsed.data, fallback);
  return r.ok ? r : { ok: false, reason: `${what}: ${r.reason}` };
}

export function formatQos(q: QosConfig): string {
  return q.history === 'keep_last' ? `${q.reliability}, keep_last ${q.depth}, ${q.durability}` : `${q.reliability}, ${q.history}, ${q.durability}`;
}

// rmw policy values (rmw/types.h); stable across Humble and Jazzy.
const HISTORY = { system_default: 0, keep_last: 1, keep_all: 2 } as const;
const RELIABILITY = { system_default: 0, reliable: 1, best_effort: 2 } as const;
const DURABILITY = { system_default: 0, transient_local: 1, volatile: 2 } as const;

/** An rclnodejs QoS object for `q` (the loaded module is passed in; nothing is imported here). */
export function toRclQos(rcl: Rclnodejs, q: QosConfig): QoS {
  return new rcl.QoS(
    HISTORY[q.history] as QoS.HistoryPolicy,
    q.depth,
    RELIABILITY[q.reliability] as QoS.ReliabilityPolicy,
    DURABILITY[q.durability] as QoS.DurabilityPolicy,
  );
}
