/**
 * Small adapters between the pure modules and a loaded rclnodejs: message schemas for binding
 * checks, and node parameters declared as read-only ROS parameters.
 */
import type { Node, ParameterType } from 'rclnodejs';
import { ConfigError } from '@bftkvs/core';
import type { Rclnodejs } from './environment.js';
import type { MessageSchema, RosMessageDefField, SchemaLookup } from './messageSchema.js';
import { interfaceDescriptor, parseInterfaceType, schemaFromRosMessageDef } from './messageSchema.js';
import type { RosParamMap } from './params.js';
import { isReservedParameter, rosParameterDecl } from './params.js';

/**
 * Message schemas from the interfaces rclnodejs generated (any package found on
 * AMENT_PREFIX_PATH when it generated them). Unknown types give undefined; results are cached.
 */
export function rclSchemaLookup(rcl: Rclnodejs): SchemaLookup {
  const cache = new Map<string, MessageSchema | undefined>();
  return (type) => {
    if (cache.has(type)) return cache.get(type);
    let schema: MessageSchema | undefined;
    const parsed = parseInterfaceType(type, 'msg');
    if (parsed.ok) {
      let def: ReturnType<Rclnodejs['getMessageSchema']> = null;
      try {
        def = rcl.getMessageSchema(interfaceDescriptor(parsed.type));
      } catch {
        def = null; // not generated: unknown
      }
      if (def !== null) {
        try {
          schema = schemaFromRosMessageDef(parsed.type, def.fields as readonly RosMessageDefField[]);
        } catch (e) {
          throw new ConfigError(`cannot read the definition of ${parsed.type} from rclnodejs: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
    cache.set(type, schema);
    return schema;
  };
}

export interface DeclaredParameters {
  readonly declared: readonly string[];
  /** Already declared by rclnodejs (use_sim_time) or reserved (qos_overrides.*). */
  readonly skipped: readonly string[];
}

/**
 * Declares every node parameter as a read-only ROS parameter holding the value the node runs
 * with (launch-time overrides were already merged into `params` by the node's parameter
 * loader, so rcl's own overrides are ignored here and `ros2 param get` shows exactly what is
 * in use). Read-only because a replica reads its configuration once, at start-up.
 */
export function declareNodeParameters(rcl: Rclnodejs, node: Node, params: RosParamMap): DeclaredParameters {
  const declared: string[] = [];
  const skipped: string[] = [];
  for (const name of Object.keys(params).sort()) {
    if (isReservedParameter(name) || node.hasParameter(name)) {
      skipped.push(name);
      continue;
    }
    const d = rosParameterDecl(name, params[name] as RosParamMap[string]);
    const type = d.type as ParameterType;
    const parameter = new rcl.Parameter(name, type, d.value);
    const descriptor = new rcl.ParameterDescriptor(name, type, 'bftkvs node parameter (read at start-up; restart the node to change it)', true);
    node.declareParameter(parameter, descriptor, true);
    declared.push(name);
  }
  return { declared, skipped };
}
