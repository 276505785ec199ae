// Decoders return values instead of throwing: a replica must survive any datagram, and a
// Result makes "handle the rejection" part of every call site's type.

export type Result<T, E = WireError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/**
 * Why bytes were rejected (counted by the runtime per code):
 * - MALFORMED: not a protobuf encoding of the expected message (truncated, bad varint, bad
 *   wire type nesting, invalid UTF-8), an empty frame, or not a Uint8Array.
 * - TOO_LARGE: the input is longer than the entry point accepts (MAX_FRAME_BYTES,
 *   MAX_BODY_BYTES, MAX_WRITE_BYTES).
 * - BAD_VERSION: Frame.version is not WIRE_VERSION.
 * - LIMIT: a string, list, nested byte string or value text budget exceeds its bound.
 * - BAD_FIELD: a field's content is invalid: required field or oneof member missing, an
 *   integer outside the safe range or the index range, NaN/Infinity, a key or name not
 *   matching ID_PATTERN, a wrong byte length (MAC, digest, signature), an unknown enum value,
 *   unsorted or duplicate entries, or inconsistent fields (e.g. chunk >= chunks).
 * - NON_CANONICAL: the bytes parse and validate but are not the unique encoding of their
 *   content (unknown fields, repeated or reordered fields, explicit default values,
 *   over-long varints). Each accepted message has exactly one byte string, so digests and
 *   MACs over re-encoded content cannot disagree with the received bytes.
 * - INTERNAL: a bug in this package; tests assert it never happens.
 */
export type WireErrorCode =
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'BAD_VERSION'
  | 'LIMIT'
  | 'BAD_FIELD'
  | 'NON_CANONICAL'
  | 'INTERNAL';

export const WIRE_ERROR_CODES: readonly WireErrorCode[] = [
  'MALFORMED',
  'TOO_LARGE',
  'BAD_VERSION',
  'LIMIT',
  'BAD_FIELD',
  'NON_CANONICAL',
  'INTERNAL',
];

export interface WireError {
  code: WireErrorCode;
  /** One line, safe to log: names the field path and the rule, never echoes field content. */
  message: string;
  /** Dotted field path of the offending field, e.g. "prePrepare.view"; "" for the whole input. */
  path: string;
}
