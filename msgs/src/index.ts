// Public API of @bftkvs/msgs: the wire schema's validated types, total decoders, encoders,
// limits and error codes. The generated protobufjs classes are exported as `wire` for tools
// that need them; protocol code should go through the codec, which validates.
export {
  decodeBatch,
  decodeBody,
  decodeFrame,
  decodeWrite,
  encodeBatch,
  encodeBody,
  encodeFrame,
  encodeWrite,
  frameMacInput,
  MAC_FIELD_BYTES,
} from './codec.js';
export { ErrorCode, errorCodeFromName, errorCodeName } from './error-code.js';
export * from './limits.js';
export { err, ok, WIRE_ERROR_CODES, type Result, type WireError, type WireErrorCode } from './result.js';
export type * from './types.js';
export { wire, type bftkvs } from './wire.js';
