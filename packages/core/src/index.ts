export * from './value.js';
export * from './time.js';
export * from './errors.js';
export * from './schema.js';
export * from './cluster.js';
export * from './slotStore.js';
export * from './fuse/index.js';
export type * from './replica/types.js';
