/**
 * Two in-process closed loops, deterministic from a seed, no I/O, no clock:
 *
 * - `runBaselineLoop`: the unreplicated loop — one sensor → one controller → actuator, no KVS.
 *   The scenario's `baseline.faults` hit its single sensor/controller/links, so a fault that the
 *   replicated system masks visibly breaks it.
 * - `runIdealReplicatedLoop`: 3 sensors fused by median, 3 controller replicas whose commands
 *   (with their state, see controller.ts) are fused component-wise by median, on the same LET
 *   timing as the distributed run, with perfect communication. It applies the scenario's
 *   sensor/controller faults and sensor/controller crashes; replica and network faults are not
 *   modelled (they are the distributed run's business). A reference and a fast test of the
 *   plant/controller — not a substitute for the real distributed run.
 *
 * Timing (both loops, LET grid of period P): at grid time t every sensor samples the true speed
 * and writes it with publish time t + sensorLead; at t the controllers read the `speed` slot t and
 * write the command with publish time t + controllerLead; at t the actuator applies the command
 * slot t (zero-order hold until the next one). The baseline has no publish times: its messages
 * arrive after the same nominal latencies (plus any network fault's delay) and are used on
 * arrival, so with no faults both loops see identical timing.
 */
import { CruiseController, DEFAULT_PID, decodeCommandVector, median, medianOfVectors, type PidParams } from './controller.js';
import { NOMINAL_BOUND } from './metrics.js';
import { DEFAULT_VEHICLE, VehiclePlant, initialPlantState, type VehicleParams } from './plant.js';
import { driveCycle, targetAccelerationAt, targetSpeedAt } from './profile.js';
import { hash32, hashUniform } from './random.js';
import { newRunRecord, type RunEvent, type RunKind, type RunMeta, type RunRecord, type RunRecordBuilder, type TrackingBound } from './record.js';
import {
  BASELINE_CONTROLLER_ID,
  BASELINE_SENSOR_ID,
  CONTROLLER_IDS,
  SENSOR_BIAS_MPS,
  SENSOR_IDS,
  controllerFaultsOf,
  describeFault,
  faultEndUs,
  faultStartUs,
  sensorFaultsOf,
  validateScenario,
  type Scenario,
  type ScenarioFault,
} from './scenarios.js';
import { DEFAULT_SENSOR_NOISE, WheelSpeedSensor } from './sensors.js';

export interface LoopTiming {
  /** Sensor and controller period: the LET grid, µs. */
  readonly periodUs: number;
  /** Sample time → publish time of the `speed` slot, µs. */
  readonly sensorLeadUs: number;
  /** Controller read time → publish time of the `command` slot, µs (must equal periodUs here). */
  readonly controllerLeadUs: number;
  /** The actuator holds the last command this long without a fresh one, then coasts (0), µs. */
  readonly commandHoldUs: number;
  /** The baseline controller skips a period when its newest sample is older than this, µs. */
  readonly staleSampleUs: number;
}

export const DEFAULT_TIMING: LoopTiming = Object.freeze({
  periodUs: 10_000,
  sensorLeadUs: 10_000,
  controllerLeadUs: 10_000,
  commandHoldUs: 100_000,
  staleSampleUs: 100_000,
});

/** Thresholds of the in-process disagreement monitor (the distributed run uses KVS diagnostics). */
export interface MonitorParams {
  /** A sensor further than this from the fused value is deviating, m/s. */
  readonly sensorDeviationMps: number;
  /** Consecutive deviating or silent periods before a node is suspected. */
  readonly suspectAfterPeriods: number;
  /** Consecutive good periods before a suspicion is cleared. */
  readonly clearAfterPeriods: number;
}

export const DEFAULT_MONITOR: MonitorParams = Object.freeze({ sensorDeviationMps: 1.0, suspectAfterPeriods: 50, clearAfterPeriods: 100 });

export interface LoopOptions {
  readonly scenario: Scenario;
  /** Run seed: sensor noise, random faults, network loss. Default 1. */
  readonly seed?: number;
  /** Default: the scenario's duration. */
  readonly durationUs?: number;
  readonly timing?: LoopTiming;
  readonly vehicle?: VehicleParams;
  readonly pid?: PidParams;
  readonly sensorNoise?: { readonly noiseStdMps: number; readonly quantumMps: number };
  readonly monitor?: MonitorParams;
  readonly bound?: TrackingBound;
  /**
   * Minimum sensor values for a `speed` slot, and controller commands for a `command` slot.
   * Default 2f+1 = 3 each, as the KVS requires for median fusion to mask f = 1 (see keys.ts); 2
   * trades masking for availability (a silent writer no longer stalls the slot).
   */
  readonly minSensorWriters?: number;
  readonly minControllerWriters?: number;
}

/** The seed of sensor `index`, derived from the run seed. */
export function sensorSeed(runSeed: number, index: number): number {
  return hash32(runSeed, 100 + index, 0);
}

const STREAM_NET_LOSS = 11;
const STREAM_NET_DELAY = 12;

interface Setup {
  readonly s: Scenario;
  readonly seed: number;
  readonly durationUs: number;
  readonly timing: LoopTiming;
  readonly pid: PidParams;
  readonly plant: VehiclePlant;
  readonly target: (tUs: number) => number;
  readonly targetAccel: (tUs: number) => number;
  readonly noise: { readonly noiseStdMps: number; readonly quantumMps: number };
  readonly monitor: MonitorParams;
}

function setup(opts: LoopOptions): Setup {
  const s = opts.scenario;
  validateScenario(s);
  const seed = opts.seed ?? 1;
  const timing = opts.timing ?? DEFAULT_TIMING;
  if (timing.controllerLeadUs !== timing.periodUs) throw new RangeError('the in-process loops need controllerLeadUs === periodUs');
  if (timing.sensorLeadUs % timing.periodUs !== 0) throw new RangeError('sensorLeadUs must be a multiple of periodUs');
  const pid = { ...(opts.pid ?? DEFAULT_PID), periodUs: timing.periodUs };
  const cycle = driveCycle(s.driveCycle);
  const plant = new VehiclePlant({ params: opts.vehicle ?? DEFAULT_VEHICLE, road: cycle.road, initial: initialPlantState({ speedMps: cycle.initialSpeedMps }) });
  return {
    s,
    seed,
    durationUs: opts.durationUs ?? s.durationUs,
    timing,
    pid,
    plant,
    target: (tUs) => targetSpeedAt(cycle.target, tUs),
    targetAccel: (tUs) => targetAccelerationAt(cycle.target, tUs),
    noise: opts.sensorNoise ?? DEFAULT_SENSOR_NOISE,
    monitor: opts.monitor ?? DEFAULT_MONITOR,
  };
}

/**
 * The run metadata for a scenario — for the in-process loops and for the distributed run, which
 * fills a `RunRecord` with the same meta (`kind: 'distributed'`).
 */
export function runMetaFor(opts: {
  readonly scenario: Scenario;
  readonly kind: RunKind;
  readonly seed: number;
  readonly durationUs?: number;
  readonly periodUs?: number;
  readonly bound?: TrackingBound;
  readonly notes?: Readonly<Record<string, string | number | boolean>>;
}): RunMeta {
  const s = opts.scenario;
  const baseline = opts.kind === 'baseline';
  const periodUs = opts.periodUs ?? DEFAULT_TIMING.periodUs;
  return {
    scenario: s.name,
    scenarioDescription: s.description,
    kind: opts.kind,
    seed: opts.seed,
    durationUs: opts.durationUs ?? s.durationUs,
    settlingUs: s.settlingUs,
    f: baseline ? 0 : s.f,
    replicas: baseline ? 0 : s.replicas,
    expectation: s.expectation.kind,
    sensorIds: baseline ? [BASELINE_SENSOR_ID] : [...SENSOR_IDS],
    controllerIds: baseline ? [BASELINE_CONTROLLER_ID] : [...CONTROLLER_IDS],
    sensorPeriodUs: periodUs,
    controllerPeriodUs: periodUs,
    bound: opts.bound ?? NOMINAL_BOUND,
    notes: { driveCycle: s.driveCycle, ...(opts.notes ?? {}) },
  };
}

function meta(st: Setup, opts: LoopOptions, kind: 'baseline' | 'idealReplicated'): RunRecordBuilder {
  return newRunRecord(
    runMetaFor({
      scenario: st.s,
      kind,
      seed: st.seed,
      durationUs: st.durationUs,
      periodUs: st.timing.periodUs,
      ...(opts.bound !== undefined ? { bound: opts.bound } : {}),
      notes: { loop: kind === 'baseline' ? 'unreplicated, in-process' : 'ideal replicated, in-process (median fusion, no network)' },
    }),
  );
}

function isCrashed(faults: readonly ScenarioFault[], nodeId: string, tUs: number): boolean {
  return faults.some((f) => f.kind === 'crash' && f.nodeId === nodeId && tUs >= f.atUs && (f.restartAtUs === undefined || tUs < f.restartAtUs));
}

function restartsAt(faults: readonly ScenarioFault[], nodeId: string, tUs: number): boolean {
  return faults.some((f) => f.kind === 'crash' && f.nodeId === nodeId && f.restartAtUs === tUs);
}

/** Fault begin/end events for the faults a loop applies, and notes for the ones it does not. */
function faultEvents(applied: readonly ScenarioFault[], notModelled: readonly ScenarioFault[], durationUs: number): RunEvent[] {
  const ev: RunEvent[] = [];
  for (const f of applied) {
    const node = f.kind === 'network' ? 'network' : f.nodeId;
    const from = faultStartUs(f);
    if (from <= durationUs) ev.push({ tUs: from, kind: f.kind === 'crash' ? 'crash' : 'faultInjected', nodeId: node, detail: describeFault(f) });
    const to = faultEndUs(f);
    if (to !== undefined && to <= durationUs) ev.push({ tUs: to, kind: f.kind === 'crash' ? 'restart' : 'faultCleared', nodeId: node, detail: describeFault(f) });
  }
  for (const f of notModelled) {
    ev.push({ tUs: faultStartUs(f), kind: 'note', nodeId: f.kind === 'network' ? 'network' : f.nodeId, detail: `not modelled in-process: ${describeFault(f)}` });
  }
  return ev;
}

/** Tracks consecutive bad/good periods per node and emits suspected/unsuspected events (also used on a distributed run's traces, distributed/collect.ts). */
export class SuspicionMonitor {
  private readonly bad = new Map<string, number>();
  private readonly good = new Map<string, number>();
  private readonly suspected = new Set<string>();

  constructor(
    private readonly p: MonitorParams,
    private readonly out: RunEvent[],
  ) {}

  observe(nodeId: string, tUs: number, problem: string | undefined): void {
    if (problem !== undefined) {
      this.good.set(nodeId, 0);
      const n = (this.bad.get(nodeId) ?? 0) + 1;
      this.bad.set(nodeId, n);
      if (n >= this.p.suspectAfterPeriods && !this.suspected.has(nodeId)) {
        this.suspected.add(nodeId);
        this.out.push({ tUs, kind: 'suspected', nodeId, detail: problem });
      }
    } else {
      this.bad.set(nodeId, 0);
      const n = (this.good.get(nodeId) ?? 0) + 1;
      this.good.set(nodeId, n);
      if (n >= this.p.clearAfterPeriods && this.suspected.has(nodeId)) {
        this.suspected.delete(nodeId);
        this.out.push({ tUs, kind: 'unsuspected', nodeId, detail: 'agrees again' });
      }
    }
  }
}

/** The actuator's command policy: fresh slot → apply; else hold up to commandHoldUs; then coast. */
class Actuator {
  private lastU = 0;
  private lastFreshUs: number | undefined;

  constructor(private readonly holdUs: number) {}

  apply(tUs: number, fresh: number | undefined): { u: number; source: 'fresh' | 'held' | 'failsafe' } {
    if (fresh !== undefined) {
      this.lastU = fresh;
      this.lastFreshUs = tUs;
      return { u: fresh, source: 'fresh' };
    }
    if (this.lastFreshUs !== undefined && tUs - this.lastFreshUs <= this.holdUs) return { u: this.lastU, source: 'held' };
    return { u: 0, source: 'failsafe' };
  }
}

function recordPlant(rec: RunRecordBuilder, st: Setup, tUs: number): void {
  const p = st.plant.state;
  rec.plant.push({ tUs, trueSpeedMps: p.speedMps, targetSpeedMps: st.target(tUs), positionM: p.positionM, grade: p.grade, effort: p.effort });
}

// ---------------------------------------------------------------------------------------------

/** The replicated loop with perfect communication: median of 3 sensors, median of 3 controllers. */
export function runIdealReplicatedLoop(opts: LoopOptions): RunRecord {
  const st = setup(opts);
  const { s, timing } = st;
  const P = timing.periodUs;
  const minSensors = opts.minSensorWriters ?? 2 * s.f + 1;
  const minControllers = opts.minControllerWriters ?? 2 * s.f + 1;
  const rec = meta(st, opts, 'idealReplicated');
  const modelled = s.faults.filter(
    (f) => f.kind === 'sensor' || f.kind === 'controller' || (f.kind === 'crash' && ([...SENSOR_IDS, ...CONTROLLER_IDS] as string[]).includes(f.nodeId)),
  );
  rec.events.push(...faultEvents(modelled, s.faults.filter((f) => !modelled.includes(f)), st.durationUs));

  const sensors = SENSOR_IDS.map(
    (id, i) => new WheelSpeedSensor({ id, seed: sensorSeed(st.seed, i), biasMps: SENSOR_BIAS_MPS[id] ?? 0, ...st.noise, faults: sensorFaultsOf(s.faults, id) }),
  );
  const controllers = CONTROLLER_IDS.map((id) => new CruiseController({ id, params: st.pid, faults: controllerFaultsOf(s.faults, id) }));
  const monitor = new SuspicionMonitor(st.monitor, rec.events);
  const actuator = new Actuator(timing.commandHoldUs);

  /** speed slots: publish time → writer → value. */
  const speedSlots = new Map<number, Map<string, number>>();
  /** command slots: publish time → writer → vector. */
  const commandSlots = new Map<number, Map<string, number[]>>();
  /** agreed command vectors by publish time (kept for one period). */
  const agreedCommands = new Map<number, number[]>();

  let commandU = 0;
  for (let t = 0; t <= st.durationUs; t += P) {
    // 1. The plant has run up to t under the previous command; sample it.
    st.plant.advanceTo(t, commandU);
    recordPlant(rec, st, t);
    const trueSpeed = st.plant.state.speedMps;

    // 2. The command slot t publishes; the actuator applies it.
    const cmdWrites = commandSlots.get(t);
    commandSlots.delete(t);
    let agreedVec: number[] | undefined;
    if (cmdWrites !== undefined && cmdWrites.size >= minControllers) {
      agreedVec = medianOfVectors([...cmdWrites.values()]);
      agreedCommands.set(t, agreedVec);
    }
    agreedCommands.delete(t - 2 * P);
    const applied = actuator.apply(t, agreedVec?.[0]);
    if (applied.source !== 'fresh' && t >= P + timing.sensorLeadUs) {
      rec.events.push({ tUs: t, kind: 'deadlineMiss', nodeId: 'command', detail: `no agreed command (${cmdWrites?.size ?? 0} writers); ${applied.source}` });
    }
    if (t >= P + timing.sensorLeadUs || agreedVec !== undefined) {
      rec.commands.push({ tUs: t, commandU: applied.u, writers: cmdWrites ? [...cmdWrites.keys()] : [], agreed: agreedVec !== undefined, source: applied.source });
    }
    if (cmdWrites !== undefined && cmdWrites.size > 0) {
      // Correct replicas write bit-identical vectors: any difference from the agreed one counts.
      for (const id of CONTROLLER_IDS) {
        const v = cmdWrites.get(id);
        if (v === undefined) monitor.observe(id, t, 'silent: no command');
        else if (agreedVec === undefined) monitor.observe(id, t, undefined);
        else monitor.observe(id, t, v.every((x, i) => Object.is(x, agreedVec![i])) ? undefined : `command ${v[0]!.toFixed(3)} ≠ agreed ${agreedVec[0]!.toFixed(3)}`);
      }
    }
    commandU = applied.u;

    // 3. Sensors sample at t and write for publish time t + sensorLead.
    const pubS = t + timing.sensorLeadUs;
    if (pubS <= st.durationUs) {
      const slot = new Map<string, number>();
      for (const sensor of sensors) {
        if (isCrashed(s.faults, sensor.id, t)) continue;
        const v = sensor.sample(t, trueSpeed);
        if (v !== undefined) {
          slot.set(sensor.id, v);
          rec.sensors.push({ tUs: pubS, sensorId: sensor.id, valueMps: v });
        }
      }
      speedSlots.set(pubS, slot);
    }

    // 4. The speed slot t publishes; controllers read it and write command slot t + P.
    const speedWrites = speedSlots.get(t);
    speedSlots.delete(t);
    if (speedWrites === undefined) continue; // before the first slot
    if (speedWrites.size < minSensors) {
      rec.events.push({ tUs: t, kind: 'deadlineMiss', nodeId: 'speed', detail: `speed slot has ${speedWrites.size} of ${minSensors} writers` });
      for (const id of SENSOR_IDS) if (!speedWrites.has(id)) monitor.observe(id, t, 'silent: no sample');
      continue;
    }
    const fused = median([...speedWrites.values()]);
    rec.fused.push({ tUs: t, valueMps: fused, writers: [...speedWrites.keys()], agreed: true });
    for (const id of SENSOR_IDS) {
      const v = speedWrites.get(id);
      monitor.observe(
        id,
        t,
        v === undefined ? 'silent: no sample' : Math.abs(v - fused) > st.monitor.sensorDeviationMps ? `deviates ${(v - fused).toFixed(2)} m/s from the fused value` : undefined,
      );
    }
    const pubC = t + P;
    if (pubC > st.durationUs) continue;
    const writes = new Map<string, number[]>();
    const prevAgreed = agreedCommands.get(t);
    for (const c of controllers) {
      if (isCrashed(s.faults, c.id, t)) continue;
      if (restartsAt(s.faults, c.id, t)) c.reset();
      if (prevAgreed !== undefined) c.adopt(decodeCommandVector(prevAgreed).state);
      const out = c.step({ publishTimeUs: pubC, measuredMps: fused, targetMps: st.target(pubC), targetAccelMps2: st.targetAccel(pubC) });
      writes.set(c.id, out.vector);
      rec.controllers.push({ tUs: pubC, controllerId: c.id, commandU: out.commandU });
    }
    commandSlots.set(pubC, writes);
  }
  return rec;
}

// ---------------------------------------------------------------------------------------------

interface InFlight<T> {
  readonly arriveUs: number;
  readonly sentUs: number;
  readonly value: T;
}

/** The unreplicated loop: one sensor → one controller → actuator, point-to-point links. */
export function runBaselineLoop(opts: LoopOptions): RunRecord {
  const st = setup(opts);
  const { s, timing } = st;
  const P = timing.periodUs;
  const faults = s.baseline.faults;
  const rec = meta(st, opts, 'baseline');
  rec.events.push(...faultEvents(faults, [], st.durationUs));
  rec.events.push({ tUs: 0, kind: 'note', nodeId: 'baseline', detail: s.baseline.note });

  const sensorIndex = (SENSOR_IDS as readonly string[]).indexOf(BASELINE_SENSOR_ID);
  const sensor = new WheelSpeedSensor({
    id: BASELINE_SENSOR_ID,
    seed: sensorSeed(st.seed, sensorIndex),
    biasMps: SENSOR_BIAS_MPS[BASELINE_SENSOR_ID] ?? 0,
    ...st.noise,
    faults: sensorFaultsOf(faults, BASELINE_SENSOR_ID),
  });
  const controller = new CruiseController({ id: BASELINE_CONTROLLER_ID, params: st.pid, faults: controllerFaultsOf(faults, BASELINE_CONTROLLER_ID) });
  const actuator = new Actuator(timing.commandHoldUs);

  /** A message sent at `sentUs` on the link with nominal latency `nominalUs`: arrival time or lost. */
  const link = (linkId: number, sentUs: number, nominalUs: number): number | undefined => {
    let arrive = sentUs + nominalUs;
    for (const f of faults) {
      if (f.kind !== 'network' || sentUs < f.fromUs || (f.toUs !== undefined && sentUs >= f.toUs)) continue;
      if (hashUniform(st.seed, STREAM_NET_LOSS + 100 * linkId, sentUs) < f.lossProbability) return undefined;
      const jitter = (2 * hashUniform(st.seed, STREAM_NET_DELAY + 100 * linkId, sentUs) - 1) * f.jitterUs;
      arrive += Math.round(f.delayUs + jitter);
    }
    return arrive;
  };

  const toController: InFlight<number>[] = [];
  const toActuator: InFlight<number>[] = [];
  let newestSample: InFlight<number> | undefined;
  let newestCommand: InFlight<number> | undefined;
  let commandU = 0;

  for (let t = 0; t <= st.durationUs; t += P) {
    st.plant.advanceTo(t, commandU);
    recordPlant(rec, st, t);
    const trueSpeed = st.plant.state.speedMps;

    // Actuator: the newest command that has arrived by t (ignoring older ones arriving late).
    for (let i = toActuator.length - 1; i >= 0; i--) {
      const m = toActuator[i]!;
      if (m.arriveUs <= t) {
        if (newestCommand === undefined || m.sentUs > newestCommand.sentUs) newestCommand = m;
        toActuator.splice(i, 1);
      }
    }
    const fresh = newestCommand !== undefined && newestCommand.arriveUs > t - P ? newestCommand.value : undefined;
    const applied = actuator.apply(t, fresh);
    commandU = applied.u;
    if (t >= P + timing.sensorLeadUs) {
      rec.commands.push({ tUs: t, commandU: applied.u, writers: fresh !== undefined ? [BASELINE_CONTROLLER_ID] : [], agreed: false, source: applied.source });
      if (applied.source !== 'fresh') rec.events.push({ tUs: t, kind: 'deadlineMiss', nodeId: 'command', detail: `no fresh command; ${applied.source}` });
    }

    // Sensor samples at t; the message arrives after the sensor lead (+ network faults).
    if (!isCrashed(faults, BASELINE_SENSOR_ID, t)) {
      const v = sensor.sample(t, trueSpeed);
      if (v !== undefined) {
        rec.sensors.push({ tUs: t + timing.sensorLeadUs, sensorId: BASELINE_SENSOR_ID, valueMps: v });
        const arrive = link(1, t, timing.sensorLeadUs);
        if (arrive !== undefined) toController.push({ arriveUs: arrive, sentUs: t, value: v });
      }
    }

    // Controller at t: newest sample arrived by t; skips the period if it is stale or it is down.
    for (let i = toController.length - 1; i >= 0; i--) {
      const m = toController[i]!;
      if (m.arriveUs <= t) {
        if (newestSample === undefined || m.sentUs > newestSample.sentUs) newestSample = m;
        toController.splice(i, 1);
      }
    }
    if (isCrashed(faults, BASELINE_CONTROLLER_ID, t)) continue;
    if (restartsAt(faults, BASELINE_CONTROLLER_ID, t)) {
      controller.reset();
      newestSample = undefined;
    }
    if (newestSample === undefined || t - newestSample.sentUs > timing.staleSampleUs) continue;
    rec.fused.push({ tUs: t, valueMps: newestSample.value, writers: [BASELINE_SENSOR_ID], agreed: false });
    const pubC = t + timing.controllerLeadUs;
    const out = controller.step({ publishTimeUs: pubC, measuredMps: newestSample.value, targetMps: st.target(pubC), targetAccelMps2: st.targetAccel(pubC) });
    rec.controllers.push({ tUs: pubC, controllerId: BASELINE_CONTROLLER_ID, commandU: out.commandU });
    const arrive = link(2, t, timing.controllerLeadUs);
    if (arrive !== undefined) toActuator.push({ arriveUs: arrive, sentUs: t, value: out.commandU });
  }
  return rec;
}

/** Runs both loops for a scenario with the same seed. */
export function runBothLoops(opts: LoopOptions): { baseline: RunRecord; ideal: RunRecord } {
  return { baseline: runBaselineLoop(opts), ideal: runIdealReplicatedLoop(opts) };
}
