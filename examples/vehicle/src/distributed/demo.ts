/**
 * The distributed vehicle demo (`bftkvs demo`, `pnpm demo`): runs one scenario, a list, or all
 * of them through the real processes (runner.ts), each with its unreplicated baseline, prints
 * progress and a table, and says where the reports are. Exit code 1 when a within-f scenario
 * broke the nominal bound or a beyond-f one went unreported; 2 for a usage error.
 */
import { resolve } from 'node:path';
import { NOMINAL_BOUND } from '../metrics.js';
import { SCENARIO_NAMES, scenario, type ScenarioName } from '../scenarios.js';
import { runScenario, type ScenarioRunResult } from './runner.js';

export const DEFAULT_DEMO_SCENARIO: ScenarioName = 'showcase';

export interface DemoOptions {
  /** Scenario names, 'all', or a comma-separated list. */
  readonly scenario: string;
  readonly durationS?: number;
  readonly outDir: string;
  readonly seed: number;
  readonly verbose?: boolean;
  readonly print: (line: string) => void;
}

export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

/** The scenarios a --scenario value names (throws DemoUsageError for unknown ones). */
export function demoScenarios(text: string): ScenarioName[] {
  const t = text.trim();
  if (t === 'all') return SCENARIO_NAMES.filter((n) => n !== 'showcase');
  const names = t.split(',').map((s) => s.trim());
  for (const n of names) if (!(SCENARIO_NAMES as string[]).includes(n)) throw new DemoUsageError(`unknown scenario "${n}" (known: ${SCENARIO_NAMES.join(', ')}, all)`);
  return names as ScenarioName[];
}

export function checkDuration(s: number | undefined): void {
  if (s !== undefined && !(Number.isFinite(s) && s >= 2 && s <= 3600)) throw new DemoUsageError(`--duration must be between 2 and 3600 seconds, got ${s}`);
}

export interface DemoResult {
  readonly runs: readonly ScenarioRunResult[];
  /** Within-f scenarios outside the bound, beyond-f ones not reported. */
  readonly failed: readonly string[];
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const names = demoScenarios(o.scenario);
  checkDuration(o.durationS);
  if (!Number.isSafeInteger(o.seed) || o.seed < 0) throw new DemoUsageError(`--seed must be a non-negative integer, got ${o.seed}`);
  const out = resolve(o.outDir);
  const p = o.print;
  p(`bftkvs vehicle testbed: cruise control with 3 wheel-speed sensors, 4 KVS replicas (f = 1, fast mode), 3 replicated PI controllers, 1 actuator,`);
  p(`each a separate process on UDP 127.0.0.1; every scenario also runs against an unreplicated loop (1 sensor, 1 controller, no KVS).`);
  p(`Within f the tracking error must stay within the nominal bound: RMS ≤ ${NOMINAL_BOUND.rmsMps} m/s and max ≤ ${NOMINAL_BOUND.maxAbsMps} m/s after settling.`);
  const runs: ScenarioRunResult[] = [];
  for (const name of names) {
    const sc = scenario(name);
    p('');
    p(`== ${name}: ${sc.description}`);
    const r = await runScenario({ scenario: sc, outDir: out, seed: o.seed, ...(o.durationS !== undefined ? { durationUs: Math.round(o.durationS * 1e6) } : {}), print: p, ...(o.verbose === true ? { verbose: true } : {}) });
    runs.push(r);
    p(`  replicated: ${r.summary.verdict.status.toUpperCase()} — ${r.summary.verdict.text}`);
    p(`  baseline:   ${r.baselineSummary.verdict.status.toUpperCase()} — ${r.baselineSummary.verdict.text}`);
    p(`  report: ${r.htmlPath}`);
  }
  p('');
  p(table(runs));
  const failed = runs.filter((r) => r.summary.verdict.status === 'fail' || r.summary.verdict.status === 'unreported').map((r) => r.scenario);
  p('');
  if (runs.length === 1) p(`Report: ${runs[0]!.htmlPath} (summary.json and run.mcap for Foxglove next to it; the baseline's in baseline/)`);
  else p(`Reports: ${out}/<scenario>/report.html (summary.json and run.mcap next to each; baselines in <scenario>/baseline/)`);
  if (failed.length > 0) p(`NOT AS EXPECTED: ${failed.join(', ')}`);
  return { runs, failed };
}

/** The closing table: replicated vs baseline per scenario. */
export function table(runs: readonly ScenarioRunResult[]): string {
  const rows = [['scenario', 'expect', 'replicated RMS / max m/s', 'baseline RMS / max m/s', 'misses', 'suspected', 'verdict', 'baseline']];
  for (const r of runs) {
    const s = r.summary;
    const b = r.baselineSummary;
    rows.push([
      r.scenario,
      s.expectation === 'withinF' ? 'within f' : 'beyond f',
      `${s.tracking.rmsMps.toFixed(3)} / ${s.tracking.maxAbsMps.toFixed(3)}`,
      `${b.tracking.rmsMps.toFixed(3)} / ${b.tracking.maxAbsMps.toFixed(3)}`,
      String(s.deadlineMisses.total),
      s.nodesSuspected.length === 0 ? '-' : s.nodesSuspected.map((n) => n.nodeId).join(' '),
      s.verdict.status,
      b.verdict.status,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
