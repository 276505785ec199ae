/**
 * Timely termination (the LET promise of `write(k, v, t)`): a slot that enough correct writes
 * reached in time is published, with every one of those writes, by its publish time at every
 * correct replica.
 *
 * A slot (k, t) is *due* when at least `minWriters` writes of correct writers were admitted
 * with lead >= leadUs and their hosts stayed up until t. A replica is *expected* to publish it
 * when it is not Byzantine and was up — and not within `recoveryUs` of a restart — for the
 * slot's whole window [first admission - ε, t + ε]. An expected replica that has not published
 * the slot by local time t (+2 µs of clock rounding), or published it without one of the due
 * writes, is a deadline miss. Every miss is counted; it is a violation only when no timing
 * assumption was violated (a frame between correct nodes lost, late beyond Δ+π, or cut by a
 * partition) and no view change disrupted the protocol within the window — in `fast` mode only
 * violations on links into the replica that missed count, since its contents depend on nothing
 * else.
 *
 * In `agreed` mode the excuse for a stall is the view change that ends it, and the simulator
 * learns of it only when the new view is announced — after one or more failed attempts with
 * doubling timeouts, possibly long after the slots it excuses. So in that mode an unexcused
 * miss is held back and re-checked once the excuse information for its window is complete
 * (16 view-change timeouts later, or at the end of the run), and reported only then.
 */
import type { ReplicaEvent } from '@bftkvs/core';
import { canonicalValue } from '@bftkvs/core';
import type { WriteRecord } from '../history.js';
import { slotId } from '../history.js';
import type { Checker, CheckerContext, Observation } from './types.js';
import { atMs, slotName } from './types.js';

/** Clock rounding: the simulator ticks a replica at the first µs its clock reads >= t. */
const DEADLINE_TOLERANCE_US = 2;

interface Publication {
  readonly localUs: number;
  readonly trueUs: number;
  /** writer -> canonical value of the first published version. */
  readonly contents: ReadonlyMap<string, string>;
}

interface HeldMiss {
  readonly node: number;
  readonly fromUs: number;
  readonly toUs: number;
  readonly finalAtUs: number;
  readonly message: string;
}

interface PendingSlot {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly published: (Publication | undefined)[];
  readonly missed: (string | undefined)[];
}

export class TimelinessChecker implements Checker {
  readonly name = 'timeliness' as const;
  private readonly ctx: CheckerContext;
  private readonly pending = new Map<string, PendingSlot>();
  private readonly lagUs: number;
  /** agreed mode: how long an unexcused miss waits for a retroactive excuse. */
  private readonly holdUs: number;
  private readonly held: HeldMiss[] = [];
  /** Expected publications that did not happen in time (excused or not). */
  deadlineMisses = 0;
  /** Of those, the ones no assumption violation or disruption explains. */
  unexcusedMisses = 0;
  /** Expected (replica, slot) publications judged. */
  judged = 0;

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
    const t = ctx.history.config.timing;
    this.lagUs = 2 * (t.networkDelayUs + t.processingUs + t.clockSkewUs) + 1_000;
    this.holdUs = ctx.history.config.mode === 'agreed' ? 16 * t.viewChangeTimeoutUs : 0;
  }

  onWrite(w: WriteRecord): void {
    if (!w.accepted || w.faulty) return;
    const id = slotId(w.key, w.publishTimeUs);
    if (!this.pending.has(id)) this.pending.set(id, this.newSlot(w.key, w.publishTimeUs));
  }

  onEvents(obs: Observation, events: readonly ReplicaEvent[]): void {
    for (const e of events) {
      if (e.kind === 'published') {
        const p = this.pending.get(slotId(e.slot.key, e.slot.publishTimeUs));
        if (p === undefined || p.published[obs.node] !== undefined) continue;
        const contents = new Map<string, string>();
        for (const c of e.slot.contributions) contents.set(c.writer, canonicalValue(c.value));
        p.published[obs.node] = { localUs: obs.localUs, trueUs: obs.trueUs, contents };
      } else if (e.kind === 'missed') {
        const p = this.pending.get(slotId(e.key, e.publishTimeUs));
        if (p !== undefined && p.missed[obs.node] === undefined) p.missed[obs.node] = e.reason;
      }
    }
  }

  advance(trueUs: number): void {
    for (const [id, p] of this.pending) {
      if (p.publishTimeUs + this.lagUs > trueUs) continue;
      this.pending.delete(id);
      this.judge(p, trueUs);
    }
    this.release(trueUs, false);
  }

  finish(trueUs: number): void {
    // Slots whose deadline is too close to the end to judge fairly are dropped unjudged.
    this.advance(trueUs);
    this.pending.clear();
    this.release(trueUs, true);
  }

  /** Reports held misses whose excuse window is complete and that are still unexcused. */
  private release(trueUs: number, all: boolean): void {
    const h = this.ctx.history;
    for (let i = 0; i < this.held.length; ) {
      const m = this.held[i] as HeldMiss;
      if (!all && m.finalAtUs > trueUs) {
        i++;
        continue;
      }
      this.held.splice(i, 1);
      if (h.excusedAt(m.node, m.fromUs, m.toUs)) continue;
      this.unexcusedMisses++;
      this.ctx.report('timeliness', m.message, trueUs);
    }
  }

  private newSlot(key: string, publishTimeUs: number): PendingSlot {
    const n = this.ctx.history.config.replicas;
    return { key, publishTimeUs, published: new Array<Publication | undefined>(n).fill(undefined), missed: new Array<string | undefined>(n).fill(undefined) };
  }

  private judge(p: PendingSlot, nowUs: number): void {
    const h = this.ctx.history;
    const schema = h.schema(p.key);
    const truth = h.slot(p.key, p.publishTimeUs);
    if (schema === undefined || truth === undefined) return;
    const t = p.publishTimeUs;
    const { leadUs, clockSkewUs } = h.config.timing;
    const due: WriteRecord[] = [];
    let fromUs = Number.POSITIVE_INFINITY;
    for (const w of truth.correct) {
      if (t - w.localUs < leadUs) continue;
      if (!h.upThroughout(w.host, w.trueUs, t + clockSkewUs)) continue;
      due.push(w);
      if (w.trueUs < fromUs) fromUs = w.trueUs;
    }
    if (due.length < schema.minWriters) return;
    fromUs -= clockSkewUs;
    const toUs = t + clockSkewUs;
    for (let node = 0; node < h.config.replicas; node++) {
      if (h.isByzantine(node) || !h.stableThroughout(node, fromUs, toUs)) continue;
      this.judged++;
      const pub = p.published[node];
      let problem: string | undefined;
      if (pub === undefined || pub.localUs > t + DEADLINE_TOLERANCE_US) {
        const missed = p.missed[node];
        problem =
          pub !== undefined
            ? `published it ${pub.localUs - t} µs late`
            : missed !== undefined
              ? `reported it missed (${missed})`
              : 'had not published it';
        problem = `replica ${node} ${problem}`;
      } else {
        for (const w of due) {
          if (pub.contents.get(w.writer) !== canonicalValue(w.value)) {
            problem = `replica ${node} published it without the write of '${w.writer}' (admitted at ${atMs(h, w.trueUs)} on replica ${w.host}, lead ${t - w.localUs} µs)`;
            break;
          }
        }
      }
      if (problem === undefined) continue;
      this.deadlineMisses++;
      if (h.excusedAt(node, fromUs, toUs)) continue;
      const message =
        `${slotName(h, p.key, t)}: ${problem} by its publish time; ${due.length} correct writes were admitted with lead >= ${leadUs} µs ` +
        `and no assumption violation or view change occurred in [${atMs(h, fromUs)}, ${atMs(h, toUs)}]`;
      if (this.holdUs > 0) {
        this.held.push({ node, fromUs, toUs, finalAtUs: t + this.holdUs, message });
        continue;
      }
      this.unexcusedMisses++;
      this.ctx.report('timeliness', message, nowUs);
    }
  }
}
