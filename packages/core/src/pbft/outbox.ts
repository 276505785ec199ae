/**
 * What the engine produced since the last drain, plus its counters. Kept apart from the
 * protocol logic so that every output path (and every drop) goes through one small place.
 */
import type { SuspicionReason } from '../replica/types.js';
import type { CommittedBatch, OutboundMessage, PbftEvent, PbftMessage, PbftReady } from './types.js';

export class Outbox {
  private messages: OutboundMessage[] = [];
  private committed: CommittedBatch[] = [];
  private events: PbftEvent[] = [];
  private readonly counts = new Map<string, number>();

  /** Counts a named occurrence: every drop, rejection and protocol step worth diagnosing. */
  count(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  counters(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  }

  broadcast(msg: PbftMessage): void {
    this.messages.push({ to: 'all', msg });
  }

  send(to: number, msg: PbftMessage): void {
    this.messages.push({ to, msg });
  }

  deliver(batch: CommittedBatch): void {
    this.committed.push(batch);
  }

  event(e: PbftEvent): void {
    this.events.push(e);
  }

  /** Reports misbehaviour that the authenticated sender `node` is accountable for. */
  suspect(node: number, reason: SuspicionReason, detail: string): void {
    this.count(`suspect.${reason}`);
    this.events.push({ kind: 'suspect', node, reason, detail });
  }

  drain(nextTickUs: number): PbftReady {
    const ready: PbftReady = { messages: this.messages, committed: this.committed, events: this.events, nextTickUs };
    this.messages = [];
    this.committed = [];
    this.events = [];
    return ready;
  }
}
