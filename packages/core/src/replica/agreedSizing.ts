/**
 * Sizing of the PBFT instance that orders `agreed` mode's batches: checkpoint interval K,
 * watermark window L and the largest batch the primary cuts (B), from the cluster's shape and
 * timing. Everything here is a function of the configuration only, so every replica computes
 * the same numbers.
 *
 * Why these bounds (docs/protocol.md, `agreed`, "Checkpoints and sizing"):
 *
 * - **A NewView for a full window fits one frame.** The window fills exactly when checkpoints
 *   stop becoming stable — with f replicas silent, one correct replica that cannot vote is
 *   enough — and that is when a view change is needed. A ViewChange carries, per seq of the
 *   window, the batch and q − 1 signed prepares; a NewView carries q ViewChanges and a
 *   re-proposal per seq. With L certificates of B-byte batches:
 *       NV(L, B) = NV_FIXED + q·(VC_FIXED + q·CHECKPOINT)
 *                  + L·(q·(CERT + B + (q − 1)·PREPARE) + PRE_PREPARE + B)  <= MAX_BODY_BYTES.
 *   (Constants: protobuf worst cases — 8-byte varints for 53-bit integers — checked by
 *   agreedSizing.test.ts against real encodings.) If the frame cannot hold even one typical
 *   write per batch this way (q >= 5 with slow timing), L falls back to the ViewChange bound
 *   (the brief's rule: one full ViewChange per frame) and NewViews with full windows of full
 *   batches do not fit — counted as `send.oversize.newView`.
 * - **The window should hold the pipeline.** The primary cuts at most one batch per b; a batch
 *   is committed three hops later and its checkpoint is stable one more hop later, so
 *       pipeline = ceil((4(Δ + π) + 2ε) / b) + 2,    L_wanted = K · ceil((K + pipeline) / K).
 *   L is reduced from L_wanted (in steps of K, down to 2K) until the NewView bound holds, and
 *   if even 2K is too much, K is reduced. A window smaller than the pipeline only matters at
 *   the maximum cut rate (one batch per b, i.e. under load): the primary then waits for the
 *   next stable checkpoint.
 * - **K is small** (at most MAX_AGREED_CHECKPOINT_INTERVAL and the configured interval).
 *
 * A single write larger than B is still ordered, alone in its batch (up to what a PrePrepare
 * can carry), so no valid write is unorderable.
 */
import { MAX_BODY_BYTES, MAX_LOG_WINDOW } from '@bftkvs/msgs';
import type { ClusterConfig, TimingConfig } from '../cluster.js';

/** What the sizing depends on: N, f and part of the timing (the simulator sizes before it has a config). */
export interface AgreedSizingInput {
  readonly replicas: number;
  readonly f: number;
  readonly timing: Pick<TimingConfig, 'batchIntervalUs' | 'networkDelayUs' | 'processingUs' | 'clockSkewUs' | 'viewChangeTimeoutUs' | 'checkpointInterval'>;
}

/** Upper bound on K in agreed mode (see the module comment). */
export const MAX_AGREED_CHECKPOINT_INTERVAL = 4;

/** PrePrepare body overhead around the batch (pbft/config.ts PRE_PREPARE_OVERHEAD_BYTES). */
const PRE_PREPARE_OVERHEAD_BYTES = 32;
/** Body oneof tag + length, ViewChange scalars (new_view, stable_seq, max_tau_us: 9 each; replica 2), signature 66. */
const VC_FIXED_BYTES = 4 + 27 + 2 + 66;
/** One Checkpoint inside stable_proof: seq 9 + digest 34 + replica 2 + signature 66 + tag/len 2. */
const CHECKPOINT_BYTES = 113;
/** One Prepare inside a PreparedProof: view 9 + seq 9 + digest 34 + replica 2 + signature 66 + tag/len 2. */
const PREPARE_BYTES = 122;
/** One PreparedProof around its batch and prepares: view 9 + seq 9 + batch tag/len 4 + proof tag/len 4. */
const CERT_FIXED_BYTES = 26;
/** NewView body: tag + length 4, view 9, replica 2, signature 66. */
const NV_FIXED_BYTES = 4 + 9 + 2 + 66;
/** A re-proposed PrePrepare inside a NewView around its batch: view 9 + seq 9 + batch tag/len 4 + tag/len 4. */
const NV_PRE_PREPARE_BYTES = 26;
/** Batches smaller than this are not useful; below it the cluster is too large for the wire schema. */
export const MIN_AGREED_BATCH_BYTES = 256;

export interface AgreedSizing {
  /** PBFT quorum ceil((n + f + 1) / 2). */
  readonly quorum: number;
  /** Batches in flight between a cut and the stable checkpoint that covers it. */
  readonly pipelineSeqs: number;
  /** PBFT retransmission interval R. */
  readonly retransmitIntervalUs: number;
  readonly checkpointIntervalSeqs: number;
  readonly watermarkWindowSeqs: number;
  /** The primary's cap on an encoded batch (a lone larger write is still ordered). */
  readonly maxBatchBytes: number;
  /** What a PrePrepare can carry at all (the engine's limit). */
  readonly engineMaxBatchBytes: number;
  /** Whether a NewView for a full window of maxBatchBytes batches fits one frame. */
  readonly newViewFits: boolean;
}

/** Worst-case encoded size of a ViewChange with `certs` certificates of `batchBytes` batches. */
export function viewChangeBytesBound(quorum: number, certs: number, batchBytes: number): number {
  return VC_FIXED_BYTES + quorum * CHECKPOINT_BYTES + certs * (CERT_FIXED_BYTES + batchBytes + (quorum - 1) * PREPARE_BYTES);
}

/** Worst-case encoded size of a NewView of `quorum` such ViewChanges and `certs` re-proposals. */
export function newViewBytesBound(quorum: number, certs: number, batchBytes: number): number {
  return NV_FIXED_BYTES + quorum * viewChangeBytesBound(quorum, certs, batchBytes) + certs * (NV_PRE_PREPARE_BYTES + batchBytes);
}

/** The largest B with newViewBytesBound(q, L, B) <= MAX_BODY_BYTES (negative if none). */
function newViewBatchBytes(quorum: number, certs: number): number {
  const fixed = NV_FIXED_BYTES + quorum * (VC_FIXED_BYTES + quorum * CHECKPOINT_BYTES);
  const perCertWithoutBatch = quorum * (CERT_FIXED_BYTES + (quorum - 1) * PREPARE_BYTES) + NV_PRE_PREPARE_BYTES;
  return Math.floor((Math.floor((MAX_BODY_BYTES - fixed) / certs) - perCertWithoutBatch) / (quorum + 1));
}

/** The largest B with viewChangeBytesBound(q, L, B) <= MAX_BODY_BYTES. */
function viewChangeBatchBytes(quorum: number, certs: number): number {
  return Math.floor((MAX_BODY_BYTES - VC_FIXED_BYTES - quorum * CHECKPOINT_BYTES) / certs) - CERT_FIXED_BYTES - (quorum - 1) * PREPARE_BYTES;
}

/** A small write with its MAC vector, a signature and framing: what a batch must hold at least. */
export function agreedTypicalWriteBytes(n: number): number {
  return 96 + 34 * n + 66;
}

/**
 * How many typical writes per second agreed mode can order: one batch per batch interval b, each
 * holding floor(maxBatchBytes / write) writes (at least one). A workload above this (or near it:
 * writes of one slot arrive together) makes writes miss their slot's close, and backups then
 * suspect the primary of censorship — a view change each time. Size keys and b from it.
 */
export function agreedWriteCapacity(sizing: AgreedSizing, replicas: number, batchIntervalUs: number, writeBytes = agreedTypicalWriteBytes(replicas)): number {
  const perBatch = Math.max(1, Math.floor((sizing.maxBatchBytes - 16) / writeBytes));
  return Math.floor((perBatch * 1_000_000) / batchIntervalUs);
}

export function agreedSizing(config: AgreedSizingInput): AgreedSizing {
  const n = config.replicas;
  const f = config.f;
  const quorum = Math.ceil((n + f + 1) / 2);
  const t = config.timing;
  const b = Math.max(1, t.batchIntervalUs);
  const pipelineSeqs = Math.ceil((4 * (t.networkDelayUs + t.processingUs) + 2 * t.clockSkewUs) / b) + 2;
  const hopUs = t.networkDelayUs + t.processingUs + t.clockSkewUs;
  const retransmitIntervalUs = Math.max(b, Math.min(4 * hopUs + b, Math.floor(t.viewChangeTimeoutUs / 4)));
  const kMax = Math.max(1, Math.min(MAX_AGREED_CHECKPOINT_INTERVAL, Math.floor(t.checkpointInterval)));
  const wantedFor = (k: number): number => {
    const w = k * Math.max(2, Math.ceil((k + pipelineSeqs) / k));
    return w > MAX_LOG_WINDOW ? Math.max(2 * k, Math.floor(MAX_LOG_WINDOW / k) * k) : w;
  };
  const engineMaxBatchBytes = MAX_BODY_BYTES - PRE_PREPARE_OVERHEAD_BYTES;
  const floor = Math.max(MIN_AGREED_BATCH_BYTES, agreedTypicalWriteBytes(n));
  const done = (k: number, l: number, newViewFits: boolean): AgreedSizing => {
    const b0 = newViewFits ? newViewBatchBytes(quorum, l) : viewChangeBatchBytes(quorum, l);
    const maxBatchBytes = Math.min(engineMaxBatchBytes, Math.max(MIN_AGREED_BATCH_BYTES, b0));
    return { quorum, pipelineSeqs, retransmitIntervalUs, checkpointIntervalSeqs: k, watermarkWindowSeqs: l, maxBatchBytes, engineMaxBatchBytes, newViewFits };
  };
  // The largest K (then the largest L >= 2K) for which a full-window NewView still fits.
  for (let k = kMax; k >= 1; k--) {
    let l = wantedFor(k);
    while (l > 2 * k && newViewBatchBytes(quorum, l) < floor) l -= k;
    if (newViewBatchBytes(quorum, l) >= floor) return done(k, l, true);
  }
  return done(kMax, wantedFor(kMax), false);
}

/** Every writer of every key writing once per period: the workload the keys allow (writes/s). */
export function configuredWriteRate(config: Pick<ClusterConfig, 'keys'>): number {
  let rate = 0;
  for (const k of config.keys.values()) rate += (k.writers.length * 1_000_000) / k.grid.periodUs;
  return rate;
}

/**
 * A warning when an agreed-mode cluster's keys allow more writes per second than half of what it
 * can order (see agreedWriteCapacity), or undefined. Not an error: writers may write less often
 * than every grid point.
 */
export function agreedCapacityWarning(config: ClusterConfig): string | undefined {
  if (config.mode !== 'agreed') return undefined;
  const capacity = agreedWriteCapacity(agreedSizing(config), config.replicas, config.timing.batchIntervalUs);
  const rate = configuredWriteRate(config);
  if (rate <= capacity / 2) return undefined;
  return (
    `the keys allow ${Math.round(rate)} writes/s but agreed mode orders about ${capacity} writes/s with N = ${config.replicas} and ` +
    `batchIntervalMs ${config.timing.batchIntervalUs / 1000}; above half of that, writes miss their slot and the primary is suspected ` +
    `of censorship (docs/protocol.md, agreed, throughput). Lengthen key periods, shorten batchIntervalMs, or use fast mode.`
  );
}
