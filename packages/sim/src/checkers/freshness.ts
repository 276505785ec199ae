/**
 * Freshness (the promise of `read(k, t)`), judged on every read by an application on a
 * non-Byzantine node against what that replica announced (its own events):
 * - a returned slot is of key k, has publish time >= t and <= the replica's clock now;
 * - it is exactly the version the replica last published, agreed or repaired for that slot
 *   (a read never shows a slot the replica did not announce, nor stale contents after a
 *   repair);
 * - `NO_FRESH_VALUE` is only returned when the replica has announced no visible slot of k with
 *   publish time >= t (the newest visible one is what a read must find);
 * - any other error for a configured key is a violation.
 * The simulator lets a replica process due ticks before each read, so announcements are never
 * behind the state a read sees.
 */
import type { ReplicaEvent } from '@bftkvs/core';
import { slotContents } from '../history.js';
import { describe } from './agreement.js';
import type { Checker, CheckerContext, Observation, ReadRecord } from './types.js';
import { atMs, slotName } from './types.js';

interface KeyView {
  /** Publish times of announced slots, ascending. */
  readonly times: number[];
  readonly contents: Map<number, string>;
}

export class FreshnessChecker implements Checker {
  readonly name = 'freshness' as const;
  private readonly ctx: CheckerContext;
  /** node -> (incarnation, key -> view) */
  private readonly nodes = new Map<number, { incarnation: number; keys: Map<string, KeyView> }>();
  private readonly keepUs: number;
  /** Reads of slots older than this (relative to the read) are not matched against announcements. */
  private readonly judgeWindowUs: number;
  reads = 0;

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
    let maxPeriod = 0;
    for (const k of ctx.history.config.keys.values()) maxPeriod = Math.max(maxPeriod, k.grid.periodUs);
    this.judgeWindowUs = 16 * maxPeriod;
    this.keepUs = 1_000_000 + this.judgeWindowUs;
  }

  private view(node: number, incarnation: number, key: string): KeyView {
    let n = this.nodes.get(node);
    if (n === undefined || n.incarnation !== incarnation) {
      n = { incarnation, keys: new Map() };
      this.nodes.set(node, n);
    }
    let v = n.keys.get(key);
    if (v === undefined) n.keys.set(key, (v = { times: [], contents: new Map() }));
    return v;
  }

  onRestart(node: number, incarnation: number): void {
    this.nodes.set(node, { incarnation, keys: new Map() });
  }

  onEvents(obs: Observation, events: readonly ReplicaEvent[]): void {
    for (const e of events) {
      if (e.kind === 'published' || e.kind === 'agreed') {
        set(this.view(obs.node, obs.incarnation, e.slot.key), e.slot.publishTimeUs, slotContents(e.slot));
      } else if (e.kind === 'repaired') {
        const v = this.view(obs.node, obs.incarnation, e.key);
        if (e.after === undefined) remove(v, e.publishTimeUs);
        else set(v, e.publishTimeUs, slotContents(e.after));
      }
    }
  }

  onRead(r: ReadRecord): void {
    this.reads++;
    const h = this.ctx.history;
    if (h.schema(r.key) === undefined) return;
    const problem = this.judge(r);
    if (problem !== undefined) {
      this.ctx.report('freshness', `replica ${r.node}: read(${r.key}, ${atMs(h, r.earliestUs)}) at local ${atMs(h, r.localUs)} ${problem}`, r.trueUs);
    }
  }

  /** What is wrong with a read's result, or undefined. */
  private judge(r: ReadRecord): string | undefined {
    const h = this.ctx.history;
    const v = this.view(r.node, r.incarnation, r.key);
    if (r.result.ok) {
      const s = r.result.value;
      if (s.key !== r.key) return `returned a slot of another key (${slotName(h, s.key, s.publishTimeUs)})`;
      if (s.publishTimeUs < r.earliestUs) return `returned ${slotName(h, s.key, s.publishTimeUs)}, older than requested`;
      if (s.publishTimeUs > r.localUs) return `returned ${slotName(h, s.key, s.publishTimeUs)}, whose publish time has not come yet`;
      const announced = v.contents.get(s.publishTimeUs);
      if (announced === undefined) {
        // Old slots fall out of our window; only judge what we certainly still track.
        return s.publishTimeUs >= r.localUs - this.judgeWindowUs ? `returned ${slotName(h, s.key, s.publishTimeUs)} = ${describe(s)}, which the replica never announced as published` : undefined;
      }
      return announced === slotContents(s) ? undefined : `returned ${slotName(h, s.key, s.publishTimeUs)} = ${describe(s)}, not the version the replica announced`;
    }
    if (r.result.error.code !== 'NO_FRESH_VALUE') return `failed with ${r.result.error.code}: ${r.result.error.message}`;
    const newest = newestAtOrBefore(v.times, r.localUs);
    if (newest !== undefined && newest >= r.earliestUs) return `returned NO_FRESH_VALUE although ${slotName(h, r.key, newest)} was published and visible`;
    return undefined;
  }

  advance(trueUs: number): void {
    const before = trueUs - this.keepUs;
    for (const n of this.nodes.values()) {
      for (const v of n.keys.values()) {
        let drop = 0;
        while (drop < v.times.length && (v.times[drop] as number) < before) v.contents.delete(v.times[drop++] as number);
        if (drop > 0) v.times.splice(0, drop);
      }
    }
  }
}

function set(v: KeyView, t: number, contents: string): void {
  if (!v.contents.has(t)) {
    let i = v.times.length;
    while (i > 0 && (v.times[i - 1] as number) > t) i--;
    v.times.splice(i, 0, t);
  }
  v.contents.set(t, contents);
}

function remove(v: KeyView, t: number): void {
  if (!v.contents.delete(t)) return;
  const i = v.times.indexOf(t);
  if (i >= 0) v.times.splice(i, 1);
}

function newestAtOrBefore(times: readonly number[], t: number): number | undefined {
  let lo = 0;
  let hi = times.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = times[mid] as number;
    if (x <= t) {
      found = x;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
