/** @bftkvs/vehicle: the vehicle testbed's pure models, scenarios, in-process loops and report. */
export * from './random.js';
export * from './plant.js';
export * from './profile.js';
export * from './sensors.js';
export * from './controller.js';
export * from './record.js';
export * from './metrics.js';
export * from './scenarios.js';
export * from './keys.js';
export * from './baseline.js';
export * from './svg.js';
export * from './mcap.js';
export * from './report.js';
