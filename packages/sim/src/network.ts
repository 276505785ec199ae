/**
 * The simulated network between replicas.
 *
 * Every frame gets a delay of processing jitter U[0, π] plus the link's base latency and an
 * exponential jitter, capped at Δ: within the assumption the protocol's lead is derived from.
 * Reordering follows from independent delays. On top of that, per the run's profile:
 * - tail: with probability `tailP` a frame arrives after Δ + π (an assumption violation);
 * - loss: with probability `lossP` a frame is dropped (an assumption violation);
 * - duplication: with probability `dupP` a second copy arrives with its own delay (harmless);
 * - partitions: scheduled cuts between two sides that heal before the safety phase ends
 *   (frames across the cut are dropped: assumption violations);
 * - replay: with probability `replayP` a recently sent frame is delivered again, possibly to
 *   another receiver (an adversarial network, which replicas must tolerate — not a violation).
 * - stalls (`stalls: true`; the scenario asks for them unless told not to): a replica's event loop is held — a GC pause, a stalled
 *   host — so it reads nothing and runs no timer until the stall ends; then it reads what
 *   arrived meanwhile, then ticks (as the runtime's driver does). The simulator applies them;
 *   they are planned here with the other timing faults and, like them, violate π.
 * Assumption violations are only counted (and recorded in the history) for frames between two
 * non-Byzantine nodes: what happens to a Byzantine node's traffic is its own choice.
 *
 * Twins: a twinned Byzantine node runs two copies with the same identity and keys. Each other
 * node is on side 0 or 1 and talks only to the copy on its side.
 */
import type { Prng } from './prng.js';

export interface PartitionSpec {
  /** Relative to the run start. */
  readonly startUs: number;
  readonly endUs: number;
  /** Side (0 or 1) of each replica. */
  readonly sides: readonly number[];
}

export interface StallSpec {
  readonly node: number;
  /** Relative to the run start. */
  readonly startUs: number;
  readonly endUs: number;
}

export interface NetworkProfile {
  /** Δ */
  readonly delayUs: number;
  /** π */
  readonly processingUs: number;
  /** Base latency per link, row-major [from * n + to]. */
  readonly baseUs: readonly number[];
  readonly jitterMeanUs: number;
  readonly lossP: number;
  readonly dupP: number;
  readonly tailP: number;
  readonly tailMeanUs: number;
  readonly replayP: number;
  readonly partitions: readonly PartitionSpec[];
  /** Sorted by start; empty unless planned with `stalls: true`. */
  readonly stalls: readonly StallSpec[];
}

export interface NetworkHooks {
  /** Schedule delivery of `bytes` to copy `copy` of node `to` at true time `atUs`. */
  deliver(atUs: number, to: number, copy: number, bytes: Uint8Array): void;
  isByzantine(node: number): boolean;
  isUp(node: number): boolean;
  /** A frame from `from` to `to` (both correct) did not meet the timing assumption during [fromUs, toUs]. */
  violation(from: number, to: number, fromUs: number, toUs: number): void;
}

export interface NetworkStats {
  framesSent: number;
  framesDropped: number;
  framesDuplicated: number;
  framesReplayed: number;
  assumptionViolations: number;
}

const REPLAY_RING = 64;

export class Network {
  readonly n: number;
  private readonly profile: NetworkProfile;
  private readonly rng: Prng;
  private readonly hooks: NetworkHooks;
  /** Side of each node across the current partition, or undefined when none is active. */
  private cut: readonly number[] | undefined;
  /** Twins routing: side of each node, and which nodes run two copies. */
  private readonly twinSides: readonly number[] | undefined;
  private readonly twinned: readonly boolean[];
  private healed = false;
  private readonly ringBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(REPLAY_RING).fill(undefined);
  private readonly ringTo = new Int32Array(REPLAY_RING);
  private ringNext = 0;
  readonly stats: NetworkStats = { framesSent: 0, framesDropped: 0, framesDuplicated: 0, framesReplayed: 0, assumptionViolations: 0 };

  constructor(opts: { n: number; profile: NetworkProfile; rng: Prng; hooks: NetworkHooks; twinSides?: readonly number[]; twinned?: readonly boolean[] }) {
    this.n = opts.n;
    this.profile = opts.profile;
    this.rng = opts.rng;
    this.hooks = opts.hooks;
    this.twinSides = opts.twinSides;
    this.twinned = opts.twinned ?? new Array<boolean>(opts.n).fill(false);
    if (opts.profile.baseUs.length !== opts.n * opts.n) throw new RangeError('baseUs must have n*n entries');
  }

  /** Starts a partition (sides per node) or ends it (undefined). */
  setPartition(sides: readonly number[] | undefined): void {
    this.cut = sides;
  }

  /** From now on the network keeps within its assumptions: no loss, tail, cut or replay. */
  heal(): void {
    this.healed = true;
    this.cut = undefined;
  }

  get isHealed(): boolean {
    return this.healed;
  }

  /** The side a sender or receiver is on for twins routing. */
  private sideOf(node: number, copy: number): number {
    if (this.twinned[node] === true) return copy;
    return this.twinSides?.[node] ?? 0;
  }

  /**
   * Sends a frame from (node, copy) to `to` at true time `nowUs`. `extraDelayUs` is added by
   * a Byzantine sender that delays its own traffic (not an assumption violation).
   */
  send(from: number, fromCopy: number, to: number, bytes: Uint8Array, nowUs: number, extraDelayUs = 0): void {
    const p = this.profile;
    const rng = this.rng;
    this.stats.framesSent++;
    // Which copy of the receiver gets it (twins); a twin copy only reaches its own side.
    let toCopy = 0;
    if (this.twinSides !== undefined) {
      const side = this.sideOf(from, fromCopy);
      if (this.twinned[to] === true) toCopy = side;
      else if (this.twinned[from] === true && (this.twinSides[to] ?? 0) !== side) return;
    }
    if (to === from) {
      this.hooks.deliver(nowUs + rng.int(0, p.processingUs), to, toCopy, bytes);
      return;
    }
    const correctLink = !this.hooks.isByzantine(from) && !this.hooks.isByzantine(to);
    const budgetUs = p.delayUs + p.processingUs;
    if (!this.healed) {
      if (this.cut !== undefined && this.cut[from] !== this.cut[to]) {
        this.drop(correctLink && this.hooks.isUp(to), from, to, nowUs, nowUs + budgetUs);
        return;
      }
      if (rng.chance(p.lossP)) {
        this.drop(correctLink && this.hooks.isUp(to), from, to, nowUs, nowUs + budgetUs);
        return;
      }
    }
    let delay = this.delay(from, to);
    if (!this.healed && rng.chance(p.tailP)) {
      delay = budgetUs + 1 + Math.round(rng.exponential(p.tailMeanUs));
      if (correctLink) {
        this.stats.assumptionViolations++;
        this.hooks.violation(from, to, nowUs, nowUs + delay);
      }
    }
    this.hooks.deliver(nowUs + delay + extraDelayUs, to, toCopy, bytes);
    if (rng.chance(p.dupP)) {
      this.stats.framesDuplicated++;
      this.hooks.deliver(nowUs + this.delay(from, to) + extraDelayUs, to, toCopy, bytes);
    }
    if (!this.healed && p.replayP > 0) {
      if (rng.chance(p.replayP)) this.replay(nowUs);
      this.ringBytes[this.ringNext] = bytes;
      this.ringTo[this.ringNext] = to;
      this.ringNext = (this.ringNext + 1) % REPLAY_RING;
    }
  }

  /** A delay within the assumption: U[0, π] + min(Δ, base + Exp(jitter)). */
  private delay(from: number, to: number): number {
    const p = this.profile;
    const base = p.baseUs[from * this.n + to] as number;
    const net = Math.min(p.delayUs, Math.round(base + this.rng.exponential(p.jitterMeanUs)));
    return this.rng.int(0, p.processingUs) + net;
  }

  private drop(violates: boolean, from: number, to: number, fromUs: number, toUs: number): void {
    this.stats.framesDropped++;
    if (violates) {
      this.stats.assumptionViolations++;
      this.hooks.violation(from, to, fromUs, toUs);
    }
  }

  /** Re-delivers a recent frame, to its receiver or another one, within a few Δ. */
  private replay(nowUs: number): void {
    const i = this.rng.int(0, REPLAY_RING - 1);
    const bytes = this.ringBytes[i];
    if (bytes === undefined) return;
    const to = this.rng.chance(0.7) ? (this.ringTo[i] as number) : this.rng.int(0, this.n - 1);
    this.stats.framesReplayed++;
    this.hooks.deliver(nowUs + this.rng.int(0, 5 * this.profile.delayUs), to, 0, bytes);
  }
}

export interface NetworkPlanOptions {
  readonly n: number;
  readonly delayUs: number;
  readonly processingUs: number;
  /** Loss, tail, partitions and replay are enabled only for runs with faults. */
  readonly faulty: boolean;
  /** Replay by the network: Byzantine runs only. */
  readonly adversarial: boolean;
  readonly safetyUs: number;
  /** Plan event-loop stalls too (drawn after everything else: the rest of the plan is unchanged). */
  readonly stalls?: boolean;
}

/** Stall lengths drawn from (µs, scaled by U[0.5, 1.5]): a minor GC, a major GC, a stalled host. */
const STALL_LENGTHS_US = [2_000, 10_000, 40_000, 120_000];

export function planNetwork(rng: Prng, o: NetworkPlanOptions): NetworkProfile {
  const n = o.n;
  const baseUs: number[] = [];
  for (let i = 0; i < n * n; i++) baseUs.push(Math.round(rng.real(0.1, 0.5) * o.delayUs));
  const lossP = rng.weighted<number>([[4, 0], [2, 0.001], [2, 0.01], [1, 0.03]]);
  const tailP = rng.weighted<number>([[5, 0], [3, 0.001], [2, 0.01]]);
  const dupP = rng.pick([0, 0.01, 0.05]);
  const replayP = rng.pick([0, 0.005, 0.02]);
  const partitions: PartitionSpec[] = [];
  const count = rng.weighted<number>([[6, 0], [3, 1], [1, 2]]);
  for (let i = 0; i < count; i++) {
    const startUs = Math.round(rng.real(0.1, 0.7) * o.safetyUs);
    const lengthUs = Math.round(rng.real(0.02, 0.25) * o.safetyUs);
    const sides = Array.from({ length: n }, () => (rng.chance(0.5) ? 1 : 0));
    // An isolated node is the commonest real partition.
    if (rng.chance(0.5)) {
      sides.fill(0);
      sides[rng.int(0, n - 1)] = 1;
    }
    partitions.push({ startUs, endUs: Math.min(startUs + lengthUs, Math.round(0.9 * o.safetyUs)), sides });
  }
  partitions.sort((a, b) => a.startUs - b.startUs);
  // Overlapping partitions would nest cuts; keep them disjoint.
  const disjoint: PartitionSpec[] = [];
  for (const ps of partitions) {
    const last = disjoint[disjoint.length - 1];
    if (ps.endUs > ps.startUs && (last === undefined || ps.startUs > last.endUs)) disjoint.push(ps);
  }
  const stalls: StallSpec[] = [];
  if (o.faulty && o.stalls === true) {
    const stallCount = rng.weighted<number>([[3, 1], [2, 2], [1, 4]]);
    for (let i = 0; i < stallCount; i++) {
      const node = rng.int(0, n - 1);
      const startUs = Math.round(rng.real(0.05, 0.8) * o.safetyUs);
      const lengthUs = Math.round(rng.pick(STALL_LENGTHS_US) * rng.real(0.5, 1.5));
      const endUs = Math.min(startUs + lengthUs, Math.round(0.9 * o.safetyUs));
      if (endUs > startUs) stalls.push({ node, startUs, endUs });
    }
    stalls.sort((a, b) => a.startUs - b.startUs || a.node - b.node);
  }
  return {
    delayUs: o.delayUs,
    processingUs: o.processingUs,
    baseUs,
    jitterMeanUs: Math.max(1, Math.round(0.15 * o.delayUs)),
    lossP: o.faulty ? lossP : 0,
    dupP,
    tailP: o.faulty ? tailP : 0,
    tailMeanUs: 2 * o.delayUs,
    replayP: o.adversarial ? replayP : 0,
    partitions: o.faulty ? disjoint : [],
    stalls,
  };
}
