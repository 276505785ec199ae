/**
 * Stability: a replica never decides a slot twice with different contents unless it says so
 * with a `repaired` event, and never changes a slot once agreed.
 *
 * Per (replica, incarnation, slot) it tracks the current announced contents and, once agreed,
 * the agreed contents:
 * - a second `published` with other contents (no repair in between) is a violation;
 * - a `repaired` whose `before` is not what the replica had announced is a violation (the
 *   repair report lies about the change), as is a repair that changes an agreed slot;
 * - an `agreed` whose contents differ from the published ones needs a `repaired` event for
 *   that slot in the same batch (either order), and a second, different `agreed` is a
 *   violation.
 * A restart starts a new incarnation with empty state, so its history starts afresh.
 */
import type { PublishedSlot, ReplicaEvent } from '@bftkvs/core';
import { slotContents, slotId } from '../history.js';
import type { Checker, CheckerContext, Observation } from './types.js';
import { slotName } from './types.js';

interface SlotState {
  readonly publishTimeUs: number;
  current: string | undefined;
  agreed: string | undefined;
}

export class StabilityChecker implements Checker {
  readonly name = 'stability' as const;
  private readonly ctx: CheckerContext;
  private readonly nodes = new Map<number, { incarnation: number; slots: Map<string, SlotState> }>();
  private readonly keepUs: number;
  private readonly repairedInBatch = new Map<string, string | undefined>();
  /** Contents announced before the batch, for slots the batch repairs (events may be in either order). */
  private readonly beforeBatch = new Map<string, string | undefined>();
  /** The batch being judged (for messages). */
  private obs: Observation | undefined;

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
    const t = ctx.history.config.timing;
    this.keepUs = Math.max(2_000_000, 10 * t.syncPeriodUs, 10 * t.viewChangeTimeoutUs);
  }

  private slots(node: number, incarnation: number): Map<string, SlotState> {
    let n = this.nodes.get(node);
    if (n === undefined || n.incarnation !== incarnation) {
      n = { incarnation, slots: new Map() };
      this.nodes.set(node, n);
    }
    return n.slots;
  }

  onRestart(node: number, incarnation: number): void {
    this.nodes.set(node, { incarnation, slots: new Map() });
  }

  onEvents(obs: Observation, events: readonly ReplicaEvent[]): void {
    const slots = this.slots(obs.node, obs.incarnation);
    this.repairedInBatch.clear();
    this.beforeBatch.clear();
    for (const e of events) {
      if (e.kind !== 'repaired') continue;
      const id = slotId(e.key, e.publishTimeUs);
      this.repairedInBatch.set(id, e.after === undefined ? undefined : slotContents(e.after));
      this.beforeBatch.set(id, slots.get(id)?.current);
    }
    this.obs = obs;
    for (const e of events) {
      switch (e.kind) {
        case 'published': {
          const s = this.state(slots, e.slot.key, e.slot.publishTimeUs);
          const c = slotContents(e.slot);
          if (s.current !== undefined && s.current !== c) this.fail(e.slot.key, s.publishTimeUs, 'published different contents a second time without a repair');
          else if (s.agreed !== undefined && s.agreed !== c) this.fail(e.slot.key, s.publishTimeUs, 'published contents that differ from the agreed ones');
          s.current = c;
          if (e.slot.agreed) this.agree(s, e.slot);
          break;
        }
        case 'repaired': {
          const s = this.state(slots, e.key, e.publishTimeUs);
          const after = e.after === undefined ? undefined : slotContents(e.after);
          const before = e.before === undefined ? undefined : slotContents(e.before);
          const announced = this.beforeBatch.get(slotId(e.key, e.publishTimeUs));
          if (before !== undefined && s.current !== undefined && before !== s.current && before !== announced) {
            this.fail(e.key, e.publishTimeUs, "reported a repair whose 'before' is not what it had announced");
          }
          if (s.agreed !== undefined && after !== s.agreed) this.fail(e.key, e.publishTimeUs, 'repaired a slot that was already agreed');
          s.current = after;
          if (e.after?.agreed === true && after !== undefined) s.agreed = after;
          break;
        }
        case 'agreed': {
          const s = this.state(slots, e.slot.key, e.slot.publishTimeUs);
          const c = slotContents(e.slot);
          if (s.current !== undefined && s.current !== c && this.repairedInBatch.get(slotId(e.slot.key, e.slot.publishTimeUs)) !== c) {
            this.fail(e.slot.key, s.publishTimeUs, 'agreed on contents that differ from the published ones without a repair event');
          }
          s.current = c;
          this.agree(s, e.slot);
          break;
        }
        default:
          break;
      }
    }
  }

  private state(slots: Map<string, SlotState>, key: string, t: number): SlotState {
    const id = slotId(key, t);
    let s = slots.get(id);
    if (s === undefined) slots.set(id, (s = { publishTimeUs: t, current: undefined, agreed: undefined }));
    return s;
  }

  private fail(key: string, t: number, what: string): void {
    const obs = this.obs as Observation;
    this.ctx.report('stability', `replica ${obs.node} ${what} for ${slotName(this.ctx.history, key, t)}`, obs.trueUs);
  }

  private agree(s: SlotState, slot: PublishedSlot): void {
    const c = slotContents(slot);
    if (s.agreed !== undefined && s.agreed !== c) this.fail(slot.key, slot.publishTimeUs, 'agreed twice on different contents');
    s.agreed = c;
  }

  advance(trueUs: number): void {
    const before = trueUs - this.keepUs;
    for (const n of this.nodes.values()) for (const [id, s] of n.slots) if (s.publishTimeUs < before) n.slots.delete(id);
  }
}
