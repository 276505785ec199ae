export * from './clock.js';
export * from './ros2/environment.js';
