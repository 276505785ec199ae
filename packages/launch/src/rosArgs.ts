/**
 * The `--ros-args` part of a node's argv, as `ros2 run`, `ros2 launch` and `bftkvs launch` pass
 * it: `--ros-args -r __node:=NAME -r __ns:=/NS -p key:=value --params-file FILE -r from:=to`.
 * A bftkvs node parses its argv with parseRosArgs and gets its parameters with
 * loadNodeParameters, so it reads the same argv the same way under either launcher.
 *
 * Differences from rcl, on purpose: an unprefixed `-p` ranks with params-file entries that name
 * the node exactly (rcl ranks it with `/**`), so a later `-p` overrides a params file, which is
 * what ros2 launch gives an inline <param> (see docs/launch.md); log and enclave options are
 * recorded, not acted on.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ParamSource, ParamValue } from './params.js';
import { ParamError, checkParamName, formatParamValue, mergeParams, parseParamsFile, setOwn, typeParamText } from './params.js';

export class RosArgsError extends Error {
  override readonly name = 'RosArgsError';
}

export interface RemapRule {
  /** Set for node-specific rules (`node:from:=to`). */
  readonly node?: string | undefined;
  readonly from: string;
  readonly to: string;
}

/** A `-p` or a `--params-file`, in argv order. */
export type ParamArg =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'param'; readonly node?: string | undefined; readonly name: string; readonly value: ParamValue };

export interface ParsedRosArgs {
  /** From `-r __node:=NAME` (or `__name`); the last one wins. */
  readonly nodeName: string | undefined;
  /** From `-r __ns:=/NS`; absolute. */
  readonly namespace: string | undefined;
  /** Unprefixed `-p name:=value` rules, last one wins (params files are in paramsFiles). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly paramsFiles: readonly string[];
  /** Topic/service remaps, without `__node`/`__ns`. */
  readonly remaps: readonly RemapRule[];
  /** The arguments that are not ROS arguments, in order (argv[0] is not expected here). */
  readonly rest: readonly string[];
  /** Every `-p` and `--params-file`, in order: what loadNodeParameters merges. */
  readonly paramArgs: readonly ParamArg[];
  readonly logLevels: readonly string[];
  readonly enclave: string | undefined;
}

const NODE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAMESPACE = /^\/(?:[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)?$/;

export function isValidNodeName(n: string): boolean {
  return n.length <= 255 && NODE_NAME.test(n);
}

export function isValidNamespace(ns: string): boolean {
  return ns.length <= 255 && NAMESPACE.test(ns);
}

/** `/ns` + `name` → `/ns/name`; the root namespace gives `/name`. */
export function fullyQualifiedName(namespace: string | undefined, name: string): string {
  const ns = namespace === undefined || namespace === '' || namespace === '/' ? '' : namespace.replace(/\/$/, '');
  return `${ns}/${name}`;
}

const FLAGS_WITH_VALUE = new Set(['-r', '--remap', '-p', '--param', '--params-file', '-e', '--enclave', '--log-level', '--log-config-file', '--log-file-name']);
const FLAGS_ALONE = new Set([
  '--enable-rosout-logs',
  '--disable-rosout-logs',
  '--enable-stdout-logs',
  '--disable-stdout-logs',
  '--enable-external-lib-logs',
  '--disable-external-lib-logs',
]);

/** Parses argv (without the program name). Throws RosArgsError on a malformed ROS argument. */
export function parseRosArgs(argv: readonly string[]): ParsedRosArgs {
  let nodeName: string | undefined;
  let namespace: string | undefined;
  const params: Record<string, ParamValue> = {};
  const paramsFiles: string[] = [];
  const remaps: RemapRule[] = [];
  const rest: string[] = [];
  const paramArgs: ParamArg[] = [];
  const logLevels: string[] = [];
  let enclave: string | undefined;
  let inRos = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!inRos) {
      if (a === '--ros-args') inRos = true;
      else rest.push(a);
      continue;
    }
    if (a === '--') {
      inRos = false;
      continue;
    }
    if (a === '--ros-args') continue;
    if (FLAGS_ALONE.has(a)) continue;
    if (!FLAGS_WITH_VALUE.has(a)) {
      throw new RosArgsError(`unknown ROS argument ${JSON.stringify(a)} after --ros-args (end ROS arguments with "--")`);
    }
    const v = argv[++i];
    if (v === undefined) throw new RosArgsError(`${a} needs a value`);
    switch (a) {
      case '-r':
      case '--remap': {
        const rule = parseRule(v, 'remap rule');
        if (rule.node === undefined && (rule.name === '__node' || rule.name === '__name')) {
          if (!isValidNodeName(rule.value)) throw new RosArgsError(`invalid node name ${JSON.stringify(rule.value)} in ${a} ${v}`);
          nodeName = rule.value;
        } else if (rule.node === undefined && rule.name === '__ns') {
          if (!isValidNamespace(rule.value)) throw new RosArgsError(`invalid namespace ${JSON.stringify(rule.value)} in ${a} ${v} (it must be absolute, e.g. /cluster)`);
          namespace = rule.value;
        } else {
          if (rule.value === '') throw new RosArgsError(`empty replacement in remap rule ${JSON.stringify(v)}`);
          remaps.push({ node: rule.node, from: rule.name, to: rule.value });
        }
        break;
      }
      case '-p':
      case '--param': {
        const rule = parseRule(v, 'parameter rule');
        let value: ParamValue;
        try {
          checkParamName(rule.name);
          value = typeParamText(rule.value);
        } catch (e) {
          if (e instanceof ParamError) throw new RosArgsError(`${a} ${v}: ${e.message}`);
          throw e;
        }
        paramArgs.push({ kind: 'param', node: rule.node, name: rule.name, value });
        if (rule.node === undefined) setOwn(params, rule.name, value);
        break;
      }
      case '--params-file':
        paramsFiles.push(v);
        paramArgs.push({ kind: 'file', path: v });
        break;
      case '-e':
      case '--enclave':
        enclave = v;
        break;
      case '--log-level':
        logLevels.push(v);
        break;
      default:
        break;
    }
  }
  return { nodeName, namespace, params, paramsFiles, remaps, rest, paramArgs, logLevels, enclave };
}

function parseRule(text: string, what: string): { node: string | undefined; name: string; value: string } {
  const sep = text.indexOf(':=');
  if (sep <= 0) throw new RosArgsError(`malformed ${what} ${JSON.stringify(text)} (expected name:=value)`);
  const left = text.slice(0, sep);
  const value = text.slice(sep + 2);
  const colon = left.indexOf(':');
  if (colon > 0 && !left.startsWith('/')) {
    const node = left.slice(0, colon);
    if (!isValidNodeName(node) && !node.includes('*')) throw new RosArgsError(`invalid node name ${JSON.stringify(node)} in ${what} ${JSON.stringify(text)}`);
    return { node, name: left.slice(colon + 1), value };
  }
  return { node: undefined, name: left, value };
}

export interface LoadParametersOptions {
  /** Reads a params file; the default reads from disk with a size limit. */
  readonly readFile?: (path: string) => string;
  readonly maxFileBytes?: number;
}

/**
 * The parameters a node with fully qualified name `fqn` gets from its ROS arguments: params
 * files (entries for `/**`, patterns, and its exact name) and `-p` rules, merged as ROS does.
 */
export function loadNodeParameters(parsed: Pick<ParsedRosArgs, 'paramArgs'>, fqn: string, opts: LoadParametersOptions = {}): Record<string, ParamValue> {
  const read = opts.readFile ?? ((p: string) => readBounded(p, opts.maxFileBytes ?? 1 << 20));
  const sources: ParamSource[] = parsed.paramArgs.map((a) =>
    a.kind === 'file'
      ? { kind: 'file', entries: parseParamsFile(read(a.path), a.path) }
      : { kind: 'inline', node: a.node === undefined ? undefined : a.node.startsWith('/') ? a.node : `/${a.node}`, name: a.name, value: a.value },
  );
  return mergeParams(sources, fqn);
}

function readBounded(path: string, maxBytes: number): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new RosArgsError(`cannot read params file ${path}: ${(e as Error).message}`);
  }
  if (size > maxBytes) throw new RosArgsError(`params file ${path} is ${size} bytes, over the ${maxBytes}-byte limit`);
  return readFileSync(path, 'utf8');
}

/** Builds the `--ros-args ...` tail the way launch_ros orders it. */
export function formatRosArgs(o: {
  readonly nodeName?: string | undefined;
  readonly namespace?: string | undefined;
  readonly paramArgs: readonly ParamArg[];
  readonly remaps: readonly RemapRule[];
}): string[] {
  const out = ['--ros-args'];
  if (o.nodeName !== undefined) out.push('-r', `__node:=${o.nodeName}`);
  if (o.namespace !== undefined) out.push('-r', `__ns:=${o.namespace}`);
  for (const p of o.paramArgs) {
    if (p.kind === 'file') out.push('--params-file', p.path);
    else out.push('-p', `${p.node === undefined ? '' : `${p.node}:`}${p.name}:=${formatParamValue(p.value)}`);
  }
  for (const r of o.remaps) out.push('-r', `${r.node === undefined ? '' : `${r.node}:`}${r.from}:=${r.to}`);
  return out;
}
