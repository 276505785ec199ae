/**
 * The replica process: one node of the cluster, started by `bftkvs launch` (or ros2 launch)
 * as `node pkg="bftkvs" exec="replica"`.
 *
 * Start-up reads the cluster file (mode and ports may be overridden by parameters, the same
 * for every replica of a launch), this node's key file, creates the core replica for the
 * cluster's mode with incarnation = the clock at start (so peers reset their replay windows
 * for the new life), opens the named transport (`udp` by default; `ros2` through the
 * runtime's transport registry), wraps it in the fault profile's wrappers, and runs a
 * ReplicaDriver. Nothing is persisted: a restarted replica starts empty and rejoins through
 * the core's state transfer. SIGINT/SIGTERM stop the driver and close the sockets.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Mode, Replica, ReplicaEvent } from '@bftkvs/core';
import { ConfigError, MODES, agreedCapacityWarning, createFuseRegistry, createReplica } from '@bftkvs/core';
import { nodeFrameCraft } from '@bftkvs/faults';
import type { ReplicaHealth } from '@bftkvs/msgs';
import type { Clock, ClusterOverrides, RuntimeClusterConfig, Transport } from '@bftkvs/runtime';
import {
  BenchProbe,
  ReplicaDriver,
  SystemClock,
  keyFileName,
  loadClusterFile,
  loadNodeKeys,
  nodeCrypto,
  openReplicaTransports,
  replicaTransportNames,
} from '@bftkvs/runtime';
import type { FaultSpec } from '../faults/index.js';
import { FaultyPeerTransport, SkewingClientTransport, faultActive, formatFaultProfile, parseFaultProfile, scheduleCrash } from '../faults/index.js';
import type { NodeOptions } from '../node/node.js';
import { Node } from '../node/node.js';
import type { ParamSpecs } from '../node/parameters.js';
import { ParameterError } from '../node/parameters.js';
import { attachRos2Interface, isRosNodeParameter, ros2Extras } from '../ros/ros2Replica.js';

export const REPLICA_PARAMETERS = {
  replica_id: { type: 'integer', description: "this replica's index in the cluster (0..N-1)", min: 0, max: 63 },
  cluster_file: {
    type: 'string',
    default: 'launch/config/cluster.yaml',
    description: 'the cluster YAML: name, mode, replicas, f, writers, timing, keys, endpoints (relative paths: from the working directory)',
  },
  keys_dir: { type: 'string', default: 'keys', description: 'directory of the key files `bftkvs keygen` wrote' },
  key_file: { type: 'string', default: '', description: "this node's key file ('' = <keys_dir>/replica-<replica_id>.key.json)" },
  transport: {
    type: 'string',
    default: 'udp',
    description: 'replica transport: udp (embedded, unicast) or ros2 (needs a sourced ROS 2)',
    validate: (v: string) => (replicaTransportNames().includes(v) ? undefined : `unknown transport '${v}' (known: ${replicaTransportNames().join(', ')})`),
  },
  mode: { type: 'string', default: '', choices: ['', ...MODES], description: "protocol mode; '' = the cluster file's (every replica must get the same)" },
  base_port: {
    type: 'integer',
    default: 0,
    min: 0,
    max: 65_535,
    description: "UDP on 127.0.0.1: replica i on base_port+2i, its client endpoint on base_port+2i+1; 0 = the cluster file's endpoints",
  },
  fault: {
    type: 'string',
    default: 'none',
    description: 'fault profile (demos, tests): none, crash-at:2s, equivocate[:+50], wrong-values:+50, drop-out:0.2, delay-out:5ms, silent-primary; comma-separated',
    validate: (v: string) => {
      try {
        parseFaultProfile(v);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  },
  fault_epoch_us: {
    type: 'integer',
    default: 0,
    min: 0,
    description:
      'wall-clock time (µs since 1970) the fault profile\'s times count from, shared by every process of a scenario run; 0 = this process\'s start (a respawned replica then repeats its profile)',
  },
  fault_epoch_file: {
    type: 'string',
    default: 'none',
    description:
      'with fault_epoch_us 0: a file that will hold {"epochUs": N} once a scenario run starts (its runner writes it when every process is up); timed faults wait for it. none = not used',
  },
  status_period_s: { type: 'double', default: 10, min: 0, max: 86_400, description: 'log a one-line status this often (0: never)' },
  allow_loose_key_permissions: { type: 'bool', default: false, description: 'accept a key file readable by group or others' },
  bench_probe: {
    type: 'string',
    default: '',
    description: "`bftkvs bench` only: append write/slot timestamps and resource use to this file ('' = off; see runtime benchProbe.ts)",
  },
} as const satisfies ParamSpecs;

const MS = (us: number): string => `${Number((us / 1_000).toFixed(3))} ms`;

export class ReplicaNode extends Node<typeof REPLICA_PARAMETERS> {
  private driver: ReplicaDriver | undefined;
  private replicaId = -1;
  private primary = 0;
  private faults: readonly FaultSpec[] = [];
  private missedSinceReport = 0;
  private lastPublished = 0;
  private transferring = false;
  private lastTransferLogMs = 0;

  constructor(opts: NodeOptions = {}) {
    // Parameters of the ros2 transport (ros.*, bindings.*, use_sim_time) are read by it, not declared here.
    super('replica', REPLICA_PARAMETERS, 'one replica of a bftkvs cluster (a KVS node)', opts, isRosNodeParameter);
  }

  /** The driver, once started (tests and diagnostics). */
  get replicaDriver(): ReplicaDriver | undefined {
    return this.driver;
  }

  async start(): Promise<void> {
    const p = this.params;
    const id = p.replica_id;
    this.replicaId = id;
    this.faults = parseFaultProfile(p.fault);
    // Timed faults count from a shared epoch (a scenario) or from this process's start.
    // A run whose start is only known once all its processes are up names a file instead: until
    // it appears the epoch is unknown and no timed fault acts (now = -Infinity is before any window).
    const epochFile = p.fault_epoch_us === 0 && p.fault_epoch_file !== 'none' && p.fault_epoch_file !== '' && this.faults.length > 0 ? resolve(p.fault_epoch_file) : undefined;
    let faultEpochMs: number | undefined = p.fault_epoch_us > 0 ? p.fault_epoch_us / 1_000 : epochFile === undefined ? Date.now() : readEpochFile(epochFile);
    const faultNowMs = (): number => (faultEpochMs === undefined ? Number.NEGATIVE_INFINITY : Date.now() - faultEpochMs);
    const crash = this.faults.find((f): f is Extract<FaultSpec, { kind: 'crash-at' }> => f.kind === 'crash-at');
    const downUntilMs = crash?.downUntilMs;
    if (crash !== undefined && downUntilMs !== undefined && faultNowMs() >= crash.afterMs && faultNowMs() < downUntilMs) {
      // Restarted inside its crash window: the node is still "down", so it opens nothing (its
      // peers and applications see silence) and comes back empty at the window's end.
      this.log.warn(`fault crash-at: down until ${downUntilMs} ms after the fault epoch (${Math.round(downUntilMs - faultNowMs())} ms from now)`);
      while (faultNowMs() < downUntilMs && !this.shuttingDown) await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, downUntilMs - faultNowMs()))));
      if (this.shuttingDown) return;
    }
    const fuse = createFuseRegistry();
    const overrides: ClusterOverrides = {
      ...(p.mode === '' ? {} : { mode: p.mode as Mode }),
      ...(p.base_port === 0 ? {} : { basePort: p.base_port }),
    };
    const clusterFile = resolve(p.cluster_file);
    const config = loadClusterFile(clusterFile, fuse, overrides);
    const cluster = config.cluster;
    if (id >= cluster.replicas) throw new ParameterError(`parameter 'replica_id' is ${id}, but ${clusterFile} has ${cluster.replicas} replicas (0..${cluster.replicas - 1})`);
    const keyFile = resolve(p.key_file !== '' ? p.key_file : join(p.keys_dir, keyFileName(id)));
    const keys = loadNodeKeys(keyFile, { replica: id, allowLoosePermissions: p.allow_loose_key_permissions });
    if (keys.replicas !== cluster.replicas) {
      throw new ConfigError(
        `${keyFile}: keys were generated for ${keys.replicas} replicas, the cluster has ${cluster.replicas}; run \`bftkvs keygen --replicas ${cluster.replicas} --out <dir>\``,
      );
    }

    const set = await openReplicaTransports(p.transport, {
      replica: id,
      config,
      keys,
      nodeName: this.name,
      namespace: this.namespace,
      params: this.givenParameters,
      log: (level, message) => this.log.log(level, message),
      env: this.env,
    }).catch((e: unknown) => {
      if (e instanceof Error && /EADDRINUSE/.test(e.message)) {
        throw new Error(`${e.message} (is this replica, or another cluster on these ports, already running? choose other ports with base_port:=N)`);
      }
      throw e;
    });
    // On ROS 2 the replica runs on ROS time (use_sim_time honoured) and gets a ROS interface.
    const ros = ros2Extras(set);
    const clock: Clock = ros?.clock ?? new SystemClock();
    const incarnation = clock.nowUs();
    let replica: Replica;
    try {
      replica = createReplica(cluster, { id, keys, crypto: nodeCrypto, incarnation, fuse });
    } catch (e) {
      await Promise.all([set.transport.close(), set.clientTransport?.close(), ros?.close()]);
      throw e;
    }
    let transport: Transport = set.transport;
    let clientTransport: Transport | undefined = set.clientTransport;
    const craft = nodeFrameCraft(keys, cluster, nodeCrypto);
    if (this.faults.some((f) => f.kind !== 'crash-at' && f.kind !== 'wrong-values')) {
      const faulty = new FaultyPeerTransport(transport, {
        self: id,
        replicas: cluster.replicas,
        faults: this.faults,
        craft,
        isPrimary: () => this.primary === id,
        nowMs: faultNowMs,
      });
      transport = faulty;
      if (this.faults.some((f) => f.kind === 'equivocate')) this.log.warn(`fault: equivocating, altered values go to replicas ${faulty.equivocationTargets.join(', ')}`);
      if (this.faults.some((f) => f.kind === 'silent-primary') && cluster.mode === 'crash') this.log.warn('fault silent-primary: crash mode has no primary, nothing will be withheld');
    }
    const wrong = this.faults.find((f): f is Extract<FaultSpec, { kind: 'wrong-values' }> => f.kind === 'wrong-values');
    if (wrong !== undefined) {
      if (clientTransport === undefined) this.log.warn('fault wrong-values: this transport has no separate client channel; not applied');
      else clientTransport = new SkewingClientTransport(clientTransport, { self: id, offset: wrong.offset, craft, active: () => faultActive(wrong, faultNowMs()) });
    }

    let probe: BenchProbe | undefined;
    if (p.bench_probe !== '') {
      const executed = (replica as Partial<{ executedSeq(): number }>).executedSeq;
      probe = new BenchProbe({
        file: resolve(p.bench_probe),
        mode: cluster.mode,
        clock,
        closeBeforeUs: cluster.timing.closeBeforeUs,
        horizonUs: cluster.timing.horizonUs,
        ...(executed === undefined ? {} : { executedSeq: () => executed.call(replica) }),
        timerLag: () => this.driver?.health().timerLag,
      });
      this.onShutdown(() => probe?.close());
    }
    const driver: ReplicaDriver = new ReplicaDriver({
      replica,
      clock,
      transport,
      ...(clientTransport === undefined ? {} : { clientTransport }),
      ...(set.clientRouteGuard === undefined ? {} : { clientRouteGuard: set.clientRouteGuard }),
      ...(probe === undefined ? {} : { probe }),
    });
    this.driver = driver;
    driver.onEvent((e) => this.onReplicaEvent(e));
    if (ros !== undefined) {
      const attached = attachRos2Interface(ros, driver);
      this.log.info(attached.summary);
      // Registered before the driver's hook, so it runs after driver.stop().
      this.onShutdown(() => attached.close());
    }
    this.onShutdown(async () => {
      await driver.stop();
      this.log.info('stopped: sockets closed');
    });
    driver.start();
    this.primary = driver.health().replica?.primary ?? 0;

    const armCrash = (): void => {
      if (crash === undefined) return;
      const inMs = crash.afterMs - faultNowMs();
      const since = p.fault_epoch_us > 0 || epochFile !== undefined ? 'the fault epoch' : 'start';
      if (inMs >= 0) scheduleCrash(inMs, () => this.log.error(`fault crash-at: crashing now (${crash.afterMs} ms after ${since}), no shutdown`));
      else this.log.warn(`fault crash-at: its time (${crash.afterMs} ms after ${since}) has passed; not crashing again`);
    };
    if (faultEpochMs !== undefined) armCrash();
    else if (epochFile !== undefined) {
      this.log.info(`timed faults wait for the fault epoch in ${epochFile}`);
      const poll = this.createTimer(100, () => {
        const ms = readEpochFile(epochFile);
        if (ms === undefined) return;
        poll.cancel();
        faultEpochMs = ms;
        this.log.info(`fault epoch ${Math.round(ms * 1_000)} µs (${((ms - Date.now()) / 1_000).toFixed(1)} s from now)`);
        armCrash();
      });
    }
    if (p.status_period_s > 0) this.createTimer(p.status_period_s * 1_000, () => this.logStatus());

    const where = describeEndpoints(config, id, transport, clientTransport);
    const t = cluster.timing;
    this.log.info(
      `replica ${id} of cluster '${cluster.name}': mode ${cluster.mode}, N=${cluster.replicas}, f=${cluster.f}; ${where}; ` +
        `lead ${MS(t.leadUs)}, close ${MS(t.closeBeforeUs)} before publish (Δ ${MS(t.networkDelayUs)}, π ${MS(t.processingUs)}, ε ${MS(t.clockSkewUs)}); ` +
        `incarnation ${incarnation}; keys ${keyFile}`,
    );
    if (this.faults.length > 0) this.log.warn(`FAULT PROFILE ACTIVE: ${formatFaultProfile(this.faults)}`);
    const capacity = agreedCapacityWarning(cluster);
    if (capacity !== undefined) this.log.warn(capacity);
    this.log.info('ready');
  }

  private onReplicaEvent(e: ReplicaEvent): void {
    switch (e.kind) {
      case 'suspect':
        this.log.warn(`suspects replica ${e.node}: ${e.reason} (${e.detail})`);
        break;
      case 'equivocation':
        this.log.warn(`writer '${e.writer}' of replica ${e.origin} equivocated on ${e.key} @ ${e.publishTimeUs}`);
        break;
      case 'view':
        this.primary = e.primary;
        this.log.info(`view ${e.view}, primary ${e.primary}${e.primary === this.replicaId ? ' (this replica)' : ''}`);
        break;
      case 'state-transfer':
        // Catching up can take several rounds; log the start and every transfer that brought slots.
        if (e.phase === 'started') {
          const now = Date.now();
          if (!this.transferring && now - this.lastTransferLogMs > 5_000) this.log.info('state transfer started (catching up with the others)');
          this.lastTransferLogMs = now;
          this.transferring = true;
        } else {
          if (e.slots > 0 || this.transferring) this.log.log(e.slots > 0 ? 'info' : 'debug', `state transfer completed (${e.slots} slots)`);
          this.transferring = false;
        }
        break;
      case 'missed':
        if (this.missedSinceReport++ === 0) this.log.warn(`slot ${e.key} @ ${e.publishTimeUs} missed: ${e.reason} (further misses are summed in the status line)`);
        break;
      case 'repaired':
        this.log.debug(`repaired ${e.key} @ ${e.publishTimeUs}`);
        break;
      default:
        if (this.log.enabled('debug')) this.log.debug(`${e.kind} ${e.slot.key} @ ${e.slot.publishTimeUs}`);
    }
  }

  private logStatus(): void {
    const h = this.driver?.health();
    const r: ReplicaHealth | undefined = h?.replica;
    if (h === undefined || r === undefined) return;
    const suspects = r.suspects.length === 0 ? 'none' : r.suspects.map((s) => `${s.node}:${s.reason}x${s.count}`).join(' ');
    const lag = h.timerLag;
    this.log.info(
      `status: published ${r.slotsPublished} (+${r.slotsPublished - this.lastPublished}), agreed ${r.slotsAgreed}, repaired ${r.slotsRepaired}, ` +
        `deadline misses ${r.deadlineMisses}, view ${r.view}/primary ${r.primary}, ready ${r.ready}, suspects ${suspects}, ` +
        `clients ${h.liveClients}, timer lag p50 ${MS(lag.p50Us)} p99 ${MS(lag.p99Us)} p99.9 ${MS(lag.p999Us)} max ${MS(lag.maxUs)} (${lag.samples} ticks)`,
    );
    this.lastPublished = r.slotsPublished;
    this.missedSinceReport = 0;
  }
}

/**
 * The epoch (ms) in a run's epoch file, or undefined while it does not exist yet. A file that
 * exists but is not `{"epochUs": <positive integer>}` is a configuration error, not a wait.
 */
export function readEpochFile(file: string): number | undefined {
  let text: string;
  try {
    if (statSync(file).size > 4096) throw new ConfigError(`${file}: an epoch file is a few bytes of JSON, this one is larger`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let epochUs: unknown;
  try {
    epochUs = (JSON.parse(text) as { epochUs?: unknown }).epochUs;
  } catch {
    throw new ConfigError(`${file}: not JSON (expected {"epochUs": N})`);
  }
  if (typeof epochUs !== 'number' || !Number.isSafeInteger(epochUs) || epochUs <= 0) throw new ConfigError(`${file}: epochUs must be a positive integer (µs), got ${JSON.stringify(epochUs)}`);
  return epochUs / 1_000;
}

function describeEndpoints(config: RuntimeClusterConfig, id: number, transport: Transport, clientTransport: Transport | undefined): string {
  const ep = config.endpoints?.[id];
  if (ep !== undefined && transport.description.startsWith('udp')) return `udp ${ep.host}:${ep.port}, applications on ${ep.clientHost}:${ep.clientPort}`;
  return `${transport.description}${clientTransport === undefined ? '' : `, applications on ${clientTransport.description}`}`;
}
