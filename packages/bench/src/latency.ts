/**
 * `bftkvs bench latency`: the seed's experiment. For each mode and frequency, a fresh cluster
 * (replica processes through the launch supervisor) with one key whose publish-time grid is
 * the writer's period, and one application on node N-1 issuing `writes` writes at that
 * frequency. Per write: call → acceptance, → stored at every correct replica, → published
 * (visible) at every correct replica, → agreed; p50/p99/max per frequency; the crossover
 * frequency where p99 (stored) exceeds the period; every figure also as a ratio to the raw
 * UDP round trip measured in the same run.
 */
import { loadavg } from 'node:os';
import type { Mode } from '@bftkvs/core';
import type { ClusterSpec, TimingSpec } from './cluster.js';
import { BenchCluster, byzantineF, sleep } from './cluster.js';
import type { BenchRunOptions, FaultName } from './experiment.js';
import { CRASH_AFTER_MS, correctReplicas, faultPlacement, generatorPlan, minLeadUs, runGenerators } from './experiment.js';
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
import { ms, ratio } from './stats.js';

export interface LatencyOptions extends BenchRunOptions {
  readonly modes: readonly Mode[];
  readonly replicas: number;
  readonly freqs: readonly number[];
  readonly writes: number;
  readonly fault: FaultName;
}

export interface LatencyRow {
  readonly mode: Mode;
  readonly fault: FaultName;
  readonly freqHz: number;
  readonly periodUs: number;
  readonly leadUs: number;
  readonly latency: StepLatency;
  readonly resources: ResourceUse;
  /** View changes seen by correct replicas during the run, and when (µs after the first write). */
  readonly viewChanges: { readonly replica: number; readonly atUs: number; readonly view: number; readonly primary: number }[];
  readonly loadCpuPercent: number;
  readonly errorSamples: Record<string, string>;
  /** The whole host's busy CPU during the measured writes (% of one core), and what of it was not this benchmark's. */
  readonly hostCpuPercent: number;
  readonly otherCpuPercent: number;
}

export interface Crossover {
  readonly mode: Mode;
  /** Highest measured frequency whose p99 (stored at all) is within the period. */
  readonly lastWithinHz: number | undefined;
  /** Lowest measured frequency whose p99 exceeds the period (the crossover), if any. */
  readonly firstAboveHz: number | undefined;
}

export interface LatencyReport {
  readonly kind: 'latency';
  readonly machine: MachineInfo;
  readonly options: Omit<LatencyOptions, 'resolveNode' | 'log'>;
  readonly floorBefore: FloorResult;
  readonly floorAfter: FloorResult;
  readonly rows: LatencyRow[];
  readonly crossovers: Crossover[];
  readonly loadAverageEnd: readonly number[];
}

export const LATENCY_COLUMNS = [
  'mode',
  'fault',
  'freq_hz',
  'period_ms',
  'accepted',
  'refused',
  'not_stored',
  'stored_p50_ms',
  'stored_p99_ms',
  'stored_max_ms',
  'p99_vs_floor',
  'ack_p99_ms',
  'published_p50_ms',
  'published_p99_ms',
  'late_p99_ms',
  'late_max_ms',
  'agreed_p99_ms',
  'agreed_max_ms',
  'cpu_pct',
  'rss_mb',
  'gc_max_ms',
  'views',
  'host_cpu_pct',
  'other_cpu_pct',
] as const;

function rowOf(r: LatencyRow, floorP99: number): Row {
  const l = r.latency;
  const refused = Object.values(l.errors).reduce((a, b) => a + b, 0);
  return {
    mode: r.mode,
    fault: r.fault,
    freq_hz: r.freqHz,
    period_ms: ms(r.periodUs),
    accepted: l.accepted,
    refused: refused === 0 ? 0 : `${refused} ${Object.entries(l.errors).map(([k, v]) => `${k}:${v}`).join(' ')}`,
    not_stored: l.notStored,
    stored_p50_ms: ms(l.stored.p50),
    stored_p99_ms: ms(l.stored.p99),
    stored_max_ms: ms(l.stored.max),
    p99_vs_floor: ratio(l.stored.p99, floorP99),
    ack_p99_ms: ms(l.ack.p99),
    published_p50_ms: ms(l.published.p50),
    published_p99_ms: ms(l.published.p99),
    late_p99_ms: ms(l.lateness.p99),
    late_max_ms: ms(l.lateness.max),
    agreed_p99_ms: ms(l.agreed.p99),
    agreed_max_ms: ms(l.agreed.max),
    cpu_pct: Number.isFinite(r.resources.cpuPercentMean) ? r.resources.cpuPercentMean.toFixed(0) : '-',
    rss_mb: (r.resources.rssMaxBytes / 2 ** 20).toFixed(0),
    gc_max_ms: ms(r.resources.gcPauseMaxUs),
    views: r.viewChanges.length === 0 ? 0 : r.viewChanges.map((v) => `r${v.replica}:v${v.view}@${ms(v.atUs)}ms`).join(' '),
    host_cpu_pct: Number.isFinite(r.hostCpuPercent) ? r.hostCpuPercent.toFixed(0) : '-',
    other_cpu_pct: Number.isFinite(r.otherCpuPercent) ? r.otherCpuPercent.toFixed(0) : '-',
  };
}

export function crossovers(rows: readonly LatencyRow[], modes: readonly Mode[]): Crossover[] {
  return modes.map((mode) => {
    const mine = rows.filter((r) => r.mode === mode && Number.isFinite(r.latency.stored.p99)).sort((a, b) => a.freqHz - b.freqHz);
    const above = mine.find((r) => r.latency.stored.p99 > r.periodUs);
    const within = mine.filter((r) => r.latency.stored.p99 <= r.periodUs && (above === undefined || r.freqHz < above.freqHz));
    return { mode, lastWithinHz: within[within.length - 1]?.freqHz, firstAboveHz: above?.freqHz };
  });
}

export async function runLatency(o: LatencyOptions): Promise<LatencyReport> {
  const results = new ResultsDir(o.out);
  const machine = machineInfo(o.repoRoot);
  o.log(`machine: ${describeMachine(machine)}`);
  o.log(`floor: raw UDP round trip between two Node processes on 127.0.0.1 (${o.floorSamples} pings, 1 ms apart)...`);
  const floorBefore = await measureFloor(o.floorSamples, 1_000);
  o.log(`floor: p50 ${ms(floorBefore.paced.p50)} ms, p99 ${ms(floorBefore.paced.p99)} ms, max ${ms(floorBefore.paced.max)} ms (back-to-back p50 ${ms(floorBefore.burst.p50)} ms)`);
  const rows: LatencyRow[] = [];
  const host = new HostSampler(machine.cores);
  for (const mode of o.modes) {
    for (const freq of o.freqs) {
      const periodUs = Math.max(1, Math.round(1e6 / freq));
      const f = byzantineF(o.replicas);
      const spec: ClusterSpec = { mode, replicas: o.replicas, f, writers: 1, keys: 1, periodUs, timing: o.timing, faults: faultPlacement(o.fault, o.replicas) };
      o.log(`${mode}${o.fault === 'none' ? '' : ` (${o.fault})`} at ${freq} Hz: ${o.writes} writes...`);
      const row = await latencyStep(spec, o, freq, host);
      rows.push(row);
      for (const [code, text] of Object.entries(row.errorSamples)) o.log(`  refused ${code}: ${text}`);
      o.log(`  stored at all correct replicas: p50 ${ms(row.latency.stored.p50)} p99 ${ms(row.latency.stored.p99)} max ${ms(row.latency.stored.max)} ms; published p99 ${ms(row.latency.published.p99)} ms; accepted ${row.latency.accepted}/${row.latency.issued}`);
    }
  }
  host.stop();
  const floorAfter = await measureFloor(o.floorSamples, 1_000);
  const floorP99 = Math.max(floorBefore.paced.p99, floorAfter.paced.p99);
  const cross = crossovers(rows, o.modes);
  const { resolveNode: _r, log: _l, ...options } = o;
  const report: LatencyReport = { kind: 'latency', machine, options, floorBefore, floorAfter, rows, crossovers: cross, loadAverageEnd: loadavg().map((x) => Number(x.toFixed(2))) };
  const table = rows.map((r) => rowOf(r, floorP99));
  results.write('results.csv', toCsv(table, LATENCY_COLUMNS));
  results.json('results.json', report);
  results.write('results.md', latencyMarkdown(report));
  results.write('latency.svg', latencyPlot(report));
  o.log('');
  o.log(formatTable(table, ['mode', 'fault', 'freq_hz', 'period_ms', 'accepted', 'not_stored', 'stored_p50_ms', 'stored_p99_ms', 'stored_max_ms', 'p99_vs_floor', 'published_p99_ms', 'late_max_ms', 'agreed_p99_ms', 'cpu_pct', 'other_cpu_pct']));
  o.log('');
  o.log(floorLine(floorBefore, floorAfter));
  for (const c of cross) o.log(crossoverLine(c));
  o.log(`files: ${results.dir}/results.csv, results.json, results.md, latency.svg`);
  return report;
}

async function latencyStep(spec: ClusterSpec, o: LatencyOptions, freq: number, host: HostSampler): Promise<LatencyRow> {
  const cluster = await BenchCluster.create(spec, {
    resolveNode: o.resolveNode,
    ...(o.replicaNodeArgs === undefined ? {} : { nodeArgs: o.replicaNodeArgs }),
  });
  let probes: ReplicaProbe[] = [];
  try {
    await cluster.start();
    if (o.fault === 'crash') {
      const deadline = Date.now() + CRASH_AFTER_MS + 10_000;
      while (cluster.exited().length === 0 && Date.now() < deadline) await sleep(100);
    }
    // Warm-up (JIT, routes, first batches), not counted; then the measured step.
    const warm = { rateHz: Math.min(freq, 200), writes: Math.min(50, o.writes), gapMs: 500 };
    // Windowed faults start with the measured step (slow-primary: SLOW_PRIMARY_AFTER_MS into it).
    const loads = await runGenerators(cluster, generatorPlan(spec), [warm, { rateHz: freq, writes: o.writes, gapMs: 0 }], o.pacing, [], (starts) => cluster.setFaultEpoch(starts[1] ?? starts[0] ?? Date.now() * 1_000));
    // Let every slot publish and (fast mode) get agreed: lead + a few sync rounds.
    await sleep(minLeadUs(spec.mode, spec.f, spec.timing) / 1_000 + 4 * spec.timing.syncPeriodMs + 500);
    const unexpected = cluster.unexpectedExits();
    await cluster.stop();
    if (unexpected.length > 0) throw new Error(`replicas failed during the run: ${unexpected.join('; ')}\n${cluster.log.slice(-20).join('\n')}`);
    probes = Array.from({ length: spec.replicas }, (_, i) => readProbe(cluster.probeFile(i)));
    const correct = correctReplicas(spec);
    const measured = loads.map((load) => ({ load, step: load.steps[1]! }));
    const latency = stepLatency(measured, probes, correct);
    const from = Math.min(...measured.map((m) => m.step.startUs));
    const to = Math.max(...measured.map((m) => m.step.lastCallUs));
    const loadCpu = measured.reduce((s, m) => s + m.step.cpuUserUs + m.step.cpuSystemUs, 0);
    const viewChanges = correct.flatMap((r) => (probes[r]?.views ?? []).filter((v) => v.us >= from && v.view > 0).map((v) => ({ replica: r, atUs: v.us - from, view: v.view, primary: v.primary })));
    const resources = resourceUse(probes, correct, from, to);
    const hostCpuPercent = host.busyPercent(from, to);
    const loadCpuPercent = (loadCpu / Math.max(1, to - from)) * 100;
    return {
      mode: spec.mode,
      fault: o.fault,
      freqHz: freq,
      periodUs: spec.periodUs,
      leadUs: minLeadUs(spec.mode, spec.f, spec.timing),
      latency,
      resources,
      viewChanges,
      loadCpuPercent,
      errorSamples: Object.assign({}, ...measured.map((m) => m.step.errorSamples)) as Record<string, string>,
      hostCpuPercent,
      otherCpuPercent: hostCpuPercent - loadCpuPercent - resources.cpuPercentMean * correct.length,
    };
  } finally {
    await cluster.stop();
    cluster.remove();
  }
}

export function floorLine(a: FloorResult, b: FloorResult): string {
  return `floor (raw UDP round trip, 64 B, 1 ms apart): before p50 ${ms(a.paced.p50)} p99 ${ms(a.paced.p99)} max ${ms(a.paced.max)} ms; after p50 ${ms(b.paced.p50)} p99 ${ms(b.paced.p99)} max ${ms(b.paced.max)} ms; back-to-back p50 ${ms(a.burst.p50)} ms; clock offset between processes p50 ${a.clockOffset.p50.toFixed(1)} µs`;
}

export function crossoverLine(c: Crossover): string {
  if (c.firstAboveHz === undefined) return `crossover ${c.mode}: p99 stays within the period at every measured frequency (up to ${c.lastWithinHz ?? '-'} Hz)`;
  return `crossover ${c.mode}: p99 exceeds the period at ${c.firstAboveHz} Hz (within it up to ${c.lastWithinHz ?? 'none'} Hz)`;
}

export function latencyMarkdown(r: LatencyReport): string {
  const floorP99 = Math.max(r.floorBefore.paced.p99, r.floorAfter.paced.p99);
  return [
    `Machine: ${describeMachine(r.machine)}; load average at the end ${r.loadAverageEnd.join(' ')}`,
    '',
    floorLine(r.floorBefore, r.floorAfter),
    '',
    markdownTable(r.rows.map((x) => rowOf(x, floorP99)), ['mode', 'fault', 'freq_hz', 'period_ms', 'accepted', 'refused', 'not_stored', 'stored_p50_ms', 'stored_p99_ms', 'stored_max_ms', 'p99_vs_floor', 'published_p99_ms', 'late_p99_ms', 'late_max_ms', 'agreed_p99_ms', 'cpu_pct', 'rss_mb', 'gc_max_ms', 'views', 'other_cpu_pct']),
    '',
    ...r.crossovers.map(crossoverLine),
    '',
  ].join('\n');
}

export function latencyPlot(r: LatencyReport): string {
  const modes = [...new Set(r.rows.map((x) => x.mode))];
  const freqs = [...new Set(r.rows.map((x) => x.freqHz))].sort((a, b) => a - b);
  const series: Series[] = modes.map((m) => ({
    name: `${m} p99${r.options.fault === 'none' ? '' : ` (${r.options.fault})`}`,
    points: r.rows.filter((x) => x.mode === m).map((x) => [x.freqHz, x.latency.stored.p99 / 1_000] as const),
  }));
  const lo = freqs[0] ?? 1;
  const hi = freqs[freqs.length - 1] ?? 10;
  series.push({ name: 'period 1/f', dashed: true, points: [lo, hi].map((f) => [f, 1_000 / f] as const) });
  const floorP99 = Math.max(r.floorBefore.paced.p99, r.floorAfter.paced.p99) / 1_000;
  series.push({ name: 'UDP round trip p99', dashed: true, points: [lo, hi].map((f) => [f, floorP99] as const) });
  return lineChart(series, {
    title: 'Write latency (call → stored at every correct replica), p99',
    subtitle: `${r.options.replicas} replica processes, ${r.options.writes} writes per frequency, fault: ${r.options.fault}; ${r.machine.cores} cores, Node ${r.machine.node}`,
    xLabel: 'write frequency (Hz)',
    yLabel: 'latency (ms)',
    xLog: true,
    yLog: true,
  });
}
