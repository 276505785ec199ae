/**
 * The replicated state of `agreed` mode: what executing the committed batches in order
 * produces, identically at every correct replica. It is a pure, deterministic function of the
 * executed batch sequence (and of an installed checkpoint), never of clocks, MACs or arrival
 * order, so that checkpoint digests match across correct replicas.
 *
 * Rules (docs/protocol.md, `agreed`):
 * - τ_eff = max(τ_eff, batch τ) — monotone whatever a primary stamps.
 * - A write of a committed batch joins slot (k, t) iff τ_eff <= t − closeBefore (τ_eff after
 *   this batch's τ) and its writer has no value in the slot yet; a second, different value of
 *   the same writer is an equivocation (the first committed one stays); the same value again is
 *   a duplicate. Writes with τ_eff > t − closeBefore are late: dropped, identically everywhere.
 * - Checks made at execution are only those every replica makes identically: the write
 *   decodes, its origin hosts the writer, the key exists, the writer is authorised for it, the
 *   publish time is on the grid, the value has the key's type. (Authenticators were checked by
 *   the backups that prepared the batch; they are per-replica and cannot be part of execution.)
 * - After each batch every undecided slot with t − closeBefore < τ_eff is decided: no later
 *   batch can change it (τ_eff only grows).
 * - Decided slots are kept while t > τ_eff − retention_k · period_k (a window that depends on
 *   τ_eff and the configuration only), for reads after a state transfer.
 *
 * The state digest (checkpoints) is SHA-256 over: a domain tag, the last executed seq, τ_eff,
 * and, for every slot sorted by (key, publish time), SHA-256 of (decided flag, key, publish
 * time, contributions sorted by writer as (writer, canonical value)). Slot hashes are cached:
 * decided slots never change and undecided ones are rebuilt (copy-on-write) when a write joins.
 */
import type { AuthenticatedWrite, PublishedSlot as WirePublishedSlot } from '@bftkvs/msgs';
import { decodeWrite } from '@bftkvs/msgs';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { KeySchema } from '../schema.js';
import { isMicros, isOnGrid } from '../time.js';
import type { Value } from '../value.js';
import { canonicalValue, checkValue } from '../value.js';
import { valueFromWire, valueToWire } from './wireValue.js';

export interface AgreedStateParams {
  readonly keys: ReadonlyMap<string, KeySchema>;
  /** Writer -> hosting replica (the only origin allowed to issue its writes). */
  readonly writers: ReadonlyMap<string, number>;
  readonly closeBeforeUs: number;
  readonly sha256: (bytes: Uint8Array) => Uint8Array;
}

export interface StateContribution {
  readonly writer: string;
  readonly value: Value;
  /** canonicalValue(value). */
  readonly canon: string;
}

/** One slot of the state; immutable (replaced when a write joins or it is decided). */
export interface SlotRecord {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly decided: boolean;
  /** Sorted by writer, writers unique. */
  readonly contributions: readonly StateContribution[];
}

/** The state after a checkpoint seq, kept to serve state transfer. */
export interface AgreedSnapshot {
  readonly seq: number;
  readonly tauEffUs: number;
  /** Sorted by (key, publish time). */
  readonly records: readonly SlotRecord[];
  readonly digest: Uint8Array;
}

export interface WriteRef {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly writer: string;
  readonly origin: number;
}

export interface BatchEffects {
  readonly joined: WriteRef[];
  readonly late: WriteRef[];
  /** A writer's second, different committed value for a slot (the first stays). */
  readonly equivocations: WriteRef[];
  readonly duplicates: number;
  /** Writes every replica refuses identically (a correct primary never orders them). */
  readonly invalid: string[];
  /** Slots decided by this batch, ascending by (publish time, key). */
  readonly decided: SlotRecord[];
}

const DIGEST_TAG = utf8ToBytes('bftkvs/agreed/v1/state\0');
const RECORD_TAG = utf8ToBytes('bftkvs/agreed/v1/slot\0');
const hashes = new WeakMap<SlotRecord, Uint8Array>();

export function slotIdOf(key: string, publishTimeUs: number): string {
  return `${key}\n${publishTimeUs}`;
}

function compareRecords(a: SlotRecord, b: SlotRecord): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.publishTimeUs - b.publishTimeUs;
}

/** Checked form of a committed write, or why every replica refuses it. */
type CheckedStateWrite = { ok: true; ref: WriteRef; value: Value; canon: string } | { ok: false; reason: string };

export class AgreedState {
  /** The last executed seq (0: genesis). */
  seq = 0;
  tauEffUs = 0;
  private readonly records = new Map<string, SlotRecord>();
  private readonly p: AgreedStateParams;

  constructor(params: AgreedStateParams) {
    this.p = params;
  }

  get size(): number {
    return this.records.size;
  }

  /** Contributions held (undecided slots only): what grows with the horizon. */
  undecidedContributions(): number {
    let n = 0;
    for (const r of this.records.values()) if (!r.decided) n += r.contributions.length;
    return n;
  }

  record(key: string, publishTimeUs: number): SlotRecord | undefined {
    return this.records.get(slotIdOf(key, publishTimeUs));
  }

  /** Whether no batch can add to slot (k, t) any more. */
  isClosed(publishTimeUs: number): boolean {
    return this.tauEffUs > publishTimeUs - this.p.closeBeforeUs;
  }

  /** Undecided slots (any order). */
  undecided(): SlotRecord[] {
    const out: SlotRecord[] = [];
    for (const r of this.records.values()) if (!r.decided) out.push(r);
    return out;
  }

  /** Every slot, sorted by (key, publish time). */
  sortedRecords(): SlotRecord[] {
    return [...this.records.values()].sort(compareRecords);
  }

  /** The deterministic checks of a committed write. */
  checkWrite(aw: AuthenticatedWrite): CheckedStateWrite {
    const d = decodeWrite(aw.write);
    if (!d.ok) return { ok: false, reason: 'undecodable' };
    const w = d.value;
    if (this.p.writers.get(w.writer) !== w.origin) return { ok: false, reason: 'unauthorised-origin' };
    const schema = this.p.keys.get(w.key);
    if (schema === undefined) return { ok: false, reason: 'unknown-key' };
    if (!schema.writers.includes(w.writer)) return { ok: false, reason: 'not-authorised' };
    if (!isMicros(w.publishTimeUs) || w.publishTimeUs <= 0 || !isOnGrid(schema.grid, w.publishTimeUs)) return { ok: false, reason: 'off-grid' };
    const value = valueFromWire(schema.type, w.value);
    if (value === undefined || !checkValue(schema.type, value).ok) return { ok: false, reason: 'bad-value' };
    return { ok: true, ref: { key: w.key, publishTimeUs: w.publishTimeUs, writer: w.writer, origin: w.origin }, value, canon: canonicalValue(value) };
  }

  /** Executes one committed batch (seq must be above the last executed one). */
  applyBatch(seq: number, tauUs: number, writes: readonly AuthenticatedWrite[]): BatchEffects {
    if (!(seq > this.seq)) throw new RangeError(`agreed state: seq ${seq} is not above ${this.seq}`);
    this.seq = seq;
    if (tauUs > this.tauEffUs) this.tauEffUs = tauUs;
    const fx: BatchEffects = { joined: [], late: [], equivocations: [], duplicates: 0, invalid: [], decided: [] };
    for (const aw of writes) {
      const c = this.checkWrite(aw);
      if (!c.ok) {
        fx.invalid.push(c.reason);
        continue;
      }
      const { ref } = c;
      const id = slotIdOf(ref.key, ref.publishTimeUs);
      const rec = this.records.get(id);
      if (rec?.decided === true || this.isClosed(ref.publishTimeUs)) {
        fx.late.push(ref);
        continue;
      }
      const prior = rec?.contributions.find((x) => x.writer === ref.writer);
      if (prior !== undefined) {
        if (prior.canon === c.canon) (fx as { duplicates: number }).duplicates++;
        else fx.equivocations.push(ref);
        continue;
      }
      const contributions = [...(rec?.contributions ?? []), { writer: ref.writer, value: c.value, canon: c.canon }];
      contributions.sort((a, b) => (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0));
      this.records.set(id, { key: ref.key, publishTimeUs: ref.publishTimeUs, decided: false, contributions });
      fx.joined.push(ref);
    }
    for (const [id, r] of this.records) {
      if (!r.decided && this.isClosed(r.publishTimeUs)) {
        const d: SlotRecord = { ...r, decided: true };
        this.records.set(id, d);
        fx.decided.push(d);
      }
    }
    fx.decided.sort((a, b) => a.publishTimeUs - b.publishTimeUs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.prune();
    return fx;
  }

  /** Drops decided slots that left the retention window (deterministic: τ_eff and configuration). */
  private prune(): void {
    for (const [id, r] of this.records) {
      if (r.decided && r.publishTimeUs <= this.tauEffUs - this.windowUs(r.key)) this.records.delete(id);
    }
  }

  /** How long (µs of τ) decided slots of a key are kept. */
  windowUs(key: string): number {
    const s = this.p.keys.get(key);
    return s === undefined ? 0 : s.retention * s.grid.periodUs;
  }

  digest(): Uint8Array {
    return digestOf(this.p.sha256, this.seq, this.tauEffUs, this.sortedRecords());
  }

  snapshot(): AgreedSnapshot {
    const records = this.sortedRecords();
    return { seq: this.seq, tauEffUs: this.tauEffUs, records, digest: digestOf(this.p.sha256, this.seq, this.tauEffUs, records) };
  }

  /**
   * A snapshot as state-transfer slots: decided slots with agreed = true, undecided contents
   * with agreed = false. `value` is not state: it is the first contribution's value (the
   * receiver re-fuses decided slots from their contributions).
   */
  static toWire(keys: ReadonlyMap<string, KeySchema>, snap: AgreedSnapshot): WirePublishedSlot[] {
    const out: WirePublishedSlot[] = [];
    for (const r of snap.records) {
      const schema = keys.get(r.key);
      const first = r.contributions[0];
      if (schema === undefined || first === undefined) continue;
      out.push({
        key: r.key,
        publishTimeUs: r.publishTimeUs,
        value: valueToWire(schema.type, first.value),
        contributions: r.contributions.map((c) => ({ writer: c.writer, value: valueToWire(schema.type, c.value) })),
        agreed: r.decided,
        repairs: 0,
      });
    }
    return out;
  }

  /**
   * Rebuilds a state from transferred slots; structural checks only (the caller compares the
   * digest with the proven one). Undefined with a reason if the slots cannot be a state.
   */
  static fromWire(
    params: AgreedStateParams,
    seq: number,
    tauEffUs: number,
    slots: readonly WirePublishedSlot[],
  ): { ok: true; state: AgreedState } | { ok: false; reason: string } {
    const s = new AgreedState(params);
    if (!isMicros(seq) || !isMicros(tauEffUs)) return { ok: false, reason: 'bad seq or tau' };
    s.seq = seq;
    s.tauEffUs = tauEffUs;
    for (const slot of slots) {
      const schema = params.keys.get(slot.key);
      if (schema === undefined) return { ok: false, reason: `unknown key '${slot.key}'` };
      if (!isOnGrid(schema.grid, slot.publishTimeUs)) return { ok: false, reason: `${slot.key}@${slot.publishTimeUs} is off the grid` };
      const id = slotIdOf(slot.key, slot.publishTimeUs);
      if (s.records.has(id)) return { ok: false, reason: `${slot.key}@${slot.publishTimeUs} appears twice` };
      if (slot.agreed !== s.isClosed(slot.publishTimeUs)) return { ok: false, reason: `${slot.key}@${slot.publishTimeUs}: decided flag contradicts tau` };
      if (slot.contributions.length === 0) return { ok: false, reason: `${slot.key}@${slot.publishTimeUs} has no contributions` };
      const contributions: StateContribution[] = [];
      for (const c of slot.contributions) {
        if (!schema.writers.includes(c.writer)) return { ok: false, reason: `writer '${c.writer}' not authorised for '${slot.key}'` };
        const value = valueFromWire(schema.type, c.value);
        if (value === undefined || !checkValue(schema.type, value).ok) return { ok: false, reason: `bad value of '${c.writer}' in ${slot.key}@${slot.publishTimeUs}` };
        contributions.push({ writer: c.writer, value, canon: canonicalValue(value) });
      }
      s.records.set(id, { key: slot.key, publishTimeUs: slot.publishTimeUs, decided: slot.agreed, contributions });
    }
    return { ok: true, state: s };
  }
}

export function digestOf(sha256: (b: Uint8Array) => Uint8Array, seq: number, tauEffUs: number, sorted: readonly SlotRecord[]): Uint8Array {
  const w = new Bytes();
  w.raw(DIGEST_TAG).u64(seq).u64(tauEffUs).u32(sorted.length);
  for (const r of sorted) w.raw(recordHash(sha256, r));
  return sha256(w.done());
}

function recordHash(sha256: (b: Uint8Array) => Uint8Array, r: SlotRecord): Uint8Array {
  let h = hashes.get(r);
  if (h === undefined) {
    const w = new Bytes();
    w.raw(RECORD_TAG).u8(r.decided ? 1 : 0).str(r.key).u64(r.publishTimeUs).u32(r.contributions.length);
    for (const c of r.contributions) w.str(c.writer).str(c.canon);
    h = sha256(w.done());
    hashes.set(r, h);
  }
  return h;
}

/** Append-only byte builder; big-endian integers, length-prefixed strings. */
class Bytes {
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

  u8(v: number): this {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
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

  u64(v: number): this {
    return this.u32(Math.floor(v / 0x1_0000_0000)).u32(v >>> 0);
  }

  raw(b: Uint8Array): this {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  str(s: string): this {
    const b = utf8ToBytes(s);
    return this.u32(b.length).raw(b);
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
