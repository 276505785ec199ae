/**
 * `crash` mode (N >= f+1, crash faults only): timed flooding.
 *
 * The origin sends WriteBroadcast{hop: 0} to every replica. A replica accepts a copy carrying
 * hop k (k relays so far) iff its clock reads at most
 *
 *     D(k) = t − closeBefore − (f − k)·h          (h = Δ + π + ε, cluster.ts deriveTiming)
 *
 * and, on first acceptance with k < f, relays it once with hop k+1. At t the slot is decided
 * from what was accepted, marked agreed.
 *
 * Why all correct replicas decide identical sets (under the timing assumptions; "correct" =
 * never crashes):
 * 1. Copies that arrive in time are accepted. The origin admits at clock c0 <= t − lead with
 *    lead >= (f+1)·h + π; a copy it sends reaches any replica whose clock then reads at most
 *    c0 + h (π to send, Δ in flight, ε of skew) <= t − π − f·h = D(0). A replica that accepts
 *    hop k at clock <= D(k) relays hop k+1, which arrives at clock <= D(k) + h = D(k+1).
 * 2. A copy with hop k was sent by k+1 distinct replicas (the origin and k relayers: each
 *    relays only on its first acceptance, so none repeats). Suppose a correct replica p
 *    accepts the write. If p accepted it with k < f, p relays it to everyone, who accept by
 *    (1). If k = f, the f+1 distinct senders of the chain include a correct one, s_j, which
 *    sent hop j to everyone (the origin at admission, a relayer at first acceptance), so by
 *    (1) everyone accepts it at hop <= j.
 * 3. No replica accepts after D(f) = t − closeBefore, the store's closing time, so every
 *    accepted copy is in the slot when it is decided at t.
 * Hence a write is in every correct replica's slot or in none. Duplicates and late copies are
 * ignored; outside the timing assumptions slots may differ and the late copies are counted.
 *
 * Frames are MAC-authenticated, so an outsider can inject nothing; write authenticators are
 * still checked (cheap, and they keep the origin–writer binding honest).
 */
import type { AuthenticatedWrite, WriteBroadcast } from '@bftkvs/msgs';
import type { ClusterConfig } from '../cluster.js';
import { deriveTiming } from '../cluster.js';
import type { AdmittedWrite } from '../slotStore.js';
import type { ReplicaOptions } from './base.js';
import { ReplicaBase } from './base.js';

export class CrashReplica extends ReplicaBase {
  readonly mode = 'crash' as const;
  private readonly hopUs: number;
  /** Writes accepted (and relayed), by publish time: "key\nwriter". Dropped once decided. */
  private readonly accepted = new Map<number, Set<string>>();

  constructor(config: ClusterConfig, opts: ReplicaOptions) {
    super(config, opts);
    this.hopUs = deriveTiming('crash', config.f, config.timing).hopUs;
  }

  /** D(k): the latest local clock reading at which a copy with hop k is accepted. */
  acceptDeadlineUs(publishTimeUs: number, hop: number): number {
    return publishTimeUs - this.config.timing.closeBeforeUs - (this.config.f - hop) * this.hopUs;
  }

  protected disseminate(aw: AuthenticatedWrite, write: AdmittedWrite): void {
    this.markAccepted(write.publishTimeUs, write.key, write.writer);
    this.broadcast({ kind: 'write', write: { write: aw, hop: 0 } });
  }

  protected onWriteBroadcast(from: number, wb: WriteBroadcast, nowUs: number): void {
    const v = this.verifyReceivedWrite(from, wb.write, nowUs);
    if (!v.ok) return;
    const w = v.write;
    if (this.isAccepted(w.publishTimeUs, w.key, w.writer)) {
      this.count('writes.duplicate');
      return;
    }
    const k = wb.hop;
    // Hop 0 is the origin's own copy, sent at admission; the timing argument rests on it.
    if ((k === 0) !== (from === w.origin) || k > this.config.f) {
      this.count('writes.rejected.bad-hop');
      return;
    }
    if (nowUs > this.acceptDeadlineUs(w.publishTimeUs, k)) {
      this.count('writes.rejected.late-hop');
      return;
    }
    const checked = this.checkWrite(w, nowUs);
    if (checked === undefined) return;
    const r = this.contribute(checked, nowUs);
    if (!r.ok) return;
    if (r.value !== 'accepted') {
      // Crash faults cannot produce a second value; count it rather than relay it.
      this.count(`writes.${r.value}`);
      return;
    }
    this.count('writes.accepted');
    this.markAccepted(w.publishTimeUs, w.key, w.writer);
    if (k < this.config.f) {
      this.count('writes.relayed');
      this.broadcast({ kind: 'write', write: { write: wb.write, hop: k + 1 } }, new Set([from, w.origin]));
    }
  }

  protected onAdvance(nowUs: number): void {
    this.decideDueSlots(nowUs, true);
    // After t every copy is refused by the store anyway; the dedup set for t can go.
    for (const t of this.accepted.keys()) if (t <= nowUs) this.accepted.delete(t);
  }

  protected override modeMemory(): { logEntries: number; pendingWrites: number } {
    let n = 0;
    for (const s of this.accepted.values()) n += s.size;
    return { logEntries: n, pendingWrites: 0 };
  }

  private markAccepted(t: number, key: string, writer: string): void {
    let s = this.accepted.get(t);
    if (s === undefined) {
      s = new Set();
      this.accepted.set(t, s);
    }
    s.add(`${key}\n${writer}`);
  }

  private isAccepted(t: number, key: string, writer: string): boolean {
    return this.accepted.get(t)?.has(`${key}\n${writer}`) ?? false;
  }
}
