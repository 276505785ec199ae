/**
 * Errors of the client API. Replies from the replica carry the wire's ErrorCode, surfaced
 * by name (the same names as core's KvsErrorCode), so applications switch on one set of
 * codes whether a problem was found locally, by the replica, or not answered at all.
 */
import type { KvsErrorCode } from '@bftkvs/core';

/** Client-side codes: no reply in time, client closed, too many requests in flight, bad arguments. */
export type ClientSideErrorCode = 'TIMEOUT' | 'CLOSED' | 'TOO_MANY_PENDING' | 'INVALID_ARGUMENT';

export type KvsClientErrorCode = KvsErrorCode | ClientSideErrorCode | `UNKNOWN(${number})`;

export class KvsClientError extends Error {
  override readonly name = 'KvsClientError';

  /** The explanation alone (the replica's reply text, or the client's); `message` is "CODE: detail". */
  readonly detail: string;

  constructor(
    readonly code: KvsClientErrorCode,
    detail: string,
    /** The request id, when the error belongs to one request. */
    readonly requestId?: number,
  ) {
    super(`${code}: ${detail}`);
    this.detail = detail;
  }
}

export function isKvsClientError(e: unknown, code?: KvsClientErrorCode): e is KvsClientError {
  return e instanceof KvsClientError && (code === undefined || e.code === code);
}
