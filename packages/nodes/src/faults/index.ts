export * from './profile.js';
export * from './wrappers.js';
