/**
 * Sizing of the PBFT instance that orders `agreed` mode's batches: checkpoint interval K,
 * watermark window L and the largest batch the primary cuts (B), from the cluster's shape and
 * timing. Everything here is a function of the configuration only, so every replica computes
 * the same numbers.
 *
 * Why these bounds (docs/protocol.md, `agreed`, "Sizing"):
 *
 * - **The window must hold the pipeline and a lagging replica.** The primary cuts at most one
 *   batch per b; a batch is committed three hops later and its checkpoint is stable one more
 *   hop later. The primary may only propose seqs in (h, h + L], and h moves only when a quorum
 *   — with f replicas silent, *every* correct replica — has executed and signed a checkpoint.
 *   A correct replica that lost a message is repaired by retransmission within two
 *   retransmission intervals R, so L holds K seqs, the batches in flight and 2R of cutting:
 *       pipeline = ceil((4(Δ + π) + 2ε) / b) + 2,
 *       R = clamp(4(Δ + π + ε) + b, b, viewChangeTimeout / 4),
 *       L = K · ceil((K + pipeline + ceil(2R / b)) / K)          (<= MAX_LOG_WINDOW).
 *   A smaller L makes the primary stall at the window edge, leaving gaps in τ longer than b,
 *   which the closeBefore bound does not allow.
 * - **A full window of certificates fits one ViewChange frame.** A ViewChange carries, per seq
 *   in the window, the batch and q − 1 signed prepares. With L certificates:
 *       VC(B) = VC_FIXED + q · CHECKPOINT + L · (CERT_FIXED + B + (q − 1) · PREPARE) <= MAX_BODY_BYTES,
 *   so B = floor((MAX_BODY_BYTES − VC_FIXED − q · CHECKPOINT) / L) − CERT_FIXED − (q − 1) · PREPARE.
 *   The constants are protobuf worst cases (8-byte varints for 53-bit integers), checked by
 *   agreedSizing.test.ts against a real encoded ViewChange.
 * - **K is small** (at most MAX_AGREED_CHECKPOINT_INTERVAL, and at most the configured
 *   `checkpointInterval`): the prepared-but-not-yet-stable seqs — what a ViewChange really
 *   carries — are about K + the pipeline, and a NewView carries q ViewChanges. Small K keeps
 *   typical NewViews inside one frame (a NewView with q full windows of full batches does not
 *   fit; that is the wire schema's known limit, counted as `send.oversize.newView`).
 *
 * A single write larger than B is still ordered, alone in its batch (up to what a PrePrepare
 * can carry), so no valid write is unorderable.
 */
import { MAX_BODY_BYTES, MAX_LOG_WINDOW } from '@bftkvs/msgs';
import type { ClusterConfig } from '../cluster.js';

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
}

/** Worst-case encoded size of a ViewChange with `certs` certificates of `batchBytes` batches. */
export function viewChangeBytesBound(quorum: number, certs: number, batchBytes: number): number {
  return VC_FIXED_BYTES + quorum * CHECKPOINT_BYTES + certs * (CERT_FIXED_BYTES + batchBytes + (quorum - 1) * PREPARE_BYTES);
}

export function agreedSizing(config: Pick<ClusterConfig, 'replicas' | 'f' | 'timing'>): AgreedSizing {
  const n = config.replicas;
  const f = config.f;
  const quorum = Math.ceil((n + f + 1) / 2);
  const t = config.timing;
  const b = Math.max(1, t.batchIntervalUs);
  const pipelineSeqs = Math.ceil((4 * (t.networkDelayUs + t.processingUs) + 2 * t.clockSkewUs) / b) + 2;
  const hopUs = t.networkDelayUs + t.processingUs + t.clockSkewUs;
  const retransmitIntervalUs = Math.max(b, Math.min(4 * hopUs + b, Math.floor(t.viewChangeTimeoutUs / 4)));
  const k = Math.max(1, Math.min(MAX_AGREED_CHECKPOINT_INTERVAL, Math.floor(t.checkpointInterval)));
  let l = k * Math.max(2, Math.ceil((k + pipelineSeqs + Math.ceil((2 * retransmitIntervalUs) / b)) / k));
  if (l > MAX_LOG_WINDOW) l = Math.max(k, Math.floor(MAX_LOG_WINDOW / k) * k);
  const engineMaxBatchBytes = MAX_BODY_BYTES - PRE_PREPARE_OVERHEAD_BYTES;
  const perCert = Math.floor((MAX_BODY_BYTES - VC_FIXED_BYTES - quorum * CHECKPOINT_BYTES) / l);
  let maxBatchBytes = perCert - CERT_FIXED_BYTES - (quorum - 1) * PREPARE_BYTES;
  maxBatchBytes = Math.min(engineMaxBatchBytes, Math.max(MIN_AGREED_BATCH_BYTES, maxBatchBytes));
  return { quorum, pipelineSeqs, retransmitIntervalUs, checkpointIntervalSeqs: k, watermarkWindowSeqs: l, maxBatchBytes, engineMaxBatchBytes };
}
