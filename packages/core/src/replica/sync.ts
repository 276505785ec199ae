/**
 * Fast-mode synchronisation (docs/protocol.md, `fast` → "Synchronisation"): periodic signed
 * reports, proposals of 2f+1 of them ordered by a PBFT engine, and canonical contents that
 * every correct replica computes alike from each committed proposal.
 *
 * Per part (see syncReport.ts for rounds, parts and budgets):
 * 1. when its clock reaches the round's report time, every replica signs its report of the
 *    part (the writes it holds for the part's slots) and sends it to the PBFT primary; it
 *    resends it to a new primary after a view change and while nothing makes progress;
 * 2. the primary, once it holds 2f+1 reports with valid signatures, proposes
 *    Batch{sync: {round = part id, window, reports sorted by replica}}, one proposal in flight
 *    at a time (the next one after the previous is executed and checkpointed);
 * 3. backups prepare it only if it is well-formed: exactly 2f+1 reports of distinct replicas
 *    with valid signatures, windows and sizes as the configuration dictates, a part not yet
 *    agreed, and any part it skips overdue;
 * 4. committed batches execute in order: a proposal for a part above the last applied one is
 *    applied — canonical contents (syncCanonical.ts) adopted for every slot of the window —
 *    and the part becomes the last applied one; anything else is a no-op.
 *
 * The replicated state (last applied part, hash chain over executed batches) is 32 bytes and
 * *is* the checkpoint digest, so state transfer needs no fetch (syncReport.ts). Checkpoints are
 * taken after every executed batch (proposals are rare and small in number).
 *
 * Liveness: the engine runs with `expectContinuousProgress: false` (its timer runs only while
 * something is pending), so a primary that proposes nothing, or too slowly, is caught here: a
 * backup whose report has waited a view-change timeout in the current view calls
 * `suspectPrimary`. A replica whose ordering is stuck or that jumped over parts by state
 * transfer gets their agreed contents from f+1 identical answers of others (syncCatchUp.ts).
 */
import type { Body, SyncProposal, SyncReport } from '@bftkvs/msgs';
import type { CryptoSuite } from '../auth/crypto.js';
import { decodeBatch, encodeBatch } from '@bftkvs/msgs';
import type { BatchContext, BatchVerdict, CommittedBatch, OutboundMessage, PbftEvent } from '../pbft/types.js';
import { timeoutsToCorrectPrimary } from '../pbft/config.js';
import { PbftEngine } from '../pbft/engine.js';
import { hex, isPbftMessage } from '../pbft/messages.js';
import type { SyncComponent, SyncFactory, SyncHost } from './fast.js';
import { CatchUp } from './syncCatchUp.js';
import type { CanonicalSlot } from './syncCanonical.js';
import { canonicalContents } from './syncCanonical.js';
import type { PartWindow } from './syncReport.js';
import { CHAIN_BYTES, PARTS_PER_ROUND, SyncPlan, inPart, buildReport, checkReport, decodeSyncState, encodeSyncState, reportSigningBytes } from './syncReport.js';

/** PBFT log window (seqs); checkpoints are taken every seq. */
export const SYNC_WATERMARK_WINDOW = 32;
/** Future-view messages buffered per sender. */
const SYNC_BUFFERED_PER_REPLICA = 64;
/** Verified report signatures remembered (re-validation after a view change is then free). */
const VERIFIED_CACHE = 1024;
/** Own reports resent per retransmission round. */
const RESEND_BUDGET = 32;

const NULL_BATCH = encodeBatch({ tauUs: 0, writes: [], sync: null });

/** Verification results remembered per crypto suite (oldest forgotten first). */
const VERIFY_MEMO = 8192;
const verifyMemos = new WeakMap<CryptoSuite, Map<string, boolean>>();

/**
 * Ed25519 verification, memoised per crypto suite across every replica of this process.
 * Verification is a pure function of (public key, message, signature), so the memo changes no
 * result; it only spares the repeats when several replicas share a process (the simulator,
 * tests, the in-process transport), where every replica checks the same prepares, checkpoints
 * and reports. A real deployment runs one replica per process and gains nothing, loses nothing.
 */
function memoVerify(crypto: CryptoSuite, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  let memo = verifyMemos.get(crypto);
  if (memo === undefined) {
    memo = new Map();
    verifyMemos.set(crypto, memo);
  }
  const id = `${hex(publicKey)}:${hex(signature)}:${hex(crypto.sha256(message))}`;
  const hit = memo.get(id);
  if (hit !== undefined) return hit;
  const ok = crypto.ed25519Verify(signature, message, publicKey);
  if (memo.size >= VERIFY_MEMO) {
    const oldest = memo.keys().next();
    if (!oldest.done) memo.delete(oldest.value);
  }
  memo.set(id, ok);
  return ok;
}

interface HeldReport {
  readonly report: SyncReport;
  /** Signature checked: undefined until someone needs it. */
  valid: boolean | undefined;
}

interface PendingPart {
  readonly window: PartWindow;
  readonly reports: Map<number, HeldReport>;
}

export interface PbftSyncOptions {
  /** Defaults: the view-change timeout / 4. */
  readonly resendIntervalUs?: number;
}

/** The default synchronisation component of fast mode. */
export const createPbftSync: SyncFactory = (host) => new PbftSync(host);

export class PbftSync implements SyncComponent {
  private readonly host: SyncHost;
  readonly plan: SyncPlan;
  private readonly engine: PbftEngine;
  private readonly viewChangeTimeoutUs: number;
  private readonly resendIntervalUs: number;
  /** A part lacking a quorum this long after its report time (or the view's start) is skipped. */
  private readonly giveUpUs: number;
  /** Rounds kept back from the current one (reports, own reports, proposals). */
  readonly keepRounds: number;

  // Replicated state (identical at correct replicas after the same executed prefix).
  private lastApplied = 0;
  private chain: Uint8Array = new Uint8Array(CHAIN_BYTES);

  // Local state.
  private nowUs = 0;
  private started = false;
  private nextRound = 0;
  private readonly pending = new Map<number, PendingPart>();
  private readonly own = new Map<number, { readonly report: SyncReport; readonly atUs: number }>();
  /** Own parts already handed to catch-up (bounded like `own`). */
  private readonly asked = new Set<number>();
  private readonly verified = new Set<string>();
  private lastProgressUs = 0;
  private viewSinceUs = 0;
  /** When this replica last asked for a view change itself (its reports wait from then on anew). */
  private suspectedUs = 0;
  private lastResendUs = 0;
  private engineNextTickUs = 0;
  private inPump = false;
  private readonly catchUp: CatchUp;
  /** The round this replica started in: parts before it were never its business. */
  private firstRound = 0;

  constructor(host: SyncHost, options: PbftSyncOptions = {}) {
    this.host = host;
    const config = host.config;
    this.plan = new SyncPlan(config);
    const t = config.timing;
    this.viewChangeTimeoutUs = t.viewChangeTimeoutUs;
    this.resendIntervalUs = options.resendIntervalUs ?? Math.max(1, Math.floor(t.viewChangeTimeoutUs / 4));
    this.giveUpUs = Math.max(this.resendIntervalUs * 2, 1);
    // Reports must outlive the longest stall a correct primary ends (timeoutsToCorrectPrimary),
    // plus one timeout to install the view. With f = 2 a faulty primary followed by a crashed one
    // stalled 5 timeouts and the slots published meanwhile were never agreed (simulator, fast,
    // f = 2, seed 505).
    this.keepRounds = 2 + Math.ceil(((timeoutsToCorrectPrimary(config.f) + 1) * t.viewChangeTimeoutUs) / t.syncPeriodUs);
    const crypto = host.crypto;
    const keys = host.keys;
    this.engine = new PbftEngine({
      n: config.replicas,
      f: config.f,
      self: host.id,
      digest: (b) => crypto.sha256(b),
      sign: (b) => crypto.ed25519Sign(b, keys.signingKey),
      verify: (replica, bytes, sig) => {
        const key = keys.publicKeys[replica];
        return key !== undefined && memoVerify(crypto, sig, bytes, key);
      },
      validateBatch: (batch, ctx) => this.validate(batch, ctx),
      nullBatch: NULL_BATCH,
      checkpointIntervalSeqs: 1,
      watermarkWindowSeqs: SYNC_WATERMARK_WINDOW,
      // The engine measures "no progress" from its last delivery, also across idle time
      // between rounds (up to one period): adding the period keeps a proposal that arrives
      // after an idle gap from looking overdue at once. Retransmissions keep the base pace.
      viewChangeTimeoutUs: t.viewChangeTimeoutUs + t.syncPeriodUs,
      retransmitIntervalUs: this.resendIntervalUs,
      expectContinuousProgress: false,
      maxBatchBytes: this.plan.budget.batchBytes,
      maxBufferedPerReplica: SYNC_BUFFERED_PER_REPLICA,
    });
    this.catchUp = new CatchUp(
      {
        id: host.id,
        config,
        send: (to, body) => this.send(to, body),
        agreedSlots: (fromUs) => host.agreedSlots(fromUs),
        adopt: (key, t, contributions) => host.retains(key, t) && host.adoptCanonical(key, t, contributions).ok,
        count: (name, by) => host.count(name, by),
        replyHead: () => {
          const st = this.engine.status();
          return { view: st.view, stableSeq: st.lowWatermark, stateDigest: encodeSyncState({ lastApplied: this.lastApplied, chain: this.chain }) };
        },
      },
      this.plan.threshold,
      this.resendIntervalUs,
      this.keepRounds * this.plan.periodUs,
    );
  }

  // --- SyncComponent ---------------------------------------------------------------------

  tick(nowUs: number): void {
    this.advance(nowUs);
    this.makeReports();
    if (this.nowUs >= this.engineNextTickUs) {
      this.engine.tick(this.nowUs);
      this.pump();
    }
    this.watchPrimary();
    this.resend();
    this.catchUpStalled();
    this.catchUp.tick(this.nowUs);
    this.tryPropose();
    this.collect();
  }

  receive(from: number, body: Body, nowUs: number): void {
    this.advance(nowUs);
    if (isPbftMessage(body)) {
      this.engine.receive(from, body, this.nowUs);
      this.pump();
    } else if (body.kind === 'syncReport') {
      this.onReport(from, body.syncReport);
    } else if (body.kind === 'stateRequest') {
      this.catchUp.onRequest(from, body.stateRequest, this.nowUs);
      return;
    } else if (body.kind === 'stateReply') {
      this.catchUp.onReply(from, body.stateReply);
      return;
    } else {
      this.host.count(`sync.unexpected.${body.kind}`);
      return;
    }
    this.tryPropose();
  }

  nextTickUs(nowUs: number): number {
    let next = Math.min(this.engineNextTickUs, this.plan.reportAtUs(this.nextRound), this.catchUp.nextTickUs());
    if (!this.started) next = nowUs;
    // Something is waiting (a report, a part without a quorum): poll at the resend pace for
    // resends, give-ups and the silent-primary check.
    if (this.hasOutstanding()) next = Math.min(next, nowUs + Math.max(1, Math.floor(this.resendIntervalUs / 2)));
    return next;
  }

  view(): { view: number; primary: number; stableSeq: number } {
    const s = this.engine.status();
    return { view: s.view, primary: s.primary, stableSeq: s.lowWatermark };
  }

  logEntries(): number {
    const m = this.engine.memory();
    let reports = 0;
    for (const p of this.pending.values()) reports += p.reports.size;
    return m.logEntries + m.bufferedMessages + m.checkpointVotes + m.viewChanges + reports + this.own.size + this.catchUp.size();
  }

  // --- introspection (tests, diagnostics) -----------------------------------------------------

  /** The last applied part id (replicated state). */
  get lastAppliedPart(): number {
    return this.lastApplied;
  }

  engineStatus(): ReturnType<PbftEngine['status']> {
    return this.engine.status();
  }

  engineCounters(): Record<string, number> {
    return this.engine.counters();
  }

  /** The last exception the engine swallowed (a bug); tests assert none. */
  engineInternalError(): string | undefined {
    return this.engine.internalError();
  }

  // --- reports -------------------------------------------------------------------------------

  private advance(nowUs: number): void {
    if (!this.started) {
      this.started = true;
      this.nowUs = nowUs;
      // Report from the round in progress on: earlier ones this replica did not witness.
      this.nextRound = this.plan.roundOf(nowUs);
      this.firstRound = this.nextRound;
      this.lastProgressUs = nowUs;
      this.viewSinceUs = nowUs;
      this.lastResendUs = nowUs;
    }
    if (nowUs > this.nowUs) this.nowUs = nowUs;
  }

  /** The first part a backup judges the primary by: the round it started in is not (watchPrimary). */
  private firstJudgedPart(): number {
    return (this.firstRound + 1) * PARTS_PER_ROUND;
  }

  private currentRound(): number {
    return this.plan.roundOf(this.nowUs);
  }

  /** Signs and sends this replica's reports of every round whose report time has come. */
  private makeReports(): void {
    const oldest = this.currentRound() - this.keepRounds;
    if (this.nextRound < oldest) {
      this.host.count('sync.rounds-not-reported', oldest - this.nextRound);
      this.nextRound = oldest;
    }
    while (this.plan.reportAtUs(this.nextRound) <= this.nowUs) {
      const round = this.nextRound++;
      for (const w of this.plan.parts(round)) {
        if (w.id <= this.lastApplied) continue;
        const built = buildReport({
          window: w,
          replica: this.host.id,
          held: this.host.reportSlots(w.fromUs, w.toUs),
          signatures: this.host.config.signatures,
          maxBytes: this.plan.budget.reportBytes,
          sign: (b) => this.host.crypto.ed25519Sign(b, this.host.keys.signingKey),
        });
        if (!built.ok) {
          // Its slots stay unsynced here; with a config-derived budget only an oversize
          // configuration gets here (counted, visible in health).
          this.host.count('sync.report-oversize');
          continue;
        }
        if (built.droppedEvidence > 0) this.host.count('sync.evidence-dropped', built.droppedEvidence);
        this.host.count('sync.reports-made');
        this.own.set(w.id, { report: built.report, atUs: this.nowUs });
        this.part(w).reports.set(this.host.id, { report: built.report, valid: true });
        const primary = this.engine.status().primary;
        if (primary !== this.host.id) this.send(primary, { kind: 'syncReport', syncReport: built.report });
      }
    }
  }

  private part(w: PartWindow): PendingPart {
    let p = this.pending.get(w.id);
    if (p === undefined) {
      p = { window: w, reports: new Map() };
      this.pending.set(w.id, p);
    }
    return p;
  }

  private onReport(from: number, r: SyncReport): void {
    if (r.replica !== from) {
      // Reports travel only from their signer (channel-authenticated); inside proposals otherwise.
      this.host.count('sync.report-relayed');
      this.host.suspect(from, 'malformed', `sent a report naming replica ${r.replica}`, this.nowUs);
      return;
    }
    if (r.round <= this.lastApplied) {
      this.host.count('sync.report-stale');
      return;
    }
    const w = this.plan.window(r.round);
    if (w === undefined) {
      this.host.count('sync.report-rejected');
      this.host.suspect(from, 'bad-report', `report for round ${r.round}, which names no part`, this.nowUs);
      return;
    }
    const current = this.currentRound();
    if (w.round < current - this.keepRounds || w.round > current + 1) {
      // Far outside what is kept (bounded memory); a correct replica's clock is never that far off.
      this.host.count('sync.report-out-of-range');
      return;
    }
    const why = checkReport(r, w, this.host.config, this.plan.budget.reportBytes);
    if (why !== undefined) {
      this.host.count('sync.report-rejected');
      this.host.suspect(from, 'bad-report', why, this.nowUs);
      return;
    }
    const part = this.part(w);
    const existing = part.reports.get(from);
    if (existing !== undefined) {
      if (hex(existing.report.signature) === hex(r.signature)) {
        this.host.count('sync.report-duplicate');
        return;
      }
      if (existing.valid !== false) {
        this.host.count('sync.report-conflict');
        this.host.suspect(from, 'equivocation', `two different reports for round ${r.round}`, this.nowUs);
        return;
      }
    }
    this.host.count('sync.reports-received');
    part.reports.set(from, { report: r, valid: undefined });
  }

  // --- primary ---------------------------------------------------------------------------

  private givenUp(w: PartWindow): boolean {
    return this.nowUs >= Math.max(this.plan.reportAtUs(w.round), this.viewSinceUs) + this.giveUpUs;
  }

  /** 2f+1 reports with valid signatures for a part, sorted by replica; checks signatures lazily. */
  private quorumOf(id: number): SyncReport[] | undefined {
    const part = this.pending.get(id);
    if (part === undefined || part.reports.size < this.plan.quorum) return undefined;
    const chosen: SyncReport[] = [];
    for (const replica of [...part.reports.keys()].sort((a, b) => a - b)) {
      const h = part.reports.get(replica) as HeldReport;
      if (h.valid === undefined) {
        h.valid = this.verifyCached(h.report);
        if (!h.valid) {
          this.host.count('sync.report-bad-signature');
          this.host.suspect(replica, 'bad-signature', `report for round ${id}`, this.nowUs);
        }
      }
      if (h.valid) chosen.push(h.report);
      if (chosen.length === this.plan.quorum) return chosen;
    }
    return undefined;
  }

  /**
   * Primary: proposes the lowest part not yet applied that has a quorum, once every lower one
   * is applied or overdue; one proposal in flight at a time, the next only after the previous
   * is executed and its checkpoint stable (so a ViewChange carries at most one certificate and
   * the NewView stays within the budget of syncReport.ts).
   */
  private tryPropose(): void {
    if (!this.engine.canPropose()) return;
    const s = this.engine.status();
    if (s.phase !== 'normal' || s.nextSeq - 1 > s.lastExecuted || s.lowWatermark < s.lastExecuted) return;
    const upTo = (this.currentRound() + 1) * PARTS_PER_ROUND;
    const firstPart = this.firstRound * PARTS_PER_ROUND;
    for (const w of this.plan.partsBetween(this.lastApplied, upTo, this.keepRounds)) {
      if (this.plan.reportAtUs(w.round) > this.nowUs) return;
      const reports = this.quorumOf(w.id);
      if (reports !== undefined) {
        this.propose(w, reports);
        return;
      }
      // A part from before this replica started is proposed when the others' reports make a
      // quorum (their reports wait for it: a primary whose clock put it in the next round
      // would otherwise leave them waiting a whole round and be suspected — simulator, fast
      // mode, f = 2, seed 825), but never waited for: it was never reported to this replica.
      if (w.id < firstPart) continue;
      if (!this.givenUp(w)) return;
    }
  }

  private propose(w: PartWindow, reports: SyncReport[]): void {
    const proposal: SyncProposal = { round: w.id, fromUs: w.fromUs, toUs: w.toUs, reports };
    const batch = encodeBatch({ tauUs: 0, writes: [], sync: proposal });
    const r = this.engine.propose(batch, this.nowUs);
    this.host.count(r.ok ? 'sync.proposed' : `sync.propose-failed.${r.reason}`);
    this.pump();
  }

  // --- backups -------------------------------------------------------------------------------

  private verifyCached(r: SyncReport): boolean {
    const bytes = reportSigningBytes(r);
    const id = `${r.replica}:${hex(r.signature)}:${hex(this.host.crypto.sha256(bytes))}`;
    if (this.verified.has(id)) return true;
    const key = this.host.keys.publicKeys[r.replica];
    const ok = key !== undefined && memoVerify(this.host.crypto, r.signature, bytes, key);
    if (ok) {
      if (this.verified.size >= VERIFIED_CACHE) this.verified.clear();
      this.verified.add(id);
    }
    return ok;
  }

  /** The backups' acceptance rule for a proposed batch (called by the engine); refusals counted by kind. */
  private validate(batch: Uint8Array, ctx: BatchContext): BatchVerdict {
    const v = this.judge(batch, ctx);
    if (v.ok) return { ok: true };
    this.host.count(`sync.proposal-refused.${v.code}`);
    return { ok: false, reason: v.reason };
  }

  private judge(batch: Uint8Array, ctx: BatchContext): { ok: true } | { ok: false; code: string; reason: string } {
    const no = (code: string, reason: string) => ({ ok: false as const, code, reason });
    if (batch.length === NULL_BATCH.length && batch.every((b, i) => b === NULL_BATCH[i])) return { ok: true };
    const d = decodeBatch(batch);
    if (!d.ok) return no('undecodable', `undecodable batch: ${d.error.message}`);
    const p = d.value.sync;
    if (p === null || d.value.writes.length > 0 || d.value.tauUs !== 0) return no('not-sync', 'not a synchronisation proposal');
    const w = this.plan.window(p.round);
    if (w === undefined || p.fromUs !== w.fromUs || p.toUs !== w.toUs) return no('window', `round ${p.round} [${p.fromUs}, ${p.toUs}) is not a part of the configuration`);
    if (p.reports.length !== this.plan.quorum) return no('report-count', `${p.reports.length} reports, expected ${this.plan.quorum}`);
    let prev = -1;
    for (const r of p.reports) {
      if (r.replica <= prev) return no('report-order', 'reports are not sorted by distinct replicas');
      prev = r.replica;
      const why = checkReport(r, w, this.host.config, this.plan.budget.reportBytes);
      if (why !== undefined) return no('report', why);
    }
    if (!ctx.reproposal) {
      // A re-proposal was prepared in an earlier view (possibly executed here already): only
      // its content is judged. A fresh proposal must move the sync forward.
      if (p.round <= this.lastApplied) return no('stale', `round ${p.round} is already agreed (last ${this.lastApplied})`);
      // Skipped parts must be overdue. Judged only when this replica has executed everything
      // before the proposal; a lagging replica would see parts as skipped that are not. The
      // round this replica started in is not judged: a primary whose clock started it a round
      // later never keeps that round (tryPropose), and refusing its first proposal for skipping
      // it suspects a correct primary (the same start-up case as in watchPrimary).
      if (this.engine.status().lastExecuted >= ctx.seq - 1) {
        const t = this.host.config.timing;
        const slack = t.clockSkewUs + t.networkDelayUs + t.processingUs;
        const after = Math.max(this.lastApplied, this.firstJudgedPart() - 1);
        for (const s of this.plan.partsBetween(after, p.round, this.keepRounds)) {
          if (ctx.nowUs + slack < this.plan.reportAtUs(s.round) + this.giveUpUs) return no('skip', `skips round ${s.id}, which is not overdue`);
        }
      }
    }
    for (const r of p.reports) if (!this.verifyCached(r)) return no('signature', `report of replica ${r.replica} has a bad signature`);
    return { ok: true };
  }

  /**
   * A backup whose report has waited a view-change timeout in this view without its part being
   * applied suspects the primary: one that proposes nothing, and one that proposes too slowly
   * to keep up (it may still make some progress). In normal operation a part is applied a few
   * hops after its report time, and one without a quorum is skipped after half a timeout.
   * Reports of the round this replica started in are not waited for: a replica whose clock put
   * it a round earlier than the primary's at start-up reports a round the primary never kept
   * (tryPropose passes over parts before its own first round), and waiting for them made a
   * correct backup leave a correct primary's view alone at start-up — with f = 2 the view's
   * quorum then needed it, and nothing was agreed until two faulty primaries had timed out
   * (simulator, fast, f = 2, seed 2242, found by the soak).
   */
  private watchPrimary(): void {
    if (this.engine.isPrimary() || this.engine.status().phase !== 'normal') return;
    let waitingSince = Number.POSITIVE_INFINITY;
    const judgedFrom = Math.max(this.lastApplied + 1, this.firstJudgedPart());
    for (const [id, o] of this.own) if (id >= judgedFrom) waitingSince = Math.min(waitingSince, Math.max(o.atUs, this.viewSinceUs, this.suspectedUs));
    if (this.nowUs - waitingSince < this.viewChangeTimeoutUs) return;
    this.host.count('sync.primary-suspected');
    this.engine.suspectPrimary('silent-primary', `a synchronisation report waits for ${this.nowUs - waitingSince} µs`, this.nowUs);
    this.suspectedUs = this.nowUs;
    this.pump();
  }

  /**
   * Parts this replica reported long ago (a view-change timeout) and still has not applied:
   * its ordering may be stuck (a view change that nobody joins, a NewView that never comes)
   * while the others go on. Ask them for the agreed contents; adopting early is harmless, as
   * the contents are the ones execution would give (syncCatchUp.ts).
   */
  private catchUpStalled(): void {
    const stalled: { window: PartWindow; slots: string[] }[] = [];
    for (const [id, o] of this.own) {
      if (id <= this.lastApplied || this.asked.has(id) || this.nowUs - o.atUs < this.viewChangeTimeoutUs) continue;
      this.asked.add(id);
      const w = this.plan.window(id);
      if (w !== undefined) stalled.push({ window: w, slots: this.plan.slotsOf(w) });
    }
    if (stalled.length === 0) return;
    this.host.count('sync.parts-stalled', stalled.length);
    this.catchUp.addHoles(stalled, this.nowUs);
  }

  /** Resends own reports to the primary while nothing makes progress (lost datagrams). */
  private resend(force = false): void {
    if (!force) {
      if (this.nowUs - this.lastResendUs < this.resendIntervalUs || this.nowUs - this.lastProgressUs < this.resendIntervalUs) return;
    }
    this.lastResendUs = this.nowUs;
    const primary = this.engine.status().primary;
    if (primary === this.host.id) return;
    let sent = 0;
    for (const [id, o] of [...this.own].sort(([a], [b]) => a - b)) {
      if (id <= this.lastApplied || (!force && this.nowUs - o.atUs < this.resendIntervalUs)) continue;
      if (sent++ >= RESEND_BUDGET) break;
      this.host.count('sync.reports-resent');
      this.send(primary, { kind: 'syncReport', syncReport: o.report });
    }
  }

  // --- the engine --------------------------------------------------------------------------

  /** Drains the engine: executes committed batches, acts on events, sends messages. */
  private pump(): void {
    if (this.inPump) return;
    this.inPump = true;
    try {
      for (let round = 0; round < 64; round++) {
        const r = this.engine.drain();
        this.engineNextTickUs = r.nextTickUs;
        let again = false;
        for (const c of r.committed) {
          this.execute(c);
          again = true;
        }
        for (const e of r.events) if (this.onEngineEvent(e)) again = true;
        for (const m of r.messages) this.sendPbft(m);
        if (!again) return;
      }
    } finally {
      this.inPump = false;
    }
  }

  private sendPbft(m: OutboundMessage): void {
    const body = m.msg as Body;
    if (m.to === 'all') {
      for (let r = 0; r < this.host.config.replicas; r++) if (r !== this.host.id) this.send(r, body);
    } else {
      this.send(m.to, body);
    }
  }

  /** Sends one body; one that does not fit a frame (a NewView beyond the budget) is counted, never thrown. */
  private send(to: number, body: Body): void {
    try {
      this.host.send(to, body);
    } catch {
      this.host.count(`sync.send-failed.${body.kind}`);
    }
  }

  /** Returns true when the engine may have more output (an install happened). */
  private onEngineEvent(e: PbftEvent): boolean {
    switch (e.kind) {
      case 'view':
        this.host.count('sync.views');
        this.host.emit({ kind: 'view', view: e.view, primary: e.primary });
        this.lastProgressUs = this.nowUs;
        this.viewSinceUs = this.nowUs;
        // The new primary needs our reports of the parts still open.
        this.resend(true);
        return false;
      case 'view-change':
        this.host.count('sync.view-changes-started');
        return false;
      case 'suspect':
        this.host.suspect(e.node, e.reason, e.detail, this.nowUs);
        return false;
      case 'stable-checkpoint':
        return false;
      case 'state-transfer-needed':
        return this.installState(e.seq, e.stateDigest, e.reason);
    }
  }

  /**
   * A quorum of checkpoints proves a state this replica has not reached. The digest is the
   * state: decode and install it; the parts in between stay unagreed here (counted).
   */
  private installState(seq: number, digest: Uint8Array, reason: string): boolean {
    const s = decodeSyncState(digest);
    if (s === undefined) {
      this.host.count('sync.state-undecodable');
      return false;
    }
    if (!this.engine.installCheckpoint(seq, digest, this.nowUs)) {
      this.host.count('sync.state-refused');
      return true;
    }
    this.host.emit({ kind: 'state-transfer', phase: 'started', slots: 0 });
    this.host.count(`sync.state-installed.${reason}`);
    if (s.lastApplied > this.lastApplied) this.countSkipped(this.lastApplied, s.lastApplied + 1, true);
    this.lastApplied = s.lastApplied;
    this.chain = s.chain;
    this.lastProgressUs = this.nowUs;
    this.host.emit({ kind: 'state-transfer', phase: 'completed', slots: 0 });
    this.collect();
    return true;
  }

  /** Executes one committed batch (in seq order, identically at every correct replica). */
  private execute(c: CommittedBatch): void {
    const link = new Uint8Array(CHAIN_BYTES + 8 + c.digest.length);
    link.set(this.chain, 0);
    link.set(u64(c.seq), CHAIN_BYTES);
    link.set(c.digest, CHAIN_BYTES + 8);
    this.chain = this.host.crypto.sha256(link).slice(0, CHAIN_BYTES);
    const d = decodeBatch(c.batch);
    if (!d.ok) this.host.count('sync.executed-undecodable');
    else if (d.value.sync === null) this.host.count('sync.executed-null');
    else this.apply(d.value.sync);
    this.engine.checkpointState(c.seq, encodeSyncState({ lastApplied: this.lastApplied, chain: this.chain }));
  }

  private apply(p: SyncProposal): void {
    if (p.round <= this.lastApplied) {
      this.host.count('sync.executed-stale');
      return;
    }
    const w = this.plan.window(p.round);
    if (w === undefined || p.fromUs !== w.fromUs || p.toUs !== w.toUs) {
      this.host.count('sync.executed-unusable');
      return;
    }
    this.countSkipped(this.lastApplied, w.id, false);
    this.lastApplied = w.id;
    this.lastProgressUs = this.nowUs;
    this.host.count('sync.parts-applied');
    const result = canonicalContents(p, w, this.host.config, this.plan.threshold);
    if (result.ignoredReports > 0) this.host.count('sync.reports-ignored', result.ignoredReports);
    for (const b of result.badReporters) this.host.suspect(b.replica, 'bad-report', `its signed report for round ${w.id} ${b.detail}`, this.nowUs);
    for (const e of result.equivocations) {
      this.host.count('sync.equivocations');
      this.host.emit({ kind: 'equivocation', writer: e.writer, origin: e.origin, key: e.key, publishTimeUs: e.publishTimeUs });
      this.host.suspect(e.origin, 'equivocation', `writer '${e.writer}' has ${e.values.length} values in f+1 reports each for ${e.key}@${e.publishTimeUs}`, this.nowUs);
    }
    // Every slot of the window: those the proposal shows, and those this replica has that it
    // does not show (canonically empty: missed everywhere).
    const todo = new Map<string, CanonicalSlot>();
    for (const s of result.slots) todo.set(`${s.publishTimeUs}\n${s.key}`, s);
    for (const s of this.localSlotsOf(w)) {
      const id = `${s.publishTimeUs}\n${s.key}`;
      if (!todo.has(id)) todo.set(id, { ...s, contributions: [] });
    }
    const ordered = [...todo.values()].sort((a, b) => a.publishTimeUs - b.publishTimeUs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const s of ordered) {
      if (!this.host.retains(s.key, s.publishTimeUs)) {
        // Already garbage-collected here (key retention): nothing left to agree on.
        this.host.count('sync.slots-too-old');
        continue;
      }
      const r = this.host.adoptCanonical(s.key, s.publishTimeUs, s.contributions);
      this.host.count(r.ok ? 'sync.slots-adopted' : 'sync.slots-adopt-failed');
    }
    this.collect();
  }

  /**
   * Parts strictly between `afterId` and `beforeId` that this replica will never execute
   * (skipped by the primary, or jumped over by a state transfer): counted. After a state
   * transfer (`ask`) the others did execute them: their agreed contents are asked for
   * (syncCatchUp.ts). Parts before this replica started are not its business.
   */
  private countSkipped(afterId: number, beforeId: number, ask: boolean): void {
    const after = Math.max(afterId, this.firstRound * PARTS_PER_ROUND - 1);
    const skipped = this.plan.partsBetween(after, beforeId, this.keepRounds);
    if (skipped.length === 0) return;
    this.host.count('sync.parts-skipped', skipped.length);
    let slots = 0;
    for (const w of skipped) slots += this.localSlotsOf(w).length;
    if (slots > 0) this.host.count('sync.slots-unsynced', slots);
    if (ask) this.catchUp.addHoles(skipped.map((w) => ({ window: w, slots: this.plan.slotsOf(w) })), this.nowUs);
  }

  private localSlotsOf(w: PartWindow): { key: string; publishTimeUs: number }[] {
    return this.host.localSlots(w.fromUs, w.toUs).filter((s) => inPart(w, s.publishTimeUs, s.key));
  }

  // --- memory ----------------------------------------------------------------------------------

  private hasOutstanding(): boolean {
    for (const id of this.own.keys()) if (id > this.lastApplied) return true;
    for (const id of this.pending.keys()) if (id > this.lastApplied) return true;
    return false;
  }

  /** Drops reports of applied parts and of rounds older than keepRounds (bounded memory). */
  private collect(): void {
    const oldest = this.currentRound() - this.keepRounds;
    for (const [id, p] of this.pending) if (id <= this.lastApplied || p.window.round < oldest) this.pending.delete(id);
    for (const [id, o] of this.own) if (id <= this.lastApplied || Math.floor(o.report.round / PARTS_PER_ROUND) < oldest) this.own.delete(id);
    for (const id of this.asked) if (Math.floor(id / PARTS_PER_ROUND) < oldest) this.asked.delete(id);
    this.catchUp.collect(oldest * this.plan.periodUs);
  }
}

function u64(v: number): Uint8Array {
  const out = new Uint8Array(8);
  const hi = Math.floor(v / 0x1_0000_0000);
  const lo = v >>> 0;
  out[0] = (hi >>> 24) & 0xff;
  out[1] = (hi >>> 16) & 0xff;
  out[2] = (hi >>> 8) & 0xff;
  out[3] = hi & 0xff;
  out[4] = (lo >>> 24) & 0xff;
  out[5] = (lo >>> 16) & 0xff;
  out[6] = (lo >>> 8) & 0xff;
  out[7] = lo & 0xff;
  return out;
}

