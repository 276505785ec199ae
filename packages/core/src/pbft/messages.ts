/**
 * The byte strings PBFT signatures cover, and small byte helpers.
 *
 * Signatures are over a fixed, hand-written layout rather than a protobuf re-encoding, so
 * that the signed bytes depend only on field values (never on an encoder's choices) and each
 * kind starts with its own domain tag: a signature made for one message kind, or for anything
 * else the embedder signs with the same key (writes, sync reports), can never be replayed as
 * another.
 */
import type { Checkpoint, NewView, PrePrepare, Prepare, ViewChange } from '@bftkvs/msgs';
import type { PbftMessage, PbftMessageKind } from './types.js';

const TAGS = {
  prepare: 'bftkvs/pbft/v1/prepare',
  checkpoint: 'bftkvs/pbft/v1/checkpoint',
  viewChange: 'bftkvs/pbft/v1/view-change',
  newView: 'bftkvs/pbft/v1/new-view',
} as const;

/** Append-only byte builder; integers are big-endian so the layout is easy to read in a dump. */
class ByteWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  tag(text: string): this {
    // Tags are ASCII; the trailing 0 keeps one tag from being a prefix of another's layout.
    this.reserve(text.length + 1);
    for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i) & 0x7f;
    this.buf[this.len++] = 0;
    return this;
  }

  u32(v: number): this {
    this.reserve(4);
    this.buf[this.len++] = (v >>> 24) & 0xff;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  /** Integers up to 2^53 - 1 (the wire's bound), as two 32-bit halves. */
  u64(v: number): this {
    return this.u32(Math.floor(v / 0x1_0000_0000)).u32(v >>> 0);
  }

  /** Length-prefixed, so adjacent variable fields cannot be re-split. */
  bytes(b: Uint8Array): this {
    this.u32(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export function prepareSigningBytes(view: number, seq: number, digest: Uint8Array, replica: number): Uint8Array {
  return new ByteWriter().tag(TAGS.prepare).u64(view).u64(seq).bytes(digest).u32(replica).finish();
}

export function checkpointSigningBytes(seq: number, stateDigest: Uint8Array, replica: number): Uint8Array {
  return new ByteWriter().tag(TAGS.checkpoint).u64(seq).bytes(stateDigest).u32(replica).finish();
}

function writePrepare(w: ByteWriter, p: Prepare): void {
  w.u64(p.view).u64(p.seq).bytes(p.digest).u32(p.replica).bytes(p.signature);
}

function writeCheckpoint(w: ByteWriter, c: Checkpoint): void {
  w.u64(c.seq).bytes(c.stateDigest).u32(c.replica).bytes(c.signature);
}

/** ViewChange fields 1..6 (everything but its own signature), nested signatures included. */
export function viewChangeSigningBytes(vc: ViewChange): Uint8Array {
  const w = new ByteWriter().tag(TAGS.viewChange).u64(vc.newView).u64(vc.stableSeq);
  w.u32(vc.stableProof.length);
  for (const c of vc.stableProof) writeCheckpoint(w, c);
  w.u32(vc.prepared.length);
  for (const p of vc.prepared) {
    w.u64(p.view).u64(p.seq).bytes(p.batch).u32(p.prepares.length);
    for (const q of p.prepares) writePrepare(w, q);
  }
  return w.u64(vc.maxTauUs).u32(vc.replica).finish();
}

/**
 * NewView fields 1..4. Each included ViewChange is bound by (replica, signature): its content
 * is already fixed by its own signature, which is checked separately, so repeating it here
 * would only cost hashing time.
 */
export function newViewSigningBytes(nv: NewView): Uint8Array {
  const w = new ByteWriter().tag(TAGS.newView).u64(nv.view);
  w.u32(nv.viewChanges.length);
  for (const vc of nv.viewChanges) w.u32(vc.replica).bytes(vc.signature);
  w.u32(nv.prePrepares.length);
  for (const pp of nv.prePrepares) w.u64(pp.view).u64(pp.seq).bytes(pp.batch);
  return w.u32(nv.replica).finish();
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Digests as map keys and in diagnostics. */
export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] as number];
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const PBFT_KINDS: ReadonlySet<string> = new Set<PbftMessageKind>([
  'prePrepare',
  'prepare',
  'commit',
  'checkpoint',
  'viewChange',
  'newView',
]);

/** Whether a decoded Body is for the PBFT engine (the embedder routes the rest elsewhere). */
export function isPbftMessage(body: { kind: string }): body is PbftMessage {
  return PBFT_KINDS.has(body.kind);
}

/** The view a normal-case or view-change message speaks for (checkpoints have none). */
export function viewOf(msg: PbftMessage): number | undefined {
  switch (msg.kind) {
    case 'prePrepare':
      return msg.prePrepare.view;
    case 'prepare':
      return msg.prepare.view;
    case 'commit':
      return msg.commit.view;
    case 'viewChange':
      return msg.viewChange.newView;
    case 'newView':
      return msg.newView.view;
    case 'checkpoint':
      return undefined;
  }
}

export function prePrepareMessage(pp: PrePrepare): PbftMessage {
  return { kind: 'prePrepare', prePrepare: pp };
}
