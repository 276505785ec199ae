/**
 * `agreed` mode (N >= 3f+1, Byzantine): writes are ordered in batches by PBFT, and a slot's
 * contents are decided by the committed order — identical at every correct replica, published
 * at the publish time, never guessed. The rules and their correctness argument are in
 * docs/protocol.md (`agreed`); in short:
 *
 * - **Dissemination.** The origin sends the authenticated write to every replica. Every replica
 *   keeps verified writes that are not yet ordered in `pending` (one per (key, t, writer),
 *   bounded by the horizon); backups relay them to the primary and use them to detect
 *   censorship.
 * - **Batching (primary).** On demand, at most one batch per batch interval b (tick-driven): when
 *   pending writes are not yet proposed in this view (oldest publish time first, at most
 *   `maxBatchBytes`, agreedSizing.ts), just after a slot's close time (an empty time beacon),
 *   and as a keepalive. Stamped τ = max(clock, last τ + 1, τ_eff + 1, floor, the NewView's
 *   re-proposed τ + 1) (`cutDueUs`), or lower, down to the close time of a pending write whose
 *   close time has passed (`maybeCut`). Draining a backlog, it skips whole slots already past
 *   their publish time when ordering them would make a slot that can still be on time late
 *   (`expiredSlotsToSkip`).
 * - **Acceptance (backups, `validateBatch`).** The batch decodes and has no sync proposal; unless
 *   it is a NewView re-proposal, τ is above the executed τ_eff and monotone with the batches
 *   accepted at neighbouring seqs of this view, and at most ε + Δ + π ahead of this replica's
 *   clock; every write passes the deterministic checks and its authenticator verifies for this
 *   replica (MAC entry, or the origin's signature when the cluster signs). A τ *behind* the
 *   clock is accepted (it can only close slots later, never change what they hold); a primary
 *   whose every batch lags for half a view-change timeout is suspected (`observeTauLag`).
 * - **Execution** (agreedState.ts): τ_eff = max(τ_eff, τ); a write joins slot (k, t) iff
 *   τ_eff <= t − closeBefore; slots with t − closeBefore < τ_eff are decided, agreed, and become
 *   visible at t (immediately if t has passed — counted as late).
 * - **Deadlines.** A slot still undecided when the local clock passes t is counted once as a
 *   deadline miss (`agreed.undecided-at-deadline`); it is published when decided, never guessed.
 * - **Checkpoints and state transfer.** Every K executed seqs the state digest goes to
 *   `checkpointState`, and a snapshot is kept to serve `StateRequest`s. A replica that is behind
 *   (engine `state-transfer-needed`, or a fresh start) asks every replica for the state at the
 *   target seq and installs it only if its recomputed digest equals the proven one (or f+1
 *   replicas claim it) and the engine accepts the checkpoint proof.
 * - **Censorship.** Backups relay every write they verify to the primary, so a correct primary
 *   has every write a correct backup has; a slot that closes without a write a backup relayed in
 *   time makes it suspect the primary (`suspectPrimary('censorship')`) — unless the slot closed
 *   empty after its publish time had passed here (a skipped expired slot).
 * - **Learner.** A batch backed by commits from q − k distinct replicas (k proven faulty) is
 *   committed; the replica executes it even when its own engine cannot (it refused the batch, or
 *   it left the view alone). Pre-prepares are relayed to peers that did not prepare them.
 */
import type { AuthenticatedWrite, Batch, Body, NewView, PublishedSlot as WirePublishedSlot, ReplicaHealth, StateReply, StateRequest, Write, WriteBroadcast } from '@bftkvs/msgs';
import { MAX_BATCH_WRITES, MAX_BODY_BYTES, MAX_STATE_CHUNKS, MAX_STATE_SLOTS, decodeBatch, decodeWrite, encodeBatch, encodeBody } from '@bftkvs/msgs';
import type { CryptoSuite } from '../auth/crypto.js';
import type { NodeKeys } from '../auth/keys.js';
import type { VerifiedWrite } from '../auth/writeAuth.js';
import { copyAuthenticatedWrite } from '../auth/writeAuth.js';
import type { ClusterConfig } from '../cluster.js';
import { PbftEngine } from '../pbft/engine.js';
import { primaryOf } from '../pbft/config.js';
import { bytesEqual, hex, isPbftMessage } from '../pbft/messages.js';
import type { BatchContext, BatchVerdict, CommittedBatch, OutboundMessage, PbftEvent, PbftMessage, PbftOptions } from '../pbft/types.js';
import type { AdmittedWrite } from '../slotStore.js';
import { isOnGrid } from '../time.js';
import { canonicalValue, checkValue } from '../value.js';
import type { SuspicionReason } from './types.js';
import type { ReplicaOptions } from './base.js';
import { ReplicaBase } from './base.js';
import type { AgreedSizing } from './agreedSizing.js';
import { agreedSizing } from './agreedSizing.js';
import type { AgreedSnapshot, AgreedStateParams, SlotRecord } from './agreedState.js';
import { AgreedState, slotIdOf } from './agreedState.js';

/** A verified write not yet ordered. */
interface PendingWrite {
  readonly id: string;
  readonly key: string;
  readonly publishTimeUs: number;
  readonly writer: string;
  readonly origin: number;
  readonly aw: AuthenticatedWrite;
  readonly canon: string;
  /** Encoded size inside a Batch. */
  readonly bytes: number;
  /** Local clock at receipt (or admission at the origin), and the view then. */
  readonly receivedUs: number;
  readonly receivedView: number;
  /** The view in which this replica (as primary) put it into a batch; -1: not proposed. */
  proposedView: number;
  /** Judged for omission once it could no longer be ordered. */
  judged: boolean;
}

/** A StateReply set being assembled from one sender. */
interface Assembly {
  readonly claim: string;
  readonly seq: number;
  readonly tauEffUs: number;
  readonly digest: Uint8Array;
  readonly parts: (WirePublishedSlot[] | undefined)[];
  received: number;
  slots: number;
}

/** A transferred state whose digest was recomputed and matched its claim. */
interface VerifiedState {
  readonly claim: string;
  readonly seq: number;
  readonly digest: Uint8Array;
  readonly state: AgreedState;
}

interface TransferTarget {
  readonly seq: number;
  readonly digest: Uint8Array;
  readonly claim: string;
  lastRequestUs: number;
}

/** What the learner knows about one seq. */
interface Learned {
  /** digest (hex) -> batch bytes with that digest. */
  readonly batches: Map<string, { readonly digest: Uint8Array; readonly batch: Uint8Array }>;
  /** Senders that gave a batch for this seq (one each). */
  readonly batchBy: Set<number>;
  /** "view|digest" -> replicas that sent a matching commit. */
  readonly commits: Map<string, Set<number>>;
}

/** The current view's primary's pre-prepare, to relay to peers that did not prepare it. */
interface PendingRelay {
  readonly view: number;
  readonly digestHex: string;
  readonly msg: PbftMessage;
  readonly atUs: number;
}

/** Verified states kept while waiting for the engine's proof. */
const MAX_CANDIDATES = 4;
/** Equivocations remembered to report each (slot, writer) once. */
const MAX_EQUIVOCATIONS_REMEMBERED = 1024;

function claimOf(seq: number, digest: Uint8Array): string {
  return `${seq}:${hex(digest)}`;
}

/** An encoded Batch around its writes (τ, tags): what maybeCut counts before the first write. */
const BATCH_OVERHEAD_BYTES = 16;

const NOTHING_REPROPOSED = { tauUs: 0, slots: new Set<string>() } as const;

function pendingId(key: string, publishTimeUs: number, writer: string): string {
  return `${key}\n${publishTimeUs}\n${writer}`;
}

function varintLen(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function fieldLen(bytes: number): number {
  return 1 + varintLen(bytes) + bytes;
}

/** Encoded size of an AuthenticatedWrite as an element of Batch.writes. */
function batchEntryBytes(aw: AuthenticatedWrite): number {
  let inner = fieldLen(aw.write.length);
  for (const m of aw.macs) inner += fieldLen(m.length);
  if (aw.signature.length > 0) inner += fieldLen(aw.signature.length);
  return fieldLen(inner);
}

export class AgreedReplica extends ReplicaBase {
  readonly mode = 'agreed' as const;
  readonly sizing: AgreedSizing;
  private readonly crypto: CryptoSuite;
  private readonly keys: NodeKeys;
  private readonly stateParams: AgreedStateParams;
  private state: AgreedState;
  private readonly engine: PbftEngine;
  private engineNextTickUs = Number.POSITIVE_INFINITY;
  private readonly nullBatch: Uint8Array;

  // Timing (µs).
  private readonly tauToleranceUs: number;
  /** A round trip plus skew: when a peer's prepare should have arrived (see relayMissing). */
  private readonly relayDelayUs: number;
  /** Prepares seen per "view:seq:digest" (senders): who needs a relayed pre-prepare (relayMissing). */
  private readonly preparesSeen = new Map<string, Set<number>>();
  private readonly retryUs: number;

  private readonly pending = new Map<string, PendingWrite>();

  // Primary.
  /** Local time of the last cut (rate limit: one batch per b). */
  private lastCutUs = Number.NEGATIVE_INFINITY;
  private lastProposedTauUs = 0;
  /** The highest τ proposed in the current view (slots below it are being closed). */
  private viewTauUs = 0;
  /** What this view's NewView re-proposed, for one view: the highest τ and the slots its writes name. */
  private reproposed: { view: number; tauUs: number; slots: ReadonlySet<string> } | undefined;
  private readonly keepaliveUs: number;
  /** τ floor after a view change: the (f+1)-th largest committed τ the NewView's ViewChanges report. */
  private tauFloorUs = 0;

  // Backups: τ of the pre-prepares accepted (validated) per seq, with their view.
  private readonly acceptedTau = new Map<number, { view: number; tauUs: number }>();
  /**
   * The current run of pre-prepares of this view whose τ lagged this replica's clock by more
   * than ε + Δ + π: when the first arrived, and how many (see `observeTauLag`).
   */
  private lagRun: { view: number; sinceUs: number; batches: number; maxLagUs: number } | undefined;
  /** A time-holding suspicion raised while the engine validated a batch (with that batch's view), acted on after it. */
  private heldTimeDetail: { detail: string; view: number } | undefined;
  /** When this replica's own event loop last resumed from a hold (local time; see observeTauLag). */
  private resumedUs = Number.NEGATIVE_INFINITY;
  /** How long every batch may lag before the primary is suspected of holding back time. */
  private readonly tauLagWindowUs: number;

  // Checkpoint snapshots (seq -> state after seq), to serve state transfer.
  private readonly snapshots = new Map<number, AgreedSnapshot>();
  private stableSeq = 0;

  // Deadlines.
  private readonly deadlineCounted = new Set<string>();
  private undecidedAtDeadline = 0;
  private nextDeadlineScanUs = 0;

  private readonly equivocationsSeen = new Set<string>();

  /** Learner (see `learn`): seq -> what the others said about it in the view this replica left. */
  private readonly learned = new Map<number, Learned>();
  /** seq -> the primary's pre-prepare, relayed a round trip later to peers that did not prepare it. */
  private readonly relays = new Map<number, PendingRelay>();
  /**
   * Peers asking for a view above ours while we run ours normally, since when (rejoin rule):
   * a correct replica that left the view alone stays out until the next view change.
   */
  private readonly excludedSinceUs = new Map<number, number>();
  /** Peers that missed a pre-prepare in this view: they get the next ones relayed at once. */
  private readonly eagerRelay = new Set<number>();
  /** When each replica last sent us a PBFT message. */
  private readonly heardUs = new Map<number, number>();
  /** The latest NewView seen or sent (relayed to peers that missed it), and when, per peer. */
  private newView: NewView | undefined;
  private readonly newViewRelayedUs = new Map<number, number>();
  /** Replicas proven faulty by authenticated conflicting messages (engine 'equivocation'). */
  private readonly provenFaulty = new Set<number>();
  /** Peers whose ViewChange asks for a view above ours: they get our primary's pre-prepares relayed. */
  private readonly relayTo = new Map<number, number>();
  /** Each replica's latest checkpoint (for the state-transfer fallback). */
  private readonly checkpointClaims = new Map<number, Map<number, { digest: Uint8Array; claim: string }>>();
  private behind: { sinceUs: number; seq: number } | undefined;
  /** Transfer targets chosen by the fallback (installed even without the engine's proof). */
  private readonly fallbackClaims = new Set<string>();

  // State transfer.
  private started = false;
  /** True while this replica cannot vouch for its state being current (fresh start, transfer). */
  private catchingUp = true;
  private probeOpen = true;
  private readonly probeAnswers = new Map<number, number>();
  private target: TransferTarget | undefined;
  private readonly assemblies = new Map<number, Assembly>();
  private readonly claims = new Map<number, string>();
  private readonly candidates: VerifiedState[] = [];
  private readonly servedUs = new Map<number, { seq: number; atUs: number }>();
  private readonly maxStateSlots: number;
  private readonly maxStateChunks: number;
  private genesis: AgreedSnapshot | undefined;

  constructor(config: ClusterConfig, opts: ReplicaOptions) {
    super(config, opts);
    this.crypto = opts.crypto;
    this.keys = opts.keys;
    this.sizing = agreedSizing(config);
    const t = config.timing;
    const hop = t.networkDelayUs + t.processingUs;
    this.tauToleranceUs = t.clockSkewUs + hop;
    this.relayDelayUs = 2 * hop + 2 * t.clockSkewUs;
    this.retryUs = Math.max(4 * (hop + t.clockSkewUs), Math.floor(t.viewChangeTimeoutUs / 4));
    this.keepaliveUs = Math.max(t.batchIntervalUs, Math.floor(t.viewChangeTimeoutUs / 4));
    // Two keepalives: a correct primary sends at least two batches in it, so one stall of this
    // replica's event loop (which makes the batches it delays look late) cannot fill it.
    this.tauLagWindowUs = 2 * this.keepaliveUs;
    this.stateParams = { keys: config.keys, writers: config.writers, closeBeforeUs: t.closeBeforeUs, sha256: (b) => this.crypto.sha256(b) };
    this.state = new AgreedState(this.stateParams);
    let slots = 0;
    for (const k of config.keys.values()) slots += k.retention + Math.ceil((t.horizonUs + t.closeBeforeUs) / k.grid.periodUs) + 2;
    this.maxStateSlots = slots;
    this.maxStateChunks = Math.min(MAX_STATE_CHUNKS, slots + 1);
    this.nullBatch = encodeBatch({ tauUs: 0, writes: [], sync: null });
    const options: PbftOptions = {
      n: config.replicas,
      f: config.f,
      self: this.id,
      digest: (b) => this.crypto.sha256(b),
      sign: (b) => this.crypto.ed25519Sign(b, this.keys.signingKey),
      verify: (replica, b, sig) => {
        const pk = this.keys.publicKeys[replica];
        return pk !== undefined && this.crypto.ed25519Verify(sig, b, pk);
      },
      validateBatch: (batch, ctx) => this.validateBatch(batch, ctx),
      nullBatch: this.nullBatch,
      checkpointIntervalSeqs: this.sizing.checkpointIntervalSeqs,
      watermarkWindowSeqs: this.sizing.watermarkWindowSeqs,
      viewChangeTimeoutUs: t.viewChangeTimeoutUs,
      retransmitIntervalUs: this.sizing.retransmitIntervalUs,
      expectContinuousProgress: true,
      maxCommittedTauUs: () => this.state.tauEffUs,
      maxBatchBytes: this.sizing.engineMaxBatchBytes,
    };
    this.engine = new PbftEngine(options);
  }

  // --- introspection (tests, diagnostics) -------------------------------------------------

  /** The replicated state's digest now (tests compare replicas). */
  stateDigest(): Uint8Array {
    return this.state.digest();
  }

  executedSeq(): number {
    return this.state.seq;
  }

  tauEffUs(): number {
    return this.state.tauEffUs;
  }

  pbftStatus(): ReturnType<PbftEngine['status']> {
    return this.engine.status();
  }

  override counters(): ReadonlyMap<string, number> {
    const all = new Map<string, number>(super.counters());
    for (const [k, v] of Object.entries(this.engine.counters())) all.set(`pbft.${k}`, v);
    return all;
  }

  override health(nowUs: number): ReplicaHealth {
    const h = super.health(nowUs);
    // The base counts a decision made after the publish time as a miss; here every such slot
    // was already counted once when the clock passed t undecided (or was installed by state
    // transfer, which is not a miss of this replica's protocol).
    const late = this.counter('slots.decided-late');
    return { ...h, deadlineMisses: Math.max(0, h.deadlineMisses - late) + this.undecidedAtDeadline };
  }

  // --- ReplicaBase hooks ----------------------------------------------------------------

  protected disseminate(aw: AuthenticatedWrite, write: AdmittedWrite, nowUs: number): void {
    const decoded = decodeWrite(aw.write);
    if (decoded.ok) this.addPending(decoded.value, aw, canonicalValue(write.value), nowUs);
    this.broadcast({ kind: 'write', write: { write: aw, hop: 0 } });
  }

  protected onWriteBroadcast(from: number, wb: WriteBroadcast, nowUs: number): void {
    const v = this.verifyIncoming(from, wb.write, nowUs);
    if (!v.ok) return;
    const w = v.write;
    const checked = this.checkWrite(w, nowUs);
    if (checked === undefined) return;
    const schema = this.store.schema(w.key);
    if (schema === undefined) return;
    const problem = !schema.writers.includes(w.writer)
      ? `writer '${w.writer}' is not authorised for '${w.key}'`
      : !isOnGrid(schema.grid, w.publishTimeUs) || w.publishTimeUs <= 0
        ? `publish time ${w.publishTimeUs} is off the grid of '${w.key}'`
        : !checkValue(schema.type, checked.write.value).ok
          ? `bad value for '${w.key}'`
          : undefined;
    if (problem !== undefined) {
      // The origin's own admission would have refused it: a correct origin never sends one.
      this.count('writes.rejected.origin-fault');
      this.suspect(w.origin, 'malformed', problem, nowUs);
      return;
    }
    const t = w.publishTimeUs;
    // Late only if no batch can take it any more: its slot is closed (at the primary: by a batch
    // it proposed), or it is too old for scanPending to keep. A write that arrives after its
    // slot's close time but before any batch closed it can still join (maybeCut stamps τ lower).
    const closeUs = t - this.config.timing.closeBeforeUs;
    if (this.state.isClosed(t) || closeUs < this.viewTauUs || closeUs < nowUs - this.tauToleranceUs - this.config.timing.viewChangeTimeoutUs) {
      this.count('writes.late');
      return;
    }
    if (t - nowUs > this.config.timing.horizonUs) {
      this.count('writes.rejected.TOO_FAR_AHEAD');
      return;
    }
    const aw = copyAuthenticatedWrite(wb.write);
    if (this.addPending(w, aw, canonicalValue(checked.write.value), nowUs)) {
      // Relay to the primary: it then has every write a correct backup has (see judgeOmission).
      const status = this.engine.status();
      if (status.primary !== this.id && status.primary !== from && status.primary !== w.origin) {
        this.count('writes.relayed');
        this.sendSafe(status.primary, { kind: 'write', write: { write: aw, hop: 1 } });
      }
    }
  }

  protected override onEventLoopHeld(nowUs: number): void {
    this.lagRun = undefined;
    this.resumedUs = nowUs;
  }

  protected onAdvance(nowUs: number, tick: boolean): void {
    if (!this.started) {
      this.started = true;
      this.probe();
    }
    this.engine.tick(nowUs);
    this.rejoinExcluded(nowUs);
    this.checkpointFallback(nowUs);
    this.retryTransfer(nowUs);
    this.afterEngineInput(nowUs, tick);
    this.scanDeadlines(nowUs);
    this.scanPending(nowUs);
    this.relayMissing(nowUs);
    // Local admission contributes to the store's open slot (base.write); in this mode slots are
    // decided only from ordered contents, so those local contributions must never be decided:
    // drop open slots whose time has come, then let the base prune its decision times.
    this.store.dropOpenBefore(nowUs + 1);
    this.decideDueSlots(nowUs, true);
  }

  protected override onProtocolBody(from: number, body: Body, nowUs: number): void {
    if (isPbftMessage(body)) {
      if (this.observe(from, body, nowUs) === 'engine') this.engine.receive(from, body, nowUs);
      this.afterEngineInput(nowUs);
      return;
    }
    switch (body.kind) {
      case 'stateRequest':
        this.onStateRequest(from, body.stateRequest, nowUs);
        return;
      case 'stateReply':
        this.onStateReply(from, body.stateReply, nowUs);
        return;
      case 'syncReport':
        this.count('body.unexpected.syncReport');
        this.suspect(from, 'malformed', 'sync report in agreed mode', nowUs);
        return;
      default:
        super.onProtocolBody(from, body, nowUs);
    }
  }

  protected override modeNextTickUs(nowUs: number): number {
    let next = this.engineNextTickUs;
    if (this.engine.canPropose()) next = Math.min(next, Math.max(this.cutDueUs(nowUs), nowUs + 1));
    next = Math.min(next, this.nextDeadlineScanUs);
    if (this.target !== undefined) next = Math.min(next, this.target.lastRequestUs + this.retryUs);
    for (const x of this.relays.values()) next = Math.min(next, x.atUs);
    return next;
  }

  protected override modeMemory(): { logEntries: number; pendingWrites: number } {
    const m = this.engine.memory();
    let assembled = 0;
    for (const a of this.assemblies.values()) assembled += a.slots;
    const logEntries =
      m.logEntries +
      m.bufferedMessages +
      m.checkpointVotes +
      m.viewChanges +
      this.state.size +
      this.snapshots.size +
      this.acceptedTau.size +
      assembled +
      this.candidates.length +
      this.learned.size +
      this.relays.size +
      this.preparesSeen.size;
    return { logEntries, pendingWrites: this.pending.size };
  }

  protected override viewInfo(): { view: number; primary: number; stableSeq: number; ready: boolean } {
    const s = this.engine.status();
    return { view: s.view, primary: s.primary, stableSeq: s.lowWatermark, ready: !this.catchingUp };
  }

  /**
   * Suspicions with these reasons are only ever raised for misbehaviour the suspect provably
   * committed: an authenticated message (the channel MAC proves the sender) that conflicts
   * with another one it sent ('equivocation': two pre-prepares, prepares, commits,
   * checkpoints, view changes or write values; f+1 backups preparing another digest than the
   * primary sent), that no correct replica sends ('malformed', 'bad-signature'), a write whose
   * MAC entry the origin itself got wrong ('bad-authenticator' is raised only when the origin
   * sent it), a writer it does not host, or a state that does not match its digest.
   * Timing-based suspicions ('silent-primary', 'bad-batch', 'bad-timestamp', 'censorship')
   * prove nothing and are excluded.
   */
  private static readonly PROOF_REASONS: ReadonlySet<SuspicionReason> = new Set<SuspicionReason>([
    'equivocation',
    'malformed',
    'bad-signature',
    'bad-authenticator',
    'unauthorised-origin',
    'bad-state',
  ]);

  protected override suspect(node: number, reason: SuspicionReason, detail: string, nowUs: number): void {
    if (AgreedReplica.PROOF_REASONS.has(reason) && node !== this.id && node >= 0 && node < this.config.replicas) this.provenFaulty.add(node);
    super.suspect(node, reason, detail, nowUs);
  }

  /**
   * With at most f faulty replicas, f of them proven faulty and the primary not among them,
   * the primary is correct — and a correct primary orders only writes it verified.
   */
  private primaryProvenCorrect(): boolean {
    const primary = this.engine.status().primary;
    return this.config.f > 0 && this.provenFaulty.size === this.config.f && !this.provenFaulty.has(primary);
  }

  // --- dissemination and pending writes ---------------------------------------------------

  /** Checks a received authenticated write and blames who provably misbehaved. */
  private verifyIncoming(from: number, aw: AuthenticatedWrite, nowUs: number): VerifiedWrite {
    if (!this.config.signatures) return this.verifyReceivedWrite(from, aw, nowUs);
    const v = this.verifySigned(aw);
    if (v.ok) return v;
    this.count(`writes.rejected.${v.reason}`);
    if (v.reason === 'unauthorised-origin' && v.origin !== undefined) this.suspect(v.origin, 'unauthorised-origin', v.detail, nowUs);
    // A signature verifies identically everywhere, so whoever sent a bad one is at fault.
    if (v.reason !== 'unauthorised-origin' || from !== v.origin) this.suspect(from, v.reason === 'bad-signature' ? 'bad-signature' : v.reason === 'malformed' ? 'malformed' : 'unauthorised-origin', v.detail, nowUs);
    return v;
  }

  /**
   * With signatures on, a write is checked by its origin's Ed25519 signature only (not by this
   * replica's MAC entry): every correct replica then reaches the same verdict, so a faulty
   * origin cannot make some backups reject a batch that others accept.
   */
  private verifySigned(aw: AuthenticatedWrite): VerifiedWrite {
    const d = decodeWrite(aw.write);
    if (!d.ok) return { ok: false, reason: 'malformed', origin: undefined, originAuthenticated: false, detail: d.error.message };
    const w = d.value;
    const pk = this.keys.publicKeys[w.origin];
    if (w.origin >= this.config.replicas || pk === undefined) return { ok: false, reason: 'malformed', origin: undefined, originAuthenticated: false, detail: `origin ${w.origin} is not a replica` };
    const digest = this.crypto.sha256(aw.write);
    if (!this.crypto.ed25519Verify(aw.signature, digest, pk)) return { ok: false, reason: 'bad-signature', origin: w.origin, originAuthenticated: false, detail: 'signature missing or invalid' };
    const host = this.config.writers.get(w.writer);
    if (host !== w.origin) {
      return { ok: false, reason: 'unauthorised-origin', origin: w.origin, originAuthenticated: true, detail: `writer '${w.writer}' is hosted on replica ${String(host)}, not ${w.origin}` };
    }
    return { ok: true, write: w, digest };
  }

  /**
   * The batch-time check of a write's authenticator. A write whose bytes equal a write this
   * replica already verified (it is pending here) is authentic whatever the batch's copy of the
   * authenticator says: the authenticator only proves that the origin issued these bytes. This
   * also keeps a MAC vector damaged on its way to the primary from blocking the batch here.
   */
  private verifyForBatch(aw: AuthenticatedWrite, w: Write): { ok: true } | { ok: false; reason: string } {
    const p = this.pending.get(pendingId(w.key, w.publishTimeUs, w.writer));
    if (p !== undefined && bytesEqual(p.aw.write, aw.write)) {
      this.count('batches.write-known');
      return { ok: true };
    }
    const v = this.config.signatures ? this.verifySigned(aw) : this.auth.verifyWriteFor(aw);
    return v.ok ? { ok: true } : { ok: false, reason: `${v.reason}: ${v.detail}` };
  }

  /** True if the write is new here (now pending). */
  private addPending(w: Write, aw: AuthenticatedWrite, canon: string, nowUs: number): boolean {
    const id = pendingId(w.key, w.publishTimeUs, w.writer);
    const rec = this.state.record(w.key, w.publishTimeUs);
    const ordered = rec?.contributions.find((c) => c.writer === w.writer);
    if (ordered !== undefined) {
      if (ordered.canon !== canon) this.localEquivocation(w, nowUs);
      else this.count('writes.already-ordered');
      return false;
    }
    const prior = this.pending.get(id);
    if (prior !== undefined) {
      if (prior.canon === canon) this.count('writes.duplicate');
      else this.localEquivocation(w, nowUs);
      return false;
    }
    this.pending.set(id, {
      id,
      key: w.key,
      publishTimeUs: w.publishTimeUs,
      writer: w.writer,
      origin: w.origin,
      aw,
      canon,
      bytes: batchEntryBytes(aw),
      receivedUs: nowUs,
      receivedView: this.engine.status().view,
      proposedView: -1,
      judged: false,
    });
    this.count('writes.pending');
    if (w.publishTimeUs < this.nextDeadlineScanUs) this.nextDeadlineScanUs = w.publishTimeUs;
    return true;
  }

  /** Two authenticated values of one writer for one slot reached this replica (local evidence). */
  private localEquivocation(w: Pick<Write, 'key' | 'publishTimeUs' | 'writer' | 'origin'>, nowUs: number): void {
    this.count('writes.equivocation');
    this.reportEquivocation(w.key, w.publishTimeUs, w.writer, w.origin, nowUs);
  }

  private reportEquivocation(key: string, publishTimeUs: number, writer: string, origin: number, nowUs: number): void {
    const id = pendingId(key, publishTimeUs, writer);
    if (this.equivocationsSeen.has(id)) return;
    if (this.equivocationsSeen.size >= MAX_EQUIVOCATIONS_REMEMBERED) {
      const oldest = this.equivocationsSeen.values().next();
      if (!oldest.done) this.equivocationsSeen.delete(oldest.value);
    }
    this.equivocationsSeen.add(id);
    this.emit({ kind: 'equivocation', writer, origin, key, publishTimeUs });
    this.suspect(origin, 'equivocation', `writer '${writer}' gave two values to ${key}@${publishTimeUs}`, nowUs);
  }

  /**
   * Pending writes leave when their slot closes (judged for omission first). One whose slot does
   * not close — execution stalls, a view change is under way — is kept a view-change timeout
   * past t − closeBefore + ε + Δ + π (a primary may still order it: maybeCut), then dropped
   * unjudged.
   */
  private scanPending(nowUs: number): void {
    const cb = this.config.timing.closeBeforeUs;
    const stale = nowUs - this.tauToleranceUs - this.config.timing.viewChangeTimeoutUs;
    for (const [id, p] of this.pending) {
      if (this.state.isClosed(p.publishTimeUs)) this.judgeOmission(p, nowUs);
      else if (p.publishTimeUs - cb >= stale) continue;
      this.pending.delete(id);
      this.count('pending.expired');
    }
  }

  // --- PBFT plumbing ----------------------------------------------------------------------

  /**
   * `fromTick`: the primary cuts only in ticks (modeNextTickUs asks for one at the cut time).
   * Cutting while handling a message would act on the time before the rest of what arrived was
   * read: after the event loop was held, the first message handled would close a slot whose
   * writes wait in the socket behind it (the driver ticks after reading them; see maybeCut).
   */
  private afterEngineInput(nowUs: number, fromTick = false): void {
    if (this.heldTimeDetail !== undefined) {
      const held = this.heldTimeDetail;
      this.heldTimeDetail = undefined;
      // Only against the primary whose batches lagged: the engine may have moved on meanwhile.
      if (held.view === this.engine.status().view) this.engine.suspectPrimary('bad-timestamp', held.detail, nowUs);
    }
    this.pump(nowUs);
    if (fromTick) this.maybeCut(nowUs);
  }

  /** Drains the engine: executes committed batches, handles events, sends messages. */
  private pump(nowUs: number): void {
    for (let round = 0; round < 64; round++) {
      const r = this.engine.drain();
      this.engineNextTickUs = r.nextTickUs;
      if (r.messages.length === 0 && r.committed.length === 0 && r.events.length === 0) return;
      for (const c of r.committed) this.execute(c, nowUs);
      for (const e of r.events) this.onEngineEvent(e, nowUs);
      for (const m of r.messages) this.sendPbft(m);
    }
    this.count('internal.pump-rounds-exceeded');
  }

  private sendPbft(m: OutboundMessage): void {
    // Our own commit counts for the learner too: the engine commits only once prepared, with a
    // verified certificate its ViewChanges will carry.
    if (m.msg.kind === 'commit') this.learn(this.id, m.msg, this.lastNowUs);
    if (m.msg.kind === 'newView' && m.msg.newView.view > (this.newView?.view ?? -1)) this.newView = m.msg.newView;
    if (m.to === 'all') {
      for (let r = 0; r < this.config.replicas; r++) if (r !== this.id) this.sendSafe(r, m.msg);
    } else {
      this.sendSafe(m.to, m.msg);
    }
  }

  /** Sends, counting (not throwing on) a body too large for one frame. */
  private sendSafe(to: number, body: Body): void {
    try {
      this.send(to, body);
    } catch {
      this.count(`send.oversize.${body.kind}`);
    }
  }

  private onEngineEvent(e: PbftEvent, nowUs: number): void {
    switch (e.kind) {
      case 'view':
        this.count('view.installed');
        this.emit({ kind: 'view', view: e.view, primary: e.primary });
        for (const [peer, asked] of this.relayTo) if (asked < e.view) this.relayTo.delete(peer);
        this.eagerRelay.clear();
        this.excludedSinceUs.clear();
        // A Byzantine ViewChange can inflate the maximum (maxTauUs) arbitrarily, which would
        // push every later τ out of the backups' clock window and stall the view. The
        // (f+1)-th largest (robustMaxTauUs) is at most what some correct replica reported,
        // i.e. at most a τ a correct quorum accepted within ε+Δ+π of its clock. It may be below
        // the true highest committed τ; that costs nothing: τ_eff = max(...) stays monotone
        // and the new primary's clock is past it by the time a view change completes.
        if (e.robustMaxTauUs > this.tauFloorUs) this.tauFloorUs = e.robustMaxTauUs;
        this.viewTauUs = 0;
        this.lagRun = undefined;
        return;
      case 'view-change':
        this.count('view-change.started');
        return;
      case 'suspect':
        this.suspect(e.node, e.reason, e.detail, nowUs);
        return;
      case 'stable-checkpoint':
        this.stableSeq = e.seq;
        for (const s of [...this.snapshots.keys()]) if (s < e.seq) this.snapshots.delete(s);
        this.tryInstall(nowUs);
        return;
      case 'state-transfer-needed':
        this.startTransfer(e.seq, e.stateDigest, nowUs);
        return;
    }
  }

  // --- learner: executing what others provably committed --------------------------------

  /**
   * Executing what the others provably committed, even when this replica's engine cannot.
   * Commits for (v, n, d) from a set S of distinct replicas prove that (v, n, d) is committed
   * once S holds at least q − f correct replicas (a correct replica commits only when prepared,
   * and q − f correct prepared replicas intersect every quorum of ViewChanges, so every later
   * view re-proposes d). With at most f faulty replicas, k of them proven faulty (authenticated
   * conflicting messages) and excluded from S, that is |S| >= q − k. The batch itself is
   * identified by its digest, so its bytes may come from the primary's pre-prepare or from a
   * relay. The learner executes such batches in order; it sends and prepares nothing. It is
   * needed when
   * - the engine cannot become prepared itself: it rejected the batch (e.g. a faulty origin's
   *   MAC entry for this replica did not verify) and the faulty backups withhold valid
   *   prepares — the engine would wait for retransmissions or a view change;
   * - the engine left the view alone (partitioned while its timer fired, or it proved an
   *   equivocating primary that the others cannot see) and waits in 'view-change', ignoring
   *   the view's messages: PBFT's known weakness (pbft/PROTOCOL.md). Its ViewChange stays
   *   truthful (it prepares nothing meanwhile) and it rejoins at the next view change. The
   *   others relay the primary's pre-prepares to it (`relayTo`), so it has the bytes even if
   *   an equivocating primary sent it different ones.
   * The engine, left behind, is brought forward by installing the checkpoints this replica
   * proves from its own snapshots (`startTransfer`).
   */
  private learn(from: number, msg: Extract<PbftMessage, { kind: 'prePrepare' | 'commit' }>, nowUs: number): void {
    const seq = msg.kind === 'prePrepare' ? msg.prePrepare.seq : msg.commit.seq;
    if (seq <= this.state.seq || seq > this.state.seq + this.sizing.watermarkWindowSeqs) return;
    let e = this.learned.get(seq);
    if (e === undefined) {
      e = { batches: new Map(), batchBy: new Set(), commits: new Map() };
      this.learned.set(seq, e);
    }
    if (msg.kind === 'prePrepare') {
      // One batch per sender and seq: a faulty sender cannot crowd out the real one.
      if (e.batchBy.has(from)) return;
      e.batchBy.add(from);
      const digest = this.crypto.sha256(msg.prePrepare.batch);
      const d = hex(digest);
      const batch = msg.prePrepare.batch.slice();
      if (!e.batches.has(d)) e.batches.set(d, { digest, batch });
      const status = this.engine.status();
      const v = msg.prePrepare.view;
      if (status.phase === 'normal' && v === status.view && from === primaryOf(v, this.config.replicas) && !this.relays.has(seq)) {
        this.relays.set(seq, { view: v, digestHex: d, msg: { kind: 'prePrepare', prePrepare: { view: v, seq, batch } }, atUs: nowUs + this.relayDelayUs });
        while (this.relays.size > this.sizing.watermarkWindowSeqs) this.relays.delete(Math.min(...this.relays.keys()));
      }
    } else {
      const id = `${msg.commit.view}|${hex(msg.commit.digest)}`;
      let set = e.commits.get(id);
      if (set === undefined) {
        if (e.commits.size >= 2 * this.config.replicas) return;
        set = new Set();
        e.commits.set(id, set);
      }
      set.add(from);
    }
    this.runLearner(nowUs);
  }

  /**
   * A peer whose prepare for the primary's pre-prepare has not arrived a round trip after the
   * pre-prepare reached us may not have it (a lost datagram, or a faulty primary that skipped
   * it): relay it once, so its learner can execute the batch when the commits come.
   */
  private relayMissing(nowUs: number): void {
    for (const [seq, x] of this.relays) {
      if (x.atUs > nowUs) continue;
      this.relays.delete(seq);
      const primary = primaryOf(x.view, this.config.replicas);
      const prepared = this.preparesSeen.get(`${x.view}:${seq}:${x.digestHex}`);
      for (let r = 0; r < this.config.replicas; r++) {
        if (r === this.id || r === primary || prepared?.has(r) === true) continue;
        // A peer silent for a view-change timeout is down: do not feed it every batch.
        if (nowUs - (this.heardUs.get(r) ?? Number.NEGATIVE_INFINITY) > this.config.timing.viewChangeTimeoutUs) continue;
        this.count('learner.relayed');
        this.sendSafe(r, x.msg);
        // It missed one: for the rest of this view, relay the primary's pre-prepares to it at
        // once (a faulty primary that skips or damages its copies costs it no time).
        this.eagerRelay.add(r);
      }
    }
  }

  private runLearner(nowUs: number): void {
    const faulty = this.provenFaulty.size <= this.config.f ? this.provenFaulty : new Set<number>();
    const needed = this.sizing.quorum - faulty.size;
    for (;;) {
      const seq = this.state.seq + 1;
      const e = this.learned.get(seq);
      if (e === undefined) break;
      let chosen: { view: number; digest: Uint8Array; batch: Uint8Array; committedBySelf: boolean } | undefined;
      for (const [id, senders] of e.commits) {
        let n = 0;
        for (const r of senders) if (!faulty.has(r)) n++;
        if (n < needed) continue;
        const bar = id.indexOf('|');
        const b = e.batches.get(id.slice(bar + 1));
        if (b !== undefined) chosen = { view: Number(id.slice(0, bar)), digest: b.digest, batch: b.batch, committedBySelf: senders.has(this.id) };
        break;
      }
      if (chosen === undefined) break;
      this.learned.delete(seq);
      this.count('learner.executed');
      if (!chosen.committedBySelf) {
        // We know it is committed: say so, so that replicas whose quorum needs us are not left
        // waiting on the faulty ones. Sound: a correct replica's commit now means "prepared, or
        // provably committed"; any q − k such senders (k proven faulty) either are all prepared
        // where correct (q − f correct prepared) or include one that knows it is committed.
        this.count('learner.commit-sent');
        this.broadcastSafe({ kind: 'commit', commit: { view: chosen.view, seq, digest: chosen.digest } });
      }
      this.execute({ seq, view: chosen.view, batch: chosen.batch, digest: chosen.digest }, nowUs);
    }
    for (const seq of this.learned.keys()) if (seq <= this.state.seq) this.learned.delete(seq);
  }

  /**
   * PBFT messages pass through here before the engine: the learner observes pre-prepares and
   * commits, peers that left the current view get the primary's pre-prepares relayed, and
   * checkpoints are remembered for the state-transfer fallback.
   */
  private observe(from: number, msg: PbftMessage, nowUs: number): 'engine' | 'learner-only' {
    this.heardUs.set(from, nowUs);
    const status = this.engine.status();
    switch (msg.kind) {
      case 'prePrepare': {
        const pp = msg.prePrepare;
        if (from !== primaryOf(pp.view, this.config.replicas)) {
          // A relay (see relayTo): for the learner only, identified by its digest.
          this.count('learner.relay-received');
          this.learn(from, msg, nowUs);
          return 'learner-only';
        }
        if (status.phase === 'normal' && pp.view === status.view) {
          for (let peer = 0; peer < this.config.replicas; peer++) {
            if (peer === from || peer === this.id) continue;
            const asked = this.relayTo.get(peer);
            if ((asked !== undefined && asked >= status.view) || this.eagerRelay.has(peer)) {
              this.count('learner.relayed');
              this.sendSafe(peer, msg);
            }
          }
        }
        this.learn(from, msg, nowUs);
        return 'engine';
      }
      case 'commit':
        // Not a sign the sender is in the view: a replica that left it still sends commits for
        // batches its learner proved committed (runLearner). Only prepares are.
        this.learn(from, msg, nowUs);
        return 'engine';
      case 'prepare': {
        const p = msg.prepare;
        this.noteInView(from, p.view, status.view);
        if (p.replica === from && p.seq > this.state.seq - this.sizing.watermarkWindowSeqs && p.seq <= this.state.seq + this.sizing.watermarkWindowSeqs) {
          const id = `${p.view}:${p.seq}:${hex(p.digest)}`;
          let set = this.preparesSeen.get(id);
          if (set === undefined && this.preparesSeen.size < 4 * this.config.replicas * this.sizing.watermarkWindowSeqs) {
            set = new Set();
            this.preparesSeen.set(id, set);
          }
          set?.add(from);
        }
        return 'engine';
      }
      case 'newView':
        // Re-proposals travel inside the NewView: a replica whose engine ignores this NewView
        // (it already asks for a later view) still needs their bytes.
        for (const pp of msg.newView.prePrepares) this.learn(from, { kind: 'prePrepare', prePrepare: pp }, nowUs);
        if (msg.newView.view > (this.newView?.view ?? -1)) this.newView = msg.newView;
        return 'engine';
      case 'viewChange': {
        const vc = msg.viewChange;
        if (vc.replica !== from) return 'engine';
        if (vc.newView > status.view || (vc.newView === status.view && status.phase === 'normal')) {
          if (this.relayTo.size < this.config.replicas || this.relayTo.has(from)) this.relayTo.set(from, vc.newView);
        }
        if (vc.newView > status.view && status.phase === 'normal' && !this.excludedSinceUs.has(from)) this.excludedSinceUs.set(from, nowUs);
        // A peer still asking for the view we run missed its NewView. The engine lets only the
        // primary resend it; a faulty primary may not. The NewView is signed by its primary, so
        // any replica can hand it on (the engine accepts a relayed NewView its primary signed).
        const nv = this.newView;
        if (vc.newView === status.view && status.phase === 'normal' && nv !== undefined && nv.view === status.view) {
          const last = this.newViewRelayedUs.get(from);
          if (last === undefined || nowUs - last >= this.sizing.retransmitIntervalUs) {
            this.newViewRelayedUs.set(from, nowUs);
            this.count('learner.new-view-relayed');
            this.sendSafe(from, { kind: 'newView', newView: nv });
          }
        }
        return 'engine';
      }
      case 'checkpoint': {
        const cp = msg.checkpoint;
        if (cp.replica === from && cp.seq > this.state.seq) {
          let claims = this.checkpointClaims.get(from);
          if (claims === undefined) {
            claims = new Map();
            this.checkpointClaims.set(from, claims);
          }
          if (!claims.has(cp.seq)) {
            claims.set(cp.seq, { digest: cp.stateDigest.slice(), claim: claimOf(cp.seq, cp.stateDigest) });
            // A few recent claims per replica (a faulty one cannot grow this).
            while (claims.size > 4) claims.delete(Math.min(...claims.keys()));
          }
        }
        return 'engine';
      }
      default:
        return 'engine';
    }
  }

  /** A peer speaking normally in our view has rejoined it: stop relaying to it. */
  private noteInView(from: number, view: number, current: number): void {
    if (view >= current && this.relayTo.has(from)) this.relayTo.delete(from);
    if (view >= current) this.excludedSinceUs.delete(from);
  }

  /**
   * Rejoin rule. A replica that left the view alone (its timer fired across a partition or a
   * loss burst; or a faulty primary starved it) ignores the view's messages until the next view
   * change, which the others, progressing normally, never start. Meanwhile the view's quorums
   * must include the faulty replicas, which can then delay every commit. So a replica that
   * has seen a peer (not proven faulty) ask for a later view, continuously for 2 view-change
   * timeouts while it ran its own view normally, moves to that view (at most N views ahead) —
   * without blaming the primary. The cost: a faulty replica can force one view change per 2
   * timeouts; with the view change of PBFT that is safe, and it is counted (`view.left-for-peer`).
   */
  private rejoinExcluded(nowUs: number): void {
    const status = this.engine.status();
    if (status.phase !== 'normal' || this.excludedSinceUs.size === 0) return;
    const waitUs = 2 * this.config.timing.viewChangeTimeoutUs;
    for (const [peer, sinceUs] of this.excludedSinceUs) {
      const asked = this.relayTo.get(peer);
      if (asked === undefined || asked <= status.view || this.provenFaulty.has(peer)) {
        this.excludedSinceUs.delete(peer);
        continue;
      }
      if (nowUs - sinceUs < waitUs) continue;
      this.count('view.left-for-peer');
      this.excludedSinceUs.clear();
      this.engine.leaveView(Math.min(asked, status.view + this.config.replicas), `replica ${peer} has asked for view ${asked} for ${nowUs - sinceUs} us`, nowUs);
      return;
    }
  }

  /**
   * Fallback when the engine cannot assemble a quorum-proven checkpoint (e.g. this replica
   * cannot hear a quorum in the current view): f+1 replicas not proven faulty that signed
   * checkpoints for the same (seq, digest) include a correct one, so that state is correct.
   * Fetch it if it stays ahead of this replica for a while.
   */
  private checkpointFallback(nowUs: number): void {
    if (this.target !== undefined) return;
    const byClaim = new Map<string, { seq: number; digest: Uint8Array; count: number }>();
    for (const [r, claims] of this.checkpointClaims) {
      if (this.provenFaulty.has(r)) continue;
      for (const [seq, c] of claims) {
        if (seq <= this.state.seq) {
          claims.delete(seq);
          continue;
        }
        const x = byClaim.get(c.claim);
        if (x === undefined) byClaim.set(c.claim, { seq, digest: c.digest, count: 1 });
        else x.count++;
      }
    }
    let best: { seq: number; digest: Uint8Array; claim: string } | undefined;
    for (const [claim, x] of byClaim) {
      if (x.count < this.config.f + 1) continue;
      if (best === undefined || x.seq > best.seq) best = { seq: x.seq, digest: x.digest, claim };
    }
    // Merely slow (the engine or the learner will get there): wait a little before fetching.
    if (best === undefined) {
      this.behind = undefined;
      return;
    }
    // Retransmission repairs a replica that merely lost a message, and a replica that executes
    // is only trailing: the fallback is for one that makes no progress for a view-change timeout.
    if (this.behind === undefined || this.state.seq > this.behind.seq) {
      this.behind = { sinceUs: nowUs, seq: this.state.seq };
      return;
    }
    if (nowUs - this.behind.sinceUs < this.config.timing.viewChangeTimeoutUs) return;
    this.behind = undefined;
    this.count('state.fallback');
    this.fallbackClaims.add(best.claim);
    if (this.fallbackClaims.size > 8) {
      const oldest = this.fallbackClaims.values().next();
      if (!oldest.done) this.fallbackClaims.delete(oldest.value);
    }
    this.startTransfer(best.seq, best.digest, nowUs);
  }

  // --- primary: cutting batches -----------------------------------------------------------

  /**
   * When the primary must cut next (local clock). Batches are cut on demand, at most one per b:
   * - as soon as an unproposed pending write exists (a write that reached the primary by
   *   t − closeBefore − b is then in a batch with τ <= t − closeBefore);
   * - just after the close time c = t − closeBefore of every slot with known contents that no
   *   batch of this view has closed yet (its closing batch then has τ in (c, c + b] and commits
   *   everywhere by c + b + 3(Δ+π) + ε = t) — the "time beacon", sent only when a slot needs it;
   * - and at least every viewChangeTimeout / 4 (keepalive: backups expect progress).
   */
  private cutDueUs(nowUs: number): number {
    const cb = this.config.timing.closeBeforeUs;
    const view = this.engine.status().view;
    const closedUpTo = Math.max(this.state.tauEffUs, this.viewTauUs);
    let want = this.lastCutUs + this.keepaliveUs;
    for (const p of this.pending.values()) {
      const c = p.publishTimeUs - cb;
      if (p.proposedView !== view && c > closedUpTo) want = Math.min(want, nowUs);
      else if (c >= closedUpTo) want = Math.min(want, c + 1);
    }
    for (const r of this.state.undecided()) {
      const c = r.publishTimeUs - cb;
      if (c >= closedUpTo) want = Math.min(want, c + 1);
    }
    return Math.max(want, this.lastCutUs + this.config.timing.batchIntervalUs);
  }

  private maybeCut(nowUs: number): void {
    if (!this.engine.canPropose() || nowUs < this.cutDueUs(nowUs)) return;
    const view = this.engine.status().view;
    const cb = this.config.timing.closeBeforeUs;
    const lowestUs = Math.max(this.lastProposedTauUs + 1, this.tauFloorUs + 1, this.state.tauEffUs + 1, this.reproposedIn(view).tauUs + 1);
    // A write that reached this primary after its slot's close time — it waited in the socket
    // while the event loop was held (a GC pause, a stalled host), or it was pending here while
    // a view change ran past the close time — still joins if no batch has closed the slot yet:
    // stamp τ at the close time instead of the clock. Backups accept a lagging τ (tauProblem),
    // a lagging τ only delays closing, and the alternative is a slot closed without writes
    // that correct replicas had in time. When these late writes need more than this batch, τ
    // goes one µs lower per late write left over, so the next batches can still carry them
    // below their close times (a batch stamped at the close time leaves no room: the next τ is
    // above it and closes the slot on the writes still waiting).
    let candidates: PendingWrite[] = [];
    for (const p of this.pending.values()) {
      if (p.proposedView !== view && p.publishTimeUs - cb >= lowestUs) candidates.push(p);
    }
    candidates.sort((x, y) => x.publishTimeUs - y.publishTimeUs || (x.key < y.key ? -1 : x.key > y.key ? 1 : x.writer < y.writer ? -1 : x.writer > y.writer ? 1 : 0));
    const skipped = this.expiredSlotsToSkip(candidates, nowUs, view);
    if (skipped.size > 0) {
      candidates = candidates.filter((p) => !skipped.has(slotIdOf(p.key, p.publishTimeUs)));
      this.count('batches.expired-slots-skipped', skipped.size);
    }
    let late = 0;
    let lateCloseUs = Number.POSITIVE_INFINITY;
    for (const p of candidates) {
      const c = p.publishTimeUs - cb;
      if (c < nowUs) {
        late++;
        lateCloseUs = Math.min(lateCloseUs, c);
      }
    }
    const taken: PendingWrite[] = [];
    let bytes = BATCH_OVERHEAD_BYTES;
    for (const p of candidates) {
      if (this.batchFull(taken.length, bytes, p)) {
        // A write larger than the cap still gets ordered, alone.
        if (taken.length === 0 && bytes + p.bytes <= this.sizing.engineMaxBatchBytes) taken.push(p);
        break;
      }
      taken.push(p);
      bytes += p.bytes;
    }
    let batch: Batch = { tauUs: Math.max(nowUs, lowestUs), writes: taken.map((p) => p.aw), sync: null };
    let encoded = encodeBatch(batch);
    while (encoded.length > this.sizing.engineMaxBatchBytes && taken.length > 0) {
      taken.pop();
      batch = { ...batch, writes: taken.map((p) => p.aw) };
      encoded = encodeBatch(batch);
    }
    if (late > 0) {
      // Candidates are taken oldest first, so the late ones come first; each later batch takes
      // at least one of the rest and raises τ by at least 1 µs.
      const lateLeft = Math.max(0, late - taken.length);
      batch = { ...batch, tauUs: Math.max(lowestUs, lateCloseUs - lateLeft) };
      encoded = encodeBatch(batch);
      this.count('batches.late-stamped');
    }
    const tau = batch.tauUs;
    this.lastCutUs = nowUs;
    const r = this.engine.propose(encoded, nowUs);
    if (!r.ok) {
      this.count(`batches.not-proposed.${r.reason}`);
      return;
    }
    this.lastProposedTauUs = tau;
    this.viewTauUs = tau;
    if (taken.length === 0) this.count('batches.beacons');
    for (const p of taken) p.proposedView = view;
    this.count('batches.proposed');
    if (taken.length > 0) this.count('batches.writes', taken.length);
    this.pump(nowUs);
  }

  /**
   * Draining a backlog — this primary's event loop was held, or a view change ran long — the
   * primary orders oldest first at one batch per b, and τ is monotone, so the slots whose publish
   * time has already passed would be ordered (and published late) before every slot that can
   * still be on time: one stall would make late every slot of the drain too, up to the stall's
   * length again at half of the capacity (agreed f = 1, seed 1149). When ordering them first
   * would push a write that can still make its close time past it, the slots whose publish time
   * passed more than ε ago are skipped whole: the next batches close them without these writes,
   * which every correct replica then ignores — LET's other outcome, "ignored everywhere", and
   * the slot is counted missed instead of late. Their publish time has then passed at every
   * correct replica when they close, which is what excuses the omission there (judgeOmission).
   * A slot that already holds an ordered write, or one this view re-proposed, is never skipped:
   * closing it partly would be censorship.
   */
  private expiredSlotsToSkip(candidates: readonly PendingWrite[], nowUs: number, view: number): Set<string> {
    const expired = new Set<string>();
    const skewUs = this.config.timing.clockSkewUs;
    let touched: Set<string> | undefined;
    for (const p of candidates) {
      if (p.publishTimeUs + skewUs > nowUs) break; // sorted by publish time
      const id = slotIdOf(p.key, p.publishTimeUs);
      if (expired.has(id)) continue;
      if (touched === undefined) {
        touched = new Set(this.reproposedIn(view).slots);
        for (const q of this.pending.values()) if (q.proposedView === view) touched.add(slotIdOf(q.key, q.publishTimeUs));
      }
      if (touched.has(id) || (this.state.record(p.key, p.publishTimeUs)?.contributions.length ?? 0) > 0) continue;
      expired.add(id);
    }
    if (expired.size === 0) return expired;
    // Where each write would be cut with the expired slots first: the packing of maybeCut (a
    // lone larger write alone).
    const cb = this.config.timing.closeBeforeUs;
    const b = this.config.timing.batchIntervalUs;
    let batch = 0;
    let writes = 0;
    let bytes = BATCH_OVERHEAD_BYTES;
    for (const p of candidates) {
      if (writes > 0 && this.batchFull(writes, bytes, p)) {
        batch++;
        writes = 0;
        bytes = BATCH_OVERHEAD_BYTES;
      }
      writes++;
      bytes += p.bytes;
      const closeUs = p.publishTimeUs - cb;
      if (closeUs >= nowUs && nowUs + batch * b > closeUs) return expired;
    }
    return new Set();
  }

  /** Whether a batch holding `writes` writes in `bytes` bytes has no room for `p` (maybeCut's caps). */
  private batchFull(writes: number, bytes: number, p: PendingWrite): boolean {
    return writes >= MAX_BATCH_WRITES || bytes + p.bytes > this.sizing.maxBatchBytes;
  }

  /**
   * What this view's NewView re-proposed: the highest τ among its batches (backups accept a new
   * batch only above the seqs before it in the view, tauProblem, and those may still be
   * unexecuted), and the slots its writes name (expiredSlotsToSkip never skips them).
   */
  private reproposedIn(view: number): { readonly tauUs: number; readonly slots: ReadonlySet<string> } {
    const nv = this.newView;
    if (nv === undefined || nv.view !== view) return NOTHING_REPROPOSED;
    if (this.reproposed?.view === view) return this.reproposed;
    let tauUs = 0;
    const slots = new Set<string>();
    for (const pp of nv.prePrepares) {
      const d = decodeBatch(pp.batch);
      if (!d.ok) continue;
      tauUs = Math.max(tauUs, d.value.tauUs);
      for (const aw of d.value.writes) {
        const w = decodeWrite(aw.write);
        if (w.ok) slots.add(slotIdOf(w.value.key, w.value.publishTimeUs));
      }
    }
    this.reproposed = { view, tauUs, slots };
    return this.reproposed;
  }

  // --- backups: accepting batches ---------------------------------------------------------

  private validateBatch(bytes: Uint8Array, ctx: BatchContext): BatchVerdict {
    const d = decodeBatch(bytes);
    if (!d.ok) return { ok: false, reason: `undecodable batch: ${d.error.message}` };
    const batch = d.value;
    if (batch.sync !== null) return { ok: false, reason: 'a sync proposal in agreed mode' };
    const tau = batch.tauUs;
    // A seq this replica already executed (its learner proved it committed before the
    // pre-prepare got here) carries a τ that is part of τ_eff: it is not "not above" it.
    if (!ctx.reproposal && ctx.seq > this.state.seq) {
      const bad = this.tauProblem(tau, ctx);
      if (bad !== undefined) {
        this.count('batches.rejected.bad-timestamp');
        const primary = this.engine.status().primary;
        this.suspect(primary, 'bad-timestamp', `seq ${ctx.seq}: ${bad}`, ctx.nowUs);
        return { ok: false, reason: `bad timestamp: ${bad}` };
      }
    }
    const seen = new Map<string, string>();
    for (let i = 0; i < batch.writes.length; i++) {
      const aw = batch.writes[i] as AuthenticatedWrite;
      const c = this.state.checkWrite(aw);
      if (!c.ok) return { ok: false, reason: `write ${i}: ${c.reason}` };
      const id = pendingId(c.ref.key, c.ref.publishTimeUs, c.ref.writer);
      const prior = seen.get(id);
      if (prior !== undefined && prior !== c.canon) return { ok: false, reason: `write ${i}: a second value of '${c.ref.writer}' for ${c.ref.key}@${c.ref.publishTimeUs}` };
      seen.set(id, c.canon);
      // A re-proposed batch was prepared in an earlier view: at least one correct backup
      // checked its authenticators then; a MAC entry failing here cannot undo it.
      if (ctx.reproposal) continue;
      const decoded = decodeWrite(aw.write);
      if (!decoded.ok) return { ok: false, reason: `write ${i}: undecodable` };
      const v = this.verifyForBatch(aw, decoded.value);
      if (!v.ok) {
        // A faulty origin can give some replicas a MAC entry that fails (liveness attack). When
        // the primary is provably correct, its verification of the write stands for ours.
        if (this.primaryProvenCorrect()) {
          this.count('batches.write-trusted');
          continue;
        }
        this.count('batches.rejected.authenticator');
        return { ok: false, reason: `write ${i}: ${v.reason}` };
      }
    }
    this.acceptedTau.set(ctx.seq, { view: ctx.view, tauUs: tau });
    if (!ctx.reproposal && ctx.seq > this.state.seq) this.observeTauLag(tau, ctx.nowUs, ctx.view);
    return { ok: true };
  }

  /**
   * τ must be above the executed τ_eff and monotone with the neighbouring seqs of this view,
   * and at most ε + Δ + π ahead of this replica's clock: further ahead, it would close slots
   * before writes sent in time can reach them. A τ behind the clock is not refused: it can only
   * close slots later than the clock allows (every write that joins them was verified, and
   * every correct replica executes the same τ), so refusing it protects timeliness, not safety
   * — and a refusal is wrong whenever *this* replica is the late one. Real replicas are late:
   * the first batch of each view reaches backups busy with the NewView 20–110 ms after its τ,
   * and refusing it (every backup alike) ended the view and the next one in the same way.
   */
  private tauProblem(tau: number, ctx: BatchContext): string | undefined {
    if (tau <= this.state.tauEffUs) return `tau ${tau} is not above the executed tau ${this.state.tauEffUs}`;
    for (const [seq, a] of this.acceptedTau) {
      if (a.view !== ctx.view || seq === ctx.seq) continue;
      if (seq < ctx.seq && a.tauUs >= tau) return `tau ${tau} is not above seq ${seq}'s ${a.tauUs}`;
      if (seq > ctx.seq && a.tauUs <= tau) return `tau ${tau} is not below seq ${seq}'s ${a.tauUs}`;
    }
    const off = tau - ctx.nowUs;
    if (off > this.tauToleranceUs) return `tau is ${off} µs ahead of this replica's clock (tolerance ${this.tauToleranceUs} µs)`;
    return undefined;
  }

  /**
   * A primary holding back time (or slowing every message) stamps every batch late. One late
   * batch proves nothing — this replica's own event loop may have held it — so the primary is
   * suspected only when every batch accepted for `tauLagWindowUs` (two keepalives: at least
   * two batches from a correct primary) lagged by more than ε + Δ + π; one on time ends the run.
   */
  private observeTauLag(tau: number, nowUs: number, view: number): void {
    // Cut before this replica resumed from a hold of its own event loop and read soon after: it
    // may have waited here, in the socket. Later, a τ that old is the primary's doing again.
    if (tau < this.resumedUs && nowUs - this.resumedUs < this.tauLagWindowUs) return;
    const lagUs = nowUs - tau;
    if (lagUs <= this.tauToleranceUs) {
      this.lagRun = undefined;
      return;
    }
    this.count('batches.tau-lagging');
    // A run belongs to one primary, so to one view. Resetting it on the view event alone is too
    // late: the batches the engine buffered for the new view are validated inside the input that
    // installs it, before the event, and the old primary's lagging batches (it was held) were
    // blamed on the new one (agreed f = 2, seed 2359: a backup suspected the new primary as it
    // installed the view, left the view alone, and the view's commit quorum needed it).
    const run = this.lagRun?.view === view ? this.lagRun : { view, sinceUs: nowUs, batches: 0, maxLagUs: 0 };
    run.batches++;
    run.maxLagUs = Math.max(run.maxLagUs, lagUs);
    this.lagRun = run;
    if (run.batches >= 2 && nowUs - run.sinceUs >= this.tauLagWindowUs) {
      this.count('batches.tau-held');
      // Raised inside the engine's validation callback: the engine is told after its input.
      this.heldTimeDetail = { view, detail: `${run.batches} batches in ${nowUs - run.sinceUs} µs all lagged the clock (up to ${run.maxLagUs} µs; tolerance ${this.tauToleranceUs} µs)` };
      this.lagRun = undefined;
    }
  }

  // --- execution --------------------------------------------------------------------------

  private execute(c: CommittedBatch, nowUs: number): void {
    if (c.seq <= this.state.seq) {
      // Already applied (by the learner, or inside an installed state). The engine still needs
      // this replica's checkpoint vote — with a quorum of all correct replicas, a missing vote
      // would keep every checkpoint from becoming stable — so vote from the snapshot.
      this.count('exec.already-applied');
      if (c.seq % this.sizing.checkpointIntervalSeqs === 0) {
        const snap = this.snapshots.get(c.seq);
        if (snap === undefined || !this.engine.checkpointState(c.seq, snap.digest)) this.count('checkpoint.no-snapshot');
      }
      return;
    }
    if (c.seq !== this.state.seq + 1) {
      // Impossible unless an install went wrong: executing across a gap would diverge.
      this.count('exec.gap');
      this.catchingUp = true;
      return;
    }
    const d = decodeBatch(c.batch);
    const tau = d.ok ? d.value.tauUs : 0;
    const writes = d.ok ? d.value.writes : [];
    if (!d.ok) this.count('exec.undecodable');
    const tauBeforeUs = this.state.tauEffUs;
    const fx = this.state.applyBatch(c.seq, tau, writes);
    this.count('exec.batches');
    if (fx.joined.length > 0) this.count('exec.joined', fx.joined.length);
    for (const ref of fx.joined) if (ref.publishTimeUs < this.nextDeadlineScanUs) this.nextDeadlineScanUs = ref.publishTimeUs;
    if (fx.duplicates > 0) this.count('exec.duplicates', fx.duplicates);
    if (fx.late.length > 0) this.count('exec.late', fx.late.length);
    for (const reason of fx.invalid) this.count(`exec.invalid.${reason}`);
    for (const ref of [...fx.joined, ...fx.late, ...fx.equivocations]) {
      const id = pendingId(ref.key, ref.publishTimeUs, ref.writer);
      const p = this.pending.get(id);
      if (p === undefined) continue;
      this.pending.delete(id);
      const rec = this.state.record(ref.key, ref.publishTimeUs);
      const ordered = rec?.contributions.find((x) => x.writer === ref.writer);
      if (ordered !== undefined && ordered.canon !== p.canon) this.localEquivocation(p, nowUs);
    }
    for (const e of fx.equivocations) {
      // Deterministic: every correct replica executes the same two values in the same order.
      this.count('exec.equivocations');
      this.reportEquivocation(e.key, e.publishTimeUs, e.writer, e.origin, nowUs);
    }
    // A slot closes when τ_eff passes its close time, with a record (decided) or without one.
    if (fx.decided.length > 0 || tau > tauBeforeUs) this.checkOmissions(nowUs);
    for (const rec of fx.decided) this.decideInStore(rec, nowUs);
    for (const s of [...this.acceptedTau.keys()]) if (s <= c.seq) this.acceptedTau.delete(s);
    if (c.seq % this.sizing.checkpointIntervalSeqs === 0) {
      // Keep what relays still due will look at.
      let keepFrom = c.seq + 1;
      for (const seq of this.relays.keys()) keepFrom = Math.min(keepFrom, seq);
      for (const id of this.preparesSeen.keys()) {
        const seq = Number(id.slice(id.indexOf(':') + 1, id.lastIndexOf(':')));
        if (seq < keepFrom) this.preparesSeen.delete(id);
      }
    }
    if (this.target === undefined && !this.probeOpen) this.catchingUp = false;
    if (this.probeOpen && this.target === undefined) this.closeProbe();
    if (c.seq % this.sizing.checkpointIntervalSeqs === 0) {
      const snap = this.state.snapshot();
      this.snapshots.set(c.seq, snap);
      const maxSnapshots = this.sizing.watermarkWindowSeqs / this.sizing.checkpointIntervalSeqs + 2;
      while (this.snapshots.size > maxSnapshots) {
        const oldest = Math.min(...this.snapshots.keys());
        this.snapshots.delete(oldest);
      }
      if (!this.engine.checkpointState(c.seq, snap.digest)) this.count('checkpoint.refused');
    }
  }

  /** Publishes a decided slot through the store (visible at t; at once if t has passed). True if newly published. */
  private decideInStore(rec: SlotRecord, nowUs: number): boolean {
    const id = slotIdOf(rec.key, rec.publishTimeUs);
    this.deadlineCounted.delete(id);
    const contributions = rec.contributions.map((c) => ({ writer: c.writer, value: c.value }));
    const existing = this.store.decided(rec.key, rec.publishTimeUs);
    if (existing !== undefined) {
      const same = existing.contributions.length === contributions.length && existing.contributions.every((c, i) => c.writer === rec.contributions[i]?.writer && canonicalValue(c.value) === rec.contributions[i]?.canon);
      if (!same) {
        // Only reachable if this replica's state had diverged (repaired by state transfer).
        this.count('store.repaired-divergent');
        this.applyCanonical(rec.key, rec.publishTimeUs, contributions, nowUs);
      }
      return false;
    }
    let outcome;
    try {
      outcome = this.store.decide(rec.key, rec.publishTimeUs, { agreed: true, contributions });
    } catch {
      this.count('store.decided-twice');
      return false;
    }
    this.recordDecision(outcome, nowUs);
    return outcome.kind === 'published';
  }

  /**
   * Censorship. Every backup relays each write it verifies to the primary (`onWriteBroadcast`),
   * so a correct primary has every write a correct backup has, whatever the origin did. A slot
   * that closed without a pending write this replica received (and relayed) at r with
   * r + 2ε + Δ + π + b <= t − closeBefore — the relay reached the primary within Δ + π, read on
   * a clock at most ε apart, and a batch is cut within b — in one view throughout, means the
   * primary omitted it (or every copy to it was lost, which violates the timing assumptions):
   * suspect the primary. Every backup that holds the write reacts at once, so the view changes.
   */
  private checkOmissions(nowUs: number): void {
    for (const p of this.pending.values()) if (this.state.isClosed(p.publishTimeUs)) this.judgeOmission(p, nowUs);
  }

  /** Judges once a pending write that can no longer be ordered (its slot closed, or will). */
  private judgeOmission(p: PendingWrite, nowUs: number): void {
    if (p.judged) return;
    p.judged = true;
    const status = this.engine.status();
    if (this.engine.isPrimary() || status.phase !== 'normal' || this.catchingUp) return;
    const t = this.config.timing;
    const reach = 2 * t.clockSkewUs + t.networkDelayUs + t.processingUs + t.batchIntervalUs;
    if (p.origin === status.primary || p.receivedView !== status.view || p.receivedUs + reach > p.publishTimeUs - t.closeBeforeUs) return;
    // A whole slot closed empty after its publish time had passed here: what a primary draining
    // a backlog does (expiredSlotsToSkip). It could only have been published late anyway.
    if (nowUs >= p.publishTimeUs && (this.state.record(p.key, p.publishTimeUs)?.contributions.length ?? 0) === 0) {
      this.count('censorship.excused-expired-slot');
      return;
    }
    this.count('censorship.omitted');
    this.engine.suspectPrimary('censorship', `${p.key}@${p.publishTimeUs} by '${p.writer}' closed without it`, nowUs);
  }

  // --- deadlines --------------------------------------------------------------------------

  /** Counts, once per slot, every known slot still undecided when the clock passes t. */
  private scanDeadlines(nowUs: number): void {
    if (nowUs < this.nextDeadlineScanUs) return;
    let next = Number.POSITIVE_INFINITY;
    const consider = (key: string, t: number): void => {
      const id = slotIdOf(key, t);
      if (this.deadlineCounted.has(id)) return;
      if (t <= nowUs) {
        this.deadlineCounted.add(id);
        this.undecidedAtDeadline++;
        this.count('agreed.undecided-at-deadline');
      } else if (t < next) next = t;
    };
    for (const r of this.state.undecided()) consider(r.key, r.publishTimeUs);
    for (const p of this.pending.values()) if (!this.state.isClosed(p.publishTimeUs)) consider(p.key, p.publishTimeUs);
    this.nextDeadlineScanUs = next;
    // Counted slots that are gone (decided, or forgotten) no longer need remembering.
    if (this.deadlineCounted.size > 4 * (this.state.size + this.pending.size) + 64) {
      for (const id of this.deadlineCounted) {
        const t = Number(id.slice(id.lastIndexOf('\n') + 1));
        if (this.state.isClosed(t)) this.deadlineCounted.delete(id);
      }
    }
  }

  // --- state transfer ---------------------------------------------------------------------

  /** A fresh replica asks where the cluster is; until f+1 answer "not ahead of you" it is not ready. */
  private probe(): void {
    if (this.config.replicas === 1) {
      this.closeProbe();
      return;
    }
    this.count('state.probe');
    this.broadcastSafe({ kind: 'stateRequest', stateRequest: { requestId: 0, sinceUs: 0 } });
  }

  private closeProbe(): void {
    this.probeOpen = false;
    this.probeAnswers.clear();
    if (this.target === undefined) this.catchingUp = false;
  }

  private broadcastSafe(body: Body): void {
    for (let r = 0; r < this.config.replicas; r++) if (r !== this.id) this.sendSafe(r, body);
  }

  private startTransfer(seq: number, digest: Uint8Array, nowUs: number): void {
    if (seq <= this.state.seq) {
      // This replica already holds that state or a later one (it executed past the engine,
      // e.g. as a learner): prove it to the engine from its own snapshot.
      const own = seq === this.state.seq ? this.state.digest() : this.snapshots.get(seq)?.digest;
      if (own !== undefined && bytesEqual(own, digest)) {
        if (this.engine.installCheckpoint(seq, digest, nowUs)) this.count('state.proven-locally');
        return;
      }
      if (seq < this.state.seq) {
        this.count('state.target-behind');
        return;
      }
    }
    const claim = claimOf(seq, digest);
    if (this.target?.claim === claim) return;
    const first = this.target === undefined;
    this.target = { seq, digest, claim, lastRequestUs: nowUs };
    this.catchingUp = true;
    this.count('state.transfer-needed');
    if (first) this.emit({ kind: 'state-transfer', phase: 'started', slots: 0 });
    if (!this.tryInstall(nowUs)) this.requestState(nowUs);
  }

  private requestState(nowUs: number): void {
    const t = this.target;
    if (t === undefined) return;
    t.lastRequestUs = nowUs;
    this.count('state.requested');
    this.broadcastSafe({ kind: 'stateRequest', stateRequest: { requestId: t.seq, sinceUs: 0 } });
  }

  private retryTransfer(nowUs: number): void {
    const t = this.target;
    if (t !== undefined && nowUs >= t.lastRequestUs + this.retryUs) this.requestState(nowUs);
  }

  private snapshotFor(seq: number): AgreedSnapshot | undefined {
    const exact = this.snapshots.get(seq);
    if (exact !== undefined) return exact;
    const stable = this.snapshots.get(this.stableSeq);
    if (stable !== undefined) return stable;
    if (this.stableSeq === 0) {
      // The state after seq 0 is the empty one, the same everywhere.
      this.genesis ??= new AgreedState(this.stateParams).snapshot();
      return this.genesis;
    }
    return undefined;
  }

  private onStateRequest(from: number, req: StateRequest, nowUs: number): void {
    const snap = this.snapshotFor(req.requestId);
    if (snap === undefined) {
      this.count('state.request-unservable');
      return;
    }
    const last = this.servedUs.get(from);
    if (last !== undefined && last.seq === snap.seq && nowUs - last.atUs < this.retryUs / 2) {
      this.count('state.request-throttled');
      return;
    }
    this.servedUs.set(from, { seq: snap.seq, atUs: nowUs });
    const slots = AgreedState.toWire(this.config.keys, snap);
    const chunks = this.chunk(slots);
    const view = this.engine.status().view;
    this.count('state.served');
    chunks.forEach((part, i) => {
      const reply: StateReply = {
        requestId: req.requestId,
        view,
        stableSeq: snap.seq,
        maxTauUs: snap.tauEffUs,
        slots: part,
        chunk: i,
        chunks: chunks.length,
        stateDigest: snap.digest,
      };
      this.sendSafe(from, { kind: 'stateReply', stateReply: reply });
    });
  }

  /** Splits slots into StateReply chunks within MAX_STATE_SLOTS and the frame's body limit. */
  private chunk(slots: readonly WirePublishedSlot[]): WirePublishedSlot[][] {
    const header: StateReply = {
      requestId: Number.MAX_SAFE_INTEGER,
      view: Number.MAX_SAFE_INTEGER,
      stableSeq: Number.MAX_SAFE_INTEGER,
      maxTauUs: Number.MAX_SAFE_INTEGER,
      slots: [],
      chunk: MAX_STATE_CHUNKS,
      chunks: MAX_STATE_CHUNKS,
      stateDigest: new Uint8Array(32),
    };
    const base = encodeBody({ kind: 'stateReply', stateReply: header }).length + 8;
    const out: WirePublishedSlot[][] = [];
    let cur: WirePublishedSlot[] = [];
    let bytes = base;
    for (const s of slots) {
      const size = encodeBody({ kind: 'stateReply', stateReply: { ...header, slots: [s] } }).length - base + 8;
      if (base + size > MAX_BODY_BYTES) {
        this.count('state.slot-too-large');
        continue;
      }
      if (cur.length >= MAX_STATE_SLOTS || bytes + size > MAX_BODY_BYTES) {
        out.push(cur);
        cur = [];
        bytes = base;
      }
      cur.push(s);
      bytes += size;
    }
    out.push(cur);
    return out;
  }

  private onStateReply(from: number, rep: StateReply, nowUs: number): void {
    if (this.probeOpen) {
      this.probeAnswers.set(from, rep.stableSeq);
      let notAhead = 0;
      for (const s of this.probeAnswers.values()) if (s <= this.state.seq) notAhead++;
      if (notAhead >= this.config.f + 1) this.closeProbe();
    }
    if (rep.stableSeq <= this.state.seq) {
      this.count('state.reply-not-ahead');
      return;
    }
    if (rep.chunks > this.maxStateChunks) {
      this.count('state.reply-rejected');
      this.suspect(from, 'bad-state', `state reply in ${rep.chunks} chunks`, nowUs);
      return;
    }
    const claim = claimOf(rep.stableSeq, rep.stateDigest);
    this.claims.set(from, claim);
    let a = this.assemblies.get(from);
    if (a === undefined || a.claim !== claim) {
      if (a !== undefined && a.seq > rep.stableSeq) {
        this.count('state.reply-older');
        return;
      }
      a = { claim, seq: rep.stableSeq, tauEffUs: rep.maxTauUs, digest: rep.stateDigest.slice(), parts: new Array<WirePublishedSlot[] | undefined>(rep.chunks).fill(undefined), received: 0, slots: 0 };
      this.assemblies.set(from, a);
    }
    if (rep.chunks !== a.parts.length || rep.maxTauUs !== a.tauEffUs) {
      this.count('state.reply-rejected');
      this.suspect(from, 'bad-state', 'inconsistent state reply chunks', nowUs);
      this.assemblies.delete(from);
      return;
    }
    if (a.parts[rep.chunk] !== undefined) {
      this.count('state.reply-duplicate');
    } else {
      a.parts[rep.chunk] = rep.slots;
      a.received++;
      a.slots += rep.slots.length;
      if (a.slots > this.maxStateSlots) {
        this.count('state.reply-rejected');
        this.suspect(from, 'bad-state', `state reply with more than ${this.maxStateSlots} slots`, nowUs);
        this.assemblies.delete(from);
        return;
      }
    }
    if (a.received === a.parts.length) {
      this.assemblies.delete(from);
      this.verifyAssembly(from, a, nowUs);
    }
    if (this.tryInstall(nowUs)) this.afterEngineInput(nowUs);
  }

  private verifyAssembly(from: number, a: Assembly, nowUs: number): void {
    if (this.candidates.some((c) => c.claim === a.claim)) return;
    const slots: WirePublishedSlot[] = [];
    for (const part of a.parts) if (part !== undefined) slots.push(...part);
    const built = AgreedState.fromWire(this.stateParams, a.seq, a.tauEffUs, slots);
    if (!built.ok) {
      this.count('state.reply-rejected');
      this.suspect(from, 'bad-state', built.reason, nowUs);
      return;
    }
    if (!bytesEqual(built.state.digest(), a.digest)) {
      this.count('state.reply-rejected');
      this.suspect(from, 'bad-state', `state for seq ${a.seq} does not match its digest`, nowUs);
      return;
    }
    this.count('state.verified');
    this.candidates.push({ claim: a.claim, seq: a.seq, digest: a.digest, state: built.state });
    this.candidates.sort((x, y) => y.seq - x.seq);
    while (this.candidates.length > MAX_CANDIDATES) this.candidates.pop();
  }

  /**
   * Installs the best verified state that is ahead of ours and either is the engine's proven
   * target or is claimed by f+1 replicas, if the engine accepts its checkpoint proof.
   */
  private tryInstall(nowUs: number): boolean {
    for (const c of this.candidates) {
      if (c.seq <= this.state.seq) continue;
      let claimed = 0;
      for (const x of this.claims.values()) if (x === c.claim) claimed++;
      const isTarget = this.target?.claim === c.claim;
      const fallback = this.fallbackClaims.has(c.claim);
      if (!isTarget && !fallback && claimed < this.config.f + 1) continue;
      if (!this.engine.installCheckpoint(c.seq, c.digest, nowUs)) {
        // The engine has no quorum proof. f+1 signed checkpoints (the fallback) or f+1 replies
        // claiming it still include a correct replica: install it, leaving the engine behind
        // (it skips what is already applied and catches up by later checkpoints).
        if (!fallback && claimed < this.config.f + 1) {
          this.count('state.install-unproven');
          continue;
        }
        // The engine continues after it and votes for it: with f replicas silent, the others
        // need this replica's vote to make any later checkpoint stable (PbftEngine.adoptCheckpoint).
        this.count(this.engine.adoptCheckpoint(c.seq, c.digest, nowUs) ? 'state.adopted-by-engine' : 'state.installed-without-engine');
      }
      this.installState(c, nowUs);
      return true;
    }
    return false;
  }

  private installState(c: VerifiedState, nowUs: number): void {
    this.state = c.state;
    this.count('state.installed');
    let published = 0;
    const decided = this.state.sortedRecords().filter((r) => r.decided);
    decided.sort((x, y) => x.publishTimeUs - y.publishTimeUs || (x.key < y.key ? -1 : 1));
    for (const rec of decided) if (this.decideInStore(rec, nowUs)) published++;
    for (const [id, p] of this.pending) {
      const rec = this.state.record(p.key, p.publishTimeUs);
      if (this.state.isClosed(p.publishTimeUs) || rec?.contributions.some((x) => x.writer === p.writer) === true) this.pending.delete(id);
    }
    this.snapshots.set(c.seq, this.state.snapshot());
    this.stableSeq = Math.max(this.stableSeq, c.seq);
    this.acceptedTau.clear();
    this.target = undefined;
    this.candidates.length = 0;
    this.assemblies.clear();
    this.claims.clear();
    this.probeOpen = false;
    this.probeAnswers.clear();
    this.catchingUp = false;
    this.nextDeadlineScanUs = 0;
    this.emit({ kind: 'state-transfer', phase: 'completed', slots: published });
  }
}
