/**
 * The message log: one entry per sequence number inside the watermark window (h, h + L].
 *
 * An entry holds two kinds of state:
 * - per-view state (the accepted pre-prepare, prepares and commits of the current view) that
 *   is cleared when a new view is installed, because messages of different views never combine;
 * - cross-view state that survives view changes: the prepared certificate of the highest view
 *   (what this replica must show in its next ViewChange — dropping it would let a new primary
 *   re-assign a seq that committed elsewhere) and the committed batch (what it delivers).
 *
 * Entries at or below h are deleted when a checkpoint becomes stable, so the log never holds
 * more than L entries whatever the run time.
 */
import type { Commit, Prepare } from '@bftkvs/msgs';

export interface Proposal {
  readonly view: number;
  readonly batch: Uint8Array;
  readonly digest: Uint8Array;
  readonly digestHex: string;
}

export interface AcceptedPrePrepare extends Proposal {
  /** Came from a NewView rather than from the primary's normal operation. */
  readonly reproposal: boolean;
  /** The embedder's validateBatch accepted it (this replica prepares only then). */
  readonly valid: boolean;
}

export interface PrepareVote {
  readonly prepare: Prepare;
  readonly digestHex: string;
  /** The signature was checked (or this replica made it). */
  verified: boolean;
  /** The signature failed its check: never counted, and the sender's slot stays taken. */
  bad: boolean;
}

/** A pre-prepared batch with prepares from `prepareQuorum` distinct backups of its view. */
export interface PreparedCertificate extends Proposal {
  readonly seq: number;
  prepares: Prepare[];
}

export class SeqEntry {
  /** The view the per-view fields below belong to. */
  view: number;
  prePrepare: AcceptedPrePrepare | undefined;
  /** By sender; one per backup (a second, different one is equivocation). */
  readonly prepares = new Map<number, PrepareVote>();
  /** By sender: the digest it committed to. */
  readonly commits = new Map<number, string>();
  sentPrePrepare = false;
  sentPrepare: Prepare | undefined;
  sentCommit: Commit | undefined;
  /** First time this replica sent something for the entry in this view (retransmission age). */
  firstSentUs: number | undefined;
  prepared = false;
  /** Suspicions already raised for this entry in this view (raised once, not per message). */
  flagged = false;

  /** Survives view changes. */
  cert: PreparedCertificate | undefined;
  committed: Proposal | undefined;

  constructor(
    readonly seq: number,
    view: number,
  ) {
    this.view = view;
  }

  resetForView(view: number): void {
    this.view = view;
    this.prePrepare = undefined;
    this.prepares.clear();
    this.commits.clear();
    this.sentPrePrepare = false;
    this.sentPrepare = undefined;
    this.sentCommit = undefined;
    this.firstSentUs = undefined;
    this.prepared = false;
    this.flagged = false;
  }

  markSent(nowUs: number): void {
    if (this.firstSentUs === undefined) this.firstSentUs = nowUs;
  }

  /** Whether anything of the current view is in flight (a reason to expect progress). */
  hasActivity(): boolean {
    return this.prePrepare !== undefined || this.prepares.size > 0 || this.commits.size > 0;
  }
}

export class PbftLog {
  private readonly entries = new Map<number, SeqEntry>();
  private low = 0;

  constructor(private readonly windowSeqs: number) {}

  /** h: the last stable checkpoint. */
  get lowWatermark(): number {
    return this.low;
  }

  get size(): number {
    return this.entries.size;
  }

  inWindow(seq: number): boolean {
    return seq > this.low && seq <= this.low + this.windowSeqs;
  }

  get(seq: number): SeqEntry | undefined {
    return this.entries.get(seq);
  }

  /** The entry for an in-window seq, created in `view` if absent. Undefined outside the window. */
  open(seq: number, view: number): SeqEntry | undefined {
    if (!this.inWindow(seq)) return undefined;
    let e = this.entries.get(seq);
    if (e === undefined) {
      e = new SeqEntry(seq, view);
      this.entries.set(seq, e);
    } else if (e.view !== view) {
      e.resetForView(view);
    }
    return e;
  }

  /** Entries in ascending seq order. */
  ascending(): SeqEntry[] {
    return [...this.entries.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Moves h forward and drops every entry at or below it. */
  advanceLow(h: number): void {
    if (h <= this.low) return;
    this.low = h;
    for (const seq of [...this.entries.keys()]) if (seq <= h) this.entries.delete(seq);
  }
}
