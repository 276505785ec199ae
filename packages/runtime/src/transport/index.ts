export * from './types.js';
export * from './address.js';
export * from './udp.js';
export * from './inproc.js';
