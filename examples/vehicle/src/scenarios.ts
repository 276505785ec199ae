/**
 * The scenario catalogue, as data. Each scenario names a drive cycle, a duration, the faults
 * with their times, the fault tolerance it is judged against (f), and the expectation:
 *
 * - `withinF`: at most f faulty nodes in each replicated group → tracking error must stay within
 *   the nominal bound (`NOMINAL_BOUND`, measured on the nominal run).
 * - `beyondF`: more than f faulty nodes → something fails, and the run must *report* it
 *   (bound exceeded, deadline misses, suspected nodes) — never pass silently.
 *
 * Who applies a fault:
 * - `sensor` and `controller` faults are applied by the models (sensors.ts, controller.ts), in
 *   the sensor/controller node processes and in the in-process loops alike;
 * - `crash` of a sensor or controller is applied by the in-process loops and by the launcher;
 *   `crash` of a replica, `equivocate` and `network` faults are only declared here: the process
 *   launcher applies them to the real cluster (`launcherFaults`).
 *
 * Each scenario also says what the unreplicated baseline (one sensor, one controller, no KVS)
 * suffers: the same fault on its single sensor/controller, or — for replica and network faults,
 * which have no replica to hit there — the equivalent fault of its single node or links.
 */
import type { ControllerFault } from './controller.js';
import type { DriveCycleName } from './profile.js';
import type { SensorFault } from './sensors.js';

export const SENSOR_IDS = ['sensor-a', 'sensor-b', 'sensor-c'] as const;
export const CONTROLLER_IDS = ['controller-a', 'controller-b', 'controller-c'] as const;
export const REPLICA_IDS = ['replica-0', 'replica-1', 'replica-2', 'replica-3'] as const;
export const ACTUATOR_ID = 'actuator';
/** The baseline's single sensor and controller. */
export const BASELINE_SENSOR_ID = 'sensor-a';
export const BASELINE_CONTROLLER_ID = 'controller-a';

/** Per-sensor calibration: every real sensor is a little off, each differently. */
export const SENSOR_BIAS_MPS: Readonly<Record<string, number>> = Object.freeze({
  'sensor-a': 0.03,
  'sensor-b': -0.02,
  'sensor-c': 0.01,
});

export type ScenarioFault =
  | { readonly kind: 'sensor'; readonly nodeId: string; readonly fault: SensorFault }
  | { readonly kind: 'controller'; readonly nodeId: string; readonly fault: ControllerFault }
  /** The node's process is killed at `atUs` and (optionally) started again, empty, at `restartAtUs`. */
  | { readonly kind: 'crash'; readonly nodeId: string; readonly atUs: number; readonly restartAtUs?: number }
  /** A Byzantine replica sends conflicting protocol messages (different slot contents/votes to different replicas). */
  | { readonly kind: 'equivocate'; readonly nodeId: string; readonly fromUs: number; readonly toUs?: number; readonly detail: string }
  /** Extra delay (uniform in delayUs ± jitterUs) and loss on every link of `nodeIds` (default: all links). */
  | {
      readonly kind: 'network';
      readonly fromUs: number;
      readonly toUs?: number;
      readonly delayUs: number;
      readonly jitterUs: number;
      readonly lossProbability: number;
      readonly nodeIds?: readonly string[];
    };

export type ScenarioName =
  | 'nominal'
  | 'sensor-stuck'
  | 'sensor-lying'
  | 'replica-crash-restart'
  | 'replica-equivocating'
  | 'controller-wrong-output'
  | 'network-delay-loss'
  | 'beyond-f-sensors'
  | 'beyond-f-replicas'
  | 'showcase';

export type Expectation =
  | { readonly kind: 'withinF'; readonly note: string }
  | { readonly kind: 'beyondF'; readonly whatFails: string; readonly howReported: string };

export interface Scenario {
  readonly name: ScenarioName;
  readonly title: string;
  readonly description: string;
  readonly driveCycle: DriveCycleName;
  readonly durationUs: number;
  /** Tracking error is judged from here on. */
  readonly settlingUs: number;
  /** Tolerated faults per replicated group, and the cluster size (Byzantine: 3f+1). */
  readonly f: number;
  readonly replicas: number;
  readonly faults: readonly ScenarioFault[];
  readonly expectation: Expectation;
  /** What the unreplicated baseline suffers instead (node ids: BASELINE_SENSOR_ID / _CONTROLLER_ID). */
  readonly baseline: { readonly faults: readonly ScenarioFault[]; readonly note: string };
}

const S = 1_000_000;
const FAULT_AT = 20 * S;
const COMMON = { driveCycle: 'mixed', durationUs: 60 * S, settlingUs: 5 * S, f: 1, replicas: 4 } as const;

export const SCENARIOS: Readonly<Record<ScenarioName, Scenario>> = Object.freeze({
  nominal: {
    ...COMMON,
    name: 'nominal',
    title: 'Nominal',
    description: 'No faults. Sets the tracking-error bound every within-f scenario is judged against.',
    faults: [],
    expectation: { kind: 'withinF', note: 'Defines the bound.' },
    baseline: { faults: [], note: 'No faults: the baseline should track about as well as the replicated loop.' },
  },
  'sensor-stuck': {
    ...COMMON,
    name: 'sensor-stuck',
    title: 'One sensor stuck',
    description: 'sensor-b freezes at 20 s and repeats its last value to the end (a seized encoder, a hung driver).',
    faults: [{ kind: 'sensor', nodeId: 'sensor-b', fault: { kind: 'stuck', fromUs: FAULT_AT } }],
    expectation: { kind: 'withinF', note: 'Median of 3 masks 1 stuck sensor.' },
    baseline: {
      faults: [{ kind: 'sensor', nodeId: BASELINE_SENSOR_ID, fault: { kind: 'stuck', fromUs: FAULT_AT } }],
      note: 'Its only sensor is stuck: the controller no longer sees the hill or the slow-down.',
    },
  },
  'sensor-lying': {
    ...COMMON,
    name: 'sensor-lying',
    title: 'One sensor lying',
    description: 'sensor-c reads 3 m/s too fast from 20 s on (consistently, to every replica).',
    faults: [{ kind: 'sensor', nodeId: 'sensor-c', fault: { kind: 'offset', fromUs: FAULT_AT, offsetMps: 3 } }],
    expectation: { kind: 'withinF', note: 'Median of 3 masks 1 wrong value.' },
    baseline: {
      faults: [{ kind: 'sensor', nodeId: BASELINE_SENSOR_ID, fault: { kind: 'offset', fromUs: FAULT_AT, offsetMps: 3 } }],
      note: 'Its only sensor lies: the vehicle settles 3 m/s below the target.',
    },
  },
  'replica-crash-restart': {
    ...COMMON,
    name: 'replica-crash-restart',
    title: 'One replica crashed and restarted',
    description: 'replica-1 is killed at 20 s and restarted empty at 30 s; it must catch up by state transfer.',
    faults: [{ kind: 'crash', nodeId: 'replica-1', atUs: FAULT_AT, restartAtUs: 30 * S }],
    expectation: { kind: 'withinF', note: '3 of 4 replicas keep serving; the restarted one rejoins.' },
    baseline: {
      faults: [{ kind: 'crash', nodeId: BASELINE_CONTROLLER_ID, atUs: FAULT_AT, restartAtUs: 30 * S }],
      note: 'Its single compute node crashes: no commands for 10 s (the actuator coasts), then restarts with its integral lost.',
    },
  },
  'replica-equivocating': {
    ...COMMON,
    name: 'replica-equivocating',
    title: 'One replica equivocating',
    description:
      'replica-2 equivocates from 20 s to 40 s: the writes of its node (sensor-c, controller-c) reach replica 3 with values +50, re-authenticated with its own keys, while replicas 0 and 1 get the truth.',
    faults: [
      {
        kind: 'equivocate',
        nodeId: 'replica-2',
        fromUs: FAULT_AT,
        toUs: 40 * S,
        detail: "its node's writes reach replica 3 with +50, replicas 0 and 1 with the true value",
      },
    ],
    expectation: {
      kind: 'withinF',
      note: "The median masks the lie at replica 3, and synchronisation repairs replica 3's slots to what the others hold (its REPAIRED count). replica-2 is not named: the lie reached one replica, fewer than the f+1 reports that prove equivocation.",
    },
    baseline: {
      faults: [{ kind: 'controller', nodeId: BASELINE_CONTROLLER_ID, fault: { kind: 'random', fromUs: FAULT_AT, toUs: 40 * S, seed: 2 } }],
      note: 'No replicas to out-vote it: its single node turning Byzantine sends arbitrary commands for 20 s.',
    },
  },
  'controller-wrong-output': {
    ...COMMON,
    name: 'controller-wrong-output',
    title: 'One controller producing wrong output',
    description: 'controller-c publishes random commands in [−1, 1] from 20 s to 40 s.',
    faults: [{ kind: 'controller', nodeId: 'controller-c', fault: { kind: 'random', fromUs: FAULT_AT, toUs: 40 * S, seed: 3 } }],
    expectation: { kind: 'withinF', note: 'Component-wise median of 3 commands masks 1.' },
    baseline: {
      faults: [{ kind: 'controller', nodeId: BASELINE_CONTROLLER_ID, fault: { kind: 'random', fromUs: FAULT_AT, toUs: 40 * S, seed: 3 } }],
      note: 'Its only controller outputs random commands: the vehicle lurches and loses speed.',
    },
  },
  'network-delay-loss': {
    ...COMMON,
    name: 'network-delay-loss',
    title: 'Network delay and loss',
    description: 'From 20 s to 40 s every link adds 2 ms ± 2 ms delay and drops 5 % of messages.',
    faults: [{ kind: 'network', fromUs: FAULT_AT, toUs: 40 * S, delayUs: 2000, jitterUs: 2000, lossProbability: 0.05 }],
    expectation: { kind: 'withinF', note: 'Within the timing assumptions: redundant paths and LET absorb it.' },
    baseline: {
      faults: [{ kind: 'network', fromUs: FAULT_AT, toUs: 40 * S, delayUs: 2000, jitterUs: 2000, lossProbability: 0.05 }],
      note: 'Same delay and loss on its two links; a lost command is held, a lost sample leaves the controller a stale one.',
    },
  },
  'beyond-f-sensors': {
    ...COMMON,
    name: 'beyond-f-sensors',
    title: 'Beyond f: two of three sensors lying',
    description: 'sensor-b and sensor-c both read 3 m/s too fast from 20 s on (a common-mode fault, f = 1).',
    faults: [
      { kind: 'sensor', nodeId: 'sensor-b', fault: { kind: 'offset', fromUs: FAULT_AT, offsetMps: 3 } },
      { kind: 'sensor', nodeId: 'sensor-c', fault: { kind: 'offset', fromUs: FAULT_AT, offsetMps: 3 } },
    ],
    expectation: {
      kind: 'beyondF',
      whatFails: 'The median follows the two lying sensors: the vehicle runs 3 m/s slow.',
      howReported: 'Tracking bound exceeded in the summary; the sensors disagree beyond the threshold, so a disagreement is flagged (naming the outvoted honest sensor).',
    },
    baseline: {
      faults: [{ kind: 'sensor', nodeId: BASELINE_SENSOR_ID, fault: { kind: 'offset', fromUs: FAULT_AT, offsetMps: 3 } }],
      note: 'Its only sensor lies, as in sensor-lying.',
    },
  },
  'beyond-f-replicas': {
    ...COMMON,
    name: 'beyond-f-replicas',
    title: 'Beyond f: two of four replicas faulty',
    description: 'replica-1 crashes at 20 s (no restart) and replica-2 equivocates from 20 s: 2 faulty replicas with f = 1.',
    faults: [
      { kind: 'crash', nodeId: 'replica-1', atUs: FAULT_AT },
      { kind: 'equivocate', nodeId: 'replica-2', fromUs: FAULT_AT, detail: "its node's writes reach replica 3 with +50, replicas 0 and 1 with the true value" },
    ],
    expectation: {
      kind: 'beyondF',
      whatFails:
        'With node 1 down only sensor-a and the equivocating sensor-c write: replica 3 fuses the median of two, half of it the lie, and the actuator there applies commands nobody computed (fast mode repairs the slots only after they were used).',
      howReported: 'Deadline misses / unagreed slots counted, the actuator fails safe (coasts), replicas suspected in diagnostics; tracking bound exceeded.',
    },
    baseline: {
      faults: [{ kind: 'crash', nodeId: BASELINE_CONTROLLER_ID, atUs: FAULT_AT }],
      note: 'Its single compute node crashes for good: the actuator coasts to the end.',
    },
  },
  showcase: {
    ...COMMON,
    name: 'showcase',
    durationUs: 36 * S,
    title: 'Showcase: three faults in turn',
    description: 'sensor-c reads 3 m/s too fast from 6 s to 14 s, controller-a outputs random commands from 14 s to 22 s, replica-1 crashes at 22 s and restarts empty at 28 s: one faulty node at a time.',
    faults: [
      { kind: 'sensor', nodeId: 'sensor-c', fault: { kind: 'offset', fromUs: 6 * S, toUs: 14 * S, offsetMps: 3 } },
      { kind: 'controller', nodeId: 'controller-a', fault: { kind: 'random', fromUs: 14 * S, toUs: 22 * S, seed: 3 } },
      { kind: 'crash', nodeId: 'replica-1', atUs: 22 * S, restartAtUs: 28 * S },
    ],
    expectation: { kind: 'withinF', note: 'At most one faulty node at any time: median fusion masks each in turn.' },
    baseline: {
      faults: [
        { kind: 'sensor', nodeId: BASELINE_SENSOR_ID, fault: { kind: 'offset', fromUs: 6 * S, toUs: 14 * S, offsetMps: 3 } },
        { kind: 'controller', nodeId: BASELINE_CONTROLLER_ID, fault: { kind: 'random', fromUs: 14 * S, toUs: 22 * S, seed: 3 } },
        { kind: 'crash', nodeId: BASELINE_CONTROLLER_ID, atUs: 22 * S, restartAtUs: 28 * S },
      ],
      note: 'Each fault hits its only sensor, its only controller, then its only compute node.',
    },
  },
});

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

export function scenario(name: string): Scenario {
  const s = (SCENARIOS as Record<string, Scenario | undefined>)[name];
  if (s === undefined) throw new RangeError(`unknown scenario "${name}"; known: ${SCENARIO_NAMES.join(', ')}`);
  return s;
}

/** A copy of a scenario run for a different duration (faults past the end simply never start). */
export function withDuration(s: Scenario, durationUs: number): Scenario {
  if (!Number.isSafeInteger(durationUs) || durationUs <= 0) throw new RangeError('duration must be a positive integer µs');
  return { ...s, durationUs };
}

export function faultStartUs(f: ScenarioFault): number {
  switch (f.kind) {
    case 'sensor':
    case 'controller':
      return f.fault.fromUs;
    case 'crash':
      return f.atUs;
    default:
      return f.fromUs;
  }
}

export function faultEndUs(f: ScenarioFault): number | undefined {
  switch (f.kind) {
    case 'sensor':
    case 'controller':
      return f.fault.toUs;
    case 'crash':
      return f.restartAtUs;
    default:
      return f.toUs;
  }
}

/** A one-line human description of a fault. */
export function describeFault(f: ScenarioFault): string {
  switch (f.kind) {
    case 'sensor': {
      const x = f.fault;
      const what =
        x.kind === 'offset' ? `offset ${x.offsetMps > 0 ? '+' : ''}${x.offsetMps} m/s` : x.kind === 'scale' ? `scale ×${x.factor}` : x.kind === 'dropout' ? `dropout p=${x.probability}` : x.kind === 'noisyBurst' ? `noisy burst σ=${x.noiseStdMps} m/s` : 'stuck';
      return `${f.nodeId}: ${what}`;
    }
    case 'controller': {
      const x = f.fault;
      const what = x.kind === 'offset' ? `offset ${x.offsetU > 0 ? '+' : ''}${x.offsetU}` : x.kind === 'stuck' ? `stuck${x.valueU !== undefined ? ` at ${x.valueU}` : ''}` : 'random output';
      return `${f.nodeId}: ${what}`;
    }
    case 'crash':
      return `${f.nodeId}: crash${f.restartAtUs !== undefined ? ` (restart at ${f.restartAtUs / 1e6} s)` : ''}`;
    case 'equivocate':
      return `${f.nodeId}: equivocation`;
    case 'network':
      return `network${f.nodeIds ? ` (${f.nodeIds.join(', ')})` : ''}: +${f.delayUs / 1000}±${f.jitterUs / 1000} ms, loss ${f.lossProbability * 100} %`;
  }
}

/** Faults the process launcher must apply (replica crashes, equivocation, network). */
export function launcherFaults(s: Scenario): ScenarioFault[] {
  return s.faults.filter((f) => f.kind === 'equivocate' || f.kind === 'network' || f.kind === 'crash');
}

/** Faults of one sensor or controller node (applied by the models). */
export function sensorFaultsOf(faults: readonly ScenarioFault[], nodeId: string): SensorFault[] {
  return faults.flatMap((f) => (f.kind === 'sensor' && f.nodeId === nodeId ? [f.fault] : []));
}
export function controllerFaultsOf(faults: readonly ScenarioFault[], nodeId: string): ControllerFault[] {
  return faults.flatMap((f) => (f.kind === 'controller' && f.nodeId === nodeId ? [f.fault] : []));
}

/** Distinct faulty nodes per replicated group. */
export function faultyNodeCounts(faults: readonly ScenarioFault[]): { sensors: number; controllers: number; replicas: number } {
  const nodes = new Set(faults.flatMap((f) => (f.kind === 'network' ? [] : [f.nodeId])));
  const count = (ids: readonly string[]): number => ids.filter((id) => nodes.has(id)).length;
  return { sensors: count(SENSOR_IDS), controllers: count(CONTROLLER_IDS), replicas: count(REPLICA_IDS) };
}

/** Checks ids, times and that the expectation matches the fault count. Throws on a problem. */
export function validateScenario(s: Scenario): void {
  const known = new Set<string>([...SENSOR_IDS, ...CONTROLLER_IDS, ...REPLICA_IDS, ACTUATOR_ID]);
  for (const f of [...s.faults, ...s.baseline.faults]) {
    if (f.kind !== 'network' && !known.has(f.nodeId)) throw new RangeError(`${s.name}: unknown node "${f.nodeId}"`);
    if (f.kind === 'sensor' && !(SENSOR_IDS as readonly string[]).includes(f.nodeId)) throw new RangeError(`${s.name}: sensor fault on non-sensor ${f.nodeId}`);
    if (f.kind === 'controller' && !(CONTROLLER_IDS as readonly string[]).includes(f.nodeId)) throw new RangeError(`${s.name}: controller fault on non-controller ${f.nodeId}`);
    const from = faultStartUs(f);
    const to = faultEndUs(f);
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`${s.name}: fault start must be an integer µs >= 0`);
    if (to !== undefined && !(Number.isSafeInteger(to) && to > from)) throw new RangeError(`${s.name}: fault end must be after its start`);
    if (f.kind === 'network' && !(f.lossProbability >= 0 && f.lossProbability <= 1 && f.delayUs >= 0 && f.jitterUs >= 0 && f.jitterUs <= f.delayUs)) {
      throw new RangeError(`${s.name}: network fault needs 0 <= loss <= 1 and 0 <= jitter <= delay`);
    }
  }
  for (const f of s.baseline.faults) {
    if (f.kind === 'sensor' && f.nodeId !== BASELINE_SENSOR_ID) throw new RangeError(`${s.name}: baseline sensor faults must target ${BASELINE_SENSOR_ID}`);
    if ((f.kind === 'controller' || f.kind === 'crash') && f.nodeId !== BASELINE_CONTROLLER_ID && f.nodeId !== BASELINE_SENSOR_ID) {
      throw new RangeError(`${s.name}: baseline faults must target its single sensor or controller`);
    }
  }
  const c = faultyNodeCounts(s.faults);
  const beyond = c.sensors > s.f || c.controllers > s.f || c.replicas > s.f;
  if (beyond !== (s.expectation.kind === 'beyondF')) {
    throw new RangeError(`${s.name}: expectation ${s.expectation.kind} does not match the faults (${JSON.stringify(c)}, f = ${s.f})`);
  }
  if (s.replicas < 3 * s.f + 1) throw new RangeError(`${s.name}: ${s.replicas} replicas cannot tolerate f = ${s.f} Byzantine faults`);
}
