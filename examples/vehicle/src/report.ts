/**
 * The per-run report, from a `RunRecord`:
 * (a) `summarize` → the JSON summary (tracking error, deadline misses, faults, suspicions, write
 *     latency, verdict);
 * (b) `renderReportHtml` → a self-contained HTML page with inline SVG plots;
 * (c) `encodeMcap` (mcap.ts) → an MCAP recording for Foxglove.
 * `writeRunReport` writes all three into a directory — the only I/O in this package besides the
 * entry script.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeMcap } from './mcap.js';
import { latencyStats, trackingError, withinBound, type LatencyStats } from './metrics.js';
import type { RunEvent, RunRecord, TrackingBound } from './record.js';
import { PALETTE, escapeXml, histogram, lineChart, timeline, type Band, type Series, type TimelineRow } from './svg.js';

export type VerdictStatus =
  /** within f and within the nominal bound (or: baseline within the bound) */
  | 'pass'
  /** within f but the bound was exceeded (or: baseline exceeded it) */
  | 'fail'
  /** beyond f and the failure is visible: bound exceeded, deadline misses or suspicions */
  | 'reported'
  /** beyond f and nothing shows it: a silent failure (or the loop did not model the faults) */
  | 'unreported';

export interface RunSummary {
  readonly scenario: string;
  readonly scenarioDescription: string;
  readonly kind: RunRecord['meta']['kind'];
  readonly seed: number;
  readonly durationS: number;
  readonly settlingS: number;
  readonly f: number;
  readonly replicas: number;
  readonly expectation: 'withinF' | 'beyondF';
  readonly tracking: {
    readonly rmsMps: number;
    readonly maxAbsMps: number;
    readonly maxAtS: number;
    readonly meanMps: number;
    readonly samples: number;
    readonly bound: TrackingBound;
    readonly withinBound: boolean;
  };
  readonly deadlineMisses: { readonly total: number; readonly byKey: Readonly<Record<string, number>> };
  readonly commandSources: { readonly fresh: number; readonly held: number; readonly failsafe: number };
  readonly faultsInjected: readonly { readonly atS: number; readonly nodeId: string; readonly kind: string; readonly detail: string }[];
  readonly nodesSuspected: readonly { readonly nodeId: string; readonly firstAtS: number; readonly reason: string; readonly times: number }[];
  readonly notModelled: readonly string[];
  readonly writeLatency: LatencyStats | null;
  readonly writeLatencyByKey: Readonly<Record<string, LatencyStats>>;
  readonly verdict: { readonly status: VerdictStatus; readonly text: string };
  /** The run's notes (loop, protocol mode, replica counters, timer lag, machine load, ...). */
  readonly notes: Readonly<Record<string, string | number | boolean>>;
}

const us2s = (us: number): number => Math.round(us) / 1e6;

export function summarize(record: RunRecord): RunSummary {
  const m = record.meta;
  const e = trackingError(record, m.settlingUs);
  const ok = withinBound(e, m.bound);
  const misses = record.events.filter((x) => x.kind === 'deadlineMiss');
  const byKey: Record<string, number> = {};
  for (const x of misses) byKey[x.nodeId] = (byKey[x.nodeId] ?? 0) + 1;
  const sources = { fresh: 0, held: 0, failsafe: 0 };
  for (const c of record.commands) sources[c.source]++;
  const faults = record.events
    .filter((x) => x.kind === 'faultInjected' || x.kind === 'crash')
    .map((x) => ({ atS: us2s(x.tUs), nodeId: x.nodeId, kind: x.kind, detail: x.detail }));
  const suspected = new Map<string, { nodeId: string; firstAtS: number; reason: string; times: number }>();
  for (const x of record.events) {
    if (x.kind !== 'suspected') continue;
    const s = suspected.get(x.nodeId);
    if (s === undefined) suspected.set(x.nodeId, { nodeId: x.nodeId, firstAtS: us2s(x.tUs), reason: x.detail, times: 1 });
    else s.times++;
  }
  const notModelled = record.events.filter((x) => x.kind === 'note' && x.detail.startsWith('not modelled')).map((x) => x.detail);
  const lat = latencyStats(record.writeLatencies.map((w) => w.latencyUs));
  const latByKey: Record<string, LatencyStats> = {};
  for (const key of new Set(record.writeLatencies.map((w) => w.key))) {
    latByKey[key] = latencyStats(record.writeLatencies.filter((w) => w.key === key).map((w) => w.latencyUs))!;
  }

  const figures = `tracking RMS ${e.rmsMps.toFixed(3)} m/s, max ${e.maxAbsMps.toFixed(3)} m/s (bound ${m.bound.rmsMps} / ${m.bound.maxAbsMps} m/s)`;
  let verdict: RunSummary['verdict'];
  if (m.kind === 'baseline') {
    verdict = ok
      ? { status: 'pass', text: `Unreplicated baseline within the nominal bound: ${figures}.` }
      : { status: 'fail', text: `Unreplicated baseline exceeds the nominal bound: ${figures}.` };
  } else if (m.expectation === 'withinF') {
    verdict = ok
      ? { status: 'pass', text: `Within f = ${m.f}: tracking stays within the nominal bound; ${figures}.` }
      : { status: 'fail', text: `Within f = ${m.f} but the nominal bound is exceeded: ${figures}.` };
  } else {
    const signs: string[] = [];
    if (!ok) signs.push('tracking bound exceeded');
    if (misses.length > 0) signs.push(`${misses.length} deadline misses`);
    if (suspected.size > 0) signs.push(`suspected: ${[...suspected.keys()].join(', ')}`);
    verdict =
      signs.length > 0
        ? { status: 'reported', text: `Beyond f = ${m.f}: the failure is reported (${signs.join('; ')}); ${figures}.` }
        : {
            status: 'unreported',
            text:
              notModelled.length > 0
                ? `Beyond f = ${m.f}, but this loop does not model the faults (${notModelled.length} not modelled): nothing to report; ${figures}.`
                : `Beyond f = ${m.f} and NOTHING reports it: silent failure; ${figures}.`,
          };
  }
  return {
    scenario: m.scenario,
    scenarioDescription: m.scenarioDescription,
    kind: m.kind,
    seed: m.seed,
    durationS: us2s(m.durationUs),
    settlingS: us2s(m.settlingUs),
    f: m.f,
    replicas: m.replicas,
    expectation: m.expectation,
    tracking: { rmsMps: e.rmsMps, maxAbsMps: e.maxAbsMps, maxAtS: us2s(e.maxAtUs), meanMps: e.meanMps, samples: e.samples, bound: m.bound, withinBound: ok },
    deadlineMisses: { total: misses.length, byKey },
    commandSources: sources,
    faultsInjected: faults,
    nodesSuspected: [...suspected.values()],
    notModelled,
    writeLatency: lat,
    writeLatencyByKey: latByKey,
    verdict,
    notes: m.notes ?? {},
  };
}

// ---------------------------------------------------------------------------------------------
// HTML

const FAULT_BAND = 'rgba(213, 94, 0, 0.10)';
const STATUS_COLOR: Readonly<Record<VerdictStatus, string>> = { pass: '#1a7f37', fail: '#cf222e', reported: '#9a6700', unreported: '#cf222e' };
const KIND_LABEL: Readonly<Record<RunRecord['meta']['kind'], string>> = {
  baseline: 'unreplicated baseline (1 sensor, 1 controller, no KVS)',
  idealReplicated: 'ideal replicated loop (in-process: 3 sensors, 3 controllers, median fusion)',
  distributed: 'distributed run (KVS replicas as processes)',
};

/** Fault windows from the record's events: [start, end) per node and fault. */
export function faultWindows(record: RunRecord): { nodeId: string; fromUs: number; toUs: number; detail: string }[] {
  const open = new Map<string, RunEvent>();
  const out: { nodeId: string; fromUs: number; toUs: number; detail: string }[] = [];
  const keyOf = (e: RunEvent): string => `${e.nodeId}\u0000${e.detail}`;
  for (const e of [...record.events].sort((a, b) => a.tUs - b.tUs)) {
    if (e.kind === 'faultInjected' || e.kind === 'crash') open.set(keyOf(e), e);
    else if (e.kind === 'faultCleared' || e.kind === 'restart') {
      const s = open.get(keyOf(e));
      if (s !== undefined) {
        out.push({ nodeId: s.nodeId, fromUs: s.tUs, toUs: e.tUs, detail: s.detail });
        open.delete(keyOf(e));
      }
    }
  }
  for (const s of open.values()) out.push({ nodeId: s.nodeId, fromUs: s.tUs, toUs: record.meta.durationUs, detail: s.detail });
  return out.sort((a, b) => a.fromUs - b.fromUs);
}

const s = (us: number): number => us / 1e6;

function fmt(x: number, d = 3): string {
  return Number.isFinite(x) ? x.toFixed(d) : String(x);
}

export interface ReportOptions {
  /** The unreplicated baseline of the same scenario and seed, drawn for comparison. */
  readonly baseline?: RunRecord;
  /** Title override. */
  readonly title?: string;
}

function statusBadge(status: VerdictStatus): string {
  return `<span class="badge" style="background:${STATUS_COLOR[status]}">${escapeXml(status.toUpperCase())}</span>`;
}

/** The HTML report: a self-contained page with inline SVG. */
export function renderReportHtml(record: RunRecord, opts: ReportOptions = {}): string {
  const sum = summarize(record);
  const base = opts.baseline;
  const baseSum = base !== undefined ? summarize(base) : undefined;
  const m = record.meta;
  const xRange: [number, number] = [0, s(m.durationUs)];
  const windows = faultWindows(record);
  const bands: Band[] = windows.map((w) => ({ from: s(w.fromUs), to: s(w.toUs), label: 'fault active', color: FAULT_BAND }));

  // 1. Speed vs target (+ baseline).
  const speedSeries: Series[] = [
    { name: 'target (m/s)', color: '#000', dash: '7 4', widthPx: 1.5, points: record.plant.map((p) => [s(p.tUs), p.targetSpeedMps]) },
    { name: `true speed — ${m.kind === 'baseline' ? 'baseline' : 'replicated'}`, color: PALETTE[0], widthPx: 2, points: record.plant.map((p) => [s(p.tUs), p.trueSpeedMps]) },
  ];
  if (base !== undefined) speedSeries.push({ name: 'true speed — unreplicated baseline', color: PALETTE[1], widthPx: 1.6, points: base.plant.map((p) => [s(p.tUs), p.trueSpeedMps]) });
  const speedChart = lineChart({ title: 'Speed vs target', xLabel: 'time (s)', yLabel: 'speed (m/s)', series: speedSeries, xRange, bands });

  // 1b. Tracking error of this run, zoomed to the bound (the baseline is compared above).
  const errAbs = record.plant.filter((p) => p.tUs >= m.settlingUs).map((p) => Math.abs(p.trueSpeedMps - p.targetSpeedMps));
  const errLimit = Math.max(m.bound.maxAbsMps * 2, ...errAbs) * 1.08;
  const errChart = lineChart({
    title: 'Tracking error (true − target)',
    xLabel: 'time (s)',
    yLabel: 'error (m/s)',
    series: [{ name: `error — ${m.kind === 'baseline' ? 'baseline' : 'replicated'}`, color: PALETTE[0], points: record.plant.map((p) => [s(p.tUs), p.trueSpeedMps - p.targetSpeedMps]) }],
    xRange,
    yRange: [-errLimit, errLimit],
    bands: [...bands, { from: 0, to: s(m.settlingUs), label: 'settling (not judged)', color: 'rgba(0,0,0,0.06)' }],
    hLines: [
      { y: m.bound.maxAbsMps, label: `max bound ±${m.bound.maxAbsMps} m/s`, color: '#cf222e' },
      { y: -m.bound.maxAbsMps, label: `max bound ±${m.bound.maxAbsMps} m/s`, color: '#cf222e' },
    ],
    heightPx: 260,
  });

  // 2. Sensors vs fused.
  const sensorSeries: Series[] = m.sensorIds.map((id, i) => ({
    name: `${id} (m/s)`,
    color: PALETTE[(i + 2) % PALETTE.length]!,
    widthPx: 1.1,
    opacity: 0.85,
    points: record.sensors.filter((x) => x.sensorId === id).map((x) => [s(x.tUs), x.valueMps] as const),
  }));
  sensorSeries.push({ name: 'fused (m/s)', color: '#000', widthPx: 1.3, points: record.fused.map((x) => [s(x.tUs), x.valueMps]) });
  sensorSeries.push({ name: 'true speed (m/s)', color: PALETTE[0], dash: '3 3', widthPx: 1.2, points: record.plant.map((p) => [s(p.tUs), p.trueSpeedMps]) });
  const sensorChart = lineChart({ title: 'Each sensor vs the fused value', xLabel: 'time (s)', yLabel: 'speed (m/s)', series: sensorSeries, xRange, bands, heightPx: 340 });

  // 3. Controllers vs agreed command.
  const ctrlSeries: Series[] = m.controllerIds.map((id, i) => ({
    name: id,
    color: PALETTE[(i + 2) % PALETTE.length]!,
    widthPx: 1.1,
    opacity: 0.8,
    step: true,
    points: record.controllers.filter((x) => x.controllerId === id).map((x) => [s(x.tUs), x.commandU] as const),
  }));
  ctrlSeries.push({ name: 'applied command (agreed)', color: '#000', widthPx: 1.8, step: true, points: record.commands.map((c) => [s(c.tUs), c.commandU]) });
  const ctrlChart = lineChart({
    title: 'Controller outputs vs the agreed command (+ throttle, − brake)',
    xLabel: 'time (s)',
    yLabel: 'command (−1 … 1)',
    series: ctrlSeries,
    xRange,
    yRange: [-1.05, 1.05],
    bands,
  });

  // 4. Write latency histogram.
  const lat = record.writeLatencies.map((w) => w.latencyUs / 1000);
  const latChart = histogram({
    title: 'KVS write latency',
    xLabel: 'write latency (ms)',
    yLabel: 'writes',
    values: lat,
    unit: ' ms',
    ...(sum.writeLatency !== null ? { clipAt: Math.max((sum.writeLatency.p99Us / 1000) * 2, (sum.writeLatency.p50Us / 1000) * 4) } : {}),
    markers:
      sum.writeLatency !== null
        ? [
            { x: sum.writeLatency.p50Us / 1000, label: `p50 ${fmt(sum.writeLatency.p50Us / 1000, 2)} ms`, color: PALETTE[2] },
            { x: sum.writeLatency.p99Us / 1000, label: `p99 ${fmt(sum.writeLatency.p99Us / 1000, 2)} ms`, color: PALETTE[1] },
          ]
        : [],
  });

  // 5. Timeline of faults and suspicions.
  const rowIds = [...new Set([...m.sensorIds, ...m.controllerIds, ...record.events.filter((e) => e.kind !== 'deadlineMiss' && e.kind !== 'note').map((e) => e.nodeId)])];
  const missKeys = [...new Set(record.events.filter((e) => e.kind === 'deadlineMiss').map((e) => e.nodeId))];
  const rows: TimelineRow[] = rowIds.map((id) => ({
    label: id,
    bars: windows.filter((w) => w.nodeId === id).map((w) => ({ from: s(w.fromUs), to: s(w.toUs), color: '#F0A868', label: `${w.detail} (${fmt(s(w.fromUs), 2)}–${fmt(s(w.toUs), 2)} s)` })),
    marks: record.events
      .filter((e) => e.nodeId === id && (e.kind === 'suspected' || e.kind === 'unsuspected'))
      .map((e) => ({ at: s(e.tUs), color: e.kind === 'suspected' ? '#a40e26' : '#1a7f37', label: `${e.kind} at ${fmt(s(e.tUs), 2)} s: ${e.detail}`, shape: 'diamond' as const })),
  }));
  for (const k of missKeys) {
    rows.push({
      label: `miss: ${k}`,
      bars: [],
      marks: record.events.filter((e) => e.kind === 'deadlineMiss' && e.nodeId === k).map((e) => ({ at: s(e.tUs), color: '#9a6700', label: `${fmt(s(e.tUs), 2)} s: ${e.detail}`, shape: 'tick' as const })),
    });
  }
  const tl = timeline({
    title: 'Faults, suspicions and deadline misses',
    xLabel: 'time (s)',
    xRange,
    rows,
    legend: [
      { name: 'fault active', color: '#F0A868', shape: 'bar' },
      { name: 'suspected', color: '#a40e26', shape: 'diamond' },
      { name: 'cleared', color: '#1a7f37', shape: 'diamond' },
      { name: 'deadline miss', color: '#9a6700', shape: 'tick' },
    ],
  });

  // Tables.
  const row = (label: string, value: string, cmp?: string): string => `<tr><th>${escapeXml(label)}</th><td>${value}</td>${base !== undefined ? `<td>${cmp ?? ''}</td>` : ''}</tr>`;
  const latText = (l: LatencyStats | null): string => (l === null ? 'no KVS writes in this run' : `p50 ${fmt(l.p50Us / 1000, 2)} ms · p99 ${fmt(l.p99Us / 1000, 2)} ms · max ${fmt(l.maxUs / 1000, 2)} ms (${l.count} writes)`);
  const susText = (x: RunSummary): string => (x.nodesSuspected.length === 0 ? 'none' : x.nodesSuspected.map((n) => `${escapeXml(n.nodeId)} at ${fmt(n.firstAtS, 2)} s (${escapeXml(n.reason)})`).join('<br>'));
  const faultText = (x: RunSummary): string => (x.faultsInjected.length === 0 ? 'none' : x.faultsInjected.map((f) => `${fmt(f.atS, 2)} s — ${escapeXml(f.detail)}`).join('<br>'));
  const trk = (x: RunSummary): string =>
    `<b style="color:${x.tracking.withinBound ? STATUS_COLOR.pass : STATUS_COLOR.fail}">RMS ${fmt(x.tracking.rmsMps)} m/s · max ${fmt(x.tracking.maxAbsMps)} m/s</b> at ${fmt(x.tracking.maxAtS, 2)} s`;
  const summaryTable = [
    '<table class="summary">',
    base !== undefined ? `<tr><th></th><th>${escapeXml(KIND_LABEL[m.kind].split(' (')[0]!)}</th><th>unreplicated baseline</th></tr>` : '',
    row('verdict', `${statusBadge(sum.verdict.status)} ${escapeXml(sum.verdict.text)}`, baseSum ? `${statusBadge(baseSum.verdict.status)} ${escapeXml(baseSum.verdict.text)}` : undefined),
    row(`tracking error after ${sum.settlingS} s`, trk(sum), baseSum ? trk(baseSum) : undefined),
    row('nominal bound', `RMS ≤ ${m.bound.rmsMps} m/s, max ≤ ${m.bound.maxAbsMps} m/s`, baseSum ? 'same' : undefined),
    row('deadline misses', `${sum.deadlineMisses.total}${Object.keys(sum.deadlineMisses.byKey).length ? ` (${Object.entries(sum.deadlineMisses.byKey).map(([k, v]) => `${escapeXml(k)}: ${v}`).join(', ')})` : ''}`, baseSum ? String(baseSum.deadlineMisses.total) : undefined),
    row('commands applied', `fresh ${sum.commandSources.fresh} · held ${sum.commandSources.held} · failsafe ${sum.commandSources.failsafe}`, baseSum ? `fresh ${baseSum.commandSources.fresh} · held ${baseSum.commandSources.held} · failsafe ${baseSum.commandSources.failsafe}` : undefined),
    row('faults injected', faultText(sum), baseSum ? faultText(baseSum) : undefined),
    row('nodes suspected', susText(sum), baseSum ? susText(baseSum) : undefined),
    row('write latency', escapeXml(latText(sum.writeLatency)), baseSum ? escapeXml(latText(baseSum.writeLatency)) : undefined),
    sum.notModelled.length > 0 ? row('not modelled in this loop', sum.notModelled.map(escapeXml).join('<br>')) : '',
    Object.keys(sum.notes).length > 0 ? row('run notes', Object.entries(sum.notes).map(([k, v]) => `${escapeXml(k)}: ${escapeXml(String(v))}`).join('<br>')) : '',
    '</table>',
  ].join('\n');

  const listed = record.events.filter((e) => e.kind !== 'deadlineMiss').slice(0, 300);
  const eventsTable = [
    '<table class="events"><tr><th>time (s)</th><th>event</th><th>node</th><th>detail</th></tr>',
    ...listed.map((e) => `<tr class="ev-${e.kind}"><td>${fmt(s(e.tUs), 3)}</td><td>${e.kind}</td><td>${escapeXml(e.nodeId)}</td><td>${escapeXml(e.detail)}</td></tr>`),
    '</table>',
    sum.deadlineMisses.total > 0 ? `<p>${sum.deadlineMisses.total} deadline misses are not listed here; see the timeline.</p>` : '',
  ].join('\n');

  const title = opts.title ?? `bftkvs vehicle testbed — ${m.scenario}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1000px; color: #1f2328; padding: 0 12px; }
  h1 { font-size: 22px; margin-bottom: 4px; }
  h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
  p.sub { color: #57606a; margin-top: 0; }
  .badge { color: #fff; border-radius: 4px; padding: 1px 7px; font-size: 12px; font-weight: 700; letter-spacing: .03em; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  table.summary th { text-align: left; width: 190px; vertical-align: top; }
  th, td { border-bottom: 1px solid #eaeef2; padding: 5px 8px; vertical-align: top; }
  table.events td:first-child { font-variant-numeric: tabular-nums; text-align: right; width: 70px; }
  tr.ev-suspected td { color: #cf222e; } tr.ev-faultInjected td, tr.ev-crash td { color: #953800; }
  figure { margin: 14px 0; } svg { max-width: 100%; height: auto; border: 1px solid #eaeef2; border-radius: 4px; }
  figcaption { color: #57606a; font-size: 12px; margin-top: 2px; }
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="sub">${escapeXml(m.scenarioDescription)}<br>${escapeXml(KIND_LABEL[m.kind])} · seed ${m.seed} · ${s(m.durationUs)} s · f = ${m.f}${m.replicas > 0 ? ` · ${m.replicas} replicas` : ''} · sensor period ${m.sensorPeriodUs / 1000} ms · control period ${m.controllerPeriodUs / 1000} ms</p>
<h2>Summary</h2>
${summaryTable}
<h2>Speed</h2>
<figure>${speedChart}<figcaption>Shaded: a fault is active. ${base !== undefined ? 'Orange: the unreplicated baseline under the equivalent fault, same seed.' : ''}</figcaption></figure>
<figure>${errChart}<figcaption>Tracking error; the bound is judged after the settling time (grey).</figcaption></figure>
<h2>Sensors</h2>
<figure>${sensorChart}<figcaption>Each sensor's publications and the fused (median) value the controllers used.</figcaption></figure>
<h2>Controllers</h2>
<figure>${ctrlChart}<figcaption>Each controller replica's command and the command the actuator applied. Correct replicas overlap exactly.</figcaption></figure>
<h2>Write latency</h2>
<figure>${latChart}</figure>
<h2>Timeline</h2>
<figure>${tl}</figure>
<h2>Events</h2>
${eventsTable}
</body>
</html>
`;
}

export interface WrittenReport {
  readonly summaryPath: string;
  readonly htmlPath: string;
  readonly mcapPath: string;
  readonly summary: RunSummary;
}

/** Writes summary.json, report.html and run.mcap into `dir` (created if needed). */
export async function writeRunReport(dir: string, record: RunRecord, opts: ReportOptions = {}): Promise<WrittenReport> {
  await mkdir(dir, { recursive: true });
  const summary = summarize(record);
  const body = opts.baseline !== undefined ? { ...summary, baseline: summarize(opts.baseline) } : summary;
  const summaryPath = join(dir, 'summary.json');
  const htmlPath = join(dir, 'report.html');
  const mcapPath = join(dir, 'run.mcap');
  await writeFile(summaryPath, `${JSON.stringify(body, null, 2)}\n`);
  await writeFile(htmlPath, renderReportHtml(record, opts));
  await writeFile(mcapPath, await encodeMcap(record));
  return { summaryPath, htmlPath, mcapPath, summary };
}
