/**
 * The typed errors of the KVS API. The codes are the wire's `ErrorCode` names, so an error
 * crosses process boundaries unchanged and applications switch on one set of codes.
 */
export type KvsErrorCode =
  | 'TOO_LATE'
  | 'TOO_FAR_AHEAD'
  | 'OFF_GRID'
  | 'UNKNOWN_KEY'
  | 'NOT_AUTHORISED'
  | 'BAD_VALUE'
  | 'NO_FRESH_VALUE'
  | 'DUPLICATE'
  | 'CONFLICT'
  | 'OVERLOADED'
  | 'MALFORMED'
  | 'UNAVAILABLE';

export const KVS_ERROR_CODES: readonly KvsErrorCode[] = [
  'TOO_LATE',
  'TOO_FAR_AHEAD',
  'OFF_GRID',
  'UNKNOWN_KEY',
  'NOT_AUTHORISED',
  'BAD_VALUE',
  'NO_FRESH_VALUE',
  'DUPLICATE',
  'CONFLICT',
  'OVERLOADED',
  'MALFORMED',
  'UNAVAILABLE',
];

export interface KvsError {
  readonly code: KvsErrorCode;
  readonly message: string;
}

export type Result<T, E = KvsError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail(code: KvsErrorCode, message: string): { readonly ok: false; readonly error: KvsError } {
  return { ok: false, error: { code, message } };
}

/** Thrown only for programming errors and invalid configuration at start-up, never for input. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
