/**
 * Entry script of the distributed demo (what `bftkvs demo` runs):
 *
 *   node --conditions=@bftkvs/source --import tsx examples/vehicle/src/distributed/demoMain.ts \
 *     [--scenario NAME|all|A,B] [--duration S] [--out DIR] [--seed N] [--verbose]
 */
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES } from '../scenarios.js';
import { DEFAULT_DEMO_SCENARIO, DemoUsageError, runDemo } from './demo.js';

const USAGE = `usage: bftkvs demo [--scenario NAME|all|A,B] [--duration S] [--out DIR] [--seed N] [--verbose]
  --scenario  ${SCENARIO_NAMES.join(', ')}, or all (default ${DEFAULT_DEMO_SCENARIO})
  --duration  seconds of run time per scenario (default: the scenario's, 36 s for showcase, 60 s otherwise)
  --out       where the reports go (default vehicle-report/)
  --seed      sensor noise and random-fault seed (default 1)
  --verbose   print every process's log lines`;

async function main(): Promise<number> {
  let v;
  try {
    v = parseArgs({
      options: {
        scenario: { type: 'string', default: DEFAULT_DEMO_SCENARIO },
        duration: { type: 'string' },
        out: { type: 'string', default: 'vehicle-report' },
        seed: { type: 'string', default: '1' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`bftkvs demo: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (v.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const num = (text: string | undefined, what: string): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+(\.\d+)?$/.test(text)) throw new DemoUsageError(`--${what} must be a number, got "${text}"`);
    return Number(text);
  };
  try {
    const seed = num(v.seed, 'seed') ?? 1;
    const durationS = num(v.duration, 'duration');
    const r = await runDemo({ scenario: v.scenario ?? DEFAULT_DEMO_SCENARIO, outDir: v.out ?? 'vehicle-report', seed, ...(durationS !== undefined ? { durationS } : {}), verbose: v.verbose === true, print: (l) => process.stdout.write(`${l}\n`) });
    return r.failed.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof DemoUsageError) {
      process.stderr.write(`bftkvs demo: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`bftkvs demo: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

// SIGINT/SIGTERM: exit through process.exit so the runner's exit hook kills every child.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));
process.exitCode = await main();
