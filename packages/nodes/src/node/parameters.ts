/**
 * Declared node parameters, as a ROS node declares them: a name, a type, a default (or
 * required), a description, optional constraints. Values come from `--ros-args` (`-p` and
 * params files, merged by @bftkvs/launch exactly as under ros2 launch) and are checked
 * against the declarations before the node does anything: a wrong type, a value out of
 * range or a missing required parameter stops the node at start-up with one message naming
 * every problem. Types are strict as in ROS (a string parameter given `5` is refused, with
 * the quoting hint), except that an integer is accepted where a double is declared.
 */
import type { ParamValue } from '@bftkvs/launch';
import { formatParamValue } from '@bftkvs/launch';

export type ParamType = 'bool' | 'integer' | 'double' | 'string' | 'bool[]' | 'integer[]' | 'double[]' | 'string[]';

export type ParamJsType<T extends ParamType> = T extends 'bool'
  ? boolean
  : T extends 'integer' | 'double'
    ? number
    : T extends 'string'
      ? string
      : T extends 'bool[]'
        ? readonly boolean[]
        : T extends 'string[]'
          ? readonly string[]
          : readonly number[];

export interface ParamSpec<T extends ParamType = ParamType> {
  readonly type: T;
  readonly description: string;
  /** Absent: the parameter is required. */
  readonly default?: ParamJsType<T>;
  /** Allowed values (strings and numbers). */
  readonly choices?: readonly (string | number)[];
  /** Inclusive bounds for numbers (each element of a number list). */
  readonly min?: number;
  readonly max?: number;
  /** Further check; returns the problem, or undefined. */
  validate?(value: ParamJsType<T>): string | undefined;
}

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export type ParamValues<S extends ParamSpecs> = { readonly [K in keyof S]: ParamJsType<S[K]['type']> };

export class ParameterError extends Error {
  override readonly name = 'ParameterError';
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (Array.isArray(v)) return `the list ${JSON.stringify(v)}`;
  return `${typeof v === 'number' ? (Number.isInteger(v) ? 'the integer' : 'the double') : `the ${typeof v}`} ${String(v)}`;
}

/** The problem with `value` for `spec`, or undefined. */
export function checkParamValue(name: string, spec: ParamSpec, value: unknown): string | undefined {
  const bad = (expected: string, hint = ''): string => `parameter '${name}' must be ${expected}, got ${describeValue(value)}${hint}`;
  const scalarOk = (t: string, v: unknown): boolean => {
    switch (t) {
      case 'bool':
        return typeof v === 'boolean';
      case 'integer':
        return typeof v === 'number' && Number.isSafeInteger(v);
      case 'double':
        return typeof v === 'number' && Number.isFinite(v);
      default:
        return typeof v === 'string';
    }
  };
  const list = spec.type.endsWith('[]');
  const elem = list ? spec.type.slice(0, -2) : spec.type;
  const article = elem === 'integer' ? 'an integer' : elem === 'double' ? 'a number' : elem === 'bool' ? 'a boolean (true/false)' : 'a string';
  if (list) {
    if (!Array.isArray(value) || !value.every((x) => scalarOk(elem, x))) return bad(`a list of ${elem} values`);
  } else if (!scalarOk(elem, value)) {
    const hint = elem === 'string' ? ` (quote it: -p ${name}:="'${typeof value === 'string' ? value : formatParamValue(value as ParamValue)}'")` : '';
    return bad(article, hint);
  }
  const items: unknown[] = list ? (value as unknown[]) : [value];
  for (const x of items) {
    if (typeof x === 'number') {
      if (spec.min !== undefined && x < spec.min) return `parameter '${name}' must be at least ${spec.min}, got ${x}`;
      if (spec.max !== undefined && x > spec.max) return `parameter '${name}' must be at most ${spec.max}, got ${x}`;
    }
    if (spec.choices !== undefined && (typeof x === 'string' || typeof x === 'number') && !spec.choices.includes(x)) {
      return `parameter '${name}' must be one of ${spec.choices.map((c) => (c === '' ? "''" : String(c))).join(', ')}, got ${describeValue(x)}`;
    }
  }
  const extra = spec.validate?.(value as never);
  return extra === undefined ? undefined : `parameter '${name}': ${extra}`;
}

/**
 * Resolves every declared parameter from the given values (defaults where absent). Throws
 * ParameterError listing every problem. Undeclared names are returned separately: a node
 * warns about them (a typo would otherwise go unnoticed), as they may be meant for another node.
 */
export function resolveParameters<S extends ParamSpecs>(specs: S, given: Readonly<Record<string, ParamValue>>): { values: ParamValues<S>; undeclared: string[] } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const has = Object.hasOwn(given, name);
    if (!has) {
      if (spec.default === undefined) problems.push(`parameter '${name}' is required (${spec.description}); pass -p ${name}:=VALUE`);
      else values[name] = spec.default;
      continue;
    }
    const v = given[name];
    const problem = checkParamValue(name, spec, v);
    if (problem !== undefined) problems.push(problem);
    else values[name] = v;
  }
  if (problems.length > 0) throw new ParameterError(problems.length === 1 ? (problems[0] as string) : `invalid parameters:\n  ${problems.join('\n  ')}`);
  return { values: values as ParamValues<S>, undeclared: Object.keys(given).filter((k) => !Object.hasOwn(specs, k)) };
}

/** A help text listing the parameters (`<exec> --help`). */
export function formatParameterHelp(specs: ParamSpecs): string[] {
  const width = Math.max(...Object.keys(specs).map((n) => n.length));
  return Object.entries(specs).map(([name, s]) => {
    const facts = [
      s.type,
      s.default === undefined ? 'required' : `default ${s.default === '' ? "''" : formatParamValue(s.default as ParamValue)}`,
      ...(s.choices === undefined ? [] : [`one of ${s.choices.map((c) => (c === '' ? "''" : String(c))).join('|')}`]),
      ...(s.min === undefined ? [] : [`>= ${s.min}`]),
      ...(s.max === undefined ? [] : [`<= ${s.max}`]),
    ];
    return `  ${name.padEnd(width)}  ${s.description} (${facts.join('; ')})`;
  });
}
