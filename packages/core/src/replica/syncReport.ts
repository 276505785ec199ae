/**
 * Fast-mode synchronisation, the static part: how time is cut into rounds and parts, the byte
 * budget that keeps every proposal (and a NewView that has to carry one) inside one frame,
 * signed reports, and the 32-byte checkpoint state of the synchronisation.
 *
 * Rounds and parts. Round r covers the publish times [r·P, (r+1)·P) (P = syncPeriodUs) and is
 * reported when the replica's clock reaches (r+1)·P + margin. A round's slots, ordered by
 * (publish time, key), are cut into *parts* of consecutive slots, each small enough that 2f+1
 * reports of it fit one proposal: the cut is computed from the configuration alone (key
 * grids, writer counts, value types), as the worst case of what a correct replica can hold, so
 * every replica computes the same parts and a correct replica's report always fits. A part is
 * one synchronisation instance with its own id `r · PARTS_PER_ROUND + p`, carried in the wire's
 * `round` field; its wire window [from_us, to_us) is the span of its publish times (two parts
 * may share a publish time when a cut falls between keys: membership is by (time, key), see
 * `inPart`). Rounds without any grid point have no parts (nothing to agree on).
 *
 * Reports carry each held write without its MAC vector: no replica but its owner can check a
 * MAC entry, and the canonical rule must not depend on who checks (docs/protocol.md). With
 * MACs only, the reporter's own entry is kept (the wire requires an authenticator); with
 * signatures, the origin's signature (transferable). This cuts a write to about a third.
 */
import type { AuthenticatedWrite, ReportedSlot, SyncReport } from '@bftkvs/msgs';
import { MAX_BODY_BYTES, MAX_REPORT_SLOTS, MAX_SLOT_WRITERS, MAX_VALUE_BYTES, MAX_VALUE_TEXT_BYTES, SIGNATURE_BYTES, decodeWrite, encodeBody } from '@bftkvs/msgs';
import type { CryptoSuite } from '../auth/crypto.js';
import type { ClusterConfig } from '../cluster.js';
import type { KeySchema } from '../schema.js';
import { isOnGrid, nextGridPoint } from '../time.js';
import type { ValueType } from '../value.js';

/** Parts per round at most; a round needing more puts the rest in its last part (counted oversize). */
export const PARTS_PER_ROUND = 256;
/** A report never gets less than this, whatever the NewView bound says (see syncBudget). */
export const MIN_REPORT_BYTES = 256;

const EMPTY = new Uint8Array(0);
const REPORT_TAG = tagBytes('bftkvs/sync/v1/report');

// Upper bounds of protobuf encodings (tag + length prefix + fields), for the budget.
/** A signed Checkpoint inside a stable proof. */
const CHECKPOINT_BYTES = 120;
/** A signed Prepare inside a prepared certificate. */
const PREPARE_BYTES = 128;
/** A ViewChange without its proofs: newView, stableSeq, maxTau, replica, signature. */
const VIEW_CHANGE_FIXED = 128;
/** A PreparedProof around its batch: view, seq, length prefixes. */
const PROOF_FIXED = 40;
/** A NewView without its parts: body prefix, view, replica, signature. */
const NEW_VIEW_FIXED = 128;
/** A PrePrepare around its batch. */
const PRE_PREPARE_FIXED = 40;
/** Batch around its reports: sync field prefix, proposal round, from, to. */
const BATCH_FIXED = 48;
/** A SyncReport without its slots: prefix, round, from, to, replica, signature. */
export const REPORT_FIXED = 112;

export interface SyncBudget {
  /** Largest encoded Batch the primary proposes (the engine's maxBatchBytes). */
  readonly batchBytes: number;
  /** Largest encoded report body (encodeBody of the SyncReport) a proposal may carry. */
  readonly reportBytes: number;
  /** Whether a NewView re-proposing one full proposal, with a certificate in each ViewChange, fits a frame. */
  readonly newViewSafe: boolean;
}

/**
 * The byte budget. A proposal must fit a PrePrepare, and — the binding constraint — a NewView
 * that carries q ViewChanges (q = the PBFT quorum), each with its stable proof and one
 * prepared certificate of a proposal, plus the re-proposal itself: (q + 1) copies of a batch.
 * The primary keeps one proposal in flight (it waits until the previous one is executed and
 * checkpointed), so in the normal case a ViewChange holds at most one certificate. When f is so
 * large that this leaves less than MIN_REPORT_BYTES per report, the NewView bound is given up
 * (`newViewSafe` false; PBFT's known oversize weakness, counted by the engine).
 */
export function syncBudget(n: number, f: number): SyncBudget {
  const q = Math.ceil((n + f + 1) / 2);
  const reports = 2 * f + 1;
  const perViewChange = VIEW_CHANGE_FIXED + q * CHECKPOINT_BYTES + PROOF_FIXED + (q - 1) * PREPARE_BYTES;
  const newViewBound = Math.floor((MAX_BODY_BYTES - NEW_VIEW_FIXED - PRE_PREPARE_FIXED - q * perViewChange) / (q + 1));
  const prePrepareBound = MAX_BODY_BYTES - PRE_PREPARE_FIXED;
  const minimum = BATCH_FIXED + reports * MIN_REPORT_BYTES;
  const batchBytes = Math.min(prePrepareBound, Math.max(newViewBound, minimum));
  return { batchBytes, reportBytes: Math.floor((batchBytes - BATCH_FIXED) / reports), newViewSafe: newViewBound >= minimum };
}

// --- worst-case sizes from the configuration ---------------------------------------------------

function varintBytes(n: number): number {
  let b = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    b++;
  }
  return b;
}

/** A length-delimited field of `n` content bytes: tag, length, content. */
function field(n: number): number {
  return 1 + varintBytes(n) + n;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Upper bound of an encoded wire Value of this type. */
function maxValueBytes(type: ValueType): number {
  const text = (chars: number): number => field(Math.min(3 * chars, MAX_VALUE_TEXT_BYTES));
  switch (type.kind) {
    case 'float64':
      return 9;
    case 'int64':
      return 11;
    case 'bool':
      return 2;
    case 'string':
      return text(type.maxLength);
    case 'enum':
      return field(Math.max(0, ...type.values.map(utf8Length)));
    case 'float64[]':
      return field(field(8 * type.length));
    case 'struct': {
      let inner = 0;
      for (const [name, kind] of Object.entries(type.fields)) {
        const v = kind === 'float64' ? 9 : kind === 'int64' ? 11 : kind === 'bool' ? 2 : text(MAX_VALUE_TEXT_BYTES);
        inner += field(field(utf8Length(name)) + v);
      }
      return Math.min(MAX_VALUE_BYTES, field(inner));
    }
  }
}

/** Upper bound of one reported slot of this key holding one write per writer (no evidence). */
export function slotWorstBytes(schema: KeySchema, signatures: boolean): number {
  const keyBytes = utf8Length(schema.name);
  const writerBytes = Math.max(...schema.writers.map(utf8Length));
  // Write: key, publish time, writer, value, origin, issued-at.
  const write = field(keyBytes) + 9 + field(writerBytes) + field(maxValueBytes(schema.type)) + 2 + 9;
  const auth = signatures ? field(SIGNATURE_BYTES) : field(32);
  const perWrite = field(field(write) + auth);
  const writes = Math.min(schema.writers.length, MAX_SLOT_WRITERS);
  return field(field(keyBytes) + 9 + writes * perWrite);
}

// --- rounds and parts ------------------------------------------------------------------------

export interface PartWindow {
  /** The wire `round`: round · PARTS_PER_ROUND + part. */
  readonly id: number;
  readonly round: number;
  readonly part: number;
  /** The wire window: every slot of the part has its publish time in [fromUs, toUs). */
  readonly fromUs: number;
  readonly toUs: number;
  /** Membership: (startUs, startKey) <= (t, key) < (endUs, endKey); '' sorts before every key. */
  readonly startUs: number;
  readonly startKey: string;
  readonly endUs: number;
  readonly endKey: string;
  /** Grid points (key, publish time) in the window. */
  readonly slots: number;
  /** Worst-case content of a correct report exceeds the budget (a single publish time too large, or too many parts). */
  readonly oversize: boolean;
}

interface Unit {
  readonly t: number;
  readonly key: string;
  readonly bytes: number;
}

/** Whether slot (t, key) belongs to the part. */
export function inPart(w: PartWindow, t: number, key: string): boolean {
  const afterStart = t > w.startUs || (t === w.startUs && key >= w.startKey);
  const beforeEnd = t < w.endUs || (t === w.endUs && key < w.endKey);
  return afterStart && beforeEnd;
}

const PLAN_CACHE = 16;

/** Rounds, parts and budgets of one cluster configuration; every replica computes the same. */
export class SyncPlan {
  readonly periodUs: number;
  /** Reports of round r are made at (r+1)·P + marginUs (replica clock). */
  readonly marginUs: number;
  readonly budget: SyncBudget;
  /** Reports per proposal: 2f+1. */
  readonly quorum: number;
  /** Reports that must carry a value for it to be canonical: f+1. */
  readonly threshold: number;
  private readonly keys: readonly { readonly schema: KeySchema; readonly bytes: number }[];
  private readonly cache = new Map<number, readonly PartWindow[]>();

  constructor(readonly config: ClusterConfig) {
    this.periodUs = config.timing.syncPeriodUs;
    if (!Number.isSafeInteger(this.periodUs) || this.periodUs <= 0) throw new RangeError(`syncPeriodUs must be a positive integer, got ${this.periodUs}`);
    // Every correct clock has passed the window end (skew) and decided its slots (processing).
    this.marginUs = config.timing.clockSkewUs + config.timing.processingUs;
    this.budget = syncBudget(config.replicas, config.f);
    this.quorum = 2 * config.f + 1;
    this.threshold = config.f + 1;
    this.keys = [...config.keys.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((schema) => ({ schema, bytes: slotWorstBytes(schema, config.signatures) }));
  }

  roundOf(tUs: number): number {
    return Math.floor(tUs / this.periodUs);
  }

  reportAtUs(round: number): number {
    return (round + 1) * this.periodUs + this.marginUs;
  }

  /** Content bytes a report may use for its slots. */
  get contentBytes(): number {
    return this.budget.reportBytes - REPORT_FIXED;
  }

  /** The parts of round r, in order (empty when no key has a grid point in it). */
  parts(round: number): readonly PartWindow[] {
    const hit = this.cache.get(round);
    if (hit !== undefined) return hit;
    const parts = this.computeParts(round);
    if (this.cache.size >= PLAN_CACHE) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(round, parts);
    return parts;
  }

  /** The window of a part id, or undefined for an id that names no part. */
  window(id: number): PartWindow | undefined {
    if (!Number.isSafeInteger(id) || id < 0) return undefined;
    const round = Math.floor(id / PARTS_PER_ROUND);
    return this.parts(round)[id - round * PARTS_PER_ROUND];
  }

  /** The grid slots of a part, as "publishTime\nkey", ascending. */
  slotsOf(w: PartWindow): string[] {
    const out: { t: number; key: string }[] = [];
    for (const k of this.keys) {
      for (let t = nextGridPoint(k.schema.grid, w.startUs); t <= w.endUs; t += k.schema.grid.periodUs) {
        if (inPart(w, t, k.schema.name)) out.push({ t, key: k.schema.name });
      }
    }
    out.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out.map((x) => `${x.t}\n${x.key}`);
  }

  /** The parts with id in (afterId, beforeId), at most `limit` rounds back from beforeId. */
  partsBetween(afterId: number, beforeId: number, limitRounds: number): PartWindow[] {
    const out: PartWindow[] = [];
    const last = Math.floor(beforeId / PARTS_PER_ROUND);
    const first = Math.max(Math.floor(afterId / PARTS_PER_ROUND), last - limitRounds, 0);
    for (let r = first; r <= last; r++) for (const p of this.parts(r)) if (p.id > afterId && p.id < beforeId) out.push(p);
    return out;
  }

  private computeParts(round: number): PartWindow[] {
    const from = round * this.periodUs;
    const to = from + this.periodUs;
    if (!Number.isSafeInteger(to * 2) || (round + 1) * PARTS_PER_ROUND > Number.MAX_SAFE_INTEGER) return [];
    const units: Unit[] = [];
    for (const k of this.keys) {
      for (let t = nextGridPoint(k.schema.grid, from); t < to; t += k.schema.grid.periodUs) units.push({ t, key: k.schema.name, bytes: k.bytes });
    }
    units.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const budget = this.contentBytes;
    const groups: { units: Unit[]; bytes: number; oversize: boolean }[] = [];
    for (const u of units) {
      const g = groups[groups.length - 1];
      const fits = g !== undefined && g.bytes + u.bytes <= budget && g.units.length < MAX_REPORT_SLOTS;
      if (g !== undefined && (fits || groups.length >= PARTS_PER_ROUND)) {
        g.units.push(u);
        g.bytes += u.bytes;
        if (!fits) g.oversize = true;
      } else {
        groups.push({ units: [u], bytes: u.bytes, oversize: u.bytes > budget });
      }
    }
    return groups.map((g, p) => {
      const first = g.units[0] as Unit;
      const last = g.units[g.units.length - 1] as Unit;
      const next = groups[p + 1]?.units[0];
      const startUs = p === 0 ? from : first.t;
      const startKey = p === 0 ? '' : first.key;
      const endUs = next === undefined ? to : next.t;
      const endKey = next === undefined ? '' : next.key;
      return {
        id: round * PARTS_PER_ROUND + p,
        round,
        part: p,
        fromUs: startUs,
        // A cut between two keys of one publish time: this part still holds slots at next.t.
        toUs: next !== undefined && last.t === next.t ? next.t + 1 : endUs,
        startUs,
        startKey,
        endUs,
        endKey,
        slots: g.units.length,
        oversize: g.oversize,
      };
    });
  }
}

// --- reports -----------------------------------------------------------------------------------

function tagBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0x7f;
  return out;
}

function unsignedBody(r: SyncReport): Uint8Array {
  return encodeBody({ kind: 'syncReport', syncReport: { ...r, signature: EMPTY } });
}

function withTag(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(REPORT_TAG.length + body.length);
  out.set(REPORT_TAG, 0);
  out.set(body, REPORT_TAG.length);
  return out;
}

/**
 * What a report's signature covers: a domain tag, then the canonical encoding of fields 1..5
 * (the report body with an empty signature). Decoders accept only canonical encodings, so a
 * received report re-encodes to exactly the signed bytes.
 */
export function reportSigningBytes(r: SyncReport): Uint8Array {
  return withTag(unsignedBody(r));
}

/** Encoded size of the report as a body (what the budget counts). */
export function reportBytes(r: SyncReport): number {
  return unsignedBody(r).length + (r.signature.length === 0 ? 0 : field(r.signature.length));
}

export function verifyReport(r: SyncReport, crypto: CryptoSuite, publicKeys: readonly Uint8Array[]): boolean {
  const key = publicKeys[r.replica];
  if (key === undefined || r.signature.length !== SIGNATURE_BYTES) return false;
  return crypto.ed25519Verify(r.signature, reportSigningBytes(r), key);
}

/** A held write as a report carries it: without the MAC vector (see the file comment). */
export function reportedWrite(aw: AuthenticatedWrite, self: number, signatures: boolean): AuthenticatedWrite | undefined {
  if (signatures && aw.signature.length === SIGNATURE_BYTES) return { write: aw.write, macs: [], signature: aw.signature };
  const own = aw.macs[self];
  return own === undefined ? undefined : { write: aw.write, macs: [own], signature: EMPTY };
}

export type BuiltReport =
  | { readonly ok: true; readonly report: SyncReport; readonly droppedEvidence: number }
  | { readonly ok: false; readonly bytes: number };

/**
 * Builds and signs this replica's report of one part from the slots it holds. Equivocation
 * evidence (a writer's second value) rides along while it fits the budget; it is dropped first
 * when it does not. A report that still does not fit is not made (its part stays unsynced).
 */
export function buildReport(o: {
  readonly window: PartWindow;
  readonly replica: number;
  readonly held: readonly ReportedSlot[];
  readonly signatures: boolean;
  readonly maxBytes: number;
  readonly sign: (bytes: Uint8Array) => Uint8Array;
}): BuiltReport {
  const slots: ReportedSlot[] = [];
  for (const s of o.held) {
    if (!inPart(o.window, s.publishTimeUs, s.key)) continue;
    const writes: AuthenticatedWrite[] = [];
    for (const aw of s.writes) {
      const w = reportedWrite(aw, o.replica, o.signatures);
      if (w !== undefined) writes.push(w);
    }
    slots.push({ key: s.key, publishTimeUs: s.publishTimeUs, writes });
  }
  const report: SyncReport = { round: o.window.id, fromUs: o.window.fromUs, toUs: o.window.toUs, slots: slots.slice(0, MAX_REPORT_SLOTS), replica: o.replica, signature: EMPTY };
  let body = unsignedBody(report);
  let dropped = 0;
  if (body.length + field(SIGNATURE_BYTES) > o.maxBytes) {
    // Drop evidence: a write whose writer already appears earlier in its slot.
    report.slots = report.slots.map((s) => {
      const seen = new Set<string>();
      const kept: AuthenticatedWrite[] = [];
      for (const aw of s.writes) {
        const d = decodeWrite(aw.write);
        const writer = d.ok ? d.value.writer : undefined;
        if (writer !== undefined && seen.has(writer)) {
          dropped++;
          continue;
        }
        if (writer !== undefined) seen.add(writer);
        kept.push(aw);
      }
      return { ...s, writes: kept };
    });
    body = unsignedBody(report);
  }
  const size = body.length + field(SIGNATURE_BYTES);
  if (size > o.maxBytes) return { ok: false, bytes: size };
  report.signature = o.sign(withTag(body));
  return { ok: true, report, droppedEvidence: dropped };
}

/**
 * Structural checks every replica makes identically on a report for `window` (the signature
 * is checked separately): the window matches, the reporter is a replica, the size is within
 * the budget, slots are strictly ascending by (publish time, key), inside the window, of known
 * keys and on their grid. Undefined when fine, else why not.
 */
export function checkReport(r: SyncReport, window: PartWindow, config: ClusterConfig, maxBytes: number): string | undefined {
  if (r.round !== window.id || r.fromUs !== window.fromUs || r.toUs !== window.toUs) {
    return `report of replica ${r.replica} names round ${r.round} [${r.fromUs}, ${r.toUs}), expected ${window.id} [${window.fromUs}, ${window.toUs})`;
  }
  if (r.replica >= config.replicas) return `report names replica ${r.replica}`;
  if (r.signature.length !== SIGNATURE_BYTES) return `report of replica ${r.replica} is not signed`;
  let prevT = -1;
  let prevKey = '';
  for (const s of r.slots) {
    if (!inPart(window, s.publishTimeUs, s.key)) return `report of replica ${r.replica} has a slot outside its part`;
    const schema = config.keys.get(s.key);
    if (schema === undefined) return `report of replica ${r.replica} names unknown key '${s.key}'`;
    if (!isOnGrid(schema.grid, s.publishTimeUs)) return `report of replica ${r.replica} has an off-grid slot ${s.key}@${s.publishTimeUs}`;
    if (s.publishTimeUs < prevT || (s.publishTimeUs === prevT && s.key <= prevKey)) return `report of replica ${r.replica} lists slots out of order`;
    prevT = s.publishTimeUs;
    prevKey = s.key;
  }
  const size = reportBytes(r);
  if (size > maxBytes) return `report of replica ${r.replica} has ${size} bytes, the budget is ${maxBytes}`;
  return undefined;
}

// --- checkpoint state ------------------------------------------------------------------------

/** Bytes of the execution chain kept in the state. */
export const CHAIN_BYTES = 24;

/**
 * The synchronisation's whole replicated state fits the 32-byte checkpoint digest: the last
 * applied part id (8 bytes, big-endian) and a 24-byte hash chain over every executed batch.
 * So the "digest" *is* the state: a replica that a quorum of checkpoints proves behind installs
 * it without fetching anything (state transfer = decoding the proven digest).
 */
export interface SyncState {
  readonly lastApplied: number;
  readonly chain: Uint8Array;
}

export function encodeSyncState(s: SyncState): Uint8Array {
  const out = new Uint8Array(8 + CHAIN_BYTES);
  const hi = Math.floor(s.lastApplied / 0x1_0000_0000);
  const lo = s.lastApplied >>> 0;
  out[0] = (hi >>> 24) & 0xff;
  out[1] = (hi >>> 16) & 0xff;
  out[2] = (hi >>> 8) & 0xff;
  out[3] = hi & 0xff;
  out[4] = (lo >>> 24) & 0xff;
  out[5] = (lo >>> 16) & 0xff;
  out[6] = (lo >>> 8) & 0xff;
  out[7] = lo & 0xff;
  out.set(s.chain.subarray(0, CHAIN_BYTES), 8);
  return out;
}

export function decodeSyncState(digest: Uint8Array): SyncState | undefined {
  if (digest.length !== 8 + CHAIN_BYTES) return undefined;
  const b = (i: number): number => digest[i] as number;
  const hi = ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0;
  const lo = ((b(4) << 24) | (b(5) << 16) | (b(6) << 8) | b(7)) >>> 0;
  const lastApplied = hi * 0x1_0000_0000 + lo;
  if (!Number.isSafeInteger(lastApplied)) return undefined;
  return { lastApplied, chain: digest.slice(8) };
}
