/**
 * Many endpoints in one process (tests, single-process demos): a hub delivers datagrams
 * between attached endpoints by index. Delivery is always asynchronous, like a network, so
 * a replica's receive never runs inside another replica's send; datagrams are copied so a
 * sender cannot change bytes in flight.
 *
 * An optional link hook decides per datagram whether it is dropped or delayed, for loss and
 * reordering tests. For adversarial schedules use the deterministic simulator instead.
 */
import { MAX_FRAME_BYTES } from '@bftkvs/msgs';
import { Counters } from '../counters.js';
import type { FrameHandler, PeerAddress, Transport } from './types.js';

/** 'drop', a delay in milliseconds, or undefined for immediate (next turn of the event loop) delivery. */
export type LinkVerdict = 'drop' | number | undefined;
export type LinkHook = (from: number, to: number, bytes: Uint8Array) => LinkVerdict;

export interface InprocHubOptions {
  readonly link?: LinkHook;
  readonly maxFrameBytes?: number;
}

export const INPROC_HOST = 'inproc';

interface Pending {
  readonly to: number;
  readonly from: number;
  readonly bytes: Uint8Array;
}

export class InprocHub {
  private readonly endpoints = new Map<number, InprocTransport>();
  private readonly queue: Pending[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private flushScheduled = false;
  private readonly counts = new Counters();
  link: LinkHook | undefined;
  readonly maxFrameBytes: number;

  constructor(opts: InprocHubOptions = {}) {
    this.link = opts.link;
    this.maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  /** A transport for endpoint `index`; one per index at a time. */
  attach(index: number): InprocTransport {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`inproc endpoint index must be a non-negative integer, got ${index}`);
    if (this.endpoints.has(index)) throw new RangeError(`inproc endpoint ${index} is already attached`);
    const t = new InprocTransport(this, index);
    this.endpoints.set(index, t);
    return t;
  }

  /** Hub-level counters: delivered, droppedByLink, droppedNoEndpoint, delayed. */
  counters(): Readonly<Record<string, number>> {
    return this.counts.snapshot();
  }

  /** Cancels datagrams in flight (delayed ones included). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
  }

  /** @internal */
  detach(t: InprocTransport): void {
    if (this.endpoints.get(t.index) === t) this.endpoints.delete(t.index);
  }

  /** @internal */
  has(index: number): boolean {
    return this.endpoints.has(index);
  }

  /** @internal */
  submit(from: number, to: number, bytes: Uint8Array): void {
    const copy = Uint8Array.from(bytes);
    let verdict: LinkVerdict;
    try {
      verdict = this.link?.(from, to, copy);
    } catch {
      verdict = 'drop';
      this.counts.bump('linkHookErrors');
    }
    if (verdict === 'drop') {
      this.counts.bump('droppedByLink');
      return;
    }
    if (typeof verdict === 'number' && verdict > 0) {
      this.counts.bump('delayed');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.deliver({ from, to, bytes: copy });
      }, verdict);
      this.timers.add(timer);
      return;
    }
    this.queue.push({ from, to, bytes: copy });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    // Datagrams sent while flushing go to the next turn, so one chatty pair cannot starve timers.
    const batch = this.queue.splice(0, this.queue.length);
    for (const p of batch) this.deliver(p);
  };

  private deliver(p: Pending): void {
    const target = this.endpoints.get(p.to);
    if (target === undefined) {
      this.counts.bump('droppedNoEndpoint');
      return;
    }
    this.counts.bump('delivered');
    target.deliver(p.bytes, p.from);
  }
}

export class InprocTransport implements Transport {
  readonly description: string;
  private readonly counts = new Counters();
  private handler: FrameHandler | undefined;
  private closed = false;

  /** @internal use InprocHub.attach */
  constructor(
    private readonly hub: InprocHub,
    readonly index: number,
  ) {
    this.description = `inproc ${index}`;
  }

  send(to: number, bytes: Uint8Array): boolean {
    if (this.closed) {
      this.counts.bump('droppedClosed');
      return false;
    }
    if (bytes.length > this.hub.maxFrameBytes) {
      this.counts.bump('droppedOversizeOut');
      return false;
    }
    if (!this.hub.has(to)) {
      this.counts.bump('droppedNoRoute');
      return false;
    }
    this.counts.bump('sent');
    this.hub.submit(this.index, to, bytes);
    return true;
  }

  onFrame(handler: FrameHandler): void {
    this.handler = handler;
  }

  /** Routes are by index on a hub; a learned address needs no bookkeeping. */
  setRoute(_index: number, _address: PeerAddress): void {}

  route(index: number): PeerAddress | undefined {
    return this.hub.has(index) ? { host: INPROC_HOST, port: index } : undefined;
  }

  close(): Promise<void> {
    this.closed = true;
    this.handler = undefined;
    this.hub.detach(this);
    return Promise.resolve();
  }

  counters(): Readonly<Record<string, number>> {
    return this.counts.snapshot();
  }

  /** @internal */
  deliver(bytes: Uint8Array, from: number): void {
    if (this.closed) return;
    this.counts.bump('received');
    const h = this.handler;
    if (h === undefined) return;
    try {
      h(bytes, { host: INPROC_HOST, port: from });
    } catch {
      this.counts.bump('handlerErrors');
    }
  }
}
