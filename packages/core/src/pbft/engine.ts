/**
 * PbftEngine: Castro–Liskov PBFT as a pure state machine. It orders opaque batches among
 * n = 3f + 1 replicas; the embedding replica feeds it inputs with the current time and drains
 * messages, committed batches and events (see types.ts for the drain rule).
 *
 * Message flow (normal case, view v, primary p = v mod n):
 *   p: propose -> PrePrepare(v, n, batch)                      [unsigned; the MAC authenticates]
 *   backup: valid batch -> Prepare(v, n, d, i) signed           [signed: it may have to be shown]
 *   all: prepared (pre-prepare + 2f matching backup prepares) -> Commit(v, n, d)
 *   all: committed-local (prepared + 2f + 1 matching commits) -> deliver in seq order
 * Checkpoints every K seqs (signed); 2f + 1 matching make one stable and collect the log.
 * View change: ViewChange(v + 1) with the stable proof and prepared certificates; the new
 * primary sends NewView with 2f + 1 ViewChanges and the re-proposals every backup recomputes.
 *
 * The engine never throws on input: hostile or useless messages are dropped and counted
 * (`counters()`), and misbehaviour that the authenticated sender is accountable for is
 * reported as a `suspect` event.
 */
import type { Checkpoint, Commit, NewView, PrePrepare, Prepare, PreparedProof, ViewChange } from '@bftkvs/msgs';
import { DIGEST_BYTES, MAX_BODY_BYTES } from '@bftkvs/msgs';
import type { SuspicionReason } from '../replica/types.js';
import {
  checkCheckpointSignature,
  checkPrepareSignature,
  checkViewChange,
  SignatureCache,
  trustCheckpoint,
  trustPrepare,
  type CertificateContext,
} from './certificates.js';
import { CheckpointTracker } from './checkpoints.js';
import { primaryOf, resolveConfig, type PbftConfig } from './config.js';
import { PbftLog, type PreparedCertificate, type SeqEntry } from './log.js';
import { Outbox } from './outbox.js';
import { StateTransfer, type ProvenState, type TargetReason } from './stateTransfer.js';
import {
  bytesEqual,
  checkpointSigningBytes,
  hex,
  newViewSigningBytes,
  prepareSigningBytes,
  viewChangeSigningBytes,
  viewOf,
} from './messages.js';
import type {
  BatchContext,
  BatchVerdict,
  PbftMemory,
  PbftMessage,
  PbftOptions,
  PbftReady,
  PbftStatus,
  ProposeResult,
} from './types.js';
import { planNewView, ViewChangeStore, type NewViewPlan } from './viewChange.js';

const EMPTY = new Uint8Array(0);

export class PbftEngine {
  private readonly cfg: PbftConfig;
  private readonly opts: PbftOptions;
  private readonly certCtx: CertificateContext;
  private readonly log: PbftLog;
  private readonly checkpoints: CheckpointTracker;
  private readonly viewChanges = new ViewChangeStore();
  private readonly sigCache = new SignatureCache();
  /** ViewChange signatures checked since the last installed view. */
  private verifiedViewChanges = new Set<string>();

  private view = 0;
  private phase: 'normal' | 'view-change' = 'normal';
  /** The view asked for while in 'view-change'; equals `view` in 'normal'. */
  private targetView = 0;
  private lastExecuted = 0;
  private nextSeq = 1;
  private stable: ProvenState = { seq: 0, stateDigest: EMPTY, proof: [] };
  private ownCheckpoint: Checkpoint | undefined;
  private readonly transfer = new StateTransfer();
  private ownViewChange: ViewChange | undefined;
  /** When this replica saw a quorum of ViewChanges for targetView (PBFT starts the timer then). */
  private viewChangeQuorumSinceUs: number | undefined;
  /** Consecutive view changes without a delivery in between: the timeout back-off exponent. */
  private viewChangeAttempts = 0;
  private deliveredInView = false;
  private lastNewView: NewView | undefined;
  /**
   * Views whose primary signed a NewView that failed verification. Its later NewViews for that
   * view are ignored without re-verifying (each costs up to thousands of signature checks).
   * Only primary-signed rejections count, so a relayer cannot get a genuine NewView blocked.
   */
  private readonly rejectedNewViews = new Set<number>();
  private readonly newViewResentUs = new Map<number, number>();
  /** Per replica, the highest view it sent any message for (the f + 1 join rule). */
  private readonly highestViewSeen: number[];
  /** Per replica, the highest view it sent a normal-case message for (that view is installed). */
  private readonly highestNormalViewSeen: number[];
  private readonly buffered = new Map<number, PbftMessage[]>();
  private bufferedCount = 0;
  /** h moved since the buffer was last replayed (see advanceStable). */
  private windowMoved = false;
  /** States the embedder reached before this engine executed them (see adoptEmbedderState). */
  private readonly embedderAhead = new Map<number, Uint8Array>();
  /** lastExecuted when last seen (ticks, and the embedder getting ahead), and since when it has not moved. */
  private executedMark = { seq: 0, sinceUs: 0 };

  private nowUs = 0;
  private started = false;
  private lastProgressUs = 0;
  private lastRetransmitUs = 0;

  private readonly out = new Outbox();
  private lastInternalError: string | undefined;

  constructor(options: PbftOptions) {
    this.cfg = resolveConfig(options);
    this.opts = options;
    this.certCtx = {
      n: this.cfg.n,
      quorum: this.cfg.quorum,
      prepareQuorum: this.cfg.prepareQuorum,
      checkpointIntervalSeqs: this.cfg.checkpointIntervalSeqs,
      watermarkWindowSeqs: this.cfg.watermarkWindowSeqs,
      maxBatchBytes: this.cfg.maxBatchBytes,
      digest: options.digest,
      verify: options.verify,
    };
    this.log = new PbftLog(this.cfg.watermarkWindowSeqs);
    this.checkpoints = new CheckpointTracker(this.cfg.quorum, this.cfg.watermarkWindowSeqs);
    this.highestViewSeen = new Array<number>(this.cfg.n).fill(0);
    this.highestNormalViewSeen = new Array<number>(this.cfg.n).fill(0);
  }

  // ---------------------------------------------------------------------------------------
  // Inputs
  // ---------------------------------------------------------------------------------------

  /** Primary only: assigns the next seq to `batch` and sends the PrePrepare. */
  propose(batch: Uint8Array, nowUs: number): ProposeResult {
    let result: ProposeResult = { ok: false, reason: 'not-primary' };
    this.guarded(nowUs, () => {
      result = this.doPropose(batch);
    });
    return result;
  }

  /** A PBFT message from replica `from` (the transport has authenticated `from`). */
  receive(from: number, msg: PbftMessage, nowUs: number): void {
    this.guarded(nowUs, () => {
      if (!Number.isInteger(from) || from < 0 || from >= this.cfg.n || from === this.cfg.self) {
        this.count('ignored.bad-sender');
        return;
      }
      this.noteViewSeen(from, msg);
      this.dispatch(from, msg);
      this.afterInput();
    });
  }

  tick(nowUs: number): void {
    this.guarded(nowUs, () => this.doTick());
  }

  /**
   * The embedder executed `seq` (a multiple of K) and its application state digest is
   * `stateDigest`. Signs and sends a checkpoint. False if the seq is not a checkpoint this
   * replica can vouch for (not executed, already stable, or not a multiple of K).
   */
  checkpointState(seq: number, stateDigest: Uint8Array): boolean {
    let accepted = false;
    this.guarded(this.nowUs, () => {
      if (seq % this.cfg.checkpointIntervalSeqs !== 0 || seq > this.lastExecuted || seq <= this.log.lowWatermark) {
        // A state ahead of this engine is kept: adoptEmbedderState may take it later.
        if (seq > this.lastExecuted && seq > this.log.lowWatermark && seq % this.cfg.checkpointIntervalSeqs === 0 && stateDigest.length === DIGEST_BYTES) {
          this.rememberEmbedderAhead(seq, stateDigest);
        }
        this.count('ignored.checkpoint-state');
        return;
      }
      if (stateDigest.length !== DIGEST_BYTES) {
        // The wire only carries SHA-256 state digests; anything else would be rejected by peers.
        this.count('ignored.checkpoint-state-digest-length');
        return;
      }
      this.voteCheckpoint(seq, stateDigest);
      this.afterInput();
      accepted = true;
    });
    return accepted;
  }

  /** Signs and broadcasts this replica's checkpoint for (seq, stateDigest). */
  private voteCheckpoint(seq: number, stateDigest: Uint8Array): void {
    const cp: Checkpoint = { seq, stateDigest, replica: this.cfg.self, signature: EMPTY };
    cp.signature = this.opts.sign(checkpointSigningBytes(seq, stateDigest, this.cfg.self));
    trustCheckpoint(this.sigCache, cp);
    this.ownCheckpoint = cp;
    this.checkpoints.add(cp);
    this.broadcast({ kind: 'checkpoint', checkpoint: cp });
    this.refreshStable();
  }

  /**
   * The embedder fetched and installed the state after `seq` with digest `stateDigest` (as a
   * `state-transfer-needed` event asked). Accepted only if a quorum of signed checkpoints
   * proves exactly that (seq, digest); then the replica continues after `seq`.
   */
  installCheckpoint(seq: number, stateDigest: Uint8Array, nowUs: number): boolean {
    let accepted = false;
    this.guarded(nowUs, () => {
      accepted = this.doInstallCheckpoint(seq, stateDigest);
      if (accepted) this.afterInput();
    });
    return accepted;
  }

  /**
   * The embedder installed the state after `seq` with digest `stateDigest` without a quorum proof
   * — f+1 signed checkpoints (or state replies) from distinct replicas not proven faulty vouch
   * for it, so a correct replica reached it. That happens when the proof cannot form without this
   * replica: with f replicas silent a quorum is every correct replica, and a replica left behind
   * cannot vote for a state it does not have — the others' windows then fill and everything
   * stops (the simulator found this: one crashed replica and one that fell behind). The engine
   * continues after `seq` and votes for it, which completes the quorum. Voting is truthful: the
   * state is this replica's. Its ViewChanges carry no certificates for the skipped seqs, which it
   * never prepared. Returns whether the engine moved.
   */
  adoptCheckpoint(seq: number, stateDigest: Uint8Array, nowUs: number): boolean {
    let accepted = false;
    this.guarded(nowUs, () => {
      if (this.doInstallCheckpoint(seq, stateDigest)) {
        accepted = true;
        this.afterInput();
        return;
      }
      if (seq <= this.lastExecuted || stateDigest.length !== DIGEST_BYTES) {
        this.count('ignored.adopt');
        return;
      }
      this.continueAfter(seq, stateDigest, 'state-adopted');
      this.afterInput();
      accepted = true;
    });
    return accepted;
  }

  /**
   * The embedder suspects the primary (e.g. it censors writes it was sent): leave the view.
   * Ignored by the primary itself and during a view change.
   */
  suspectPrimary(reason: SuspicionReason, detail: string, nowUs: number): void {
    this.guarded(nowUs, () => {
      if (this.phase !== 'normal' || this.isPrimary()) return;
      this.suspect(this.primary(), reason, detail);
      this.startViewChange(this.view + 1, `embedder: ${reason}`);
      this.afterInput();
    });
  }

  /**
   * The embedder moves this replica to view `targetView` without blaming the primary: a correct
   * replica has been left out of the current view for long (it timed out alone, e.g. across a
   * partition), and PBFT has no way back into a view other than the next view change. Safe for
   * any target above the current view (view changes are safe to any higher view). Ignored
   * unless in normal operation.
   */
  leaveView(targetView: number, why: string, nowUs: number): void {
    this.guarded(nowUs, () => {
      if (this.phase !== 'normal' || targetView <= this.view) return;
      this.count('view-change.left-for-peer');
      this.startViewChange(targetView, `embedder: ${why}`);
      this.afterInput();
    });
  }

  /** Everything produced since the last drain. */
  drain(): PbftReady {
    return this.out.drain(this.nextDeadlineUs());
  }

  // ---------------------------------------------------------------------------------------
  // Introspection
  // ---------------------------------------------------------------------------------------

  /** Log entries held (bounded by L; checked by the GC tests). */
  logSize(): number {
    return this.log.size;
  }

  memory(): PbftMemory {
    return {
      logEntries: this.log.size,
      bufferedMessages: this.bufferedCount,
      checkpointVotes: this.checkpoints.size,
      viewChanges: this.viewChanges.size,
      verifiedSignatures: this.sigCache.size + this.verifiedViewChanges.size,
    };
  }

  counters(): Record<string, number> {
    return this.out.counters();
  }

  /** The last unexpected exception caught at the input boundary (a bug; tests assert none). */
  internalError(): string | undefined {
    return this.lastInternalError;
  }

  status(): PbftStatus {
    return {
      view: this.view,
      primary: this.primary(),
      phase: this.phase,
      targetView: this.targetView,
      lowWatermark: this.log.lowWatermark,
      lastExecuted: this.lastExecuted,
      nextSeq: this.nextSeq,
    };
  }

  isPrimary(): boolean {
    return this.primary() === this.cfg.self;
  }

  /** Whether `propose` would currently accept a batch. */
  canPropose(): boolean {
    return this.phase === 'normal' && this.isPrimary() && this.nextSeq <= this.log.lowWatermark + this.cfg.watermarkWindowSeqs;
  }

  // ---------------------------------------------------------------------------------------
  // Plumbing
  // ---------------------------------------------------------------------------------------

  private guarded(nowUs: number, body: () => void): void {
    if (!this.started) {
      this.started = true;
      this.lastProgressUs = nowUs;
      this.lastRetransmitUs = nowUs;
      this.nowUs = nowUs;
    }
    // Time never runs backwards inside the engine, whatever the embedder's clock does.
    if (nowUs > this.nowUs) this.nowUs = nowUs;
    try {
      body();
    } catch (e) {
      // Inputs must never crash a replica; a throw here is a bug (or a throwing injected
      // function) and is counted so tests and diagnostics see it.
      this.count('internal-error');
      this.lastInternalError = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    }
  }

  private count(name: string): void {
    this.out.count(name);
  }

  private suspect(node: number, reason: SuspicionReason, detail: string): void {
    this.out.suspect(node, reason, detail);
  }

  private broadcast(msg: PbftMessage): void {
    this.out.broadcast(msg);
  }

  private send(to: number, msg: PbftMessage): void {
    this.out.send(to, msg);
  }

  private primary(view = this.view): number {
    return primaryOf(view, this.cfg.n);
  }

  private validate(batch: Uint8Array, context: BatchContext): BatchVerdict {
    try {
      const v = this.opts.validateBatch(batch, context);
      return v.ok === true ? v : { ok: false, reason: typeof v.reason === 'string' ? v.reason : 'rejected' };
    } catch (e) {
      return { ok: false, reason: `validateBatch threw: ${e instanceof Error ? e.message : 'unknown'}` };
    }
  }

  private currentTimeoutUs(): number {
    const backoff = 2 ** Math.min(this.viewChangeAttempts, 30);
    return Math.min(this.cfg.viewChangeTimeoutUs * backoff, this.cfg.maxViewChangeTimeoutUs);
  }

  private noteProgress(): void {
    this.lastProgressUs = this.nowUs;
  }

  private noteViewSeen(from: number, msg: PbftMessage): void {
    const v = viewOf(msg);
    if (v === undefined) return;
    if (v > (this.highestViewSeen[from] ?? 0)) this.highestViewSeen[from] = v;
    const normal = msg.kind === 'prePrepare' || msg.kind === 'prepare' || msg.kind === 'commit';
    if (normal && v > (this.highestNormalViewSeen[from] ?? 0)) this.highestNormalViewSeen[from] = v;
  }

  private dispatch(from: number, msg: PbftMessage): void {
    switch (msg.kind) {
      case 'prePrepare':
        return this.onPrePrepare(from, msg.prePrepare);
      case 'prepare':
        return this.onPrepare(from, msg.prepare);
      case 'commit':
        return this.onCommit(from, msg.commit);
      case 'checkpoint':
        return this.onCheckpoint(from, msg.checkpoint);
      case 'viewChange':
        return this.onViewChange(from, msg.viewChange);
      case 'newView':
        return this.onNewView(from, msg.newView);
    }
  }

  /** Rules that may fire after any input. */
  private afterInput(): void {
    this.maybeJoinHigherView();
    if (this.phase === 'view-change') {
      if (this.viewChangeQuorumSinceUs === undefined && this.viewChanges.countFor(this.targetView) >= this.cfg.quorum) {
        this.viewChangeQuorumSinceUs = this.nowUs;
      }
      this.tryNewView();
    }
    if (this.windowMoved && this.phase === 'normal') {
      this.windowMoved = false;
      this.replayBuffered();
    }
    this.deliver();
  }

  /**
   * Where a normal-case message of view `v` goes: processed now, buffered until its view is
   * installed (bounded per sender), or dropped because this replica has left that view.
   */
  private admitView(from: number, v: number, msg: PbftMessage): boolean {
    if (this.phase === 'normal' && v === this.view) return true;
    if ((this.phase === 'normal' && v > this.view) || (this.phase === 'view-change' && v >= this.targetView)) {
      this.buffer(from, msg, 'buffered.future-view');
      return false;
    }
    this.count('ignored.stale-view');
    return false;
  }

  /** Keeps `msg` for later (bounded per sender: the oldest goes first). */
  private buffer(from: number, msg: PbftMessage, counter: string): void {
    let list = this.buffered.get(from);
    if (list === undefined) {
      list = [];
      this.buffered.set(from, list);
    }
    if (list.length >= this.cfg.maxBufferedPerReplica) {
      list.shift();
      this.bufferedCount--;
      this.count('dropped.buffer-full');
    }
    list.push(msg);
    this.bufferedCount++;
    this.count(counter);
  }

  /**
   * The log entry for an in-window seq of the current view; counts why not otherwise. A seq
   * at most one window above h is buffered until a stable checkpoint moves the window there:
   * the primary's window moves as soon as *it* sees a stable checkpoint, so it may propose
   * past ours for the few hundred µs until the same checkpoint messages reach us. Dropping
   * that pre-prepare would leave us out of the seq until the primary retransmits (a
   * retransmit interval), and at f Byzantine backups our prepare is the one the quorum needs.
   */
  private entryFor(from: number, seq: number, msg: PbftMessage): SeqEntry | undefined {
    const e = this.log.open(seq, this.view);
    if (e !== undefined) return e;
    const h = this.log.lowWatermark;
    const windowSeqs = this.cfg.watermarkWindowSeqs;
    if (seq <= h) this.count('ignored.below-watermark');
    else if (seq <= h + 2 * windowSeqs) this.buffer(from, msg, 'buffered.above-watermark');
    else this.count('ignored.above-watermark');
    return undefined;
  }

  // ---------------------------------------------------------------------------------------
  // Normal case
  // ---------------------------------------------------------------------------------------

  private doPropose(batch: Uint8Array): ProposeResult {
    if (!this.isPrimary()) return { ok: false, reason: 'not-primary' };
    if (this.phase !== 'normal') return { ok: false, reason: 'view-change' };
    if (batch.length > this.cfg.maxBatchBytes) return { ok: false, reason: 'too-large' };
    // Seqs below nextSeq are taken (proposed, or re-proposed by the NewView); skip any that
    // is somehow still occupied rather than give one (view, seq) two batches.
    while (this.log.get(this.nextSeq)?.prePrepare !== undefined && this.log.inWindow(this.nextSeq)) {
      this.count('internal.seq-occupied');
      this.nextSeq++;
    }
    const seq = this.nextSeq;
    const e = this.log.open(seq, this.view);
    if (e === undefined) return { ok: false, reason: 'window-full' };
    const digest = this.opts.digest(batch);
    this.nextSeq++;
    e.prePrepare = { view: this.view, batch, digest, digestHex: hex(digest), reproposal: false, valid: true };
    e.sentPrePrepare = true;
    e.markSent(this.nowUs);
    this.broadcast({ kind: 'prePrepare', prePrepare: { view: this.view, seq, batch } });
    this.checkPrepared(e);
    this.afterInput();
    return { ok: true, seq, digest };
  }

  private onPrePrepare(from: number, pp: PrePrepare): void {
    if (!this.admitView(from, pp.view, { kind: 'prePrepare', prePrepare: pp })) return;
    if (from !== this.primary()) {
      // `from` is authenticated, so this replica really posed as the primary.
      this.count('ignored.pre-prepare-from-backup');
      this.suspect(from, 'malformed', `pre-prepare for view ${pp.view} from a backup`);
      return;
    }
    const e = this.entryFor(from, pp.seq, { kind: 'prePrepare', prePrepare: pp });
    if (e === undefined) return;
    if (pp.batch.length > this.cfg.maxBatchBytes) {
      this.count('rejected.oversized-batch');
      this.suspect(from, 'bad-batch', `batch of ${pp.batch.length} bytes at seq ${pp.seq}`);
      return;
    }
    const digest = this.opts.digest(pp.batch);
    const digestHex = hex(digest);
    if (e.prePrepare !== undefined) {
      if (e.prePrepare.digestHex === digestHex) {
        this.count('duplicate.pre-prepare');
        return;
      }
      // Two different pre-prepares for one (view, seq), both authenticated by the primary.
      this.count('rejected.equivocating-pre-prepare');
      this.suspect(from, 'equivocation', `two pre-prepares for view ${pp.view} seq ${pp.seq}`);
      this.startViewChange(this.view + 1, 'primary equivocated');
      return;
    }
    if (e.committed !== undefined && e.committed.digestHex !== digestHex) {
      this.count('rejected.pre-prepare-conflicts-committed');
      this.suspect(from, 'equivocation', `pre-prepare at committed seq ${pp.seq} with another batch`);
      return;
    }
    const verdict = this.validate(pp.batch, { view: pp.view, seq: pp.seq, nowUs: this.nowUs, reproposal: false });
    e.prePrepare = { view: pp.view, batch: pp.batch, digest, digestHex, reproposal: false, valid: verdict.ok };
    if (!verdict.ok) {
      // No prepare from this replica. A batch can still be prepared if 2f other backups
      // prepare it — then at least f correct backups (f + 1 if the primary is faulty) judged
      // it valid (their clocks may differ from ours) — and this replica then follows the
      // quorum below, so one skewed replica cannot stall the cluster.
      this.count('rejected.bad-batch');
      this.suspect(from, 'bad-batch', `seq ${pp.seq}: ${verdict.reason}`);
    } else {
      this.sendPrepare(e);
    }
    this.checkEquivocationByPrepares(e);
    this.checkPrepared(e);
  }

  private sendPrepare(e: SeqEntry): void {
    const pp = e.prePrepare;
    if (pp === undefined || this.isPrimary()) return;
    const prepare: Prepare = { view: this.view, seq: e.seq, digest: pp.digest, replica: this.cfg.self, signature: EMPTY };
    prepare.signature = this.opts.sign(prepareSigningBytes(this.view, e.seq, pp.digest, this.cfg.self));
    trustPrepare(this.sigCache, prepare);
    e.sentPrepare = prepare;
    e.prepares.set(this.cfg.self, { prepare, digestHex: pp.digestHex, verified: true, bad: false });
    e.markSent(this.nowUs);
    this.broadcast({ kind: 'prepare', prepare });
  }

  private onPrepare(from: number, p: Prepare): void {
    if (p.replica !== from) {
      // Prepares travel only from their signer; relayed ones appear only inside certificates.
      this.count('ignored.relayed-prepare');
      this.suspect(from, 'malformed', `prepare naming replica ${p.replica}`);
      return;
    }
    if (!this.admitView(from, p.view, { kind: 'prepare', prepare: p })) return;
    if (from === this.primary()) {
      this.count('ignored.prepare-from-primary');
      return;
    }
    const e = this.entryFor(from, p.seq, { kind: 'prepare', prepare: p });
    if (e === undefined) return;
    const digestHex = hex(p.digest);
    const existing = e.prepares.get(from);
    if (existing !== undefined) {
      if (existing.digestHex === digestHex) this.count('duplicate.prepare');
      else {
        this.count('rejected.equivocating-prepare');
        this.suspect(from, 'equivocation', `two prepares for view ${p.view} seq ${p.seq}`);
      }
      return;
    }
    e.prepares.set(from, { prepare: p, digestHex, verified: false, bad: false });
    // Lazy mode keeps every matching prepare so a bad signature can be replaced at view change.
    if (this.cfg.prepareVerification === 'at-view-change' && e.cert?.view === this.view && e.cert.digestHex === digestHex) {
      e.cert.prepares.push(p);
    }
    this.checkEquivocationByPrepares(e);
    this.checkPrepared(e);
  }

  /**
   * f + 1 backups preparing a digest other than the one the primary sent us means a correct
   * backup received a different pre-prepare: the primary equivocated.
   */
  private checkEquivocationByPrepares(e: SeqEntry): void {
    const pp = e.prePrepare;
    if (pp === undefined || e.flagged || this.isPrimary()) return;
    const others = new Map<string, number>();
    for (const v of e.prepares.values()) {
      if (v.digestHex !== pp.digestHex) others.set(v.digestHex, (others.get(v.digestHex) ?? 0) + 1);
    }
    for (const c of others.values()) {
      if (c >= this.cfg.f + 1) {
        e.flagged = true;
        this.count('detected.equivocation-by-prepares');
        this.suspect(this.primary(), 'equivocation', `f+1 backups prepared another batch at view ${this.view} seq ${e.seq}`);
        this.startViewChange(this.view + 1, 'primary equivocated');
        return;
      }
    }
  }

  /**
   * Prepared = pre-prepare + prepareQuorum matching prepares from distinct backups. In the
   * default mode their signatures are checked here, once, before the commit is sent: from then
   * on this replica may be the one that must prove the batch in a view change.
   */
  private checkPrepared(e: SeqEntry): void {
    const pp = e.prePrepare;
    if (e.prepared || pp === undefined || this.phase !== 'normal') return;
    const matching = [...e.prepares.entries()]
      .filter(([, v]) => v.digestHex === pp.digestHex && !v.bad)
      .sort((a, b) => Number(b[1].verified) - Number(a[1].verified) || a[0] - b[0]);
    if (matching.length < this.cfg.prepareQuorum) return;
    const chosen: Prepare[] = [];
    if (this.cfg.prepareVerification === 'before-commit') {
      for (const [replica, v] of matching) {
        if (chosen.length >= this.cfg.prepareQuorum) break;
        if (!v.verified) {
          if (checkPrepareSignature(this.certCtx, this.sigCache, v.prepare)) v.verified = true;
          else {
            v.bad = true;
            this.count('rejected.bad-prepare-signature');
            this.suspect(replica, 'bad-signature', `prepare for view ${this.view} seq ${e.seq}`);
            continue;
          }
        }
        chosen.push(v.prepare);
      }
      if (chosen.length < this.cfg.prepareQuorum) return;
    } else {
      for (const [, v] of matching) chosen.push(v.prepare);
    }
    e.prepared = true;
    e.cert = { view: this.view, seq: e.seq, batch: pp.batch, digest: pp.digest, digestHex: pp.digestHex, prepares: chosen };
    const commit: Commit = { view: this.view, seq: e.seq, digest: pp.digest };
    e.sentCommit = commit;
    e.commits.set(this.cfg.self, pp.digestHex);
    e.markSent(this.nowUs);
    this.broadcast({ kind: 'commit', commit });
    this.checkCommitted(e);
  }

  private onCommit(from: number, c: Commit): void {
    if (!this.admitView(from, c.view, { kind: 'commit', commit: c })) return;
    const e = this.entryFor(from, c.seq, { kind: 'commit', commit: c });
    if (e === undefined) return;
    const digestHex = hex(c.digest);
    const existing = e.commits.get(from);
    if (existing !== undefined) {
      if (existing === digestHex) this.count('duplicate.commit');
      else {
        this.count('rejected.equivocating-commit');
        this.suspect(from, 'equivocation', `two commits for view ${c.view} seq ${c.seq}`);
      }
      return;
    }
    e.commits.set(from, digestHex);
    this.checkCommitted(e);
  }

  /** Committed-local = prepared + a quorum of matching commits (possibly including our own). */
  private checkCommitted(e: SeqEntry): void {
    const pp = e.prePrepare;
    if (e.committed !== undefined || !e.prepared || pp === undefined) return;
    let matching = 0;
    for (const d of e.commits.values()) if (d === pp.digestHex) matching++;
    if (matching < this.cfg.quorum) return;
    e.committed = { view: this.view, batch: pp.batch, digest: pp.digest, digestHex: pp.digestHex };
    this.count('committed');
  }

  /** Hands committed batches to the embedder strictly in seq order. */
  private deliver(): void {
    for (;;) {
      const seq = this.lastExecuted + 1;
      // Behind a stable checkpoint: the state must be installed before anything above it runs.
      if (seq <= this.log.lowWatermark) return;
      const c = this.log.get(seq)?.committed;
      if (c === undefined) return;
      this.out.deliver({ seq, view: c.view, batch: c.batch, digest: c.digest });
      this.lastExecuted = seq;
      this.noteProgress();
      if (!this.deliveredInView) {
        // The view works: later failures start the back-off from the base timeout again.
        this.deliveredInView = true;
        this.viewChangeAttempts = 0;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Checkpoints, garbage collection, state transfer
  // ---------------------------------------------------------------------------------------

  private onCheckpoint(from: number, cp: Checkpoint): void {
    if (cp.replica !== from) {
      this.count('ignored.relayed-checkpoint');
      this.suspect(from, 'malformed', `checkpoint naming replica ${cp.replica}`);
      return;
    }
    if (cp.seq % this.cfg.checkpointIntervalSeqs !== 0 || cp.seq === 0) {
      this.count('ignored.not-a-checkpoint');
      this.suspect(from, 'malformed', `checkpoint at seq ${cp.seq}`);
      return;
    }
    if (cp.seq <= this.log.lowWatermark) {
      this.count('ignored.stale-checkpoint');
      return;
    }
    const existing = this.checkpoints.has(cp.seq, from);
    if (existing !== undefined) {
      if (bytesEqual(existing.stateDigest, cp.stateDigest)) this.count('duplicate.checkpoint');
      else {
        this.count('rejected.equivocating-checkpoint');
        this.suspect(from, 'equivocation', `two state digests for seq ${cp.seq}`);
      }
      return;
    }
    if (!this.checkpoints.admissible(cp)) {
      this.count('ignored.superseded-checkpoint');
      return;
    }
    // Checkpoints are rare (one per K seqs per replica) and end up in stable proofs that
    // others verify, so they are checked on receipt rather than lazily.
    if (!checkCheckpointSignature(this.certCtx, this.sigCache, cp)) {
      this.count('rejected.bad-checkpoint-signature');
      this.suspect(from, 'bad-signature', `checkpoint for seq ${cp.seq}`);
      return;
    }
    const r = this.checkpoints.add(cp);
    this.count(`checkpoint.${r}`);
    this.refreshStable();
  }

  /** Acts on the highest stable checkpoint above h. */
  private refreshStable(): void {
    const best = this.checkpoints.highestStable();
    if (best === undefined || best.seq <= this.log.lowWatermark) return;
    if (best.seq <= this.lastExecuted) {
      const own = this.checkpoints.has(best.seq, this.cfg.self);
      if (own !== undefined && !bytesEqual(own.stateDigest, best.stateDigest)) {
        // A quorum (so at least f + 1 correct replicas) agrees on another state than ours: our
        // state is wrong. Re-fetch it; the quorum's checkpoint is stable regardless.
        this.count('detected.state-digest-mismatch');
        this.needState(best, 'state-digest-mismatch', true);
      }
      this.advanceStable(best);
      return;
    }
    // The others have executed (and agreed on) state we have not (see stateTransfer.ts).
    this.noteProgress();
    this.needState(best, 'behind', !this.canCatchUpAlone(best.seq));
  }

  private needState(s: ProvenState, reason: TargetReason, announceNow: boolean): void {
    this.transfer.aim(s, reason, this.nowUs);
    if (announceNow) this.announceStateTransfer();
  }

  private announceStateTransfer(): void {
    const t = this.transfer.announce();
    if (t === undefined) return;
    this.count('state-transfer-needed');
    this.out.event({ kind: 'state-transfer-needed', seq: t.seq, stateDigest: t.stateDigest, reason: t.reason });
  }

  /** Whether every seq up to `targetSeq` is in our log with its batch (we are merely slow). */
  private canCatchUpAlone(targetSeq: number): boolean {
    if (targetSeq > this.log.lowWatermark + this.cfg.watermarkWindowSeqs) return false;
    for (let seq = this.lastExecuted + 1; seq <= targetSeq; seq++) {
      const e = this.log.get(seq);
      if (e === undefined || (e.prePrepare === undefined && e.committed === undefined)) return false;
    }
    return true;
  }

  /**
   * Continues after `seq` without executing up to it (the embedder holds that state) and votes
   * for it, so checkpoints that need this replica's vote can become stable.
   */
  private continueAfter(seq: number, stateDigest: Uint8Array, counter: string): void {
    this.lastExecuted = seq;
    if (this.nextSeq <= seq) this.nextSeq = seq + 1;
    this.transfer.reached(seq, { anyReason: true });
    this.count(counter);
    this.noteProgress();
    if (seq % this.cfg.checkpointIntervalSeqs === 0) this.voteCheckpoint(seq, stateDigest);
  }

  /** Keeps the newest few states the embedder reported ahead of this engine (bounded). */
  private rememberEmbedderAhead(seq: number, stateDigest: Uint8Array): void {
    // The wait starts when the embedder gets ahead (or when the engine last moved, if later).
    if (this.embedderAhead.size === 0) this.executedMark = { seq: this.lastExecuted, sinceUs: this.nowUs };
    this.embedderAhead.set(seq, stateDigest.slice());
    const max = this.cfg.watermarkWindowSeqs / this.cfg.checkpointIntervalSeqs + 2;
    while (this.embedderAhead.size > max) this.embedderAhead.delete(Math.min(...this.embedderAhead.keys()));
  }

  /**
   * The embedder can execute seqs this engine never commits: its learner applies batches it
   * proved committed, while the engine may be left with entries no correct replica will prepare
   * again — re-proposals of a NewView that the others already hold under a stable checkpoint.
   * The engine's checkpoint votes for those seqs are then refused (not executed here), and if f
   * replicas withhold theirs no checkpoint becomes stable for this replica either: it stays out
   * of the window, and every quorum needs the faulty replicas, until the next view change
   * (simulator: `agreed`, f = 1, seed 1359). So when lastExecuted has not moved for a
   * retransmission interval in normal operation, and f+1 other replicas signed a checkpoint
   * whose (seq, digest) is a state the embedder reported, the engine adopts that state: f+1
   * signers include a correct replica, and the embedder's state there is the same, so the vote
   * that follows is truthful. Waiting first leaves an engine that is merely behind (and still
   * owes the others its commits) to catch up by itself.
   */
  private adoptEmbedderState(): void {
    if (this.executedMark.seq !== this.lastExecuted) this.executedMark = { seq: this.lastExecuted, sinceUs: this.nowUs };
    for (const seq of [...this.embedderAhead.keys()]) if (seq <= this.lastExecuted || seq <= this.log.lowWatermark) this.embedderAhead.delete(seq);
    if (this.phase !== 'normal' || this.embedderAhead.size === 0) return;
    if (this.nowUs - this.executedMark.sinceUs < this.cfg.retransmitIntervalUs) return;
    const seqs = [...this.embedderAhead.keys()].sort((a, b) => b - a);
    for (const seq of seqs) {
      const stateDigest = this.embedderAhead.get(seq) as Uint8Array;
      if (this.checkpoints.matchingVotes(seq, stateDigest, this.cfg.self) < this.cfg.f + 1) continue;
      this.embedderAhead.clear();
      this.continueAfter(seq, stateDigest, 'state-adopted-from-embedder');
      return;
    }
  }

  /** Moves h to a proven checkpoint and collects everything at or below it. */
  private advanceStable(s: ProvenState): void {
    if (s.seq <= this.log.lowWatermark) return;
    this.stable = { seq: s.seq, stateDigest: s.stateDigest, proof: s.proof };
    this.log.advanceLow(s.seq);
    this.checkpoints.advanceLow(s.seq);
    this.sigCache.dropBelow(s.seq);
    if (this.nextSeq <= s.seq) this.nextSeq = s.seq + 1;
    this.transfer.reached(this.lastExecuted, { anyReason: false });
    this.noteProgress();
    this.out.event({ kind: 'stable-checkpoint', seq: s.seq, stateDigest: s.stateDigest });
    // Seqs buffered above the old window (entryFor) may be inside the new one: replayed once
    // the input is handled (afterInput), not here, where a view being installed would reset
    // the entries they fill.
    this.windowMoved = true;
  }

  private doInstallCheckpoint(seq: number, stateDigest: Uint8Array): boolean {
    const proof = this.transfer.proofFor(seq, stateDigest, [this.stable, this.checkpoints.stableAt(seq)]);
    if (proof === undefined) {
      this.count('ignored.install-unproven');
      return false;
    }
    if (seq < this.lastExecuted && !this.transfer.repairs(seq)) {
      this.count('ignored.install-stale');
      return false;
    }
    this.lastExecuted = seq;
    this.advanceStable({ seq, stateDigest, proof });
    // An older proven checkpoint may have been installed while the target moved on: keep that.
    this.transfer.reached(seq, { anyReason: true });
    if (this.nextSeq <= seq) this.nextSeq = seq + 1;
    this.count('state-installed');
    this.noteProgress();
    return true;
  }

  // ---------------------------------------------------------------------------------------
  // View change
  // ---------------------------------------------------------------------------------------

  /** Leaves the current view and asks for `newView` (no-op unless it is higher than asked so far). */
  private startViewChange(newView: number, reason: string): void {
    const current = this.phase === 'normal' ? this.view : this.targetView;
    if (newView <= current || !Number.isSafeInteger(newView + 1)) return;
    this.viewChangeAttempts++;
    this.phase = 'view-change';
    this.targetView = newView;
    this.viewChangeQuorumSinceUs = undefined;
    this.deliveredInView = false;
    const vc = this.buildViewChange(newView);
    this.ownViewChange = vc;
    this.viewChanges.putOwn(vc);
    this.count('view-change.started');
    this.out.event({ kind: 'view-change', view: newView, reason });
    this.broadcast({ kind: 'viewChange', viewChange: vc });
    this.dropBufferedBelow(newView);
  }

  private buildViewChange(newView: number): ViewChange {
    const prepared: PreparedProof[] = [];
    for (const e of this.log.ascending()) {
      const cert = this.provableCertificate(e);
      if (cert !== undefined) prepared.push({ view: cert.view, seq: cert.seq, batch: cert.batch, prepares: cert.prepares });
    }
    let maxTauUs = 0;
    try {
      const t = this.opts.maxCommittedTauUs?.() ?? 0;
      if (Number.isSafeInteger(t) && t >= 0) maxTauUs = t;
    } catch {
      this.count('internal-error.max-tau-hook');
    }
    const vc: ViewChange = {
      newView,
      stableSeq: this.stable.seq,
      stableProof: this.stable.proof,
      prepared,
      maxTauUs,
      replica: this.cfg.self,
      signature: EMPTY,
    };
    vc.signature = this.opts.sign(viewChangeSigningBytes(vc));
    if (this.estimateViewChangeBytes(vc) > MAX_BODY_BYTES) {
      // The wire carries whole batches in certificates; a large window of large batches does
      // not fit one frame. Counted so operators size L and batches accordingly.
      this.count('view-change.oversize');
    }
    return vc;
  }

  private estimateViewChangeBytes(vc: ViewChange): number {
    let bytes = 64 + vc.stableProof.length * 120;
    for (const p of vc.prepared) bytes += 32 + p.batch.length + p.prepares.length * 120;
    return bytes;
  }

  /**
   * The certificate this replica can prove for an entry. In the default mode it was verified
   * before the commit was sent. In lazy mode it is verified now; bad signatures are replaced by
   * other valid matching prepares if any, else the certificate is dropped (the weakness that
   * mode accepts).
   */
  private provableCertificate(e: SeqEntry): PreparedCertificate | undefined {
    const cert = e.cert;
    if (cert === undefined) return undefined;
    if (this.cfg.prepareVerification === 'before-commit') return cert;
    const valid: Prepare[] = [];
    const seen = new Set<number>();
    for (const p of cert.prepares) {
      if (valid.length >= this.cfg.prepareQuorum) break;
      if (seen.has(p.replica)) continue;
      seen.add(p.replica);
      if (checkPrepareSignature(this.certCtx, this.sigCache, p)) valid.push(p);
      else {
        this.count('rejected.bad-prepare-signature');
        this.suspect(p.replica, 'bad-signature', `prepare for view ${p.view} seq ${p.seq}`);
      }
    }
    if (valid.length < this.cfg.prepareQuorum) {
      this.count('view-change.unprovable-certificate');
      return undefined;
    }
    return { ...cert, prepares: valid };
  }

  private onViewChange(from: number, vc: ViewChange): void {
    if (vc.replica !== from) {
      this.count('ignored.relayed-view-change');
      this.suspect(from, 'malformed', `view change naming replica ${vc.replica}`);
      return;
    }
    if (vc.newView <= this.view) {
      // A replica still asking for the view we run missed its NewView: the primary resends it.
      if (vc.newView === this.view && this.phase === 'normal' && this.isPrimary()) this.resendNewView(from);
      this.count('ignored.stale-view-change');
      return;
    }
    if (vc.prepared.length > this.cfg.watermarkWindowSeqs || vc.stableProof.length > this.cfg.n) {
      this.count('rejected.oversized-view-change');
      this.suspect(from, 'malformed', `view change with ${vc.prepared.length} certificates`);
      return;
    }
    const r = this.viewChanges.offer(vc);
    this.count(`view-change.${r}`);
    if (r === 'conflict') this.suspect(from, 'equivocation', `two view changes for view ${vc.newView}`);
  }

  private resendNewView(to: number): void {
    const nv = this.lastNewView;
    if (nv === undefined || nv.view !== this.view) return;
    const last = this.newViewResentUs.get(to);
    if (last !== undefined && this.nowUs - last < this.cfg.retransmitIntervalUs) return;
    this.newViewResentUs.set(to, this.nowUs);
    this.count('retransmit.new-view');
    this.send(to, { kind: 'newView', newView: nv });
  }

  /**
   * PBFT's liveness rule: when f + 1 replicas are known to be in views above ours, at least one
   * correct replica is, so join the smallest such view rather than wait for our own timeout.
   * Normal-case messages count too: a replica that missed a NewView learns the view is
   * installed, asks for it, and the primary resends the NewView.
   */
  private maybeJoinHigherView(): void {
    const others = this.highestViewSeen.filter((_, i) => i !== this.cfg.self).sort((a, b) => b - a);
    const candidate = others[this.cfg.f];
    const current = this.phase === 'normal' ? this.view : this.targetView;
    if (candidate !== undefined && candidate > current) {
      this.count('view-change.joined');
      this.startViewChange(candidate, `f+1 replicas are at view ${candidate} or above`);
    }
  }

  /**
   * The memo of checked ViewChange signatures, emptied when it outgrows a few view changes'
   * worth (a faulty future primary could otherwise grow it with NewViews for ever-higher views).
   */
  private boundedViewChangeMemo(): Set<string> {
    if (this.verifiedViewChanges.size >= 4 * this.cfg.n) this.verifiedViewChanges = new Set();
    return this.verifiedViewChanges;
  }

  private checkViewChangeVerbose(vc: ViewChange): boolean {
    const v = checkViewChange(this.certCtx, this.sigCache, vc, this.boundedViewChangeMemo());
    if (!v.ok) {
      this.count('rejected.invalid-view-change');
      this.suspect(vc.replica, v.badSignature ? 'bad-signature' : 'malformed', `view change for view ${vc.newView}: ${v.reason}`);
    }
    return v.ok;
  }

  /** New primary: once a quorum of valid ViewChanges for its view is in, send NewView. */
  private tryNewView(): void {
    if (this.phase !== 'view-change' || this.primary(this.targetView) !== this.cfg.self) return;
    if (this.viewChanges.countFor(this.targetView) < this.cfg.quorum) return;
    const valid = this.viewChanges.validFor(this.targetView, (vc) => vc.replica === this.cfg.self || this.checkViewChangeVerbose(vc));
    if (valid.length < this.cfg.quorum) return;
    // Our own first: it carries our stable checkpoint, so minS >= h and nothing we collected
    // is re-proposed.
    const chosen = [...valid.filter((vc) => vc.replica === this.cfg.self), ...valid.filter((vc) => vc.replica !== this.cfg.self)].slice(
      0,
      this.cfg.quorum,
    );
    const plan = planNewView(this.targetView, chosen, this.cfg.f, this.opts.nullBatch, this.opts.digest);
    const nv: NewView = { view: this.targetView, viewChanges: chosen, prePrepares: plan.prePrepares, replica: this.cfg.self, signature: EMPTY };
    nv.signature = this.opts.sign(newViewSigningBytes(nv));
    let bytes = 128;
    for (const vc of chosen) bytes += this.estimateViewChangeBytes(vc);
    for (const pp of nv.prePrepares) bytes += 32 + pp.batch.length;
    if (bytes > MAX_BODY_BYTES) this.count('new-view.oversize');
    this.count('new-view.sent');
    this.broadcast({ kind: 'newView', newView: nv });
    this.installView(nv, plan);
  }

  private onNewView(from: number, nv: NewView): void {
    const nvPrimary = this.primary(nv.view);
    if (nv.replica !== nvPrimary) {
      this.count('ignored.new-view-not-from-primary');
      if (from === nv.replica) this.suspect(from, 'malformed', `NewView for view ${nv.view} from a non-primary`);
      return;
    }
    const wanted = this.phase === 'normal' ? nv.view > this.view : nv.view >= this.targetView;
    if (!wanted) {
      this.count(nv.view === this.view ? 'duplicate.new-view' : 'ignored.stale-new-view');
      return;
    }
    if (this.rejectedNewViews.has(nv.view)) {
      this.count('ignored.new-view-already-rejected');
      return;
    }
    // Only a NewView for the view we are waiting for may push us further on failure: otherwise a
    // faulty future primary could knock correct replicas out of a working view one by one.
    const awaited = this.phase === 'view-change' && nv.view === this.targetView;
    let signedMemo: boolean | undefined;
    const signedByPrimary = (): boolean => {
      if (signedMemo === undefined) {
        try {
          signedMemo = this.opts.verify(nvPrimary, newViewSigningBytes(nv), nv.signature) === true;
        } catch {
          signedMemo = false;
        }
      }
      return signedMemo;
    };
    const reject = (reason: string, why: SuspicionReason): void => {
      // The primary answers for a NewView it sent itself (the MAC proves it) or signed;
      // anything else is blamed on whoever handed it to us, so a relayer cannot get a genuine
      // NewView ignored or a correct primary suspected.
      const accountable = from === nvPrimary || signedByPrimary();
      this.count('rejected.invalid-new-view');
      if (!accountable) {
        this.suspect(from, 'bad-signature', `relayed NewView for view ${nv.view} not signed by its primary (${reason})`);
        return;
      }
      this.suspect(nvPrimary, why, `NewView for view ${nv.view}: ${reason}`);
      this.rejectedNewViews.add(nv.view);
      // Bounded: only the highest few views matter (lower ones are left behind anyway).
      if (this.rejectedNewViews.size > this.cfg.n) this.rejectedNewViews.delete(Math.min(...this.rejectedNewViews));
      if (awaited) this.startViewChange(nv.view + 1, `invalid NewView: ${reason}`);
    };
    if (nv.viewChanges.length > this.cfg.n || nv.prePrepares.length > this.cfg.watermarkWindowSeqs) return reject('oversized', 'malformed');
    // Structure before signatures: a malformed NewView from its primary costs no verification.
    const seen = new Set<number>();
    for (const vc of nv.viewChanges) {
      if (vc.newView !== nv.view) return reject(`contains a view change for view ${vc.newView}`, 'malformed');
      if (seen.has(vc.replica)) return reject(`repeats replica ${vc.replica}`, 'malformed');
      seen.add(vc.replica);
    }
    if (seen.size < this.cfg.quorum) return reject(`only ${seen.size} view changes`, 'malformed');
    if (!signedByPrimary()) return reject('bad signature', 'bad-signature');
    for (const vc of nv.viewChanges) {
      const v = checkViewChange(this.certCtx, this.sigCache, vc, this.boundedViewChangeMemo());
      if (!v.ok) return reject(`view change of replica ${vc.replica}: ${v.reason}`, 'malformed');
    }
    const plan = planNewView(nv.view, nv.viewChanges, this.cfg.f, this.opts.nullBatch, this.opts.digest);
    if (plan.prePrepares.length !== nv.prePrepares.length) return reject('re-proposals differ from the recomputation', 'malformed');
    for (let i = 0; i < plan.prePrepares.length; i++) {
      const want = plan.prePrepares[i];
      const got = nv.prePrepares[i];
      if (want === undefined || got === undefined || want.view !== got.view || want.seq !== got.seq || !bytesEqual(want.batch, got.batch)) {
        return reject(`re-proposal ${i} differs from the recomputation`, 'malformed');
      }
    }
    this.count('new-view.accepted');
    this.installView(nv, plan);
  }

  /** Enters the view of a NewView this replica built or verified. */
  private installView(nv: NewView, plan: NewViewPlan): void {
    const w = nv.view;
    this.view = w;
    this.targetView = w;
    this.phase = 'normal';
    this.viewChangeQuorumSinceUs = undefined;
    this.deliveredInView = false;
    this.lastNewView = nv;
    this.newViewResentUs.clear();
    this.verifiedViewChanges = new Set();
    this.noteProgress();
    if (plan.minS > this.log.lowWatermark) {
      const behind = this.lastExecuted < plan.minS;
      this.advanceStable({ seq: plan.minS, stateDigest: plan.stableDigest, proof: plan.stableProof });
      // Our log below minS is gone: only state transfer can bring us past it.
      if (behind) this.needState({ seq: plan.minS, stateDigest: plan.stableDigest, proof: plan.stableProof }, 'new-view', true);
    }
    for (const e of this.log.ascending()) e.resetForView(w);
    const primary = this.isPrimary();
    for (const pp of plan.prePrepares) {
      const e = this.log.open(pp.seq, w);
      if (e === undefined) continue; // at or below our stable checkpoint
      const digest = this.opts.digest(pp.batch);
      const digestHex = hex(digest);
      if (e.committed !== undefined && e.committed.digestHex !== digestHex) {
        // Impossible with at most f faults; counted so a broken quorum shows up in tests.
        this.count('safety.reproposal-conflicts-committed');
      }
      let valid = true;
      if (!primary && !bytesEqual(pp.batch, this.opts.nullBatch)) {
        const verdict = this.validate(pp.batch, { view: w, seq: pp.seq, nowUs: this.nowUs, reproposal: true });
        valid = verdict.ok;
        if (!verdict.ok) this.count('rejected.reproposal');
      }
      e.prePrepare = { view: w, batch: pp.batch, digest, digestHex, reproposal: true, valid };
      if (valid) this.sendPrepare(e);
    }
    this.nextSeq = Math.max(plan.maxS, this.log.lowWatermark) + 1;
    this.viewChanges.dropUpTo(w);
    for (const v of [...this.rejectedNewViews]) if (v <= w) this.rejectedNewViews.delete(v);
    this.count('view.installed');
    this.out.event({ kind: 'view', view: w, primary: this.primary(), maxTauUs: plan.maxTauUs, robustMaxTauUs: plan.robustMaxTauUs });
    this.replayBuffered();
    for (const e of this.log.ascending()) this.checkPrepared(e);
  }

  private replayBuffered(): void {
    const ready: [number, PbftMessage][] = [];
    for (const [from, list] of this.buffered) {
      const keep: PbftMessage[] = [];
      for (const m of list) {
        const v = viewOf(m) ?? 0;
        if (v === this.view) ready.push([from, m]);
        else if (v > this.view) keep.push(m);
      }
      this.bufferedCount -= list.length - keep.length;
      if (keep.length > 0) this.buffered.set(from, keep);
      else this.buffered.delete(from);
    }
    for (const [from, m] of ready) this.dispatch(from, m);
  }

  private dropBufferedBelow(view: number): void {
    for (const [from, list] of this.buffered) {
      const keep = list.filter((m) => (viewOf(m) ?? 0) >= view);
      this.bufferedCount -= list.length - keep.length;
      if (keep.length > 0) this.buffered.set(from, keep);
      else this.buffered.delete(from);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Time
  // ---------------------------------------------------------------------------------------

  private expectingProgress(): boolean {
    if (this.cfg.expectContinuousProgress) return true;
    for (const e of this.log.ascending()) if (e.seq > this.lastExecuted && e.hasActivity()) return true;
    return false;
  }

  /** f + 1 replicas run `view` normally, so its NewView exists and we only missed it. */
  private viewKnownInstalled(view: number): boolean {
    let c = 0;
    for (let i = 0; i < this.cfg.n; i++) if (i !== this.cfg.self && (this.highestNormalViewSeen[i] ?? 0) >= view) c++;
    return c >= this.cfg.f + 1;
  }

  private doTick(): void {
    const now = this.nowUs;
    if (this.phase === 'normal') {
      if (!this.isPrimary() && now - this.lastProgressUs >= this.currentTimeoutUs() && this.expectingProgress()) {
        this.suspect(this.primary(), 'silent-primary', `no progress in view ${this.view} for ${now - this.lastProgressUs} us`);
        this.startViewChange(this.view + 1, 'no progress');
      }
    } else if (this.viewChangeQuorumSinceUs !== undefined && now - this.viewChangeQuorumSinceUs >= this.currentTimeoutUs()) {
      const target = this.targetView;
      if (this.viewKnownInstalled(target)) {
        // The view runs without us: ask its primary for the NewView again instead of moving on.
        const own = this.ownViewChange;
        if (own !== undefined) this.send(this.primary(target), { kind: 'viewChange', viewChange: own });
        this.viewChangeQuorumSinceUs = now;
        this.count('view-change.re-asked');
      } else {
        this.suspect(this.primary(target), 'silent-primary', `no valid NewView for view ${target}`);
        this.startViewChange(target + 1, 'view change timed out');
      }
    }
    this.adoptEmbedderState();
    this.transfer.reached(this.lastExecuted, { anyReason: false });
    const t = this.transfer.pending;
    if (t !== undefined && !t.announced && now - t.sinceUs >= this.cfg.stateTransferGraceUs) this.announceStateTransfer();
    if (now - this.lastRetransmitUs >= this.cfg.retransmitIntervalUs) {
      this.lastRetransmitUs = now;
      this.retransmit();
    }
    this.afterInput();
  }

  /**
   * Datagrams get lost. Every interval, resend what is still useful, capped per peer:
   * - normal case: our pre-prepares / prepares / commits of entries older than one interval
   *   that are not yet collected by a stable checkpoint (in steady state checkpoints collect
   *   entries before they get old, so this only runs when something is stuck);
   * - during a view change: our ViewChange;
   * - our latest checkpoint to replicas whose vote for it we have not seen.
   */
  private retransmit(): void {
    const used = new Map<number, number>();
    const sendTo = (peer: number, msg: PbftMessage): void => {
      const n = used.get(peer) ?? 0;
      if (n >= this.cfg.retransmitBudgetPerPeer) return;
      used.set(peer, n + 1);
      this.count('retransmit.sent');
      this.send(peer, msg);
    };
    const peers: number[] = [];
    for (let i = 0; i < this.cfg.n; i++) if (i !== this.cfg.self) peers.push(i);
    if (this.phase === 'view-change') {
      const own = this.ownViewChange;
      if (own !== undefined) for (const p of peers) sendTo(p, { kind: 'viewChange', viewChange: own });
    } else {
      for (const e of this.log.ascending()) {
        if (e.firstSentUs === undefined || this.nowUs - e.firstSentUs < this.cfg.retransmitIntervalUs) continue;
        const pp = e.prePrepare;
        for (const p of peers) {
          if (e.sentPrePrepare && pp !== undefined) sendTo(p, { kind: 'prePrepare', prePrepare: { view: this.view, seq: e.seq, batch: pp.batch } });
          if (e.sentPrepare !== undefined) sendTo(p, { kind: 'prepare', prepare: e.sentPrepare });
          if (e.sentCommit !== undefined) sendTo(p, { kind: 'commit', commit: e.sentCommit });
        }
      }
    }
    const cp = this.ownCheckpoint;
    if (cp !== undefined && cp.seq >= this.log.lowWatermark) {
      const inProof = new Set(cp.seq === this.stable.seq ? this.stable.proof.map((c) => c.replica) : []);
      for (const p of peers) if (this.checkpoints.has(cp.seq, p) === undefined && !inProof.has(p)) sendTo(p, { kind: 'checkpoint', checkpoint: cp });
    }
  }

  private nextDeadlineUs(): number {
    let t = this.lastRetransmitUs + this.cfg.retransmitIntervalUs;
    if (this.phase === 'normal' && !this.isPrimary()) t = Math.min(t, this.lastProgressUs + this.currentTimeoutUs());
    if (this.phase === 'view-change' && this.viewChangeQuorumSinceUs !== undefined) {
      t = Math.min(t, this.viewChangeQuorumSinceUs + this.currentTimeoutUs());
    }
    const st = this.transfer.pending;
    if (st !== undefined && !st.announced) t = Math.min(t, st.sinceUs + this.cfg.stateTransferGraceUs);
    return t;
  }
}
