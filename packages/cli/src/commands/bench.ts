/**
 * `bftkvs bench latency` and `bftkvs bench throughput`: performance as a measured,
 * reproducible product feature (docs/benchmarks.md). Each starts real replica processes on
 * 127.0.0.1 through the launch supervisor, runs load generator processes against them, prints
 * a table, and writes results.csv, results.json (with the machine), results.md and an SVG plot
 * into --out (default bench-results/<timestamp>-<kind>).
 *
 *   bftkvs bench latency --mode agreed --freq 100,1000,2000 --writes 1000
 *   bftkvs bench latency --fault crash
 *   bftkvs bench throughput --mode agreed --replicas 4,7,10 --writers 1,3,10 --keys 1,100,1000
 *   bftkvs bench latency --quick      # a smoke run: one frequency, a few writes
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { FaultName, TimingSpec } from '@bftkvs/bench';
import { FAULTS, SHIPPED_TIMING, defaultOutDir, runLatency, runThroughput } from '@bftkvs/bench';
import type { Mode } from '@bftkvs/core';
import { MODES } from '@bftkvs/core';
import { REPO_ROOT, bftkvsNodeResolver } from './launch.js';

function list<T>(parse: (s: string) => T) {
  return (raw: string): T[] => {
    const parts = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (parts.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
    return parts.map(parse);
  };
}

function positiveNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got '${raw}'`);
  return n;
}

function positiveInteger(max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < 1 || n > max) throw new InvalidArgumentError(`expected an integer in 1..${max}, got '${raw}'`);
    return n;
  };
}

function mode(raw: string): Mode {
  if (!(MODES as readonly string[]).includes(raw)) throw new InvalidArgumentError(`unknown mode '${raw}' (${MODES.join(', ')})`);
  return raw as Mode;
}

function fault(raw: string): FaultName {
  if (!(FAULTS as readonly string[]).includes(raw)) throw new InvalidArgumentError(`unknown fault '${raw}' (${FAULTS.join(', ')})`);
  return raw as FaultName;
}

interface TimingFlags {
  processingMs?: number;
  networkDelayMs?: number;
  batchIntervalMs?: number;
  syncPeriodMs?: number;
  viewChangeTimeoutMs?: number;
}

function timingOf(o: TimingFlags): TimingSpec {
  return {
    ...SHIPPED_TIMING,
    ...(o.processingMs === undefined ? {} : { processingMs: o.processingMs }),
    ...(o.networkDelayMs === undefined ? {} : { networkDelayMs: o.networkDelayMs }),
    ...(o.batchIntervalMs === undefined ? {} : { batchIntervalMs: o.batchIntervalMs }),
    ...(o.syncPeriodMs === undefined ? {} : { syncPeriodMs: o.syncPeriodMs }),
    ...(o.viewChangeTimeoutMs === undefined ? {} : { viewChangeTimeoutMs: o.viewChangeTimeoutMs }),
  };
}

function addCommon(cmd: Command): Command {
  return cmd
    .option('--out <dir>', 'results directory (default bench-results/<timestamp>-<kind>)')
    .option('--quick', 'a smoke run: tiny sizes, to check that the command works (CI)')
    .addOption(new Option('--pacing <how>', 'writer pacing: timer (Node timers, bursts below 1 ms) or spin (exact spacing, burns a core)').choices(['timer', 'spin']).default('timer'))
    .option('--processing-ms <ms>', `cluster timing π (default ${SHIPPED_TIMING.processingMs}, the shipped cluster's)`, positiveNumber)
    .option('--network-delay-ms <ms>', `cluster timing Δ (default ${SHIPPED_TIMING.networkDelayMs})`, positiveNumber)
    .option('--batch-interval-ms <ms>', `agreed mode: the primary cuts at most one batch per this interval (default ${SHIPPED_TIMING.batchIntervalMs})`, positiveNumber)
    .option('--sync-period-ms <ms>', `fast mode synchronisation period (default ${SHIPPED_TIMING.syncPeriodMs})`, positiveNumber)
    .option('--view-change-timeout-ms <ms>', `view-change timeout (default ${SHIPPED_TIMING.viewChangeTimeoutMs})`, positiveNumber)
    .option('--cpu-prof-dir <dir>', 'profile every replica process (node --cpu-prof) into this directory');
}

function cpuProfArgs(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`];
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const resolveNode = bftkvsNodeResolver(join(REPO_ROOT, 'packages', 'nodes', 'src', 'bin'));

export interface LatencyFlags extends TimingFlags {
  mode?: Mode[];
  replicas: number;
  freq?: number[];
  writes?: number;
  fault: FaultName;
  pacing: 'timer' | 'spin';
  out?: string;
  quick?: boolean;
  floorSamples?: number;
  cpuProfDir?: string;
}

export async function benchLatency(o: LatencyFlags, log: (line: string) => void = say): Promise<number> {
  const quick = o.quick === true;
  await runLatency({
    modes: o.mode ?? (quick ? ['fast'] : [...MODES]),
    replicas: o.replicas,
    freqs: o.freq ?? (quick ? [100] : [10, 100, 500, 1_000, 2_000, 5_000, 10_000]),
    writes: o.writes ?? (quick ? 20 : 1_000),
    fault: o.fault,
    pacing: o.pacing,
    timing: timingOf(o),
    out: resolve(o.out ?? defaultOutDir('latency')),
    floorSamples: o.floorSamples ?? (quick ? 100 : 1_000),
    ...(o.cpuProfDir === undefined ? {} : { replicaNodeArgs: cpuProfArgs(o.cpuProfDir) }),
    resolveNode,
    repoRoot: REPO_ROOT,
    log,
  });
  return 0;
}

export interface ThroughputFlags extends TimingFlags {
  mode?: Mode[];
  replicas?: number[];
  writers?: number[];
  keys?: number[];
  rates?: number[];
  durationS?: number;
  boundMs: number;
  matrix: 'axes' | 'full';
  soakS?: number;
  soakRate?: number;
  pacing: 'timer' | 'spin';
  out?: string;
  quick?: boolean;
  cpuProfDir?: string;
}

export async function benchThroughput(o: ThroughputFlags, log: (line: string) => void = say): Promise<number> {
  const quick = o.quick === true;
  await runThroughput({
    modes: o.mode ?? ['agreed'],
    replicas: o.replicas ?? (quick ? [4] : [4, 7, 10]),
    writers: o.writers ?? (quick ? [1] : [1, 3, 10]),
    keys: o.keys ?? (quick ? [1] : [1, 100, 1_000]),
    rates: o.rates ?? (quick ? [200] : [1_000, 2_000, 4_000, 8_000, 12_000, 16_000, 24_000, 32_000]),
    durationS: o.durationS ?? (quick ? 0.5 : 3),
    boundMs: o.boundMs,
    matrix: o.matrix,
    ...(o.soakS === undefined ? {} : { soakS: o.soakS, soakRate: o.soakRate ?? 1_000 }),
    pacing: o.pacing,
    timing: timingOf(o),
    out: resolve(o.out ?? defaultOutDir('throughput')),
    floorSamples: quick ? 100 : 1_000,
    ...(o.cpuProfDir === undefined ? {} : { replicaNodeArgs: cpuProfArgs(o.cpuProfDir) }),
    resolveNode,
    repoRoot: REPO_ROOT,
    log,
  });
  return 0;
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('benchmarks: write latency against frequency, throughput and scaling (docs/benchmarks.md)');
  addCommon(
    bench
      .command('latency')
      .description("the seed's experiment: p50/p99/max write latency per frequency and mode, the crossover where p99 exceeds the period, ratios to a raw UDP round trip")
      .option('--mode <modes>', 'protocol modes, comma-separated (default fast,agreed,crash)', list(mode))
      .option('--replicas <n>', 'replica processes', positiveInteger(64), 4)
      .option('--freq <hz>', 'write frequencies, comma-separated (default 10,100,500,1000,2000,5000,10000)', list(positiveNumber))
      .option('--writes <n>', 'writes per frequency (default 1000)', positiveInteger(10_000_000))
      .addOption(new Option('--fault <fault>', 'one faulty node: none, crash (a backup crashed), equivocate (the writer\'s node), slow-primary (silent while primary)').argParser(fault).default('none'))
      .option('--floor-samples <n>', 'UDP floor pings (default 1000)', positiveInteger(1_000_000)),
  ).action(async (o: LatencyFlags) => {
    process.exitCode = await benchLatency(o);
  });
  addCommon(
    bench
      .command('throughput')
      .description('max sustained writes/s with p99 under a bound, and how latency, CPU and memory grow with replicas, writers and keys')
      .option('--mode <modes>', 'protocol modes, comma-separated (default agreed)', list(mode))
      .option('--replicas <list>', 'replica counts (default 4,7,10)', list(positiveInteger(64)))
      .option('--writers <list>', 'writer counts (default 1,3,10)', list(positiveInteger(64)))
      .option('--keys <list>', 'key counts (default 1,100,1000)', list(positiveInteger(10_000)))
      .option('--rates <list>', 'offered writes/s, swept upwards until not sustained (default 1000..32000)', list(positiveNumber))
      .option('--duration-s <s>', 'seconds per offered rate (default 3)', positiveNumber)
      .option('--bound-ms <ms>', 'a rate is sustained if p99 (stored at all correct replicas) stays under this', positiveNumber, 10)
      .addOption(new Option('--matrix <how>', 'axes: vary one of replicas/writers/keys at a time around the first replicas, last writers, first keys; full: every combination').choices(['axes', 'full']).default('axes'))
      .option('--soak-s <s>', 'also a long run at --soak-rate on the base configuration, sampling memory (e.g. 600)', positiveNumber)
      .option('--soak-rate <hz>', 'offered writes/s of the soak run (default 1000)', positiveNumber),
  ).action(async (o: ThroughputFlags) => {
    process.exitCode = await benchThroughput(o);
  });
}
