export * from './keyFile.js';
