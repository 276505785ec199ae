/**
 * What really happened in a run, as the checkers need it: which nodes are Byzantine, when
 * nodes were down, every write the applications issued (the ground truth), and the intervals
 * in which the timing assumptions did not hold (a frame between correct nodes lost, late or cut
 * by a partition) or the protocol was legitimately disrupted (a view change).
 *
 * The simulator writes it; checkers only read it. Times named `…TrueUs` are simulated true
 * time; publish times and `localUs` are readings of a replica's clock (within ε/2 of true).
 */
import type { ClusterConfig, FuseRegistry, KeySchema, KvsErrorCode, PublishedSlot, Value } from '@bftkvs/core';
import { canonicalValue } from '@bftkvs/core';

export interface WriteRecord {
  readonly writer: string;
  readonly key: string;
  readonly host: number;
  /** Twins: which copy of the host issued it (0 otherwise). */
  readonly copy: number;
  readonly publishTimeUs: number;
  readonly value: Value;
  readonly trueUs: number;
  readonly localUs: number;
  readonly accepted: boolean;
  /** The rejection code when not accepted. */
  readonly code: KvsErrorCode | undefined;
  /** Issued on a Byzantine node: its value proves nothing. */
  readonly faulty: boolean;
}

export interface SlotTruth {
  readonly key: string;
  readonly publishTimeUs: number;
  /** Accepted writes from writers on non-Byzantine nodes, in admission order. */
  readonly correct: WriteRecord[];
  /** Accepted writes from writers on Byzantine nodes. */
  readonly faulty: WriteRecord[];
}

export interface Interval {
  readonly fromUs: number;
  readonly toUs: number;
}

/** Sorted, merged, append-mostly interval set with overlap queries (binary search). */
export class IntervalSet {
  private readonly froms: number[] = [];
  private readonly tos: number[] = [];

  get size(): number {
    return this.froms.length;
  }

  add(fromUs: number, toUs: number): void {
    if (!(toUs >= fromUs)) return;
    const n = this.froms.length;
    // Fast path: added in time order (the simulator's case), possibly overlapping the last.
    if (n === 0 || fromUs >= (this.froms[n - 1] as number)) {
      if (n > 0 && fromUs <= (this.tos[n - 1] as number)) {
        this.tos[n - 1] = Math.max(this.tos[n - 1] as number, toUs);
      } else {
        this.froms.push(fromUs);
        this.tos.push(toUs);
      }
      return;
    }
    // General case: insert and re-merge (rare: out-of-order additions).
    const all: Interval[] = this.froms.map((f, i) => ({ fromUs: f, toUs: this.tos[i] as number }));
    all.push({ fromUs, toUs });
    all.sort((a, b) => a.fromUs - b.fromUs);
    this.froms.length = 0;
    this.tos.length = 0;
    for (const iv of all) {
      const m = this.froms.length;
      if (m > 0 && iv.fromUs <= (this.tos[m - 1] as number)) this.tos[m - 1] = Math.max(this.tos[m - 1] as number, iv.toUs);
      else {
        this.froms.push(iv.fromUs);
        this.tos.push(iv.toUs);
      }
    }
  }

  /** Whether any interval intersects [fromUs, toUs]. */
  overlaps(fromUs: number, toUs: number): boolean {
    // Last interval starting at or before toUs; intervals are disjoint and sorted, so it is
    // the only candidate that can reach fromUs.
    let lo = 0;
    let hi = this.froms.length - 1;
    let idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.froms[mid] as number) <= toUs) {
        idx = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return idx >= 0 && (this.tos[idx] as number) >= fromUs;
  }

  toArray(): Interval[] {
    return this.froms.map((f, i) => ({ fromUs: f, toUs: this.tos[i] as number }));
  }
}

export interface HistoryOptions {
  readonly config: ClusterConfig;
  readonly fuse: FuseRegistry;
  readonly byzantine: ReadonlySet<number>;
  /** After a restart, a node is exempt from deadline and liveness checks for this long. */
  readonly recoveryUs: number;
  /** True time the run starts, the faults heal, and the run ends. */
  readonly startUs: number;
  readonly healUs: number;
  readonly endUs: number;
}

export function slotId(key: string, publishTimeUs: number): string {
  return `${key}@${publishTimeUs}`;
}

const contentsCache = new WeakMap<object, string>();

/**
 * A canonical string of a slot's fused value and contents: equal iff the slots agree. Cached
 * per slot object: several checkers ask for the same event's slot (slots are immutable).
 */
export function slotContents(slot: Pick<PublishedSlot, 'value' | 'contributions'>): string {
  const cached = contentsCache.get(slot);
  if (cached !== undefined) return cached;
  let s = canonicalValue(slot.value);
  for (const c of slot.contributions) s += `|${c.writer}=${canonicalValue(c.value)}`;
  contentsCache.set(slot, s);
  return s;
}

export class History {
  readonly config: ClusterConfig;
  readonly fuse: FuseRegistry;
  readonly byzantine: ReadonlySet<number>;
  readonly recoveryUs: number;
  readonly startUs: number;
  readonly healUs: number;
  readonly endUs: number;
  /** Frames between correct nodes that were lost, late beyond Δ+π, or cut by a partition. */
  readonly assumptionViolations = new IntervalSet();
  /** The same, per receiving replica. */
  private readonly violationsInto: IntervalSet[];
  /** Windows in which the protocol may legitimately miss deadlines (view changes). */
  readonly disruptions = new IntervalSet();
  private readonly downs = new Map<number, Interval[]>();
  /** When each node was last cut off from a quorum by a partition (it rejoins like a restart). */
  private readonly cutOffs = new Map<number, Interval[]>();
  private readonly slots = new Map<string, SlotTruth>();
  private readonly writerHosts: ReadonlyMap<string, number>;

  constructor(opts: HistoryOptions) {
    this.config = opts.config;
    this.fuse = opts.fuse;
    this.byzantine = opts.byzantine;
    this.recoveryUs = opts.recoveryUs;
    this.startUs = opts.startUs;
    this.healUs = opts.healUs;
    this.endUs = opts.endUs;
    this.writerHosts = opts.config.writers;
    this.violationsInto = Array.from({ length: opts.config.replicas }, () => new IntervalSet());
  }

  /** Records that a frame from `from` to `to` missed the timing assumption during [fromUs, toUs]. */
  addAssumptionViolation(_from: number, to: number, fromUs: number, toUs: number): void {
    this.assumptionViolations.add(fromUs, toUs);
    this.violationsInto[to]?.add(fromUs, toUs);
  }

  schema(key: string): KeySchema | undefined {
    return this.config.keys.get(key);
  }

  isByzantine(node: number): boolean {
    return this.byzantine.has(node);
  }

  /** A writer is faulty iff its host node is Byzantine. */
  isFaultyWriter(writer: string): boolean {
    const host = this.writerHosts.get(writer);
    return host === undefined || this.byzantine.has(host);
  }

  nodeDown(node: number, atUs: number): void {
    let list = this.downs.get(node);
    if (list === undefined) this.downs.set(node, (list = []));
    list.push({ fromUs: atUs, toUs: Number.POSITIVE_INFINITY });
  }

  nodeUp(node: number, atUs: number): void {
    const list = this.downs.get(node);
    const last = list?.[list.length - 1];
    if (list !== undefined && last !== undefined && last.toUs === Number.POSITIVE_INFINITY) {
      list[list.length - 1] = { fromUs: last.fromUs, toUs: atUs };
    }
  }

  /** Up during all of [fromUs, toUs] (true time). */
  upThroughout(node: number, fromUs: number, toUs: number): boolean {
    const list = this.downs.get(node);
    if (list === undefined) return true;
    for (const d of list) if (d.fromUs <= toUs && d.toUs >= fromUs) return false;
    return true;
  }

  /**
   * Up during [fromUs, toUs], not restarted within recoveryUs before fromUs, and not cut off from
   * a quorum by a partition in that time: such a node missed what the others ordered and
   * catches up through retransmission or state transfer, like a restarted one.
   */
  stableThroughout(node: number, fromUs: number, toUs: number): boolean {
    if (!this.upThroughout(node, fromUs - this.recoveryUs, toUs)) return false;
    for (const c of this.cutOffs.get(node) ?? []) if (c.fromUs <= toUs && c.toUs >= fromUs - this.recoveryUs) return false;
    return true;
  }

  /**
   * Records a partition over [fromUs, toUs] with `sides[node]` in {0, 1}. A node is cut off when
   * its side holds fewer than a quorum (⌈(N + f + 1) / 2⌉) of the replicas; in crash mode, when
   * its side is not the larger one.
   */
  recordPartition(sides: readonly number[], fromUs: number, toUs: number): void {
    const n = this.config.replicas;
    const size = [0, 0];
    for (let r = 0; r < n; r++) size[sides[r] === 1 ? 1 : 0]! += 1;
    const larger = Math.max(size[0]!, size[1]!);
    const needed = this.config.mode === 'crash' ? larger : Math.ceil((n + this.config.f + 1) / 2);
    for (let r = 0; r < n; r++) {
      if (size[sides[r] === 1 ? 1 : 0]! >= needed) continue;
      let list = this.cutOffs.get(r);
      if (list === undefined) this.cutOffs.set(r, (list = []));
      list.push({ fromUs, toUs });
    }
  }

  /** Down at the end of the run and never restarted after going down (crash-stop). */
  crashedForGood(node: number): boolean {
    const list = this.downs.get(node);
    const last = list?.[list.length - 1];
    return last !== undefined && last.toUs === Number.POSITIVE_INFINITY;
  }

  everDown(node: number): boolean {
    return this.downs.has(node);
  }

  recordWrite(w: WriteRecord): void {
    if (!w.accepted) return;
    const id = slotId(w.key, w.publishTimeUs);
    let s = this.slots.get(id);
    if (s === undefined) {
      s = { key: w.key, publishTimeUs: w.publishTimeUs, correct: [], faulty: [] };
      this.slots.set(id, s);
    }
    (w.faulty ? s.faulty : s.correct).push(w);
  }

  slot(key: string, publishTimeUs: number): SlotTruth | undefined {
    return this.slots.get(slotId(key, publishTimeUs));
  }

  /** Every slot that received at least one accepted write, in insertion order. */
  allSlots(): IterableIterator<SlotTruth> {
    return this.slots.values();
  }

  /** Drops ground truth for slots published before `beforeUs` (keeps long runs bounded). */
  forgetSlotsBefore(beforeUs: number): void {
    for (const [id, s] of this.slots) if (s.publishTimeUs < beforeUs) this.slots.delete(id);
  }

  /** Whether assumptions were violated, or the protocol disrupted, during [fromUs, toUs]. */
  excused(fromUs: number, toUs: number): boolean {
    return this.assumptionViolations.overlaps(fromUs, toUs) || this.disruptions.overlaps(fromUs, toUs);
  }

  /**
   * Whether a miss at `node` is explained. In `fast` mode a replica's slot contents depend only
   * on the frames it receives (origins broadcast directly), so only violations on links into
   * it count; in the relaying and ordering modes any violation may propagate.
   */
  excusedAt(node: number, fromUs: number, toUs: number): boolean {
    if (this.config.mode !== 'fast') return this.excused(fromUs, toUs);
    return (this.violationsInto[node]?.overlaps(fromUs, toUs) ?? false) || this.disruptions.overlaps(fromUs, toUs);
  }
}
