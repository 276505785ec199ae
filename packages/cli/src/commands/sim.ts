/**
 * `bftkvs sim`: deterministic simulation sweeps (VOPR-style). Each seed is one run of a
 * cluster — real replicas of @bftkvs/core, simulated clocks and network, injected faults —
 * checked by the invariant checkers of @bftkvs/sim. A failing seed is printed with the command
 * that replays it with a readable event log; the exit code is 1 if any run violated anything.
 *
 *   bftkvs sim --mode fast --faults all --seeds 1000
 *   bftkvs sim --mode fast --f 1 --faults byzantine --seed 42 --trace
 *
 * Sweeps run in worker threads (`--jobs`, default: one per core); every run is independent and
 * deterministic, and results are reported in seed order, so the output does not depend on the
 * number of jobs.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { Mode } from '@bftkvs/core';
import { MODES, withVerifyCache } from '@bftkvs/core';
import { nodeCrypto } from '@bftkvs/runtime';
import type { FaultsOption, NodeFaultKind, ReplicaProvider, SimulationResult } from '@bftkvs/sim';
import { DEFAULT_DURATION_MS, FAULTS_OPTIONS, MAX_SIM_F, NODE_FAULT_KINDS, realReplicasWith, runSimulation, toyReplicas } from '@bftkvs/sim';

export interface SimCommandOptions {
  readonly mode?: Mode;
  readonly f: number;
  readonly faults: FaultsOption;
  /** Number of runs (consecutive seeds from `seed`, or from a random base). */
  readonly seeds?: number;
  readonly seed?: number;
  readonly durationMs: number;
  readonly trace: boolean;
  readonly faultyNodes?: number;
  readonly faultKinds?: readonly NodeFaultKind[];
  /** Stall replicas' event loops during the safety phase of faulty runs (default; `--no-stalls`). */
  readonly stalls?: boolean;
  readonly replica: 'real' | 'toy';
  /** Worker threads for sweeps (1: run inline). */
  readonly jobs?: number;
}

export interface SimIo {
  readonly out: (line: string) => void;
  readonly err: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  /** Wall clock in ms (the CLI may read it; the simulation never does). */
  readonly nowMs: () => number;
  /** Base seed when none is given. */
  readonly randomSeed: () => number;
}

export interface SimSummary {
  readonly runs: number;
  readonly failedSeeds: readonly number[];
  readonly skipped: number;
  readonly violations: number;
  readonly exitCode: number;
}

const MAX_SEEDS = 10_000_000;
/** Violations printed per failing seed (all are counted). */
const SHOWN_PER_SEED = 3;

function add(into: Record<string, number>, from: Partial<Record<string, number>>): void {
  for (const [k, v] of Object.entries(from)) if (v !== undefined) into[k] = (into[k] ?? 0) + v;
}

/** One run's outcome as it crosses threads: a result, or why the run could not start. */
type Outcome = { readonly seed: number; readonly result: SimulationResult } | { readonly seed: number; readonly error: string };

const WORKER_TAG = 'bftkvs-sim-worker';

interface WorkerJob {
  readonly tag: typeof WORKER_TAG;
  readonly options: SimCommandOptions;
  readonly seeds: readonly number[];
}

/**
 * node:crypto is bit-identical to the core's pure suite and several times faster; the verdict
 * cache lets the replicas of a run (one process) verify each signed message once instead of
 * once per replica. One per thread, kept across seeds (verdicts do not depend on the run).
 */
const simCrypto = withVerifyCache(nodeCrypto);

/** Runs one seed with the command's options; errors become outcomes (reported by the caller). */
function runOne(o: SimCommandOptions, seed: number, trace: ((line: string) => void) | undefined): Outcome {
  const provider: ReplicaProvider = o.replica === 'toy' ? toyReplicas() : realReplicasWith(simCrypto);
  try {
    return {
      seed,
      result: runSimulation({
        seed,
        f: o.f,
        faults: o.faults,
        durationUs: o.durationMs * 1000,
        ...(o.mode === undefined ? {} : { mode: o.mode }),
        replicas: provider,
        ...(trace === undefined ? {} : { trace }),
        ...(o.faultyNodes === undefined ? {} : { faultyNodes: o.faultyNodes }),
        ...(o.faultKinds === undefined ? {} : { faultKinds: o.faultKinds }),
        ...(o.stalls === false ? { stalls: false } : {}),
      }),
    };
  } catch (e) {
    return { seed, error: e instanceof Error ? e.message : String(e) };
  }
}

// A worker thread of a sweep: runs its seeds and streams the outcomes back.
if (!isMainThread && (workerData as Partial<WorkerJob> | undefined)?.tag === WORKER_TAG) {
  const job = workerData as WorkerJob;
  for (const seed of job.seeds) parentPort?.postMessage(runOne(job.options, seed, undefined));
}

/** Spreads the seeds over `jobs` worker threads; calls `each` per outcome as they arrive. */
async function runInWorkers(o: SimCommandOptions, seeds: readonly number[], jobs: number, each: (x: Outcome) => void): Promise<void> {
  const self = import.meta.url;
  // From source (tsx), a worker must register the TypeScript loader before importing us.
  const code = self.endsWith('.ts')
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(self)}); })`
    : `import(${JSON.stringify(self)})`;
  const parts = Array.from({ length: jobs }, (_, k) => seeds.filter((_, i) => i % jobs === k)).filter((p) => p.length > 0);
  await Promise.all(
    parts.map(
      (part) =>
        new Promise<void>((resolve, reject) => {
          let left = part.length;
          const job: WorkerJob = { tag: WORKER_TAG, options: o, seeds: part };
          const w = new Worker(code, { eval: true, workerData: job });
          w.on('message', (x: Outcome) => {
            each(x);
            if (--left === 0) void w.terminate().then(() => resolve());
          });
          w.on('error', reject);
          w.on('exit', (code) => {
            if (left > 0) reject(new Error(`simulation worker exited with code ${code} before finishing its ${part.length} seeds`));
          });
        }),
    ),
  );
}

export async function runSimCommand(o: SimCommandOptions, io: SimIo): Promise<SimSummary> {
  const count = o.seeds ?? (o.seed !== undefined ? 1 : 1000);
  const base = o.seed ?? io.randomSeed();
  const tracing = o.trace && count === 1;
  if (o.trace && !tracing) io.out('(--trace needs a single run: give --seed without --seeds, or --seeds 1)');
  const jobs = tracing ? 1 : Math.max(1, Math.min(o.jobs ?? availableParallelism(), Math.ceil(count / 4)));
  const started = io.nowMs();
  const bar =
    io.err.isTTY === true && !tracing && count > 1
      ? new cliProgress.SingleBar(
          { stream: io.err as NodeJS.WritableStream, format: 'sim [{bar}] {value}/{total} seeds | {failed} failing | {rate} seeds/s', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(count, 0, { failed: 0, rate: '0' });
  const totals = { slotsPublished: 0, slotsAgreed: 0, repairs: 0, deadlineMisses: 0, assumptionViolations: 0, framesSent: 0, forgedDelivered: 0, forgedRefused: 0 };
  const faults: Record<string, number> = {};
  const byChecker: Record<string, number> = {};
  const failed: SimulationResult[] = [];
  const skippedReasons = new Map<string, number>();
  let runs = 0;
  let violations = 0;
  let done = 0;
  const outcomes: Outcome[] = [];
  const onOutcome = (x: Outcome): void => {
    outcomes.push(x);
    done++;
    if ('result' in x && x.result.violations.length > 0) failed.push(x.result);
    const elapsedS = (io.nowMs() - started) / 1000;
    bar?.update(done, { failed: failed.length, rate: elapsedS > 0 ? (done / elapsedS).toFixed(1) : '0' });
  };
  const seeds = Array.from({ length: count }, (_, i) => base + i);
  if (jobs === 1) for (const seed of seeds) onOutcome(runOne(o, seed, tracing ? io.out : undefined));
  else await runInWorkers(o, seeds, jobs, onOutcome);
  outcomes.sort((a, b) => a.seed - b.seed);
  failed.sort((a, b) => a.seed - b.seed);
  for (const x of outcomes) {
    if ('error' in x) {
      // A mode the replicas do not implement yet is skipped (counted, reported); anything
      // else — e.g. replicas that cannot be built — stops the command.
      if (count === 1 || !/mode: not yet available/.test(x.error)) {
        bar?.stop();
        throw new Error(`seed ${x.seed}: ${x.error}`);
      }
      skippedReasons.set(x.error, (skippedReasons.get(x.error) ?? 0) + 1);
      continue;
    }
    const r = x.result;
    runs++;
    totals.slotsPublished += r.stats.slotsPublished;
    totals.slotsAgreed += r.stats.slotsAgreed;
    totals.repairs += r.stats.repairs;
    totals.deadlineMisses += r.stats.deadlineMisses;
    totals.assumptionViolations += r.stats.assumptionViolations;
    totals.framesSent += r.stats.framesSent;
    totals.forgedDelivered += r.stats.forgedDelivered;
    totals.forgedRefused += r.stats.forgedRefused;
    add(faults, r.stats.faultsInjected);
    violations += r.violations.length;
    for (const v of r.violations) byChecker[v.checker] = (byChecker[v.checker] ?? 0) + 1;
  }
  bar?.stop();
  const wallMs = io.nowMs() - started;
  const p = io.out;
  for (const r of failed) {
    p(`FAIL seed ${r.seed} (mode ${r.mode}, f=${r.f}, N=${r.replicas}, faults ${r.faults}${r.faultPlan.length > 0 ? `: ${r.faultPlan.map((x) => `n${x.node} ${x.kinds.join('+')}`).join(', ')}` : ''}): ${r.violations.length} violation(s)`);
    for (const v of r.violations.slice(0, SHOWN_PER_SEED)) p(`  [${v.checker}] at ${(v.atUs / 1000).toFixed(3)} ms: ${v.message.replace(/ — seed \d+; replay: .*$/, '')}`);
    if (r.violations.length > SHOWN_PER_SEED) p(`  ... and ${r.violations.length - SHOWN_PER_SEED} more`);
    p(`  replay: ${r.replay}`);
  }
  const list = (rec: Record<string, number>): string =>
    Object.keys(rec).length === 0
      ? 'none'
      : Object.entries(rec)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
  p(`sim: ${runs} run(s) from seed ${base}${o.mode === undefined ? '' : `, mode ${o.mode}`}, f=${o.f}, faults ${o.faults}${o.stalls === false ? ' (no stalls)' : ''}, ${o.durationMs} ms safety phase + liveness phase each, ${jobs} job(s)`);
  for (const [reason, n] of skippedReasons) p(`  skipped ${n} run(s): ${reason}`);
  p(`  violations:       ${violations} in ${failed.length} run(s)${violations > 0 ? ` (${list(byChecker)})` : ''}`);
  p(`  slots published:  ${totals.slotsPublished} (agreed ${totals.slotsAgreed})`);
  p(`  faults injected:  ${list(faults)}`);
  p(`  repairs:          ${totals.repairs}`);
  p(`  deadline misses:  ${totals.deadlineMisses} (assumption violations: ${totals.assumptionViolations} frames)`);
  if (totals.forgedDelivered > 0) p(`  forged frames:    ${totals.forgedRefused} of ${totals.forgedDelivered} refused (bad MAC) by the correct replicas they reached`);
  p(`  frames sent:      ${totals.framesSent}`);
  p(`  wall time:        ${(wallMs / 1000).toFixed(2)} s (${runs > 0 ? (runs / Math.max(wallMs / 1000, 1e-3)).toFixed(1) : '0'} seeds/s)`);
  const exitCode = failed.length > 0 ? 1 : runs === 0 ? 2 : 0;
  return { runs, failedSeeds: failed.map((r) => r.seed), skipped: count - runs, violations, exitCode };
}

function nonNegativeInt(max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`expected an integer in 0..${max}`);
    return n;
  };
}

function positiveInt(max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected an integer in 1..${max}`);
    return n;
  };
}

function faultKinds(raw: string): NodeFaultKind[] {
  const kinds = raw.split(',').map((s) => s.trim());
  for (const k of kinds) {
    if (!(NODE_FAULT_KINDS as readonly string[]).includes(k)) throw new InvalidArgumentError(`unknown fault kind '${k}' (known: ${NODE_FAULT_KINDS.join(', ')})`);
  }
  return kinds as NodeFaultKind[];
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('deterministic simulation: seeded runs of a cluster with injected faults, checked by invariant checkers')
    .addOption(new Option('--mode <mode>', 'protocol mode (default: chosen by each seed)').choices([...MODES]))
    .option('--f <n>', 'fault bound f', nonNegativeInt(MAX_SIM_F), 1)
    .addOption(new Option('--faults <kind>', 'which faults to inject').choices([...FAULTS_OPTIONS]).default('all'))
    .option('--seeds <n>', 'number of runs (consecutive seeds; default 1000, or 1 with --seed)', positiveInt(MAX_SEEDS))
    .option('--seed <n>', 'first (or only) seed; default: a random base', nonNegativeInt(Number.MAX_SAFE_INTEGER))
    .option('--duration-ms <ms>', 'simulated safety phase per run (a liveness phase follows)', positiveInt(3_600_000), DEFAULT_DURATION_MS)
    .option('--trace', 'with one seed: print a readable event log (time, node, event)', false)
    .addOption(new Option('--faulty-nodes <n>', 'override the number of faulty nodes (e.g. f+1 to see checkers fire)').argParser(nonNegativeInt(64)).hideHelp())
    .addOption(new Option('--fault-kinds <list>', `restrict node faults to these kinds (${NODE_FAULT_KINDS.join(',')})`).argParser(faultKinds).hideHelp())
    .option('--no-stalls', "do not hold replicas' event loops (1-180 ms: GC pauses, a stalled host) during the safety phase")
    .option('--jobs <n>', 'worker threads for sweeps (default: one per core)', positiveInt(256))
    .addOption(new Option('--replica <impl>', 'replicas to simulate: the real ones, or the simulator test double').choices(['real', 'toy']).default('real').hideHelp())
    .action(async (o: SimCommandOptions) => {
      if (o.durationMs < 100) throw new InvalidArgumentError('--duration-ms must be at least 100');
      const summary = await runSimCommand(o, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: process.stderr,
        nowMs: () => performance.now(),
        randomSeed: () => Math.floor(Math.random() * 2 ** 32),
      });
      process.exitCode = summary.exitCode;
    });
}
