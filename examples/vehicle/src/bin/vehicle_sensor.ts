/**
 * `vehicle_sensor`: see examples/vehicle/src/distributed/sensorNode.ts. Started by the vehicle launch
 * files (`node pkg="bftkvs" exec="vehicle_sensor"`); `--help` lists its parameters.
 */
import { runNode } from '@bftkvs/nodes';
import { SensorNode } from '../distributed/sensorNode.js';

process.exit(await runNode(() => new SensorNode()));
