/**
 * What the vehicle node programs share: their common parameters, finding the run's epoch,
 * connecting to the node's own KVS replica, and a drift-free timer on the LET grid that
 * measures how late it fires.
 */
import { join, resolve } from 'node:path';
import { KvsClient } from '@bftkvs/client';
import type { Node, ParamSpecs } from '@bftkvs/nodes';
import { ParameterError, readEpochFile } from '@bftkvs/nodes';
import type { RuntimeClusterConfig } from '@bftkvs/runtime';
import type { Clock } from '@bftkvs/runtime';
import { keyFileName, loadClusterFile, loadNodeKeys } from '@bftkvs/runtime';
import { DRIVE_CYCLES } from '../profile.js';
import { percentile } from '../metrics.js';
import type { TraceLine, TraceWriter } from './trace.js';
import type { WorldClient } from './worldProtocol.js';

export const COMMON_PARAMETERS = {
  epoch_us: {
    type: 'integer',
    default: 0,
    min: 0,
    description: 'wall-clock µs of run time 0, a multiple of period_ms (the same for every node of a run); 0 = ask the world simulator',
  },
  epoch_file: {
    type: 'string',
    default: 'none',
    description: 'with epoch_us 0: wait for this file to hold {"epochUs": N} (a runner writes it once every process is up); none = ask the world simulator',
  },
  preroll_s: {
    type: 'double',
    default: 0,
    min: 0,
    max: 60,
    description: 'the loop runs this long before run time 0 with the vehicle held still: JIT warm-up and the replicas settle before anything is judged',
  },
  duration_s: { type: 'double', default: 60, min: 0.1, max: 3600, description: 'run length; the node stops acting after it' },
  period_ms: { type: 'integer', default: 50, min: 1, max: 10_000, description: 'sensor and control period: the grid of the speed and command keys' },
  world_port: { type: 'integer', default: 7390, min: 1, max: 65_535, description: 'the world simulator on 127.0.0.1' },
  trace_dir: { type: 'string', default: '', description: "where to record <node>.jsonl for the run report ('' or none = record nothing)" },
} as const satisfies ParamSpecs;

export const KVS_PARAMETERS = {
  cluster_file: { type: 'string', default: 'launch/config/vehicle.yaml', description: 'the cluster YAML (writers, keys, endpoints)' },
  keys_dir: { type: 'string', default: 'keys', description: "directory of the nodes' key files (bftkvs keygen)" },
  base_port: { type: 'integer', default: 0, min: 0, max: 65_535, description: "the cluster's base_port (replica i's applications on base_port+2i+1); 0 = the file's endpoints" },
  replica: { type: 'integer', default: -1, min: -1, max: 63, description: "this node's replica; -1 = the one cluster.writers names for this node's writer" },
} as const satisfies ParamSpecs;

export const DRIVE_CYCLE_PARAMETER = {
  drive_cycle: { type: 'string', default: 'mixed', choices: Object.keys(DRIVE_CYCLES), description: 'target-speed profile and road' },
} as const satisfies ParamSpecs;

/**
 * The testbed's clock: the kernel's wall clock, read on every call. Every process of a run reads
 * the same clock this way, so their run times agree to the millisecond, which is all a 50 ms
 * grid needs. (A clock anchored once per process — performance.timeOrigin, as the runtime's
 * SystemClock is — was once seen 26 ms off in one process of a run under heavy load: all its
 * sample requests looked like the future to the world and were refused for the whole run.)
 */
export const clock: Clock = { nowUs: () => Date.now() * 1000 };

/** Run time, µs since the epoch. */
export function runNowUs(epochUs: number): number {
  return clock.nowUs() - epochUs;
}

/** The pre-roll as a whole number of periods, µs (>= 0). */
export function prerollUs(prerollS: number, periodUs: number): number {
  return Math.ceil((prerollS * 1e6) / periodUs) * periodUs;
}


/**
 * The run's epoch: the `epoch_us` parameter; else the `epoch_file` once a runner has written it
 * (so a run starts only when all its processes are up, however long a loaded machine takes);
 * else the world simulator's. Undefined if the node is shut down while waiting.
 */
export async function waitForEpoch(
  node: Node<ParamSpecs>,
  p: { readonly epoch_us: number; readonly epoch_file: string },
  periodUs: number,
  world: WorldClient | undefined,
): Promise<number | undefined> {
  const check = (epochUs: number, from: string): number => {
    if (epochUs % periodUs !== 0) throw new ParameterError(`the epoch ${epochUs} from ${from} is not on this node's ${periodUs} µs grid (a multiple of period_ms)`);
    return epochUs;
  };
  if (p.epoch_us > 0) return check(p.epoch_us, "parameter 'epoch_us'");
  if (p.epoch_file !== '' && p.epoch_file !== 'none') {
    const file = resolve(p.epoch_file);
    let said = Date.now();
    while (!node.shuttingDown) {
      const ms = readEpochFile(file);
      if (ms !== undefined) return check(Math.round(ms * 1000), file);
      if (Date.now() - said > 30_000) {
        node.log.info(`still waiting for the run's epoch in ${file}`);
        said = Date.now();
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  }
  if (world === undefined) throw new ParameterError("parameters 'epoch_us' and 'epoch_file' are unset and there is no world simulator to ask");
  while (!node.shuttingDown) {
    try {
      const h = await world.hello(1_000);
      return check(h.epochUs, 'the world simulator');
    } catch {
      // the world is not up, or has no epoch yet: ask again
    }
  }
  return undefined;
}

export interface KvsConnection {
  readonly client: KvsClient;
  readonly config: RuntimeClusterConfig;
  readonly replica: number;
}

/** Connects as `writer`'s node (or `replicaParam`) to that node's replica. */
export async function connectKvs(
  p: { readonly cluster_file: string; readonly keys_dir: string; readonly base_port: number; readonly replica: number },
  writer: string | undefined,
): Promise<KvsConnection> {
  const file = resolve(p.cluster_file);
  const config = loadClusterFile(file, undefined, p.base_port === 0 ? {} : { basePort: p.base_port });
  let replica = p.replica;
  if (replica < 0) {
    if (writer === undefined) throw new ParameterError("parameter 'replica' is required for this node (it writes nothing, so no writer names its node)");
    const hosted = config.cluster.writers.get(writer);
    if (hosted === undefined) throw new ParameterError(`writer '${writer}' is not in ${file} (cluster.writers: ${[...config.cluster.writers.keys()].join(', ')})`);
    replica = hosted;
  }
  if (replica >= config.cluster.replicas) throw new ParameterError(`parameter 'replica' is ${replica}, but ${file} has ${config.cluster.replicas} replicas`);
  const ep = config.endpoints?.[replica];
  if (ep === undefined) throw new ParameterError(`${file}: no endpoint for replica ${replica}`);
  const keys = loadNodeKeys(resolve(join(p.keys_dir, keyFileName(replica))), { replica });
  const client = await KvsClient.connect({ keys, clusterName: config.cluster.name, schemas: config.cluster.keys, replicaHost: ep.clientHost, clientPort: ep.clientPort, timeoutMs: 1_000 });
  return { client, config, replica };
}

/** Latency of a node's grid timer, for its trace. */
export class LagMeter {
  private readonly samples: number[] = [];
  late = 0;

  add(lagUs: number): void {
    if (this.samples.length < 200_000) this.samples.push(lagUs);
  }

  line(node: string): Extract<TraceLine, { k: 'lag' }> {
    const s = this.samples;
    return {
      k: 'lag',
      node,
      ticks: s.length,
      p50Us: Math.round(percentile(s, 50) ?? 0),
      p99Us: Math.round(percentile(s, 99) ?? 0),
      maxUs: Math.round(s.length === 0 ? 0 : Math.max(...s)),
      lateTicks: this.late,
    };
  }
}

export interface GridTimerOptions {
  readonly epochUs: number;
  readonly periodUs: number;
  /** Fire this long after each grid point, µs (e.g. the actuator's grace). */
  readonly offsetUs?: number;
  /** Run times (µs) of the first and last grid points to fire for. */
  readonly firstUs: number;
  readonly lastUs: number;
  /** Called with the grid point's run time and how late the timer fired (µs). */
  readonly onTick: (tUs: number, lagUs: number) => void;
  /** Called for grid points skipped because the timer fired more than a period late. */
  readonly onSkipped?: (tUs: number) => void;
  readonly lag?: LagMeter;
}

/**
 * Fires at epoch + k·period + offset for every grid point in [firstUs, lastUs], re-armed from the
 * clock each time (no drift). A timer that fires a whole period late skips the points it missed
 * (reported through onSkipped) rather than bursting to catch up: a late sample is worthless.
 */
export function startGridTimer(node: Node<ParamSpecs>, o: GridTimerOptions): void {
  const offset = o.offsetUs ?? 0;
  let nextUs = Math.max(o.firstUs, Math.ceil((runNowUs(o.epochUs) - offset) / o.periodUs) * o.periodUs);
  nextUs = Math.ceil(nextUs / o.periodUs) * o.periodUs;
  const arm = (): void => {
    if (nextUs > o.lastUs || node.shuttingDown) return;
    const delayMs = Math.max(0, (nextUs + offset - runNowUs(o.epochUs)) / 1000);
    node.createOneShotTimer(delayMs, () => {
      const now = runNowUs(o.epochUs);
      const lag = now - (nextUs + offset);
      o.lag?.add(Math.max(0, lag));
      const t = nextUs;
      nextUs += o.periodUs;
      // Fired later than the next point: the points in between are gone.
      while (nextUs + offset <= now && nextUs <= o.lastUs) {
        if (o.lag !== undefined) o.lag.late++;
        o.onSkipped?.(nextUs);
        nextUs += o.periodUs;
      }
      try {
        o.onTick(t, lag);
      } finally {
        arm();
      }
    });
  };
  arm();
}

/** Aggregates a run of failing writes into two events (first failure, then the count when it ends). */
export class WriteFailures {
  private run: { fromUs: number; lastUs: number; count: number; code: string; detail: string } | undefined;

  constructor(
    private readonly trace: TraceWriter,
    private readonly nodeId: string,
    private readonly key: string,
  ) {}

  failed(tUs: number, code: string, detail: string): void {
    if (this.run === undefined || this.run.code !== code) {
      this.end();
      this.run = { fromUs: tUs, lastUs: tUs, count: 0, code, detail };
      this.trace.write({ k: 'event', tUs, kind: 'note', nodeId: this.nodeId, detail: `write of ${this.key} failed: ${code} (${detail.slice(0, 200)})` });
    }
    this.run.count++;
    this.run.lastUs = tUs;
    this.run.detail = detail;
  }

  succeeded(): void {
    this.end();
  }

  end(): void {
    const r = this.run;
    if (r === undefined) return;
    this.run = undefined;
    this.trace.write({
      k: 'event',
      tUs: r.lastUs,
      kind: 'note',
      nodeId: this.nodeId,
      detail: `${r.count} write${r.count === 1 ? '' : 's'} of ${this.key} failed with ${r.code} from ${(r.fromUs / 1e6).toFixed(2)} s to ${(r.lastUs / 1e6).toFixed(2)} s (last: ${r.detail.slice(0, 200)})`,
    });
  }
}
