/**
 * Runs one scenario of the distributed testbed end to end and writes its report:
 *
 * 1. a run directory `<out>/<scenario>/` with fresh keys (keys/), traces (trace/), launch.log;
 * 2. free loopback ports, so runs never collide (replicas at base_port+2i(+1), the world);
 * 3. the scenario's launch file (launch/vehicle/<scenario>.launch.yaml) started through the
 *    launch supervisor — 12 processes; when all are up, the epoch is written to the epoch file
 *    every process waits for (run time 0 = 1.5 s later, on the grid);
 * 4. progress while it runs (run time, speed vs target, command, faults as they fire, processes
 *    exiting and restarting, replicas suspecting each other — from `status` every second);
 * 5. the world ends the run; every process is stopped (also on error or Ctrl-C);
 * 6. the traces become a RunRecord (collect.ts), the unreplicated baseline runs in-process with
 *    the same plant, sensors, faults and timing, and report.html / summary.json / run.mcap are
 *    written for both.
 */
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KvsClient } from '@bftkvs/client';
import type { LaunchHandle, NodeResolver } from '@bftkvs/launch';
import { evaluateLaunchFile, launch } from '@bftkvs/launch';
import { keyFileName, loadClusterFile, loadNodeKeys, writeClusterKeyFiles } from '@bftkvs/runtime';
import { runBaselineLoop } from '../baseline.js';
import type { RunEvent, RunRecord } from '../record.js';
import { writeRunReport, type RunSummary } from '../report.js';
import { describeFault, faultEndUs, faultStartUs, withDuration, type Scenario } from '../scenarios.js';
import { buildDistributedRecord } from './collect.js';
import { clock } from './nodeCommon.js';
import { DISTRIBUTED_TIMING, loopTimingFor, type VehicleRunTiming } from './timing.js';
import { readTraces } from './trace.js';
import { WorldClient } from './worldProtocol.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url)).replace(/\/$/, '');
const BIN_DIRS = [join(REPO_ROOT, 'packages', 'nodes', 'src', 'bin'), join(REPO_ROOT, 'examples', 'vehicle', 'src', 'bin')];

/** `pkg="bftkvs" exec="X"` → node with tsx running X.ts from the KVS's or the testbed's bin/ (as `bftkvs launch`). */
export const vehicleNodeResolver: NodeResolver = ({ pkg, exec }) => {
  if (pkg === undefined) return [exec];
  if (pkg !== 'bftkvs') throw new Error(`package "${pkg}" is not available without ROS 2`);
  const file = /^[A-Za-z0-9_-]+$/.test(exec) ? BIN_DIRS.map((d) => join(d, `${exec}.ts`)).find((f) => existsSync(f)) : undefined;
  if (file === undefined) throw new Error(`unknown bftkvs executable '${exec}'`);
  return [process.execPath, '--conditions=@bftkvs/source', '--import', import.meta.resolve('tsx'), file];
};

export interface RunScenarioOptions {
  readonly scenario: Scenario;
  readonly outDir: string;
  readonly seed: number;
  /** Default: the scenario's. */
  readonly durationUs?: number;
  readonly timing?: VehicleRunTiming;
  /** Progress lines (default: none). */
  readonly print?: (line: string) => void;
  /** Print every process's log lines too. */
  readonly verbose?: boolean;
  /** How long the processes may take to come up (default 120 s). */
  readonly startupTimeoutMs?: number;
  /** The loop runs this long before run time 0 with the vehicle held still (default 5 s). */
  readonly prerollS?: number;
  /** Seconds between progress lines (default 2). */
  readonly progressPeriodS?: number;
}

export interface ScenarioRunResult {
  readonly scenario: string;
  readonly runDir: string;
  readonly record: RunRecord;
  readonly baseline: RunRecord;
  readonly summary: RunSummary;
  readonly baselineSummary: RunSummary;
  readonly htmlPath: string;
  readonly summaryPath: string;
  readonly mcapPath: string;
  readonly startupMs: number;
  readonly wallMs: number;
}

/** `count` consecutive UDP ports on 127.0.0.1 that are free right now, from a random range. */
export async function freeUdpPorts(count: number): Promise<number> {
  const tryBind = (port: number): Promise<import('node:dgram').Socket | undefined> =>
    new Promise((r) => {
      const s = createSocket('udp4');
      s.once('error', () => {
        s.close();
        r(undefined);
      });
      s.bind({ address: '127.0.0.1', port, exclusive: true }, () => r(s));
    });
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    const open: import('node:dgram').Socket[] = [];
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      const s = await tryBind(base + i);
      if (s === undefined) ok = false;
      else open.push(s);
    }
    await Promise.all(open.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (ok) return base;
  }
  throw new Error('no free range of UDP ports on 127.0.0.1');
}

const live = new Set<number>();
let exitHookInstalled = false;
/** Whatever happens to this process, its children do not outlive it. */
function killChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of live) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

const fmtS = (us: number): string => `${(us / 1e6).toFixed(1).padStart(5)} s`;

export async function runScenario(o: RunScenarioOptions): Promise<ScenarioRunResult> {
  const t0 = Date.now();
  const loadAtStart = loadavg()[0]!;
  const say = o.print ?? (() => {});
  const timing = o.timing ?? DISTRIBUTED_TIMING;
  const sc = o.durationUs === undefined ? o.scenario : withDuration(o.scenario, o.durationUs);
  const durationUs = sc.durationUs;
  const prerollS = o.prerollS ?? 5;
  const launchFile = join(REPO_ROOT, 'launch', 'vehicle', `${sc.name}.launch.yaml`);
  if (!existsSync(launchFile)) throw new Error(`no launch file for scenario ${sc.name}: ${launchFile}`);
  const runDir = resolve(o.outDir, sc.name);
  const keysDir = join(runDir, 'keys');
  const traceDir = join(runDir, 'trace');
  const epochFile = join(runDir, 'epoch.json');
  mkdirSync(runDir, { recursive: true });
  // Only what an earlier run of this scenario wrote here; nothing else in the directory.
  for (const stale of [keysDir, traceDir, epochFile]) rmSync(stale, { recursive: true, force: true });
  writeClusterKeyFiles(keysDir, 4, undefined, { force: true });
  const basePort = await freeUdpPorts(9);
  const worldPort = basePort + 8;

  const evaluated = evaluateLaunchFile(launchFile, {
    args: {
      keys: keysDir,
      base_port: String(basePort),
      world_port: String(worldPort),
      epoch_file: epochFile,
      duration_s: (durationUs / 1e6).toFixed(3),
      preroll_s: prerollS.toFixed(3),
      seed: String(o.seed),
      trace_dir: traceDir,
      status_period_s: '5.0',
    },
    resolveNode: vehicleNodeResolver,
    findPackageShare: (p) => (p === 'bftkvs' ? REPO_ROOT : undefined),
  });
  const clusterFile = evaluated.args['cluster'] ?? join(REPO_ROOT, 'launch', 'config', 'vehicle.yaml');
  const config = loadClusterFile(clusterFile, undefined, { basePort });
  const names = evaluated.processes.map((p) => p.name);
  say(`[${sc.name}] ${sc.title}: ${names.length} processes on 127.0.0.1 (replicas ${basePort}-${basePort + 7}, world ${worldPort}); run directory ${runDir}`);

  const log = createWriteStream(join(runDir, 'launch.log'));
  const runnerEvents: RunEvent[] = [];
  const ready = new Map<string, number>();
  let epochUs: number | undefined;
  const runUs = (): number => (epochUs === undefined ? 0 : clock.nowUs() - epochUs);
  killChildrenOnExit();
  const handle: LaunchHandle = launch(evaluated.processes, { print: false, sigtermTimeoutMs: 3_000, sigkillTimeoutMs: 2_000 });
  const pids = new Map<string, number>();
  const replicaOf = (name: string): string | undefined => /^replica_(\d+)$/.exec(name)?.[1];
  handle.on('line', (e) => {
    log.write(`[${e.name}] ${e.line}\n`);
    if (o.verbose === true) say(`  [${e.name}] ${e.line}`);
    if (/\]: ready$/.test(e.line)) {
      const n = (ready.get(e.name) ?? 0) + 1;
      ready.set(e.name, n);
      const r = replicaOf(e.name);
      if (n > 1 && r !== undefined && epochUs !== undefined) {
        runnerEvents.push({ tUs: runUs(), kind: 'note', nodeId: `replica-${r}`, detail: `replica ${r} is up again (empty; catches up by state transfer)` });
        say(`  ${fmtS(runUs())}  replica ${r} restarted and rejoining`);
      }
    }
    if (/crash-at: down until/.test(e.line) && epochUs !== undefined) say(`  ${fmtS(runUs())}  ${e.name} respawned, held down by its fault until its restart time`);
  });
  handle.on('spawn', (e) => {
    pids.set(e.name, e.pid);
    live.add(e.pid);
  });
  handle.on('exit', (e) => {
    const pid = pids.get(e.name);
    if (pid !== undefined) live.delete(pid);
    if (epochUs === undefined || runUs() > durationUs) return; // the end of the run stops everyone
    const r = replicaOf(e.name);
    const how = e.signal !== null ? `killed by ${e.signal}` : `exit code ${e.code}`;
    if (r !== undefined) {
      runnerEvents.push({ tUs: runUs(), kind: 'note', nodeId: `replica-${r}`, detail: `replica ${r} process ${how}${e.respawnInMs !== undefined ? `; the launcher restarts it in ${e.respawnInMs} ms` : ''}` });
      say(`  ${fmtS(runUs())}  replica ${r} ${how}${e.respawnInMs !== undefined ? ' (respawning)' : ''}`);
    } else if (e.name !== 'world') {
      runnerEvents.push({ tUs: Math.max(0, runUs()), kind: 'note', nodeId: e.name, detail: `${e.name} process ended during the run (${how}); see launch.log` });
      say(`  ${fmtS(runUs())}  ${e.name} ENDED (${how}) — see ${join(runDir, 'launch.log')}`);
    }
  });

  let world: WorldClient | undefined;
  const statusClients: KvsClient[] = [];
  let progressTimer: NodeJS.Timeout | undefined;
  let startupMs = 0;
  const lastHealth = new Map<number, Awaited<ReturnType<KvsClient['status']>>>();
  try {
    // 1. Wait until every process is up (a process that exits first is a failed start).
    const startupDeadline = Date.now() + (o.startupTimeoutMs ?? 120_000);
    let lastSaid = 0;
    for (;;) {
      const up = names.filter((n) => (ready.get(n) ?? 0) > 0).length;
      if (up === names.length) break;
      const dead = handle.processes.find((p) => p.state === 'exited');
      if (dead !== undefined) throw new Error(`${dead.name} exited during start-up (code ${dead.exitCode}, signal ${dead.signal}); see ${join(runDir, 'launch.log')}`);
      if (Date.now() > startupDeadline) throw new Error(`only ${up} of ${names.length} processes came up within ${(o.startupTimeoutMs ?? 120_000) / 1000} s (missing: ${names.filter((n) => !ready.has(n)).join(', ')}); see ${join(runDir, 'launch.log')}`);
      if (Date.now() - lastSaid > 3_000) {
        say(`  starting: ${up}/${names.length} processes up after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        lastSaid = Date.now();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    startupMs = Date.now() - t0;
    // 2. Run time 0: on the grid, far enough ahead for every process to read the file.
    const P = timing.periodUs;
    epochUs = Math.ceil((clock.nowUs() + 1_500_000 + prerollS * 1e6) / P) * P;
    writeFileSync(`${epochFile}.tmp`, JSON.stringify({ epochUs }));
    renameSync(`${epochFile}.tmp`, epochFile);
    say(`  all ${names.length} processes up after ${(startupMs / 1000).toFixed(1)} s; the loop runs from now, the vehicle from run time 0 in ${(1.5 + prerollS).toFixed(1)} s (pre-roll), then ${(durationUs / 1e6).toFixed(0)} s`);

    // 3. Progress and the replicas' diagnostics.
    world = await WorldClient.connect(worldPort);
    for (let r = 0; r < config.cluster.replicas; r++) {
      const ep = config.endpoints?.[r];
      if (ep === undefined) continue;
      const keys = loadNodeKeys(join(keysDir, keyFileName(r)), { replica: r });
      statusClients.push(await KvsClient.connect({ keys, clusterName: config.cluster.name, schemas: config.cluster.keys, clientPort: ep.clientPort, timeoutMs: 400, readRetries: 0 }));
    }
    const seen = new Set<string>();
    const announced = new Set<string>();
    const scheduled = sc.faults.flatMap((f) => {
      const ev = [{ atUs: faultStartUs(f), text: `FAULT ${describeFault(f)}` }];
      const end = faultEndUs(f);
      if (end !== undefined) ev.push({ atUs: end, text: `fault over: ${describeFault(f)}` });
      return ev.filter((x) => x.atUs <= durationUs);
    });
    let lastProgressUs = -Infinity;
    let busy = false;
    progressTimer = setInterval(() => {
      if (busy || epochUs === undefined || runUs() < 0) return;
      busy = true;
      const now = runUs();
      for (const f of scheduled) {
        if (now >= f.atUs && !announced.has(f.text)) {
          announced.add(f.text);
          say(`  ${fmtS(f.atUs)}  ${f.text}`);
        }
      }
      void (async () => {
        try {
          const healths = await Promise.all(statusClients.map((c) => c.status({ timeoutMs: 300, retries: 0 }).catch(() => undefined)));
          for (const h of healths) {
            if (h === undefined) continue;
            lastHealth.set(h.replica, h);
            for (const s of h.suspects) {
              const k = `${h.replica}/${s.node}/${s.reason}`;
              if (seen.has(k) || now < 0) continue;
              seen.add(k);
              runnerEvents.push({ tUs: Math.max(0, now), kind: 'suspected', nodeId: `replica-${s.node}`, detail: `${s.reason} (reported by replica ${h.replica})` });
              say(`  ${fmtS(Math.max(0, now))}  replica ${h.replica} suspects replica ${s.node}: ${s.reason}`);
            }
          }
          if (world !== undefined && now >= 0 && now - lastProgressUs >= (o.progressPeriodS ?? 2) * 1e6 - 100_000 && now <= durationUs) {
            lastProgressUs = now;
            const w = await world.status(300).catch(() => undefined);
            const misses = [...lastHealth.values()].reduce((a, h) => Math.max(a, h.deadlineMisses), 0);
            if (w !== undefined) {
              say(
                `  ${fmtS(w.tUs)}  speed ${w.speedMps.toFixed(2).padStart(6)} m/s  target ${w.targetMps.toFixed(2).padStart(6)}  error ${(w.speedMps - w.targetMps >= 0 ? '+' : '') + (w.speedMps - w.targetMps).toFixed(2)}  command ${(w.commandU >= 0 ? '+' : '') + w.commandU.toFixed(3)} (${w.commandSource})  replica misses ≤ ${misses}`,
              );
            }
          }
        } finally {
          busy = false;
        }
      })();
    }, 1_000);

    // 4. The world ends the run (on_exit: shutdown stops the others); bounded in case it cannot.
    const limitMs = (epochUs - clock.nowUs()) / 1000 + durationUs / 1000 + 30_000;
    const result = await Promise.race([
      handle.exited,
      new Promise<undefined>((r) => {
        const t = setTimeout(() => r(undefined), limitMs);
        t.unref();
      }),
    ]);
    if (result === undefined) {
      say('  the run did not end on time: stopping every process');
      await handle.stop('run overran', { force: true });
    }
  } finally {
    if (progressTimer !== undefined) clearInterval(progressTimer);
    await handle.stop('runner done');
    await world?.close();
    await Promise.all(statusClients.map((c) => c.close()));
    await new Promise<void>((r) => log.end(() => r()));
  }

  // 5. The record, the baseline and the reports.
  const traces = readTraces(traceDir);
  const notes: Record<string, string | number | boolean> = {
    mode: config.cluster.mode,
    transport: 'udp on 127.0.0.1',
    startupS: Number((startupMs / 1000).toFixed(1)),
    // The machine is shared: how busy it was says how much of the timing is this system's.
    loadAverage: `${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at the end (1-min, ${cpus().length} CPUs)`,
    baseline: 'in-process: the same plant, sensor model, controller, faults and LET timing, one sensor and one controller, no KVS',
  };
  for (const [r, h] of [...lastHealth.entries()].sort((a, b) => a[0] - b[0])) {
    notes[`replica ${r}`] = `published ${h.slotsPublished}, agreed ${h.slotsAgreed}, repaired ${h.slotsRepaired}, deadline misses ${h.deadlineMisses}, view ${h.view}`;
  }
  const record = buildDistributedRecord({ scenario: sc, seed: o.seed, durationUs, timing, traces, runnerEvents, notes });
  const baseline = runBaselineLoop({ scenario: sc, seed: o.seed, timing: loopTimingFor(timing) });
  const written = await writeRunReport(runDir, record, { baseline });
  const writtenBase = await writeRunReport(join(runDir, 'baseline'), baseline);
  return {
    scenario: sc.name,
    runDir,
    record,
    baseline,
    summary: written.summary,
    baselineSummary: writtenBase.summary,
    htmlPath: written.htmlPath,
    summaryPath: written.summaryPath,
    mcapPath: written.mcapPath,
    startupMs,
    wallMs: Date.now() - t0,
  };
}
