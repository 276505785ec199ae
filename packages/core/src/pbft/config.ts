/**
 * Options validated once, at construction: a bad limit is a deployment error and must fail at
 * start-up, not as a stall under load. Everything the protocol computes from (n, f) lives here.
 */
import { MAX_BODY_BYTES, MAX_LOG_WINDOW, MAX_REPLICAS } from '@bftkvs/msgs';
import type { PbftOptions, PrepareVerification } from './types.js';

/**
 * PrePrepare body overhead around the batch: body tag and length (1 + 3), view and seq fields
 * (2 x (1 + 8)), batch tag and length (1 + 3). Rounded up.
 */
const PRE_PREPARE_OVERHEAD_BYTES = 32;

export interface PbftConfig {
  readonly n: number;
  readonly f: number;
  readonly self: number;
  /**
   * Quorum size: any two quorums share f + 1 replicas, so at least one correct one.
   * ceil((n + f + 1) / 2), which is 2f + 1 when n = 3f + 1.
   */
  readonly quorum: number;
  /** Prepares (from distinct backups, possibly including this one) that make a certificate. */
  readonly prepareQuorum: number;
  readonly checkpointIntervalSeqs: number;
  readonly watermarkWindowSeqs: number;
  readonly viewChangeTimeoutUs: number;
  readonly maxViewChangeTimeoutUs: number;
  readonly retransmitIntervalUs: number;
  readonly retransmitBudgetPerPeer: number;
  readonly stateTransferGraceUs: number;
  readonly expectContinuousProgress: boolean;
  readonly maxBatchBytes: number;
  readonly maxBufferedPerReplica: number;
  readonly prepareVerification: PrepareVerification;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`pbft: ${name} must be a positive integer, got ${v}`);
  return v;
}

export function resolveConfig(o: PbftOptions): PbftConfig {
  const n = positiveInt('n', o.n);
  if (!Number.isSafeInteger(o.f) || o.f < 0) throw new RangeError(`pbft: f must be >= 0, got ${o.f}`);
  const f = o.f;
  if (n < 3 * f + 1) throw new RangeError(`pbft: n = ${n} cannot tolerate f = ${f} Byzantine replicas (needs 3f + 1)`);
  if (n > MAX_REPLICAS) throw new RangeError(`pbft: n = ${n} exceeds MAX_REPLICAS = ${MAX_REPLICAS}`);
  if (!Number.isSafeInteger(o.self) || o.self < 0 || o.self >= n) throw new RangeError(`pbft: self = ${o.self} is not in 0..${n - 1}`);
  const k = positiveInt('checkpointIntervalSeqs', o.checkpointIntervalSeqs);
  const l = positiveInt('watermarkWindowSeqs', o.watermarkWindowSeqs);
  if (l % k !== 0) throw new RangeError(`pbft: watermarkWindowSeqs (${l}) must be a multiple of checkpointIntervalSeqs (${k})`);
  // A ViewChange carries at most one certificate per seq of the window and a NewView at most
  // one re-proposal per seq: both lists are bounded by MAX_LOG_WINDOW on the wire.
  if (l > MAX_LOG_WINDOW) throw new RangeError(`pbft: watermarkWindowSeqs (${l}) exceeds MAX_LOG_WINDOW = ${MAX_LOG_WINDOW}`);
  const timeoutUs = positiveInt('viewChangeTimeoutUs', o.viewChangeTimeoutUs);
  const maxTimeoutUs = positiveInt('maxViewChangeTimeoutUs', o.maxViewChangeTimeoutUs ?? 64 * timeoutUs);
  if (maxTimeoutUs < timeoutUs) throw new RangeError('pbft: maxViewChangeTimeoutUs < viewChangeTimeoutUs');
  const retransmitIntervalUs = positiveInt('retransmitIntervalUs', o.retransmitIntervalUs ?? Math.max(1, Math.floor(timeoutUs / 4)));
  const maxBatchBytes = positiveInt('maxBatchBytes', o.maxBatchBytes ?? MAX_BODY_BYTES - PRE_PREPARE_OVERHEAD_BYTES);
  if (maxBatchBytes > MAX_BODY_BYTES - PRE_PREPARE_OVERHEAD_BYTES) throw new RangeError('pbft: maxBatchBytes does not fit a PrePrepare body');
  if (o.nullBatch.length > maxBatchBytes) throw new RangeError('pbft: nullBatch exceeds maxBatchBytes');

  let quorum = Math.ceil((n + f + 1) / 2);
  if (o.quorumOverrideForTesting !== undefined) {
    // Deliberately unchecked against the safety bound: the must-fail tests need a broken quorum.
    quorum = positiveInt('quorumOverrideForTesting', o.quorumOverrideForTesting);
    if (quorum > n) throw new RangeError('pbft: quorumOverrideForTesting > n');
  }
  return {
    n,
    f,
    self: o.self,
    quorum,
    prepareQuorum: quorum - 1,
    checkpointIntervalSeqs: k,
    watermarkWindowSeqs: l,
    viewChangeTimeoutUs: timeoutUs,
    maxViewChangeTimeoutUs: maxTimeoutUs,
    retransmitIntervalUs,
    retransmitBudgetPerPeer: positiveInt('retransmitBudgetPerPeer', o.retransmitBudgetPerPeer ?? 64),
    stateTransferGraceUs: o.stateTransferGraceUs ?? retransmitIntervalUs,
    expectContinuousProgress: o.expectContinuousProgress ?? true,
    maxBatchBytes,
    maxBufferedPerReplica: positiveInt('maxBufferedPerReplica', o.maxBufferedPerReplica ?? 4 * l),
    prepareVerification: o.prepareVerification ?? 'before-commit',
  };
}

/** Round-robin primaries: every replica leads one view in n, so f faulty ones cannot block forever. */
export function primaryOf(view: number, n: number): number {
  return view % n;
}

/**
 * View-change timeouts until a correct primary runs a view, past up to f faulty primaries in the
 * rotation: the timeout that notices the first, then one per further faulty primary, each
 * doubled by the engine's back-off — 1 + 1 + 2 + … + 2^(f−2) <= 2^f. Two at f = 1; at f = 2 a
 * faulty primary followed by a crashed one took three (simulator, fast, seed 505).
 */
export function timeoutsToCorrectPrimary(f: number): number {
  return 2 ** Math.max(1, f);
}
