/**
 * Entry script: runs the in-process loops (ideal replicated + unreplicated baseline) for one or
 * all scenarios and writes a report per run. The distributed run through the real cluster is
 * `pnpm demo`; this is the quick, deterministic reference.
 *
 *   pnpm --filter @bftkvs/vehicle inprocess [--scenario NAME|all] [--seed N] [--duration S] [--out DIR]
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { runBaselineLoop, runIdealReplicatedLoop } from './baseline.js';
import { writeRunReport } from './report.js';
import { SCENARIO_NAMES, scenario, withDuration } from './scenarios.js';

function usage(msg?: string): never {
  if (msg) console.error(`error: ${msg}`);
  console.error('usage: inprocess [--scenario NAME|all] [--seed N] [--duration S] [--out DIR]');
  console.error(`scenarios: ${SCENARIO_NAMES.join(', ')}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        scenario: { type: 'string', default: 'all' },
        seed: { type: 'string', default: '1' },
        duration: { type: 'string' },
        out: { type: 'string', default: 'vehicle-report' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    usage((e as Error).message);
  }
  if (args.help) usage();
  const seed = Number(args.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) usage(`--seed must be a non-negative integer, got "${args.seed}"`);
  let durationUs: number | undefined;
  if (args.duration !== undefined) {
    const d = Number(args.duration);
    if (!Number.isFinite(d) || d <= 0 || d > 3600) usage(`--duration must be in (0, 3600] seconds, got "${args.duration}"`);
    durationUs = Math.round(d * 1e6);
  }
  const names = args.scenario === 'all' ? SCENARIO_NAMES : [args.scenario!];
  const out = resolve(args.out!);
  console.log('scenario                 loop       RMS m/s  max m/s  misses  verdict');
  for (const name of names) {
    let sc;
    try {
      sc = scenario(name);
    } catch (e) {
      usage((e as Error).message);
    }
    if (durationUs !== undefined) sc = withDuration(sc, durationUs);
    const baseline = runBaselineLoop({ scenario: sc, seed });
    const ideal = runIdealReplicatedLoop({ scenario: sc, seed });
    const r1 = await writeRunReport(join(out, name), ideal, { baseline });
    const r2 = await writeRunReport(join(out, name, 'baseline'), baseline);
    for (const [label, r] of [['ideal', r1], ['baseline', r2]] as const) {
      const t = r.summary.tracking;
      console.log(
        `${name.padEnd(24)} ${label.padEnd(10)} ${t.rmsMps.toFixed(3).padStart(7)}  ${t.maxAbsMps.toFixed(3).padStart(7)}  ${String(r.summary.deadlineMisses.total).padStart(6)}  ${r.summary.verdict.status}`,
      );
    }
  }
  console.log(`reports in ${out}/<scenario>/report.html (baseline: <scenario>/baseline/)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
