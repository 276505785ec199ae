/**
 * What every protocol mode shares: the authenticated channel, the slot store built from the
 * cluster configuration, admission of local writes, checking received writes, publication
 * and visibility events, suspicion bookkeeping, health, memory and the next tick time. A
 * mode adds how writes are disseminated and when slots are decided.
 *
 * Robustness rule: `receive` and `tick` never throw. Any fault inside a handler is counted
 * ('internal-error') and the input dropped; state already accepted stays as it was.
 */
import type { AuthenticatedWrite, Body, Mode, ReplicaHealth, Write, WriteBroadcast } from '@bftkvs/msgs';
import { MAX_COUNTERS, clientIndexOf } from '@bftkvs/msgs';
import type { CryptoSuite } from '../auth/crypto.js';
import { Channel } from '../auth/channel.js';
import type { NodeKeys } from '../auth/keys.js';
import type { VerifiedWrite } from '../auth/writeAuth.js';
import { WriteAuthenticator } from '../auth/writeAuth.js';
import type { ClusterConfig } from '../cluster.js';
import { clusterIdOf } from '../cluster.js';
import type { KvsErrorCode, Result } from '../errors.js';
import { fail } from '../errors.js';
import type { FuseRegistry } from '../fuse/index.js';
import type { AdmittedWrite, Contribution, ContributeOutcome, DecideOutcome, PublishedSlot, RepairOutcome, WriteIntent } from '../slotStore.js';
import { SlotStore, shown } from '../slotStore.js';
import { ClientService } from './clientService.js';
import { SuspicionLog } from './suspicion.js';
import type { MemoryFootprint, OutboundFrame, Ready, Replica, ReplicaEvent, SuspicionReason } from './types.js';
import { valueFromWire, valueToWire } from './wireValue.js';

export interface ReplicaOptions {
  readonly id: number;
  readonly keys: NodeKeys;
  readonly crypto: CryptoSuite;
  /** Boot epoch (µs); must grow across restarts so that peers reset their replay windows. */
  readonly incarnation: number;
  readonly fuse: FuseRegistry;
}

/** With nothing scheduled, the driver still calls tick this often (keeps diagnostics fresh). */
export const IDLE_TICK_US = 1_000_000;

/**
 * Store rejections of an authenticated write that the origin's own admission would have
 * caught with the same configuration: a correct origin never sends them. Timing rejections
 * (TOO_LATE, TOO_FAR_AHEAD) depend on clocks and delays and are not blamed on anyone.
 */
const ORIGIN_FAULT_CODES: ReadonlySet<KvsErrorCode> = new Set(['UNKNOWN_KEY', 'NOT_AUTHORISED', 'BAD_VALUE', 'OFF_GRID', 'MALFORMED']);

/** A received write, checked and converted to the store's form. */
export interface CheckedWrite {
  readonly wire: Write;
  readonly write: AdmittedWrite;
}

export abstract class ReplicaBase implements Replica {
  readonly id: number;
  abstract readonly mode: Mode;
  protected readonly config: ClusterConfig;
  protected readonly store: SlotStore;
  protected readonly channel: Channel;
  protected readonly auth: WriteAuthenticator;
  protected readonly suspicions = new SuspicionLog();
  private readonly client: ClientService;
  private frames: OutboundFrame[] = [];
  private events: ReplicaEvent[] = [];
  private readonly counts = new Map<string, number>();
  /** Publish times with open slots: the clock-driven modes decide them when the clock gets there. */
  private readonly decisionTimes = new Set<number>();
  /** Decided slots whose publish time has not come yet ("key\npublishTime"). */
  private readonly pendingVisible = new Map<string, { key: string; publishTimeUs: number }>();
  protected lastNowUs = 0;
  /** The tick time this replica last asked its embedder for (`ready().nextTickUs`). */
  private askedTickUs = Number.POSITIVE_INFINITY;
  private slotsPublished = 0;
  private slotsAgreed = 0;
  private slotsRepaired = 0;
  private deadlineMisses = 0;
  /** Per replica peer: the incarnation of its newest accepted frame, and whether an older one was seen. */
  private readonly peerIncarnations = new Map<number, { latest: number; restarted: boolean }>();

  constructor(config: ClusterConfig, opts: ReplicaOptions) {
    this.id = opts.id;
    this.config = config;
    this.store = new SlotStore({
      keys: config.keys,
      fuse: opts.fuse,
      minLeadUs: config.timing.leadUs,
      horizonUs: config.timing.horizonUs,
      closeBeforeUs: config.timing.closeBeforeUs,
    });
    this.channel = new Channel({ clusterId: clusterIdOf(config.name), keys: opts.keys, incarnation: opts.incarnation, crypto: opts.crypto });
    this.auth = new WriteAuthenticator({ keys: opts.keys, crypto: opts.crypto, signatures: config.signatures, writers: config.writers });
    this.client = new ClientService({
      write: (intent, now) => this.write(intent, now),
      read: (key, earliest, now) => this.read(key, earliest, now),
      health: (now) => this.health(now),
      schema: (key) => this.store.schema(key),
      sendToClient: (body) => this.send(clientIndexOf(this.id), body),
    });
  }

  // --- what a mode provides --------------------------------------------------------------

  /** Sends a write this replica just admitted and contributed locally. */
  protected abstract disseminate(aw: AuthenticatedWrite, write: AdmittedWrite, nowUs: number): void;
  /** A WriteBroadcast arrived over an authenticated channel from replica `from`. */
  protected abstract onWriteBroadcast(from: number, wb: WriteBroadcast, nowUs: number): void;
  /**
   * Time-driven work (decisions, garbage collection); called on every input: for a tick
   * (`tick` true) and before any other input — a datagram, a write, a read (`tick` false).
   */
  protected abstract onAdvance(nowUs: number, tick: boolean): void;

  /**
   * This replica's own event loop was held: its due timer ran `lateUs` late (more than π).
   * What it reads right after waited in the socket; modes that judge peers by arrival times
   * must not count that wait against them.
   */
  protected onEventLoopHeld(_nowUs: number, _lateUs: number): void {}
  /** The latest time the mode needs a tick (Infinity: nothing scheduled). */
  protected modeNextTickUs(_nowUs: number): number {
    return Number.POSITIVE_INFINITY;
  }
  /** Other replica-to-replica bodies (ordering, sync, state transfer). */
  protected onProtocolBody(_from: number, body: Body, _nowUs: number): void {
    this.count(`body.unhandled.${body.kind}`);
  }
  protected modeMemory(): { logEntries: number; pendingWrites: number } {
    return { logEntries: 0, pendingWrites: 0 };
  }
  protected viewInfo(): { view: number; primary: number; stableSeq: number; ready: boolean } {
    return { view: 0, primary: 0, stableSeq: 0, ready: true };
  }
  /** Why a valid write cannot be admitted now (e.g. state transfer in progress), or undefined. */
  protected unavailableReason(_nowUs: number): string | undefined {
    return undefined;
  }

  // --- Replica -----------------------------------------------------------------------------

  write(intent: WriteIntent, nowUs: number): Result<AdmittedWrite> {
    try {
      this.advance(nowUs);
      // Authorisation first: a writer hosted elsewhere must hear NOT_AUTHORISED, not learn
      // from DUPLICATE/CONFLICT what its impersonated writer already wrote.
      const host = this.config.writers.get(intent.writer);
      if (host !== this.id && this.store.schema(intent.key) !== undefined) {
        this.count('writes.rejected.NOT_AUTHORISED');
        return fail('NOT_AUTHORISED', `writer '${shown(intent.writer)}' is hosted on replica ${String(host)}, not on replica ${this.id}`);
      }
      const admitted = this.store.admit(intent, nowUs);
      if (!admitted.ok) return admitted;
      const busy = this.unavailableReason(nowUs);
      if (busy !== undefined) {
        this.count('writes.rejected.UNAVAILABLE');
        return fail('UNAVAILABLE', busy);
      }
      const w = admitted.value;
      const schema = this.store.schema(w.key);
      if (schema === undefined) return fail('UNKNOWN_KEY', `unknown key '${w.key}'`);
      const wire: Write = { key: w.key, publishTimeUs: w.publishTimeUs, writer: w.writer, value: valueToWire(schema.type, w.value), origin: this.id, issuedAtUs: nowUs };
      const aw = this.auth.authenticateWrite(wire);
      const local = this.store.contribute(w, nowUs);
      if (!local.ok) return local;
      this.decisionTimes.add(w.publishTimeUs);
      this.count('writes.admitted');
      this.disseminate(aw, w, nowUs);
      return admitted;
    } catch (e) {
      this.count('internal-error');
      return fail('UNAVAILABLE', `internal error: ${e instanceof Error ? e.message : 'unknown'}`);
    }
  }

  read(key: string, earliestUs: number, nowUs: number): Result<PublishedSlot> {
    this.guard(() => this.advance(nowUs));
    return this.store.read(key, earliestUs, nowUs);
  }

  receive(bytes: Uint8Array, nowUs: number): void {
    this.guard(() => {
      this.advance(nowUs);
      const opened = this.channel.open(bytes);
      if (!opened.ok) {
        // Only a MAC-valid frame with an undecodable body is the claimed sender's fault.
        if (opened.attributable && opened.from !== undefined) this.suspect(opened.from, 'malformed', opened.detail, nowUs);
        return;
      }
      if (opened.from < this.config.replicas) this.notePeerIncarnation(opened.from, opened.incarnation);
      this.dispatch(opened.from, opened.body, nowUs);
    });
  }

  tick(nowUs: number): void {
    this.guard(() => this.advance(nowUs, true));
  }

  ready(): Ready {
    const out: Ready = { frames: this.frames, events: this.events, nextTickUs: this.nextTickUs() };
    // A time already past means "now": due at the last input's time.
    this.askedTickUs = Math.max(out.nextTickUs, this.lastNowUs);
    this.frames = [];
    this.events = [];
    return out;
  }

  health(nowUs: number): ReplicaHealth {
    const v = this.viewInfo();
    return {
      replica: this.id,
      mode: this.mode,
      view: v.view,
      primary: v.primary,
      suspects: this.suspicions.list(),
      slotsPublished: this.slotsPublished,
      slotsAgreed: this.slotsAgreed,
      slotsRepaired: this.slotsRepaired,
      deadlineMisses: this.deadlineMisses,
      nowUs,
      counters: this.counterList(),
      stableSeq: v.stableSeq,
      ready: v.ready,
    };
  }

  memory(): MemoryFootprint {
    return { ...this.store.size(), ...this.modeMemory() };
  }

  /** All counters: this replica's, the channel's ('channel.') and the store's ('store.'). */
  counters(): ReadonlyMap<string, number> {
    const all = new Map<string, number>(this.counts);
    for (const [k, v] of this.channel.counters()) all.set(`channel.${k}`, v);
    for (const [k, v] of this.store.counters()) all.set(`store.${k}`, v);
    return all;
  }

  counter(name: string): number {
    return this.counters().get(name) ?? 0;
  }

  suspicionCount(node: number, reason: SuspicionReason): number {
    return this.suspicions.count(node, reason);
  }

  // --- helpers for modes -------------------------------------------------------------------

  protected send(to: number, body: Body): void {
    this.frames.push({ to, bytes: this.channel.seal(to, body) });
  }

  /** Sends to every replica except this one and those in `except`. */
  protected broadcast(body: Body, except: ReadonlySet<number> = new Set()): void {
    for (let r = 0; r < this.config.replicas; r++) if (r !== this.id && !except.has(r)) this.send(r, body);
  }

  protected emit(event: ReplicaEvent): void {
    this.events.push(event);
  }

  protected count(name: string, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  protected suspect(node: number, reason: SuspicionReason, detail: string, nowUs: number): void {
    this.count(`suspicions.${reason}`);
    if (this.suspicions.record(node, reason, nowUs)) this.emit({ kind: 'suspect', node, reason, detail });
  }

  /**
   * Verifies a WriteBroadcast's authenticator as this replica and blames whoever provably
   * misbehaved: the frame sender `from` is authenticated by the channel, the origin by this
   * replica's MAC entry. Decoding, signatures and the writer binding are checks every correct
   * replica makes identically, so a correct relayer never forwards a write failing them; MAC
   * entries differ per replica, so a bad entry is provably the sender's fault only when the
   * sender is the origin.
   */
  protected verifyReceivedWrite(from: number, aw: AuthenticatedWrite, nowUs: number): VerifiedWrite {
    const v = this.auth.verifyWriteFor(aw);
    if (v.ok) return v;
    this.count(`writes.rejected.${v.reason}`);
    switch (v.reason) {
      case 'malformed':
        this.suspect(from, 'malformed', v.detail, nowUs);
        break;
      case 'bad-authenticator':
        if (from === v.origin) this.suspect(from, 'bad-authenticator', v.detail, nowUs);
        break;
      case 'bad-signature':
        this.suspect(from, 'bad-signature', v.detail, nowUs);
        break;
      case 'unauthorised-origin':
        if (v.origin !== undefined) this.suspect(v.origin, 'unauthorised-origin', v.detail, nowUs);
        if (from !== v.origin) this.suspect(from, 'unauthorised-origin', `relayed: ${v.detail}`, nowUs);
        break;
    }
    return v;
  }

  /**
   * Converts a verified wire write to the store's form. A value whose wire kind does not fit
   * the key's type is the origin's fault (its own encoder never produces one).
   */
  protected checkWrite(wire: Write, nowUs: number): CheckedWrite | undefined {
    const schema = this.store.schema(wire.key);
    if (schema === undefined) {
      this.count('writes.rejected.UNKNOWN_KEY');
      this.suspect(wire.origin, 'malformed', `write for unknown key '${wire.key}'`, nowUs);
      return undefined;
    }
    const value = valueFromWire(schema.type, wire.value);
    if (value === undefined) {
      this.count('writes.rejected.wire-kind');
      this.suspect(wire.origin, 'malformed', `value kind '${wire.value.kind}' does not fit key '${wire.key}'`, nowUs);
      return undefined;
    }
    return { wire, write: { key: wire.key, writer: wire.writer, publishTimeUs: wire.publishTimeUs, value } };
  }

  /** Contributes a checked remote write to its slot; blames the origin for rejections it must have foreseen. */
  protected contribute(c: CheckedWrite, nowUs: number): Result<ContributeOutcome> {
    const r = this.store.contribute(c.write, nowUs);
    if (!r.ok) {
      if (ORIGIN_FAULT_CODES.has(r.error.code)) this.suspect(c.wire.origin, 'malformed', r.error.message, nowUs);
      return r;
    }
    if (r.value === 'accepted') this.decisionTimes.add(c.write.publishTimeUs);
    return r;
  }

  /**
   * Decides every open slot whose publish time has come (the clock-driven modes). With
   * `mayDecide`, only the due slots it accepts are decided; the others stay open, undecided,
   * for the mode to settle (crash mode while it rejoins), and are not rescheduled.
   */
  protected decideDueSlots(nowUs: number, agreed: boolean, mayDecide?: (key: string, publishTimeUs: number) => boolean): void {
    if (this.earliestDecisionUs() > nowUs) return;
    for (const t of [...this.decisionTimes]) if (t <= nowUs) this.decisionTimes.delete(t);
    if (mayDecide === undefined) {
      for (const outcome of this.store.decideDue(nowUs, agreed)) this.recordDecision(outcome, nowUs);
      return;
    }
    for (const key of this.config.keys.keys()) {
      for (const t of this.store.openSlots(key)) {
        if (t <= nowUs && mayDecide(key, t)) this.recordDecision(this.store.decide(key, t, { agreed }), nowUs);
      }
    }
  }

  /**
   * Emits what a decision means: a miss now, or visibility once the publish time has come.
   * `excuseLate`: the slot is published late because this replica was recovering (state
   * transfer), not because a deadline was missed; counted as 'slots.recovered-late' instead.
   */
  protected recordDecision(outcome: DecideOutcome, nowUs: number, excuseLate = false): void {
    if (outcome.kind === 'missed') {
      this.deadlineMisses++;
      this.emit({ kind: 'missed', key: outcome.key, publishTimeUs: outcome.publishTimeUs, reason: outcome.reason });
      return;
    }
    const slot = outcome.slot;
    // A clock-driven decision must happen at the publish time; a tick this much later means
    // readers saw the slot late (the driver or the machine was overloaded).
    if (nowUs - slot.publishTimeUs > this.config.timing.processingUs) {
      if (excuseLate) {
        this.count('slots.recovered-late');
      } else {
        this.deadlineMisses++;
        this.count('slots.decided-late');
      }
    }
    if (slot.publishTimeUs <= nowUs) this.makeVisible(slot);
    else this.pendingVisible.set(`${slot.key}\n${slot.publishTimeUs}`, { key: slot.key, publishTimeUs: slot.publishTimeUs });
  }

  /**
   * Replaces a slot's contents by agreed ones (synchronisation or state transfer) and emits
   * 'repaired' when they changed and 'published'/'agreed' as visibility requires.
   */
  protected applyCanonical(key: string, publishTimeUs: number, contributions: readonly Contribution[], nowUs: number): Result<RepairOutcome> {
    const before = this.store.decided(key, publishTimeUs);
    const r = this.store.repair(key, publishTimeUs, contributions);
    if (!r.ok) return r;
    const after = r.value.slot;
    if (r.value.changed) {
      this.slotsRepaired++;
      this.emit({ kind: 'repaired', key, publishTimeUs, before, after });
    }
    if (after === undefined) return r;
    if (publishTimeUs > nowUs) {
      this.pendingVisible.set(`${key}\n${publishTimeUs}`, { key, publishTimeUs });
    } else if (before === undefined) {
      this.makeVisible(after);
    } else if (!before.agreed || r.value.changed) {
      this.slotsAgreed++;
      this.emit({ kind: 'agreed', slot: after });
      this.client.onAgreedLater(after);
    }
    return r;
  }

  /** Whether frames from replica `peer` have come from more than one incarnation (it restarted). */
  protected peerRestarted(peer: number): boolean {
    return this.peerIncarnations.get(peer)?.restarted ?? false;
  }

  // --- internals ---------------------------------------------------------------------------

  private notePeerIncarnation(peer: number, incarnation: number): void {
    const seen = this.peerIncarnations.get(peer);
    if (seen === undefined) this.peerIncarnations.set(peer, { latest: incarnation, restarted: false });
    else if (incarnation > seen.latest) this.peerIncarnations.set(peer, { latest: incarnation, restarted: true });
  }

  private advance(nowUs: number, tick = false): void {
    // The embedder runs a due timer within π unless its event loop was held (a GC pause, a
    // stalled host): everything read now waited behind the hold, and looks late because of us.
    const lateUs = nowUs - this.askedTickUs;
    this.askedTickUs = Number.POSITIVE_INFINITY;
    if (lateUs > this.config.timing.processingUs) {
      this.count('event-loop.held');
      this.onEventLoopHeld(nowUs, lateUs);
    }
    this.lastNowUs = nowUs;
    this.onAdvance(nowUs, tick);
    for (const [id, p] of this.pendingVisible) {
      if (p.publishTimeUs > nowUs) continue;
      this.pendingVisible.delete(id);
      const slot = this.store.decided(p.key, p.publishTimeUs);
      if (slot !== undefined) this.makeVisible(slot);
    }
  }

  private makeVisible(slot: PublishedSlot): void {
    this.slotsPublished++;
    this.emit({ kind: 'published', slot });
    if (slot.agreed) {
      this.slotsAgreed++;
      this.emit({ kind: 'agreed', slot });
    }
    this.client.onVisible(slot);
  }

  private dispatch(from: number, body: Body, nowUs: number): void {
    if (from === clientIndexOf(this.id)) {
      if (!this.client.handle(body, nowUs)) this.count(`body.unexpected-from-client.${body.kind}`);
      return;
    }
    if (from >= this.config.replicas) {
      // Another replica's client endpoint: the channel has no key for it, so this is unreachable.
      this.count('body.unknown-endpoint');
      return;
    }
    switch (body.kind) {
      case 'write':
        this.count('writes.received');
        this.onWriteBroadcast(from, body.write, nowUs);
        return;
      case 'writeRequest':
      case 'writeReply':
      case 'readRequest':
      case 'readReply':
      case 'subscribe':
      case 'slotNotice':
      case 'statusRequest':
      case 'statusReply':
        this.count(`body.unexpected.${body.kind}`);
        this.suspect(from, 'malformed', `replica sent a client message (${body.kind})`, nowUs);
        return;
      default:
        this.onProtocolBody(from, body, nowUs);
    }
  }

  private earliestDecisionUs(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const t of this.decisionTimes) if (t < min) min = t;
    return min;
  }

  private nextTickUs(): number {
    let next = Math.min(this.lastNowUs + IDLE_TICK_US, this.earliestDecisionUs(), this.modeNextTickUs(this.lastNowUs));
    for (const p of this.pendingVisible.values()) if (p.publishTimeUs < next) next = p.publishTimeUs;
    return next;
  }

  private counterList(): { name: string; value: number }[] {
    return [...this.counters()]
      .filter(([name]) => name.length <= 64)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, MAX_COUNTERS)
      .map(([name, value]) => ({ name, value }));
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch {
      this.count('internal-error');
    }
  }
}
