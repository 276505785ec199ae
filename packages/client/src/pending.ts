/**
 * Requests in flight, by request id: bounded (an application that outruns its replica gets
 * TOO_MANY_PENDING at once instead of unbounded memory), each with its own deadline, and
 * optionally retransmitted at even intervals within it.
 */
import type { BodyKind } from '@bftkvs/msgs';
import { KvsClientError } from './errors.js';

export interface PendingRequest<T = unknown> {
  readonly id: number;
  /** The reply kind that completes it (a reply of another kind for this id is ignored). */
  readonly replyKind: BodyKind;
  readonly resolve: (body: T) => void;
  readonly reject: (e: KvsClientError) => void;
  /** Sends (or re-sends) the request; called once at once, then per retransmission. */
  readonly transmit: () => void;
  /** Attempts so far (1 after the first send). */
  attempts: number;
}

interface Entry {
  readonly req: PendingRequest;
  timer: NodeJS.Timeout;
}

export class PendingRequests {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxPending must be a positive integer, got ${max}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A fresh request id (safe integers; wraps long before 2^53). */
  allocateId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= Number.MAX_SAFE_INTEGER ? 1 : this.nextId + 1;
    return id;
  }

  /**
   * Starts a request: transmits it, retransmits `retries` times at timeoutMs / (retries + 1)
   * intervals, and rejects with TIMEOUT after timeoutMs in total. `describe` names the
   * request in the timeout message.
   */
  start(req: PendingRequest, timeoutMs: number, retries: number, describe: string): void {
    if (this.entries.size >= this.max) {
      req.reject(new KvsClientError('TOO_MANY_PENDING', `${this.max} requests already in flight; wait for some to complete`, req.id));
      return;
    }
    const intervalMs = timeoutMs / (retries + 1);
    const entry: Entry = { req, timer: undefined as unknown as NodeJS.Timeout };
    const onTimer = (): void => {
      if (req.attempts <= retries) {
        this.send(req);
        entry.timer = setTimeout(onTimer, intervalMs);
        return;
      }
      this.entries.delete(req.id);
      req.reject(new KvsClientError('TIMEOUT', `no reply to ${describe} within ${timeoutMs} ms (${req.attempts} attempt${req.attempts === 1 ? '' : 's'})`, req.id));
    };
    entry.timer = setTimeout(onTimer, intervalMs);
    this.entries.set(req.id, entry);
    this.send(req);
  }

  /** Completes request `id` with a reply body of `kind`; false if no such request is waiting for it. */
  complete(id: number, kind: BodyKind, body: unknown): boolean {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.req.replyKind !== kind) return false;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    entry.req.resolve(body);
    return true;
  }

  /** Rejects every request (the client is closing). */
  rejectAll(e: (id: number) => KvsClientError): void {
    for (const [id, entry] of this.entries) {
      clearTimeout(entry.timer);
      entry.req.reject(e(id));
    }
    this.entries.clear();
  }

  private send(req: PendingRequest): void {
    req.attempts++;
    try {
      req.transmit();
    } catch (e) {
      const entry = this.entries.get(req.id);
      if (entry !== undefined) clearTimeout(entry.timer);
      this.entries.delete(req.id);
      req.reject(e instanceof KvsClientError ? e : new KvsClientError('INVALID_ARGUMENT', e instanceof Error ? e.message : String(e), req.id));
    }
  }
}
