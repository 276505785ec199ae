/**
 * `vehicle_controller`: see examples/vehicle/src/distributed/controllerNode.ts. Started by the vehicle launch
 * files (`node pkg="bftkvs" exec="vehicle_controller"`); `--help` lists its parameters.
 */
import { runNode } from '@bftkvs/nodes';
import { ControllerNode } from '../distributed/controllerNode.js';

process.exit(await runNode(() => new ControllerNode()));
