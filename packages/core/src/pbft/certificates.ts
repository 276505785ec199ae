/**
 * Checking the certificates that travel between replicas: prepared certificates (a batch and
 * `prepareQuorum` signed prepares), stable-checkpoint proofs (a quorum of signed checkpoints)
 * and whole ViewChanges. Everything a NewView is recomputed from passes through here, so these
 * checks are what stop a Byzantine replica from inventing history.
 *
 * Signature checks are the expensive part (Ed25519 verify is ~1 ms in pure JS), and the same
 * prepare or checkpoint shows up in many ViewChanges, so successful checks are remembered by
 * (kind, signer, signed fields, signature) and forgotten with the log below the stable
 * checkpoint.
 */
import type { Checkpoint, PreparedProof, Prepare, ViewChange } from '@bftkvs/msgs';
import { primaryOf } from './config.js';
import { checkpointSigningBytes, hex, prepareSigningBytes, viewChangeSigningBytes } from './messages.js';

export interface CertificateContext {
  readonly n: number;
  readonly quorum: number;
  readonly prepareQuorum: number;
  readonly checkpointIntervalSeqs: number;
  readonly watermarkWindowSeqs: number;
  readonly maxBatchBytes: number;
  readonly digest: (bytes: Uint8Array) => Uint8Array;
  readonly verify: (replica: number, bytes: Uint8Array, signature: Uint8Array) => boolean;
}

/** Remembers signatures that verified, keyed by seq so they can be dropped with the log. */
export class SignatureCache {
  private readonly bySeq = new Map<number, Set<string>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(seq: number, key: string): boolean {
    return this.bySeq.get(seq)?.has(key) ?? false;
  }

  add(seq: number, key: string): void {
    let s = this.bySeq.get(seq);
    if (s === undefined) {
      s = new Set();
      this.bySeq.set(seq, s);
    }
    if (!s.has(key)) {
      s.add(key);
      this.count++;
    }
  }

  /** Drops everything for seqs at or below h (ViewChange signatures are kept under their view). */
  dropBelow(h: number): void {
    for (const [seq, s] of [...this.bySeq]) {
      if (seq <= h) {
        this.count -= s.size;
        this.bySeq.delete(seq);
      }
    }
  }
}

function safeVerify(ctx: CertificateContext, replica: number, bytes: Uint8Array, sig: Uint8Array): boolean {
  try {
    return ctx.verify(replica, bytes, sig) === true;
  } catch {
    return false;
  }
}

function prepareKey(p: Prepare): string {
  return `p/${p.view}/${p.replica}/${hex(p.digest)}/${hex(p.signature)}`;
}

export function checkPrepareSignature(ctx: CertificateContext, cache: SignatureCache, p: Prepare): boolean {
  const key = prepareKey(p);
  if (cache.has(p.seq, key)) return true;
  if (p.replica >= ctx.n) return false;
  const ok = safeVerify(ctx, p.replica, prepareSigningBytes(p.view, p.seq, p.digest, p.replica), p.signature);
  if (ok) cache.add(p.seq, key);
  return ok;
}

/** Records a prepare this replica signed itself, so certificates holding it verify for free. */
export function trustPrepare(cache: SignatureCache, p: Prepare): void {
  cache.add(p.seq, prepareKey(p));
}

function checkpointKey(c: Checkpoint): string {
  return `c/${c.replica}/${hex(c.stateDigest)}/${hex(c.signature)}`;
}

export function checkCheckpointSignature(ctx: CertificateContext, cache: SignatureCache, c: Checkpoint): boolean {
  const key = checkpointKey(c);
  if (cache.has(c.seq, key)) return true;
  if (c.replica >= ctx.n) return false;
  const ok = safeVerify(ctx, c.replica, checkpointSigningBytes(c.seq, c.stateDigest, c.replica), c.signature);
  if (ok) cache.add(c.seq, key);
  return ok;
}

export function trustCheckpoint(cache: SignatureCache, c: Checkpoint): void {
  cache.add(c.seq, checkpointKey(c));
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly badSignature: boolean };

const fail = (reason: string, badSignature = false): Verdict => ({ ok: false, reason, badSignature });
const OK: Verdict = { ok: true };

/**
 * A stable-checkpoint proof: `quorum` checkpoints from distinct replicas for `seq` agreeing on
 * one digest. seq 0 is the genesis state everybody starts from and needs no proof.
 */
export function checkStableProof(ctx: CertificateContext, cache: SignatureCache, seq: number, proof: readonly Checkpoint[]): Verdict {
  if (seq === 0) return proof.length === 0 ? OK : fail('genesis checkpoint carries a proof');
  if (seq % ctx.checkpointIntervalSeqs !== 0) return fail(`stable seq ${seq} is not a checkpoint`);
  if (proof.length < ctx.quorum || proof.length > ctx.n) return fail(`stable proof has ${proof.length} checkpoints`);
  const first = proof[0];
  if (first === undefined) return fail('empty stable proof');
  const digestHex = hex(first.stateDigest);
  const seen = new Set<number>();
  for (const c of proof) {
    if (c.seq !== seq || hex(c.stateDigest) !== digestHex) return fail('stable proof checkpoints disagree');
    if (c.replica >= ctx.n || seen.has(c.replica)) return fail('stable proof repeats or misnames a replica');
    seen.add(c.replica);
  }
  for (const c of proof) if (!checkCheckpointSignature(ctx, cache, c)) return fail(`bad checkpoint signature of replica ${c.replica}`, true);
  return OK;
}

/**
 * A prepared certificate shown in a ViewChange for `newView`: prepared in an earlier view, for
 * a seq inside the sender's window, with `prepareQuorum` matching prepares signed by distinct
 * backups of that view. The primary's own prepare never counts: two certificates for one
 * (view, seq) then share a correct backup whenever the primary is faulty, and a certificate
 * for a digest a correct primary never proposed needs a correct backup to lie.
 */
export function checkPreparedProof(
  ctx: CertificateContext,
  cache: SignatureCache,
  p: PreparedProof,
  newView: number,
  stableSeq: number,
): Verdict {
  if (p.view >= newView) return fail(`certificate view ${p.view} is not before ${newView}`);
  if (p.seq <= stableSeq || p.seq > stableSeq + ctx.watermarkWindowSeqs) return fail(`certificate seq ${p.seq} outside the window`);
  if (p.batch.length > ctx.maxBatchBytes) return fail('certificate batch too large');
  if (p.prepares.length < ctx.prepareQuorum || p.prepares.length > ctx.n - 1) return fail(`certificate has ${p.prepares.length} prepares`);
  const digestHex = hex(ctx.digest(p.batch));
  const primary = primaryOf(p.view, ctx.n);
  const seen = new Set<number>();
  for (const q of p.prepares) {
    if (q.view !== p.view || q.seq !== p.seq || hex(q.digest) !== digestHex) return fail('prepare does not match its certificate');
    if (q.replica >= ctx.n || q.replica === primary || seen.has(q.replica)) return fail('prepare from the primary, a repeated or an unknown replica');
    seen.add(q.replica);
  }
  for (const q of p.prepares) if (!checkPrepareSignature(ctx, cache, q)) return fail(`bad prepare signature of replica ${q.replica}`, true);
  return OK;
}

/**
 * A whole ViewChange: its signature, its checkpoint proof and every certificate in it.
 * `verifiedViewChanges` remembers ViewChange signatures already checked (by a digest of the
 * signed bytes, so a copied signature on other content does not match); the caller clears it
 * when a view is installed.
 */
export function checkViewChange(
  ctx: CertificateContext,
  cache: SignatureCache,
  vc: ViewChange,
  verifiedViewChanges?: Set<string>,
): Verdict {
  if (vc.replica >= ctx.n) return fail('unknown replica');
  if (vc.newView < 1) return fail('view change to view 0');
  if (vc.prepared.length > ctx.watermarkWindowSeqs) return fail('more certificates than the window holds');
  if (vc.stableProof.length > ctx.n) return fail('oversized stable proof');
  const signed = viewChangeSigningBytes(vc);
  const key = `v/${vc.replica}/${hex(ctx.digest(signed))}/${hex(vc.signature)}`;
  if (verifiedViewChanges?.has(key) !== true) {
    if (!safeVerify(ctx, vc.replica, signed, vc.signature)) return fail('bad view-change signature', true);
    verifiedViewChanges?.add(key);
  }
  const stable = checkStableProof(ctx, cache, vc.stableSeq, vc.stableProof);
  if (!stable.ok) return stable;
  const seqs = new Set<number>();
  for (const p of vc.prepared) {
    if (seqs.has(p.seq)) return fail(`two certificates for seq ${p.seq}`);
    seqs.add(p.seq);
    const v = checkPreparedProof(ctx, cache, p, vc.newView, vc.stableSeq);
    if (!v.ok) return v;
  }
  return OK;
}
