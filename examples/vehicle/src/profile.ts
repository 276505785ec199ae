/**
 * Target-speed profiles and drive cycles (target profile + road + start speed + duration).
 *
 * A target profile is piecewise linear between breakpoints (held before the first and after the
 * last). Set-speed changes are ramps, as a cruise control ramps its set speed; a true step is
 * two breakpoints 1 µs apart. `targetSpeedAt` uses only +, −, ×, ÷ on agreed inputs (the publish
 * time), so every controller replica computes the same target bit for bit.
 */
import { interpolate, type RoadProfile, FLAT_ROAD, validateRoadProfile } from './plant.js';

export interface SpeedPoint {
  /** Time, µs from the start of the run. */
  readonly atUs: number;
  /** Target speed, m/s. */
  readonly speedMps: number;
}

export interface SpeedProfile {
  readonly points: readonly SpeedPoint[];
}

export function validateSpeedProfile(profile: SpeedProfile): void {
  if (profile.points.length === 0) throw new RangeError('a speed profile needs at least one breakpoint');
  profile.points.forEach((p, i) => {
    if (!Number.isSafeInteger(p.atUs)) throw new RangeError(`speed breakpoint #${i}: atUs must be an integer µs`);
    if (!Number.isFinite(p.speedMps) || p.speedMps < 0) throw new RangeError(`speed breakpoint #${i}: speed must be finite and >= 0 m/s`);
    if (i > 0 && !(p.atUs > profile.points[i - 1]!.atUs)) throw new RangeError(`speed breakpoints must be strictly increasing in time (#${i})`);
  });
}

/** The target speed at publish time `tUs`, m/s. */
export function targetSpeedAt(profile: SpeedProfile, tUs: number): number {
  return interpolate(profile.points, (p) => p.atUs, (p) => p.speedMps, tUs);
}

/**
 * The target's rate of change at `tUs`, m/s²: the slope of the segment containing `tUs`
 * (right-continuous; 0 outside the breakpoints and across a 1 µs step). Same arithmetic
 * guarantees as `targetSpeedAt`.
 */
export function targetAccelerationAt(profile: SpeedProfile, tUs: number): number {
  const pts = profile.points;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (tUs >= a.atUs && tUs < b.atUs) {
      const dtUs = b.atUs - a.atUs;
      return dtUs <= 1 ? 0 : ((b.speedMps - a.speedMps) / dtUs) * 1e6;
    }
  }
  return 0;
}

export interface DriveCycle {
  readonly name: DriveCycleName;
  readonly description: string;
  readonly target: SpeedProfile;
  readonly road: RoadProfile;
  /** Speed at t = 0, m/s. */
  readonly initialSpeedMps: number;
  /** Natural length of the cycle, µs (a scenario may run it shorter or longer). */
  readonly durationUs: number;
}

export type DriveCycleName = 'cruise' | 'step' | 'hill' | 'mixed' | 'windup';

const S = 1_000_000;

export const DRIVE_CYCLES: Readonly<Record<DriveCycleName, DriveCycle>> = Object.freeze({
  cruise: {
    name: 'cruise',
    description: 'Hold 20 m/s on a flat road.',
    target: { points: [{ atUs: 0, speedMps: 20 }] },
    road: FLAT_ROAD,
    initialSpeedMps: 20,
    durationUs: 30 * S,
  },
  step: {
    name: 'step',
    description: 'Cruise at 20 m/s; at 10 s the set speed steps to 25 m/s, ramped at 1 m/s².',
    target: {
      points: [
        { atUs: 10 * S, speedMps: 20 },
        { atUs: 15 * S, speedMps: 25 },
      ],
    },
    road: FLAT_ROAD,
    initialSpeedMps: 20,
    durationUs: 30 * S,
  },
  hill: {
    name: 'hill',
    description: 'Hold 20 m/s over a 4 % climb between 300 m and 700 m (50 m transitions).',
    target: { points: [{ atUs: 0, speedMps: 20 }] },
    road: {
      kind: 'distance',
      points: [
        { atM: 300, grade: 0 },
        { atM: 350, grade: 0.04 },
        { atM: 650, grade: 0.04 },
        { atM: 700, grade: 0 },
      ],
    },
    initialSpeedMps: 20,
    durationUs: 45 * S,
  },
  mixed: {
    name: 'mixed',
    description:
      'Cruise 20 m/s; 10–15 s ramp to 25 m/s; a 4 % climb from 600 m to 1000 m (≈26–43 s); ' +
      '45–48.5 s slow to 18 m/s at 2 m/s² (needs the brake); hold to 60 s.',
    target: {
      points: [
        { atUs: 10 * S, speedMps: 20 },
        { atUs: 15 * S, speedMps: 25 },
        { atUs: 45 * S, speedMps: 25 },
        { atUs: 48.5 * S, speedMps: 18 },
      ],
    },
    road: {
      kind: 'distance',
      points: [
        { atM: 600, grade: 0 },
        { atM: 650, grade: 0.04 },
        { atM: 950, grade: 0.04 },
        { atM: 1000, grade: 0 },
      ],
    },
    initialSpeedMps: 20,
    durationUs: 60 * S,
  },
  windup: {
    name: 'windup',
    description: 'Cruise 10 m/s; at 5 s the set speed jumps (unramped) to 30 m/s: the command saturates for seconds.',
    target: {
      points: [
        { atUs: 5 * S, speedMps: 10 },
        { atUs: 5 * S + 1, speedMps: 30 },
      ],
    },
    road: FLAT_ROAD,
    initialSpeedMps: 10,
    durationUs: 40 * S,
  },
});

export function driveCycle(name: string): DriveCycle {
  const c = (DRIVE_CYCLES as Record<string, DriveCycle | undefined>)[name];
  if (c === undefined) throw new RangeError(`unknown drive cycle "${name}"; known: ${Object.keys(DRIVE_CYCLES).join(', ')}`);
  validateSpeedProfile(c.target);
  validateRoadProfile(c.road);
  return c;
}
