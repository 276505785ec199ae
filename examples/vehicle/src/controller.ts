/**
 * The cruise controller: a PID (PI by default) on speed error with output limits and
 * anti-windup, written so that replicas agree bit for bit.
 *
 * ## Why correct replicas produce identical outputs
 * 1. **Agreed inputs only.** A step's inputs are the publish time `t` (a point on the LET grid),
 *    the fused speed of the agreed `speed` slot at `t` (every correct replica returns the same
 *    slot value) and the target `targetSpeedAt(profile, t)`, a pure function of `t`. Nothing is
 *    measured locally: no clock reads, no "time since last call" — `dt` is the grid period.
 * 2. **Exactly specified arithmetic.** The step uses only IEEE-754 binary64 `+ − × ÷`, comparisons
 *    and min/max, in a fixed order. Those are correctly rounded, so equal inputs give equal bits
 *    on every engine and machine. No `Math.exp`/`pow`/trig (their last bit may differ between
 *    engines), no summation over collections of unspecified order, no randomness.
 * 3. **State from the agreed history, not from local history.** The step is a pure function
 *    `pidStep(params, state, input)`. The state (integral and derivative terms, last measurement)
 *    travels inside the command value (`commandVector`), and the `command` key is fused
 *    component-wise (median). Before each step a replica `adopt`s the state decoded from the
 *    agreed command of the previous period. So a replica that restarted, missed a period, or saw
 *    a different value before a fast-mode sync is back in bit-exact step after one period, and
 *    there is no floating-point drift to accumulate: divergence cannot outlive one period.
 *
 * A faulty controller (`ControllerFault`) publishes a wrong command (offset, stuck, random); its
 * state vector stays honest, so the component-wise median masks it like any single bad writer.
 */
import { isActive, type FaultWindow } from './sensors.js';
import { hashUniform } from './random.js';

export type AntiWindup =
  /** Plain integration (for comparison: winds up while saturated). */
  | { readonly kind: 'none' }
  /** Conditional integration: freeze the integral while saturated in the error's direction. */
  | { readonly kind: 'clamp' }
  /** Back-calculation: bleed the integral by (u_sat − u)·dt/T_t. */
  | { readonly kind: 'backCalculation'; readonly trackingTimeS: number };

export interface PidParams {
  /** Proportional gain, command units per m/s of error. */
  readonly kp: number;
  /** Integral gain, command units per (m/s · s). */
  readonly ki: number;
  /** Derivative gain on the measurement, command units per m/s² (0: PI). */
  readonly kd: number;
  /**
   * Feed-forward gains on the target's rate of change, command units per m/s²: `kffAccel` for
   * speeding up (≈ mass / drive force), `kffDecel` for slowing down (≈ mass / brake force). The
   * set-speed ramps are known in advance, so the loop need not wait for an error to build.
   */
  readonly kffAccel: number;
  readonly kffDecel: number;
  /** Time constant of the first-order filter on the derivative term, s. */
  readonly derivativeFilterS: number;
  /** Output limits, command units ([−1, 1]: full brake to full throttle). */
  readonly uMin: number;
  readonly uMax: number;
  /** Control period, µs: the LET grid of the command key. */
  readonly periodUs: number;
  readonly antiWindup: AntiWindup;
}

/** Tuned for DEFAULT_VEHICLE: crossover ≈ 1.3 rad/s, integral zero at 0.2 rad/s. */
export const DEFAULT_PID: PidParams = Object.freeze({
  kp: 0.5,
  ki: 0.2,
  kd: 0,
  kffAccel: 0.4,
  kffDecel: 0.17,
  derivativeFilterS: 0.05,
  uMin: -1,
  uMax: 1,
  periodUs: 10_000,
  antiWindup: Object.freeze({ kind: 'backCalculation', trackingTimeS: 1 }),
});

export function validatePidParams(p: PidParams): void {
  for (const k of ['kp', 'ki', 'kd', 'kffAccel', 'kffDecel', 'derivativeFilterS'] as const) {
    if (!Number.isFinite(p[k]) || p[k] < 0) throw new RangeError(`PID parameter ${k} must be finite and >= 0, got ${p[k]}`);
  }
  if (!Number.isFinite(p.uMin) || !Number.isFinite(p.uMax) || !(p.uMin < p.uMax)) throw new RangeError('PID output limits need uMin < uMax, both finite');
  if (!Number.isSafeInteger(p.periodUs) || p.periodUs <= 0) throw new RangeError(`PID periodUs must be a positive integer, got ${p.periodUs}`);
  if (p.antiWindup.kind === 'backCalculation' && !(Number.isFinite(p.antiWindup.trackingTimeS) && p.antiWindup.trackingTimeS > 0)) {
    throw new RangeError('back-calculation trackingTimeS must be finite and > 0');
  }
}

export interface PidState {
  /** Integral term, command units. */
  readonly iTermU: number;
  /** Filtered derivative term, command units. */
  readonly dTermU: number;
  /** The measurement of the previous step, m/s (meaningful when `initialised`). */
  readonly prevMeasuredMps: number;
  /** False until the first step (no derivative on the first step). */
  readonly initialised: boolean;
}

export const INITIAL_PID_STATE: PidState = Object.freeze({ iTermU: 0, dTermU: 0, prevMeasuredMps: 0, initialised: false });

export interface PidInput {
  /** The command's publish time (LET grid), µs. */
  readonly publishTimeUs: number;
  /** The agreed (fused) speed, m/s. */
  readonly measuredMps: number;
  /** The target speed at this publish time, m/s. */
  readonly targetMps: number;
  /** The target's rate of change at this publish time, m/s² (`targetAccelerationAt`). Default 0. */
  readonly targetAccelMps2?: number;
}

export interface PidStep {
  readonly publishTimeUs: number;
  /** The command after the output limits. */
  readonly commandU: number;
  /** P + I + D before the limits. */
  readonly unsaturatedU: number;
  readonly saturated: boolean;
  readonly errorMps: number;
  /** Proportional plus feed-forward term. */
  readonly pTermU: number;
  /** The state after this step. */
  readonly state: PidState;
}

function clamp(x: number, lo: number, hi: number): number {
  return x > hi ? hi : x < lo ? lo : x;
}

/** One controller step. Pure; deterministic (see the module comment). */
export function pidStep(params: PidParams, state: PidState, input: PidInput): PidStep {
  if (!Number.isFinite(input.measuredMps) || !Number.isFinite(input.targetMps)) {
    throw new RangeError(`controller inputs must be finite (measured ${input.measuredMps}, target ${input.targetMps})`);
  }
  const dtS = params.periodUs / 1e6;
  const targetAccel = input.targetAccelMps2 ?? 0;
  if (!Number.isFinite(targetAccel)) throw new RangeError(`target acceleration must be finite, got ${targetAccel}`);
  const errorMps = input.targetMps - input.measuredMps;
  // The proportional and feed-forward terms carry no state; reported together as pTermU.
  const pTermU = params.kp * errorMps + (targetAccel >= 0 ? params.kffAccel : params.kffDecel) * targetAccel;

  let dTermU = 0;
  if (params.kd > 0 && state.initialised) {
    // Derivative on the measurement (no kick on set-speed changes), first-order filtered.
    const raw = (-params.kd * (input.measuredMps - state.prevMeasuredMps)) / dtS;
    dTermU = state.dTermU + (raw - state.dTermU) * (dtS / (params.derivativeFilterS + dtS));
  }

  const iIncrement = params.ki * errorMps * dtS;
  let iTermU: number;
  let unsaturatedU: number;
  switch (params.antiWindup.kind) {
    case 'none':
      iTermU = state.iTermU + iIncrement;
      unsaturatedU = pTermU + iTermU + dTermU;
      break;
    case 'clamp': {
      const candidate = state.iTermU + iIncrement;
      const v = pTermU + candidate + dTermU;
      const pushingFurther = (v > params.uMax && errorMps > 0) || (v < params.uMin && errorMps < 0);
      iTermU = clamp(pushingFurther ? state.iTermU : candidate, params.uMin, params.uMax);
      unsaturatedU = pTermU + iTermU + dTermU;
      break;
    }
    case 'backCalculation': {
      unsaturatedU = pTermU + state.iTermU + dTermU;
      const u = clamp(unsaturatedU, params.uMin, params.uMax);
      iTermU = state.iTermU + iIncrement + (u - unsaturatedU) * (dtS / params.antiWindup.trackingTimeS);
      break;
    }
  }
  const commandU = clamp(unsaturatedU, params.uMin, params.uMax);
  return {
    publishTimeUs: input.publishTimeUs,
    commandU,
    unsaturatedU,
    saturated: commandU !== unsaturatedU,
    errorMps,
    pTermU,
    state: { iTermU, dTermU, prevMeasuredMps: input.measuredMps, initialised: true },
  };
}

// ---------------------------------------------------------------------------------------------
// The command value: command + state, fused component-wise

/** Layout of the `command` key's float64[] value. */
export const COMMAND_VECTOR_LENGTH = 5;

/** [commandU, iTermU, dTermU, prevMeasuredMps, initialised ? 1 : 0]. */
export function commandVector(commandU: number, state: PidState): number[] {
  return [commandU, state.iTermU, state.dTermU, state.prevMeasuredMps, state.initialised ? 1 : 0];
}

/** Decodes an agreed command vector; throws on a malformed one. */
export function decodeCommandVector(v: readonly number[]): { commandU: number; state: PidState } {
  if (v.length !== COMMAND_VECTOR_LENGTH || !v.every((x) => Number.isFinite(x))) {
    throw new RangeError(`a command vector is ${COMMAND_VECTOR_LENGTH} finite numbers, got [${v.join(', ')}]`);
  }
  const [commandU, iTermU, dTermU, prevMeasuredMps, init] = v as [number, number, number, number, number];
  return { commandU, state: { iTermU, dTermU, prevMeasuredMps, initialised: init >= 0.5 } };
}

/** The component-wise median of command vectors (what the KVS's `componentwiseMedian` computes). */
export function medianOfVectors(vs: readonly (readonly number[])[]): number[] {
  const first = vs[0];
  if (first === undefined) throw new RangeError('median of no vectors');
  return first.map((_, i) => median(vs.map((v) => v[i] ?? Number.NaN)));
}

/** Median of numbers; even count → midpoint of the middle two. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// ---------------------------------------------------------------------------------------------
// Fault modes and the controller node logic

export type ControllerFault =
  /** Adds `offsetU` to the honest command. */
  | (FaultWindow & { readonly kind: 'offset'; readonly offsetU: number })
  /** Repeats `valueU`, or the last command it published before the window. */
  | (FaultWindow & { readonly kind: 'stuck'; readonly valueU?: number })
  /** A uniformly random command in [uMin, uMax], keyed by (seed, publish time). */
  | (FaultWindow & { readonly kind: 'random'; readonly seed: number });

export type ControllerFaultKind = ControllerFault['kind'];

export function validateControllerFault(f: ControllerFault): void {
  if (!Number.isSafeInteger(f.fromUs) || f.fromUs < 0) throw new RangeError(`controller fault ${f.kind}: fromUs must be an integer µs >= 0`);
  if (f.toUs !== undefined && (!Number.isSafeInteger(f.toUs) || f.toUs <= f.fromUs)) throw new RangeError(`controller fault ${f.kind}: toUs must be > fromUs`);
  if (f.kind === 'offset' && !Number.isFinite(f.offsetU)) throw new RangeError('controller fault offset: offsetU must be finite');
  if (f.kind === 'stuck' && f.valueU !== undefined && !Number.isFinite(f.valueU)) throw new RangeError('controller fault stuck: valueU must be finite');
  if (f.kind === 'random' && (!Number.isSafeInteger(f.seed) || f.seed < 0)) throw new RangeError('controller fault random: seed must be a non-negative safe integer');
}

export interface ControllerOutput extends PidStep {
  readonly id: string;
  /** The honest command (equal to `commandU` unless a fault is active). */
  readonly honestU: number;
  /** The fault that altered `commandU`, if any. */
  readonly fault: ControllerFaultKind | undefined;
  /** The value to write to the `command` key: commandVector(commandU, state). */
  readonly vector: number[];
}

export interface CruiseControllerOptions {
  readonly id: string;
  readonly params?: PidParams;
  readonly faults?: readonly ControllerFault[];
}

/**
 * A controller replica: `pidStep` plus local state, `adopt` for the agreed state, `reset` for a
 * restart, and fault modes. Deterministic: no clock, no hidden randomness.
 */
export class CruiseController {
  readonly id: string;
  readonly params: PidParams;
  private readonly faults: readonly ControllerFault[];
  private s: PidState = INITIAL_PID_STATE;
  private lastPublishedU: number | undefined;
  // Publish times are run times: negative during a distributed run's pre-roll.
  private lastPublishUs = Number.NEGATIVE_INFINITY;

  constructor(opts: CruiseControllerOptions) {
    this.id = opts.id;
    this.params = opts.params ?? DEFAULT_PID;
    validatePidParams(this.params);
    this.faults = opts.faults ?? [];
    for (const f of this.faults) validateControllerFault(f);
  }

  get state(): PidState {
    return this.s;
  }

  /** Replace the local state with the agreed one (decoded from the previous agreed command). */
  adopt(state: PidState): void {
    this.s = state;
  }

  /** A restart: all state lost. */
  reset(): void {
    this.s = INITIAL_PID_STATE;
    this.lastPublishedU = undefined;
    this.lastPublishUs = Number.NEGATIVE_INFINITY;
  }

  step(input: PidInput): ControllerOutput {
    if (!Number.isSafeInteger(input.publishTimeUs) || input.publishTimeUs <= this.lastPublishUs) {
      throw new RangeError(`controller ${this.id}: publish times must be increasing integers (got ${input.publishTimeUs} after ${this.lastPublishUs})`);
    }
    this.lastPublishUs = input.publishTimeUs;
    const honest = pidStep(this.params, this.s, input);
    this.s = honest.state;
    let commandU = honest.commandU;
    let fault: ControllerFaultKind | undefined;
    for (const f of this.faults) {
      if (!isActive(f, input.publishTimeUs)) continue;
      fault = f.kind;
      switch (f.kind) {
        case 'offset':
          commandU = commandU + f.offsetU;
          break;
        case 'stuck':
          commandU = f.valueU ?? this.lastPublishedU ?? commandU;
          break;
        case 'random':
          commandU = this.params.uMin + (this.params.uMax - this.params.uMin) * hashUniform(f.seed, 7, input.publishTimeUs);
          break;
      }
    }
    this.lastPublishedU = commandU;
    return { ...honest, id: this.id, commandU, honestU: honest.commandU, fault, vector: commandVector(commandU, honest.state) };
  }
}
