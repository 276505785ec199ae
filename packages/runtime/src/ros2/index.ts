/**
 * The ROS 2 backend of the runtime. Importing it loads nothing of ROS: every module here
 * imports rclnodejs's types only, and the library itself is loaded by `loadRclnodejs` when a
 * session opens, after `detectRos2` found ROS 2 sourced. Importing it registers the `ros2`
 * replica transport (replacing the stand-in of driver/replicaTransports.ts).
 */
import { registerReplicaTransport } from '../driver/replicaTransports.js';
import { openRos2ReplicaTransports } from './replicaTransport.js';

export * from './environment.js';
export * from './fieldPath.js';
export * from './messageSchema.js';
export * from './params.js';
export * from './qos.js';
export * from './names.js';
export * from './rosMessages.js';
export * from './mapping.js';
export * from './bindings.js';
export * from './diagnostics.js';
export * from './rosOptions.js';
export * from './session.js';
export * from './rosClock.js';
export * from './transport.js';
export * from './rclHelpers.js';
export * from './replicaInterface.js';
export * from './replicaTransport.js';

registerReplicaTransport('ros2', (ctx) => openRos2ReplicaTransports(ctx));
