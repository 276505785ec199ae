/** Small fixtures shared by the core's tests (not part of the public API). */
import { createFuseRegistry } from './fuse/index.js';
import { parseKeySchemas } from './schema.js';
import { SlotStore } from './slotStore.js';
import type { SlotStoreOptions } from './slotStore.js';

export const SPEED_KEYS = {
  speed: { type: 'float64', periodMs: 10, writers: ['wheel_a', 'wheel_b', 'wheel_c'], fuse: 'median', retention: 5 },
  mode: { type: { kind: 'enum', values: ['off', 'cruise', 'brake'] }, periodMs: 100, writers: ['ctl_a', 'ctl_b', 'ctl_c'], fuse: 'majority' },
} as const;

export function makeStore(overrides: Partial<SlotStoreOptions> = {}, keys: unknown = SPEED_KEYS): SlotStore {
  const fuse = createFuseRegistry();
  return new SlotStore({
    keys: parseKeySchemas(keys, fuse),
    fuse,
    minLeadUs: 2_000,
    horizonUs: 1_000_000,
    closeBeforeUs: 500,
    ...overrides,
  });
}
