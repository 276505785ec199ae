/** Fuse functions: how the values written into one slot become the slot's value. */
export type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
export { mean } from './mean.js';
export { median } from './median.js';
export { midValueSelect } from './midValueSelect.js';
export { trimmedMean } from './trimmedMean.js';
export { faultTolerantMidpoint } from './faultTolerantMidpoint.js';
export { componentwiseMedian } from './componentwiseMedian.js';
export { majority } from './majority.js';
export type { MajorityThreshold } from './majority.js';
export { marzullo, marzulloInterval } from './marzullo.js';
export { brooksIyengar, brooksIyengarRegions } from './brooksIyengar.js';
export type { BrooksIyengarResult } from './brooksIyengar.js';
export type { Interval as FuseInterval, Region as FuseRegion } from './intervals.js';
export { FuseRegistry, FUSE_NAME_PATTERN, builtinFuseFunctions, checkFuseFunction, createFuseRegistry } from './registry.js';
