export * from './errors.js';
export * from './value.js';
export * from './slot.js';
export * from './kvsClient.js';
