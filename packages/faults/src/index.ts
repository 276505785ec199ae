export * from './craft.js';
export * from './frames.js';
