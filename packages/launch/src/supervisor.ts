/**
 * The process supervisor behind `bftkvs launch`: starts each ProcessSpec in order, prefixes
 * every output line with `[name]`, respawns what asks for it (bounded, with back-off), and
 * shuts down in reverse start order — SIGINT, then SIGTERM after a grace period, then SIGKILL.
 *
 * Exit code of a launch: 0 when every process exited 0, or when the launch was stopped
 * (stop(), SIGINT/SIGTERM, an `on_exit="shutdown"` or `stopWhenExits` process ending) and
 * every process then exited cleanly; otherwise the code of the first process that failed
 * (128+N for a process killed by signal N, 137 for one that had to be SIGKILLed).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants as osConstants } from 'node:os';
import type { OutputMode, ProcessSpec } from './evaluate.js';

export interface TextSink {
  write(chunk: string): unknown;
}

export interface SupervisorOptions {
  /** Where process stdout lines (and nothing else) go; default process.stdout. */
  readonly stdout?: TextSink;
  /** Where stderr lines and the launcher's own messages go; default process.stderr. */
  readonly stderr?: TextSink;
  /** Colour the `[name]` prefixes; default: stdout is a TTY and NO_COLOR is unset. */
  readonly color?: boolean;
  /** Print lines at all (the 'line' events fire regardless); default true. */
  readonly print?: boolean;
  /** Overrides every process's `output` (ros2 launch's OVERRIDE_LAUNCH_PROCESS_OUTPUT). */
  readonly outputOverride?: OutputMode;
  /** Environment processes start from; default process.env. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** Shut down on SIGINT/SIGTERM to this process (a second one kills at once); default false. */
  readonly handleSignals?: boolean;
  /** SIGINT → SIGTERM wait when a spec does not set one; default 5000 (as ros2 launch). */
  readonly sigtermTimeoutMs?: number;
  /** SIGTERM → SIGKILL wait when a spec does not set one; default 5000 (as ros2 launch). */
  readonly sigkillTimeoutMs?: number;
  /** Test/once mode: when any of these processes exits, shut the launch down. */
  readonly stopWhenExits?: readonly string[];
  /** Respawn bound for specs that leave respawn_max_retries unset; default 10. */
  readonly maxRespawns?: number;
  /** Back-off ceiling between respawns of a process that keeps dying quickly; default 30 s. */
  readonly respawnBackoffMaxMs?: number;
  /** A run at least this long resets the back-off; default 10 s. */
  readonly stableRunMs?: number;
}

export type ProcessState = 'starting' | 'running' | 'waiting-respawn' | 'exited' | 'stopped';

export interface ProcessStatus {
  readonly name: string;
  readonly spec: ProcessSpec;
  readonly state: ProcessState;
  readonly pid: number | undefined;
  /** Respawns so far. */
  readonly restarts: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LaunchFailure {
  readonly name: string;
  readonly code: number;
  readonly detail: string;
}

export interface LaunchResult {
  readonly code: number;
  /** Why the launch ended: "all processes exited", "stopped: SIGINT", "replica_1 exited", ... */
  readonly reason: string;
  /** In the order they happened; the first one gives the code. */
  readonly failures: readonly LaunchFailure[];
}

export interface LineEvent {
  readonly name: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface ExitEvent {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly respawnInMs: number | undefined;
}

export interface LaunchHandle {
  readonly processes: readonly ProcessStatus[];
  readonly exited: Promise<LaunchResult>;
  /** Starts the ordered shutdown (idempotent); `force` kills what is left at once. */
  stop(reason?: string, opts?: { force?: boolean }): Promise<LaunchResult>;
  on(event: 'line', listener: (e: LineEvent) => void): this;
  on(event: 'spawn', listener: (e: { name: string; pid: number; restarts: number }) => void): this;
  on(event: 'exit', listener: (e: ExitEvent) => void): this;
  on(event: 'message', listener: (text: string) => void): this;
}

const MAX_LINE_CHARS = 64 * 1024;
const COLOURS = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];

interface Proc {
  readonly spec: ProcessSpec;
  readonly index: number;
  state: ProcessState;
  child: ChildProcess | undefined;
  pid: number | undefined;
  restarts: number;
  quickStreak: number;
  startedAt: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timer: NodeJS.Timeout | undefined;
  /** Resolves when the current child has exited. */
  exitWaiters: (() => void)[];
  /** Output pipes not yet closed (a grandchild can hold them open after the child exits). */
  readonly openStreams: Set<NodeJS.ReadableStream & { destroy(): void }>;
  killedBySupervisor: boolean;
}

/** Starts the processes and returns at once; see LaunchHandle. */
export function launch(specs: readonly ProcessSpec[], opts: SupervisorOptions = {}): LaunchHandle {
  return new Supervisor(specs, opts);
}

class Supervisor extends EventEmitter implements LaunchHandle {
  readonly exited: Promise<LaunchResult>;
  private resolveExited!: (r: LaunchResult) => void;
  private readonly procs: Proc[];
  private readonly failures: LaunchFailure[] = [];
  private shuttingDown = false;
  private shutdownPromise: Promise<LaunchResult> | undefined;
  private finished = false;
  private reason = '';
  private readonly out: TextSink;
  private readonly err: TextSink;
  private readonly color: boolean;
  private readonly signalHandlers: [NodeJS.Signals, () => void][] = [];
  private readonly exitHook = (): void => this.killAllNow();

  constructor(
    specs: readonly ProcessSpec[],
    private readonly opts: SupervisorOptions,
  ) {
    super();
    this.out = opts.stdout ?? process.stdout;
    this.err = opts.stderr ?? process.stderr;
    this.color = opts.color ?? ((this.out as { isTTY?: boolean }).isTTY === true && process.env.NO_COLOR === undefined);
    this.exited = new Promise((r) => (this.resolveExited = r));
    const names = new Set<string>();
    for (const s of specs) {
      if (names.has(s.name)) throw new Error(`two processes are named "${s.name}"`);
      names.add(s.name);
    }
    for (const n of opts.stopWhenExits ?? []) {
      if (!names.has(n)) throw new Error(`no process named "${n}" (processes: ${[...names].join(', ') || 'none'})`);
    }
    this.procs = specs.map((spec, index) => ({
      spec,
      index,
      state: 'starting',
      child: undefined,
      pid: undefined,
      restarts: 0,
      quickStreak: 0,
      startedAt: 0,
      exitCode: null,
      signal: null,
      timer: undefined,
      exitWaiters: [],
      openStreams: new Set(),
      killedBySupervisor: false,
    }));
    if (opts.handleSignals === true) {
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        const h = (): void => {
          if (this.shuttingDown) {
            this.message(`${sig} again: killing the remaining processes`);
            void this.stop(`stopped: ${sig}`, { force: true });
          } else {
            void this.stop(`stopped: ${sig}`);
          }
        };
        process.on(sig, h);
        this.signalHandlers.push([sig, h]);
      }
      process.on('exit', this.exitHook);
    }
    // Start after the caller has had a chance to attach listeners.
    queueMicrotask(() => {
      if (this.procs.length === 0) {
        void this.finish('nothing to launch');
        return;
      }
      for (const p of this.procs) {
        if (this.shuttingDown) break;
        this.start(p);
      }
    });
  }

  get processes(): readonly ProcessStatus[] {
    return this.procs.map((p) => ({
      name: p.spec.name,
      spec: p.spec,
      state: p.state,
      pid: p.pid,
      restarts: p.restarts,
      exitCode: p.exitCode,
      signal: p.signal,
    }));
  }

  // -------------------------------------------------------------------------------------------

  private message(text: string): void {
    this.emit('message', text);
    if (this.opts.print === false) return;
    this.err.write(this.color ? `\x1b[2m[launch] ${text}\x1b[0m\n` : `[launch] ${text}\n`);
  }

  private prefix(p: Proc): string {
    const tag = `[${p.spec.name}]`;
    return this.color ? `\x1b[${COLOURS[p.index % COLOURS.length]}m${tag}\x1b[0m ` : `${tag} `;
  }

  private start(p: Proc): void {
    const spec = p.spec;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.baseEnv ?? process.env)) if (v !== undefined && !spec.unsetEnv.includes(k)) env[k] = v;
    Object.assign(env, spec.env);
    const [file, ...args] = spec.cmd;
    p.state = 'running';
    p.exitCode = null;
    p.signal = null;
    p.killedBySupervisor = false;
    p.startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(file!, args, { cwd: spec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    } catch (e) {
      this.onExit(p, 127, null, `could not start: ${(e as Error).message}`);
      return;
    }
    p.child = child;
    let exited = false;
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (child.pid === undefined && !exited) {
        exited = true;
        this.onExit(p, 127, null, `could not start ${JSON.stringify(file)}: ${e.code ?? e.message}`);
      }
    });
    child.on('spawn', () => {
      p.pid = child.pid;
      this.message(`started ${spec.name} (pid ${child.pid})${p.restarts > 0 ? `, respawn ${p.restarts}` : ''}`);
      this.emit('spawn', { name: spec.name, pid: child.pid!, restarts: p.restarts });
    });
    child.on('exit', (code, signal) => {
      if (exited) return;
      exited = true;
      // A Ctrl-C in a terminal reaches the whole process group: the child may die of it before
      // our own SIGINT handler has run. Give the handler a moment, so such an exit counts as
      // part of the shutdown (clean, not respawned) rather than as a crash.
      if (!this.shuttingDown && this.opts.handleSignals === true && (signal === 'SIGINT' || code === 130)) {
        setTimeout(() => this.onExit(p, code, signal, undefined), 100);
      } else {
        this.onExit(p, code, signal, undefined);
      }
    });
    const output = this.opts.outputOverride ?? spec.output;
    this.pipeLines(p, child.stdout!, 'stdout', output !== 'log');
    this.pipeLines(p, child.stderr!, 'stderr', true);
  }

  private pipeLines(p: Proc, stream: NodeJS.ReadableStream & { destroy(): void }, which: 'stdout' | 'stderr', show: boolean): void {
    stream.setEncoding('utf8');
    p.openStreams.add(stream);
    stream.on('close', () => p.openStreams.delete(stream));
    let buf = '';
    const emitLine = (line: string): void => {
      const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
      this.emit('line', { name: p.spec.name, stream: which, line: clean });
      if (show && this.opts.print !== false) (which === 'stdout' ? this.out : this.err).write(`${this.prefix(p)}${clean}\n`);
    };
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        emitLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
      while (buf.length > MAX_LINE_CHARS) {
        emitLine(buf.slice(0, MAX_LINE_CHARS));
        buf = buf.slice(MAX_LINE_CHARS);
      }
    });
    stream.on('end', () => {
      if (buf !== '') emitLine(buf);
      buf = '';
    });
    stream.on('error', () => {
      // A broken pipe from a dying child is not the launcher's problem.
    });
  }

  private onExit(p: Proc, code: number | null, signal: NodeJS.Signals | null, startError: string | undefined): void {
    const name = p.spec.name;
    p.exitCode = code;
    p.signal = signal;
    p.child = undefined;
    const ranMs = Date.now() - p.startedAt;
    const how = startError ?? (signal !== null ? `killed by ${signal}` : `exited with code ${code}`);
    const waiters = p.exitWaiters.splice(0);
    const status = signal !== null ? 128 + (osConstants.signals[signal] ?? 0) : (code ?? 1);

    let respawnInMs: number | undefined;
    if (!this.shuttingDown && p.spec.respawn && startError === undefined) {
      const max = p.spec.respawnMaxRetries ?? this.opts.maxRespawns ?? 10;
      if (max < 0 || p.restarts < max) {
        p.quickStreak = ranMs < (this.opts.stableRunMs ?? 10_000) ? p.quickStreak + 1 : 0;
        const base = p.spec.respawnDelayMs;
        const cap = this.opts.respawnBackoffMaxMs ?? 30_000;
        respawnInMs = p.quickStreak <= 1 ? base : Math.min(cap, Math.max(base, 100) * 2 ** (p.quickStreak - 1));
      } else if (status !== 0) {
        this.failures.push({ name, code: status, detail: `${how}; gave up after ${p.restarts} respawns` });
      }
    }

    if (respawnInMs !== undefined) {
      p.state = 'waiting-respawn';
      this.message(`${name} ${how}; respawning in ${respawnInMs} ms`);
      p.timer = setTimeout(() => {
        p.timer = undefined;
        if (this.shuttingDown) return;
        p.restarts++;
        this.start(p);
      }, respawnInMs);
    } else {
      p.state = this.shuttingDown ? 'stopped' : 'exited';
      const clean = status === 0 || (this.shuttingDown && (code === 130 || code === 143 || code === 129 || signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP'));
      if (!clean && !(p.spec.respawn && !this.shuttingDown)) {
        this.failures.push({ name, code: status, detail: p.killedBySupervisor && signal === 'SIGKILL' ? 'did not stop after SIGINT and SIGTERM; killed' : how });
      }
      this.message(`${name} ${how}`);
    }
    this.emit('exit', { name, code, signal, respawnInMs });
    for (const w of waiters) w();

    if (!this.shuttingDown && respawnInMs === undefined) {
      if (p.spec.shutdownOnExit || (this.opts.stopWhenExits ?? []).includes(name)) {
        void this.stop(`${name} ${startError === undefined ? 'exited' : 'could not start'}`);
        return;
      }
      if (this.procs.every((q) => q.state === 'exited' || q.state === 'stopped')) void this.finish('all processes exited');
    }
  }

  stop(reason = 'stopped', opts: { force?: boolean } = {}): Promise<LaunchResult> {
    if (opts.force === true) this.killAllNow();
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    if (this.finished) return this.exited;
    this.shuttingDown = true;
    this.reason = reason;
    this.shutdownPromise = this.shutdown();
    return this.shutdownPromise;
  }

  private async shutdown(): Promise<LaunchResult> {
    this.message(`shutting down (${this.reason})`);
    for (const p of this.procs) {
      if (p.timer !== undefined) {
        clearTimeout(p.timer);
        p.timer = undefined;
      }
      if (p.state === 'waiting-respawn' || p.state === 'starting') p.state = 'stopped';
    }
    for (const p of [...this.procs].reverse()) {
      if (p.state === 'running' && p.child !== undefined) await this.terminate(p);
    }
    return this.finish(this.reason);
  }

  private async terminate(p: Proc): Promise<void> {
    const gone = new Promise<void>((r) => p.exitWaiters.push(r));
    const waitFor = (ms: number): Promise<boolean> =>
      Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
    const steps: [NodeJS.Signals, number][] = [
      ['SIGINT', p.spec.sigtermTimeoutMs ?? this.opts.sigtermTimeoutMs ?? 5_000],
      ['SIGTERM', p.spec.sigkillTimeoutMs ?? this.opts.sigkillTimeoutMs ?? 5_000],
      ['SIGKILL', 5_000],
    ];
    for (const [sig, ms] of steps) {
      if (p.child === undefined) return;
      if (sig !== 'SIGINT') this.message(`${p.spec.name} still running: sending ${sig}`);
      p.killedBySupervisor = true;
      p.child.kill(sig);
      if (await waitFor(ms)) return;
    }
    this.message(`${p.spec.name} did not exit even after SIGKILL`);
  }

  /** Last resort (second signal, launcher exiting): SIGKILL everything still running. */
  private killAllNow(): void {
    for (const p of this.procs) {
      if (p.timer !== undefined) clearTimeout(p.timer);
      if (p.child !== undefined && p.child.exitCode === null && p.child.signalCode === null) {
        p.killedBySupervisor = true;
        p.child.kill('SIGKILL');
      }
    }
  }

  /**
   * Ends the launch: reads what is left in the output pipes (briefly: a grandchild that outlived
   * its parent may hold a pipe open, and must not keep the launcher alive), then resolves.
   */
  private finish(reason: string): Promise<LaunchResult> {
    if (this.finished) return this.exited;
    this.finished = true;
    const first = this.failures[0];
    const result: LaunchResult = { code: first === undefined ? 0 : first.code, reason, failures: [...this.failures] };
    for (const [sig, h] of this.signalHandlers) process.off(sig, h);
    process.off('exit', this.exitHook);
    const open = this.procs.flatMap((p) => [...p.openStreams]);
    let ended = false;
    const done = (): void => {
      if (ended) return;
      ended = true;
      for (const st of open) st.destroy();
      this.message(first === undefined ? `done (${reason})` : `done (${reason}); first failure: ${first.name} ${first.detail}`);
      this.resolveExited(result);
    };
    if (open.length === 0) done();
    else {
      const timer = setTimeout(done, 250);
      void Promise.all(open.map((st) => new Promise<void>((r) => st.once('close', () => r())))).then(() => {
        clearTimeout(timer);
        done();
      });
    }
    return this.exited;
  }
}
