/**
 * `vehicle_world`: see examples/vehicle/src/distributed/worldNode.ts. Started by the vehicle launch
 * files (`node pkg="bftkvs" exec="vehicle_world"`); `--help` lists its parameters.
 */
import { runNode } from '@bftkvs/nodes';
import { WorldNode } from '../distributed/worldNode.js';

process.exit(await runNode(() => new WorldNode()));
