/**
 * `vehicle_actuator`: see examples/vehicle/src/distributed/actuatorNode.ts. Started by the vehicle launch
 * files (`node pkg="bftkvs" exec="vehicle_actuator"`); `--help` lists its parameters.
 */
import { runNode } from '@bftkvs/nodes';
import { ActuatorNode } from '../distributed/actuatorNode.js';

process.exit(await runNode(() => new ActuatorNode()));
