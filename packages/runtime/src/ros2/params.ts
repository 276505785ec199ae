/**
 * Node parameters as ROS hands them to a node: flat dotted names (`bindings.wheel_left.topic`)
 * with scalar or homogeneous-list values. The shape is the one `@bftkvs/launch`'s
 * `loadNodeParameters` returns; it is restated here so the runtime does not depend on the
 * launch package.
 *
 * Two jobs: regroup a prefix of the flat map into nested objects for validation, and turn
 * every parameter into a ROS parameter declaration (type + value in rclnodejs's
 * representation) so `ros2 param list/get` show what the node runs with.
 */
export type RosParamScalar = boolean | number | string;
export type RosParamValue = RosParamScalar | readonly boolean[] | readonly number[] | readonly string[];
export type RosParamMap = Readonly<Record<string, RosParamValue>>;

/** rcl's ParameterType values (rcl_interfaces/msg/ParameterType). */
export const PARAMETER_TYPE = {
  NOT_SET: 0,
  BOOL: 1,
  INTEGER: 2,
  DOUBLE: 3,
  STRING: 4,
  BYTE_ARRAY: 5,
  BOOL_ARRAY: 6,
  INTEGER_ARRAY: 7,
  DOUBLE_ARRAY: 8,
  STRING_ARRAY: 9,
} as const;

export interface RosParameterDecl {
  readonly name: string;
  readonly type: (typeof PARAMETER_TYPE)[keyof typeof PARAMETER_TYPE];
  /** In rclnodejs's representation: integers are `bigint`. */
  readonly value: boolean | bigint | number | string | readonly boolean[] | readonly bigint[] | readonly number[] | readonly string[];
}

/**
 * The ROS parameter declaration for a node parameter. Integral numbers become INTEGER
 * (bftkvs's launcher reads `2.0` as 2, so a YAML float with no fraction shows as an integer);
 * a number list with any fraction is a DOUBLE_ARRAY; an empty list is a STRING_ARRAY.
 */
export function rosParameterDecl(name: string, value: RosParamValue): RosParameterDecl {
  if (typeof value === 'boolean') return { name, type: PARAMETER_TYPE.BOOL, value };
  if (typeof value === 'string') return { name, type: PARAMETER_TYPE.STRING, value };
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { name, type: PARAMETER_TYPE.INTEGER, value: BigInt(value) } : { name, type: PARAMETER_TYPE.DOUBLE, value };
  }
  const list = value as readonly unknown[];
  if (list.length === 0) return { name, type: PARAMETER_TYPE.STRING_ARRAY, value: [] };
  if (list.every((v) => typeof v === 'boolean')) return { name, type: PARAMETER_TYPE.BOOL_ARRAY, value: [...(list as boolean[])] };
  if (list.every((v) => typeof v === 'string')) return { name, type: PARAMETER_TYPE.STRING_ARRAY, value: [...(list as string[])] };
  if (list.every((v) => typeof v === 'number')) {
    const nums = list as number[];
    return nums.every((n) => Number.isSafeInteger(n))
      ? { name, type: PARAMETER_TYPE.INTEGER_ARRAY, value: nums.map((n) => BigInt(n)) }
      : { name, type: PARAMETER_TYPE.DOUBLE_ARRAY, value: [...nums] };
  }
  throw new TypeError(`parameter ${name}: a list must hold one type (booleans, numbers or strings)`);
}

/** Parameters rclnodejs declares itself, or that name QoS overrides: never redeclared. */
export function isReservedParameter(name: string): boolean {
  return name === 'use_sim_time' || name.startsWith('qos_overrides.') || name === 'start_type_description_service';
}

export class ParamGroupError extends Error {
  override readonly name = 'ParamGroupError';
}

/**
 * The parameters under `prefix.` as a nested object (`prefix.a.b: 1` → `{a: {b: 1}}`), or
 * undefined when there are none. A name that is both a value and a group
 * (`prefix.a: 1` and `prefix.a.b: 2`) is an error naming both. `prefix` itself holding a
 * value is an error too.
 */
export function groupParams(params: RosParamMap, prefix: string): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let any = false;
  if (Object.hasOwn(params, prefix)) throw new ParamGroupError(`parameter '${prefix}' must be a group (${prefix}.<name>: ...), not a value`);
  for (const name of Object.keys(params).sort()) {
    if (!name.startsWith(`${prefix}.`)) continue;
    any = true;
    const parts = name.slice(prefix.length + 1).split('.');
    let cur = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part === '') throw new ParamGroupError(`parameter '${name}' has an empty name part`);
      const last = i === parts.length - 1;
      const existing = cur[part];
      if (last) {
        if (existing !== undefined) throw new ParamGroupError(`parameter '${name}' is also a group (${name}.*)`);
        cur[part] = params[name];
      } else {
        if (existing === undefined) {
          const child = Object.create(null) as Record<string, unknown>;
          cur[part] = child;
          cur = child;
        } else if (typeof existing === 'object' && existing !== null && !Array.isArray(existing)) {
          cur = existing as Record<string, unknown>;
        } else {
          throw new ParamGroupError(`parameter '${prefix}.${parts.slice(0, i + 1).join('.')}' is a value, so '${name}' cannot be under it`);
        }
      }
    }
  }
  return any ? toPlain(root) : undefined;
}

/** Null-prototype maps become ordinary objects (zod and tests expect plain objects). */
function toPlain(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const value = typeof v === 'object' && v !== null && !Array.isArray(v) ? toPlain(v as Record<string, unknown>) : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The inverse of grouping for a sub-tree: `{header: {frame_id: 'x'}}` → `[['header.frame_id', 'x']]`. */
export function flattenGroup(group: Readonly<Record<string, unknown>>, base = ''): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(group)) {
    const name = base === '' ? k : `${base}.${k}`;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) out.push(...flattenGroup(v as Record<string, unknown>, name));
    else out.push([name, v]);
  }
  return out;
}
