/**
 * Agreement: correct replicas never hold different *final* contents for the same slot.
 *
 * Final means: in `agreed` and `crash` mode every published slot (those modes publish only
 * decided, identical contents); in `fast` mode only agreed ones (`agreed` events, published
 * slots flagged agreed, and the `after` of a repair that made a slot agreed) — unagreed fast
 * values may differ between replicas until synchronisation. Both the fused value and the
 * contributions (writer, value) must match: agreed *contents* are what the protocols promise.
 * Events of Byzantine replicas are never seen by checkers.
 *
 * `crash` mode is a synchronous protocol (flooding for f+1 rounds, N >= f+1): no protocol
 * with N = f+1 can agree across a partition, so there a divergence in a slot whose window saw
 * an assumption violation (lost, late or cut frames between correct nodes) is counted as
 * `excusedDivergences`, not reported. The BFT modes' agreement must hold unconditionally.
 */
import type { PublishedSlot, ReplicaEvent } from '@bftkvs/core';
import { canonicalValue } from '@bftkvs/core';
import { slotContents, slotId } from '../history.js';
import type { Checker, CheckerContext, Observation } from './types.js';
import { slotName } from './types.js';

interface FinalVersion {
  readonly node: number;
  readonly contents: string;
  readonly slot: PublishedSlot;
  readonly trueUs: number;
}

export class AgreementChecker implements Checker {
  readonly name = 'agreement' as const;
  private readonly ctx: CheckerContext;
  private readonly finals = new Map<string, FinalVersion>();
  private readonly fastMode: boolean;
  private readonly keepUs: number;
  /** Slots already reported, so one divergence is one violation, not one per replica. */
  private readonly reported = new Set<string>();
  /** crash mode: divergences explained by assumption violations. */
  excusedDivergences = 0;

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
    const cfg = ctx.history.config;
    this.fastMode = cfg.mode === 'fast';
    this.keepUs = Math.max(2_000_000, 10 * cfg.timing.syncPeriodUs, 10 * cfg.timing.viewChangeTimeoutUs);
  }

  onEvents(obs: Observation, events: readonly ReplicaEvent[]): void {
    for (const e of events) {
      if (e.kind === 'published') {
        if (!this.fastMode || e.slot.agreed) this.final(obs, e.slot);
      } else if (e.kind === 'agreed') {
        this.final(obs, e.slot);
      } else if (e.kind === 'repaired') {
        if (e.after !== undefined && (e.after.agreed || !this.fastMode)) this.final(obs, e.after);
      }
    }
  }

  private final(obs: Observation, slot: PublishedSlot): void {
    const id = slotId(slot.key, slot.publishTimeUs);
    const contents = slotContents(slot);
    const prior = this.finals.get(id);
    if (prior === undefined) {
      this.finals.set(id, { node: obs.node, contents, slot, trueUs: obs.trueUs });
      return;
    }
    if (prior.contents === contents || this.reported.has(id)) return;
    this.reported.add(id);
    const h = this.ctx.history;
    if (h.config.mode === 'crash' && this.excused(slot)) {
      this.excusedDivergences++;
      return;
    }
    const what = canonicalValue(prior.slot.value) === canonicalValue(slot.value) ? 'the same value from different contents' : 'different values';
    this.ctx.report(
      'agreement',
      `replicas ${prior.node} and ${obs.node} hold ${what} for ${slotName(h, slot.key, slot.publishTimeUs)}: ` +
        `${describe(prior.slot)} vs ${describe(slot)}`,
      obs.trueUs,
    );
  }

  /** Whether the timing assumptions were violated while the slot's writes travelled. */
  private excused(slot: PublishedSlot): boolean {
    const h = this.ctx.history;
    const schema = h.schema(slot.key);
    const { leadUs, clockSkewUs } = h.config.timing;
    const truth = h.slot(slot.key, slot.publishTimeUs);
    let from = slot.publishTimeUs - leadUs - (schema?.grid.periodUs ?? 0);
    if (truth !== undefined) for (const w of [...truth.correct, ...truth.faulty]) from = Math.min(from, w.trueUs);
    return h.excused(from - clockSkewUs, slot.publishTimeUs + clockSkewUs);
  }

  advance(trueUs: number): void {
    const before = trueUs - this.keepUs;
    for (const [id, v] of this.finals) {
      if (v.slot.publishTimeUs < before) {
        this.finals.delete(id);
        this.reported.delete(id);
      }
    }
  }
}

export function describe(slot: Pick<PublishedSlot, 'value' | 'contributions'>): string {
  const parts = slot.contributions.map((c) => `${c.writer}=${short(c.value)}`);
  return `${short(slot.value)} [${parts.join(', ')}]`;
}

function short(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  if (Array.isArray(v)) return `[${v.map(short).join(',')}]`;
  return JSON.stringify(v);
}
