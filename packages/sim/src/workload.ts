/**
 * The simulated applications: redundant writers on publish-time grids and reading controllers.
 *
 * Three keys, each with redundant writers on distinct replicas (so at most one writer per key
 * per faulty node):
 *   speed  float64     median                one writer per replica, up to 3f+1
 *   mode   enum        majority              2f+1 writers (all agree on the true mode)
 *   pose   float64[3]  componentwiseMedian   2f+1 writers
 * In `crash` mode (N >= f+1) every replica hosts a writer of each key, nothing is masked
 * (faultyWriters 0) and a slot needs N - f contributions, so f crashes never starve it.
 *
 * Every write is the key's ground truth at the publish time plus the writer's noise, for the
 * next grid point at least the lead (plus random slack) ahead of the host's clock. A few writes
 * are deliberately too close or too far ahead, to check they are refused.
 */
import type { KeySchemaInput, Mode, Value } from '@bftkvs/core';
import { nextGridPoint } from '@bftkvs/core';
import type { Prng } from './prng.js';

export const MODE_VALUES = ['off', 'cruise', 'brake'] as const;
export const POSE_LENGTH = 3;

export interface WriterSpec {
  readonly id: string;
  readonly key: string;
  readonly host: number;
  readonly periodUs: number;
  readonly offsetUs: number;
  /** First firing, true time relative to the run start. */
  readonly phaseUs: number;
  /** Each writer's fixed noise amplitude (same sensor, same noise). */
  readonly noise: number;
}

export interface WorkloadPlan {
  readonly keys: Record<string, KeySchemaInput>;
  readonly writers: readonly WriterSpec[];
  /** writer -> hosting replica, for the cluster configuration. */
  readonly hosts: Record<string, number>;
  readonly readPeriodUs: number;
  /** Probability that a write is deliberately too close (must be refused with TOO_LATE). */
  readonly tooLateP: number;
  /** Probability that a write is deliberately beyond the horizon. */
  readonly tooFarP: number;
  /** Probability of extra slack on a write's publish time (beyond the minimum lead). */
  readonly slackP: number;
}

export interface WorkloadShape {
  readonly mode: Mode;
  readonly f: number;
  readonly replicas: number;
  /** The lead the configuration will have (µs), to size retention. */
  readonly leadUs: number;
  /**
   * Writes per second the cluster can order (agreed mode's capacity; undefined: no limit). The
   * workload stays within half of it — writes of one slot arrive together — by lengthening the
   * speed key's period: an overloaded agreed cluster misses slots by design (and says so), which
   * is not what a run should test.
   */
  readonly maxWritesPerSec?: number;
}

function ms(us: number): number {
  return us / 1000;
}

export function planWorkload(rng: Prng, shape: WorkloadShape): WorkloadPlan {
  const { mode, f, replicas: n } = shape;
  const crash = mode === 'crash';
  const keys: Record<string, KeySchemaInput> = {};
  const writers: WriterSpec[] = [];
  const hosts: Record<string, number> = {};
  const nodes = (): number[] => rng.shuffle(Array.from({ length: n }, (_, i) => i));

  const addKey = (name: string, prefix: string, count: number, periodUs: number, schema: Omit<KeySchemaInput, 'periodMs' | 'offsetMs' | 'writers' | 'retention'>): void => {
    const offsetUs = rng.chance(0.5) ? 0 : rng.int(0, periodUs / 1000 - 1) * 1000;
    // Retention covers every slot that can be decided ahead of its publish time (lead + slack)
    // twice over, so the newest visible slot is never garbage-collected before it is read.
    const ahead = Math.ceil((shape.leadUs + periodUs) / periodUs) + 2;
    const retention = rng.int(2 * ahead + 8, 2 * ahead + 40);
    const placement = nodes().slice(0, count);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${prefix}_${i}`;
      const host = placement[i] as number;
      ids.push(id);
      hosts[id] = host;
      writers.push({ id, key: name, host, periodUs, offsetUs, phaseUs: rng.int(0, periodUs - 1), noise: rng.real(0.05, 0.5) });
    }
    keys[name] = { ...schema, periodMs: ms(periodUs), offsetMs: ms(offsetUs), writers: ids, retention } as KeySchemaInput;
  };

  const masked = (writerCount: number): Pick<KeySchemaInput, 'faultyWriters' | 'minWriters'> =>
    crash ? { faultyWriters: 0, minWriters: Math.max(1, writerCount - f) } : { faultyWriters: f, minWriters: 2 * f + 1 };

  const speedWriters = crash ? n : Math.min(n, 3 * f + 1);
  const modeWriters = crash ? n : 2 * f + 1;
  const poseWriters = crash ? n : 2 * f + 1;
  let speedPeriodUs = rng.weighted<number>([[1, 10_000], [2, 20_000], [1, 50_000]]);
  if (shape.maxWritesPerSec !== undefined) {
    // mode and pose write at most every 50 ms.
    const budget = shape.maxWritesPerSec / 2 - 20 * (modeWriters + poseWriters);
    while (speedPeriodUs < 100_000 && (speedWriters * 1_000_000) / speedPeriodUs > budget) speedPeriodUs = speedPeriodUs === 10_000 ? 20_000 : speedPeriodUs === 20_000 ? 50_000 : 100_000;
  }
  addKey('speed', 'wheel', speedWriters, speedPeriodUs, { type: 'float64', fuse: 'median', ...masked(speedWriters) });
  addKey('mode', 'ctl', modeWriters, rng.pick([50_000, 100_000]), {
    type: { kind: 'enum', values: [...MODE_VALUES] },
    fuse: 'majority',
    ...masked(modeWriters),
  });
  addKey('pose', 'imu', poseWriters, rng.pick([50_000, 100_000]), {
    type: { kind: 'float64[]', length: POSE_LENGTH },
    fuse: 'componentwiseMedian',
    ...masked(poseWriters),
  });
  writers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    keys,
    writers,
    hosts,
    readPeriodUs: rng.int(5, 20) * 1000,
    tooLateP: rng.pick([0, 0.01, 0.03]),
    tooFarP: rng.pick([0, 0.005]),
    slackP: rng.pick([0.2, 0.5, 0.8]),
  };
}

/** The true value of a key at a publish time (relative to the run start). */
export function truth(key: string, relUs: number): Value {
  const s = relUs / 1_000_000;
  switch (key) {
    case 'speed':
      return 50 + 20 * Math.sin((2 * Math.PI * s) / 1.7);
    case 'mode':
      return MODE_VALUES[Math.floor(relUs / 400_000) % MODE_VALUES.length] as string;
    case 'pose':
      return [Math.sin(s), Math.cos(s), s];
    default:
      throw new RangeError(`no ground truth for key '${key}'`);
  }
}

/** What a correct sensor reports: the truth plus bounded noise (discrete keys are exact). */
export function measured(w: WriterSpec, relUs: number, rng: Prng): Value {
  const v = truth(w.key, relUs);
  if (typeof v === 'number') return round6(v + rng.real(-w.noise, w.noise));
  if (Array.isArray(v)) return (v as number[]).map((x) => round6(x + rng.real(-w.noise, w.noise) / 10));
  return v;
}

/**
 * What a lying writer reports: far from the truth, deterministic per variant so that a
 * "consistent" liar says the same everywhere and an equivocating one says different things.
 */
export function wrongValue(key: string, relUs: number, variant: number): Value {
  const v = truth(key, relUs);
  if (typeof v === 'number') return round6(v + 500 + 250 * variant);
  if (Array.isArray(v)) return (v as number[]).map((x) => round6(x + 50 * (1 + variant)));
  const i = MODE_VALUES.indexOf(v as (typeof MODE_VALUES)[number]);
  return MODE_VALUES[(i + 1 + (variant % (MODE_VALUES.length - 1))) % MODE_VALUES.length] as string;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The publish time a writer targets at local time `localUs`. */
export function targetPublishTime(w: WriterSpec, localUs: number, leadUs: number, slackUs: number): number {
  return nextGridPoint({ periodUs: w.periodUs, offsetUs: w.offsetUs }, localUs + leadUs + slackUs);
}
