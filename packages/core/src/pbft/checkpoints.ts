/**
 * Collects signed checkpoints and finds stable ones (a quorum agreeing on the state digest
 * after a seq). Signatures are checked by the caller before `add`: checkpoints travel inside
 * ViewChanges as the proof of the low watermark, so an unverified one must never get in.
 *
 * Bounded: votes are kept only for seqs above h that are multiples of K. Inside the window
 * (h, h + L] that is L / K seqs; above it each replica keeps only its single highest vote —
 * enough for a lagging replica to learn that the others are ahead, without letting a
 * Byzantine replica fill memory with far-future checkpoints.
 */
import type { Checkpoint } from '@bftkvs/msgs';
import { hex } from './messages.js';

export interface StableCandidate {
  readonly seq: number;
  readonly stateDigest: Uint8Array;
  readonly stateDigestHex: string;
  /** `quorum` matching checkpoints from distinct replicas. */
  readonly proof: Checkpoint[];
}

export type AddResult = 'added' | 'duplicate' | 'conflict' | 'stale' | 'superseded';

export class CheckpointTracker {
  /** seq -> replica -> checkpoint. */
  private readonly votes = new Map<number, Map<number, Checkpoint>>();
  /** replica -> its one kept vote above the window. */
  private readonly far = new Map<number, number>();
  private low = 0;

  constructor(
    private readonly quorum: number,
    private readonly windowSeqs: number,
  ) {}

  get size(): number {
    let s = 0;
    for (const m of this.votes.values()) s += m.size;
    return s;
  }

  has(seq: number, replica: number): Checkpoint | undefined {
    return this.votes.get(seq)?.get(replica);
  }

  /** Whether `add` could store it (checked before paying for its signature). */
  admissible(cp: Checkpoint): boolean {
    if (cp.seq <= this.low) return false;
    if (cp.seq <= this.low + this.windowSeqs) return true;
    const prev = this.far.get(cp.replica);
    return prev === undefined || prev < cp.seq;
  }

  add(cp: Checkpoint): AddResult {
    if (cp.seq <= this.low) return 'stale';
    const existing = this.votes.get(cp.seq)?.get(cp.replica);
    if (existing !== undefined) return hex(existing.stateDigest) === hex(cp.stateDigest) ? 'duplicate' : 'conflict';
    if (cp.seq > this.low + this.windowSeqs) {
      const prev = this.far.get(cp.replica);
      if (prev !== undefined && prev >= cp.seq) return 'superseded';
      if (prev !== undefined) this.remove(prev, cp.replica);
      this.far.set(cp.replica, cp.seq);
    }
    let m = this.votes.get(cp.seq);
    if (m === undefined) {
      m = new Map();
      this.votes.set(cp.seq, m);
    }
    m.set(cp.replica, cp);
    return 'added';
  }

  private remove(seq: number, replica: number): void {
    const m = this.votes.get(seq);
    if (m === undefined) return;
    m.delete(replica);
    if (m.size === 0) this.votes.delete(seq);
  }

  /** The highest seq above h with a quorum of matching digests. */
  highestStable(): StableCandidate | undefined {
    let best: StableCandidate | undefined;
    for (const seq of this.votes.keys()) {
      if (best !== undefined && seq <= best.seq) continue;
      best = this.stableAt(seq) ?? best;
    }
    return best;
  }

  /** The quorum proof for `seq`, if its votes reached one (at most one digest can). */
  stableAt(seq: number): StableCandidate | undefined {
    const m = this.votes.get(seq);
    if (m === undefined || m.size < this.quorum) return undefined;
    const byDigest = new Map<string, Checkpoint[]>();
    for (const cp of [...m.values()].sort((a, b) => a.replica - b.replica)) {
      const k = hex(cp.stateDigest);
      const list = byDigest.get(k) ?? [];
      list.push(cp);
      byDigest.set(k, list);
    }
    for (const [k, list] of byDigest) {
      const first = list[0];
      if (list.length >= this.quorum && first !== undefined) {
        return { seq, stateDigest: first.stateDigest, stateDigestHex: k, proof: list.slice(0, this.quorum) };
      }
    }
    return undefined;
  }

  /** How many replicas other than `except` signed `stateDigest` for `seq`. */
  matchingVotes(seq: number, stateDigest: Uint8Array, except: number): number {
    const want = hex(stateDigest);
    let n = 0;
    for (const [replica, cp] of this.votes.get(seq) ?? []) if (replica !== except && hex(cp.stateDigest) === want) n++;
    return n;
  }

  /** Drops every vote at or below the new h; far votes that fell into the window stay. */
  advanceLow(h: number): void {
    if (h <= this.low) return;
    this.low = h;
    for (const seq of [...this.votes.keys()]) if (seq <= h) this.votes.delete(seq);
    for (const [replica, seq] of [...this.far]) if (seq <= h + this.windowSeqs) this.far.delete(replica);
  }
}
