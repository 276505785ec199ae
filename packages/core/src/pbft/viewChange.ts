/**
 * The deterministic core of a view change: from a quorum of valid ViewChanges, the
 * re-proposals a NewView must carry. The new primary computes it to build its NewView and
 * every backup recomputes it from the ViewChanges inside the NewView and rejects the NewView if
 * anything differs, so a faulty new primary can only choose *which* valid ViewChanges to use,
 * never what they imply.
 *
 * Rule (PBFT with signed certificates):
 *   minS = the highest stable checkpoint proven by any of the ViewChanges;
 *   maxS = the highest seq with a prepared certificate in any of them (at least minS);
 *   for each seq in (minS, maxS]: the batch of the certificate with the highest view, or the
 *   null batch if no ViewChange holds a certificate for that seq.
 * Why it is safe: a batch committed at a correct replica was prepared by at least f + 1 correct
 * replicas; any quorum of ViewChanges includes one of them, which reports a certificate of a
 * view at least as high as the one it committed in (or a stable checkpoint covering the seq),
 * and every certificate of such a view carries the same batch (induction over views).
 */
import type { Checkpoint, PrePrepare, ViewChange } from '@bftkvs/msgs';
import { hex } from './messages.js';

export interface NewViewPlan {
  readonly minS: number;
  readonly maxS: number;
  readonly stableDigest: Uint8Array;
  readonly stableProof: Checkpoint[];
  readonly prePrepares: PrePrepare[];
  readonly maxTauUs: number;
  readonly robustMaxTauUs: number;
}

interface Choice {
  view: number;
  batch: Uint8Array;
  digestHex: string;
}

/** `viewChanges` must all have been checked (checkViewChange) and target `view`. */
export function planNewView(
  view: number,
  viewChanges: readonly ViewChange[],
  f: number,
  nullBatch: Uint8Array,
  digest: (bytes: Uint8Array) => Uint8Array,
): NewViewPlan {
  let minS = 0;
  let stableProof: Checkpoint[] = [];
  for (const vc of viewChanges) {
    if (vc.stableSeq > minS) {
      minS = vc.stableSeq;
      stableProof = vc.stableProof;
    }
  }
  const chosen = new Map<number, Choice>();
  let maxS = minS;
  for (const vc of viewChanges) {
    for (const p of vc.prepared) {
      if (p.seq <= minS) continue;
      if (p.seq > maxS) maxS = p.seq;
      const prev = chosen.get(p.seq);
      if (prev !== undefined && prev.view > p.view) continue;
      const digestHex = hex(digest(p.batch));
      // Equal views with different batches cannot both be certified with at most f faults;
      // the smaller digest wins only so that every replica computes the same plan regardless.
      if (prev !== undefined && prev.view === p.view && prev.digestHex <= digestHex) continue;
      chosen.set(p.seq, { view: p.view, batch: p.batch, digestHex });
    }
  }
  const prePrepares: PrePrepare[] = [];
  for (let seq = minS + 1; seq <= maxS; seq++) {
    prePrepares.push({ view, seq, batch: chosen.get(seq)?.batch ?? nullBatch });
  }
  const taus = viewChanges.map((vc) => vc.maxTauUs).sort((a, b) => b - a);
  return {
    minS,
    maxS,
    stableDigest: stableProof[0]?.stateDigest ?? new Uint8Array(0),
    stableProof,
    prePrepares,
    maxTauUs: taus[0] ?? 0,
    robustMaxTauUs: taus[Math.min(f, taus.length - 1)] ?? 0,
  };
}

/**
 * The latest ViewChange of each replica (by target view), with the verdict of its check once
 * made. One per replica bounds memory at n whatever a Byzantine replica sends, and is all the
 * protocol needs: the f + 1 join rule looks at each replica's highest wish, and a new primary
 * needs each replica's ViewChange for its own view.
 */
export class ViewChangeStore {
  private readonly latest = new Map<number, { vc: ViewChange; valid: boolean | undefined }>();

  get size(): number {
    return this.latest.size;
  }

  get(replica: number): ViewChange | undefined {
    return this.latest.get(replica)?.vc;
  }

  /** 'newer' if stored; otherwise why not. */
  offer(vc: ViewChange): 'newer' | 'duplicate' | 'older' | 'conflict' {
    const cur = this.latest.get(vc.replica);
    if (cur !== undefined) {
      if (cur.vc.newView > vc.newView) return 'older';
      if (cur.vc.newView === vc.newView) return hex(cur.vc.signature) === hex(vc.signature) ? 'duplicate' : 'conflict';
    }
    this.latest.set(vc.replica, { vc, valid: undefined });
    return 'newer';
  }

  /** Stores this replica's own ViewChange (trusted: it built it). */
  putOwn(vc: ViewChange): void {
    this.latest.set(vc.replica, { vc, valid: true });
  }

  /** Replicas whose latest ViewChange targets exactly `view`. */
  countFor(view: number): number {
    let c = 0;
    for (const { vc } of this.latest.values()) if (vc.newView === view) c++;
    return c;
  }

  /** ViewChanges for `view`, checked once each with `check`; invalid ones are dropped and reported. */
  validFor(view: number, check: (vc: ViewChange) => boolean): ViewChange[] {
    const out: ViewChange[] = [];
    for (const [replica, entry] of [...this.latest].sort((a, b) => a[0] - b[0])) {
      if (entry.vc.newView !== view) continue;
      if (entry.valid === undefined) entry.valid = check(entry.vc);
      if (entry.valid) out.push(entry.vc);
      else this.latest.delete(replica);
    }
    return out;
  }

  /** Forgets wishes for views at or below an installed one. */
  dropUpTo(view: number): void {
    for (const [replica, { vc }] of [...this.latest]) if (vc.newView <= view) this.latest.delete(replica);
  }
}
