/**
 * The contract of the PBFT ordering engine: what the embedding replica injects, what it feeds
 * in, and what it drains out. The engine orders opaque payloads (encoded `Batch` bytes); what
 * a batch means, when to cut one and how to execute it belong to the embedder.
 *
 * Drain rule for embedders: after every input call `drain()`, then
 *   1. execute `committed` in order (seq is strictly increasing, no gaps except a jump made by
 *      `installCheckpoint`), calling `checkpointState` after each seq that is a multiple of the
 *      checkpoint interval;
 *   2. act on `events` (view changes, suspicions, state transfer);
 *   3. send `messages` (`to: 'all'` means every other replica).
 * Nothing has to be persisted before sending: a restarted replica rejoins by state transfer.
 */
import type { Body } from '@bftkvs/msgs';
import type { SuspicionReason } from '../replica/types.js';

export type PbftMessageKind = 'prePrepare' | 'prepare' | 'commit' | 'checkpoint' | 'viewChange' | 'newView';

/** The PBFT members of the wire `Body` union, so `encodeBody(msg)` sends one as is. */
export type PbftMessage = Extract<Body, { kind: PbftMessageKind }>;

/** What the embedder's acceptance rule is told about a batch it is asked to judge. */
export interface BatchContext {
  readonly view: number;
  readonly seq: number;
  readonly nowUs: number;
  /**
   * True when the batch is re-proposed by a NewView: it was prepared in an earlier view (or is
   * the null batch), so freshness checks against the local clock must be relaxed — rejecting
   * it cannot undo it, it can only stall the new view.
   */
  readonly reproposal: boolean;
}

export type BatchVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * When prepare signatures are checked.
 * - 'before-commit' (default, safe): a replica verifies the 2f signatures of its prepared
 *   certificate once, when it becomes prepared and before it sends its commit. Receipt of a
 *   prepare never verifies; prepares beyond the quorum are never verified.
 * - 'at-view-change': signatures are verified only when a certificate is put into a
 *   ViewChange or checked inside a NewView. Faster on the normal path, but a Byzantine backup
 *   that sends prepares with bad signatures can leave correct replicas that committed unable to
 *   prove it in a view change, so a committed batch can be lost (see pbft/lazyVerification.test.ts).
 */
export type PrepareVerification = 'before-commit' | 'at-view-change';

export interface PbftOptions {
  /** Replicas 0..n-1; n >= 3f + 1 and n <= MAX_REPLICAS. */
  readonly n: number;
  readonly f: number;
  readonly self: number;
  /** SHA-256 (the batch digest the wire carries). */
  readonly digest: (bytes: Uint8Array) => Uint8Array;
  /** Ed25519 with this replica's key. */
  readonly sign: (bytes: Uint8Array) => Uint8Array;
  /** Ed25519 check against `replica`'s public key. Must not throw (a throw counts as invalid). */
  readonly verify: (replica: number, bytes: Uint8Array, signature: Uint8Array) => boolean;
  /** The embedding mode's acceptance rule. A backup does not prepare a rejected batch. */
  readonly validateBatch: (batch: Uint8Array, context: BatchContext) => BatchVerdict;
  /** What a NewView proposes for a sequence number no view change certificate covers. */
  readonly nullBatch: Uint8Array;
  /** Checkpoint every this many seqs (K). */
  readonly checkpointIntervalSeqs: number;
  /** Watermark window L: seqs in (h, h + L] are accepted. A multiple of K, <= MAX_LOG_WINDOW. */
  readonly watermarkWindowSeqs: number;
  /** A backup starts a view change after this long without progress (doubles per failed view). */
  readonly viewChangeTimeoutUs: number;
  /** Cap of the exponential back-off. Default 64 x viewChangeTimeoutUs. */
  readonly maxViewChangeTimeoutUs?: number;
  /** Period of retransmissions (lost datagrams). Default viewChangeTimeoutUs / 4. */
  readonly retransmitIntervalUs?: number;
  /** Messages retransmitted to one peer per retransmission round. Default 64. */
  readonly retransmitBudgetPerPeer?: number;
  /**
   * How long a replica behind a stable checkpoint waits for the missing messages before it
   * asks for state transfer. Default retransmitIntervalUs.
   */
  readonly stateTransferGraceUs?: number;
  /**
   * True (default): the primary is expected to commit continuously (agreed mode sends empty
   * batches when idle), so "no progress for the timeout" suspects it. False: the timer only
   * runs while some pre-prepare/prepare/commit is pending (fast mode's periodic sync rounds).
   */
  readonly expectContinuousProgress?: boolean;
  /** The highest committed tau the embedder knows; carried opaquely in ViewChange.max_tau_us. */
  readonly maxCommittedTauUs?: () => number;
  /** Largest batch accepted in a pre-prepare. Default: what fits a PrePrepare body. */
  readonly maxBatchBytes?: number;
  /** Normal-case messages for a future view buffered per sender. Default 4 x L. */
  readonly maxBufferedPerReplica?: number;
  readonly prepareVerification?: PrepareVerification;
  /**
   * TESTS ONLY: replaces the quorum size ceil((n + f + 1) / 2) = 2f + 1. Used to show that the
   * safety checks catch a broken quorum; never set it in a deployment.
   */
  readonly quorumOverrideForTesting?: number;
}

export interface OutboundMessage {
  /** A replica index, or every other replica. */
  readonly to: number | 'all';
  readonly msg: PbftMessage;
}

export interface CommittedBatch {
  readonly seq: number;
  /** The view in which this replica saw it commit. */
  readonly view: number;
  readonly batch: Uint8Array;
  readonly digest: Uint8Array;
}

export type PbftEvent =
  /** A new view is installed (NewView sent or accepted). */
  | {
      readonly kind: 'view';
      readonly view: number;
      readonly primary: number;
      /** max over the NewView's view changes of max_tau_us (as DESIGN §3 asks). */
      readonly maxTauUs: number;
      /**
       * The (f+1)-th largest max_tau_us: at least one correct replica reported a value >= it,
       * so unlike maxTauUs a Byzantine replica cannot inflate it.
       */
      readonly robustMaxTauUs: number;
    }
  /** This replica left its view and asks for `view`. */
  | { readonly kind: 'view-change'; readonly view: number; readonly reason: string }
  | { readonly kind: 'suspect'; readonly node: number; readonly reason: SuspicionReason; readonly detail: string }
  /** 2f+1 signed checkpoints agree on the state after `seq`; the log below it is collected. */
  | { readonly kind: 'stable-checkpoint'; readonly seq: number; readonly stateDigest: Uint8Array }
  /**
   * A stable checkpoint proves state this replica has not executed (it fell behind or its state
   * differs): fetch the state after `seq` whose digest is `stateDigest` from other replicas and
   * call `installCheckpoint(seq, stateDigest, nowUs)`.
   */
  | { readonly kind: 'state-transfer-needed'; readonly seq: number; readonly stateDigest: Uint8Array; readonly reason: string };

export interface PbftReady {
  readonly messages: readonly OutboundMessage[];
  readonly committed: readonly CommittedBatch[];
  readonly events: readonly PbftEvent[];
  /** Call `tick` again by this time at the latest (earlier is always allowed). */
  readonly nextTickUs: number;
}

export type ProposeResult =
  | { readonly ok: true; readonly seq: number; readonly digest: Uint8Array }
  | { readonly ok: false; readonly reason: 'not-primary' | 'view-change' | 'window-full' | 'too-large' };

export interface PbftStatus {
  readonly view: number;
  readonly primary: number;
  /** 'view-change': waiting for a NewView for `targetView`; normal messages are ignored. */
  readonly phase: 'normal' | 'view-change';
  readonly targetView: number;
  /** h: the stable checkpoint; the log holds seqs in (h, h + L]. */
  readonly lowWatermark: number;
  readonly lastExecuted: number;
  /** The next seq the primary assigns. */
  readonly nextSeq: number;
}

/** Sizes of every growing structure (all bounded; the bounds are in the comments). */
export interface PbftMemory {
  /** <= L. */
  readonly logEntries: number;
  /** <= n x maxBufferedPerReplica. */
  readonly bufferedMessages: number;
  /** <= n x (L / K + 1). */
  readonly checkpointVotes: number;
  /** <= n (the latest per replica). */
  readonly viewChanges: number;
  /** <= (n - 1) x L + n x (L / K + 1) + a few per view change. */
  readonly verifiedSignatures: number;
}
