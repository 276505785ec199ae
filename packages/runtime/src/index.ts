export * from './clock.js';
export * from './ros2/index.js';
export * from './counters.js';
export * from './transport/index.js';
export * from './config.js';
export * from './keys/index.js';
export * from './driver/index.js';
export * from './crypto/nodeCrypto.js';
