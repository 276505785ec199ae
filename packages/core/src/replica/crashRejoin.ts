/**
 * `crash` mode: how a replica that (re)starts with empty state rejoins without ever
 * publishing a slot it cannot know completely. The replica's side of it lives in crash.ts;
 * this module holds the rejoin state machine, the snapshot a complete peer serves, and the
 * assembly and checks of a received snapshot.
 *
 * Notation (crash.ts, cluster.ts deriveTiming): h = Δ + π + ε is one hop measured on the
 * receiver's clock; a write for slot t is admitted at its origin at clock c0 with
 * t − horizon <= c0 <= t − lead; a write's issuedAtUs is c0.
 *
 * THE RULE. Let U be the replica's clock at its first input (it was up from then on) and
 * C = U + ε its *cutoff*.
 *
 *  (F) Fresh writes. A write issued at c0 > C was issued after the replica came up: at the
 *      real instant the replica read U, every correct clock read at most U + ε. Every copy of
 *      it is therefore sent while the replica is up, and the flooding argument of crash.ts
 *      applies to the replica unchanged: it accepts every fresh write some correct replica
 *      accepts. So a slot t > C + horizon (all its writes are fresh) is known completely from
 *      the replica's own contents.
 *  (S) Settling. Every copy of a write issued at c0 arrives by receiver clock c0 + (f+1)·h
 *      (hop k arrives by c0 + (k+1)·h, and nobody relays hop f). So at any replica whose
 *      clock reads σ >= C + (f+1)·h + 1, every *old* write (c0 <= C) it will ever accept is
 *      already accepted.
 *  (T) Transfer. A *complete* peer p (it is not itself recovering: cold-started, or rejoined
 *      by this rule, or the horizon has passed since its cutoff) that takes a snapshot at its
 *      clock σ satisfying (S) holds, for every slot t > σ still open at p, every old write
 *      that any correct replica holds for t; and its decided slots with t <= σ are final
 *      (crash mode decides at t and never changes a slot). Crash faults only: whatever a live
 *      peer sends is true, so the snapshot is trusted for content and checked for structure.
 *  Merging a snapshot taken at σ, the replica
 *    - installs p's decided slots (t <= σ) as they are — late, and excused;
 *    - drops its own contents of every other slot t <= σ (p missed it or nobody wrote it;
 *      either way this replica cannot know it, so it never publishes it);
 *    - for t > σ decides at t from (p's old writes) ∪ (its own contents); old values win a
 *      writer conflict (a correct replica kept the first value it saw). This is complete by
 *      (F) for the fresh writes and by (S)+(T) for the old ones, and it contains nothing a
 *      correct replica lacks: the replica relays like any other (it accepts and relays
 *      every copy, old or new), and p's contents are a correct replica's contents.
 *  Writes in flight during the transfer: fresh ones reach the replica by flooding (F); old
 *  ones are settled (S) before σ. Clock skew: (F) and (S) are stated on the clocks involved
 *  (h contains ε), the request is sent at the replica's clock >= C + (f+1)·h + ε + 1 so the
 *  peer's clock reads at least C + (f+1)·h + 1 when it answers, and the replica checks σ
 *  itself (and rejects σ ahead of its own clock by more than ε).
 *
 * WHEN. A replica cannot tell by itself whether it boots into a running cluster (a restart:
 * it missed writes) or with the cluster (a cold start: nobody has anything). Peers can: a
 * replica's channel keeps the incarnation of each peer's frames, and incarnations grow
 * across restarts. So at its first input the replica *probes* every peer (StateRequest
 * selecting nothing) and, until the probe resolves, publishes only fresh slots:
 *   - a reply saying "I saw an earlier incarnation of you" -> restart: recover by (T);
 *   - all peers answered without saying so, or the probe window 2(Δ+π)+π passed -> cold
 *     start: the replica is complete from the start (as before this module existed).
 * A probe resolves before any write admitted after the replica's boot comes due (the lead
 * exceeds the window when f >= 1), so a cold start delays nothing.
 *
 * While recovering the replica reports ready = false, refuses its applications' writes with
 * UNAVAILABLE (a restarted application could otherwise write a slot a second time), decides
 * only fresh slots, and emits 'state-transfer' started/completed. If no complete peer answers
 * it retries (re-probing to find one) and, at the latest once its clock passes C + horizon,
 * every later slot is fresh and it resumes without a transfer.
 *
 * WIRE (no schema change). Crash mode gives StateReply's agreed-mode fields these meanings:
 *   stable_seq  = 1 if the replier saw an earlier incarnation of the requester, else 0;
 *   max_tau_us  = σ, the replier's clock when it took the snapshot, if it is complete; 0 if it
 *                 is itself recovering (then the reply carries nothing);
 *   view        = 0;
 *   slots       = its decided slots with publish time >= since_us, chunked;
 *   state_digest= SHA-256 over the unchunked reply (slots in order, digest zeroed) followed by
 *                 every old-slot write of the snapshot (length-prefixed bytes, sorted).
 * The writes the replier holds for open slots (publish time >= since_us) travel as SyncReports
 * (round = request id, replica = replier, unsigned): the message that already means "the
 * authenticated writes this replica holds for these slots". The requester verifies each with
 * its own MAC entry. A reply is complete when every chunk arrived and the digest matches, so
 * reports can be split and reordered freely. A probe is a StateRequest whose since_us lies
 * beyond any slot (it selects nothing), answered by one empty StateReply.
 */
import type { AuthenticatedWrite, Body, PublishedSlot as WireSlot, ReportedSlot, StateReply, SyncReport } from '@bftkvs/msgs';
import { DIGEST_BYTES, MAX_BODY_BYTES, MAX_REPORT_SLOTS, MAX_SLOT_WRITERS, MAX_STATE_CHUNKS, MAX_STATE_SLOTS, encodeBody } from '@bftkvs/msgs';
import type { CryptoSuite } from '../auth/crypto.js';
import { copyAuthenticatedWrite } from '../auth/writeAuth.js';
import type { ReplicaEvent } from './types.js';

/** since_us of a probe: beyond every slot, so the reply carries only the replier's status. */
export const PROBE_SINCE_US = Number.MAX_SAFE_INTEGER;

const ZERO_DIGEST = new Uint8Array(DIGEST_BYTES);

export interface RejoinTiming {
  readonly self: number;
  readonly replicas: number;
  /** ε */
  readonly clockSkewUs: number;
  /** (f+1)·h: after it, every write issued before the cutoff has been accepted everywhere (S). */
  readonly settleUs: number;
  /** How long to wait for replies: a round trip 2(Δ+π), plus π. */
  readonly windowUs: number;
  readonly horizonUs: number;
  /** Bounds on what a complete peer can hold (from the configuration). */
  readonly maxDecidedSlots: number;
  readonly maxOpenWrites: number;
}

/** A complete snapshot, received and checked for structure. */
export interface Snapshot {
  readonly peer: number;
  /** σ: the peer's clock when it took the snapshot. */
  readonly asOfUs: number;
  readonly decided: readonly WireSlot[];
  readonly writes: readonly AuthenticatedWrite[];
}

export interface RejoinHost {
  send(to: number, body: Body): void;
  count(name: string): void;
  emit(event: ReplicaEvent): void;
  /** Recovery ended without a transfer: decide what became decidable. */
  resumed(how: 'cold' | 'horizon', nowUs: number): void;
  /** Merges a complete snapshot; returns how many slots it supplied. */
  merge(snapshot: Snapshot, nowUs: number): number;
}

export type RejoinPhase = 'booting' | 'probing' | 'recovering' | 'ready';

interface Probe {
  readonly id: number;
  readonly deadlineUs: number;
  readonly replied: Set<number>;
}

interface Fetch {
  readonly peer: number;
  readonly id: number;
  readonly deadlineUs: number;
  readonly assembler: SnapshotAssembler;
}

/** The requester's side: probe, then (after a restart) fetch a snapshot from a complete peer. */
export class CrashRejoin {
  private phaseNow: RejoinPhase = 'booting';
  private how: 'cold' | 'transfer' | 'horizon' | undefined;
  private bootUs = 0;
  private asOfUs = 0;
  private nextId = 0;
  private restartKnown = false;
  private probe: Probe | undefined;
  private fetch: Fetch | undefined;
  private nextAttemptUs = 0;
  /** Peers that said they are complete, and those tried in the current round. */
  private readonly complete = new Set<number>();
  private readonly tried = new Set<number>();
  private readonly timing: RejoinTiming;
  private readonly crypto: CryptoSuite;
  private readonly host: RejoinHost;

  constructor(timing: RejoinTiming, crypto: CryptoSuite, host: RejoinHost) {
    this.timing = timing;
    this.crypto = crypto;
    this.host = host;
  }

  get phase(): RejoinPhase {
    return this.phaseNow;
  }

  /** Whether this replica is complete (it serves snapshots and reports ready). */
  get isReady(): boolean {
    return this.phaseNow === 'ready';
  }

  /** C: writes issued at or before this clock reading may predate this incarnation. */
  get cutoffUs(): number {
    return this.bootUs + this.timing.clockSkewUs;
  }

  /** The replica decides slot t from its own contents only if t > floor. */
  get floorUs(): number {
    switch (this.phaseNow) {
      case 'ready':
        return this.how === 'cold' ? Number.NEGATIVE_INFINITY : this.how === 'transfer' ? this.asOfUs : this.cutoffUs + this.timing.horizonUs;
      default:
        return this.cutoffUs + this.timing.horizonUs;
    }
  }

  /** The clock reading at which a snapshot request may be sent (S, with ε for the peer's clock). */
  get settleAtUs(): number {
    return this.cutoffUs + this.timing.settleUs + this.timing.clockSkewUs + 1;
  }

  /** First input of this incarnation. */
  start(nowUs: number): void {
    if (this.phaseNow !== 'booting') return;
    this.bootUs = nowUs;
    this.nextId = Math.max(1, nowUs);
    this.phaseNow = 'probing';
    if (this.timing.replicas <= 1) {
      this.resume('cold', nowUs);
      return;
    }
    this.sendProbe(nowUs);
  }

  nextTickUs(): number {
    switch (this.phaseNow) {
      case 'probing':
        return this.probe?.deadlineUs ?? Number.POSITIVE_INFINITY;
      case 'recovering': {
        let next = this.cutoffUs + this.timing.horizonUs + 1;
        if (this.fetch !== undefined) next = Math.min(next, this.fetch.deadlineUs);
        else next = Math.min(next, Math.max(this.settleAtUs, this.nextAttemptUs));
        return next;
      }
      default:
        return Number.POSITIVE_INFINITY;
    }
  }

  /** Time-driven transitions. */
  tick(nowUs: number): void {
    if (this.phaseNow === 'probing') {
      if (this.probe !== undefined && nowUs >= this.probe.deadlineUs) this.resume('cold', nowUs);
      return;
    }
    if (this.phaseNow !== 'recovering') return;
    if (nowUs > this.cutoffUs + this.timing.horizonUs) {
      // Every slot from here on is fresh (F): nothing left to transfer for them.
      this.host.count('state.transfer.horizon-passed');
      this.resume('horizon', nowUs);
      return;
    }
    if (this.fetch !== undefined && nowUs >= this.fetch.deadlineUs) {
      this.host.count('state.transfer.timeout');
      this.abandonFetch(nowUs);
    }
    this.pump(nowUs);
  }

  /** A StateReply addressed to this replica. */
  onStateReply(from: number, r: StateReply, nowUs: number): void {
    const probe = this.probe;
    if (probe !== undefined && r.requestId === probe.id) {
      this.onProbeReply(probe, from, r, nowUs);
      return;
    }
    const fetch = this.fetch;
    if (fetch === undefined || from !== fetch.peer || r.requestId !== fetch.id) {
      this.host.count('state.reply.unexpected');
      return;
    }
    if (r.maxTauUs === 0) {
      // The peer is itself recovering now: try another.
      this.host.count('state.transfer.peer-not-ready');
      this.complete.delete(from);
      this.abandonFetch(nowUs);
      this.pump(nowUs);
      return;
    }
    fetch.assembler.addChunk(r);
    this.check(fetch, nowUs);
  }

  /** A SyncReport addressed to this replica (crash mode: part of a snapshot). */
  onSyncReport(from: number, rep: SyncReport, nowUs: number): void {
    const fetch = this.fetch;
    if (fetch === undefined || from !== fetch.peer || rep.round !== fetch.id || rep.replica !== from) {
      this.host.count('state.report.unexpected');
      return;
    }
    fetch.assembler.addReport(rep);
    this.check(fetch, nowUs);
  }

  private onProbeReply(probe: Probe, from: number, r: StateReply, nowUs: number): void {
    if (probe.replied.has(from)) {
      this.host.count('state.reply.duplicate');
      return;
    }
    probe.replied.add(from);
    if (r.maxTauUs > 0) this.complete.add(from);
    else this.complete.delete(from);
    if (r.stableSeq !== 0 && !this.restartKnown) {
      this.restartKnown = true;
      // Also after a cold-start resolution: a late reply still means we restarted.
      if (this.phaseNow === 'probing' || (this.phaseNow === 'ready' && this.how === 'cold')) {
        this.phaseNow = 'recovering';
        this.how = undefined;
        this.host.count('state.transfer.started');
        this.host.emit({ kind: 'state-transfer', phase: 'started', slots: 0 });
      }
    }
    if (this.phaseNow === 'probing' && probe.replied.size >= this.timing.replicas - 1) this.resume('cold', nowUs);
    else if (this.phaseNow === 'recovering') this.pump(nowUs);
  }

  /** Starts a fetch when one is due and a complete peer is known; otherwise re-probes. */
  private pump(nowUs: number): void {
    if (this.phaseNow !== 'recovering' || this.fetch !== undefined) return;
    if (nowUs < this.settleAtUs || nowUs < this.nextAttemptUs) return;
    let peer: number | undefined;
    for (const p of [...this.complete].sort((a, b) => a - b)) {
      if (!this.tried.has(p)) {
        peer = p;
        break;
      }
    }
    if (peer === undefined) {
      // Nobody complete left to ask in this round: find out again who is.
      this.tried.clear();
      this.sendProbe(nowUs);
      this.nextAttemptUs = nowUs + this.timing.windowUs;
      return;
    }
    const id = this.nextId++;
    this.fetch = { peer, id, deadlineUs: nowUs + this.timing.windowUs, assembler: new SnapshotAssembler(peer, id, this.crypto, this.timing) };
    this.host.count('state.transfer.requests');
    this.host.send(peer, { kind: 'stateRequest', stateRequest: { requestId: id, sinceUs: 0 } });
  }

  private check(fetch: Fetch, nowUs: number): void {
    const a = fetch.assembler;
    if (a.failure !== undefined) {
      this.host.count(`state.rejected.${a.failure}`);
      this.abandonFetch(nowUs);
      this.pump(nowUs);
      return;
    }
    const snap = a.complete();
    if (snap === undefined) return;
    if (snap.asOfUs < this.cutoffUs + this.timing.settleUs + 1 || snap.asOfUs > nowUs + this.timing.clockSkewUs) {
      // Taken too early for (S), or from a clock outside the skew bound: not usable.
      this.host.count('state.rejected.as-of');
      this.abandonFetch(nowUs);
      this.pump(nowUs);
      return;
    }
    this.fetch = undefined;
    const slots = this.host.merge(snap, nowUs);
    this.asOfUs = snap.asOfUs;
    this.phaseNow = 'ready';
    this.how = 'transfer';
    this.probe = undefined;
    this.host.count('state.transfer.completed');
    this.host.emit({ kind: 'state-transfer', phase: 'completed', slots });
  }

  private abandonFetch(nowUs: number): void {
    if (this.fetch !== undefined) this.tried.add(this.fetch.peer);
    this.fetch = undefined;
    this.nextAttemptUs = nowUs;
  }

  private resume(how: 'cold' | 'horizon', nowUs: number): void {
    const wasRecovering = this.phaseNow === 'recovering';
    this.phaseNow = 'ready';
    this.how = how;
    this.fetch = undefined;
    if (how === 'horizon') this.probe = undefined;
    this.host.resumed(how, nowUs);
    if (wasRecovering) this.host.emit({ kind: 'state-transfer', phase: 'completed', slots: 0 });
  }

  private sendProbe(nowUs: number): void {
    const id = this.nextId++;
    this.probe = { id, deadlineUs: nowUs + this.timing.windowUs, replied: new Set() };
    for (let r = 0; r < this.timing.replicas; r++) {
      if (r !== this.timing.self) this.host.send(r, { kind: 'stateRequest', stateRequest: { requestId: id, sinceUs: PROBE_SINCE_US } });
    }
  }
}

// --- the snapshot ---------------------------------------------------------------------------

export interface SnapshotHead {
  readonly requestId: number;
  readonly stableSeq: number;
  readonly maxTauUs: number;
}

/** An open-slot write the replier holds, with the slot it is for. */
export interface HeldWrite {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly aw: AuthenticatedWrite;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** The digest both sides compute over a whole snapshot (see the header). */
export function snapshotDigest(crypto: CryptoSuite, head: SnapshotHead, decided: readonly WireSlot[], writes: readonly AuthenticatedWrite[]): Uint8Array {
  const first = encodeBody({
    kind: 'stateReply',
    stateReply: { requestId: head.requestId, view: 0, stableSeq: head.stableSeq, maxTauUs: head.maxTauUs, slots: [...decided], chunk: 0, chunks: 1, stateDigest: ZERO_DIGEST },
  });
  const sorted = writes.map((w) => w.write).sort(compareBytes);
  let total = first.length;
  for (const w of sorted) total += 4 + w.length;
  const buf = new Uint8Array(total);
  buf.set(first, 0);
  let at = first.length;
  for (const w of sorted) {
    buf[at] = (w.length >>> 24) & 0xff;
    buf[at + 1] = (w.length >>> 16) & 0xff;
    buf[at + 2] = (w.length >>> 8) & 0xff;
    buf[at + 3] = w.length & 0xff;
    buf.set(w, at + 4);
    at += 4 + w.length;
  }
  return crypto.sha256(buf);
}

/** A reply carrying only the replier's status (probes, or a replier that is not complete). */
export function statusReply(crypto: CryptoSuite, head: SnapshotHead): Body {
  return { kind: 'stateReply', stateReply: { requestId: head.requestId, view: 0, stableSeq: head.stableSeq, maxTauUs: head.maxTauUs, slots: [], chunk: 0, chunks: 1, stateDigest: snapshotDigest(crypto, head, [], []) } };
}

/** Conservative encoded size of an AuthenticatedWrite inside a ReportedSlot. */
function writeSize(aw: AuthenticatedWrite): number {
  return aw.write.length + 4 + aw.macs.length * (aw.macs[0]?.length ?? 32) + aw.macs.length * 2 + (aw.signature.length > 0 ? aw.signature.length + 2 : 0) + 4;
}

/**
 * A complete replier's snapshot as bodies to send: the decided slots in StateReply chunks
 * (at most MAX_STATE_SLOTS slots and one frame each), then the open-slot writes in
 * SyncReports. Slots or writes that cannot fit a frame are left out (`dropped`); the digest
 * covers exactly what is sent, so the requester still checks completeness.
 */
export function buildSnapshot(
  crypto: CryptoSuite,
  self: number,
  head: SnapshotHead,
  decidedIn: readonly WireSlot[],
  held: readonly HeldWrite[],
): { bodies: Body[]; dropped: number } {
  let dropped = 0;
  const reply = (slots: WireSlot[], chunk: number, chunks: number, digest: Uint8Array): StateReply => ({
    requestId: head.requestId,
    view: 0,
    stableSeq: head.stableSeq,
    maxTauUs: head.maxTauUs,
    slots,
    chunk,
    chunks,
    stateDigest: digest,
  });
  const size = (r: StateReply): number => encodeBody({ kind: 'stateReply', stateReply: r }).length;
  // Decided slots, packed greedily; the envelope is sized with the largest chunk numbers.
  const overhead = size(reply([], MAX_STATE_CHUNKS - 1, MAX_STATE_CHUNKS, ZERO_DIGEST)) + 8;
  const emptySize = size(reply([], 0, 1, ZERO_DIGEST));
  let chunks: WireSlot[][] = [];
  let current: WireSlot[] = [];
  let used = overhead;
  for (const s of decidedIn) {
    const bytes = size(reply([s], 0, 1, ZERO_DIGEST)) - emptySize;
    if (overhead + bytes > MAX_BODY_BYTES) {
      dropped++;
      continue;
    }
    if (current.length >= MAX_STATE_SLOTS || used + bytes > MAX_BODY_BYTES) {
      chunks.push(current);
      current = [];
      used = overhead;
    }
    current.push(s);
    used += bytes;
  }
  chunks.push(current);
  if (chunks.length > MAX_STATE_CHUNKS) {
    // Keep the newest slots (they are sorted by publish time).
    for (const c of chunks.slice(0, chunks.length - MAX_STATE_CHUNKS)) dropped += c.length;
    chunks = chunks.slice(chunks.length - MAX_STATE_CHUNKS);
  }
  const decided = chunks.flat();
  const writes = held.map((h) => h.aw);
  const digest = snapshotDigest(crypto, head, decided, writes);
  const bodies: Body[] = chunks.map((slots, i) => ({ kind: 'stateReply', stateReply: reply(slots, i, chunks.length, digest) }));

  // Open-slot writes, grouped by slot, packed into reports.
  const sorted = [...held].sort((a, b) => a.publishTimeUs - b.publishTimeUs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || compareBytes(a.aw.write, b.aw.write));
  const budget = MAX_BODY_BYTES - 256;
  let slots: ReportedSlot[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (slots.length === 0) return;
    for (const rep of splitToFit(self, head.requestId, slots)) bodies.push({ kind: 'syncReport', syncReport: rep });
    slots = [];
    bytes = 0;
  };
  for (const h of sorted) {
    const w = writeSize(h.aw);
    const last = slots[slots.length - 1];
    const sameSlot = last !== undefined && last.key === h.key && last.publishTimeUs === h.publishTimeUs && last.writes.length < MAX_SLOT_WRITERS;
    const add = sameSlot ? w : w + h.key.length + 24;
    if (bytes + add > budget || (!sameSlot && slots.length >= MAX_REPORT_SLOTS)) flush();
    const tail = slots[slots.length - 1];
    if (tail !== undefined && tail.key === h.key && tail.publishTimeUs === h.publishTimeUs && tail.writes.length < MAX_SLOT_WRITERS) {
      tail.writes.push(h.aw);
      bytes += w;
    } else {
      slots.push({ key: h.key, publishTimeUs: h.publishTimeUs, writes: [h.aw] });
      bytes += w + h.key.length + 24;
    }
  }
  flush();
  return { bodies, dropped };
}

/** Reports from these slots, each checked to fit a frame (halved until it does). */
function splitToFit(self: number, round: number, slots: readonly ReportedSlot[]): SyncReport[] {
  const make = (s: ReportedSlot[]): SyncReport => {
    let from = Number.POSITIVE_INFINITY;
    let to = 0;
    for (const x of s) {
      from = Math.min(from, x.publishTimeUs);
      to = Math.max(to, x.publishTimeUs + 1);
    }
    return { round, fromUs: from, toUs: to, slots: s, replica: self, signature: new Uint8Array(0) };
  };
  const out: SyncReport[] = [];
  const go = (s: ReportedSlot[]): void => {
    const rep = make(s);
    if (encodeBody({ kind: 'syncReport', syncReport: rep }).length <= MAX_BODY_BYTES) {
      out.push(rep);
      return;
    }
    // Split by slots, or a single slot by writes.
    if (s.length > 1) {
      const mid = s.length >> 1;
      go(s.slice(0, mid));
      go(s.slice(mid));
    } else if (s[0] !== undefined && s[0].writes.length > 1) {
      const one = s[0];
      const mid = one.writes.length >> 1;
      go([{ ...one, writes: one.writes.slice(0, mid) }]);
      go([{ ...one, writes: one.writes.slice(mid) }]);
    }
    // A single write always fits a frame (limits.ts); nothing else to do.
  };
  go([...slots]);
  return out;
}

/**
 * Collects one peer's reply to one request: StateReply chunks and SyncReports in any order.
 * Bounded by the configuration (a complete peer cannot hold more); anything inconsistent
 * fails the whole reply, so a snapshot is used whole or not at all.
 */
export class SnapshotAssembler {
  failure: string | undefined;
  private head: (SnapshotHead & { readonly chunks: number; readonly digest: Uint8Array }) | undefined;
  private chunks: (WireSlot[] | undefined)[] = [];
  private received = 0;
  private slotCount = 0;
  private readonly writes: AuthenticatedWrite[] = [];
  private dirty = true;
  private readonly peer: number;
  private readonly requestId: number;
  private readonly crypto: CryptoSuite;
  private readonly bounds: Pick<RejoinTiming, 'maxDecidedSlots' | 'maxOpenWrites'>;

  constructor(peer: number, requestId: number, crypto: CryptoSuite, bounds: Pick<RejoinTiming, 'maxDecidedSlots' | 'maxOpenWrites'>) {
    this.peer = peer;
    this.requestId = requestId;
    this.crypto = crypto;
    this.bounds = bounds;
  }

  addChunk(r: StateReply): void {
    if (this.failure !== undefined) return;
    if (r.requestId !== this.requestId) return;
    if (this.head === undefined) {
      if (r.chunks > Math.max(1, this.bounds.maxDecidedSlots)) {
        this.failure = 'too-many-chunks';
        return;
      }
      this.head = { requestId: r.requestId, stableSeq: r.stableSeq, maxTauUs: r.maxTauUs, chunks: r.chunks, digest: r.stateDigest };
      this.chunks = new Array<WireSlot[] | undefined>(r.chunks).fill(undefined);
    } else {
      const h = this.head;
      if (r.chunks !== h.chunks || r.stableSeq !== h.stableSeq || r.maxTauUs !== h.maxTauUs || compareBytes(r.stateDigest, h.digest) !== 0) {
        this.failure = 'inconsistent-chunks';
        return;
      }
    }
    if (this.chunks[r.chunk] !== undefined) return; // duplicate
    this.slotCount += r.slots.length;
    if (this.slotCount > this.bounds.maxDecidedSlots) {
      this.failure = 'too-many-slots';
      return;
    }
    this.chunks[r.chunk] = r.slots;
    this.received++;
    this.dirty = true;
  }

  addReport(rep: SyncReport): void {
    if (this.failure !== undefined) return;
    let n = 0;
    for (const s of rep.slots) n += s.writes.length;
    if (this.writes.length + n > this.bounds.maxOpenWrites) {
      this.failure = 'too-many-writes';
      return;
    }
    // Kept writes must not alias the datagram they came in.
    for (const s of rep.slots) for (const w of s.writes) this.writes.push(copyAuthenticatedWrite(w));
    this.dirty = true;
  }

  /** The snapshot, once every chunk is in and the digest over everything received matches. */
  complete(): Snapshot | undefined {
    const h = this.head;
    if (this.failure !== undefined || h === undefined || this.received < h.chunks || !this.dirty) return undefined;
    this.dirty = false;
    const decided = (this.chunks as WireSlot[][]).flat();
    const digest = snapshotDigest(this.crypto, h, decided, this.writes);
    // A mismatch: reports still missing (or a broken reply, which the timeout settles).
    if (compareBytes(digest, h.digest) !== 0) return undefined;
    return { peer: this.peer, asOfUs: h.maxTauUs, decided, writes: this.writes };
  }
}
