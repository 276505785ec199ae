/**
 * A benchmark cluster: a temporary directory with fresh keys, a generated cluster file and a
 * generated launch file, started through the launch supervisor exactly as `bftkvs launch`
 * starts clusters (the `replica` node program, one process per replica, UDP on 127.0.0.1),
 * with the replica's `bench_probe` parameter set so each replica records what it stored and
 * published (runtime benchProbe.ts).
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvsClient } from '@bftkvs/client';
import type { Mode } from '@bftkvs/core';
import type { LaunchHandle, NodeResolver } from '@bftkvs/launch';
import { evaluateLaunchFile, launch } from '@bftkvs/launch';
import { keyFileName, loadNodeKeys, writeClusterKeyFiles } from '@bftkvs/runtime';
import { stringify } from 'yaml';

export interface TimingSpec {
  readonly networkDelayMs: number;
  readonly clockSkewMs: number;
  readonly processingMs: number;
  readonly batchIntervalMs: number;
  readonly syncPeriodMs: number;
  readonly viewChangeTimeoutMs: number;
}

/** The shipped cluster's timing (launch/config/cluster.yaml); batch interval: the default. */
export const SHIPPED_TIMING: TimingSpec = {
  networkDelayMs: 2,
  clockSkewMs: 0.5,
  processingMs: 10,
  batchIntervalMs: 1,
  syncPeriodMs: 100,
  viewChangeTimeoutMs: 1_000,
};

export interface ClusterSpec {
  readonly mode: Mode;
  readonly replicas: number;
  readonly f: number;
  /** Writers w0..w(W-1); writer i lives on node `writerNode(i)`. */
  readonly writers: number;
  /** Keys k0..k(K-1), float64, every writer authorised, median fuse, one contribution suffices. */
  readonly keys: number;
  /** Publish-time grid of every key (µs). */
  readonly periodUs: number;
  readonly timing: TimingSpec;
  /** Fault profile per replica (the replica's `fault` parameter). */
  readonly faults?: Readonly<Record<number, string>>;
  readonly signatures?: boolean;
}

export interface ClusterEnv {
  /** `pkg="bftkvs"` node programs: the CLI's resolver (packages/nodes/src/bin/<exec>.ts). */
  readonly resolveNode: NodeResolver;
  /** Called with every output line of the replicas (diagnostics). */
  readonly onLine?: (name: string, line: string) => void;
  /** Extra arguments for node in every replica process (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  readonly nodeArgs?: readonly string[];
}

/** Writer i is hosted on node N-1-(i mod N): writer 0 on the last node, away from view 0's primary. */
export function writerNode(i: number, replicas: number): number {
  return replicas - 1 - (i % replicas);
}

export function byzantineF(replicas: number): number {
  return Math.max(0, Math.floor((replicas - 1) / 3));
}

/** 2N consecutive UDP ports on 127.0.0.1 that are free right now, starting at a random base. */
export async function findFreePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    if (await portsFree(base, count)) return base;
  }
  throw new Error(`no ${count} consecutive free UDP ports found on 127.0.0.1`);
}

async function portsFree(base: number, count: number): Promise<boolean> {
  const socks = [];
  try {
    for (let p = base; p < base + count; p++) {
      const s = createSocket('udp4');
      socks.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.bind(p, '127.0.0.1', () => resolve());
      });
    }
    return true;
  } catch {
    return false;
  } finally {
    for (const s of socks) {
      try {
        s.close();
      } catch {
        // not bound
      }
    }
  }
}

export function clusterDocument(spec: ClusterSpec, name: string, basePort: number): unknown {
  const writers: Record<string, number> = {};
  for (let i = 0; i < spec.writers; i++) writers[`w${i}`] = writerNode(i, spec.replicas);
  const keys: Record<string, unknown> = {};
  const writerNames = Object.keys(writers);
  for (let k = 0; k < spec.keys; k++) {
    keys[`k${k}`] = { type: 'float64', periodMs: spec.periodUs / 1_000, writers: writerNames, fuse: 'median', faultyWriters: 0, minWriters: 1 };
  }
  return {
    cluster: {
      name,
      mode: spec.mode,
      replicas: spec.replicas,
      f: spec.f,
      writers,
      signatures: spec.signatures ?? false,
      timing: { ...spec.timing },
      endpoints: { host: '127.0.0.1', basePort },
    },
    keys,
  };
}

function launchDocument(spec: ClusterSpec, clusterFile: string, keysDir: string, probeFile: (i: number) => string, faultEpochFile: string): unknown {
  return {
    launch: Array.from({ length: spec.replicas }, (_, i) => ({
      node: {
        pkg: 'bftkvs',
        exec: 'replica',
        name: `replica_${i}`,
        sigterm_timeout: '3.0',
        sigkill_timeout: '2.0',
        param: [
          { name: 'replica_id', value: i },
          { name: 'cluster_file', value: clusterFile },
          { name: 'keys_dir', value: keysDir },
          { name: 'fault', value: spec.faults?.[i] ?? 'none' },
          // Windowed faults (NAME@FROM..TO) count from the epoch the benchmark writes
          // (setFaultEpoch); the others count from the process start, as without a file.
          { name: 'fault_epoch_file', value: (spec.faults?.[i] ?? '').includes('@') ? faultEpochFile : 'none' },
          { name: 'status_period_s', value: 0 },
          { name: 'bench_probe', value: probeFile(i) },
        ],
      },
    })),
  };
}

export class BenchCluster {
  readonly dir: string;
  readonly clusterFile: string;
  readonly keysDir: string;
  readonly launchFile: string;
  readonly faultEpochFile: string;
  readonly name: string;
  private handle: LaunchHandle | undefined;
  private readonly exits: string[] = [];
  readonly log: string[] = [];

  private constructor(
    readonly spec: ClusterSpec,
    readonly basePort: number,
    private readonly env: ClusterEnv,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'bftkvs-bench-'));
    this.name = `bench-${process.pid}-${basePort}`;
    this.keysDir = join(this.dir, 'keys');
    writeClusterKeyFiles(this.keysDir, spec.replicas);
    this.clusterFile = join(this.dir, 'cluster.yaml');
    // No YAML aliases: the replicas' loader refuses many of them (every key shares the writer list).
    writeFileSync(this.clusterFile, stringify(clusterDocument(spec, this.name, basePort), { aliasDuplicateObjects: false }));
    this.launchFile = join(this.dir, 'bench.launch.yaml');
    this.faultEpochFile = join(this.dir, 'fault-epoch.json');
    writeFileSync(this.launchFile, stringify(launchDocument(spec, this.clusterFile, this.keysDir, (i) => this.probeFile(i), this.faultEpochFile)));
  }

  /** Starts the clock of windowed faults (`silent-primary@200ms`): they count from `epochUs` (wall clock, µs). */
  setFaultEpoch(epochUs: number): void {
    writeFileSync(this.faultEpochFile, JSON.stringify({ epochUs: Math.round(epochUs) }));
  }

  static async create(spec: ClusterSpec, env: ClusterEnv): Promise<BenchCluster> {
    const base = await findFreePorts(2 * spec.replicas);
    return new BenchCluster(spec, base, env);
  }

  probeFile(i: number): string {
    return join(this.dir, `probe-${i}.txt`);
  }

  keyFile(i: number): string {
    return join(this.keysDir, keyFileName(i));
  }

  clientPort(i: number): number {
    return this.basePort + 2 * i + 1;
  }

  /** Starts the replicas and waits until each answers a status request with ready = true. */
  async start(timeoutMs = 60_000): Promise<void> {
    const env = process.env;
    const base = this.env.resolveNode;
    const extra = this.env.nodeArgs ?? [];
    const resolveNode: NodeResolver = (n) => {
      const cmd = base(n);
      return extra.length > 0 && cmd[0] === process.execPath ? [cmd[0], ...extra, ...cmd.slice(1)] : cmd;
    };
    const evaluated = evaluateLaunchFile(this.launchFile, { env, resolveNode });
    const quiet = { write: () => true };
    const handle = launch(evaluated.processes, { print: false, stdout: quiet, stderr: quiet, baseEnv: env, handleSignals: false, sigtermTimeoutMs: 3_000, sigkillTimeoutMs: 2_000 });
    this.handle = handle;
    handle.on('line', (e) => {
      if (this.log.length < 5_000) this.log.push(`[${e.name}] ${e.line}`);
      this.env.onLine?.(e.name, e.line);
    });
    handle.on('exit', (e) => this.exits.push(`${e.name} exited (code ${e.code}, signal ${e.signal})`));
    const deadline = Date.now() + timeoutMs;
    const crashing = new Set(Object.entries(this.spec.faults ?? {}).filter(([, f]) => /crash-at/.test(f)).map(([i]) => Number(i)));
    for (let i = 0; i < this.spec.replicas; i++) {
      if (crashing.has(i)) continue;
      await this.waitReady(i, deadline);
    }
  }

  private async waitReady(i: number, deadline: number): Promise<void> {
    const client = await KvsClient.connect({
      keys: loadNodeKeys(this.keyFile(i), { replica: i }),
      clusterName: this.name,
      clientPort: this.clientPort(i),
      timeoutMs: 500,
    });
    try {
      for (;;) {
        if (this.unexpectedExits().length > 0) {
          throw new Error(`a replica stopped during start-up: ${this.exits.join('; ')}\n${this.log.slice(-20).join('\n')}`);
        }
        try {
          const h = await client.status({ timeoutMs: 500, retries: 0 });
          if (h.ready) return;
        } catch {
          // not up yet
        }
        if (Date.now() > deadline) throw new Error(`replica ${i} not ready in time\n${this.log.slice(-20).join('\n')}`);
        await sleep(200);
      }
    } finally {
      await client.close();
    }
  }

  /** Replicas that exited although no crash fault was asked for them. */
  unexpectedExits(): string[] {
    return this.exits.filter((x) => {
      const i = Number(/replica_(\d+)/.exec(x)?.[1] ?? -1);
      return !/crash-at/.test(this.spec.faults?.[i] ?? '');
    });
  }

  /** Names of the replicas that have exited so far. */
  exited(): string[] {
    return [...this.exits];
  }

  /** Stops every replica (SIGINT, then SIGTERM, SIGKILL), so the probes flush. */
  async stop(): Promise<void> {
    if (this.handle === undefined) return;
    await this.handle.stop('benchmark done');
    this.handle = undefined;
    // The replicas' log lines (suspicions, view changes, misses) explain a bad figure; kept with
    // the directory when BFTKVS_BENCH_KEEP=1.
    writeFileSync(join(this.dir, 'replicas.log'), this.log.join('\n') + '\n');
  }

  /** Deletes the temporary directory (kept, with replicas.log, when BFTKVS_BENCH_KEEP=1). */
  remove(): void {
    if (process.env['BFTKVS_BENCH_KEEP'] === '1') return;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
