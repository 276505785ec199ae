/**
 * Test helpers (not a test file: ava skips files starting with `_`): real replica processes
 * started from the shipped launch files through @bftkvs/launch, on a free loopback port
 * range, with keys in a temporary directory; clients connected as each node's application.
 * Every child is killed when the test process exits, whatever happens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeKeys } from '@bftkvs/core';
import { KvsClient } from '@bftkvs/client';
import type { LaunchHandle, LineEvent, NodeResolver, ProcessSpec } from '@bftkvs/launch';
import { evaluateLaunchFile, launch } from '@bftkvs/launch';
import type { RuntimeClusterConfig } from '@bftkvs/runtime';
import { UdpTransport, keyFileName, loadClusterFile, loadNodeKeys, writeClusterKeyFiles } from '@bftkvs/runtime';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const BIN_DIR = join(REPO_ROOT, 'packages', 'nodes', 'src', 'bin');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 50 ms until it holds; rejects with `what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** `pkg="bftkvs" exec="X"` → node with tsx running packages/nodes/src/bin/X.ts (what `bftkvs launch` does). */
export const nodeResolver: NodeResolver = ({ exec }) => [process.execPath, '--conditions=@bftkvs/source', '--import', import.meta.resolve('tsx'), join(BIN_DIR, `${exec}.ts`)];

/** A base port whose `count` consecutive UDP ports on 127.0.0.1 are free right now. */
export async function freeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    const opened: UdpTransport[] = [];
    try {
      for (let i = 0; i < count; i++) opened.push(await UdpTransport.open({ bind: { port: base + i } }));
      return base;
    } catch {
      // in use: try another range
    } finally {
      await Promise.all(opened.map((s) => s.close()));
    }
  }
  throw new Error('no free UDP port range found');
}

export interface TestCluster {
  readonly dir: string;
  readonly keysDir: string;
  readonly basePort: number;
  readonly config: RuntimeClusterConfig;
  readonly specs: readonly ProcessSpec[];
  /** The cluster file the launch file named. */
  readonly clusterFile: string;
  readonly lines: LineEvent[];
  /** Lines of one process, joined (for failure messages). */
  log(name: string): string;
  pid(name: string): number | undefined;
  /** Waits for `name`'s n-th "ready" line (n counts restarts, from 1). */
  ready(name: string, n?: number, timeoutMs?: number): Promise<void>;
  kill9(name: string): Promise<void>;
  /** Starts `name` again (a new process with the same command line). */
  restart(name: string): void;
  client(replica: number, timeoutMs?: number): Promise<KvsClient>;
  stop(): Promise<void>;
}

const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Launches `launchFile` (a file name in launch/) with fresh keys for `replicas` nodes, a free
 * port range and the given launch arguments, and waits until every replica logged "ready".
 */
export async function startCluster(
  launchFile: string,
  replicas: number,
  args: Readonly<Record<string, string>> = {},
  opts: { readonly skip?: readonly string[] } = {},
): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-it-'));
  const keysDir = join(dir, 'keys');
  writeClusterKeyFiles(keysDir, replicas);
  const basePort = await freeBasePort(2 * replicas);
  const evaluated = evaluateLaunchFile(join(REPO_ROOT, 'launch', launchFile), {
    args: { keys: keysDir, base_port: String(basePort), status_period_s: '2.0', ...args },
    resolveNode: nodeResolver,
    findPackageShare: (p) => (p === 'bftkvs' ? REPO_ROOT : undefined),
  });
  const clusterFile = evaluated.args['cluster'] ?? join(REPO_ROOT, 'launch', 'config', 'cluster.yaml');
  const config = loadClusterFile(clusterFile, undefined, { basePort, ...(evaluated.args['mode'] === undefined ? {} : { mode: evaluated.args['mode'] as 'fast' }) });
  // Skipped processes are run by the test itself (e.g. in-process); restart() still knows them.
  const specs = evaluated.processes;
  const started = specs.filter((s) => !(opts.skip ?? []).includes(s.name));
  const lines: LineEvent[] = [];
  const handles: LaunchHandle[] = [];
  const readyCount = new Map<string, number>();
  const pids = new Map<string, number>();
  const watch = (h: LaunchHandle): LaunchHandle => {
    h.on('line', (e) => {
      lines.push(e);
      if (/\]: ready$/.test(e.line)) readyCount.set(e.name, (readyCount.get(e.name) ?? 0) + 1);
    });
    h.on('spawn', (e) => {
      pids.set(e.name, e.pid);
      live.add(e.pid);
    });
    h.on('exit', (e) => {
      const pid = pids.get(e.name);
      if (pid !== undefined) live.delete(pid);
    });
    handles.push(h);
    return h;
  };
  watch(launch(started, { print: false, sigtermTimeoutMs: 3_000, sigkillTimeoutMs: 2_000 }));
  const cluster: TestCluster = {
    dir,
    keysDir,
    clusterFile,
    basePort,
    config,
    specs,
    lines,
    log: (name) =>
      lines
        .filter((l) => l.name === name)
        .map((l) => l.line)
        .join('\n'),
    pid: (name) => pids.get(name),
    ready: (name, n = 1, timeoutMs = 30_000) => until(() => (readyCount.get(name) ?? 0) >= n, timeoutMs, `${name} to be ready (${n})\n${cluster.log(name)}`),
    async kill9(name) {
      const pid = pids.get(name);
      if (pid === undefined) throw new Error(`no process ${name}`);
      process.kill(pid, 'SIGKILL');
      await until(() => !live.has(pid), 10_000, `${name} to die`);
    },
    restart(name) {
      const spec = specs.find((s) => s.name === name);
      if (spec === undefined) throw new Error(`no process ${name}`);
      watch(launch([spec], { print: false, sigtermTimeoutMs: 3_000, sigkillTimeoutMs: 2_000 }));
    },
    async client(replica, timeoutMs = 2_000) {
      const keys: NodeKeys = loadNodeKeys(join(keysDir, keyFileName(replica)), { replica });
      const ep = config.endpoints?.[replica];
      if (ep === undefined) throw new Error(`no endpoint for ${replica}`);
      return KvsClient.connect({ keys, clusterName: config.cluster.name, schemas: config.cluster.keys, clientPort: ep.clientPort, timeoutMs });
    },
    async stop() {
      for (const h of [...handles].reverse()) await h.stop('test done');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await Promise.all(started.map((s) => cluster.ready(s.name)));
  return cluster;
}
