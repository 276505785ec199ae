export * from './node/logger.js';
export * from './node/parameters.js';
export * from './node/node.js';
export * from './faults/index.js';
export * from './replica/replicaNode.js';
