/**
 * `runSimulation`: one seeded run — safety phase with faults active, then a liveness phase
 * with the network healed — and its verdict. Every violation message carries the seed and
 * the command that replays the run with a trace.
 */
import type { Mode } from '@bftkvs/core';
import type { Violation } from './checkers/types.js';
import type { FaultsOption, NodeFaultKind } from './faults.js';
import { realReplicas } from './realReplicas.js';
import type { ReplicaProvider } from './replicaFactory.js';
import type { Scenario } from './scenario.js';
import { buildScenario } from './scenario.js';
import type { SimStats } from './simulator.js';
import { Simulator } from './simulator.js';

export const DEFAULT_DURATION_MS = 2000;

export interface SimulationOptions {
  readonly seed: number;
  /** Fixed mode; drawn from the seed when absent. */
  readonly mode?: Mode;
  /** Fixed fault bound; drawn from the seed (1 or 2) when absent. */
  readonly f?: number;
  readonly faults: FaultsOption;
  /** Length of the safety phase; the liveness phase (derived from the timing) follows. */
  readonly durationUs: number;
  /** Receives a readable event log (time, node, event), one line per call. */
  readonly trace?: (line: string) => void;
  /** Replicas to run; the real ones of @bftkvs/core by default. */
  readonly replicas?: ReplicaProvider;
  /** Break the fault bound on purpose (e.g. f+1 Byzantine nodes): checkers must fire. */
  readonly faultyNodes?: number;
  /** Restrict the node fault kinds the seed chooses from. */
  readonly faultKinds?: readonly NodeFaultKind[];
  /** Stall replicas' event loops (GC pauses, a stalled host) in faulty runs; default true. */
  readonly stalls?: boolean;
}

export interface FaultSummary {
  readonly node: number;
  readonly kinds: readonly NodeFaultKind[];
  readonly atUs: number;
}

export interface SimulationResult {
  readonly seed: number;
  readonly mode: Mode;
  readonly f: number;
  readonly replicas: number;
  readonly faults: FaultsOption;
  readonly violations: readonly Violation[];
  readonly stats: SimStats;
  /** The planned node faults (who, what, when). */
  readonly faultPlan: readonly FaultSummary[];
  /** `pnpm bftkvs sim ... --seed <seed> --trace`: replays exactly this run. */
  readonly replay: string;
}

/** The command that replays a run (the same flags fix the same choices). */
export function replayCommand(o: { seed: number; mode: Mode; f: number; faults: FaultsOption; durationUs: number; faultyNodes?: number; faultKinds?: readonly NodeFaultKind[]; stalls?: boolean }): string {
  let cmd = `pnpm bftkvs sim --mode ${o.mode} --f ${o.f} --faults ${o.faults} --seed ${o.seed}`;
  if (o.durationUs !== DEFAULT_DURATION_MS * 1000) cmd += ` --duration-ms ${o.durationUs / 1000}`;
  if (o.faultyNodes !== undefined) cmd += ` --faulty-nodes ${o.faultyNodes}`;
  if (o.faultKinds !== undefined) cmd += ` --fault-kinds ${o.faultKinds.join(',')}`;
  if (o.stalls === false) cmd += ' --no-stalls';
  return `${cmd} --trace`;
}

export function runSimulation(o: SimulationOptions): SimulationResult {
  const provider = o.replicas ?? realReplicas;
  // Whether Byzantine nodes can re-authenticate (crafted equivocation) changes the fault plan;
  // the configuration does not depend on it. Assume they can, and rebuild the (deterministic)
  // scenario in the rare case the provider gives no FrameCraft.
  const first: Scenario = buildScenario({ ...o, canCraft: true });
  const setup = provider(first.config, first.fuse, o.seed);
  const scenario = setup.craft !== undefined ? first : buildScenario({ ...o, canCraft: false });
  const replay = replayCommand({ ...o, mode: scenario.mode, f: scenario.f });
  const sim = new Simulator({
    scenario,
    factory: setup.factory,
    ...(setup.craft === undefined ? {} : { craft: setup.craft }),
    ...(o.trace === undefined ? {} : { trace: o.trace }),
    replayHint: `seed ${o.seed}; replay: ${replay}`,
  });
  const { violations, stats } = sim.run();
  return {
    seed: o.seed,
    mode: scenario.mode,
    f: scenario.f,
    replicas: scenario.replicas,
    faults: o.faults,
    violations,
    stats,
    faultPlan: scenario.faults.nodes.map((nf) => ({ node: nf.node, kinds: nf.kinds, atUs: nf.startUs })),
    replay,
  };
}
