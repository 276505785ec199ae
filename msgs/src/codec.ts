// Total decoding and plain encoding of the wire messages.
//
// Every decoder accepts any value and returns a Result: either a validated message (types.ts)
// or a WireError; it never throws. Order of checks: input type and size (TOO_LARGE) ->
// protobuf parse (MALFORMED) -> field rules (BAD_VERSION, LIMIT, BAD_FIELD; validate.ts) ->
// canonical encoding (NON_CANONICAL). Only then is anything returned, so nothing is ever
// partially accepted.
//
// Which decoder for which bytes:
//   datagram                        -> decodeFrame   (then check frame.mac, then:)
//   Frame.body                      -> decodeBody
//   AuthenticatedWrite.write        -> decodeWrite   (after checking its MAC or signature)
//   PrePrepare.batch, PreparedProof.batch -> decodeBatch
// The nested byte fields are kept as bytes because digests and MACs are computed over exactly
// these bytes; decodeBody checks only their size.
//
// Encoders do not validate: they take validated types, so the compiler checks the shape, and
// the content rules are the caller's (e.g. cut batches so encodeBody(...) stays within
// MAX_BODY_BYTES). decodeX(encodeX(m)) returns m for every valid m (tested).
import protobuf from 'protobufjs/minimal.js';
import { Reject, type Raw } from './fields.js';
import { MAC_BYTES, MAX_BODY_BYTES, MAX_FRAME_BYTES, MAX_WRITE_BYTES, WIRE_VERSION } from './limits.js';
import { err, ok, type Result, type WireError, type WireErrorCode } from './result.js';
import type { Batch, Body, Frame, FrameHead, Write } from './types.js';
import * as V from './validate.js';
import { wire } from './wire.js';

/** The part of a generated message class the codec uses. */
interface MessageClass<M> {
  decode(reader: protobuf.Reader): M;
  encode(message: M): { finish(): Uint8Array };
}

function error(code: WireErrorCode, path: string, rule: string): { ok: false; error: WireError } {
  return err({ code, path, message: `${path === '' ? 'input' : path} ${rule}` });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A plain Uint8Array view: protobufjs returns Buffers, whose slice() aliases instead of copying. */
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function decodeWith<M, T>(
  type: MessageClass<M>,
  bytes: unknown,
  maxBytes: number,
  validate: (m: Raw) => T,
): Result<T, WireError> {
  if (!(bytes instanceof Uint8Array)) return error('MALFORMED', '', 'is not a Uint8Array');
  if (bytes.length > maxBytes) return error('TOO_LARGE', '', `is longer than ${maxBytes} bytes`);
  let raw: M;
  try {
    const reader = protobuf.Reader.create(bytes);
    // Dropped unknown fields make the re-encode below differ, so they are rejected as
    // NON_CANONICAL. Set per reader: the global default belongs to whoever else uses protobufjs.
    reader.discardUnknown = true;
    raw = type.decode(reader);
  } catch {
    // protobufjs throws RangeError/Error/TypeError for truncation, bad wire types, bad
    // varints, invalid UTF-8 and excessive nesting; which one is irrelevant to the caller.
    return error('MALFORMED', '', 'is not a valid protobuf encoding');
  }
  let value: T;
  try {
    value = validate(raw as Raw);
  } catch (e) {
    if (e instanceof Reject) return error(e.code, e.path, e.rule);
    return error('INTERNAL', '', `validator fault: ${e instanceof Error ? e.message : 'unknown'}`);
  }
  try {
    // protobufjs writes fields in number order, skips proto3 defaults and uses minimal
    // varints, so re-encoding what was read reproduces the input iff the input was canonical.
    if (!sameBytes(type.encode(raw).finish(), bytes)) {
      return error('NON_CANONICAL', '', 'is not the canonical encoding of its content');
    }
  } catch (e) {
    return error('INTERNAL', '', `re-encode fault: ${e instanceof Error ? e.message : 'unknown'}`);
  }
  return ok(value);
}

/**
 * The version a frame announces in its first field, read before the full parse so that a
 * frame of a future wire version is reported as BAD_VERSION even if its layout changed.
 * Undefined when the bytes do not start with a well-formed field 1 varint.
 */
function announcedVersion(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0x08) return undefined;
  let v = 0;
  for (let i = 1; i < 6 && i < bytes.length; i++) {
    const b = bytes[i] as number;
    v += (b & 0x7f) * 2 ** (7 * (i - 1));
    if (b < 0x80) return v;
  }
  return undefined;
}

/** A datagram: the envelope only (version, indices, replay counters, body bytes, MAC). */
export function decodeFrame(bytes: Uint8Array): Result<Frame, WireError> {
  if (bytes instanceof Uint8Array && bytes.length === 0) return error('MALFORMED', '', 'is empty');
  if (bytes instanceof Uint8Array && bytes.length <= MAX_FRAME_BYTES) {
    const announced = announcedVersion(bytes);
    if (announced !== undefined && announced !== WIRE_VERSION) {
      return error('BAD_VERSION', 'version', `is ${announced}, expected ${WIRE_VERSION}`);
    }
  }
  return decodeWith(wire.Frame, bytes, MAX_FRAME_BYTES, (m) => {
    const version = m['version'] ?? 0;
    if (version !== WIRE_VERSION) throw new Reject('BAD_VERSION', 'version', `must be ${WIRE_VERSION}`);
    return V.frame(m);
  });
}

/** Frame.body, after the frame's MAC has been checked. */
export function decodeBody(bytes: Uint8Array): Result<Body, WireError> {
  return decodeWith(wire.Body, bytes, MAX_BODY_BYTES, V.body);
}

/** AuthenticatedWrite.write, after its authenticator has been checked. */
export function decodeWrite(bytes: Uint8Array): Result<Write, WireError> {
  return decodeWith(wire.Write, bytes, MAX_WRITE_BYTES, V.write);
}

/** PrePrepare.batch / PreparedProof.batch (after matching its digest where one is known). */
export function decodeBatch(bytes: Uint8Array): Result<Batch, WireError> {
  return decodeWith(wire.Batch, bytes, MAX_BODY_BYTES, V.batch);
}

/**
 * The bytes the frame MAC covers: fields 1..7 encoded canonically. Because `mac` is the last
 * field, encodeFrame(f) is frameMacInput(f) followed by [0x42, MAC_BYTES] and the MAC, so for a
 * frame accepted by decodeFrame this equals bytes.subarray(0, bytes.length - MAC_FIELD_BYTES).
 */
export function frameMacInput(head: FrameHead): Uint8Array {
  // Listed explicitly so that passing a whole Frame cannot smuggle its mac into the input.
  const { version, clusterId, from, to, incarnation, seq, body } = head;
  return plain(wire.Frame.encode({ version, clusterId, from, to, incarnation, seq, body }).finish());
}

/** Size of the encoded mac field at the end of a frame (tag, length, MAC). */
export const MAC_FIELD_BYTES = 2 + MAC_BYTES;

export function encodeFrame(frame: Frame): Uint8Array {
  return plain(wire.Frame.encode(frame).finish());
}

export function encodeBody(body: Body): Uint8Array {
  return plain(wire.Body.encode(body).finish());
}

export function encodeWrite(write: Write): Uint8Array {
  return plain(wire.Write.encode(write).finish());
}

export function encodeBatch(batch: Batch): Uint8Array {
  return plain(wire.Batch.encode(batch).finish());
}
