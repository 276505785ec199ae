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
 *
 * Restarts (crashRejoin.ts has the rule and its argument). A replica starts empty. Until it
 * knows whether it booted into a running cluster, and after a restart until it has merged a
 * snapshot from a complete peer, it decides only slots whose writes were all issued after it
 * came up (t > floor); it relays every copy like any replica meanwhile. A replica that
 * restarted within one flooding window ((f+1)·h) of relaying a write could relay it again in
 * its new incarnation, so the distinct-senders step of (2) assumes restarts take longer than
 * that (any real process restart does).
 */
import type { AuthenticatedWrite, Body, PublishedSlot as WireSlot, StateRequest, WriteBroadcast } from '@bftkvs/msgs';
import type { CryptoSuite } from '../auth/crypto.js';
import { copyAuthenticatedWrite } from '../auth/writeAuth.js';
import type { ClusterConfig } from '../cluster.js';
import { deriveTiming } from '../cluster.js';
import type { AdmittedWrite, Contribution, PublishedSlot } from '../slotStore.js';
import { isOnGrid } from '../time.js';
import type { Value } from '../value.js';
import { canonicalValue } from '../value.js';
import type { ReplicaOptions } from './base.js';
import { ReplicaBase } from './base.js';
import type { HeldWrite, Snapshot } from './crashRejoin.js';
import { CrashRejoin, buildSnapshot, statusReply } from './crashRejoin.js';
import { valueFromWire, valueToWire } from './wireValue.js';

/** Old writes received by state transfer for one open slot (writer -> value). */
interface TransferredSlot {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly values: Map<string, Value>;
}

export class CrashReplica extends ReplicaBase {
  readonly mode = 'crash' as const;
  private readonly hopUs: number;
  private readonly crypto: CryptoSuite;
  /**
   * Writes accepted (relayed, or merged by state transfer) for open slots, by publish time:
   * "key\nwriter" -> the authenticated write, served to a rejoining peer. Dropped once decided.
   */
  private readonly accepted = new Map<number, Map<string, AuthenticatedWrite>>();
  private readonly rejoin: CrashRejoin;
  /** Open slots with old writes from a snapshot: decided at t from those ∪ own contents. */
  private readonly transferred = new Map<string, TransferredSlot>();
  /** Per requesting peer: the last snapshot served (one per reply window; bounded by N). */
  private readonly served = new Map<number, { atUs: number; requestId: number }>();
  private readonly windowUs: number;
  /** Open slots at or below the floor are dropped once the clock passes the floor. */
  private floorCleared = true;

  constructor(config: ClusterConfig, opts: ReplicaOptions) {
    super(config, opts);
    const t = config.timing;
    this.hopUs = deriveTiming('crash', config.f, t).hopUs;
    this.crypto = opts.crypto;
    this.windowUs = 2 * (t.networkDelayUs + t.processingUs) + t.processingUs;
    let maxDecidedSlots = 0;
    let maxOpenWrites = 0;
    for (const k of config.keys.values()) {
      maxDecidedSlots += k.retention;
      maxOpenWrites += k.writers.length * (Math.floor(t.horizonUs / k.grid.periodUs) + 2);
    }
    this.rejoin = new CrashRejoin(
      {
        self: this.id,
        replicas: config.replicas,
        clockSkewUs: t.clockSkewUs,
        settleUs: (config.f + 1) * this.hopUs,
        windowUs: this.windowUs,
        horizonUs: t.horizonUs,
        maxDecidedSlots,
        maxOpenWrites,
      },
      opts.crypto,
      {
        send: (to, body) => this.send(to, body),
        count: (name) => this.count(name),
        emit: (e) => this.emit(e),
        resumed: (how, nowUs) => this.resumed(how, nowUs),
        merge: (snap, nowUs) => this.merge(snap, nowUs),
      },
    );
  }

  /** D(k): the latest local clock reading at which a copy with hop k is accepted. */
  acceptDeadlineUs(publishTimeUs: number, hop: number): number {
    return publishTimeUs - this.config.timing.closeBeforeUs - (this.config.f - hop) * this.hopUs;
  }

  /** While rejoining after a restart, applications' valid writes are refused (UNAVAILABLE). */
  protected override unavailableReason(_nowUs: number): string | undefined {
    return this.rejoin.phase === 'recovering' ? `replica ${this.id} is rejoining after a restart (state transfer in progress)` : undefined;
  }

  protected disseminate(aw: AuthenticatedWrite, write: AdmittedWrite): void {
    this.markAccepted(write.publishTimeUs, write.key, write.writer, aw);
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
    this.markAccepted(w.publishTimeUs, w.key, w.writer, copyAuthenticatedWrite(wb.write));
    if (k < this.config.f) {
      this.count('writes.relayed');
      this.broadcast({ kind: 'write', write: { write: wb.write, hop: k + 1 } }, new Set([from, w.origin]));
    }
  }

  protected override onProtocolBody(from: number, body: Body, nowUs: number): void {
    switch (body.kind) {
      case 'stateRequest':
        this.answerStateRequest(from, body.stateRequest, nowUs);
        return;
      case 'stateReply':
        this.rejoin.onStateReply(from, body.stateReply, nowUs);
        return;
      case 'syncReport':
        this.rejoin.onSyncReport(from, body.syncReport, nowUs);
        return;
      default:
        super.onProtocolBody(from, body, nowUs);
    }
  }

  protected onAdvance(nowUs: number): void {
    if (this.rejoin.phase === 'booting') this.rejoin.start(nowUs);
    this.rejoin.tick(nowUs);
    this.decideTransferred(nowUs, false);
    const floor = this.rejoin.floorUs;
    this.decideDueSlots(nowUs, true, (key, t) => t > floor && !this.transferred.has(slotId(key, t)));
    if (!this.floorCleared && this.rejoin.isReady && nowUs >= floor) {
      // Contents of slots at or below the floor can never be completed here: drop them.
      this.store.dropOpenBefore(floor + 1);
      this.floorCleared = true;
    }
    // After t every copy is refused by the store anyway; the entries for t can go.
    for (const t of this.accepted.keys()) if (t <= nowUs) this.accepted.delete(t);
  }

  protected override modeNextTickUs(_nowUs: number): number {
    let next = this.rejoin.nextTickUs();
    for (const s of this.transferred.values()) if (s.publishTimeUs < next) next = s.publishTimeUs;
    return next;
  }

  protected override viewInfo(): { view: number; primary: number; stableSeq: number; ready: boolean } {
    return { view: 0, primary: 0, stableSeq: 0, ready: this.rejoin.isReady };
  }

  protected override modeMemory(): { logEntries: number; pendingWrites: number } {
    let n = 0;
    for (const s of this.accepted.values()) n += s.size;
    let pending = 0;
    for (const s of this.transferred.values()) pending += s.values.size;
    return { logEntries: n, pendingWrites: pending };
  }

  // --- state transfer: serving -----------------------------------------------------------

  /**
   * A peer asks for state. Every request gets the status (whether this replica saw an earlier
   * incarnation of the peer, and whether it is complete); a complete replica adds its snapshot
   * (decided slots and the writes it holds for open slots with publish time >= since_us),
   * at most once per reply window per peer.
   */
  private answerStateRequest(from: number, req: StateRequest, nowUs: number): void {
    const complete = this.rejoin.isReady && nowUs > 0;
    const head = { requestId: req.requestId, stableSeq: this.peerRestarted(from) ? 1 : 0, maxTauUs: complete ? nowUs : 0 };
    const probe = req.sinceUs > nowUs + this.config.timing.horizonUs;
    if (!complete || probe) {
      this.count('state.requests.status');
      this.send(from, statusReply(this.crypto, head));
      return;
    }
    const last = this.served.get(from);
    if (last !== undefined && (last.requestId === req.requestId || nowUs - last.atUs < this.windowUs / 2)) {
      this.count('state.requests.throttled');
      return;
    }
    this.served.set(from, { atUs: nowUs, requestId: req.requestId });
    const decided: WireSlot[] = [];
    for (const [key, schema] of this.config.keys) {
      for (const s of this.store.decidedBetween(key, req.sinceUs, Number.POSITIVE_INFINITY)) {
        decided.push({
          key,
          publishTimeUs: s.publishTimeUs,
          value: valueToWire(schema.type, s.value),
          contributions: s.contributions.map((c) => ({ writer: c.writer, value: valueToWire(schema.type, c.value) })),
          agreed: s.agreed,
          repairs: s.repairs,
        });
      }
    }
    decided.sort((a, b) => a.publishTimeUs - b.publishTimeUs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const held: HeldWrite[] = [];
    for (const [t, m] of this.accepted) {
      if (t < req.sinceUs || t <= nowUs) continue;
      for (const [id, aw] of m) held.push({ key: id.slice(0, id.indexOf('\n')), publishTimeUs: t, aw });
    }
    const { bodies, dropped } = buildSnapshot(this.crypto, this.id, head, decided, held);
    if (dropped > 0) this.count('state.snapshot.dropped-too-large', dropped);
    this.count('state.requests.served');
    for (const b of bodies) this.send(from, b);
  }

  // --- state transfer: merging -----------------------------------------------------------

  /** The probe or the horizon ended the rejoin without a transfer. */
  private resumed(how: 'cold' | 'horizon', nowUs: number): void {
    if (how === 'cold') {
      // Nothing was missed: decide what fell due while the probe was out (normally nothing).
      for (const outcome of this.store.decideDue(nowUs, true)) this.recordDecision(outcome, nowUs);
      return;
    }
    this.floorCleared = false; // due slots up to the floor cannot be known: dropped next
  }

  /**
   * Merges a complete peer's snapshot taken at its clock σ (crashRejoin.ts, rule (T)):
   * installs its decided slots, drops this replica's own contents of every other slot
   * t <= σ, and keeps its old writes for the slots after σ, to be decided at t together with
   * what arrived here. Returns the number of slots supplied.
   */
  private merge(snap: Snapshot, nowUs: number): number {
    const asOf = snap.asOfUs;
    const cutoff = this.rejoin.cutoffUs;
    let supplied = 0;
    for (const ws of [...snap.decided].sort((a, b) => a.publishTimeUs - b.publishTimeUs)) {
      if (this.installDecided(ws, asOf, nowUs)) supplied++;
    }
    this.store.dropOpenBefore(asOf + 1);
    for (const t of this.accepted.keys()) if (t <= asOf) this.accepted.delete(t);
    for (const aw of snap.writes) this.takeOldWrite(aw, asOf, cutoff, nowUs);
    supplied += this.transferred.size;
    // Slots that fell due during the transfer: decide them now (late, excused).
    this.decideTransferred(nowUs, true);
    for (const key of this.config.keys.keys()) {
      for (const t of this.store.openSlots(key)) {
        if (t <= nowUs && t > asOf) this.recordDecision(this.store.decide(key, t, { agreed: true }), nowUs, true);
      }
    }
    this.floorCleared = asOf > nowUs ? false : true;
    return supplied;
  }

  private installDecided(ws: WireSlot, asOf: number, nowUs: number): boolean {
    const schema = this.store.schema(ws.key);
    const t = ws.publishTimeUs;
    if (schema === undefined || t > asOf || !ws.agreed || !isOnGrid(schema.grid, t)) {
      this.count('state.rejected.slot');
      return false;
    }
    const contributions: Contribution[] = [];
    for (const c of ws.contributions) {
      const value = valueFromWire(schema.type, c.value);
      if (value === undefined) {
        this.count('state.rejected.slot');
        return false;
      }
      contributions.push({ writer: c.writer, value });
    }
    const mine = this.store.decided(ws.key, t);
    if (mine !== undefined) {
      if (!sameContents(mine, contributions)) this.count('state.mismatch');
      return false;
    }
    let outcome;
    try {
      outcome = this.store.decide(ws.key, t, { agreed: true, contributions });
    } catch {
      this.count('state.rejected.already-missed');
      return false;
    }
    if (outcome.kind === 'missed') {
      // The peer fused it; with the same configuration this cannot happen. Not announced.
      this.count('state.rejected.unfusable');
      return false;
    }
    const wireValue = valueFromWire(schema.type, ws.value);
    if (wireValue === undefined || canonicalValue(wireValue) !== canonicalValue(outcome.slot.value)) this.count('state.value-mismatch');
    this.recordDecision(outcome, nowUs, true);
    return true;
  }

  /** An old write (issued before this incarnation's cutoff) a complete peer holds for an open slot. */
  private takeOldWrite(aw: AuthenticatedWrite, asOf: number, cutoff: number, nowUs: number): void {
    const v = this.auth.verifyWriteFor(aw);
    if (!v.ok) {
      this.count(`state.rejected.write-${v.reason}`);
      return;
    }
    const w = v.write;
    const t = w.publishTimeUs;
    if (t <= asOf || t > asOf + this.config.timing.horizonUs) {
      this.count('state.rejected.write-window');
      return;
    }
    if (w.issuedAtUs > cutoff) {
      // Issued after this replica came up: it reached us by flooding (rule F), if anyone has it.
      this.count('state.writes.fresh');
      return;
    }
    const schema = this.store.schema(w.key);
    const checked = this.checkWrite(w, nowUs);
    if (schema === undefined || checked === undefined || !schema.writers.includes(w.writer) || !isOnGrid(schema.grid, t)) {
      this.count('state.rejected.write-invalid');
      return;
    }
    const id = slotId(w.key, t);
    let slot = this.transferred.get(id);
    if (slot === undefined) {
      slot = { key: w.key, publishTimeUs: t, values: new Map() };
      this.transferred.set(id, slot);
    }
    if (slot.values.has(w.writer)) {
      this.count('state.writes.duplicate');
      return;
    }
    slot.values.set(w.writer, checked.write.value);
    this.count('state.writes.merged');
    this.markAccepted(t, w.key, w.writer, aw, true);
    // Best effort: the store's open slot learns it too, so admission sees DUPLICATE/CONFLICT.
    if (nowUs <= t - this.config.timing.closeBeforeUs) this.store.contribute(checked.write, nowUs);
  }

  /** Decides transferred slots that are due: own contents ∪ transferred (transferred values win). */
  private decideTransferred(nowUs: number, excuseLate: boolean): void {
    for (const [id, s] of this.transferred) {
      if (s.publishTimeUs > nowUs) continue;
      this.transferred.delete(id);
      const values = new Map<string, Value>();
      for (const c of this.store.openContributions(s.key, s.publishTimeUs)) values.set(c.writer, c.value);
      for (const [writer, value] of s.values) {
        const own = values.get(writer);
        if (own !== undefined && canonicalValue(own) !== canonicalValue(value)) this.count('state.writes.conflict');
        values.set(writer, value);
      }
      const contributions = [...values].map(([writer, value]) => ({ writer, value }));
      let outcome;
      try {
        outcome = this.store.decide(s.key, s.publishTimeUs, { agreed: true, contributions });
      } catch {
        this.count('state.rejected.already-decided');
        continue;
      }
      this.recordDecision(outcome, nowUs, excuseLate);
    }
  }

  private markAccepted(t: number, key: string, writer: string, aw: AuthenticatedWrite, replace = false): void {
    let s = this.accepted.get(t);
    if (s === undefined) {
      s = new Map();
      this.accepted.set(t, s);
    }
    const id = `${key}\n${writer}`;
    if (replace || !s.has(id)) s.set(id, aw);
  }

  private isAccepted(t: number, key: string, writer: string): boolean {
    return this.accepted.get(t)?.has(`${key}\n${writer}`) ?? false;
  }
}

function slotId(key: string, t: number): string {
  return `${key}\n${t}`;
}

function sameContents(slot: PublishedSlot, contributions: readonly Contribution[]): boolean {
  if (slot.contributions.length !== contributions.length) return false;
  const sorted = [...contributions].sort((a, b) => (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0));
  return slot.contributions.every((c, i) => {
    const o = sorted[i];
    return o !== undefined && c.writer === o.writer && canonicalValue(c.value) === canonicalValue(o.value);
  });
}
