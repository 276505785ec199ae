/**
 * When to ask the embedder for state transfer, and which installs to accept.
 *
 * A replica is behind when a quorum of signed checkpoints proves state it has not executed.
 * If everything up to that checkpoint is in its own log it is merely slow and gets a grace
 * period; if something is missing, the quorum has already collected it from their logs, so no
 * retransmission will bring it and the replica asks at once. The proofs of the last few
 * targets stay installable, because the target moves on while the embedder is fetching.
 */
import type { Checkpoint } from '@bftkvs/msgs';
import { bytesEqual } from './messages.js';

export interface ProvenState {
  readonly seq: number;
  readonly stateDigest: Uint8Array;
  /** A quorum of matching signed checkpoints (empty only for the genesis state, seq 0). */
  readonly proof: Checkpoint[];
}

export type TargetReason = 'behind' | 'new-view' | 'state-digest-mismatch';

interface Target extends ProvenState {
  sinceUs: number;
  announced: boolean;
  readonly reason: TargetReason;
}

const PROVEN_KEPT = 4;

export class StateTransfer {
  private target: Target | undefined;
  private readonly proven: ProvenState[] = [];

  get pending(): { readonly seq: number; readonly reason: TargetReason; readonly announced: boolean; readonly sinceUs: number } | undefined {
    return this.target;
  }

  /** Sets the target, or moves it up; a lower one stays installable but is not the target. */
  aim(s: ProvenState, reason: TargetReason, nowUs: number): void {
    if (!this.proven.some((p) => p.seq === s.seq)) {
      this.proven.push({ seq: s.seq, stateDigest: s.stateDigest, proof: s.proof });
      if (this.proven.length > PROVEN_KEPT) this.proven.shift();
    }
    const prev = this.target;
    if (prev !== undefined && (prev.seq > s.seq || (prev.seq === s.seq && prev.reason === reason))) return;
    // Moving up keeps the time we fell behind, but a target already announced is re-announced
    // at most once per grace period.
    const sinceUs = prev === undefined || prev.announced ? nowUs : prev.sinceUs;
    this.target = { seq: s.seq, stateDigest: s.stateDigest, proof: s.proof, sinceUs, announced: false, reason };
  }

  get size(): number {
    return this.proven.length + (this.target === undefined ? 0 : 1);
  }

  /** Marks the target announced; returns it the first time only. */
  announce(): (ProvenState & { reason: TargetReason }) | undefined {
    const t = this.target;
    if (t === undefined || t.announced) return undefined;
    t.announced = true;
    return t;
  }

  /** Forgets the target once execution (or an install) reached it. */
  reached(lastExecuted: number, options: { readonly anyReason: boolean }): void {
    const t = this.target;
    if (t !== undefined && t.seq <= lastExecuted && (options.anyReason || t.reason === 'behind')) this.target = undefined;
  }

  /** The install that repairs our own diverged state may go back to an executed seq. */
  repairs(seq: number): boolean {
    return this.target?.reason === 'state-digest-mismatch' && this.target.seq === seq;
  }

  /** A proof for exactly (seq, digest) among the targets and `others`. */
  proofFor(seq: number, stateDigest: Uint8Array, others: readonly (ProvenState | undefined)[]): Checkpoint[] | undefined {
    for (const c of [this.target, ...others, ...this.proven]) {
      if (c !== undefined && c.seq === seq && bytesEqual(c.stateDigest, stateDigest) && (seq === 0 || c.proof.length > 0)) return c.proof;
    }
    return undefined;
  }
}
