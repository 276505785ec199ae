/**
 * The typed launch AST, one for both front ends. Each tag's attributes are checked by a zod
 * schema built from the table below (which attributes exist, their types, which are required),
 * so an unknown tag or attribute, a missing one or a wrong type is refused with the file, the
 * element path and the line. Substitution strings are parsed here too, so a bad `$(...)` is
 * found before anything runs.
 *
 * Only ROS-standard tags and attributes are accepted; YAML attributes that ros2 launch reads as
 * strings must be YAML strings (`default: '4'`, `respawn: 'true'`), because ros2 launch
 * rejects a YAML number or boolean there and a file we accept must stay valid for it.
 */
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { AttrValue, Entity, LaunchFormat, Scalar } from './entity.js';
import { detectFormat, readEntity } from './entity.js';
import type { LaunchLimits, SourceLocation } from './errors.js';
import { DEFAULT_LIMITS, LaunchError } from './errors.js';
import type { ParamScalar, ParamValue } from './params.js';
import { ParamError, normalizeParamValue, yamlValue } from './params.js';
import type { Template } from './substitution.js';
import { TemplateSyntaxError, isLiteral, parseTemplate } from './substitution.js';

// ---------------------------------------------------------------------------------------------
// The AST

export interface Condition {
  readonly if?: Template | undefined;
  readonly unless?: Template | undefined;
}

interface ActionBase {
  readonly loc: SourceLocation;
  readonly cond: Condition;
}

export interface ArgAction extends ActionBase {
  readonly kind: 'arg';
  readonly name: string;
  readonly default: Template | undefined;
  readonly description: string | undefined;
  readonly choices: readonly string[] | undefined;
}

export interface LetAction extends ActionBase {
  readonly kind: 'let';
  readonly name: Template;
  readonly value: Template;
}

/** What node and executable share (launch's ExecuteProcess attributes). */
export interface ProcessAttrs {
  readonly cwd: Template | undefined;
  readonly output: Template | undefined;
  readonly respawn: Template | undefined;
  readonly respawnDelayS: number | undefined;
  readonly respawnMaxRetries: number | undefined;
  readonly sigtermTimeoutS: number | undefined;
  readonly sigkillTimeoutS: number | undefined;
  readonly shell: boolean | undefined;
  readonly launchPrefix: Template | undefined;
  readonly onExitShutdown: boolean;
  readonly env: readonly { readonly name: Template; readonly value: Template; readonly loc: SourceLocation }[];
}

/** A parameter value as written: typed already, or still holding substitutions. */
export type ParamValueSource =
  | { readonly kind: 'typed'; readonly value: ParamValue }
  | { readonly kind: 'template'; readonly template: Template }
  | { readonly kind: 'list'; readonly items: readonly (ParamScalar | Template)[] };

export type ParamDecl =
  | { readonly kind: 'file'; readonly from: Template; readonly allowSubsts: boolean; readonly loc: SourceLocation }
  /** `name` is the path of nested <param> names, joined with "." when evaluated. */
  | { readonly kind: 'value'; readonly name: readonly Template[]; readonly value: ParamValueSource; readonly loc: SourceLocation };

export interface NodeAction extends ActionBase {
  readonly kind: 'node';
  readonly pkg: Template | undefined;
  readonly exec: Template;
  readonly name: Template | undefined;
  readonly namespace: Template | undefined;
  readonly execName: Template | undefined;
  readonly args: Template | undefined;
  readonly rosArgs: Template | undefined;
  readonly process: ProcessAttrs;
  readonly params: readonly ParamDecl[];
  readonly remaps: readonly { readonly from: Template; readonly to: Template; readonly loc: SourceLocation }[];
}

export interface ExecutableAction extends ActionBase {
  readonly kind: 'executable';
  readonly cmd: Template;
  readonly name: Template | undefined;
  readonly process: ProcessAttrs;
}

export interface GroupAction extends ActionBase {
  readonly kind: 'group';
  readonly scoped: boolean;
  readonly forwarding: boolean;
  readonly keep: readonly { readonly name: Template; readonly value: Template }[];
  readonly actions: readonly Action[];
}

export interface PushRosNamespaceAction extends ActionBase {
  readonly kind: 'push_ros_namespace';
  readonly namespace: Template;
}

export interface IncludeAction extends ActionBase {
  readonly kind: 'include';
  readonly file: Template;
  readonly args: readonly { readonly name: Template; readonly value: Template; readonly loc: SourceLocation }[];
}

export interface SetEnvAction extends ActionBase {
  readonly kind: 'set_env';
  readonly name: Template;
  readonly value: Template;
}

export interface UnsetEnvAction extends ActionBase {
  readonly kind: 'unset_env';
  readonly name: Template;
}

export interface AppendEnvAction extends ActionBase {
  readonly kind: 'append_env';
  readonly name: Template;
  readonly value: Template;
  readonly prepend: boolean;
  readonly separator: Template | undefined;
}

export interface LogAction extends ActionBase {
  readonly kind: 'log';
  readonly message: Template;
  readonly level: Template | undefined;
}

export type Action =
  | ArgAction
  | LetAction
  | NodeAction
  | ExecutableAction
  | GroupAction
  | PushRosNamespaceAction
  | IncludeAction
  | SetEnvAction
  | UnsetEnvAction
  | AppendEnvAction
  | LogAction;

export interface LaunchFile {
  /** Absolute path (or the name given to parseLaunchText). */
  readonly file: string;
  readonly format: LaunchFormat;
  readonly actions: readonly Action[];
}

// ---------------------------------------------------------------------------------------------
// Tag table

type Kind = 'str' | 'bool' | 'float' | 'int' | 'value';

interface TagSpec {
  readonly attrs: Readonly<Record<string, readonly [Kind, 'req' | 'opt']>>;
  /** Child element tags this tag accepts; 'ACTIONS' means any action. */
  readonly children?: readonly string[];
  readonly actions?: boolean;
  /** Accepts `if`/`unless`. */
  readonly cond?: boolean;
}

const PROCESS_ATTRS = {
  cwd: ['str', 'opt'],
  output: ['str', 'opt'],
  respawn: ['str', 'opt'],
  respawn_delay: ['float', 'opt'],
  respawn_max_retries: ['int', 'opt'],
  sigterm_timeout: ['float', 'opt'],
  sigkill_timeout: ['float', 'opt'],
  shell: ['bool', 'opt'],
  emulate_tty: ['bool', 'opt'],
  'launch-prefix': ['str', 'opt'],
  on_exit: ['str', 'opt'],
} as const;

const TAGS: Readonly<Record<string, TagSpec>> = {
  launch: { attrs: { version: ['str', 'opt'] }, actions: true },
  arg: { attrs: { name: ['str', 'req'], default: ['str', 'opt'], description: ['str', 'opt'] }, children: ['choice'], cond: true },
  choice: { attrs: { value: ['str', 'req'] } },
  let: { attrs: { name: ['str', 'req'], value: ['str', 'req'] }, cond: true },
  node: {
    attrs: {
      pkg: ['str', 'opt'],
      exec: ['str', 'req'],
      name: ['str', 'opt'],
      namespace: ['str', 'opt'],
      exec_name: ['str', 'opt'],
      args: ['str', 'opt'],
      ros_args: ['str', 'opt'],
      ...PROCESS_ATTRS,
    },
    children: ['param', 'remap', 'env'],
    cond: true,
  },
  executable: { attrs: { cmd: ['str', 'req'], name: ['str', 'opt'], ...PROCESS_ATTRS }, children: ['env'], cond: true },
  param: {
    attrs: { name: ['str', 'opt'], value: ['value', 'opt'], 'value-sep': ['str', 'opt'], from: ['str', 'opt'], allow_substs: ['bool', 'opt'] },
    children: ['param'],
  },
  remap: { attrs: { from: ['str', 'req'], to: ['str', 'req'] } },
  env: { attrs: { name: ['str', 'req'], value: ['str', 'req'] } },
  group: { attrs: { scoped: ['bool', 'opt'], forwarding: ['bool', 'opt'] }, children: ['keep'], actions: true, cond: true },
  keep: { attrs: { name: ['str', 'req'], value: ['str', 'req'] } },
  push_ros_namespace: { attrs: { namespace: ['str', 'req'] }, cond: true },
  'push-ros-namespace': { attrs: { namespace: ['str', 'req'] }, cond: true },
  include: { attrs: { file: ['str', 'req'] }, children: ['arg'], cond: true },
  set_env: { attrs: { name: ['str', 'req'], value: ['str', 'req'] }, cond: true },
  unset_env: { attrs: { name: ['str', 'req'] }, cond: true },
  append_env: { attrs: { name: ['str', 'req'], value: ['str', 'req'], prepend: ['bool', 'opt'], separator: ['str', 'opt'] }, cond: true },
  log: { attrs: { message: ['str', 'req'], level: ['str', 'opt'] }, cond: true },
};

const ACTION_TAGS = [
  'arg',
  'let',
  'node',
  'executable',
  'group',
  'push_ros_namespace',
  'push-ros-namespace',
  'include',
  'set_env',
  'unset_env',
  'append_env',
  'log',
] as const;

/** ROS 2 launch actions that exist but that bftkvs launch does not implement. */
const UNSUPPORTED_ROS_ACTIONS = new Set([
  'timer',
  'for',
  'for_each',
  'set_parameter',
  'set_parameters_from_file',
  'set_remap',
  'set_use_sim_time',
  'set_ros_log_dir',
  'node_container',
  'composable_node',
  'load_composable_node',
  'lifecycle_node',
  'lifecycle_transition',
  'reset',
  'shutdown',
  'register_event_handler',
]);

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOL_TEXT = /^(?:true|false)$/i;

function kindSchema(kind: Kind, format: LaunchFormat): z.ZodType {
  const boolText = z
    .string()
    .regex(BOOL_TEXT)
    .transform((s) => s.toLowerCase() === 'true');
  const floatText = z.string().regex(NUMERIC).transform(Number);
  const intText = z
    .string()
    .regex(/^[+-]?\d+$/)
    .transform(Number);
  const scalar = z.union([z.string(), z.number(), z.boolean()]);
  if (format === 'xml') {
    switch (kind) {
      case 'bool':
        return boolText;
      case 'float':
        return floatText.pipe(z.number().finite().nonnegative());
      case 'int':
        return intText.pipe(z.number().int().min(-1).max(1_000_000));
      default:
        return z.string();
    }
  }
  switch (kind) {
    case 'str':
      return z.string();
    case 'bool':
      return z.union([z.boolean(), boolText]);
    case 'float':
      return z.union([z.number(), floatText]).pipe(z.number().finite().nonnegative());
    case 'int':
      return z.union([z.number().int(), intText]).pipe(z.number().int().min(-1).max(1_000_000));
    case 'value':
      return z.union([scalar, z.array(scalar)]);
  }
}

const schemaCache = new Map<string, z.ZodType>();

function tagSchema(tag: string, spec: TagSpec, format: LaunchFormat): z.ZodType {
  const key = `${format}:${tag}`;
  const hit = schemaCache.get(key);
  if (hit !== undefined) return hit;
  const shape: Record<string, z.ZodType> = {};
  for (const [name, [kind, req]] of Object.entries(spec.attrs)) {
    if (name === 'value-sep' && format === 'yaml') continue;
    const s = kindSchema(kind, format);
    shape[name] = req === 'req' ? s : s.optional();
  }
  if (spec.cond === true) {
    shape.if = z.string().optional();
    shape.unless = z.string().optional();
  }
  const schema = z.strictObject(shape);
  schemaCache.set(key, schema);
  return schema;
}

const KIND_TEXT: Record<Kind, string> = {
  str: 'a string',
  bool: 'true or false',
  float: 'a non-negative number of seconds',
  int: 'an integer (-1 for no limit)',
  value: 'a value or a list of values',
};

/** Validates an entity's attributes; returns them typed. Throws LaunchError naming the element. */
function checkAttrs(e: Entity, format: LaunchFormat): Record<string, unknown> {
  const spec = TAGS[e.tag]!;
  const raw: Record<string, AttrValue> = {};
  for (const [k, v] of e.attrs) {
    // An empty YAML list under a child tag's name (`param: []`) means no children.
    if (Array.isArray(v) && v.length === 0 && spec.children?.includes(k) === true) continue;
    Object.defineProperty(raw, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  const r = tagSchema(e.tag, spec, format).safeParse(raw);
  if (r.success) return r.data as Record<string, unknown>;
  const issue = r.error.issues[0]!;
  const allowed = [...Object.keys(spec.attrs).filter((a) => format === 'xml' || a !== 'value-sep'), ...(spec.cond === true ? ['if', 'unless'] : [])];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const childHint = e.tag === 'arg' && key === 'value' ? ' — <arg> declares an argument; use <let name="..." value="..."/> to set one' : '';
    if (format === 'yaml' && (TAGS[key] !== undefined || key === 'children')) {
      throw new LaunchError(`<${e.tag}> does not take "${key}" here (allowed attributes: ${allowed.join(', ') || 'none'}${spec.children ? `; child entries: ${spec.children.join(', ')}` : ''})`, e.loc);
    }
    throw new LaunchError(`unknown attribute "${key}" on <${e.tag}> (allowed: ${allowed.join(', ') || 'none'})${childHint}`, e.loc);
  }
  const attr = String(issue.path[0] ?? '');
  if (!(attr in raw)) throw new LaunchError(`<${e.tag}> is missing the required attribute "${attr}"`, e.loc);
  const kind = attr === 'if' || attr === 'unless' ? 'str' : spec.attrs[attr]![0];
  const got = raw[attr];
  const yamlHint =
    format === 'yaml' && kind === 'str' && typeof got !== 'string'
      ? ` — quote it (${attr}: '${String(got)}'): ros2 launch refuses a YAML ${got === null ? 'null' : Array.isArray(got) ? 'list' : typeof got} here`
      : '';
  throw new LaunchError(`attribute "${attr}" of <${e.tag}> must be ${KIND_TEXT[kind]}, got ${JSON.stringify(got)}${yamlHint}`, e.loc);
}

// ---------------------------------------------------------------------------------------------
// Conversion

export interface ParseOptions {
  readonly limits?: Partial<LaunchLimits>;
}

/** Parses a launch file's text. `file` names it in errors and anchors `$(dirname)`. */
export function parseLaunchText(text: string, file: string, opts: ParseOptions & { format?: LaunchFormat } = {}): LaunchFile {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (Buffer.byteLength(text, 'utf8') > limits.maxFileBytes) {
    throw new LaunchError(`launch file is larger than the ${limits.maxFileBytes}-byte limit`, { file, path: '' });
  }
  const format = opts.format ?? detectFormat(file, text);
  const root = readEntity(text, format, { file, maxNesting: limits.maxNesting });
  if (root.tag !== 'launch') throw new LaunchError(`the root element must be <launch>, found <${root.tag}>`, root.loc);
  const cx = new Converter(format, limits.maxNesting);
  cx.attrs(root);
  return { file, format, actions: cx.actionList(root, undefined) };
}

/** Reads and parses a launch file, refusing files over the size limit before reading them. */
export function parseLaunchFile(path: string, opts: ParseOptions = {}): LaunchFile {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  return parseLaunchText(readTextFile(path, limits.maxFileBytes, 'launch file'), path, opts);
}

/** Reads a text file with a size limit; errors are LaunchErrors naming the file. */
export function readTextFile(path: string, maxBytes: number, what: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (e) {
    throw new LaunchError(`cannot read ${what}: ${(e as Error).message.replace(/^[A-Z]+: /, '')}`, { file: path, path: '' });
  }
  if (size > maxBytes) throw new LaunchError(`${what} is ${size} bytes, over the ${maxBytes}-byte limit`, { file: path, path: '' });
  return readFileSync(path, 'utf8');
}

class Converter {
  constructor(
    private readonly format: LaunchFormat,
    private readonly maxNesting: number,
  ) {}

  attrs(e: Entity): Record<string, unknown> {
    return checkAttrs(e, this.format);
  }

  template(value: unknown, e: Entity, attr: string): Template {
    try {
      return parseTemplate(String(value), { maxNesting: this.maxNesting });
    } catch (err) {
      if (err instanceof TemplateSyntaxError) throw new LaunchError(`attribute "${attr}" of <${e.tag}>: ${err.message}`, e.loc);
      throw err;
    }
  }

  opt(a: Record<string, unknown>, key: string, e: Entity): Template | undefined {
    return a[key] === undefined ? undefined : this.template(a[key], e, key);
  }

  cond(a: Record<string, unknown>, e: Entity): Condition {
    if (a.if !== undefined && a.unless !== undefined) throw new LaunchError(`<${e.tag}> has both "if" and "unless"; use one`, e.loc);
    return { if: this.opt(a, 'if', e), unless: this.opt(a, 'unless', e) };
  }

  /** Child entities allowed under `e` (not actions), checked against the table. */
  private children(e: Entity, allowed: readonly string[], actionsToo: boolean): { named: Entity[]; actions: Entity[] } {
    const named: Entity[] = [];
    const actions: Entity[] = [];
    for (const c of e.children) {
      if (allowed.includes(c.tag)) named.push(c);
      else if (actionsToo) actions.push(c);
      else {
        const list = allowed.length === 0 ? 'none' : allowed.map((t) => `<${t}>`).join(', ');
        throw new LaunchError(`unexpected <${c.tag}> inside <${e.tag}> (allowed: ${list})`, c.loc);
      }
    }
    return { named, actions };
  }

  actionList(parent: Entity, entities: readonly Entity[] | undefined): Action[] {
    const list = entities ?? parent.children;
    return list.map((c) => this.action(c));
  }

  action(e: Entity): Action {
    if (!(ACTION_TAGS as readonly string[]).includes(e.tag)) {
      if (UNSUPPORTED_ROS_ACTIONS.has(e.tag)) throw new LaunchError(`<${e.tag}> is a ROS 2 launch action that bftkvs launch does not support`, e.loc);
      throw new LaunchError(`unknown action <${e.tag}> (supported: ${ACTION_TAGS.filter((t) => t !== 'push-ros-namespace').join(', ')})`, e.loc);
    }
    const a = this.attrs(e);
    const loc = e.loc;
    const cond = this.cond(a, e);
    switch (e.tag) {
      case 'arg': {
        const { named } = this.children(e, ['choice'], false);
        const name = a.name as string;
        if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) throw new LaunchError(`invalid argument name ${JSON.stringify(name)}`, loc);
        const choices = named.length === 0 ? undefined : named.map((c) => this.attrs(c).value as string);
        return { kind: 'arg', loc, cond, name, default: this.opt(a, 'default', e), description: a.description as string | undefined, choices };
      }
      case 'let':
        this.children(e, [], false);
        return { kind: 'let', loc, cond, name: this.template(a.name, e, 'name'), value: this.template(a.value, e, 'value') };
      case 'node': {
        const { named } = this.children(e, ['param', 'remap', 'env'], false);
        const params: ParamDecl[] = [];
        const remaps: { from: Template; to: Template; loc: SourceLocation }[] = [];
        for (const c of named) {
          if (c.tag === 'param') params.push(...this.param(c, []));
          else if (c.tag === 'remap') {
            const r = this.attrs(c);
            remaps.push({ from: this.template(r.from, c, 'from'), to: this.template(r.to, c, 'to'), loc: c.loc });
          }
        }
        return {
          kind: 'node',
          loc,
          cond,
          pkg: this.opt(a, 'pkg', e),
          exec: this.template(a.exec, e, 'exec'),
          name: this.opt(a, 'name', e),
          namespace: this.opt(a, 'namespace', e),
          execName: this.opt(a, 'exec_name', e),
          args: this.opt(a, 'args', e),
          rosArgs: this.opt(a, 'ros_args', e),
          process: this.processAttrs(a, e, named),
          params,
          remaps,
        };
      }
      case 'executable': {
        const { named } = this.children(e, ['env'], false);
        return { kind: 'executable', loc, cond, cmd: this.template(a.cmd, e, 'cmd'), name: this.opt(a, 'name', e), process: this.processAttrs(a, e, named) };
      }
      case 'group': {
        const { named, actions } = this.children(e, ['keep'], true);
        const keep = named.map((k) => {
          const ka = this.attrs(k);
          return { name: this.template(ka.name, k, 'name'), value: this.template(ka.value, k, 'value') };
        });
        const forwarding = (a.forwarding as boolean | undefined) ?? true;
        return { kind: 'group', loc, cond, scoped: (a.scoped as boolean | undefined) ?? true, forwarding, keep, actions: this.actionList(e, actions) };
      }
      case 'push_ros_namespace':
      case 'push-ros-namespace':
        this.children(e, [], false);
        return { kind: 'push_ros_namespace', loc, cond, namespace: this.template(a.namespace, e, 'namespace') };
      case 'include': {
        const { named } = this.children(e, ['arg'], false);
        const args = named.map((c) => {
          // <arg> inside <include> passes a value: name and value, nothing else.
          const ca = checkIncludeArg(c, this.format);
          return { name: this.template(ca.name, c, 'name'), value: this.template(ca.value, c, 'value'), loc: c.loc };
        });
        return { kind: 'include', loc, cond, file: this.template(a.file, e, 'file'), args };
      }
      case 'set_env':
        this.children(e, [], false);
        return { kind: 'set_env', loc, cond, name: this.template(a.name, e, 'name'), value: this.template(a.value, e, 'value') };
      case 'unset_env':
        this.children(e, [], false);
        return { kind: 'unset_env', loc, cond, name: this.template(a.name, e, 'name') };
      case 'append_env':
        this.children(e, [], false);
        return {
          kind: 'append_env',
          loc,
          cond,
          name: this.template(a.name, e, 'name'),
          value: this.template(a.value, e, 'value'),
          prepend: (a.prepend as boolean | undefined) ?? false,
          separator: this.opt(a, 'separator', e),
        };
      default:
        this.children(e, [], false);
        return { kind: 'log', loc, cond, message: this.template(a.message, e, 'message'), level: this.opt(a, 'level', e) };
    }
  }

  private processAttrs(a: Record<string, unknown>, e: Entity, named: readonly Entity[]): ProcessAttrs {
    const onExit = a.on_exit as string | undefined;
    if (onExit !== undefined && onExit !== 'shutdown') {
      throw new LaunchError(`on_exit="${onExit}" is not supported (only "shutdown", as in ros2 launch)`, e.loc);
    }
    const env = named
      .filter((c) => c.tag === 'env')
      .map((c) => {
        const ca = this.attrs(c);
        return { name: this.template(ca.name, c, 'name'), value: this.template(ca.value, c, 'value'), loc: c.loc };
      });
    return {
      cwd: this.opt(a, 'cwd', e),
      output: this.opt(a, 'output', e),
      respawn: this.opt(a, 'respawn', e),
      respawnDelayS: a.respawn_delay as number | undefined,
      respawnMaxRetries: a.respawn_max_retries as number | undefined,
      sigtermTimeoutS: a.sigterm_timeout as number | undefined,
      sigkillTimeoutS: a.sigkill_timeout as number | undefined,
      shell: a.shell as boolean | undefined,
      launchPrefix: this.opt(a, 'launch-prefix', e),
      onExitShutdown: onExit === 'shutdown',
      env,
    };
  }

  private param(e: Entity, prefix: readonly Template[]): ParamDecl[] {
    const a = this.attrs(e);
    const { named } = this.children(e, ['param'], false);
    if (a.from !== undefined) {
      if (a.name !== undefined || a.value !== undefined || named.length > 0 || prefix.length > 0) {
        throw new LaunchError('<param from="..."> loads a params file and takes no name, value or nested <param>', e.loc);
      }
      return [{ kind: 'file', from: this.template(a.from, e, 'from'), allowSubsts: (a.allow_substs as boolean | undefined) ?? false, loc: e.loc }];
    }
    if (a.allow_substs !== undefined) throw new LaunchError('"allow_substs" only applies to <param from="...">', e.loc);
    if (a.name === undefined) throw new LaunchError('<param> needs a "name" (with a "value" or nested <param>s) or a "from" params file', e.loc);
    const path = [...prefix, this.template(a.name, e, 'name')];
    if (named.length > 0) {
      if (a.value !== undefined) throw new LaunchError('<param> has both a "value" and nested <param>s', e.loc);
      return named.flatMap((c) => this.param(c, path));
    }
    if (a.value === undefined) throw new LaunchError(`<param> needs a "value" (or nested <param>s)`, e.loc);
    return [{ kind: 'value', name: path, value: this.paramValue(a.value as Scalar | Scalar[], a['value-sep'] as string | undefined, e), loc: e.loc }];
  }

  /** YAML-typed as ros2 launch types it: the raw XML text, or the YAML-native value. */
  private paramValue(raw: Scalar | readonly Scalar[], sep: string | undefined, e: Entity): ParamValueSource {
    let typed: unknown;
    try {
      if (this.format === 'xml') {
        const text = raw as string;
        if (sep !== undefined) {
          if (sep === '') throw new ParamError('"value-sep" must not be empty');
          typed = text.split(sep).map((part) => yamlValue(part, { lenient: true }));
        } else {
          typed = yamlValue(text, { lenient: true });
        }
      } else {
        typed = raw;
      }
      const items = Array.isArray(typed) ? (typed as unknown[]) : undefined;
      if (items !== undefined) {
        const out: (ParamScalar | Template)[] = items.map((x) => {
          if (typeof x === 'string') {
            const t = this.template(x, e, 'value');
            return isLiteral(t) ? x : t;
          }
          if (typeof x === 'number' || typeof x === 'boolean') return x;
          throw new ParamError(`list items must be scalars, got ${JSON.stringify(x)}`);
        });
        if (out.every((x) => !Array.isArray(x))) return { kind: 'typed', value: normalizeParamValue(out, JSON.stringify(items)) };
        return { kind: 'list', items: out };
      }
      if (typeof typed === 'string') {
        const t = this.template(typed, e, 'value');
        return isLiteral(t) ? { kind: 'typed', value: typed } : { kind: 'template', template: t };
      }
      return { kind: 'typed', value: normalizeParamValue(typed) };
    } catch (err) {
      if (err instanceof ParamError) throw new LaunchError(`<param>: ${err.message}`, e.loc);
      throw err;
    }
  }
}

function checkIncludeArg(c: Entity, format: LaunchFormat): { name: unknown; value: unknown } {
  const schema = z.strictObject({ name: z.string(), value: z.string() });
  const raw = Object.fromEntries(c.attrs);
  const r = schema.safeParse(raw);
  if (r.success && c.children.length === 0) return r.data;
  if (c.children.length > 0) throw new LaunchError(`unexpected <${c.children[0]!.tag}> inside <arg> of <include>`, c.children[0]!.loc);
  const issue = r.error!.issues[0]!;
  if (issue.code === 'unrecognized_keys') throw new LaunchError(`unknown attribute "${issue.keys[0]}" on <arg> of <include> (allowed: name, value)`, c.loc);
  const attr = String(issue.path[0]);
  if (!(attr in raw)) throw new LaunchError(`<arg> of <include> is missing the required attribute "${attr}"`, c.loc);
  const hint = format === 'yaml' ? ` — quote it (${attr}: '${String(raw[attr])}')` : '';
  throw new LaunchError(`attribute "${attr}" of <arg> must be a string, got ${JSON.stringify(raw[attr])}${hint}`, c.loc);
}
