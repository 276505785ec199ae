/**
 * Bindings: existing ROS topics feeding keys (inputs) and keys' published values going to
 * existing topics (outputs), declared as node parameters of the replica — the ROS idiom of a
 * name list plus one parameter group per name:
 *
 *   bindings:
 *     inputs: [wheel_left]
 *     outputs: [throttle_cmd]
 *     wheel_left:                        # a sensor driver's topic → key `speed`, as writer sensor_a
 *       topic: /wheel_speed/left
 *       type: std_msgs/msg/Float64
 *       field: data                      # e.g. twist.linear.x, values[2]
 *       key: speed
 *       writer: sensor_a                 # must be authorised for the key and hosted on this replica
 *       scale: 1.0                       # optional: value = field * scale + offset
 *       offset: 0.0
 *       qos: { profile: sensor_data }    # optional, see qos.ts
 *     throttle_cmd:                      # key `throttle` → an actuator driver's topic
 *       key: throttle
 *       topic: /vehicle/throttle_cmd
 *       type: std_msgs/msg/Float64
 *       field: data
 *       on: published                    # or agreed: wait until the slot is agreed
 *       stamp: header.stamp              # optional: a builtin_interfaces/Time field set to the publish time
 *       constants:                       # optional: fixed fields of the message
 *         header: { frame_id: base_link }
 *
 * `parseBindingsParams` checks the parameters alone (names, paths, types, topics);
 * `planBindings` checks them against the cluster (keys, writers, this replica) and the
 * message schemas (fields exist, types fit), reporting every problem at once.
 */
import type { KeySchema, Value, ValueType } from '@bftkvs/core';
import { ConfigError } from '@bftkvs/core';
import { z } from 'zod';
import type { ArrayFill, FieldPath } from './fieldPath.js';
import { formatFieldPath, getAtPath, parseFieldPath, setAtPath } from './fieldPath.js';
import type { Conversion } from './mapping.js';
import { constantValue, inputCompatProblem, inputValue, outputCompatProblem, outputValue } from './mapping.js';
import type { FieldType, SchemaLookup } from './messageSchema.js';
import { describeFieldType, parseInterfaceType, resolveFieldPath } from './messageSchema.js';
import { topicNameProblem } from './names.js';
import type { RosParamMap, RosParamValue } from './params.js';
import { ParamGroupError, flattenGroup, groupParams } from './params.js';
import type { QosConfig } from './qos.js';
import { ROS2_QOS_DEFAULTS, parseQos, qosInput } from './qos.js';
import { timeMsgFromUs } from './rosMessages.js';

export const BINDINGS_PARAM = 'bindings';
/** At most this many bindings per replica (each is a subscription or publisher). */
export const MAX_BINDINGS = 256;
const TIME_MSG = 'builtin_interfaces/msg/Time';

export interface InputBindingConfig {
  readonly name: string;
  readonly topic: string;
  /** `pkg/msg/Name`. */
  readonly type: string;
  readonly field: FieldPath;
  readonly key: string;
  readonly writer: string;
  readonly scale: number;
  readonly offset: number;
  readonly qos: QosConfig;
}

export interface ConstantField {
  readonly path: FieldPath;
  readonly value: RosParamValue;
}

export interface OutputBindingConfig {
  readonly name: string;
  readonly key: string;
  readonly topic: string;
  readonly type: string;
  readonly field: FieldPath;
  readonly scale: number;
  readonly offset: number;
  /** For a float64[N] key: publish only this element (0-based), as a float64 value. */
  readonly element: number | undefined;
  /** 'published': at the slot's publish time; 'agreed': once the slot is agreed (fast mode: after synchronisation). */
  readonly on: 'published' | 'agreed';
  readonly stamp: FieldPath | undefined;
  readonly constants: readonly ConstantField[];
  readonly qos: QosConfig;
}

export interface BindingsConfig {
  readonly inputs: readonly InputBindingConfig[];
  readonly outputs: readonly OutputBindingConfig[];
}

export const NO_BINDINGS: BindingsConfig = { inputs: [], outputs: [] };

const BINDING_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const RESERVED = new Set(['inputs', 'outputs']);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const paramValue = z.union([z.boolean(), z.number(), z.string(), z.array(z.boolean()), z.array(z.number()), z.array(z.string())]);

const inputSchema = z.strictObject({
  topic: z.string(),
  type: z.string(),
  field: z.string(),
  key: z.string(),
  writer: z.string(),
  scale: finite.default(1),
  offset: finite.default(0),
  qos: z.unknown().optional(),
});

const outputSchema = z.strictObject({
  key: z.string(),
  topic: z.string(),
  type: z.string(),
  field: z.string(),
  scale: finite.default(1),
  offset: finite.default(0),
  element: z.number().int().min(0).max(63).optional(),
  on: z.enum(['published', 'agreed']).default('published'),
  stamp: z.string().optional(),
  constants: z.record(z.string(), z.unknown()).optional(),
  qos: z.unknown().optional(),
});

function bindingsError(problems: readonly string[]): ConfigError {
  return new ConfigError(`invalid bindings:\n  - ${problems.join('\n  - ')}`);
}

function nameList(raw: unknown, what: string, problems: string[]): string[] {
  if (raw === undefined) return [];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    problems.push(`${what} must be a list of binding names`);
    return [];
  }
  const out: string[] = [];
  for (const n of list as string[]) {
    if (!BINDING_NAME.test(n) || RESERVED.has(n)) problems.push(`${what}: '${n}' is not a binding name (a letter or _, then letters, digits or _; not 'inputs'/'outputs')`);
    else if (out.includes(n)) problems.push(`${what}: '${n}' is listed twice`);
    else out.push(n);
  }
  return out;
}

function issues(err: z.ZodError, prefix: string): string[] {
  return err.issues.map((i) => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`);
}

/** The bindings declared in a node's parameters (`bindings.*`); throws ConfigError listing every problem. */
export function parseBindingsParams(params: RosParamMap): BindingsConfig {
  let group: Record<string, unknown> | undefined;
  try {
    group = groupParams(params, BINDINGS_PARAM);
  } catch (e) {
    if (e instanceof ParamGroupError) throw bindingsError([e.message]);
    throw e;
  }
  if (group === undefined) return NO_BINDINGS;
  const problems: string[] = [];
  const inputNames = nameList(group['inputs'], 'bindings.inputs', problems);
  const outputNames = nameList(group['outputs'], 'bindings.outputs', problems);
  for (const n of inputNames) if (outputNames.includes(n)) problems.push(`'${n}' is listed in both bindings.inputs and bindings.outputs`);
  if (inputNames.length + outputNames.length > MAX_BINDINGS) problems.push(`at most ${MAX_BINDINGS} bindings per replica`);
  for (const k of Object.keys(group)) {
    if (RESERVED.has(k)) continue;
    if (!inputNames.includes(k) && !outputNames.includes(k)) problems.push(`bindings.${k} is not listed in bindings.inputs or bindings.outputs`);
  }

  const inputs: InputBindingConfig[] = [];
  for (const name of inputNames) {
    const prefix = `bindings.${name}`;
    const raw = group[name];
    if (raw === undefined) {
      problems.push(`${prefix} is listed in bindings.inputs but not configured (${prefix}.topic, .type, .field, .key, .writer)`);
      continue;
    }
    const parsed = inputSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...issues(parsed.error, prefix));
      continue;
    }
    const d = parsed.data;
    const common = commonChecks(prefix, d, ROS2_QOS_DEFAULTS.input, problems);
    if (common === undefined) continue;
    inputs.push({ name, topic: d.topic, type: common.type, field: common.field, key: d.key, writer: d.writer, scale: d.scale, offset: d.offset, qos: common.qos });
  }

  const outputs: OutputBindingConfig[] = [];
  for (const name of outputNames) {
    const prefix = `bindings.${name}`;
    const raw = group[name];
    if (raw === undefined) {
      problems.push(`${prefix} is listed in bindings.outputs but not configured (${prefix}.key, .topic, .type, .field)`);
      continue;
    }
    const parsed = outputSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...issues(parsed.error, prefix));
      continue;
    }
    const d = parsed.data;
    const common = commonChecks(prefix, d, ROS2_QOS_DEFAULTS.output, problems);
    if (common === undefined) continue;
    let stamp: FieldPath | undefined;
    if (d.stamp !== undefined) {
      const p = parseFieldPath(d.stamp);
      if (!p.ok) problems.push(`${prefix}.stamp: ${p.reason}`);
      else stamp = p.path;
    }
    const constants: ConstantField[] = [];
    for (const [pathText, value] of flattenGroup(d.constants ?? {})) {
      const p = parseFieldPath(pathText);
      const v = paramValue.safeParse(value);
      if (!p.ok) problems.push(`${prefix}.constants.${pathText}: ${p.reason}`);
      else if (!v.success) problems.push(`${prefix}.constants.${pathText}: must be a boolean, number, string or a list of one of them`);
      else constants.push({ path: p.path, value: v.data });
    }
    const taken = [common.field, ...(stamp === undefined ? [] : [stamp])];
    for (const c of constants) {
      for (const t of taken) if (overlaps(c.path, t)) problems.push(`${prefix}.constants.${formatFieldPath(c.path)} overlaps '${formatFieldPath(t)}', which the binding sets`);
    }
    if (stamp !== undefined && overlaps(stamp, common.field)) problems.push(`${prefix}.stamp '${formatFieldPath(stamp)}' overlaps the field '${formatFieldPath(common.field)}'`);
    outputs.push({ name, key: d.key, topic: d.topic, type: common.type, field: common.field, scale: d.scale, offset: d.offset, element: d.element, on: d.on, stamp, constants, qos: common.qos });
  }

  if (problems.length > 0) throw bindingsError(problems);
  return { inputs, outputs };
}

function commonChecks(
  prefix: string,
  d: { topic: string; type: string; field: string; qos?: unknown },
  qosDefault: QosConfig,
  problems: string[],
): { type: string; field: FieldPath; qos: QosConfig } | undefined {
  const before = problems.length;
  const topicProblem = topicNameProblem(d.topic);
  if (topicProblem !== undefined) problems.push(`${prefix}.topic: ${topicProblem}`);
  const type = parseInterfaceType(d.type, 'msg');
  if (!type.ok) problems.push(`${prefix}.type: ${type.reason}`);
  const field = parseFieldPath(d.field);
  if (!field.ok) problems.push(`${prefix}.field: ${field.reason}`);
  const q = qosInput.safeParse(d.qos);
  let qos: QosConfig = qosDefault;
  if (!q.success) problems.push(...issues(q.error, `${prefix}.qos`));
  else {
    const r = parseQos(q.data, qosDefault, `${prefix}.qos`);
    if (!r.ok) problems.push(r.reason);
    else qos = r.qos;
  }
  if (problems.length > before || !type.ok || !field.ok) return undefined;
  return { type: type.type, field: field.path, qos };
}

/** Whether one path is a prefix of the other (they would write the same part of a message). */
function overlaps(a: FieldPath, b: FieldPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.kind !== y.kind) return false;
    if (x.kind === 'field' && y.kind === 'field' && x.name !== y.name) return false;
    if (x.kind === 'index' && y.kind === 'index' && x.index !== y.index) return false;
  }
  return true;
}

// --- planning against the cluster and the message schemas ----------------------------------

export interface BindingCluster {
  readonly replicaId: number;
  readonly keys: ReadonlyMap<string, KeySchema>;
  /** Writer id → hosting replica. */
  readonly writers: ReadonlyMap<string, number>;
}

export interface InputPlan {
  readonly binding: InputBindingConfig;
  readonly leaf: FieldType;
  readonly schema: KeySchema;
  /** The key value carried by a received message. */
  extract(message: unknown): Conversion<Value>;
}

export interface OutputPlan {
  readonly binding: OutputBindingConfig;
  readonly leaf: FieldType;
  readonly schema: KeySchema;
  /** The message to publish for a slot's value. */
  build(value: Value, publishTimeUs: number): Conversion<Record<string, unknown>>;
}

export interface BindingPlans {
  readonly inputs: readonly InputPlan[];
  readonly outputs: readonly OutputPlan[];
}

/**
 * Checks every binding against the cluster and the message schemas and prepares the per-message
 * work; throws ConfigError listing every problem (unknown key or type, writer not authorised
 * or hosted elsewhere, missing field, type mismatch, bad constant).
 */
export function planBindings(cfg: BindingsConfig, cluster: BindingCluster, lookup: SchemaLookup): BindingPlans {
  const problems: string[] = [];
  const inputs: InputPlan[] = [];
  const outputs: OutputPlan[] = [];

  for (const b of cfg.inputs) {
    const prefix = `bindings.${b.name}`;
    const schema = cluster.keys.get(b.key);
    if (schema === undefined) problems.push(`${prefix}.key: unknown key '${b.key}' (configured keys: ${[...cluster.keys.keys()].join(', ') || 'none'})`);
    else if (!schema.writers.includes(b.writer)) problems.push(`${prefix}.writer: '${b.writer}' is not an authorised writer of key '${b.key}' (authorised: ${schema.writers.join(', ')})`);
    const host = cluster.writers.get(b.writer);
    if (host === undefined) problems.push(`${prefix}.writer: '${b.writer}' is not a writer of the cluster (cluster.writers)`);
    else if (host !== cluster.replicaId) problems.push(`${prefix}.writer: '${b.writer}' is hosted on replica ${host}; bind it in replica_${host}'s parameters, not replica_${cluster.replicaId}'s`);
    const r = resolveFieldPath(lookup, b.type, b.field);
    if (!r.ok) {
      problems.push(`${prefix}.${r.reason.startsWith('unknown message type') ? 'type' : 'field'}: ${r.reason}`);
      continue;
    }
    if (schema === undefined) continue;
    const leaf = r.resolved.leaf;
    const mismatch = inputCompatProblem(leaf, schema.type, b.scale, b.offset);
    if (mismatch !== undefined) {
      problems.push(`${prefix}: ${b.type} '${formatFieldPath(b.field)}' (${describeFieldType(leaf)}) cannot feed key '${b.key}': ${mismatch}`);
      continue;
    }
    const keyType = schema.type;
    inputs.push({
      binding: b,
      leaf,
      schema,
      extract(message: unknown): Conversion<Value> {
        const at = getAtPath(message, b.field);
        if (!at.ok) return at;
        return inputValue(keyType, at.value, b.scale, b.offset);
      },
    });
  }

  for (const b of cfg.outputs) {
    const prefix = `bindings.${b.name}`;
    const schema = cluster.keys.get(b.key);
    if (schema === undefined) problems.push(`${prefix}.key: unknown key '${b.key}' (configured keys: ${[...cluster.keys.keys()].join(', ') || 'none'})`);
    // The value type the binding publishes: the key's, or one element of a float64[N] key.
    let keyType: ValueType | undefined = schema?.type;
    if (schema !== undefined && b.element !== undefined) {
      if (schema.type.kind !== 'float64[]') {
        problems.push(`${prefix}.element: key '${b.key}' is ${schema.type.kind}, not a float64[N] vector; remove 'element'`);
        keyType = undefined;
      } else if (b.element >= schema.type.length) {
        problems.push(`${prefix}.element: ${b.element} is out of range for key '${b.key}' (float64[${schema.type.length}]: 0..${schema.type.length - 1})`);
        keyType = undefined;
      } else keyType = { kind: 'float64' };
    }
    const r = resolveFieldPath(lookup, b.type, b.field);
    if (!r.ok) {
      problems.push(`${prefix}.${r.reason.startsWith('unknown message type') ? 'type' : 'field'}: ${r.reason}`);
      continue;
    }
    const leaf = r.resolved.leaf;
    const fills = r.resolved.fills;
    if (keyType !== undefined) {
      const mismatch = outputCompatProblem(leaf, keyType, b.scale, b.offset);
      const what = b.element === undefined ? `key '${b.key}'` : `element ${b.element} of key '${b.key}'`;
      if (mismatch !== undefined) problems.push(`${prefix}: ${what} cannot be written to ${b.type} '${formatFieldPath(b.field)}' (${describeFieldType(leaf)}): ${mismatch}`);
    }
    let stampFills: readonly (ArrayFill | undefined)[] = [];
    if (b.stamp !== undefined) {
      const s = resolveFieldPath(lookup, b.type, b.stamp);
      if (!s.ok) problems.push(`${prefix}.stamp: ${s.reason}`);
      else if (s.resolved.leaf.array !== undefined || s.resolved.leaf.base.kind !== 'message' || s.resolved.leaf.base.type !== TIME_MSG) {
        problems.push(`${prefix}.stamp: '${formatFieldPath(b.stamp)}' is ${describeFieldType(s.resolved.leaf)}, not a ${TIME_MSG}`);
      } else stampFills = s.resolved.fills;
    }
    const constants: { path: FieldPath; value: unknown; fills: readonly (ArrayFill | undefined)[] }[] = [];
    for (const c of b.constants) {
      const cr = resolveFieldPath(lookup, b.type, c.path);
      if (!cr.ok) {
        problems.push(`${prefix}.constants.${formatFieldPath(c.path)}: ${cr.reason}`);
        continue;
      }
      const v = constantValue(cr.resolved.leaf, c.value);
      if (!v.ok) problems.push(`${prefix}.constants.${formatFieldPath(c.path)}: ${v.reason}`);
      else constants.push({ path: c.path, value: v.value, fills: cr.resolved.fills });
    }
    if (schema === undefined || keyType === undefined) continue;
    const outType = keyType;
    const element = b.element;
    outputs.push({
      binding: b,
      leaf,
      schema,
      build(value: Value, publishTimeUs: number): Conversion<Record<string, unknown>> {
        let published: Value = value;
        if (element !== undefined) {
          const x = Array.isArray(value) ? (value as readonly unknown[])[element] : undefined;
          if (typeof x !== 'number') return { ok: false, reason: `the value has no element ${element}` };
          published = x;
        }
        const v = outputValue(leaf, outType, published, b.scale, b.offset);
        if (!v.ok) return v;
        const msg: Record<string, unknown> = {};
        try {
          for (const c of constants) setAtPath(msg, c.path, structuredCloneValue(c.value), c.fills);
          if (b.stamp !== undefined) setAtPath(msg, b.stamp, timeMsgFromUs(publishTimeUs), stampFills);
          setAtPath(msg, b.field, v.value, fills);
        } catch (e) {
          return { ok: false, reason: e instanceof Error ? e.message : String(e) };
        }
        return { ok: true, value: msg };
      },
    });
  }

  if (problems.length > 0) throw bindingsError(problems);
  return { inputs, outputs };
}

/** Constants are shared between messages; lists are copied so one message cannot change the next. */
function structuredCloneValue(v: unknown): unknown {
  return Array.isArray(v) ? [...(v as unknown[])] : v;
}
