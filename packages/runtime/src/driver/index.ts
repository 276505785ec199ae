export * from './replicaDriver.js';
export * from './clientRoute.js';
export * from './timerLag.js';
export * from './udpReplica.js';
export * from './replicaTransports.js';
export * from './benchProbe.js';
