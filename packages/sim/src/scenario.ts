/**
 * A run's scenario, drawn from its seed: cluster shape (mode, f, N), timing assumptions,
 * clocks, workload, network profile and fault plan. Every concern draws from its own fork of
 * the root generator in a fixed order, so command-line overrides (`--mode`, `--f`, `--faults`)
 * change only what they override and a replay with the printed flags is exact.
 */
import type { ClusterConfig, ClusterInput, Mode } from '@bftkvs/core';
import { MODES, agreedSizing, agreedWriteCapacity, createFuseRegistry, deriveTiming, minReplicas, parseClusterConfig, timeoutsToCorrectPrimary } from '@bftkvs/core';
import type { FuseRegistry } from '@bftkvs/core';
import type { ClockOptions } from './clock.js';
import { maxClockErrorUs } from './clock.js';
import type { FaultPlan, FaultsOption, NodeFaultKind } from './faults.js';
import { planFaults } from './faults.js';
import type { NetworkProfile } from './network.js';
import { planNetwork } from './network.js';
import { Prng, checkSeed } from './prng.js';
import type { WorkloadPlan } from './workload.js';
import { planWorkload } from './workload.js';

/** The largest f a run may ask for (N = 3f+1 replicas must stay simulable quickly). */
export const MAX_SIM_F = 4;
/** Simulated time starts here (true µs), so clock errors never make a reading negative. */
export const SIM_START_US = 10_000_000;

export interface ScenarioOptions {
  readonly seed: number;
  readonly mode?: Mode;
  readonly f?: number;
  readonly faults: FaultsOption;
  /** Length of the safety phase (faults active); the liveness phase is appended. */
  readonly durationUs: number;
  /** Override the number of faulty nodes, e.g. f+1 to show the checkers fire. */
  readonly faultyNodes?: number;
  /** Restrict the node fault kinds drawn. */
  readonly faultKinds?: readonly NodeFaultKind[];
  /** Whether Byzantine nodes can re-authenticate (a FrameCraft is available). */
  readonly canCraft?: boolean;
  /** Stall replicas' event loops during the safety phase of faulty runs (network.ts); default true. */
  readonly stalls?: boolean;
}

export interface Scenario {
  readonly seed: number;
  readonly mode: Mode;
  readonly f: number;
  readonly replicas: number;
  readonly faultsOption: FaultsOption;
  readonly config: ClusterConfig;
  readonly fuse: FuseRegistry;
  readonly startUs: number;
  /** End of the safety phase: network heals, partitions end, restarts are done. */
  readonly healUs: number;
  readonly endUs: number;
  /** Grace after a restart or the heal before deadlines and progress are required. */
  readonly recoveryUs: number;
  readonly clock: Omit<ClockOptions, 'startUs'>;
  readonly network: NetworkProfile;
  readonly workload: WorkloadPlan;
  readonly faults: FaultPlan;
  /** Independent generators for the run itself. */
  readonly rng: { readonly clocks: Prng; readonly network: Prng; readonly workload: Prng; readonly faults: Prng };
}

export function buildScenario(o: ScenarioOptions): Scenario {
  checkSeed(o.seed);
  if (!Number.isSafeInteger(o.durationUs) || o.durationUs < 100_000) throw new RangeError(`durationUs must be an integer >= 100000, got ${o.durationUs}`);
  if (o.f !== undefined && (!Number.isInteger(o.f) || o.f < 0 || o.f > MAX_SIM_F)) throw new RangeError(`f must be an integer in 0..${MAX_SIM_F}, got ${o.f}`);
  const root = new Prng(o.seed);
  const shapeRng = root.fork();
  const timingRng = root.fork();
  const workloadPlanRng = root.fork();
  const networkPlanRng = root.fork();
  const faultPlanRng = root.fork();
  const rng = { clocks: root.fork(), network: root.fork(), workload: root.fork(), faults: root.fork() };

  // Shape: drawn whether or not overridden, so overrides do not shift later draws.
  const drawnMode = shapeRng.pick(MODES);
  const drawnF = shapeRng.weighted<number>([[4, 1], [1, 2]]);
  const extra = shapeRng.weighted<number>([[6, 0], [2, 1], [1, 2]]);
  const mode = o.mode ?? drawnMode;
  const f = o.f ?? drawnF;
  const replicas = Math.max(1, minReplicas(mode, f) + extra);

  // Timing assumptions (µs).
  const delayUs = timingRng.pick([300, 1_000, 2_000]);
  const clockSkewUs = timingRng.pick([100, 500, 1_000]);
  const processingUs = timingRng.pick([50, 200]);
  const batchIntervalUs = timingRng.pick([1_000, 2_000]);
  const syncPeriodUs = timingRng.pick([50_000, 100_000]);
  const viewChangeTimeoutUs = timingRng.pick([50_000, 100_000]);
  const checkpointInterval = timingRng.pick([8, 32, 128]);
  const signatures = timingRng.chance(0.03);
  const leadExtraUs = timingRng.chance(0.6) ? 0 : timingRng.int(1, 5) * 1_000;
  const maxDriftPpm = timingRng.pick([20, 100, 200]);
  const resyncIntervalUs = timingRng.pick([50_000, 200_000]);
  const minLeadUs = deriveTiming(mode, f, { networkDelayUs: delayUs, clockSkewUs, processingUs, batchIntervalUs }).minLeadUs;
  const leadUs = minLeadUs + leadExtraUs;

  const maxWritesPerSec =
    mode === 'agreed'
      ? agreedWriteCapacity(agreedSizing({ replicas, f, timing: { networkDelayUs: delayUs, processingUs, clockSkewUs, batchIntervalUs, viewChangeTimeoutUs, checkpointInterval } }), replicas, batchIntervalUs)
      : undefined;
  const workload = planWorkload(workloadPlanRng, { mode, f, replicas, leadUs, ...(maxWritesPerSec === undefined ? {} : { maxWritesPerSec }) });
  const fuse = createFuseRegistry();
  const input: ClusterInput = {
    cluster: {
      name: 'sim',
      mode,
      replicas,
      f,
      writers: workload.hosts,
      signatures,
      timing: {
        networkDelayMs: delayUs / 1000,
        clockSkewMs: clockSkewUs / 1000,
        processingMs: processingUs / 1000,
        batchIntervalMs: batchIntervalUs / 1000,
        syncPeriodMs: syncPeriodUs / 1000,
        viewChangeTimeoutMs: viewChangeTimeoutUs / 1000,
        checkpointInterval,
        horizonMs: 2_000,
        leadMs: leadUs / 1000,
      },
    },
    keys: workload.keys,
  };
  const config = parseClusterConfig(input, fuse);

  const network = planNetwork(networkPlanRng, {
    n: replicas,
    delayUs,
    processingUs,
    faulty: o.faults !== 'none',
    adversarial: o.faults === 'byzantine' || o.faults === 'all',
    safetyUs: o.durationUs,
    stalls: o.stalls !== false,
  });
  const faults = planFaults(faultPlanRng, {
    mode,
    f,
    n: replicas,
    faults: o.faults,
    safetyUs: o.durationUs,
    viewChangeTimeoutUs,
    canCraft: o.canCraft === true,
    ...(o.faultyNodes === undefined ? {} : { faultyNodes: o.faultyNodes }),
    ...(o.faultKinds === undefined ? {} : { kinds: o.faultKinds }),
  });

  let maxPeriodUs = 0;
  for (const k of config.keys.values()) maxPeriodUs = Math.max(maxPeriodUs, k.grid.periodUs);
  const hopUs = delayUs + processingUs + clockSkewUs;
  // After the heal (or a restart): the view changes to a correct primary (timeoutsToCorrectPrimary), two
  // synchronisation rounds, one period of the slowest key and some hops before progress is
  // required; then a window long enough to see slots become agreed (agreeBound, as the liveness
  // checker uses it).
  const viewChangesUs = timeoutsToCorrectPrimary(f) * viewChangeTimeoutUs;
  const recoveryUs = leadUs + viewChangesUs + 2 * syncPeriodUs + maxPeriodUs + 10 * hopUs;
  const agreeBoundUs = 2 * syncPeriodUs + viewChangesUs + 2 * hopUs + 1_000;
  // Only `fast` mode agrees after publishing; in the other modes a published slot is final, so
  // the window needs just a margin for the last deliveries and two periods of every key.
  const livenessUs = recoveryUs + (mode === 'fast' ? agreeBoundUs + maxPeriodUs : 2 * hopUs + 1_000 + 2 * maxPeriodUs);
  const startUs = SIM_START_US;
  const healUs = startUs + o.durationUs;
  return {
    seed: o.seed,
    mode,
    f,
    replicas,
    faultsOption: o.faults,
    config,
    fuse,
    startUs,
    healUs,
    endUs: healUs + livenessUs,
    recoveryUs,
    clock: { maxErrorUs: maxClockErrorUs(clockSkewUs), maxDriftPpm, resyncIntervalUs },
    network,
    workload,
    faults,
    rng,
  };
}
