/**
 * Validity: every slot a correct replica publishes, agrees on or repairs to is the fuse of
 * values really written by authorised writers for that slot.
 *
 * For each distinct version of a slot (checked once, however many replicas hold it):
 * - the key is known and the publish time is on its grid;
 * - contributions are sorted by writer, unique, authorised, well-typed, at least `minWriters`;
 * - a contribution of a correct writer (hosted on a non-Byzantine node) is exactly a value that
 *   writer's application wrote to this slot and its replica accepted — nothing fabricated,
 *   nothing altered; Byzantine writers' values are only type-checked;
 * - the published value is exactly `fuse(contributions)` (recomputed with the key's function);
 * - masking: for median-type functions (median, midValueSelect, trimmedMean,
 *   faultTolerantMidpoint, componentwiseMedian) the value lies within [min, max] of the correct
 *   writers' contributions (per component for vectors); for `majority`, when the correct
 *   contributions agree and outnumber the faulty ones, the value is theirs. This is the
 *   promise made to applications for <= f faulty writers; the checker does not excuse slots
 *   with more (a run that breaks the fault bound should make it fire).
 */
import type { FuseInput, PublishedSlot, ReplicaEvent, Value } from '@bftkvs/core';
import { canonicalValue, checkValue, isOnGrid } from '@bftkvs/core';
import { slotContents, slotId } from '../history.js';
import { describe } from './agreement.js';
import type { Checker, CheckerContext, Observation } from './types.js';
import { slotName } from './types.js';

const RANGE_MASKING = new Set(['median', 'midValueSelect', 'trimmedMean', 'faultTolerantMidpoint', 'componentwiseMedian']);

export class ValidityChecker implements Checker {
  readonly name = 'validity' as const;
  private readonly ctx: CheckerContext;
  /** Versions already judged (slot id + contents) -> published time, for pruning. */
  private readonly judged = new Map<string, number>();

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
  }

  onEvents(obs: Observation, events: readonly ReplicaEvent[]): void {
    for (const e of events) {
      if (e.kind === 'published' || e.kind === 'agreed') this.check(obs, e.slot, e.kind);
      else if (e.kind === 'repaired' && e.after !== undefined) this.check(obs, e.after, 'repaired');
    }
  }

  private check(obs: Observation, slot: PublishedSlot, how: string): void {
    const id = `${slotId(slot.key, slot.publishTimeUs)}#${slotContents(slot)}`;
    if (this.judged.has(id)) return;
    this.judged.set(id, slot.publishTimeUs);
    const problem = this.problem(slot);
    if (problem !== undefined) {
      const h = this.ctx.history;
      this.ctx.report('validity', `replica ${obs.node} ${how} ${slotName(h, slot.key, slot.publishTimeUs)} = ${describe(slot)}: ${problem}`, obs.trueUs);
    }
  }

  /** Why this slot version is invalid, or undefined. */
  problem(slot: PublishedSlot): string | undefined {
    const h = this.ctx.history;
    const schema = h.schema(slot.key);
    if (schema === undefined) return `unknown key '${slot.key}'`;
    if (!isOnGrid(schema.grid, slot.publishTimeUs)) return 'publish time is off the key grid';
    const cs = slot.contributions;
    if (cs.length < schema.minWriters) return `${cs.length} contributions, the key needs at least ${schema.minWriters}`;
    const truth = h.slot(slot.key, slot.publishTimeUs);
    const correctValues: Value[] = [];
    let faultyCount = 0;
    const inputs: FuseInput[] = [];
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i] as (typeof cs)[number];
      if (i > 0 && (cs[i - 1] as (typeof cs)[number]).writer >= c.writer) return 'contributions are not sorted by writer and unique';
      if (!schema.writers.includes(c.writer)) return `writer '${c.writer}' is not authorised for '${slot.key}'`;
      const typed = checkValue(schema.type, c.value);
      if (!typed.ok) return `contribution of '${c.writer}' is ill-typed: ${typed.reason}`;
      if (h.isFaultyWriter(c.writer)) {
        faultyCount++;
      } else {
        const canon = canonicalValue(c.value);
        const written = truth?.correct.some((w) => w.writer === c.writer && canonicalValue(w.value) === canon) ?? false;
        if (!written) {
          const actual = truth?.correct.find((w) => w.writer === c.writer);
          return actual === undefined
            ? `correct writer '${c.writer}' never wrote to this slot (fabricated contribution)`
            : `contribution of correct writer '${c.writer}' is ${canon}, but it wrote ${canonicalValue(actual.value)}`;
        }
        correctValues.push(c.value);
      }
      inputs.push({ writer: c.writer, value: c.value });
    }
    const fn = h.fuse.get(schema.fuse);
    if (fn === undefined) return `unknown fuse function '${schema.fuse}'`;
    const fused = fn.fuse(inputs, { type: schema.type, faultyWriters: schema.faultyWriters, params: schema.fuseParams });
    if (!fused.ok) return `its contributions cannot be fused (${fused.reason}), yet it was published`;
    if (canonicalValue(fused.value) !== canonicalValue(slot.value)) {
      return `value is not ${schema.fuse}(contributions) = ${canonicalValue(fused.value)}`;
    }
    if (correctValues.length === 0) return undefined;
    if (RANGE_MASKING.has(schema.fuse)) return outsideCorrectRange(slot.value, correctValues);
    if (schema.fuse === 'majority') {
      const first = canonicalValue(correctValues[0] as Value);
      const unanimous = correctValues.every((v) => canonicalValue(v) === first);
      if (unanimous && correctValues.length > faultyCount && canonicalValue(slot.value) !== first) {
        return `majority output ${canonicalValue(slot.value)} overrules ${correctValues.length} agreeing correct writers (${first}) with ${faultyCount} faulty`;
      }
    }
    return undefined;
  }

  advance(trueUs: number): void {
    // Versions of old slots will not come back (retention); forget them to stay bounded.
    const before = trueUs - 4_000_000;
    for (const [id, t] of this.judged) if (t < before) this.judged.delete(id);
  }
}

/** For scalars or vectors: whether `value` lies outside the per-component hull of `correct`. */
function outsideCorrectRange(value: Value, correct: readonly Value[]): string | undefined {
  const dims = Array.isArray(value) ? (value as readonly number[]).length : 1;
  for (let d = 0; d < dims; d++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const c of correct) {
      const x = Array.isArray(c) ? (c as readonly number[])[d] : c;
      if (typeof x !== 'number') return undefined;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    const v = Array.isArray(value) ? (value as readonly number[])[d] : value;
    if (typeof v !== 'number') return undefined;
    const slack = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
    if (v < lo - slack || v > hi + slack) {
      return `value${dims > 1 ? `[${d}]` : ''} ${v} lies outside the correct writers' range [${lo}, ${hi}] (a faulty writer was not masked)`;
    }
  }
  return undefined;
}
