/**
 * The KVS keys the vehicle testbed uses, in the configuration form of a key schema (times in ms,
 * as in the cluster YAML), so the launch files and the in-process loops agree on one definition.
 *
 * - `speed`: float64 m/s, written by the 3 sensors on the sensor grid, fused by `median`
 *   (masks 1 arbitrary value out of 3; needs all 3 contributions: 2f+1).
 * - `command`: float64[5] = [commandU, iTermU, dTermU, prevMeasuredMps, initialised] (see
 *   controller.ts `commandVector`), written by the 3 controllers on the control grid, fused by
 *   `componentwiseMedian`. Carrying the controller state in the value is what lets a restarted
 *   or diverged controller replica re-adopt the agreed state.
 *
 * With f = 1 and 3 writers, masking a wrong value needs every writer's contribution: a *silent*
 * sensor or controller makes its slot miss (counted, the actuator holds then coasts). Tolerating a
 * crash *and* a liar at once needs 4 writers — a deliberate limit of this deployment.
 */
import { COMMAND_VECTOR_LENGTH } from './controller.js';
import { CONTROLLER_IDS, SENSOR_IDS } from './scenarios.js';

export const SPEED_KEY = 'speed';
export const COMMAND_KEY = 'command';

export interface VehicleKeyConfig {
  readonly type: { readonly kind: 'float64'; readonly min: number; readonly max: number } | { readonly kind: 'float64[]'; readonly length: number };
  readonly periodMs: number;
  readonly offsetMs: number;
  readonly writers: readonly string[];
  readonly fuse: string;
  readonly faultyWriters: number;
  /** Fewest contributions for a slot to publish; absent: what the fuse needs to mask faultyWriters. */
  readonly minWriters?: number;
}

/** Key schemas for a LET grid of `periodUs` (sensor and control period alike). */
export function vehicleKeys(periodUs = 10_000, faultyWriters = 1, minWriters?: number): Readonly<Record<string, VehicleKeyConfig>> {
  if (!Number.isSafeInteger(periodUs) || periodUs <= 0 || periodUs % 1000 !== 0) throw new RangeError('periodUs must be a positive whole number of ms');
  const min = minWriters === undefined ? {} : { minWriters };
  return {
    [SPEED_KEY]: { type: { kind: 'float64', min: 0, max: 150 }, periodMs: periodUs / 1000, offsetMs: 0, writers: [...SENSOR_IDS], fuse: 'median', faultyWriters, ...min },
    [COMMAND_KEY]: { type: { kind: 'float64[]', length: COMMAND_VECTOR_LENGTH }, periodMs: periodUs / 1000, offsetMs: 0, writers: [...CONTROLLER_IDS], fuse: 'componentwiseMedian', faultyWriters, ...min },
  };
}

/**
 * The keys of the distributed testbed (launch/config/vehicle.yaml): a 50 ms grid, and
 * minWriters 2 with no declared masking. The median of three still masks one wrong value, and
 * a slot still publishes when one writer's node is down — a crash or a liar, not both at once.
 * Requiring all three (faultyWriters 1) would turn every node crash into missed slots.
 */
export const DISTRIBUTED_KEYS = vehicleKeys(50_000, 0, 2);
