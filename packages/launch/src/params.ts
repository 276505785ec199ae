/**
 * ROS 2 parameters as launch files and `--ros-args` carry them: typed by YAML rules (core
 * schema: `1` is an integer, `1.5` a float, `true` a boolean, `'1'` a string, `[1, 2]` a list),
 * params files in the `<node>: ros__parameters:` form with `/**` and `*` node-name wildcards,
 * and the precedence rule the ROS client libraries apply: entries whose node name has a
 * wildcard first, then entries naming the node exactly, each group in the order given.
 */
import { parse as parseYaml, parseDocument } from 'yaml';

export type ParamScalar = boolean | number | string;
export type ParamValue = ParamScalar | readonly boolean[] | readonly number[] | readonly string[];
export type ParamMap = Readonly<Record<string, ParamValue>>;

export class ParamError extends Error {
  override readonly name = 'ParamError';
}

const PARAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,255}$/;

export function checkParamName(name: string): string {
  if (!PARAM_NAME.test(name) || name.includes('..') || name.endsWith('.')) {
    throw new ParamError(`invalid parameter name ${JSON.stringify(name)} (letters, digits, "_", "." between parts)`);
  }
  return name;
}

/**
 * Types a value written as text (`-p name:=TEXT`, an XML `value="TEXT"`, a substituted value)
 * by YAML rules. With `lenient`, text YAML cannot parse stays a string, as ros2 launch does for
 * attribute values.
 */
export function typeParamText(text: string, opts: { lenient?: boolean } = {}): ParamValue {
  return normalizeParamValue(yamlValue(text, opts), text);
}

/** The YAML value of a text, not yet checked to be a parameter value. */
export function yamlValue(text: string, opts: { lenient?: boolean } = {}): unknown {
  if (text.trim() === '') throw new ParamError(`empty parameter value (write '' for an empty string)`);
  try {
    return parseYaml(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 0 });
  } catch (e) {
    if (opts.lenient === true) return text;
    throw new ParamError(`parameter value ${JSON.stringify(text)} is not valid YAML: ${yamlMessage(e as Error)}`);
  }
}

/** The first line of a `yaml` library error, without its "at line L, column C" suffix. */
export function yamlMessage(e: Error): string {
  return (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
}

/** Checks a YAML-native value is a ROS parameter value: a scalar or a uniform list of scalars. */
export function normalizeParamValue(v: unknown, what: string = String(v)): ParamValue {
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) throw new ParamError(`parameter value ${JSON.stringify(what)} is empty (null); ROS parameters cannot be null`);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'boolean')) return v as boolean[];
    if (v.every((x) => typeof x === 'number')) return v as number[];
    if (v.every((x) => typeof x === 'string')) return v as string[];
    throw new ParamError(`parameter list ${JSON.stringify(what)} mixes types; ROS parameter arrays hold one type`);
  }
  throw new ParamError(`parameter value ${JSON.stringify(what)} is a mapping; use nested names (a.b) or a params file`);
}

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

/** One-line YAML for a value, read back by typeParamText as the same value. */
export function formatParamValue(v: ParamValue): string {
  if (Array.isArray(v)) return `[${(v as readonly ParamScalar[]).map((x) => formatParamValue(x)).join(', ')}]`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return String(v);
  }
  const s = v as string;
  if (PLAIN.test(s)) {
    try {
      if (parseYaml(s, { schema: 'core' }) === s) return s;
    } catch {
      // falls through to quoting
    }
  }
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f]/.test(s)) return `'${s.replace(/'/g, "''")}'`;
  return JSON.stringify(s);
}

// ---------------------------------------------------------------------------------------------
// Params files

export interface ParamsFileEntry {
  /** Absolute node name or pattern, e.g. `/**`, `/replica_1`, `/cluster/*`. */
  readonly node: string;
  readonly params: ParamMap;
}

/** Parses a params file; entries in file order. `file` names it in errors. */
export function parseParamsFile(text: string, file: string): ParamsFileEntry[] {
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true, prettyErrors: true });
  const err = doc.errors[0];
  if (err !== undefined) {
    const pos = err.linePos?.[0];
    throw new ParamError(`${file}${pos === undefined ? '' : `:${pos.line}:${pos.col}`}: malformed YAML: ${yamlMessage(err)}`);
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    throw new ParamError(`${file}: ${(e as Error).message}`);
  }
  if (root === null || root === undefined) return [];
  if (!isRecord(root)) throw new ParamError(`${file}: a params file must be a mapping of node names to "ros__parameters:"`);
  const out: ParamsFileEntry[] = [];
  const walk = (m: Record<string, unknown>, prefix: string[], depth: number): void => {
    if (depth > 32) throw new ParamError(`${file}: node names nested too deeply`);
    for (const [k, v] of Object.entries(m)) {
      if (k === 'ros__parameters') {
        if (prefix.length === 0) throw new ParamError(`${file}: "ros__parameters" must sit under a node name (e.g. "/**:" or "replica_1:")`);
        if (v !== null && !isRecord(v)) throw new ParamError(`${file}: ${prefix.join('/')}.ros__parameters must be a mapping`);
        const params: Record<string, ParamValue> = {};
        flatten(v ?? {}, '', params, `${file}: ${prefix.join('/')}`, 0);
        out.push({ node: normalizeNodeName(prefix.join('/')), params });
      } else {
        if (!isRecord(v)) throw new ParamError(`${file}: under "${[...prefix, k].join('/')}" expected "ros__parameters:" or a nested node name`);
        walk(v, [...prefix, k], depth + 1);
      }
    }
  };
  walk(root, [], 0);
  return out;
}

function flatten(m: Record<string, unknown>, prefix: string, out: Record<string, ParamValue>, where: string, depth: number): void {
  if (depth > 32) throw new ParamError(`${where}: parameters nested too deeply`);
  for (const [k, v] of Object.entries(m)) {
    const name = prefix === '' ? k : `${prefix}.${k}`;
    if (isRecord(v)) {
      flatten(v, name, out, where, depth + 1);
      continue;
    }
    try {
      setOwn(out, checkParamName(name), normalizeParamValue(v, name));
    } catch (e) {
      throw new ParamError(`${where}: ${(e as Error).message}`);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalizeNodeName(n: string): string {
  const s = `/${n}`.replace(/\/+/g, '/');
  return s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s;
}

export function isWildcardNodeName(pattern: string): boolean {
  return pattern.includes('*');
}

/** Matches a fully qualified node name against a params-file node name: `*` one part, `**` any. */
export function nodeNameMatches(pattern: string, fqn: string): boolean {
  const p = normalizeNodeName(pattern).split('/').filter((x) => x !== '');
  const f = fqn.split('/').filter((x) => x !== '');
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === f.length;
    else if (p[i] === '**') r = go(i + 1, j) || (j < f.length && go(i, j + 1));
    else r = j < f.length && (p[i] === '*' || p[i] === f[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** One source of parameters, in the order a node receives them. */
export type ParamSource =
  | { readonly kind: 'file'; readonly entries: readonly ParamsFileEntry[] }
  | { readonly kind: 'inline'; readonly node: string | undefined; readonly name: string; readonly value: ParamValue };

/**
 * The parameters a node named `fqn` ends up with: wildcard entries first, then entries for the
 * exact name, each group in source order (later wins). Inline parameters count as naming the
 * node exactly unless they carry a node pattern.
 */
export function mergeParams(sources: readonly ParamSource[], fqn: string): Record<string, ParamValue> {
  const wild: [string, ParamValue][] = [];
  const exact: [string, ParamValue][] = [];
  for (const s of sources) {
    if (s.kind === 'inline') {
      if (s.node === undefined) exact.push([s.name, s.value]);
      else if (nodeNameMatches(s.node, fqn)) (isWildcardNodeName(s.node) ? wild : exact).push([s.name, s.value]);
      continue;
    }
    for (const e of s.entries) {
      if (!nodeNameMatches(e.node, fqn)) continue;
      (isWildcardNodeName(e.node) ? wild : exact).push(...Object.entries(e.params));
    }
  }
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of [...wild, ...exact]) setOwn(out, k, v);
  return out;
}

/** Sets an own property even for names like `__proto__`, which plain assignment would not. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
