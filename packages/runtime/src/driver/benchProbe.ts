/**
 * Measurement instrumentation for `bftkvs bench`: records, in a replica process, *when* this
 * replica stored each write, published and agreed each slot, changed view, and how much CPU,
 * memory and GC time the process used. Off unless the replica is started with the
 * `bench_probe` parameter; it changes nothing the replica does (it only looks at frames the
 * driver already handles, the replica's public events and `executedSeq()`).
 *
 * "Stored" means the write is part of this replica's copy of the slot:
 * - fast and crash modes: when the WriteBroadcast carrying it was handed to the replica (for
 *   the origin: when it sent its own broadcast, right after contributing locally), provided
 *   the slot was still open on this replica's clock;
 * - agreed mode: when the replica executed the PBFT batch holding it (its `executedSeq()`
 *   passed the batch's sequence number; the batch is known from the pre-prepare or NewView
 *   re-proposal this replica received or sent).
 *
 * Output: a text file, one record per line, appended (flushed every 200 ms and at close):
 *   S <key> <publishTimeUs> <writer> <storedUs>
 *   P <key> <publishTimeUs> <publishedUs> <contributions>
 *   A <key> <publishTimeUs> <agreedUs>
 *   V <us> <view> <primary>
 *   M <us> <rssBytes> <heapUsedBytes> <cpuUserUs> <cpuSystemUs> <gcCount> <gcTotalUs> <gcMaxUs> <lagP99Us> <lagMaxUs>
 * Key and writer names cannot hold spaces (NAME_PATTERN), so the format needs no quoting.
 * Memory is bounded: the dedup sets forget writes older than two horizons.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Mode, ReplicaEvent } from '@bftkvs/core';
import type { Body } from '@bftkvs/msgs';
import { decodeBatch, decodeBody, decodeFrame, decodeWrite } from '@bftkvs/msgs';
import type { Clock } from '../clock.js';
import type { TimerLagSnapshot } from './timerLag.js';

/** What the driver tells a probe; every call happens after the replica has handled the input. */
export interface DriverProbe {
  /** A datagram from a peer replica was handed to the replica. */
  onPeerDatagram(bytes: Uint8Array, nowUs: number): void;
  /** The replica sent this frame to peer `to`. */
  onPeerSend(to: number, bytes: Uint8Array, nowUs: number): void;
  /** The driver drained the replica's outputs (after any input or tick). */
  afterPump(nowUs: number): void;
  /** A replica event (published, agreed, view, ...). */
  onEvent(e: ReplicaEvent, nowUs: number): void;
}

export interface BenchProbeOptions {
  readonly file: string;
  readonly mode: Mode;
  readonly clock: Clock;
  /** Contributions close this long before the publish time (cluster timing). */
  readonly closeBeforeUs: number;
  readonly horizonUs: number;
  /** agreed mode: the replica's executed sequence number (AgreedReplica.executedSeq). */
  readonly executedSeq?: () => number;
  /** The driver's timer lag, for the periodic resource line. */
  readonly timerLag?: () => TimerLagSnapshot | undefined;
  /** Resource line period (default 1000 ms; 0: none). */
  readonly resourcePeriodMs?: number;
}

const FLUSH_MS = 200;
/** Batches remembered by sequence number (agreed mode), beyond the executed one. */
const MAX_BATCHES = 4_096;

interface KnownBatch {
  readonly view: number;
  readonly writes: readonly string[];
}

export class BenchProbe implements DriverProbe {
  private readonly fd: number;
  private lines: string[] = [];
  private readonly stored = new Map<string, number>();
  private readonly batches = new Map<number, KnownBatch>();
  private lastExecuted = 0;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly resourceTimer: NodeJS.Timeout | undefined;
  private readonly gc: PerformanceObserver | undefined;
  private gcCount = 0;
  private gcTotalUs = 0;
  private gcMaxUs = 0;
  private lastPruneUs = 0;
  private closed = false;
  /** Body fields (wire numbers) this mode's probe looks at; the others are not decoded. */
  private readonly wanted: ReadonlySet<number>;

  constructor(private readonly o: BenchProbeOptions) {
    this.wanted = new Set(o.mode === 'agreed' ? [BODY_FIELD_PRE_PREPARE, BODY_FIELD_NEW_VIEW] : [BODY_FIELD_WRITE]);
    this.fd = openSync(o.file, 'a', 0o600);
    this.lastExecuted = o.executedSeq?.() ?? 0;
    this.flushTimer = setInterval(() => this.flush(), FLUSH_MS);
    this.flushTimer.unref();
    const period = o.resourcePeriodMs ?? 1_000;
    if (period > 0) {
      this.resourceTimer = setInterval(() => this.resources(), period);
      this.resourceTimer.unref();
    }
    try {
      this.gc = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          const us = Math.round(e.duration * 1_000);
          this.gcCount++;
          this.gcTotalUs += us;
          if (us > this.gcMaxUs) this.gcMaxUs = us;
        }
      });
      this.gc.observe({ entryTypes: ['gc'] });
    } catch {
      this.gc = undefined;
    }
    this.resources();
  }

  onPeerDatagram(bytes: Uint8Array, nowUs: number): void {
    const body = bodyOf(bytes, this.wanted);
    if (body === undefined) return;
    this.observe(body, nowUs, false);
  }

  onPeerSend(_to: number, bytes: Uint8Array, nowUs: number): void {
    const body = bodyOf(bytes, this.wanted);
    if (body === undefined) return;
    this.observe(body, nowUs, true);
  }

  afterPump(nowUs: number): void {
    const seqOf = this.o.executedSeq;
    if (seqOf === undefined) return;
    const executed = seqOf();
    if (executed <= this.lastExecuted) return;
    for (let s = this.lastExecuted + 1; s <= executed; s++) {
      const b = this.batches.get(s);
      if (b === undefined) continue;
      this.batches.delete(s);
      for (const id of b.writes) this.store(id, nowUs);
    }
    this.lastExecuted = executed;
  }

  onEvent(e: ReplicaEvent, nowUs: number): void {
    switch (e.kind) {
      case 'published':
        this.lines.push(`P ${e.slot.key} ${e.slot.publishTimeUs} ${nowUs} ${e.slot.contributions.length}\n`);
        return;
      case 'agreed':
        this.lines.push(`A ${e.slot.key} ${e.slot.publishTimeUs} ${nowUs}\n`);
        return;
      case 'view':
        this.lines.push(`V ${nowUs} ${e.view} ${e.primary}\n`);
        return;
      default:
        return;
    }
  }

  /** Writes what is buffered; synchronous, so it is complete when it returns. */
  flush(): void {
    if (this.lines.length === 0 || this.closed) return;
    const text = this.lines.join('');
    this.lines = [];
    try {
      writeSync(this.fd, text);
    } catch {
      // A full disk must not take the replica down; the bench notices the missing records.
    }
  }

  close(): void {
    if (this.closed) return;
    this.resources();
    this.flush();
    this.closed = true;
    clearInterval(this.flushTimer);
    if (this.resourceTimer !== undefined) clearInterval(this.resourceTimer);
    this.gc?.disconnect();
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private observe(body: Body, nowUs: number, sent: boolean): void {
    if (this.o.mode === 'agreed') {
      if (body.kind === 'prePrepare') this.noteBatch(body.prePrepare.view, body.prePrepare.seq, body.prePrepare.batch);
      else if (body.kind === 'newView') for (const pp of body.newView.prePrepares) this.noteBatch(pp.view, pp.seq, pp.batch);
      return;
    }
    if (body.kind !== 'write') return;
    // The origin's own broadcast (hop 0) marks its local contribution; relays change nothing here.
    if (sent && body.write.hop !== 0) return;
    const w = decodeWrite(body.write.write.write);
    if (!w.ok) return;
    if (nowUs > w.value.publishTimeUs - this.o.closeBeforeUs) return; // too late: the replica refused it
    this.store(`${w.value.key} ${w.value.publishTimeUs} ${w.value.writer}`, nowUs);
  }

  private noteBatch(view: number, seq: number, batchBytes: Uint8Array): void {
    if (seq <= this.lastExecuted) return;
    const known = this.batches.get(seq);
    if (known !== undefined && known.view >= view) return;
    const d = decodeBatch(batchBytes);
    if (!d.ok) return;
    const writes: string[] = [];
    for (const aw of d.value.writes) {
      const w = decodeWrite(aw.write);
      if (w.ok) writes.push(`${w.value.key} ${w.value.publishTimeUs} ${w.value.writer}`);
    }
    this.batches.set(seq, { view, writes });
    if (this.batches.size > MAX_BATCHES) {
      const oldest = Math.min(...this.batches.keys());
      this.batches.delete(oldest);
    }
  }

  private store(id: string, nowUs: number): void {
    if (this.stored.has(id)) return;
    const t = Number(id.slice(id.indexOf(' ') + 1, id.lastIndexOf(' ')));
    this.stored.set(id, t);
    this.lines.push(`S ${id} ${nowUs}\n`);
    if (nowUs - this.lastPruneUs > 1_000_000) {
      this.lastPruneUs = nowUs;
      const before = nowUs - 2 * this.o.horizonUs;
      for (const [k, pt] of this.stored) if (pt < before) this.stored.delete(k);
    }
  }

  private resources(): void {
    if (this.closed) return;
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    const lag = this.o.timerLag?.();
    this.lines.push(
      `M ${this.o.clock.nowUs()} ${m.rss} ${m.heapUsed} ${c.user} ${c.system} ${this.gcCount} ${this.gcTotalUs} ${this.gcMaxUs} ${lag?.p99Us ?? 0} ${lag?.maxUs ?? 0}\n`,
    );
  }
}

// Body's oneof field numbers (msgs/proto: WriteBroadcast write = 10, PrePrepare = 11, NewView = 16).
const BODY_FIELD_WRITE = 10;
const BODY_FIELD_PRE_PREPARE = 11;
const BODY_FIELD_NEW_VIEW = 16;

/**
 * The body of a frame if its kind is one of `wanted`. An encoded Body starts with the tag of its
 * one oneof field (a varint: field number << 3 | wire type), so the kind is read from the first
 * bytes and only wanted bodies are decoded — the probe runs inside the measured replica, and
 * decoding every prepare, commit and checkpoint cost it ~7 % of its CPU in agreed mode.
 */
function bodyOf(bytes: Uint8Array, wanted: ReadonlySet<number>): Body | undefined {
  const f = decodeFrame(bytes);
  if (!f.ok) return undefined;
  const body = f.value.body;
  const first = body[0];
  if (first === undefined) return undefined;
  const tag = first < 0x80 ? first : (first & 0x7f) | ((body[1] ?? 0) << 7);
  if (!wanted.has(tag >>> 3)) return undefined;
  const b = decodeBody(body);
  return b.ok ? b.value : undefined;
}
