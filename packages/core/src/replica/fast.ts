/**
 * `fast` mode (N >= 3f+1, Byzantine): broadcast + fuse, the seed's main operation.
 *
 * The origin broadcasts the authenticated write once. Each replica checks its own MAC entry
 * and the origin–writer binding, contributes the value while the slot is open
 * (clock <= t − closeBefore) and decides the slot at t with what it has, marked not yet
 * agreed. Crash and consistent-wrong-value faults are masked at once by the key's fuse
 * function. An equivocating origin (different values to different replicas) or late/partial
 * delivery can make correct replicas publish different values: periodic synchronisation
 * (a separate component, plugged in through `SyncComponent`) agrees on canonical contents
 * and calls `adoptCanonical`, which repairs and marks slots agreed.
 *
 * For that component this replica keeps, per recent slot, the authenticated writes it
 * accepted (and conflicting second writes as evidence), for `RETAINED_SYNC_PERIODS` sync
 * periods, and reports them with `reportSlots`.
 */
import type { AuthenticatedWrite, Body, ReportedSlot, WriteBroadcast } from '@bftkvs/msgs';
import { MAX_SLOT_WRITERS } from '@bftkvs/msgs';
import type { CryptoSuite } from '../auth/crypto.js';
import type { NodeKeys } from '../auth/keys.js';
import type { VerifiedWrite } from '../auth/writeAuth.js';
import { copyAuthenticatedWrite } from '../auth/writeAuth.js';
import type { ClusterConfig } from '../cluster.js';
import type { Result } from '../errors.js';
import type { AdmittedWrite, Contribution, PublishedSlot, RepairOutcome } from '../slotStore.js';
import { canonicalValue } from '../value.js';
import type { CheckedWrite, ReplicaOptions } from './base.js';
import { ReplicaBase } from './base.js';
import type { ReplicaEvent, SuspicionReason } from './types.js';

/** Writes are kept this many sync periods after their publish time, for reports. */
export const RETAINED_SYNC_PERIODS = 4;
/** Equivocation evidence kept at most (oldest dropped first). */
export const MAX_EVIDENCE = 256;

/** Two authenticated writes by one origin for one writer and slot, with different values. */
export interface EquivocationEvidence {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly writer: string;
  readonly origin: number;
  readonly first: AuthenticatedWrite;
  readonly second: AuthenticatedWrite;
}

/** What the synchronisation component may use of its replica. */
export interface SyncHost {
  readonly id: number;
  readonly config: ClusterConfig;
  readonly keys: NodeKeys;
  readonly crypto: CryptoSuite;
  send(to: number, body: Body): void;
  reportSlots(fromUs: number, toUs: number): ReportedSlot[];
  adoptCanonical(key: string, publishTimeUs: number, contributions: readonly Contribution[]): Result<RepairOutcome>;
  verifyWriteFor(aw: AuthenticatedWrite): VerifiedWrite;
  suspect(node: number, reason: SuspicionReason, detail: string, nowUs: number): void;
  emit(event: ReplicaEvent): void;
  /** Adds to one of the replica's counters (visible in health). */
  count(name: string, by?: number): void;
  /** Slots this replica holds writes for or has decided, publish time in [fromUs, toUs), ascending by (publish time, key). */
  localSlots(fromUs: number, toUs: number): { key: string; publishTimeUs: number }[];
  /** Whether the key's retention still keeps a slot at this publish time (older ones are gone for good). */
  retains(key: string, publishTimeUs: number): boolean;
  /** Agreed slots of every key with publish time >= fromUs. */
  agreedSlots(fromUs: number): PublishedSlot[];
}

/** The periodic synchronisation (PBFT-based), built separately. */
export interface SyncComponent {
  /** Replica-to-replica bodies other than WriteBroadcast (ordering, reports...). */
  receive(from: number, body: Body, nowUs: number): void;
  tick(nowUs: number): void;
  /** The latest time it needs a tick. */
  nextTickUs(nowUs: number): number;
  view(): { view: number; primary: number; stableSeq: number };
  logEntries(): number;
}

export type SyncFactory = (host: SyncHost) => SyncComponent;

export interface FastReplicaOptions extends ReplicaOptions {
  readonly sync?: SyncFactory;
}

interface HeldSlot {
  /** writer -> the accepted write. */
  readonly writes: Map<string, AuthenticatedWrite>;
  /** writer -> canonical form of the accepted value (equivocation check). */
  readonly values: Map<string, string>;
}

export class FastReplica extends ReplicaBase {
  readonly mode = 'fast' as const;
  private readonly retentionUs: number;
  /** publish time -> key -> held writes. */
  private readonly held = new Map<number, Map<string, HeldSlot>>();
  /** "t\nkey\nwriter" -> evidence, insertion-ordered (oldest first). */
  private readonly evidence = new Map<string, EquivocationEvidence>();
  private readonly sync: SyncComponent | undefined;

  constructor(config: ClusterConfig, opts: FastReplicaOptions) {
    super(config, opts);
    this.retentionUs = RETAINED_SYNC_PERIODS * config.timing.syncPeriodUs;
    const host: SyncHost = {
      id: this.id,
      config,
      keys: opts.keys,
      crypto: opts.crypto,
      send: (to, body) => this.send(to, body),
      reportSlots: (fromUs, toUs) => this.reportSlots(fromUs, toUs),
      adoptCanonical: (key, t, contributions) => this.adoptCanonical(key, t, contributions),
      verifyWriteFor: (aw) => this.auth.verifyWriteFor(aw),
      suspect: (node, reason, detail, nowUs) => this.suspect(node, reason, detail, nowUs),
      emit: (event) => this.emit(event),
      count: (name, by) => this.count(name, by),
      localSlots: (fromUs, toUs) => this.localSlots(fromUs, toUs),
      retains: (key, t) => this.retains(key, t),
      agreedSlots: (fromUs) => this.agreedSlots(fromUs),
    };
    this.sync = opts.sync?.(host);
  }

  /**
   * The authenticated writes held for slots with publish time in [fromUs, toUs), ascending
   * by (publish time, key): per slot the accepted write of each writer, then evidence of
   * equivocation, at most MAX_SLOT_WRITERS writes. Callers split long ranges into reports of
   * at most MAX_REPORT_SLOTS slots.
   */
  reportSlots(fromUs: number, toUs: number): ReportedSlot[] {
    const out: ReportedSlot[] = [];
    const times = [...this.held.keys()].filter((t) => t >= fromUs && t < toUs).sort((a, b) => a - b);
    for (const t of times) {
      const byKey = this.held.get(t) as Map<string, HeldSlot>;
      for (const key of [...byKey.keys()].sort()) {
        const slot = byKey.get(key) as HeldSlot;
        const writes: AuthenticatedWrite[] = [...slot.writes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, aw]) => aw);
        for (const writer of [...slot.writes.keys()].sort()) {
          const e = this.evidence.get(evidenceId(t, key, writer));
          if (e !== undefined) writes.push(e.second);
        }
        out.push({ key, publishTimeUs: t, writes: writes.slice(0, MAX_SLOT_WRITERS) });
      }
    }
    return out;
  }

  /**
   * Adopts agreed contents for a slot (from synchronisation): repairs and marks it agreed.
   * Called by the sync component while it handles an input, the replica's clock is current;
   * a caller outside an input passes `nowUs`.
   */
  adoptCanonical(key: string, publishTimeUs: number, contributions: readonly Contribution[], nowUs?: number): Result<RepairOutcome> {
    if (nowUs !== undefined) this.tick(nowUs);
    return this.applyCanonical(key, publishTimeUs, contributions, this.lastNowUs);
  }

  /**
   * Slots with publish time in [fromUs, toUs) that this replica holds writes for (open or
   * decided) or has decided (possibly by an earlier adoption), ascending by (publish time, key).
   */
  localSlots(fromUs: number, toUs: number): { key: string; publishTimeUs: number }[] {
    const ids = new Map<string, { key: string; publishTimeUs: number }>();
    for (const [t, byKey] of this.held) {
      if (t < fromUs || t >= toUs) continue;
      for (const key of byKey.keys()) ids.set(`${t}\n${key}`, { key, publishTimeUs: t });
    }
    for (const key of this.config.keys.keys()) {
      for (const s of this.store.decidedBetween(key, fromUs, toUs)) ids.set(`${s.publishTimeUs}\n${key}`, { key, publishTimeUs: s.publishTimeUs });
    }
    return [...ids.values()].sort((a, b) => a.publishTimeUs - b.publishTimeUs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Whether the key's retention keeps a slot at `publishTimeUs` (a repair of an older one would be collected at once). */
  retains(key: string, publishTimeUs: number): boolean {
    const schema = this.store.schema(key);
    if (schema === undefined) return false;
    if (this.store.decided(key, publishTimeUs) !== undefined) return true;
    const kept = this.store.decidedBetween(key, 0, Number.MAX_SAFE_INTEGER);
    return kept.length < schema.retention || publishTimeUs > (kept[0]?.publishTimeUs ?? 0);
  }

  /** Agreed slots of every key with publish time >= fromUs (catch-up replies to other replicas). */
  agreedSlots(fromUs: number): PublishedSlot[] {
    const out: PublishedSlot[] = [];
    for (const key of this.config.keys.keys()) for (const s of this.store.decidedBetween(key, fromUs, Number.MAX_SAFE_INTEGER)) if (s.agreed) out.push(s);
    return out;
  }

  /** Evidence of equivocation held now, oldest first. */
  equivocations(): readonly EquivocationEvidence[] {
    return [...this.evidence.values()];
  }

  protected disseminate(aw: AuthenticatedWrite, write: AdmittedWrite): void {
    this.hold(write.publishTimeUs, write.key, write.writer, aw, canonicalValue(write.value));
    this.broadcast({ kind: 'write', write: { write: aw, hop: 0 } });
  }

  protected onWriteBroadcast(from: number, wb: WriteBroadcast, nowUs: number): void {
    // Relayed copies are accepted too: the authenticator proves the origin, whoever carried it.
    const v = this.verifyReceivedWrite(from, wb.write, nowUs);
    if (!v.ok) return;
    const checked = this.checkWrite(v.write, nowUs);
    if (checked === undefined) return;
    const { key, writer, publishTimeUs: t } = checked.write;
    const value = canonicalValue(checked.write.value);
    const prior = this.held.get(t)?.get(key);
    const priorValue = prior?.values.get(writer);
    // Checked against what is held, not only against the open slot, so a conflicting value
    // is caught as equivocation even after the slot closed.
    if (priorValue !== undefined) {
      if (priorValue === value) this.count('writes.duplicate');
      else this.equivocation(checked, prior?.writes.get(writer) as AuthenticatedWrite, wb.write, nowUs);
      return;
    }
    const r = this.contribute(checked, nowUs);
    if (!r.ok) return;
    if (r.value === 'accepted') {
      this.count('writes.accepted');
      this.hold(t, key, writer, copyAuthenticatedWrite(wb.write), value);
    } else if (r.value === 'duplicate') {
      this.count('writes.duplicate');
    } else {
      // The store holds a value this replica does not (retention raced); keep it simple: count.
      this.count('writes.conflict-unheld');
    }
  }

  protected onAdvance(nowUs: number): void {
    this.decideDueSlots(nowUs, false);
    const oldestUs = nowUs - this.retentionUs;
    for (const t of this.held.keys()) if (t < oldestUs) this.held.delete(t);
    for (const [id, e] of this.evidence) if (e.publishTimeUs < oldestUs) this.evidence.delete(id);
    this.sync?.tick(nowUs);
  }

  protected override onProtocolBody(from: number, body: Body, nowUs: number): void {
    if (this.sync === undefined) {
      super.onProtocolBody(from, body, nowUs);
      return;
    }
    this.sync.receive(from, body, nowUs);
  }

  protected override modeNextTickUs(nowUs: number): number {
    // Held writes expire retentionUs after their publish time: tick then, so memory is freed
    // even when nothing else happens.
    let next = this.sync?.nextTickUs(nowUs) ?? Number.POSITIVE_INFINITY;
    for (const t of this.held.keys()) next = Math.min(next, t + this.retentionUs + 1);
    for (const e of this.evidence.values()) next = Math.min(next, e.publishTimeUs + this.retentionUs + 1);
    return next;
  }

  protected override modeMemory(): { logEntries: number; pendingWrites: number } {
    let held = 0;
    for (const byKey of this.held.values()) for (const s of byKey.values()) held += s.writes.size;
    return { logEntries: held + this.evidence.size + (this.sync?.logEntries() ?? 0), pendingWrites: 0 };
  }

  protected override viewInfo(): { view: number; primary: number; stableSeq: number; ready: boolean } {
    return { ...(this.sync?.view() ?? { view: 0, primary: 0, stableSeq: 0 }), ready: true };
  }

  private equivocation(c: CheckedWrite, first: AuthenticatedWrite, second: AuthenticatedWrite, nowUs: number): void {
    const { key, writer, publishTimeUs } = c.write;
    const origin = c.wire.origin;
    const id = evidenceId(publishTimeUs, key, writer);
    this.count('writes.equivocation');
    if (this.evidence.has(id)) return;
    if (this.evidence.size >= MAX_EVIDENCE) {
      const oldest = this.evidence.keys().next();
      if (!oldest.done) this.evidence.delete(oldest.value);
    }
    this.evidence.set(id, { key, publishTimeUs, writer, origin, first, second: copyAuthenticatedWrite(second) });
    this.emit({ kind: 'equivocation', writer, origin, key, publishTimeUs });
    this.suspect(origin, 'equivocation', `writer '${writer}' gave two values to ${key}@${publishTimeUs}`, nowUs);
  }

  private hold(t: number, key: string, writer: string, aw: AuthenticatedWrite, canonical: string): void {
    let byKey = this.held.get(t);
    if (byKey === undefined) {
      byKey = new Map();
      this.held.set(t, byKey);
    }
    let slot = byKey.get(key);
    if (slot === undefined) {
      slot = { writes: new Map(), values: new Map() };
      byKey.set(key, slot);
    }
    slot.writes.set(writer, aw);
    slot.values.set(writer, canonical);
  }
}

function evidenceId(t: number, key: string, writer: string): string {
  return `${t}\n${key}\n${writer}`;
}
