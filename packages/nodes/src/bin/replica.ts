/**
 * `replica`: one replica of a bftkvs cluster, as a process. Started by launch files
 * (`node pkg="bftkvs" exec="replica"`) or by hand:
 *
 *   node --conditions=@bftkvs/source --import tsx packages/nodes/src/bin/replica.ts \
 *     --ros-args -r __node:=replica_0 -p replica_id:=0
 *
 * `--help` lists the parameters.
 */
import { runNode } from '../node/node.js';
import { ReplicaNode } from '../replica/replicaNode.js';

process.exit(await runNode(() => new ReplicaNode()));
