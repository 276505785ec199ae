/**
 * Longitudinal vehicle model (one degree of freedom: speed along the road).
 *
 *   m · dv/dt = F_drive(e, v) − F_brake(e) − ½·ρ·Cd·A·v² − Crr·m·g·cos θ − m·g·sin θ
 *   τ · de/dt = u − e
 *
 * `u` ∈ [−1, 1] is the actuator command (positive: throttle, negative: brake), `e` the actuator
 * effort after a first-order lag with time constant τ. Drive force is `e·min(F_drive,max,
 * P_max / v)` (a force limit at low speed, a power limit above), brake force `|e|·F_brake,max`.
 * θ = atan(grade) is the road angle; the grade comes from a `RoadProfile` over distance or time.
 *
 * Integration: semi-implicit Euler at a fixed internal step (1 ms by default): the lag is
 * discretised exactly (`e += (u − e)·(1 − e^(−dt/τ))`), then speed, then position with the new
 * speed. Speed is clamped at 0: the vehicle does not reverse, and at standstill resistive forces
 * (brake, rolling resistance, and — a simplification — an uphill grade) only hold it there.
 *
 * Time is an integer in µs (`*Us`); nothing here reads a clock. Pure except for the small
 * `VehiclePlant` wrapper that owns a state.
 */

export interface VehicleParams {
  /** Vehicle mass including load, kg. */
  readonly massKg: number;
  /** Aerodynamic drag coefficient Cd, dimensionless. */
  readonly dragCoefficient: number;
  /** Frontal area A, m². */
  readonly frontalAreaM2: number;
  /** Air density ρ, kg/m³. */
  readonly airDensityKgPerM3: number;
  /** Rolling-resistance coefficient Crr, dimensionless (N of resistance per N of normal load). */
  readonly rollingResistanceCoefficient: number;
  /** Gravitational acceleration g, m/s². */
  readonly gravityMps2: number;
  /** Maximum tractive force at the wheels (low-speed limit), N. */
  readonly maxDriveForceN: number;
  /** Maximum tractive power at the wheels, W: above P/F_max the drive force is P/v. */
  readonly maxDrivePowerW: number;
  /** Maximum braking force, N. */
  readonly maxBrakeForceN: number;
  /** First-order actuator lag time constant τ, s (0: no lag). */
  readonly actuatorTimeConstantS: number;
  /** Internal integration step, µs (1000 µs = 1 kHz). */
  readonly stepUs: number;
}

/** A mid-size passenger car. */
export const DEFAULT_VEHICLE: VehicleParams = Object.freeze({
  massKg: 1500,
  dragCoefficient: 0.3,
  frontalAreaM2: 2.2,
  airDensityKgPerM3: 1.225,
  rollingResistanceCoefficient: 0.01,
  gravityMps2: 9.81,
  maxDriveForceN: 4000,
  maxDrivePowerW: 80_000,
  maxBrakeForceN: 9000,
  actuatorTimeConstantS: 0.2,
  stepUs: 1000,
});

/** Throws a RangeError naming the first bad parameter. */
export function validateVehicleParams(p: VehicleParams): void {
  const positive: (keyof VehicleParams)[] = [
    'massKg',
    'frontalAreaM2',
    'airDensityKgPerM3',
    'gravityMps2',
    'maxDriveForceN',
    'maxDrivePowerW',
    'maxBrakeForceN',
  ];
  for (const k of positive) {
    if (!Number.isFinite(p[k]) || p[k] <= 0) throw new RangeError(`vehicle parameter ${k} must be finite and > 0, got ${p[k]}`);
  }
  const nonNegative: (keyof VehicleParams)[] = ['dragCoefficient', 'rollingResistanceCoefficient', 'actuatorTimeConstantS'];
  for (const k of nonNegative) {
    if (!Number.isFinite(p[k]) || p[k] < 0) throw new RangeError(`vehicle parameter ${k} must be finite and >= 0, got ${p[k]}`);
  }
  if (!Number.isSafeInteger(p.stepUs) || p.stepUs <= 0 || p.stepUs > 100_000) {
    throw new RangeError(`vehicle parameter stepUs must be an integer in (0, 100000] µs, got ${p.stepUs}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Road grade

/** A grade breakpoint: grade is rise/run (0.04 = 4 % uphill, negative downhill). */
export interface GradePointByDistance {
  readonly atM: number;
  readonly grade: number;
}
export interface GradePointByTime {
  readonly atUs: number;
  readonly grade: number;
}

/**
 * Road grade, piecewise linear between breakpoints and held beyond the first/last one. By
 * distance (the physical case: a hill is at a place) or by time (handy for tests).
 */
export type RoadProfile =
  | { readonly kind: 'flat' }
  | { readonly kind: 'distance'; readonly points: readonly GradePointByDistance[] }
  | { readonly kind: 'time'; readonly points: readonly GradePointByTime[] };

export const FLAT_ROAD: RoadProfile = Object.freeze({ kind: 'flat' });

/** Linear interpolation over breakpoints sorted by `xOf`; held constant outside. */
export function interpolate<T>(points: readonly T[], xOf: (p: T) => number, yOf: (p: T) => number, x: number): number {
  const first = points[0];
  if (first === undefined) return 0;
  if (x <= xOf(first)) return yOf(first);
  for (let i = 1; i < points.length; i++) {
    const b = points[i]!;
    const xb = xOf(b);
    if (x < xb) {
      const a = points[i - 1]!;
      const xa = xOf(a);
      return yOf(a) + ((x - xa) / (xb - xa)) * (yOf(b) - yOf(a));
    }
  }
  return yOf(points[points.length - 1]!);
}

export function validateRoadProfile(road: RoadProfile): void {
  if (road.kind === 'flat') return;
  const xs = road.kind === 'distance' ? road.points.map((p) => p.atM) : road.points.map((p) => p.atUs);
  road.points.forEach((p, i) => {
    if (!Number.isFinite(p.grade) || Math.abs(p.grade) > 0.5) throw new RangeError(`road grade #${i} must be finite and within ±0.5, got ${p.grade}`);
    const x = xs[i]!;
    if (!Number.isFinite(x)) throw new RangeError(`road breakpoint #${i} position is not finite`);
    if (i > 0 && !(x > xs[i - 1]!)) throw new RangeError(`road breakpoints must be strictly increasing (#${i})`);
  });
}

/** Grade (rise/run) at a position (m) and time (µs). */
export function gradeAt(road: RoadProfile, positionM: number, timeUs: number): number {
  switch (road.kind) {
    case 'flat':
      return 0;
    case 'distance':
      return interpolate(road.points, (p) => p.atM, (p) => p.grade, positionM);
    case 'time':
      return interpolate(road.points, (p) => p.atUs, (p) => p.grade, timeUs);
  }
}

// ---------------------------------------------------------------------------------------------
// Forces and one step

/** The forces acting along the road, N. Resistive forces are reported as positive magnitudes. */
export interface LongitudinalForces {
  readonly driveN: number;
  readonly brakeN: number;
  readonly dragN: number;
  readonly rollingN: number;
  /** m·g·sin θ: positive uphill (resists), negative downhill (pushes). */
  readonly gradeN: number;
  /** drive − brake − drag − rolling − grade. */
  readonly netN: number;
}

/** Clamps a command to [−1, 1]; a non-finite command (NaN, ±∞) counts as 0 (coast). */
export function clampCommand(u: number): number {
  if (!Number.isFinite(u)) return 0;
  return u > 1 ? 1 : u < -1 ? -1 : u;
}

/** Maximum tractive force available at speed v (force limit, then power limit), N. */
export function availableDriveForceN(p: VehicleParams, speedMps: number): number {
  return speedMps > 0 ? Math.min(p.maxDriveForceN, p.maxDrivePowerW / speedMps) : p.maxDriveForceN;
}

/**
 * Forces at speed `speedMps` with actuator effort `effort` ∈ [−1, 1] on grade `grade`. Brake and
 * rolling resistance act only while moving (at standstill the speed clamp holds the vehicle).
 */
export function longitudinalForces(p: VehicleParams, speedMps: number, effort: number, grade: number): LongitudinalForces {
  const theta = Math.atan(grade);
  const moving = speedMps > 0;
  const driveN = effort > 0 ? effort * availableDriveForceN(p, speedMps) : 0;
  const brakeN = effort < 0 && moving ? -effort * p.maxBrakeForceN : 0;
  const dragN = 0.5 * p.airDensityKgPerM3 * p.dragCoefficient * p.frontalAreaM2 * speedMps * speedMps;
  const rollingN = moving ? p.rollingResistanceCoefficient * p.massKg * p.gravityMps2 * Math.cos(theta) : 0;
  const gradeN = p.massKg * p.gravityMps2 * Math.sin(theta);
  return { driveN, brakeN, dragN, rollingN, gradeN, netN: driveN - brakeN - dragN - rollingN - gradeN };
}

export interface PlantState {
  /** Simulation time, µs. */
  readonly timeUs: number;
  /** Distance travelled, m. */
  readonly positionM: number;
  /** True speed, m/s (>= 0). */
  readonly speedMps: number;
  /** Acceleration over the last step, m/s². */
  readonly accelerationMps2: number;
  /** Actuator effort after the lag, [−1, 1]. */
  readonly effort: number;
  /** The last command applied (after clamping), [−1, 1]. */
  readonly commandU: number;
  /** Road grade at the current position (rise/run). */
  readonly grade: number;
}

export function initialPlantState(opts: { speedMps?: number; positionM?: number; timeUs?: number; effort?: number } = {}): PlantState {
  const speedMps = opts.speedMps ?? 0;
  if (!Number.isFinite(speedMps) || speedMps < 0) throw new RangeError(`initial speed must be finite and >= 0 m/s, got ${speedMps}`);
  const timeUs = opts.timeUs ?? 0;
  if (!Number.isSafeInteger(timeUs)) throw new RangeError(`initial time must be an integer µs, got ${timeUs}`);
  const effort = clampCommand(opts.effort ?? 0);
  return { timeUs, positionM: opts.positionM ?? 0, speedMps, accelerationMps2: 0, effort, commandU: effort, grade: 0 };
}

/** The effort needed to hold `speedMps` on `grade` (may be outside [−1, 1] if impossible). */
export function steadyStateEffort(p: VehicleParams, speedMps: number, grade: number): number {
  const f = longitudinalForces(p, speedMps, 0, grade);
  const resist = f.dragN + f.rollingN + f.gradeN;
  return resist >= 0 ? resist / availableDriveForceN(p, speedMps) : resist / p.maxBrakeForceN;
}

/**
 * Advances the state by one internal step of `p.stepUs` under command `commandU` (held for the
 * step). Pure.
 */
export function stepPlant(p: VehicleParams, road: RoadProfile, s: PlantState, commandU: number): PlantState {
  const dtS = p.stepUs / 1e6;
  const u = clampCommand(commandU);
  const alpha = p.actuatorTimeConstantS > 0 ? 1 - Math.exp(-dtS / p.actuatorTimeConstantS) : 1;
  const effort = s.effort + (u - s.effort) * alpha;
  const grade = gradeAt(road, s.positionM, s.timeUs);
  const f = longitudinalForces(p, s.speedMps, effort, grade);
  const a = f.netN / p.massKg;
  const speedMps = Math.max(0, s.speedMps + a * dtS);
  const positionM = s.positionM + speedMps * dtS;
  return {
    timeUs: s.timeUs + p.stepUs,
    positionM,
    speedMps,
    accelerationMps2: (speedMps - s.speedMps) / dtS,
    effort,
    commandU: u,
    grade,
  };
}

/**
 * The speed at which the forces balance for a held effort on a constant grade (m/s), found by
 * bisection on the force balance — an analytical check on the integrator, not used by it.
 * Returns 0 if the vehicle cannot move.
 */
export function terminalSpeedMps(p: VehicleParams, grade: number, effort = 1): number {
  const net = (v: number): number => longitudinalForces(p, v, effort, grade).netN;
  if (net(1e-9) <= 0) return 0;
  let lo = 1e-9;
  let hi = 1;
  while (net(hi) > 0) {
    hi *= 2;
    if (hi > 1e4) throw new RangeError('no terminal speed below 10 km/s: check the parameters');
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (net(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Owns a plant state; steps it at the fixed internal rate up to a requested time. */
export class VehiclePlant {
  private s: PlantState;
  readonly params: VehicleParams;
  readonly road: RoadProfile;

  constructor(opts: { params?: VehicleParams; road?: RoadProfile; initial?: PlantState } = {}) {
    this.params = opts.params ?? DEFAULT_VEHICLE;
    this.road = opts.road ?? FLAT_ROAD;
    validateVehicleParams(this.params);
    validateRoadProfile(this.road);
    this.s = opts.initial ?? initialPlantState();
    this.s = { ...this.s, grade: gradeAt(this.road, this.s.positionM, this.s.timeUs) };
  }

  get state(): PlantState {
    return this.s;
  }

  /**
   * Steps with `commandU` held (zero-order hold) until the state's time reaches `timeUs` (whole
   * internal steps: it stops at the last step boundary <= timeUs).
   */
  advanceTo(timeUs: number, commandU: number): PlantState {
    if (!Number.isSafeInteger(timeUs)) throw new RangeError(`advanceTo expects an integer µs time, got ${timeUs}`);
    while (this.s.timeUs + this.params.stepUs <= timeUs) {
      this.s = stepPlant(this.params, this.road, this.s, commandU);
    }
    return this.s;
  }
}
