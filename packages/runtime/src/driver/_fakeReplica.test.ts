/**
 * Test doubles for the driver: a Replica that records its inputs and does what the test
 * scripts (frames to emit, next tick time), with no protocol at all.
 */
import type { AdmittedWrite, MemoryFootprint, OutboundFrame, PublishedSlot, Ready, Replica, ReplicaEvent, Result, WriteIntent } from '@bftkvs/core';
import type { ReplicaHealth } from '@bftkvs/msgs';

export class FakeReplica implements Replica {
  readonly received: { bytes: Uint8Array; nowUs: number }[] = [];
  receivedCount = 0;
  readonly ticks: number[] = [];
  /** What to answer from ready(); the default asks for a tick a second from now. */
  nextTick: (nowUs: number) => number = (now) => now + 1_000_000;
  /** Called on every receive; return frames/events to emit. */
  onReceive: (bytes: Uint8Array, nowUs: number) => { frames?: OutboundFrame[]; events?: ReplicaEvent[] } | void = () => {};
  onTick: (nowUs: number) => { frames?: OutboundFrame[]; events?: ReplicaEvent[] } | void = () => {};
  /** Keep every datagram (false: only count them, for floods). */
  keep = true;
  private frames: OutboundFrame[] = [];
  private events: ReplicaEvent[] = [];
  private lastNowUs = 0;

  constructor(readonly id = 0) {}

  write(_intent: WriteIntent, _nowUs: number): Result<AdmittedWrite> {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'fake' } };
  }

  read(_key: string, _earliestUs: number, _nowUs: number): Result<PublishedSlot> {
    return { ok: false, error: { code: 'NO_FRESH_VALUE', message: 'fake' } };
  }

  receive(bytes: Uint8Array, nowUs: number): void {
    this.lastNowUs = nowUs;
    this.receivedCount++;
    if (this.keep) this.received.push({ bytes: Uint8Array.from(bytes), nowUs });
    this.take(this.onReceive(bytes, nowUs));
  }

  tick(nowUs: number): void {
    this.lastNowUs = nowUs;
    this.ticks.push(nowUs);
    this.take(this.onTick(nowUs));
  }

  ready(): Ready {
    const r: Ready = { frames: this.frames, events: this.events, nextTickUs: this.nextTick(this.lastNowUs) };
    this.frames = [];
    this.events = [];
    return r;
  }

  health(nowUs: number): ReplicaHealth {
    return {
      replica: this.id,
      mode: 'fast',
      view: 0,
      primary: 0,
      suspects: [],
      slotsPublished: 0,
      slotsAgreed: 0,
      slotsRepaired: 0,
      deadlineMisses: 0,
      nowUs,
      counters: [{ name: 'received', value: this.receivedCount }],
      stableSeq: 0,
      ready: true,
    };
  }

  memory(): MemoryFootprint {
    return { openSlots: 0, decidedSlots: 0, missedSlots: 0, logEntries: this.received.length, pendingWrites: 0 };
  }

  private take(out: { frames?: OutboundFrame[]; events?: ReplicaEvent[] } | void): void {
    if (out === undefined) return;
    this.frames.push(...(out.frames ?? []));
    this.events.push(...(out.events ?? []));
  }
}

/** Resolves when `cond` holds, polling; rejects after `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
