/**
 * The slot store: one replica's timed key-value state, with logical-execution-time rules.
 *
 * A slot is (key, publish time). Writers contribute values to open slots; a slot is
 * *decided* once (its contents fixed and fused) and becomes *visible* to reads when the
 * clock reaches its publish time. Who decides when is the protocol's business (fast mode:
 * the local clock at the publish time; agreed mode: the committed order); the store enforces
 * the rules every mode shares:
 *
 * - admission at the writer's replica: known key, authorised writer, well-typed value,
 *   on the key's grid, at least `minLeadUs` and at most `horizonUs` ahead of now;
 * - contributions at any replica: the same checks, plus the slot must still be open
 *   (now <= publish time - closeBeforeUs), so late arrivals are refused the same way
 *   everywhere, and a writer's second, different value for a slot is kept out and reported
 *   (equivocation evidence);
 * - a slot with fewer than `minWriters` contributions, or whose values cannot be fused, is
 *   not published: it is counted, never guessed;
 * - memory is bounded by configuration: open slots by the horizon, published slots by the
 *   key's retention.
 *
 * Pure: time is an argument, nothing here reads a clock.
 */
import type { KvsError, KvsErrorCode, Result } from './errors.js';
import { fail, ok } from './errors.js';
import type { FuseFunction, FuseInput, FuseRegistry } from './fuse/index.js';
import type { KeySchema } from './schema.js';
import { formatUs, isMicros, isOnGrid, nextGridPoint } from './time.js';
import type { Value } from './value.js';
import { canonicalValue, checkValue } from './value.js';

export interface Contribution {
  readonly writer: string;
  readonly value: Value;
}

export interface PublishedSlot {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly value: Value;
  /** Sorted by writer. */
  readonly contributions: readonly Contribution[];
  readonly agreed: boolean;
  /** How many times synchronisation changed this slot after it was decided. */
  readonly repairs: number;
}

export interface SlotStoreOptions {
  readonly keys: ReadonlyMap<string, KeySchema>;
  readonly fuse: FuseRegistry;
  /** The protocol's latency bound: a write must be admitted at least this long before its publish time. */
  readonly minLeadUs: number;
  /** Writes further ahead than this are refused; bounds the number of open slots. */
  readonly horizonUs: number;
  /** Contributions arriving after publishTime - closeBeforeUs are refused as late. */
  readonly closeBeforeUs: number;
}

export interface WriteIntent {
  readonly key: string;
  readonly writer: string;
  /** Absent: the next grid point at least `minLeadUs` from now. */
  readonly publishTimeUs?: number;
  readonly value: unknown;
}

export interface AdmittedWrite {
  readonly key: string;
  readonly writer: string;
  readonly publishTimeUs: number;
  readonly value: Value;
}

export type ContributeOutcome = 'accepted' | 'duplicate' | 'conflict';

export type DecideOutcome =
  | { readonly kind: 'published'; readonly slot: PublishedSlot }
  | { readonly kind: 'missed'; readonly key: string; readonly publishTimeUs: number; readonly reason: string };

export interface RepairOutcome {
  /** True when the agreed contents differ from what this replica had decided (or it had nothing). */
  readonly changed: boolean;
  readonly slot: PublishedSlot | undefined;
}

interface OpenSlot {
  readonly publishTimeUs: number;
  readonly values: Map<string, Value>;
}

interface KeyState {
  readonly schema: KeySchema;
  readonly fuse: FuseFunction;
  readonly open: Map<number, OpenSlot>;
  /** Decided slots ascending by publish time; at most schema.retention entries. */
  readonly decided: PublishedSlot[];
  /** Publish times decided as missed (kept so a late contribution cannot reopen them). */
  readonly missed: Set<number>;
}

export type StoreCounter =
  | 'contributions'
  | 'duplicates'
  | 'conflicts'
  | 'published'
  | 'missed'
  | 'repairs'
  | 'gcSlots'
  | `rejected.${KvsErrorCode}`;

export class SlotStore {
  private readonly keys = new Map<string, KeyState>();
  private readonly counts = new Map<StoreCounter, number>();
  private readonly opts: SlotStoreOptions;

  constructor(opts: SlotStoreOptions) {
    for (const [name, v] of [
      ['minLeadUs', opts.minLeadUs],
      ['horizonUs', opts.horizonUs],
      ['closeBeforeUs', opts.closeBeforeUs],
    ] as const) {
      if (!isMicros(v)) throw new RangeError(`${name} must be a non-negative integer (µs), got ${v}`);
    }
    if (opts.horizonUs <= opts.minLeadUs) throw new RangeError('horizonUs must exceed minLeadUs');
    this.opts = opts;
    for (const schema of opts.keys.values()) {
      const fuse = opts.fuse.get(schema.fuse);
      if (fuse === undefined) throw new RangeError(`key '${schema.name}': unknown fuse function '${schema.fuse}'`);
      this.keys.set(schema.name, { schema, fuse, open: new Map(), decided: [], missed: new Set() });
    }
  }

  schema(key: string): KeySchema | undefined {
    return this.keys.get(key)?.schema;
  }

  /** Counters of what happened (rejections by code, publications, misses, repairs...). */
  counters(): ReadonlyMap<StoreCounter, number> {
    return this.counts;
  }

  counter(name: StoreCounter): number {
    return this.counts.get(name) ?? 0;
  }

  /**
   * Admission of an application's write at its own replica: the LET check. A write that
   * cannot reach every correct replica by its publish time is refused now, with the reason.
   */
  admit(intent: WriteIntent, nowUs: number): Result<AdmittedWrite> {
    const ks = this.keys.get(intent.key);
    if (ks === undefined) return this.reject('UNKNOWN_KEY', `unknown key '${shown(intent.key)}'`);
    if (!ks.schema.writers.includes(intent.writer)) {
      return this.reject('NOT_AUTHORISED', `writer '${shown(intent.writer)}' is not authorised for key '${intent.key}'`);
    }
    const typed = checkValue(ks.schema.type, intent.value);
    if (!typed.ok) return this.reject('BAD_VALUE', `key '${intent.key}': ${typed.reason}`);
    const earliestUs = nowUs + this.opts.minLeadUs;
    const t = intent.publishTimeUs ?? nextGridPoint(ks.schema.grid, earliestUs);
    const timing = this.checkPublishTime(ks, t, nowUs);
    if (!timing.ok) return timing;
    if (t < earliestUs) {
      return this.reject(
        'TOO_LATE',
        `publish time ${t} is ${formatUs(t - nowUs)} ahead; the protocol needs at least ${formatUs(this.opts.minLeadUs)}`,
      );
    }
    const prior = ks.open.get(t)?.values.get(intent.writer);
    if (prior !== undefined) {
      return canonicalValue(prior) === canonicalValue(intent.value as Value)
        ? this.reject('DUPLICATE', `writer '${intent.writer}' already wrote this value to ${intent.key}@${t}`)
        : this.reject('CONFLICT', `writer '${intent.writer}' already wrote another value to ${intent.key}@${t}`);
    }
    return ok({ key: intent.key, writer: intent.writer, publishTimeUs: t, value: intent.value as Value });
  }

  /**
   * Records a writer's value for an open slot (at any replica, from any transport). The
   * first value a writer gives a slot is kept; a different second value is a conflict.
   */
  contribute(write: AdmittedWrite | WriteIntent, nowUs: number): Result<ContributeOutcome> {
    const ks = this.keys.get(write.key);
    if (ks === undefined) return this.reject('UNKNOWN_KEY', `unknown key '${shown(write.key)}'`);
    if (!ks.schema.writers.includes(write.writer)) {
      return this.reject('NOT_AUTHORISED', `writer '${shown(write.writer)}' is not authorised for key '${write.key}'`);
    }
    const typed = checkValue(ks.schema.type, write.value);
    if (!typed.ok) return this.reject('BAD_VALUE', `key '${write.key}': ${typed.reason}`);
    const t = write.publishTimeUs;
    if (t === undefined) return this.reject('MALFORMED', 'a contribution needs a publish time');
    const timing = this.checkPublishTime(ks, t, nowUs);
    if (!timing.ok) return timing;
    if (nowUs > t - this.opts.closeBeforeUs || this.isDecided(ks, t)) {
      return this.reject('TOO_LATE', `slot ${write.key}@${t} closed for contributions`);
    }
    let slot = ks.open.get(t);
    if (slot === undefined) {
      slot = { publishTimeUs: t, values: new Map() };
      ks.open.set(t, slot);
    }
    const value = write.value as Value;
    const prior = slot.values.get(write.writer);
    if (prior !== undefined) {
      if (canonicalValue(prior) === canonicalValue(value)) {
        this.bump('duplicates');
        return ok('duplicate');
      }
      this.bump('conflicts');
      return ok('conflict');
    }
    slot.values.set(write.writer, value);
    this.bump('contributions');
    return ok('accepted');
  }

  /** Contributions recorded so far for an open slot (sorted by writer). */
  openContributions(key: string, publishTimeUs: number): readonly Contribution[] {
    const slot = this.keys.get(key)?.open.get(publishTimeUs);
    return slot === undefined ? [] : sortedContributions(slot.values);
  }

  /** Publish times of the open slots of a key, ascending. */
  openSlots(key: string): number[] {
    const ks = this.keys.get(key);
    return ks === undefined ? [] : [...ks.open.keys()].sort((a, b) => a - b);
  }

  /**
   * Decides a slot once: fixes its contents (the given ones, or what was contributed locally)
   * and fuses them. Deciding an already decided slot is a protocol bug and throws.
   */
  decide(key: string, publishTimeUs: number, opts: { agreed: boolean; contributions?: readonly Contribution[] }): DecideOutcome {
    const ks = this.keys.get(key);
    if (ks === undefined) throw new RangeError(`decide: unknown key '${key}'`);
    if (this.isDecided(ks, publishTimeUs)) throw new Error(`slot ${key}@${publishTimeUs} decided twice`);
    const open = ks.open.get(publishTimeUs);
    ks.open.delete(publishTimeUs);
    const contributions = opts.contributions ?? (open === undefined ? [] : sortedContributions(open.values));
    const built = this.build(ks, publishTimeUs, contributions, opts.agreed, 0);
    if (!built.ok) {
      this.bump('missed');
      ks.missed.add(publishTimeUs);
      this.trim(ks);
      return { kind: 'missed', key, publishTimeUs, reason: built.error.message };
    }
    this.insertDecided(ks, built.value);
    this.bump('published');
    return { kind: 'published', slot: built.value };
  }

  /** Decides every open slot whose publish time has come (fast mode's clock-driven publication). */
  decideDue(nowUs: number, agreed: boolean): DecideOutcome[] {
    const out: DecideOutcome[] = [];
    for (const ks of this.keys.values()) {
      const due = [...ks.open.keys()].filter((t) => t <= nowUs).sort((a, b) => a - b);
      for (const t of due) out.push(this.decide(ks.schema.name, t, { agreed }));
    }
    return out;
  }

  /**
   * Replaces a slot's contents with agreed ones (synchronisation): the slot becomes agreed.
   * Returns whether anything changed, which is what "repaired" counts.
   */
  repair(key: string, publishTimeUs: number, contributions: readonly Contribution[]): Result<RepairOutcome> {
    const ks = this.keys.get(key);
    if (ks === undefined) return this.reject('UNKNOWN_KEY', `unknown key '${key}'`);
    const idx = this.indexOfDecided(ks, publishTimeUs);
    const previous = idx >= 0 ? ks.decided[idx] : undefined;
    ks.open.delete(publishTimeUs);
    const built = this.build(ks, publishTimeUs, contributions, true, previous === undefined ? 0 : previous.repairs);
    if (!built.ok) {
      // Agreed contents are insufficient: the slot is missed everywhere.
      if (previous !== undefined) {
        ks.decided.splice(idx, 1);
        this.bump('repairs');
      }
      ks.missed.add(publishTimeUs);
      return ok({ changed: previous !== undefined, slot: undefined });
    }
    const changed = previous === undefined || !sameContents(previous.contributions, built.value.contributions);
    const slot: PublishedSlot = changed ? { ...built.value, repairs: built.value.repairs + 1 } : built.value;
    if (changed) this.bump('repairs');
    ks.missed.delete(publishTimeUs);
    if (previous !== undefined) ks.decided[idx] = slot;
    else this.insertDecided(ks, slot);
    return ok({ changed, slot });
  }

  /**
   * `read(k, t)`: the newest decided slot whose publish time has passed (<= now) and is
   * >= earliestUs. Served locally; never asks another replica.
   */
  read(key: string, earliestUs: number, nowUs: number): Result<PublishedSlot> {
    const ks = this.keys.get(key);
    if (ks === undefined) return this.reject('UNKNOWN_KEY', `unknown key '${shown(key)}'`);
    for (let i = ks.decided.length - 1; i >= 0; i--) {
      const slot = ks.decided[i] as PublishedSlot;
      if (slot.publishTimeUs > nowUs) continue;
      if (slot.publishTimeUs < earliestUs) break;
      return ok(slot);
    }
    return this.reject('NO_FRESH_VALUE', `no published value of '${key}' with publish time >= ${earliestUs}`);
  }

  /** The decided slot at exactly this publish time, visible or not (for checkers and sync). */
  decided(key: string, publishTimeUs: number): PublishedSlot | undefined {
    const ks = this.keys.get(key);
    if (ks === undefined) return undefined;
    const i = this.indexOfDecided(ks, publishTimeUs);
    return i >= 0 ? ks.decided[i] : undefined;
  }

  /** Decided slots of a key with publish time in [fromUs, toUs), ascending. */
  decidedBetween(key: string, fromUs: number, toUs: number): readonly PublishedSlot[] {
    const ks = this.keys.get(key);
    if (ks === undefined) return [];
    return ks.decided.filter((s) => s.publishTimeUs >= fromUs && s.publishTimeUs < toUs);
  }

  /** Drops open slots with publish time < beforeUs that nobody will decide (bounded memory). */
  dropOpenBefore(beforeUs: number): number {
    let n = 0;
    for (const ks of this.keys.values()) {
      for (const t of ks.open.keys()) {
        if (t < beforeUs) {
          ks.open.delete(t);
          n++;
        }
      }
    }
    this.bump('gcSlots', n);
    return n;
  }

  /** Sizes for diagnostics and the bounded-memory checker. */
  size(): { openSlots: number; decidedSlots: number; missedSlots: number } {
    let openSlots = 0;
    let decidedSlots = 0;
    let missedSlots = 0;
    for (const ks of this.keys.values()) {
      openSlots += ks.open.size;
      decidedSlots += ks.decided.length;
      missedSlots += ks.missed.size;
    }
    return { openSlots, decidedSlots, missedSlots };
  }

  private checkPublishTime(ks: KeyState, t: number, nowUs: number): Result<void> {
    if (!isMicros(t)) return this.reject('MALFORMED', `publish time must be a non-negative integer (µs), got ${shown(t)}`);
    if (!isOnGrid(ks.schema.grid, t)) {
      return this.reject(
        'OFF_GRID',
        `publish time ${t} is not on the grid of '${ks.schema.name}' (period ${formatUs(ks.schema.grid.periodUs)}, offset ${formatUs(ks.schema.grid.offsetUs)})`,
      );
    }
    if (t <= nowUs) return this.reject('TOO_LATE', `publish time ${t} is not in the future (now ${nowUs})`);
    if (t - nowUs > this.opts.horizonUs) {
      return this.reject('TOO_FAR_AHEAD', `publish time ${t} is ${formatUs(t - nowUs)} ahead; the limit is ${formatUs(this.opts.horizonUs)}`);
    }
    return ok(undefined);
  }

  private build(ks: KeyState, t: number, contributions: readonly Contribution[], agreed: boolean, repairs: number): Result<PublishedSlot> {
    const seen = new Set<string>();
    const inputs: FuseInput[] = [];
    for (const c of contributions) {
      if (!ks.schema.writers.includes(c.writer)) return fail('NOT_AUTHORISED', `writer '${c.writer}' is not authorised for '${ks.schema.name}'`);
      if (seen.has(c.writer)) return fail('CONFLICT', `writer '${c.writer}' appears twice in ${ks.schema.name}@${t}`);
      if (!checkValue(ks.schema.type, c.value).ok) return fail('BAD_VALUE', `bad value from '${c.writer}' in ${ks.schema.name}@${t}`);
      seen.add(c.writer);
      inputs.push({ writer: c.writer, value: c.value });
    }
    inputs.sort((a, b) => (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0));
    if (inputs.length < ks.schema.minWriters) {
      return fail('NO_FRESH_VALUE', `${inputs.length} of the ${ks.schema.minWriters} writers needed contributed to ${ks.schema.name}@${t}`);
    }
    const fused = ks.fuse.fuse(inputs, { type: ks.schema.type, faultyWriters: ks.schema.faultyWriters, params: ks.schema.fuseParams });
    if (!fused.ok) return fail('NO_FRESH_VALUE', `${ks.schema.name}@${t}: ${fused.reason}`);
    return ok({ key: ks.schema.name, publishTimeUs: t, value: fused.value, contributions: inputs, agreed, repairs });
  }

  private isDecided(ks: KeyState, t: number): boolean {
    return ks.missed.has(t) || this.indexOfDecided(ks, t) >= 0;
  }

  private indexOfDecided(ks: KeyState, t: number): number {
    let lo = 0;
    let hi = ks.decided.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const mt = (ks.decided[mid] as PublishedSlot).publishTimeUs;
      if (mt === t) return mid;
      if (mt < t) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private insertDecided(ks: KeyState, slot: PublishedSlot): void {
    let i = ks.decided.length;
    while (i > 0 && (ks.decided[i - 1] as PublishedSlot).publishTimeUs > slot.publishTimeUs) i--;
    ks.decided.splice(i, 0, slot);
    this.trim(ks);
  }

  /** Retention: keep the newest `retention` decided slots and as many missed markers. */
  private trim(ks: KeyState): void {
    const excess = ks.decided.length - ks.schema.retention;
    if (excess > 0) {
      ks.decided.splice(0, excess);
      this.bump('gcSlots', excess);
    }
    if (ks.missed.size > ks.schema.retention) {
      const oldest = [...ks.missed].sort((a, b) => a - b).slice(0, ks.missed.size - ks.schema.retention);
      for (const t of oldest) ks.missed.delete(t);
    }
  }

  private reject(code: KvsErrorCode, message: string): { readonly ok: false; readonly error: KvsError } {
    this.bump(`rejected.${code}`);
    return fail(code, message);
  }

  private bump(name: StoreCounter, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }
}

/**
 * A hostile value as text for an error message: strings as they are, anything else by type
 * (String() itself throws for objects without a prototype, symbols in templates, etc.).
 */
export function shown(x: unknown): string {
  if (typeof x === 'string') return x;
  if (typeof x === 'number' || typeof x === 'boolean' || x === undefined || x === null) return `${x}`;
  return `<${typeof x}>`;
}

function sortedContributions(values: ReadonlyMap<string, Value>): Contribution[] {
  return [...values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([writer, value]) => ({ writer, value }));
}

function sameContents(a: readonly Contribution[], b: readonly Contribution[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Contribution;
    const y = b[i] as Contribution;
    if (x.writer !== y.writer || canonicalValue(x.value) !== canonicalValue(y.value)) return false;
  }
  return true;
}
