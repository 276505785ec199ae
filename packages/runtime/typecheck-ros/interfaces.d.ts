/* A stand-in for the `types/interfaces.d.ts` that rclnodejs generates on a machine with ROS 2
 * (rostsd_gen): the same type aliases, in the same shapes, over a few interfaces. With it,
 * `MessageType<T>`, `ServiceType<T>` and friends are strict as they are on a ROS machine,
 * instead of unresolved (and so permissive) as they are where rclnodejs never generated them.
 * Used only by ./tsconfig.json (see src/ros2/generatedTypes.test.ts); never part of the build. */
declare module 'rclnodejs' {
  namespace builtin_interfaces {
    namespace msg {
      export interface Time {
        sec: number;
        nanosec: number;
      }
      export interface TimeConstructor {
        new (other?: Time): Time;
      }
    }
  }
  namespace std_msgs {
    namespace msg {
      export interface Float64 {
        data: number;
      }
      export interface Float64Constructor {
        new (other?: Float64): Float64;
      }
    }
  }
  namespace example_interfaces {
    namespace srv {
      export interface AddTwoInts_Request {
        a: bigint;
        b: bigint;
      }
      export interface AddTwoInts_RequestConstructor {
        new (other?: AddTwoInts_Request): AddTwoInts_Request;
      }
      export interface AddTwoInts_Response {
        sum: bigint;
      }
      export interface AddTwoInts_ResponseConstructor {
        new (other?: AddTwoInts_Response): AddTwoInts_Response;
      }
      export interface AddTwoIntsConstructor extends ROSService {
        readonly Request: AddTwoInts_RequestConstructor;
        readonly Response: AddTwoInts_ResponseConstructor;
      }
    }
  }
  namespace rcl_interfaces {
    namespace msg {
      export interface SetParametersResult {
        successful: boolean;
        reason: string;
      }
      export interface ParameterValue {
        type: number;
      }
      export interface Parameter {
        name: string;
        value: ParameterValue;
      }
      export interface ParameterDescriptor {
        name: string;
        type: number;
        description: string;
        read_only: boolean;
      }
    }
  }
  namespace unique_identifier_msgs {
    namespace msg {
      export interface UUID {
        uuid: number[] | Uint8Array;
      }
    }
  }
  namespace action_msgs {
    namespace srv {
      export interface CancelGoal_Response {
        return_code: number;
      }
    }
  }
  type MessagesMap = {
    string: 'string';
    'builtin_interfaces/msg/Time': builtin_interfaces.msg.Time;
    'std_msgs/msg/Float64': std_msgs.msg.Float64;
  };
  type MessageTypeClassName = keyof MessagesMap;
  type Message = MessagesMap[MessageTypeClassName];
  type MessageType<T> = T extends MessageTypeClassName ? MessagesMap[T] : T extends new (...args: any[]) => infer R ? R : object;
  type MessageTypeClassConstructorMap = {
    string: never;
    'builtin_interfaces/msg/Time': builtin_interfaces.msg.TimeConstructor;
    'std_msgs/msg/Float64': std_msgs.msg.Float64Constructor;
  };
  type MessageConstructorType<T> = T extends MessageTypeClassName ? MessageTypeClassConstructorMap[T] : object;
  type ServicesMap = {
    'example_interfaces/srv/AddTwoInts': example_interfaces.srv.AddTwoIntsConstructor;
  };
  type ServiceTypeClassName = keyof ServicesMap;
  type Service = ServicesMap[ServiceTypeClassName];
  type ServiceType<T> = T extends ServiceTypeClassName ? ServicesMap[T] : T extends { Request: any; Response: any } ? T : object;
  type ActionsMap = {};
  type ActionTypeClassName = keyof ActionsMap;
  type Action = ActionsMap[ActionTypeClassName];
  type ActionType<T> = T extends ActionTypeClassName ? ActionsMap[T] : T extends { Goal: any; Feedback: any; Result: any } ? T : object;
  type TypeClassName = MessageTypeClassName | ServiceTypeClassName | ActionTypeClassName;
  type InterfaceType<T> = T extends TypeClassName ? (MessageTypeClassConstructorMap & ServicesMap & ActionsMap)[T] : object;
}
