/**
 * The run record: everything a testbed run produced, as plain JSON-able data. The in-process
 * loops (baseline.ts) fill it, the distributed run (sensor/controller/actuator/replica processes)
 * fills the same structure, and report.ts turns it into summary.json, report.html and an MCAP
 * file. All times are integer µs from the start of the run (the run's t = 0 on the LET grid).
 *
 * Each series carries its own times: a sensor value is stamped with its publish time, a command
 * with its publish time, the plant with the time it was sampled.
 */

/** Which loop produced the record. */
export type RunKind = 'baseline' | 'idealReplicated' | 'distributed';

export interface RunMeta {
  readonly scenario: string;
  readonly scenarioDescription: string;
  readonly kind: RunKind;
  readonly seed: number;
  readonly durationUs: number;
  /** Tracking error is measured from this time on (excludes the start-up transient). */
  readonly settlingUs: number;
  /** Faults the deployment is configured to tolerate, and its size. */
  readonly f: number;
  readonly replicas: number;
  /** 'withinF': tracking must stay within the nominal bound; 'beyondF': must be reported. */
  readonly expectation: 'withinF' | 'beyondF';
  readonly sensorIds: readonly string[];
  readonly controllerIds: readonly string[];
  readonly sensorPeriodUs: number;
  readonly controllerPeriodUs: number;
  /** The bound tracking error is judged against (from the nominal run). */
  readonly bound: TrackingBound;
  /** Free-form: protocol mode, host, versions, the drive cycle… */
  readonly notes?: Readonly<Record<string, string | number | boolean>>;
}

export interface TrackingBound {
  /** RMS of (true − target) speed after settling, m/s. */
  readonly rmsMps: number;
  /** Max |true − target| after settling, m/s. */
  readonly maxAbsMps: number;
}

/** The plant, sampled (typically every control period). */
export interface PlantSample {
  readonly tUs: number;
  readonly trueSpeedMps: number;
  readonly targetSpeedMps: number;
  readonly positionM: number;
  readonly grade: number;
  /** Actuator effort after the lag, [−1, 1]. */
  readonly effort: number;
}

/** One sensor publication (absent when the sensor published nothing for that time). */
export interface SensorSample {
  readonly tUs: number;
  readonly sensorId: string;
  readonly valueMps: number;
}

/** The fused `speed` slot at a publish time, as the reader saw it. */
export interface FusedSample {
  readonly tUs: number;
  readonly valueMps: number;
  /** Writers whose values went into the slot. */
  readonly writers: readonly string[];
  /** Whether the slot was agreed when read (fast mode may read before the sync round). */
  readonly agreed: boolean;
}

/** One controller publication: the command it wrote. */
export interface ControllerSample {
  readonly tUs: number;
  readonly controllerId: string;
  readonly commandU: number;
}

/** The command the actuator applied for a publish time. */
export interface CommandSample {
  readonly tUs: number;
  readonly commandU: number;
  readonly writers: readonly string[];
  readonly agreed: boolean;
  /** 'fresh': the slot for this time; 'held': last command held; 'failsafe': coasting (0). */
  readonly source: 'fresh' | 'held' | 'failsafe';
}

/** A write's latency: from the write call to its visibility (or the writer's ack), µs. */
export interface WriteLatencySample {
  readonly tUs: number;
  readonly key: string;
  readonly writerId: string;
  readonly latencyUs: number;
}

export type RunEventKind =
  /** A fault began (`detail` says which) / ended. */
  | 'faultInjected'
  | 'faultCleared'
  /** A node was suspected (by the KVS diagnostics or a monitor) / cleared. */
  | 'suspected'
  | 'unsuspected'
  /** A slot was not published by its publish time, or the actuator had no fresh command. */
  | 'deadlineMiss'
  | 'crash'
  | 'restart'
  | 'note';

export interface RunEvent {
  readonly tUs: number;
  readonly kind: RunEventKind;
  readonly nodeId: string;
  readonly detail: string;
}

export interface RunRecord {
  readonly meta: RunMeta;
  readonly plant: readonly PlantSample[];
  readonly sensors: readonly SensorSample[];
  readonly fused: readonly FusedSample[];
  readonly controllers: readonly ControllerSample[];
  readonly commands: readonly CommandSample[];
  readonly writeLatencies: readonly WriteLatencySample[];
  readonly events: readonly RunEvent[];
}

/** A mutable record for a run in progress. */
export interface RunRecordBuilder {
  readonly meta: RunMeta;
  readonly plant: PlantSample[];
  readonly sensors: SensorSample[];
  readonly fused: FusedSample[];
  readonly controllers: ControllerSample[];
  readonly commands: CommandSample[];
  readonly writeLatencies: WriteLatencySample[];
  readonly events: RunEvent[];
}

export function newRunRecord(meta: RunMeta): RunRecordBuilder {
  return { meta, plant: [], sensors: [], fused: [], controllers: [], commands: [], writeLatencies: [], events: [] };
}

/** Structural check for a record read back from JSON (hostile input): throws naming the problem. */
export function checkRunRecord(x: unknown): RunRecord {
  const fail = (what: string): never => {
    throw new TypeError(`not a run record: ${what}`);
  };
  if (typeof x !== 'object' || x === null) fail('not an object');
  const r = x as Record<string, unknown>;
  const meta = r['meta'] as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null) fail('meta missing');
  for (const k of ['scenario', 'kind'] as const) if (typeof meta![k] !== 'string') fail(`meta.${k} is not a string`);
  for (const k of ['durationUs', 'settlingUs', 'sensorPeriodUs', 'controllerPeriodUs'] as const) {
    if (!Number.isSafeInteger(meta![k])) fail(`meta.${k} is not an integer`);
  }
  for (const k of ['plant', 'sensors', 'fused', 'controllers', 'commands', 'writeLatencies', 'events'] as const) {
    if (!Array.isArray(r[k])) fail(`${k} is not an array`);
    for (const item of r[k] as unknown[]) {
      if (typeof item !== 'object' || item === null || !Number.isSafeInteger((item as { tUs?: unknown }).tUs)) fail(`${k} has an entry without an integer tUs`);
    }
  }
  return x as RunRecord;
}
