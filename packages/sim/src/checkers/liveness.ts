/**
 * Liveness after faults heal: once the network is back within its assumptions, partitions are
 * healed and restarted replicas are back, the system makes progress again within a bound.
 *
 * The liveness window starts `recoveryUs` after the heal. For every slot in it with publish
 * time early enough to be judged by the end of the run (t <= end - 2 hops), that at least
 * `minWriters` correct writes reached in time (hosts up until t), every non-Byzantine replica
 * that is up from the heal to the end must have published it — at any time, late or not (late
 * is the timeliness checker's business). In `fast` mode each such slot must moreover have
 * become agreed at that replica within `agreeBoundUs` (two synchronisation periods plus the
 * view changes to a correct primary, core's `timeoutsToCorrectPrimary`) when the run lasted that
 * long. No excuses apply in this window: the assumptions hold there by construction, and
 * Byzantine replicas stay within the bound f.
 */
import type { ReplicaEvent } from '@bftkvs/core';
import { timeoutsToCorrectPrimary } from '@bftkvs/core';
import { slotId } from '../history.js';
import type { Checker, CheckerContext, Observation } from './types.js';
import { atMs, slotName } from './types.js';

interface Progress {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly published: boolean[];
  readonly agreed: boolean[];
}

export class LivenessChecker implements Checker {
  readonly name = 'liveness' as const;
  private readonly ctx: CheckerContext;
  private readonly fromUs: number;
  private readonly lagUs: number;
  readonly agreeBoundUs: number;
  private readonly slots = new Map<string, Progress>();
  /** Slots judged in the liveness window. */
  judged = 0;

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
    const h = ctx.history;
    const t = h.config.timing;
    this.fromUs = h.healUs + h.recoveryUs;
    this.lagUs = 2 * (t.networkDelayUs + t.processingUs + t.clockSkewUs) + 1_000;
    this.agreeBoundUs = 2 * t.syncPeriodUs + timeoutsToCorrectPrimary(h.config.f) * t.viewChangeTimeoutUs + this.lagUs;
  }

  /** Start of the window in which progress is required (true time). */
  get windowStartUs(): number {
    return this.fromUs;
  }

  private progress(key: string, t: number): Progress | undefined {
    if (t < this.fromUs) return undefined;
    const id = slotId(key, t);
    let p = this.slots.get(id);
    if (p === undefined) {
      const n = this.ctx.history.config.replicas;
      p = { key, publishTimeUs: t, published: new Array<boolean>(n).fill(false), agreed: new Array<boolean>(n).fill(false) };
      this.slots.set(id, p);
    }
    return p;
  }

  onEvents(obs: Observation, events: readonly ReplicaEvent[]): void {
    for (const e of events) {
      if (e.kind === 'published' || e.kind === 'agreed') {
        const p = this.progress(e.slot.key, e.slot.publishTimeUs);
        if (p === undefined) continue;
        p.published[obs.node] = true;
        if (e.kind === 'agreed' || e.slot.agreed) p.agreed[obs.node] = true;
      } else if (e.kind === 'repaired' && e.after !== undefined) {
        const p = this.progress(e.key, e.publishTimeUs);
        if (p === undefined) continue;
        p.published[obs.node] = true;
        if (e.after.agreed) p.agreed[obs.node] = true;
      }
    }
  }

  finish(endUs: number): void {
    const h = this.ctx.history;
    const fast = h.config.mode === 'fast';
    const unpublished = new Map<number, { count: number; first: string }>();
    const unagreed = new Map<number, { count: number; first: string }>();
    const note = (m: Map<number, { count: number; first: string }>, node: number, what: string): void => {
      const x = m.get(node);
      if (x === undefined) m.set(node, { count: 1, first: what });
      else x.count++;
    };
    for (const truth of h.allSlots()) {
      const t = truth.publishTimeUs;
      if (t < this.fromUs || t > endUs - this.lagUs) continue;
      const schema = h.schema(truth.key);
      if (schema === undefined) continue;
      let due = 0;
      for (const w of truth.correct) {
        if (t - w.localUs >= h.config.timing.leadUs && h.upThroughout(w.host, w.trueUs, t + h.config.timing.clockSkewUs)) due++;
      }
      if (due < schema.minWriters) continue;
      this.judged++;
      const p = this.slots.get(slotId(truth.key, t));
      for (let node = 0; node < h.config.replicas; node++) {
        if (h.isByzantine(node) || !h.upThroughout(node, h.healUs, endUs)) continue;
        const name = slotName(h, truth.key, t);
        if (p?.published[node] !== true) note(unpublished, node, name);
        else if (fast && t + this.agreeBoundUs <= endUs && p.agreed[node] !== true) note(unagreed, node, name);
      }
    }
    for (const [node, x] of unpublished) {
      this.ctx.report(
        'liveness',
        `replica ${node} never published ${x.count} slot(s) that enough correct writes reached after the faults healed at ${atMs(h, h.healUs)} (first: ${x.first}; window from ${atMs(h, this.fromUs)})`,
        endUs,
      );
    }
    for (const [node, x] of unagreed) {
      this.ctx.report(
        'liveness',
        `replica ${node} published but never agreed ${x.count} slot(s) within ${this.agreeBoundUs} µs after the faults healed (first: ${x.first})`,
        endUs,
      );
    }
  }
}
