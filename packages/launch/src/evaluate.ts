/**
 * The evaluator: runs a launch file's actions the way ros2 launch visits them, without starting
 * anything, and returns the flat list of processes to start.
 *
 * Semantics kept from ros2 launch (docs/launch.md lists them):
 * - launch arguments and `let` are launch configurations; a command-line `name:=value` is set
 *   before the file runs, so it wins over an <arg> default anywhere, included files too;
 * - <include> is not a scope: its <arg> values are set in the including scope, and what the
 *   included file sets stays set — wrap it in a <group> to scope it;
 * - <group> (scoped by default) scopes configurations, the ROS namespace and the environment;
 * - a relative node namespace is prefixed by the pushed ROS namespace;
 * - `if`/`unless` take true/false/1/0 (any case).
 * Differences (on purpose): relative include and params-file paths are resolved against the
 * including launch file's directory (ros2 launch uses the working directory; `$(dirname)/x`
 * means the same under both); a missing params file is an error, not a warning.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { Action, ArgAction, Condition, ExecutableAction, IncludeAction, LaunchFile, NodeAction, ParamDecl, ParamValueSource, ProcessAttrs } from './ast.js';
import { parseLaunchText, readTextFile } from './ast.js';
import type { LaunchLimits, SourceLocation } from './errors.js';
import { DEFAULT_LIMITS, LaunchError } from './errors.js';
import type { ParamScalar, ParamSource, ParamValue, ParamsFileEntry } from './params.js';
import { ParamError, checkParamName, mergeParams, normalizeParamValue, parseParamsFile, typeParamText } from './params.js';
import type { ParamArg, RemapRule } from './rosArgs.js';
import { formatRosArgs, fullyQualifiedName, isValidNamespace, isValidNodeName } from './rosArgs.js';
import { safeEval } from './safeEval.js';
import type { Segment } from './shellWords.js';
import { ShellWordsError, quoteWord, splitWords } from './shellWords.js';
import type { Substitution, Template } from './substitution.js';
import { formatTemplate, parseTemplate } from './substitution.js';

export type OutputMode = 'screen' | 'log' | 'both';

const MAX_VALUE_CHARS = 1 << 20;

/** What the supervisor needs to start one process; nothing in it depends on the host env. */
export interface ProcessSpec {
  /** Unique label: `[name]` prefixes the process's output lines. */
  readonly name: string;
  readonly kind: 'node' | 'executable';
  /** argv; cmd[0] is the program. */
  readonly cmd: readonly string[];
  readonly cwd: string | undefined;
  /** Variables set for this process on top of the launcher's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Variables removed from the launcher's environment for this process. */
  readonly unsetEnv: readonly string[];
  readonly respawn: boolean;
  readonly respawnDelayMs: number;
  /** undefined: the supervisor's default bound; -1: no bound (ros2 launch's default). */
  readonly respawnMaxRetries: number | undefined;
  readonly output: OutputMode;
  /** SIGINT → SIGTERM wait; undefined: the supervisor's default. */
  readonly sigtermTimeoutMs: number | undefined;
  /** SIGTERM → SIGKILL wait; undefined: the supervisor's default. */
  readonly sigkillTimeoutMs: number | undefined;
  /** `on_exit="shutdown"`: when this process ends, the whole launch shuts down. */
  readonly shutdownOnExit: boolean;
  /** The element that declared it. */
  readonly source: SourceLocation;
  /** For <node>: the ROS identity and parameters the command line carries. */
  readonly rosArgs?: RosNodeSpec | undefined;
}

export interface RosNodeSpec {
  readonly package: string | undefined;
  readonly executable: string;
  /** The `name` attribute (passed as `-r __node:=`), if any. */
  readonly name: string | undefined;
  /** Absolute namespace passed as `-r __ns:=`, if any. */
  readonly namespace: string | undefined;
  /** Namespace + name; without a `name` attribute the executable name stands in. */
  readonly fullyQualifiedName: string;
  /** The parameters the node gets: params files and inline params merged as ROS merges them. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly paramsFiles: readonly string[];
  readonly remaps: readonly RemapRule[];
}

export interface NodeCommandRequest {
  readonly pkg: string | undefined;
  readonly exec: string;
  readonly loc: SourceLocation;
}

/** Maps a <node pkg exec> to the argv prefix that runs it. Throw to refuse (the message is shown). */
export type NodeResolver = (req: NodeCommandRequest) => readonly string[];

export interface EvaluateOptions {
  /** Launch arguments (`name:=value` strings or a map), set before the file runs. */
  readonly args?: readonly string[] | Readonly<Record<string, string>>;
  /** The environment `$(env)` reads and processes inherit; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default: a node without `pkg` runs `exec` as a program; any package is refused. */
  readonly resolveNode?: NodeResolver;
  /** `$(find-pkg-share PKG)`; return undefined for an unknown package. */
  readonly findPackageShare?: (pkg: string) => string | undefined;
  /** `$(find-pkg-prefix PKG)`; return undefined for an unknown package. */
  readonly findPackagePrefix?: (pkg: string) => string | undefined;
  readonly limits?: Partial<LaunchLimits>;
}

export interface DeclaredArg {
  readonly name: string;
  /** The default as written (substitutions unexpanded). */
  readonly default: string | undefined;
  readonly description: string | undefined;
  readonly choices: readonly string[] | undefined;
  /** Declared under a condition (may not apply). */
  readonly conditional: boolean;
  readonly file: string;
}

export interface LaunchLog {
  readonly level: string;
  readonly message: string;
  readonly loc: SourceLocation;
}

export interface EvaluatedLaunch {
  readonly processes: readonly ProcessSpec[];
  /** Final values of the launch arguments the files declared (root first). */
  readonly args: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
  readonly logs: readonly LaunchLog[];
  /** Every launch and params file read. */
  readonly files: readonly string[];
}

/** Parses `name:=value` launch arguments. */
export function parseLaunchArguments(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const m = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):=([\s\S]*)$/.exec(a);
    if (m === null) throw new LaunchError(`launch arguments are name:=value, got ${JSON.stringify(a)}`);
    Object.defineProperty(out, m[1]!, { value: m[2]!, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

interface Scope {
  readonly vars: Map<string, string>;
  readonly env: Map<string, string>;
}

interface Frame {
  readonly file: string;
  readonly depth: number;
  /** Absolute paths of the files on the include stack, root first. */
  readonly stack: readonly string[];
}

const defaultResolver: NodeResolver = (req) => {
  if (req.pkg === undefined) return [req.exec];
  throw new Error(`package "${req.pkg}" is not available to this launcher (no node resolver for it)`);
};

/** Reads, parses and evaluates a launch file. Throws LaunchError. */
export function evaluateLaunchFile(path: string, opts: EvaluateOptions = {}): EvaluatedLaunch {
  return new Evaluator(opts).run(resolve(path));
}

/** Evaluates an already parsed file (its includes are read from disk). */
export function evaluateLaunch(file: LaunchFile, opts: EvaluateOptions = {}): EvaluatedLaunch {
  return new Evaluator(opts).runParsed(file);
}

class Evaluator {
  private readonly limits: LaunchLimits;
  private readonly baseEnv: ReadonlyMap<string, string>;
  private readonly resolveNode: NodeResolver;
  private readonly processes: ProcessSpec[] = [];
  private readonly usedNames = new Set<string>();
  private readonly warnings: string[] = [];
  private readonly logs: LaunchLog[] = [];
  private readonly files: string[] = [];
  private readonly parsed = new Map<string, LaunchFile>();
  private readonly declared = new Map<string, true>();
  private readonly anon = new Map<string, string>();
  private readonly cliArgs: Record<string, string>;
  private actions = 0;

  constructor(private readonly opts: EvaluateOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    const env = new Map<string, string>();
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (v !== undefined) env.set(k, v);
    this.baseEnv = env;
    this.resolveNode = opts.resolveNode ?? defaultResolver;
    this.cliArgs = Array.isArray(opts.args) ? parseLaunchArguments(opts.args as readonly string[]) : { ...(opts.args as Record<string, string> | undefined) };
  }

  run(path: string): EvaluatedLaunch {
    return this.runParsed(this.load(path, undefined));
  }

  runParsed(file: LaunchFile): EvaluatedLaunch {
    if (!this.files.includes(file.file)) this.files.push(file.file);
    this.parsed.set(file.file, file);
    const scope: Scope = { vars: new Map(Object.entries(this.cliArgs)), env: new Map(this.baseEnv) };
    this.runActions(file.actions, scope, { file: file.file, depth: 0, stack: [file.file] });
    for (const name of Object.keys(this.cliArgs)) {
      if (!this.declared.has(name) && name !== 'ros_namespace') this.warnings.push(`launch argument "${name}" is not declared by any launch file read`);
    }
    const args: Record<string, string> = {};
    for (const name of this.declared.keys()) {
      const v = scope.vars.get(name);
      if (v !== undefined) args[name] = v;
    }
    return { processes: this.processes, args, warnings: this.warnings, logs: this.logs, files: this.files };
  }

  private load(path: string, from: SourceLocation | undefined): LaunchFile {
    const hit = this.parsed.get(path);
    if (hit !== undefined) return hit;
    try {
      const text = readTextFile(path, this.limits.maxFileBytes, 'launch file');
      const f = parseLaunchText(text, path, { limits: this.limits });
      this.parsed.set(path, f);
      if (!this.files.includes(path)) this.files.push(path);
      return f;
    } catch (e) {
      if (e instanceof LaunchError && from !== undefined) throw e.withIncludedFrom(from);
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------

  private runActions(actions: readonly Action[], scope: Scope, frame: Frame): void {
    for (const a of actions) this.runAction(a, scope, frame);
  }

  private runAction(a: Action, scope: Scope, frame: Frame): void {
    if (++this.actions > this.limits.maxActions) {
      throw new LaunchError(`more than ${this.limits.maxActions} actions evaluated (include fan-out?)`, a.loc);
    }
    if (a.kind === 'arg') this.declared.set(a.name, true);
    if (!this.conditionHolds(a.cond, scope, frame, a.loc)) return;
    switch (a.kind) {
      case 'arg':
        return this.runArg(a, scope, frame);
      case 'let':
        scope.vars.set(this.perform(a.name, scope, frame, a.loc), this.perform(a.value, scope, frame, a.loc));
        return;
      case 'node':
        return this.runNode(a, scope, frame);
      case 'executable':
        return this.runExecutable(a, scope, frame);
      case 'group': {
        const keep = a.keep.map((k) => [this.perform(k.name, scope, frame, a.loc), this.perform(k.value, scope, frame, a.loc)] as const);
        let inner = scope;
        if (a.scoped) {
          inner = a.forwarding ? { vars: new Map(scope.vars), env: new Map(scope.env) } : { vars: new Map(), env: new Map(this.baseEnv) };
        }
        for (const [k, v] of keep) inner.vars.set(k, v);
        this.runActions(a.actions, inner, frame);
        return;
      }
      case 'push_ros_namespace': {
        const pushed = this.perform(a.namespace, scope, frame, a.loc);
        const ns = absoluteNamespace(prefixNamespace(scope.vars.get('ros_namespace'), pushed));
        if (ns === undefined || !isValidNamespace(ns)) {
          throw new LaunchError(`invalid ROS namespace ${JSON.stringify(ns)} (pushed ${JSON.stringify(pushed)})`, a.loc);
        }
        scope.vars.set('ros_namespace', ns);
        return;
      }
      case 'include':
        return this.runInclude(a, scope, frame);
      case 'set_env':
        scope.env.set(this.envName(a.name, scope, frame, a.loc), this.perform(a.value, scope, frame, a.loc));
        return;
      case 'unset_env':
        scope.env.delete(this.envName(a.name, scope, frame, a.loc));
        return;
      case 'append_env': {
        const name = this.envName(a.name, scope, frame, a.loc);
        const value = this.perform(a.value, scope, frame, a.loc);
        const sep = a.separator === undefined ? ':' : this.perform(a.separator, scope, frame, a.loc);
        const old = scope.env.get(name);
        scope.env.set(name, old === undefined || old === '' ? value : a.prepend ? `${value}${sep}${old}` : `${old}${sep}${value}`);
        return;
      }
      case 'log':
        this.logs.push({
          level: a.level === undefined ? 'INFO' : this.perform(a.level, scope, frame, a.loc).toUpperCase(),
          message: this.perform(a.message, scope, frame, a.loc),
          loc: a.loc,
        });
        return;
    }
  }

  private runArg(a: ArgAction, scope: Scope, frame: Frame): void {
    if (!scope.vars.has(a.name)) {
      if (a.default === undefined) {
        const desc = a.description === undefined ? '' : ` (${a.description})`;
        throw new LaunchError(`required launch argument "${a.name}"${desc} was not provided: pass ${a.name}:=VALUE`, a.loc);
      }
      scope.vars.set(a.name, this.perform(a.default, scope, frame, a.loc));
    }
    const value = scope.vars.get(a.name)!;
    if (a.choices !== undefined && !a.choices.includes(value)) {
      throw new LaunchError(`launch argument "${a.name}" is ${JSON.stringify(value)}; valid choices: ${a.choices.join(', ')}`, a.loc);
    }
  }

  private runInclude(a: IncludeAction, scope: Scope, frame: Frame): void {
    const given = this.perform(a.file, scope, frame, a.loc);
    const path = resolve(dirname(frame.file), given);
    if (frame.stack.includes(path)) {
      const cycle = [...frame.stack.slice(frame.stack.indexOf(path)), path].map((p) => basename(p)).join(' -> ');
      throw new LaunchError(`include cycle: ${cycle}`, a.loc);
    }
    if (frame.depth + 1 > this.limits.maxIncludeDepth) {
      throw new LaunchError(`includes nested deeper than ${this.limits.maxIncludeDepth}`, a.loc);
    }
    const child = this.load(path, a.loc);
    // ros2 launch checks, before running the included file, that every argument it declares
    // unconditionally at top level without a default is passed by the <include>.
    const passed = a.args.map((x) => this.perform(x.name, scope, frame, x.loc));
    for (const decl of child.actions) {
      if (decl.kind !== 'arg' || decl.default !== undefined || decl.cond.if !== undefined || decl.cond.unless !== undefined) continue;
      if (!passed.includes(decl.name)) {
        const desc = decl.description === undefined ? '' : ` (${decl.description})`;
        throw new LaunchError(`included launch file requires argument "${decl.name}"${desc}: pass <arg name="${decl.name}" value="..."/> in the <include>`, a.loc);
      }
    }
    for (const [i, x] of a.args.entries()) scope.vars.set(passed[i]!, this.perform(x.value, scope, frame, x.loc));
    try {
      this.runActions(child.actions, scope, { file: path, depth: frame.depth + 1, stack: [...frame.stack, path] });
    } catch (e) {
      if (e instanceof LaunchError) throw e.withIncludedFrom(a.loc);
      throw e;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Processes

  private runNode(a: NodeAction, scope: Scope, frame: Frame): void {
    const p = (t: Template): string => this.perform(t, scope, frame, a.loc);
    const exec = p(a.exec);
    const pkg = a.pkg === undefined ? undefined : p(a.pkg);
    const name = a.name === undefined ? undefined : p(a.name).replace(/^\//, '');
    if (name !== undefined && !isValidNodeName(name)) {
      throw new LaunchError(`invalid node name ${JSON.stringify(name)} (letters, digits and "_", not starting with a digit)`, a.loc);
    }
    const ownNs = a.namespace === undefined ? undefined : p(a.namespace);
    const namespace = absoluteNamespace(prefixNamespace(scope.vars.get('ros_namespace'), ownNs));
    if (namespace !== undefined && !isValidNamespace(namespace)) {
      throw new LaunchError(`invalid node namespace ${JSON.stringify(namespace)}`, a.loc);
    }
    // Without a name the node uses its default; bftkvs nodes default to their executable's name.
    const execBase = basename(exec).replace(/\.[^.]*$/, '');
    const fqn = fullyQualifiedName(namespace, name ?? (execBase.replace(/[^A-Za-z0-9_]/g, '_') || 'node'));

    const paramArgs: ParamArg[] = [];
    const sources: ParamSource[] = [];
    const paramsFiles: string[] = [];
    for (const d of a.params) this.addParam(d, scope, frame, paramArgs, sources, paramsFiles);
    const remaps: RemapRule[] = a.remaps.map((r) => {
      const from = this.perform(r.from, scope, frame, r.loc);
      const to = this.perform(r.to, scope, frame, r.loc);
      if (from === '' || to === '') throw new LaunchError('a remap needs a non-empty "from" and "to"', r.loc);
      return { from, to };
    });

    let program: readonly string[];
    try {
      program = this.resolveNode({ pkg, exec, loc: a.loc });
    } catch (e) {
      throw new LaunchError((e as Error).message, a.loc);
    }
    const cmd = [
      ...this.words(a.process.launchPrefix, scope, frame, a.loc),
      ...program,
      ...this.words(a.args, scope, frame, a.loc),
      ...(a.rosArgs === undefined ? [] : ['--ros-args', ...this.words(a.rosArgs, scope, frame, a.loc)]),
      ...formatRosArgs({ nodeName: name, namespace, paramArgs, remaps }),
    ];
    const label = a.execName !== undefined ? p(a.execName) : name !== undefined ? fqn.slice(1) : `${namespace === undefined ? '' : `${namespace.slice(1)}/`}${execBase}`.replace(/^\//, '');
    this.addProcess(a.process, scope, frame, a.loc, {
      kind: 'node',
      label,
      cmd: a.process.shell === true ? ['/bin/sh', '-c', cmd.map(quoteWord).join(' ')] : cmd,
      rosArgs: { package: pkg, executable: exec, name, namespace, fullyQualifiedName: fqn, params: mergeParams(sources, fqn), paramsFiles, remaps },
    });
  }

  private addParam(d: ParamDecl, scope: Scope, frame: Frame, paramArgs: ParamArg[], sources: ParamSource[], files: string[]): void {
    if (d.kind === 'file') {
      const path = resolve(dirname(frame.file), this.perform(d.from, scope, frame, d.loc));
      let entries: ParamsFileEntry[];
      try {
        let text = readTextFile(path, this.limits.maxFileBytes, 'params file');
        if (d.allowSubsts) text = this.perform(parseTemplate(text, { maxNesting: this.limits.maxNesting }), scope, frame, d.loc);
        entries = parseParamsFile(text, path);
      } catch (e) {
        if (e instanceof LaunchError) throw new LaunchError(e.detail, d.loc);
        throw new LaunchError((e as Error).message, d.loc);
      }
      if (!this.files.includes(path)) this.files.push(path);
      files.push(path);
      paramArgs.push({ kind: 'file', path });
      sources.push({ kind: 'file', entries });
      return;
    }
    let name: string;
    let value: ParamValue;
    try {
      name = checkParamName(d.name.map((t) => this.perform(t, scope, frame, d.loc)).join('.'));
      value = this.paramValue(d.value, scope, frame, d.loc);
    } catch (e) {
      if (e instanceof ParamError) throw new LaunchError(`<param>: ${e.message}`, d.loc);
      throw e;
    }
    paramArgs.push({ kind: 'param', name, value });
    sources.push({ kind: 'inline', node: undefined, name, value });
  }

  private paramValue(v: ParamValueSource, scope: Scope, frame: Frame, loc: SourceLocation): ParamValue {
    switch (v.kind) {
      case 'typed':
        return v.value;
      case 'template':
        return typeParamText(this.perform(v.template, scope, frame, loc));
      case 'list': {
        const items: ParamScalar[] = v.items.map((x) => (Array.isArray(x) ? (typeParamText(this.perform(x as Template, scope, frame, loc)) as ParamScalar) : (x as ParamScalar)));
        return normalizeParamValue(items);
      }
    }
  }

  private runExecutable(a: ExecutableAction, scope: Scope, frame: Frame): void {
    const segments = this.segments(a.cmd, scope, frame, a.loc);
    const prefix = this.words(a.process.launchPrefix, scope, frame, a.loc);
    let cmd: string[];
    if (a.process.shell === true) {
      const text = segments.map((s) => s.text).join('');
      cmd = ['/bin/sh', '-c', prefix.length === 0 ? text : `${prefix.map(quoteWord).join(' ')} ${text}`];
    } else {
      cmd = [...prefix, ...this.split(segments, a.loc)];
    }
    if (cmd.length === 0 || cmd[0] === '') throw new LaunchError('<executable> has an empty "cmd"', a.loc);
    const words = this.split(segments, a.loc);
    const label = a.name !== undefined ? this.perform(a.name, scope, frame, a.loc) : basename(words[0] ?? cmd[0]!);
    this.addProcess(a.process, scope, frame, a.loc, { kind: 'executable', label, cmd, rosArgs: undefined });
  }

  private addProcess(
    pa: ProcessAttrs,
    scope: Scope,
    frame: Frame,
    loc: SourceLocation,
    p: { kind: 'node' | 'executable'; label: string; cmd: readonly string[]; rosArgs: RosNodeSpec | undefined },
  ): void {
    if (this.processes.length >= this.limits.maxProcesses) throw new LaunchError(`more than ${this.limits.maxProcesses} processes`, loc);
    const perform = (t: Template): string => this.perform(t, scope, frame, loc);
    const outputText = pa.output === undefined ? 'log' : perform(pa.output);
    const output: OutputMode | undefined = ({ screen: 'screen', log: 'log', both: 'both', own_log: 'log' } as const)[outputText as 'screen'];
    if (output === undefined) throw new LaunchError(`output must be screen, log, both or own_log, got ${JSON.stringify(outputText)}`, loc);
    const respawn = pa.respawn === undefined ? false : yamlBool(perform(pa.respawn), 'respawn', loc);
    const env: Record<string, string> = {};
    const unsetEnv: string[] = [];
    for (const [k, v] of scope.env) if (this.baseEnv.get(k) !== v) Object.defineProperty(env, k, { value: v, enumerable: true, writable: true, configurable: true });
    for (const k of this.baseEnv.keys()) if (!scope.env.has(k)) unsetEnv.push(k);
    for (const e of pa.env) {
      const k = this.envName(e.name, scope, frame, e.loc);
      Object.defineProperty(env, k, { value: this.perform(e.value, scope, frame, e.loc), enumerable: true, writable: true, configurable: true });
      const i = unsetEnv.indexOf(k);
      if (i >= 0) unsetEnv.splice(i, 1);
    }
    let name = p.label.trim() === '' ? p.kind : p.label;
    if (this.usedNames.has(name)) {
      let n = 2;
      while (this.usedNames.has(`${name}-${n}`)) n++;
      name = `${name}-${n}`;
    }
    this.usedNames.add(name);
    const ms = (s: number | undefined): number | undefined => (s === undefined ? undefined : Math.round(s * 1000));
    this.processes.push({
      name,
      kind: p.kind,
      cmd: p.cmd,
      cwd: pa.cwd === undefined ? undefined : perform(pa.cwd),
      env,
      unsetEnv,
      respawn,
      respawnDelayMs: ms(pa.respawnDelayS) ?? 0,
      respawnMaxRetries: pa.respawnMaxRetries === undefined ? undefined : pa.respawnMaxRetries < 0 ? -1 : pa.respawnMaxRetries,
      output,
      sigtermTimeoutMs: ms(pa.sigtermTimeoutS),
      sigkillTimeoutMs: ms(pa.sigkillTimeoutS),
      shutdownOnExit: pa.onExitShutdown,
      source: loc,
      rosArgs: p.rosArgs,
    });
  }

  // -------------------------------------------------------------------------------------------
  // Substitutions

  private conditionHolds(c: Condition, scope: Scope, frame: Frame, loc: SourceLocation): boolean {
    if (c.if !== undefined) return conditionValue(this.perform(c.if, scope, frame, loc), 'if', loc);
    if (c.unless !== undefined) return !conditionValue(this.perform(c.unless, scope, frame, loc), 'unless', loc);
    return true;
  }

  private envName(t: Template, scope: Scope, frame: Frame, loc: SourceLocation): string {
    const n = this.perform(t, scope, frame, loc);
    if (n === '' || n.includes('=') || n.includes('\0')) throw new LaunchError(`invalid environment variable name ${JSON.stringify(n)}`, loc);
    return n;
  }

  private words(t: Template | undefined, scope: Scope, frame: Frame, loc: SourceLocation): string[] {
    return t === undefined ? [] : this.split(this.segments(t, scope, frame, loc), loc);
  }

  private split(segments: readonly Segment[], loc: SourceLocation): string[] {
    try {
      return splitWords(segments);
    } catch (e) {
      if (e instanceof ShellWordsError) throw new LaunchError(e.message, loc);
      throw e;
    }
  }

  private segments(t: Template, scope: Scope, frame: Frame, loc: SourceLocation): Segment[] {
    return t.map((part) => (typeof part === 'string' ? { text: part, opaque: false } : { text: this.substitute(part, scope, frame, loc), opaque: true }));
  }

  perform(t: Template, scope: Scope, frame: Frame, loc: SourceLocation): string {
    let out = '';
    for (const part of t) {
      out += typeof part === 'string' ? part : this.substitute(part, scope, frame, loc);
      // `let` chains can double a value at each step; bound what one value may grow to.
      if (out.length > MAX_VALUE_CHARS) throw new LaunchError(`a substituted value grew past ${MAX_VALUE_CHARS} characters`, loc);
    }
    return out;
  }

  private substitute(s: Substitution, scope: Scope, frame: Frame, loc: SourceLocation): string {
    const arg = (i: number): string | undefined => {
      const t = s.args[i];
      return t === undefined ? undefined : this.perform(t, scope, frame, loc);
    };
    const fail = (msg: string): never => {
      throw new LaunchError(`${formatTemplate([s])}: ${msg}`, loc);
    };
    switch (s.name) {
      case 'var': {
        const name = arg(0)!;
        const v = scope.vars.get(name);
        if (v === undefined) fail(`launch configuration "${name}" is not set (declare it with <arg> or <let> before this point)`);
        return v!;
      }
      case 'env':
      case 'optenv': {
        const name = arg(0)!;
        const v = scope.env.get(name);
        if (v !== undefined) return v;
        const d = arg(1);
        if (d !== undefined) return d;
        if (s.name === 'optenv') return '';
        return fail(`environment variable ${name} is not set (give a default: $(env ${name} DEFAULT))`);
      }
      case 'dirname':
        return dirname(frame.file);
      case 'filename':
        return frame.file;
      case 'find-pkg-share':
      case 'find-pkg-prefix': {
        const pkg = arg(0)!;
        const find = s.name === 'find-pkg-share' ? this.opts.findPackageShare : this.opts.findPackagePrefix;
        const dir = find?.(pkg);
        if (dir === undefined) fail(`package "${pkg}" not found`);
        return dir!;
      }
      case 'anon': {
        const name = arg(0)!;
        let v = this.anon.get(name);
        if (v === undefined) {
          v = `${name.replace(/[^A-Za-z0-9_]/g, '_')}_${process.pid}_${randomBytes(4).toString('hex')}`;
          this.anon.set(name, v);
        }
        return v;
      }
      case 'eval':
        try {
          return safeEval(arg(0)!);
        } catch (e) {
          return fail((e as Error).message);
        }
      case 'not':
        return String(!yamlBool(arg(0)!, '$(not)', loc));
      case 'and':
        return String(yamlBool(arg(0)!, '$(and)', loc) && yamlBool(arg(1)!, '$(and)', loc));
      case 'or':
        return String(yamlBool(arg(0)!, '$(or)', loc) || yamlBool(arg(1)!, '$(or)', loc));
      case 'equals':
        return String(arg(0) === arg(1));
      default:
        return fail('unsupported substitution');
    }
  }
}

/** `if`/`unless`: true/1 or false/0, any case (ros2 launch's rule). */
function conditionValue(text: string, attr: string, loc: SourceLocation): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new LaunchError(`"${attr}" must evaluate to true, false, 1 or 0, got ${JSON.stringify(text)}`, loc);
}

/** A boolean by YAML 1.1 rules, as ros2 launch types `respawn` and the `$(and)` family. */
function yamlBool(text: string, what: string, loc: SourceLocation): boolean {
  const t = text.trim().toLowerCase();
  if (['true', 'yes', 'on'].includes(t)) return true;
  if (['false', 'no', 'off'].includes(t)) return false;
  throw new LaunchError(`${what} must be a boolean (true or false), got ${JSON.stringify(text)}`, loc);
}

function prefixNamespace(base: string | undefined, ns: string | undefined): string | undefined {
  if (base === undefined) return ns;
  if (ns === undefined || ns === '') return base;
  if (ns.startsWith('/')) return ns;
  return base.endsWith('/') ? `${base}${ns}` : `${base}/${ns}`;
}

function absoluteNamespace(ns: string | undefined): string | undefined {
  if (ns === undefined) return undefined;
  let s = ns.startsWith('/') ? ns : `/${ns}`;
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Arguments of a file, for --show-args

/** The arguments a launch file declares, with those of files it includes by a fixed path. */
export function listLaunchArguments(path: string, opts: Pick<EvaluateOptions, 'limits' | 'findPackageShare'> = {}): DeclaredArg[] {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const out: DeclaredArg[] = [];
  const seen = new Set<string>();
  const visit = (file: string, depth: number, stack: readonly string[]): void => {
    const text = readTextFile(file, limits.maxFileBytes, 'launch file');
    const lf = parseLaunchText(text, file, { limits });
    const walk = (actions: readonly Action[], conditional: boolean): void => {
      for (const a of actions) {
        const cond = conditional || a.cond.if !== undefined || a.cond.unless !== undefined;
        if (a.kind === 'arg' && !seen.has(a.name)) {
          seen.add(a.name);
          out.push({
            name: a.name,
            default: a.default === undefined ? undefined : formatTemplate(a.default),
            description: a.description,
            choices: a.choices,
            conditional: cond,
            file,
          });
        } else if (a.kind === 'group') {
          walk(a.actions, cond);
        } else if (a.kind === 'include' && depth < limits.maxIncludeDepth) {
          const target = staticPath(a.file, file, opts.findPackageShare);
          if (target !== undefined && !stack.includes(target)) {
            try {
              visit(target, depth + 1, [...stack, target]);
            } catch {
              // best effort: an include that cannot be read now is reported when launching
            }
          }
        }
      }
    };
    walk(lf.actions, false);
  };
  const root = resolve(path);
  visit(root, 0, [root]);
  return out;
}

/** An include path known without launch configurations (literal, $(dirname), $(find-pkg-share)). */
function staticPath(t: Template, file: string, findShare: ((pkg: string) => string | undefined) | undefined): string | undefined {
  let out = '';
  for (const p of t) {
    if (typeof p === 'string') out += p;
    else if (p.name === 'dirname') out += dirname(file);
    else if (p.name === 'find-pkg-share' && p.args[0] !== undefined && p.args[0].every((x) => typeof x === 'string')) {
      const dir = findShare?.((p.args[0] as string[]).join(''));
      if (dir === undefined) return undefined;
      out += dir;
    } else return undefined;
  }
  return isAbsolute(out) ? out : resolve(dirname(file), out);
}
