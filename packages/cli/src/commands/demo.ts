/**
 * `bftkvs demo`: the main job of the quick start — the distributed vehicle testbed
 * (examples/vehicle/src/distributed): sensors, controllers, an actuator, a world simulator and 4
 * KVS replicas as separate processes on 127.0.0.1, scenarios with faults, each against an
 * unreplicated baseline, and a report. The testbed is an example built on the packages, so the
 * CLI runs its entry script as a child process instead of importing it (imports point from
 * examples to packages, never back).
 *
 * `bftkvs demo --tour` is the earlier scripted run of one replica's core: three redundant
 * wheel-speed sensors (one of them lying) write on a 10 ms LET grid, the median fuses them, a
 * controller reads fresh values, and the store refuses the writes the semantics forbid.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { KvsError } from '@bftkvs/core';
import { SlotStore, createFuseRegistry, formatUs, parseKeySchemas } from '@bftkvs/core';
import { REPO_ROOT } from './launch.js';

export interface CoreTourOptions {
  readonly durationMs: number;
  readonly liarFromMs: number;
  readonly print: (line: string) => void;
}

export interface CoreTourSummary {
  readonly slotsPublished: number;
  readonly maxFusedErrorKmh: number;
  readonly maxLiarErrorKmh: number;
  readonly rejections: Readonly<Record<string, number>>;
}

const PERIOD_US = 10_000;

/** Runs the tour and returns figures the caller (and the tests) can check. */
export function runCoreTour(opts: CoreTourOptions): CoreTourSummary {
  const fuse = createFuseRegistry();
  const keys = parseKeySchemas(
    {
      speed: { type: { kind: 'float64', min: 0, max: 400 }, periodMs: 10, writers: ['wheel_fl', 'wheel_fr', 'wheel_rl'], fuse: 'median' },
    },
    fuse,
  );
  const store = new SlotStore({ keys, fuse, minLeadUs: 2_000, horizonUs: 1_000_000, closeBeforeUs: 500 });
  const p = opts.print;
  const trueSpeed = (tUs: number): number => 50 + 20 * Math.sin(tUs / 400_000);
  p('bftkvs core tour: one replica, key "speed" (float64 km/h, 10 ms grid, median of 3 writers masks 1 liar)');
  p(`wheel_rl lies from ${opts.liarFromMs} ms on (reports +80 km/h)\n`);
  p('  publish   wheel_fl  wheel_fr  wheel_rl   fused    true   read(speed, t-20ms) at t');
  let published = 0;
  let maxFusedError = 0;
  let maxLiarError = 0;
  const startUs = 1_000_000;
  for (let nowUs = startUs; nowUs < startUs + opts.durationMs * 1_000; nowUs += PERIOD_US) {
    // Each sensor samples now and writes for the next grid point the protocol can still meet.
    const samples: Record<string, number> = {};
    for (const [i, writer] of ['wheel_fl', 'wheel_fr', 'wheel_rl'].entries()) {
      const noise = 0.3 * Math.sin(nowUs / 7_000 + i * 2.1);
      const lying = writer === 'wheel_rl' && nowUs - startUs >= opts.liarFromMs * 1_000;
      const value = Math.max(0, trueSpeed(nowUs) + noise + (lying ? 80 : 0));
      samples[writer] = value;
      const admitted = store.admit({ key: 'speed', writer, value }, nowUs);
      if (!admitted.ok) throw new Error(`unexpected rejection: ${admitted.error.message}`);
      store.contribute(admitted.value, nowUs);
      if (lying) maxLiarError = Math.max(maxLiarError, Math.abs(value - trueSpeed(nowUs)));
    }
    // Publication happens at the publish time; the controller reads what is fresh.
    for (const d of store.decideDue(nowUs + PERIOD_US, false)) {
      if (d.kind !== 'published') continue;
      published++;
      const err = Math.abs((d.slot.value as number) - trueSpeed(nowUs));
      maxFusedError = Math.max(maxFusedError, err);
      const read = store.read('speed', d.slot.publishTimeUs - 20_000, d.slot.publishTimeUs);
      if (published % 10 === 1) {
        const vals = d.slot.contributions.map((c) => (c.value as number).toFixed(2).padStart(8));
        p(
          `  ${formatUs(d.slot.publishTimeUs - startUs).padStart(9)} ${vals.join('  ')}  ${(d.slot.value as number).toFixed(2).padStart(7)}` +
            `  ${trueSpeed(nowUs).toFixed(2).padStart(6)}   ${read.ok ? `${(read.value.value as number).toFixed(2)} @ ${formatUs(read.value.publishTimeUs - startUs)}` : read.error.code}`,
        );
      }
    }
  }
  const endUs = startUs + opts.durationMs * 1_000 + PERIOD_US;
  p(`\n${published} slots published; fused value within ${maxFusedError.toFixed(2)} km/h of the truth while the liar was off by up to ${maxLiarError.toFixed(1)} km/h\n`);
  p('What the semantics refuse (each rejection is typed and counted):');
  const show = (what: string, r: { ok: true } | { ok: false; error: KvsError }): void => {
    p(`  ${what.padEnd(58)} -> ${r.ok ? 'accepted' : `${r.error.code}: ${r.error.message}`}`);
  };
  show('write with publish time 1 ms ahead (bound is 2 ms)', store.admit({ key: 'speed', writer: 'wheel_fl', value: 50, publishTimeUs: endUs + 10_000 }, endUs + 9_000));
  show('write with publish time off the 10 ms grid', store.admit({ key: 'speed', writer: 'wheel_fl', value: 50, publishTimeUs: endUs + 15_000 }, endUs));
  show('write 10 s ahead (horizon 1 s)', store.admit({ key: 'speed', writer: 'wheel_fl', value: 50, publishTimeUs: endUs + 10_000_000 }, endUs));
  show('write by an unauthorised writer', store.admit({ key: 'speed', writer: 'mallory', value: 50 }, endUs));
  show('write of NaN', store.admit({ key: 'speed', writer: 'wheel_fl', value: Number.NaN }, endUs));
  show('read(speed, t) with t in the future', store.read('speed', endUs + 1_000_000, endUs));
  const rejections: Record<string, number> = {};
  for (const [name, n] of store.counters()) if (name.startsWith('rejected.')) rejections[name.slice('rejected.'.length)] = n;
  p(`\nstore counters: ${[...store.counters()].map(([k, v]) => `${k}=${v}`).join(' ')}`);
  return { slotsPublished: published, maxFusedErrorKmh: maxFusedError, maxLiarErrorKmh: maxLiarError, rejections };
}

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** The testbed's entry script, run from source like every bftkvs program. */
export const VEHICLE_DEMO_ENTRY = join(REPO_ROOT, 'examples', 'vehicle', 'src', 'distributed', 'demoMain.ts');

const SCENARIO_NAME = /^[a-z0-9,-]+$/;

function scenarioList(raw: string): string {
  if (!SCENARIO_NAME.test(raw)) throw new InvalidArgumentError('expected a scenario name, a comma-separated list, or all');
  return raw;
}

function seconds(raw: string): number {
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(n >= 2 && n <= 3600)) throw new InvalidArgumentError('expected seconds between 2 and 3600');
  return n;
}

function nonNegativeInt(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

export interface VehicleDemoOptions {
  readonly scenario?: string;
  readonly duration?: number;
  readonly out?: string;
  readonly seed?: number;
  readonly verbose?: boolean;
}

/** The child's argv for the options (validated by commander already). */
export function vehicleDemoArgs(o: VehicleDemoOptions): string[] {
  return [
    ...(o.scenario !== undefined ? ['--scenario', o.scenario] : []),
    ...(o.duration !== undefined ? ['--duration', String(o.duration)] : []),
    ...(o.out !== undefined ? ['--out', o.out] : []),
    ...(o.seed !== undefined ? ['--seed', String(o.seed)] : []),
    ...(o.verbose === true ? ['--verbose'] : []),
  ];
}

/** Runs the testbed with the terminal attached; resolves with its exit code. Ctrl-C reaches it too. */
export function runVehicleDemo(o: VehicleDemoOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@bftkvs/source', '--import', import.meta.resolve('tsx'), VEHICLE_DEMO_ENTRY, ...vehicleDemoArgs(o)], { stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals): void => {
      child.kill(sig);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal !== null ? 128 + 2 : 1));
    });
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the distributed vehicle testbed: cruise control on 4 KVS replicas with faults injected, against an unreplicated baseline; writes an HTML report, summary.json and an MCAP recording')
    .option('--scenario <name>', 'showcase (default: three faults in turn, ~1 min), nominal, sensor-stuck, sensor-lying, replica-crash-restart, replica-equivocating, controller-wrong-output, network-delay-loss, beyond-f-sensors, beyond-f-replicas, a comma-separated list, or all', scenarioList)
    .option('--duration <s>', "seconds of run time per scenario (default: the scenario's)", seconds)
    .option('--out <dir>', 'where the reports go (default vehicle-report/)')
    .option('--seed <n>', 'sensor noise and random-fault seed (default 1)', nonNegativeInt)
    .option('--verbose', "print every process's log lines")
    .option('--tour', 'instead: the scripted tour of one replica\'s core (no processes)')
    .option('--duration-ms <ms>', 'with --tour: simulated duration', positiveInt, 1000)
    .option('--liar-from-ms <ms>', 'with --tour: when the third sensor starts lying', positiveInt, 300)
    .action(async (o: VehicleDemoOptions & { tour?: boolean; durationMs: number; liarFromMs: number }) => {
      if (o.tour === true) {
        runCoreTour({ durationMs: o.durationMs, liarFromMs: o.liarFromMs, print: (l) => process.stdout.write(`${l}\n`) });
        return;
      }
      process.exitCode = await runVehicleDemo(o);
    });
}
