/**
 * `bftkvs launch <file> [name:=value ...]`: runs a ROS 2 launch file (XML or YAML) without
 * ROS. `<node pkg="bftkvs" exec="X">` runs packages/nodes/src/bin/X.ts with the same
 * `--ros-args` ros2 launch would pass; `<executable>` entries run as written. `--print` shows
 * the resolved processes without starting anything; `--show-args` lists the file's arguments.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { EvaluateOptions, NodeResolver, OutputMode, ProcessSpec, TextSink } from '@bftkvs/launch';
import { evaluateLaunchFile, formatParamValue, launch, listLaunchArguments, quoteWord } from '@bftkvs/launch';

/** The repository root: `$(find-pkg-share bftkvs)` and where the node programs live. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');

export interface LaunchCommandOptions {
  readonly print?: boolean;
  readonly json?: boolean;
  readonly showArgs?: boolean;
  readonly once?: readonly string[];
  readonly graceMs?: number;
  readonly screen?: boolean;
}

export interface LaunchIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Where `bftkvs` node programs are looked up (tests point it elsewhere). */
  readonly nodesBinDir?: string;
  /** Install SIGINT/SIGTERM handlers while running (the CLI does; tests do not). */
  readonly handleSignals?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const defaultIo = (): LaunchIo => ({ stdout: process.stdout, stderr: process.stderr, handleSignals: true });

/** `tsx` as an absolute `--import` target, so a node started in another cwd still finds it. */
function tsxImport(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

/**
 * Maps `pkg="bftkvs" exec="X"` to `node --conditions=@bftkvs/source --import tsx <bin>/X.ts`,
 * looking in each of `binDirs` in turn (the KVS nodes, then the vehicle testbed's nodes).
 */
export function bftkvsNodeResolver(binDirs: string | readonly string[]): NodeResolver {
  const dirs = typeof binDirs === 'string' ? [binDirs] : binDirs;
  return ({ pkg, exec }) => {
    if (pkg === undefined) return [exec];
    if (pkg !== 'bftkvs') {
      throw new Error(`package "${pkg}" is not available without ROS 2: bftkvs launch runs pkg="bftkvs" nodes and <executable> entries (run this file with ros2 launch)`);
    }
    const file = /^[A-Za-z0-9_-]+$/.test(exec) ? dirs.map((d) => join(d, `${exec}.ts`)).find((f) => existsSync(f)) : undefined;
    if (file === undefined) {
      const known = dirs
        .flatMap((binDir) =>
          existsSync(binDir)
            ? readdirSync(binDir)
                .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
                .map((f) => f.slice(0, -3))
            : [],
        )
        .sort();
      const list = known.length === 0 ? `none: ${dirs.map((d) => relative(REPO_ROOT, d) || d).join(', ')} has no executables yet` : known.join(', ');
      throw new Error(`unknown bftkvs executable '${exec}' (known: ${list})`);
    }
    return [process.execPath, '--conditions=@bftkvs/source', '--import', tsxImport(), file];
  };
}

/** Where `bftkvs launch` finds `pkg="bftkvs"` executables: the KVS nodes and the vehicle testbed's. */
export const BFTKVS_BIN_DIRS: readonly string[] = [join(REPO_ROOT, 'packages', 'nodes', 'src', 'bin'), join(REPO_ROOT, 'examples', 'vehicle', 'src', 'bin')];

/** A launch file named on the command line: a path, or a file name in the repository's launch/. */
export function findLaunchFile(file: string): string {
  const direct = resolve(file);
  if (existsSync(direct) || file.includes('/')) return direct;
  const shipped = join(REPO_ROOT, 'launch', file);
  return existsSync(shipped) ? shipped : direct;
}

function evaluateOptions(args: readonly string[], io: LaunchIo): EvaluateOptions {
  const share = (pkg: string): string | undefined => (pkg === 'bftkvs' ? REPO_ROOT : undefined);
  return {
    args,
    env: io.env ?? process.env,
    resolveNode: bftkvsNodeResolver(io.nodesBinDir ?? BFTKVS_BIN_DIRS),
    findPackageShare: share,
    findPackagePrefix: share,
  };
}

/** Runs the command; returns the exit code. Launch-file errors are thrown (main prints them). */
export async function runLaunchCommand(file: string, args: readonly string[], o: LaunchCommandOptions, io: LaunchIo = defaultIo()): Promise<number> {
  const path = findLaunchFile(file);
  const say = (s: TextSink, line: string): void => void s.write(`${line}\n`);
  const shown = relative(process.cwd(), path) || path;

  if (o.showArgs === true) {
    const declared = listLaunchArguments(path, { findPackageShare: (p) => (p === 'bftkvs' ? REPO_ROOT : undefined) });
    if (declared.length === 0) {
      say(io.stdout, `${shown} declares no arguments.`);
      return 0;
    }
    say(io.stdout, `Arguments of ${shown} (pass as name:=value):`);
    const width = Math.max(...declared.map((a) => a.name.length));
    for (const a of declared) {
      const facts = [
        a.default === undefined ? 'required' : `default: ${a.default === '' ? "''" : a.default}`,
        ...(a.choices === undefined ? [] : [`one of: ${a.choices.join(', ')}`]),
        ...(a.conditional ? ['conditional'] : []),
        ...(a.file === path ? [] : [`from ${relative(process.cwd(), a.file) || a.file}`]),
      ];
      say(io.stdout, `  ${a.name.padEnd(width)}  ${a.description ?? ''}${a.description === undefined ? '' : ' '}(${facts.join('; ')})`);
    }
    return 0;
  }

  const r = evaluateLaunchFile(path, evaluateOptions(args, io));
  for (const w of r.warnings) say(io.stderr, `bftkvs launch: warning: ${w}`);
  for (const l of r.logs) say(io.stderr, `[launch] [${l.level}] ${l.message}`);

  if (o.print === true) {
    if (o.json === true) {
      say(io.stdout, JSON.stringify({ file: path, args: r.args, processes: r.processes, warnings: r.warnings }, null, 2));
    } else {
      printProcesses(r.processes, shown, r.args, (l) => say(io.stdout, l));
    }
    return 0;
  }

  const override = o.screen === true ? 'screen' : (io.env ?? process.env).OVERRIDE_LAUNCH_PROCESS_OUTPUT;
  const handle = launch(r.processes, {
    stdout: io.stdout,
    stderr: io.stderr,
    handleSignals: io.handleSignals ?? false,
    stopWhenExits: o.once,
    sigtermTimeoutMs: o.graceMs,
    sigkillTimeoutMs: o.graceMs,
    outputOverride: override === 'screen' || override === 'log' || override === 'both' ? (override as OutputMode) : undefined,
  });
  return (await handle.exited).code;
}

function printProcesses(ps: readonly ProcessSpec[], file: string, args: Readonly<Record<string, string>>, p: (line: string) => void): void {
  p(`${ps.length} process${ps.length === 1 ? '' : 'es'} from ${file}`);
  const argText = Object.entries(args).map(([k, v]) => `${k}:=${v === '' ? "''" : quoteWord(v)}`);
  if (argText.length > 0) p(`arguments: ${argText.join(' ')}`);
  for (const s of ps) {
    const what = s.rosArgs === undefined ? 'executable' : `node ${s.rosArgs.package === undefined ? '' : `${s.rosArgs.package}/`}${s.rosArgs.executable} as ${s.rosArgs.fullyQualifiedName}`;
    const traits = [
      `output ${s.output}`,
      ...(s.respawn ? [`respawn after ${s.respawnDelayMs} ms${s.respawnMaxRetries === undefined ? '' : `, at most ${s.respawnMaxRetries < 0 ? 'unlimited' : s.respawnMaxRetries} times`}`] : []),
      ...(s.shutdownOnExit ? ['on exit: shutdown'] : []),
    ];
    p('');
    p(`[${s.name}] ${what} (${traits.join(', ')})`);
    p(`  cmd: ${s.cmd.map(quoteWord).join(' ')}`);
    if (s.cwd !== undefined) p(`  cwd: ${s.cwd}`);
    const env = [...Object.entries(s.env).map(([k, v]) => `${k}=${quoteWord(v)}`), ...s.unsetEnv.map((k) => `-${k}`)];
    if (env.length > 0) p(`  env: ${env.join(' ')}`);
    if (s.rosArgs !== undefined) {
      const params = Object.entries(s.rosArgs.params);
      if (params.length > 0) p(`  params: ${params.map(([k, v]) => `${k}=${formatParamValue(v)}`).join(' ')}`);
      if (s.rosArgs.remaps.length > 0) p(`  remaps: ${s.rosArgs.remaps.map((r) => `${r.from}:=${r.to}`).join(' ')}`);
    }
    p(`  from: ${relative(process.cwd(), s.source.file) || s.source.file}${s.source.line === undefined ? '' : `:${s.source.line}`} ${s.source.path}`);
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function nonNegativeInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

export function registerLaunch(program: Command): void {
  program
    .command('launch')
    .description('run a ROS 2 launch file (XML or YAML) without ROS; pass launch arguments as name:=value')
    .argument('<file>', 'launch file (a path, or a file name in the repository launch/ directory)')
    .argument('[args...]', 'launch arguments, name:=value')
    .option('--print', 'print the resolved processes and exit without starting anything')
    .option('--json', 'with --print: print JSON')
    .option('--show-args', "list the file's launch arguments with defaults and descriptions")
    .option('--once <name>', 'stop the launch when this process exits (repeatable; for tests and one-shot runs)', collect, [])
    .option('--grace-ms <ms>', 'SIGINT-to-SIGTERM and SIGTERM-to-SIGKILL wait for processes whose launch file sets none (default 5000)', nonNegativeInt)
    .option('--screen', 'print every process\'s stdout (as output="screen")')
    .action(async (file: string, args: string[], o: { print?: boolean; json?: boolean; showArgs?: boolean; once: string[]; graceMs?: number; screen?: boolean }) => {
      process.exitCode = await runLaunchCommand(file, args, { ...o, once: o.once.length === 0 ? undefined : o.once });
    });
}
