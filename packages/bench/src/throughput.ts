/**
 * `bftkvs bench throughput`: the highest offered write rate the cluster sustains — every
 * accepted write stored at every correct replica, at least 95 % of the offered rate, and p99
 * (call → stored at every correct replica) under a bound — and how latency, CPU and resident
 * memory grow with replicas, writers and keys. Rates are swept upwards on one cluster per
 * configuration; the sweep stops once less than half the offered rate is stored. Optionally a soak
 * run samples memory over a long run (it must stay flat).
 */
import type { Mode } from '@bftkvs/core';
import type { ClusterSpec, TimingSpec } from './cluster.js';
import { BenchCluster, byzantineF, sleep } from './cluster.js';
import type { BenchRunOptions } from './experiment.js';
import { correctReplicas, generatorPlan, minLeadUs, runGenerators } from './experiment.js';
import type { FloorResult } from './floor.js';
import { measureFloor } from './floor.js';
import type { MachineInfo } from './machine.js';
import { HostSampler, describeMachine, machineInfo } from './machine.js';
import type { Row } from './output.js';
import { ResultsDir, formatTable, markdownTable, toCsv } from './output.js';
import type { Series } from './plot.js';
import { lineChart } from './plot.js';
import type { ReplicaProbe, ResourceUse, StepLatency } from './probeData.js';
import { readProbe, resourceUse, stepLatency } from './probeData.js';
import { ms } from './stats.js';

export interface ThroughputOptions extends BenchRunOptions {
  readonly modes: readonly Mode[];
  readonly replicas: readonly number[];
  readonly writers: readonly number[];
  readonly keys: readonly number[];
  readonly rates: readonly number[];
  readonly durationS: number;
  readonly boundMs: number;
  readonly matrix: 'axes' | 'full';
  readonly soakS?: number;
  readonly soakRate?: number;
}

export interface Config {
  readonly mode: Mode;
  readonly replicas: number;
  readonly writers: number;
  readonly keys: number;
}

export interface RateRow extends Config {
  readonly offeredHz: number;
  readonly periodUs: number;
  readonly latency: StepLatency;
  readonly resources: ResourceUse;
  readonly loadCpuPercent: number;
  /** The whole host's busy CPU during the step (% of one core), and what of it was not this benchmark's. */
  readonly hostCpuPercent: number;
  readonly otherCpuPercent: number;
  readonly sustained: boolean;
}

export interface ConfigSummary extends Config {
  readonly maxSustainedHz: number | undefined;
  readonly p99AtMaxMs: number;
  readonly cpuPercentAtMax: number;
  readonly rssMaxMb: number;
}

export interface SoakSample {
  readonly elapsedS: number;
  readonly replica: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly gcMaxMs: number;
}

export interface SoakResult extends Config {
  readonly rateHz: number;
  readonly durationS: number;
  readonly samples: SoakSample[];
  /** Per replica: RSS after the first minute (or 10 % of the run) and at the end, and the slope after warm-up. */
  readonly perReplica: { replica: number; rssEarlyMb: number; rssEndMb: number; heapEarlyMb: number; heapEndMb: number; rssSlopeMbPerMin: number }[];
  readonly latency: StepLatency;
}

export interface ThroughputReport {
  readonly kind: 'throughput';
  readonly machine: MachineInfo;
  readonly options: Omit<ThroughputOptions, 'resolveNode' | 'log'>;
  readonly floor: FloorResult;
  readonly rows: RateRow[];
  readonly summaries: ConfigSummary[];
  readonly soak: SoakResult | undefined;
}

export function configsOf(o: Pick<ThroughputOptions, 'modes' | 'replicas' | 'writers' | 'keys' | 'matrix'>): Config[] {
  const out: Config[] = [];
  const seen = new Set<string>();
  const add = (c: Config): void => {
    const id = `${c.mode}/${c.replicas}/${c.writers}/${c.keys}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(c);
    }
  };
  for (const mode of o.modes) {
    if (o.matrix === 'full') {
      for (const replicas of o.replicas) for (const writers of o.writers) for (const keys of o.keys) add({ mode, replicas, writers, keys });
      continue;
    }
    const base = { mode, replicas: o.replicas[0] as number, writers: o.writers[o.writers.length - 1] as number, keys: o.keys[0] as number };
    add(base);
    for (const replicas of o.replicas) add({ ...base, replicas });
    for (const writers of o.writers) add({ ...base, writers });
    for (const keys of o.keys) add({ ...base, keys });
  }
  return out;
}

/**
 * The key grid: fine enough that each writer can write each key at the highest offered rate
 * (20 µs at least, 1 s at most: a coarser grid would push publish times towards the horizon).
 */
export function gridFor(c: Config, maxRate: number): number {
  return Math.min(1_000_000, Math.max(20, Math.floor((1e6 * c.writers * c.keys) / maxRate)));
}

export const THROUGHPUT_COLUMNS = [
  'mode',
  'replicas',
  'writers',
  'keys',
  'offered_hz',
  'stored_hz',
  'accepted',
  'refused',
  'not_stored',
  'stored_p50_ms',
  'stored_p99_ms',
  'stored_max_ms',
  'ack_p99_ms',
  'replica_cpu_pct',
  'replica_cpu_max_pct',
  'load_cpu_pct',
  'rss_mb',
  'gc_max_ms',
  'other_cpu_pct',
  'sustained',
] as const;

function rowOf(r: RateRow): Row {
  const l = r.latency;
  const refused = Object.values(l.errors).reduce((a, b) => a + b, 0);
  return {
    mode: r.mode,
    replicas: r.replicas,
    writers: r.writers,
    keys: r.keys,
    offered_hz: r.offeredHz,
    stored_hz: Math.round(l.storedPerSecond),
    accepted: l.accepted,
    refused: refused === 0 ? 0 : `${refused} ${Object.entries(l.errors).map(([k, v]) => `${k}:${v}`).join(' ')}`,
    not_stored: l.notStored,
    stored_p50_ms: ms(l.stored.p50),
    stored_p99_ms: ms(l.stored.p99),
    stored_max_ms: ms(l.stored.max),
    ack_p99_ms: ms(l.ack.p99),
    replica_cpu_pct: Number.isFinite(r.resources.cpuPercentMean) ? r.resources.cpuPercentMean.toFixed(0) : '-',
    replica_cpu_max_pct: Number.isFinite(r.resources.cpuPercentMax) ? r.resources.cpuPercentMax.toFixed(0) : '-',
    load_cpu_pct: r.loadCpuPercent.toFixed(0),
    rss_mb: (r.resources.rssMaxBytes / 2 ** 20).toFixed(0),
    gc_max_ms: ms(r.resources.gcPauseMaxUs),
    other_cpu_pct: Number.isFinite(r.otherCpuPercent) ? r.otherCpuPercent.toFixed(0) : '-',
    sustained: r.sustained ? 'yes' : 'no',
  };
}

const SUMMARY_COLUMNS = ['mode', 'replicas', 'writers', 'keys', 'max_sustained_hz', 'p99_at_max_ms', 'replica_cpu_pct_at_max', 'rss_max_mb'] as const;

function summaryRow(s: ConfigSummary): Row {
  return {
    mode: s.mode,
    replicas: s.replicas,
    writers: s.writers,
    keys: s.keys,
    max_sustained_hz: s.maxSustainedHz ?? 'none',
    p99_at_max_ms: Number.isFinite(s.p99AtMaxMs) ? s.p99AtMaxMs.toFixed(3) : '-',
    replica_cpu_pct_at_max: Number.isFinite(s.cpuPercentAtMax) ? s.cpuPercentAtMax.toFixed(0) : '-',
    rss_max_mb: s.rssMaxMb.toFixed(0),
  };
}

function clusterSpec(c: Config, o: ThroughputOptions, maxRate: number): ClusterSpec {
  return { mode: c.mode, replicas: c.replicas, f: byzantineF(c.replicas), writers: c.writers, keys: c.keys, periodUs: gridFor(c, maxRate), timing: o.timing };
}

function readProbes(cluster: BenchCluster): ReplicaProbe[] {
  return Array.from({ length: cluster.spec.replicas }, (_, i) => readProbe(cluster.probeFile(i)));
}

async function sweep(c: Config, o: ThroughputOptions, host: HostSampler): Promise<RateRow[]> {
  const maxRate = Math.max(...o.rates);
  const spec = clusterSpec(c, o, maxRate);
  const cluster = await BenchCluster.create(spec, { resolveNode: o.resolveNode, ...(o.replicaNodeArgs === undefined ? {} : { nodeArgs: o.replicaNodeArgs }) });
  const rows: RateRow[] = [];
  try {
    await cluster.start();
    const plans = generatorPlan(spec);
    const correct = correctReplicas(spec);
    const settleMs = minLeadUs(spec.mode, spec.f, spec.timing) / 1_000 + 600;
    let first = true;
    for (const rate of [...o.rates].sort((a, b) => a - b)) {
      const writes = Math.max(1, Math.round(rate * o.durationS));
      const steps = [...(first ? [{ rateHz: Math.min(rate, 500), writes: Math.min(writes, 200), gapMs: 500 }] : []), { rateHz: rate, writes, gapMs: 0 }];
      const loads = await runGenerators(cluster, plans, steps, o.pacing);
      await sleep(settleMs);
      if (cluster.unexpectedExits().length > 0) throw new Error(`replicas failed: ${cluster.unexpectedExits().join('; ')}\n${cluster.log.slice(-20).join('\n')}`);
      const probes = readProbes(cluster);
      const measured = loads.map((load) => ({ load, step: load.steps[load.steps.length - 1]! }));
      const latency = stepLatency(measured, probes, correct);
      const from = Math.min(...measured.map((m) => m.step.startUs));
      const to = Math.max(...measured.map((m) => m.step.lastCallUs));
      const loadCpu = measured.reduce((s, m) => s + m.step.cpuUserUs + m.step.cpuSystemUs, 0);
      const refused = latency.issued - latency.accepted;
      const sustained = latency.notStored === 0 && refused <= latency.issued * 0.01 && latency.storedPerSecond >= 0.95 * rate && latency.stored.p99 <= o.boundMs * 1_000;
      const resources = resourceUse(probes, correct, from, to);
      const loadCpuPercent = (loadCpu / Math.max(1, to - from)) * 100;
      const hostCpuPercent = host.busyPercent(from, to);
      const otherCpuPercent = hostCpuPercent - loadCpuPercent - resources.cpuPercentMean * correct.length;
      const row: RateRow = { ...c, offeredHz: rate, periodUs: spec.periodUs, latency, resources, loadCpuPercent, hostCpuPercent, otherCpuPercent, sustained };
      rows.push(row);
      o.log(
        `  ${rate} writes/s offered: ${Math.round(latency.storedPerSecond)}/s stored everywhere, p50 ${ms(latency.stored.p50)} p99 ${ms(latency.stored.p99)} max ${ms(latency.stored.max)} ms, refused ${refused}, not stored ${latency.notStored}, replica CPU ${row.resources.cpuPercentMean.toFixed(0)} %, others' CPU ${otherCpuPercent.toFixed(0)} % -> ${sustained ? 'sustained' : 'NOT sustained'}`,
      );
      first = false;
      // Past the first rate not sustained the sweep goes on while at least half the offered rate
      // is still stored: the rows then show where throughput saturates, not only where the
      // bound was first missed (on a noisy host that can be a few refusals at start-up).
      if (!sustained && latency.storedPerSecond < 0.5 * rate) break;
    }
  } finally {
    await cluster.stop();
    cluster.remove();
  }
  return rows;
}

async function soak(c: Config, o: ThroughputOptions, durationS: number, rate: number): Promise<SoakResult> {
  const spec = clusterSpec(c, o, rate);
  const cluster = await BenchCluster.create(spec, { resolveNode: o.resolveNode });
  try {
    await cluster.start();
    const loads = await runGenerators(cluster, generatorPlan(spec), [{ rateHz: rate, writes: Math.round(rate * durationS), gapMs: 0 }], o.pacing);
    await sleep(minLeadUs(spec.mode, spec.f, spec.timing) / 1_000 + 1_500);
    const probes = readProbes(cluster);
    const measured = loads.map((load) => ({ load, step: load.steps[0]! }));
    const from = Math.min(...measured.map((m) => m.step.startUs));
    const samples: SoakSample[] = [];
    const perReplica: SoakResult['perReplica'] = [];
    const early = Math.min(60, durationS * 0.1);
    for (const r of correctReplicas(spec)) {
      const res = (probes[r]?.resources ?? []).filter((m) => m.us >= from);
      for (const m of res) samples.push({ elapsedS: (m.us - from) / 1e6, replica: r, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20, gcMaxMs: m.gcMaxUs / 1_000 });
      const mine = samples.filter((s) => s.replica === r);
      const after = mine.filter((s) => s.elapsedS >= early);
      const e = after[0] ?? mine[0];
      const z = mine[mine.length - 1];
      perReplica.push({
        replica: r,
        rssEarlyMb: e?.rssMb ?? Number.NaN,
        rssEndMb: z?.rssMb ?? Number.NaN,
        heapEarlyMb: e?.heapMb ?? Number.NaN,
        heapEndMb: z?.heapMb ?? Number.NaN,
        rssSlopeMbPerMin: slope(after.map((s) => [s.elapsedS / 60, s.rssMb] as const)),
      });
    }
    return { ...c, rateHz: rate, durationS, samples, perReplica, latency: stepLatency(measured, probes, correctReplicas(spec)) };
  } finally {
    await cluster.stop();
    cluster.remove();
  }
}

/** Least-squares slope. */
function slope(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return Number.NaN;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export async function runThroughput(o: ThroughputOptions): Promise<ThroughputReport> {
  const results = new ResultsDir(o.out);
  const machine = machineInfo(o.repoRoot);
  o.log(`machine: ${describeMachine(machine)}`);
  const floor = await measureFloor(o.floorSamples, 1_000);
  o.log(`floor: raw UDP round trip p50 ${ms(floor.paced.p50)} ms, p99 ${ms(floor.paced.p99)} ms (back-to-back p50 ${ms(floor.burst.p50)} ms)`);
  const rows: RateRow[] = [];
  const summaries: ConfigSummary[] = [];
  const host = new HostSampler(machine.cores);
  for (const c of configsOf(o)) {
    o.log(`${c.mode}, ${c.replicas} replicas, ${c.writers} writers, ${c.keys} keys (grid ${gridFor(c, Math.max(...o.rates))} µs):`);
    const mine = await sweep(c, o, host);
    rows.push(...mine);
    const best = [...mine].reverse().find((r) => r.sustained);
    summaries.push({
      ...c,
      maxSustainedHz: best?.offeredHz,
      p99AtMaxMs: best === undefined ? Number.NaN : best.latency.stored.p99 / 1_000,
      cpuPercentAtMax: best?.resources.cpuPercentMean ?? Number.NaN,
      rssMaxMb: Math.max(...mine.map((r) => r.resources.rssMaxBytes)) / 2 ** 20,
    });
  }
  host.stop();
  let soakResult: SoakResult | undefined;
  if (o.soakS !== undefined) {
    const base = configsOf(o)[0] as Config;
    o.log(`soak: ${base.mode}, ${base.replicas} replicas, ${base.writers} writers, ${base.keys} keys at ${o.soakRate ?? 1_000} writes/s for ${o.soakS} s...`);
    soakResult = await soak(base, o, o.soakS, o.soakRate ?? 1_000);
    for (const p of soakResult.perReplica) {
      o.log(`  replica ${p.replica}: RSS ${p.rssEarlyMb.toFixed(1)} -> ${p.rssEndMb.toFixed(1)} MB (slope ${p.rssSlopeMbPerMin.toFixed(2)} MB/min), heap ${p.heapEarlyMb.toFixed(1)} -> ${p.heapEndMb.toFixed(1)} MB`);
    }
  }
  const { resolveNode: _r, log: _l, ...options } = o;
  const report: ThroughputReport = { kind: 'throughput', machine, options, floor, rows, summaries, soak: soakResult };
  const table = rows.map(rowOf);
  results.write('results.csv', toCsv(table, THROUGHPUT_COLUMNS));
  results.write('summary.csv', toCsv(summaries.map(summaryRow), SUMMARY_COLUMNS));
  results.json('results.json', report);
  results.write('results.md', throughputMarkdown(report));
  results.write('throughput.svg', throughputPlot(report));
  if (soakResult !== undefined) {
    results.write('soak.csv', toCsv(soakResult.samples.map((s) => ({ elapsed_s: s.elapsedS.toFixed(1), replica: s.replica, rss_mb: s.rssMb.toFixed(2), heap_mb: s.heapMb.toFixed(2), gc_max_ms: s.gcMaxMs.toFixed(2) })), ['elapsed_s', 'replica', 'rss_mb', 'heap_mb', 'gc_max_ms']));
    results.write('soak.svg', soakPlot(soakResult));
  }
  o.log('');
  o.log(formatTable(table, ['mode', 'replicas', 'writers', 'keys', 'offered_hz', 'stored_hz', 'refused', 'not_stored', 'stored_p50_ms', 'stored_p99_ms', 'stored_max_ms', 'replica_cpu_pct', 'rss_mb', 'other_cpu_pct', 'sustained']));
  o.log('');
  o.log(formatTable(summaries.map(summaryRow), SUMMARY_COLUMNS));
  o.log(`files: ${results.dir}/results.csv, summary.csv, results.json, results.md, throughput.svg${soakResult === undefined ? '' : ', soak.csv, soak.svg'}`);
  return report;
}

export function throughputMarkdown(r: ThroughputReport): string {
  const lines = [
    `Machine: ${describeMachine(r.machine)}`,
    '',
    `Floor: raw UDP round trip p50 ${ms(r.floor.paced.p50)} ms, p99 ${ms(r.floor.paced.p99)} ms. Bound for "sustained": p99 ≤ ${r.options.boundMs} ms, ≥ 95 % of the offered rate stored everywhere, ≤ 1 % refused.`,
    '',
    markdownTable(r.summaries.map(summaryRow), SUMMARY_COLUMNS),
    '',
    markdownTable(r.rows.map(rowOf), [...THROUGHPUT_COLUMNS]),
    '',
  ];
  if (r.soak !== undefined) {
    lines.push(`Soak: ${r.soak.mode}, ${r.soak.replicas} replicas, ${r.soak.writers} writers, ${r.soak.keys} keys, ${r.soak.rateHz} writes/s for ${r.soak.durationS} s; p99 ${ms(r.soak.latency.stored.p99)} ms, max ${ms(r.soak.latency.stored.max)} ms.`, '');
    lines.push(
      markdownTable(
        r.soak.perReplica.map((p) => ({ replica: p.replica, rss_early_mb: p.rssEarlyMb.toFixed(1), rss_end_mb: p.rssEndMb.toFixed(1), rss_slope_mb_per_min: p.rssSlopeMbPerMin.toFixed(3), heap_early_mb: p.heapEarlyMb.toFixed(1), heap_end_mb: p.heapEndMb.toFixed(1) })),
        ['replica', 'rss_early_mb', 'rss_end_mb', 'rss_slope_mb_per_min', 'heap_early_mb', 'heap_end_mb'],
      ),
      '',
    );
  }
  return lines.join('\n');
}

export function throughputPlot(r: ThroughputReport): string {
  const ids = [...new Set(r.rows.map((x) => `${x.mode} N=${x.replicas} W=${x.writers} K=${x.keys}`))];
  const series: Series[] = ids.map((id) => ({
    name: id,
    points: r.rows.filter((x) => `${x.mode} N=${x.replicas} W=${x.writers} K=${x.keys}` === id).map((x) => [x.offeredHz, x.latency.stored.p99 / 1_000] as const),
  }));
  const xs = r.rows.map((x) => x.offeredHz);
  series.push({ name: `bound ${r.options.boundMs} ms`, dashed: true, points: [Math.min(...xs), Math.max(...xs)].map((x) => [x, r.options.boundMs] as const) });
  return lineChart(series, {
    title: 'p99 write latency (call → stored at every correct replica) against offered load',
    subtitle: `${r.machine.cores} cores, Node ${r.machine.node}; each rate for ${r.options.durationS} s`,
    xLabel: 'offered writes/s',
    yLabel: 'p99 latency (ms)',
    xLog: true,
    yLog: true,
    width: 900,
  });
}

export function soakPlot(s: SoakResult): string {
  const replicas = [...new Set(s.samples.map((x) => x.replica))];
  const series: Series[] = replicas.flatMap((rep) => [
    { name: `replica ${rep} RSS`, points: s.samples.filter((x) => x.replica === rep).map((x) => [x.elapsedS, x.rssMb] as const) },
  ]);
  series.push({ name: 'heap used (replica 0)', points: s.samples.filter((x) => x.replica === replicas[0]).map((x) => [x.elapsedS, x.heapMb] as const) });
  return lineChart(series, {
    title: `Resident memory over a ${s.durationS} s run at ${s.rateHz} writes/s`,
    subtitle: `${s.mode}, ${s.replicas} replicas, ${s.writers} writers, ${s.keys} keys; p99 ${ms(s.latency.stored.p99)} ms`,
    xLabel: 'time (s)',
    yLabel: 'MB',
  });
}

