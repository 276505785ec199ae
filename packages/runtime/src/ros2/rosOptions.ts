/**
 * The ROS-side settings of a replica node, from its parameters (all optional):
 *
 *   ros.frames.qos.*           QoS of the replica-to-replica frame topics   (default best_effort, keep_last 256)
 *   ros.agreed.topics          shared | local | both | none                  (default both)
 *   ros.agreed.qos.*           QoS of the Slot topics                        (default: ROS default profile)
 *   ros.write.topic            subscribe to <ns>/write                       (default true)
 *   ros.write.qos.*            QoS of the write topic                        (default reliable, keep_last 100)
 *   ros.diagnostics.period_ms  /diagnostics period, 0 = off                  (default 1000)
 *   ros.diagnostics.qos.*      QoS of /diagnostics                           (default: ROS default profile)
 *   bindings.*                 input and output bindings (bindings.ts)
 *
 * `*.qos.*` takes profile / reliability / history / depth / durability (qos.ts). Unknown
 * `ros.*` parameters are errors (a typo must not silently fall back to a default).
 */
import { ConfigError } from '@bftkvs/core';
import { z } from 'zod';
import type { BindingsConfig } from './bindings.js';
import { parseBindingsParams } from './bindings.js';
import type { RosParamMap } from './params.js';
import { ParamGroupError, groupParams } from './params.js';
import type { QosConfig } from './qos.js';
import { ROS2_QOS_DEFAULTS, parseQos } from './qos.js';

export type AgreedTopics = 'shared' | 'local' | 'both' | 'none';

export interface RosReplicaOptions {
  readonly frames: { readonly qos: QosConfig };
  readonly agreed: { readonly topics: AgreedTopics; readonly qos: QosConfig };
  readonly write: { readonly topic: boolean; readonly qos: QosConfig };
  readonly diagnostics: { readonly periodMs: number; readonly qos: QosConfig };
  readonly bindings: BindingsConfig;
}

export const ROS_PARAM = 'ros';
export const DEFAULT_DIAGNOSTICS_PERIOD_MS = 1_000;

const group = z.strictObject({ qos: z.unknown().optional() });
const rosInput = z
  .strictObject({
    frames: group.optional(),
    agreed: z.strictObject({ topics: z.enum(['shared', 'local', 'both', 'none']).optional(), qos: z.unknown().optional() }).optional(),
    write: z.strictObject({ topic: z.boolean().optional(), qos: z.unknown().optional() }).optional(),
    diagnostics: z
      .strictObject({
        period_ms: z
          .number()
          .min(0)
          .max(3_600_000)
          .refine((v) => v === 0 || v >= 10, 'must be 0 (off) or at least 10')
          .optional(),
        qos: z.unknown().optional(),
      })
      .optional(),
  })
  .optional();

/** Reads the `ros.*` and `bindings.*` parameters; throws ConfigError listing every problem. */
export function parseRosReplicaOptions(params: RosParamMap): RosReplicaOptions {
  const problems: string[] = [];
  let raw: Record<string, unknown> | undefined;
  try {
    raw = groupParams(params, ROS_PARAM);
  } catch (e) {
    if (e instanceof ParamGroupError) throw new ConfigError(`invalid ROS parameters:\n  - ${e.message}`);
    throw e;
  }
  const parsed = rosInput.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`invalid ROS parameters:\n  - ${parsed.error.issues.map((i) => `${[ROS_PARAM, ...i.path.map(String)].join('.')}: ${i.message}`).join('\n  - ')}`);
  }
  const d = parsed.data ?? {};
  const qos = (rawQos: unknown, fallback: QosConfig, what: string): QosConfig => {
    const r = parseQos(rawQos, fallback, what);
    if (r.ok) return r.qos;
    problems.push(r.reason);
    return fallback;
  };
  const options = {
    frames: { qos: qos(d.frames?.qos, ROS2_QOS_DEFAULTS.frames, 'ros.frames.qos') },
    agreed: { topics: d.agreed?.topics ?? 'both', qos: qos(d.agreed?.qos, ROS2_QOS_DEFAULTS.agreed, 'ros.agreed.qos') },
    write: { topic: d.write?.topic ?? true, qos: qos(d.write?.qos, ROS2_QOS_DEFAULTS.write, 'ros.write.qos') },
    diagnostics: { periodMs: d.diagnostics?.period_ms ?? DEFAULT_DIAGNOSTICS_PERIOD_MS, qos: qos(d.diagnostics?.qos, ROS2_QOS_DEFAULTS.diagnostics, 'ros.diagnostics.qos') },
  };
  let bindings: BindingsConfig | undefined;
  try {
    bindings = parseBindingsParams(params);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.push(...e.message.split('\n').slice(1).map((l) => l.replace(/^\s*- /, '')));
  }
  if (problems.length > 0 || bindings === undefined) throw new ConfigError(`invalid ROS parameters:\n  - ${problems.join('\n  - ')}`);
  return { ...options, bindings };
}
