/**
 * A small ROS-style node framework for the bftkvs programs that launch files start.
 *
 * A node is a class: it owns its parameters (declared with types, defaults and descriptions;
 * values from `--ros-args -p` and params files, read with @bftkvs/launch exactly as ros2
 * launch passes them), a logger prefixed with its name, its timers, and the hooks that
 * release what it opened. `spin()` runs it until SIGINT/SIGTERM (or `shutdown()`), then runs
 * the hooks in reverse order within a deadline and reports the exit code. `runNode()` is the
 * whole `main` of a node program: `--help`, start-up errors as one clear line (exit 2 for
 * configuration, 1 for anything else), never a stack trace for a user mistake.
 */
import type { ParamValue, ParsedRosArgs } from '@bftkvs/launch';
import { fullyQualifiedName, loadNodeParameters, parseRosArgs } from '@bftkvs/launch';
import type { LogSink } from './logger.js';
import { Logger, logLevelFor } from './logger.js';
import type { ParamSpecs, ParamValues } from './parameters.js';
import { formatParameterHelp, resolveParameters } from './parameters.js';

export interface NodeOptions {
  /** The program's arguments (default process.argv.slice(2)). */
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go (default stderr). */
  readonly logSink?: LogSink;
  /** Install SIGINT/SIGTERM handlers in spin() (default true). */
  readonly handleSignals?: boolean;
  /** Shutdown hooks must finish within this (default 5000 ms); the rest is abandoned. */
  readonly shutdownTimeoutMs?: number;
}

export interface NodeTimer {
  cancel(): void;
  readonly cancelled: boolean;
}

export type ShutdownHook = (reason: string) => void | Promise<void>;

/** Thrown by a node's constructor when `--help` was asked for: runNode prints it and exits 0. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  constructor(readonly text: string) {
    super('help requested');
  }
}

/** Errors that are the user's configuration, reported as one line with exit code 2. */
const CONFIG_ERRORS = new Set([
  'ParameterError',
  'RosArgsError',
  'ParamError',
  'ConfigError',
  'KeyFileError',
  'UnknownTransportError',
  'Ros2UnavailableError',
  'FaultProfileError',
]);

export function isConfigurationError(e: unknown): boolean {
  return e instanceof Error && CONFIG_ERRORS.has(e.name);
}

export abstract class Node<S extends ParamSpecs> {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly fullyQualifiedName: string;
  readonly log: Logger;
  readonly params: ParamValues<S>;
  /** The parsed `--ros-args` (remaps, non-ROS arguments in `rest`). */
  readonly rosArgs: ParsedRosArgs;
  protected readonly env: Readonly<Record<string, string | undefined>>;
  private readonly hooks: ShutdownHook[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handleSignals: boolean;
  private readonly shutdownTimeoutMs: number;
  private shutdownPromise: Promise<number> | undefined;
  private resolveSpin: ((code: number) => void) | undefined;
  private readonly spinDone: Promise<number>;
  private exitCode = 0;
  private timerErrors = 0;

  /**
   * Parses the arguments and resolves the parameters; throws HelpRequested for `--help`, and
   * ParameterError / RosArgsError / ParamError for bad arguments.
   */
  /** Every parameter the node was given (declared or not), as merged from its ROS arguments. */
  readonly givenParameters: Readonly<Record<string, ParamValue>>;

  constructor(
    defaultName: string,
    readonly parameterSpecs: S,
    readonly summary: string,
    opts: NodeOptions = {},
    /** Undeclared parameters this node expects anyway (e.g. those a transport reads): not warned about. */
    acceptsUndeclared: (name: string) => boolean = () => false,
  ) {
    const argv = opts.argv ?? process.argv.slice(2);
    this.env = opts.env ?? process.env;
    this.handleSignals = opts.handleSignals ?? true;
    this.shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 5_000;
    this.rosArgs = parseRosArgs(argv);
    if (this.rosArgs.rest.includes('--help') || this.rosArgs.rest.includes('-h')) throw new HelpRequested(this.helpText(defaultName));
    this.name = this.rosArgs.nodeName ?? defaultName;
    this.namespace = this.rosArgs.namespace;
    this.fullyQualifiedName = fullyQualifiedName(this.namespace, this.name);
    this.log = new Logger(this.name, logLevelFor(this.name, this.rosArgs.logLevels, this.env['BFTKVS_LOG']), opts.logSink ?? process.stderr);
    const given = loadNodeParameters(this.rosArgs, this.fullyQualifiedName);
    this.givenParameters = given;
    const { values, undeclared } = resolveParameters(parameterSpecs, given);
    this.params = values;
    for (const u of undeclared.filter((n) => !acceptsUndeclared(n))) this.log.warn(`ignoring undeclared parameter '${u}' (declared: ${Object.keys(parameterSpecs).join(', ')})`);
    for (const a of this.rosArgs.rest) this.log.warn(`ignoring argument ${JSON.stringify(a)} (parameters go after --ros-args as -p name:=value)`);
    this.spinDone = new Promise((resolve) => (this.resolveSpin = resolve));
  }

  /** Opens what the node needs; called once by runNode before spin(). Throw to fail start-up. */
  abstract start(): Promise<void>;

  /** Calls `cb` every `periodMs` until cancelled or shutdown; exceptions are logged, never fatal. */
  createTimer(periodMs: number, cb: () => void): NodeTimer {
    if (!(Number.isFinite(periodMs) && periodMs >= 1)) throw new RangeError(`timer period must be at least 1 ms, got ${periodMs}`);
    const handle = setInterval(() => this.runTimer(cb), periodMs);
    return this.track(handle, () => clearInterval(handle));
  }

  /** Calls `cb` once after `delayMs` unless cancelled or shut down first. */
  createOneShotTimer(delayMs: number, cb: () => void): NodeTimer {
    if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`timer delay must be a non-negative number of ms, got ${delayMs}`);
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      this.runTimer(cb);
    }, delayMs);
    return this.track(handle, () => clearTimeout(handle));
  }

  /** Registers what to release at shutdown; hooks run in reverse order of registration. */
  onShutdown(hook: ShutdownHook): void {
    this.hooks.push(hook);
  }

  /** Runs until shutdown; resolves with the exit code. */
  spin(): Promise<number> {
    // Keeps the event loop alive even when the node has nothing else armed.
    const keepAlive = setInterval(() => {}, 1 << 30);
    const signals: [NodeJS.Signals, () => void][] = [];
    if (this.handleSignals) {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        const h = (): void => {
          if (this.shutdownPromise !== undefined) {
            this.log.warn(`${sig} again: exiting at once`);
            process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
          }
          void this.shutdown(sig, 0);
        };
        process.on(sig, h);
        signals.push([sig, h]);
      }
    }
    return this.spinDone.finally(() => {
      clearInterval(keepAlive);
      for (const [sig, h] of signals) process.off(sig, h);
    });
  }

  /** Stops timers, runs the shutdown hooks (reverse order, bounded in time) and ends spin(). Idempotent. */
  shutdown(reason: string, code = 0): Promise<number> {
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    this.exitCode = code;
    this.shutdownPromise = (async () => {
      this.log.info(`shutting down (${reason})`);
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      const run = async (): Promise<void> => {
        for (const hook of [...this.hooks].reverse()) {
          try {
            await hook(reason);
          } catch (e) {
            this.log.error(`shutdown step failed: ${e instanceof Error ? e.message : String(e)}`);
            if (this.exitCode === 0) this.exitCode = 1;
          }
        }
      };
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        run().then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), this.shutdownTimeoutMs);
        }),
      ]);
      if (timer !== undefined) clearTimeout(timer);
      if (timedOut) {
        this.log.error(`shutdown did not finish within ${this.shutdownTimeoutMs} ms; exiting anyway`);
        if (this.exitCode === 0) this.exitCode = 1;
      }
      this.resolveSpin?.(this.exitCode);
      return this.exitCode;
    })();
    return this.shutdownPromise;
  }

  get shuttingDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** Timer callbacks that threw (logged each time). */
  get timerFailures(): number {
    return this.timerErrors;
  }

  private track(handle: NodeJS.Timeout, clear: () => void): NodeTimer {
    this.timers.add(handle);
    let cancelled = false;
    return {
      cancel: () => {
        cancelled = true;
        clear();
        this.timers.delete(handle);
      },
      get cancelled() {
        return cancelled;
      },
    };
  }

  private runTimer(cb: () => void): void {
    if (this.shuttingDown) return;
    try {
      cb();
    } catch (e) {
      this.timerErrors++;
      this.log.error(`timer callback failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private helpText(defaultName: string): string {
    return [
      `${defaultName}: ${this.summary}`,
      '',
      `usage: ${defaultName} --ros-args [-r __node:=NAME] [-r __ns:=/NS] [-p name:=value]... [--params-file FILE]...`,
      '',
      'parameters:',
      ...formatParameterHelp(this.parameterSpecs),
      '',
    ].join('\n');
  }
}

export interface RunNodeIo {
  readonly stdout: LogSink;
  readonly stderr: LogSink;
}

/**
 * The main of a node program: constructs the node (printing help for --help), starts it and
 * spins until shutdown. Resolves with the exit code: 0 clean, 2 configuration error (bad
 * parameters, files, transport not available), 1 any other failure.
 */
export async function runNode(create: () => Node<ParamSpecs>, io: RunNodeIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let node: Node<ParamSpecs>;
  try {
    node = create();
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stdout.write(e.text);
      return 0;
    }
    io.stderr.write(`[FATAL] ${e instanceof Error ? e.message : String(e)}\n`);
    return isConfigurationError(e) ? 2 : 1;
  }
  const spinning = node.spin();
  try {
    await node.start();
  } catch (e) {
    const code = isConfigurationError(e) ? 2 : 1;
    node.log.fatal(e instanceof Error ? e.message : String(e));
    if (!isConfigurationError(e) && e instanceof Error && e.stack !== undefined && node.log.enabled('debug')) node.log.debug(e.stack);
    await node.shutdown('start-up failed', code);
  }
  return spinning;
}
