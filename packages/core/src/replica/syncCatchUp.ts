/**
 * Catching up on parts this replica did not execute itself.
 *
 * A replica can miss committed synchronisation proposals: it restarted, fell behind a stable
 * checkpoint and installed it (state transfer skips the batches in between), or it asked for
 * a view change alone and waits for others that never follow (PBFT's known weakness: it then
 * ignores the view the others run in and advances only by installing their checkpoints). The
 * slots of those parts would stay unagreed here for good.
 *
 * So it asks the others (StateRequest{since}) for the *agreed* slots of those windows and
 * adopts a slot's contents once f+1 distinct replicas returned identical agreed contents: at
 * least one of them is correct, and every correct replica holds the same agreed contents
 * (it computed them from the same committed proposal), so what it adopts is exactly what it
 * would have computed. Replies are bounded (slots per chunk, chunks per reply) and requests
 * are answered at most once per interval per requester, so a faulty requester cannot use a
 * replica to flood the network.
 */
import type { PublishedSlot as WireSlot, StateReply, StateRequest } from '@bftkvs/msgs';
import { MAX_BODY_BYTES, MAX_STATE_SLOTS, encodeBody } from '@bftkvs/msgs';
import type { ClusterConfig } from '../cluster.js';
import type { Contribution, PublishedSlot } from '../slotStore.js';
import { isOnGrid } from '../time.js';
import { canonicalValue, checkValue } from '../value.js';
import type { Value } from '../value.js';
import type { PartWindow } from './syncReport.js';
import { decodeSyncState, inPart } from './syncReport.js';
import { valueFromWire, valueToWire } from './wireValue.js';

/** Windows kept waiting for agreed contents. */
const MAX_HOLES = 64;
/** Requests per hole before giving up on its remaining slots (they stay unagreed here, counted). */
const MAX_ATTEMPTS = 8;
/** Chunks in one reply. */
const MAX_REPLY_CHUNKS = 4;
/** Bytes of slots in one reply chunk (well within a frame). */
const CHUNK_BYTES = MAX_BODY_BYTES - 1024;

export interface CatchUpHost {
  readonly id: number;
  readonly config: ClusterConfig;
  send(to: number, body: { kind: 'stateRequest'; stateRequest: StateRequest } | { kind: 'stateReply'; stateReply: StateReply }): void;
  /** Agreed slots this replica holds with publish time >= fromUs, ascending. */
  agreedSlots(fromUs: number): PublishedSlot[];
  adopt(key: string, publishTimeUs: number, contributions: readonly Contribution[]): boolean;
  count(name: string, by?: number): void;
  /** What to put in a reply besides slots. */
  replyHead(): { view: number; stableSeq: number; stateDigest: Uint8Array };
}

interface Hole {
  readonly window: PartWindow;
  /** Grid slots of the part ("t\nkey") not settled yet. */
  readonly remaining: Set<string>;
  /** Requests sent for it. */
  attempts: number;
  /** Replicas that answered after having applied the part themselves. */
  readonly answered: Set<number>;
}

interface Vote {
  readonly contributions: Contribution[];
  readonly replicas: Set<number>;
}

export class CatchUp {
  private readonly holes = new Map<number, Hole>();
  /** slot id -> contents -> vote. */
  private readonly votes = new Map<string, Map<string, Vote>>();
  /** Slots settled by catch-up (ignored from then on), with their publish time. */
  private readonly settled = new Map<string, number>();
  private readonly answeredUs = new Map<number, number>();
  private requestId = 0;
  private lastRequestUs = Number.NEGATIVE_INFINITY;

  /**
   * Answers (from replicas that applied the part) after which a hole is complete: every other
   * replica. Then every correct one answered with its agreed slots (2f >= f+1 identical votes
   * each), so what is still open was not agreed (canonically missed). Fewer would let f faulty
   * replicas close a hole early; a silent one only makes it run to MAX_ATTEMPTS.
   */
  private readonly enoughAnswers: number;

  constructor(
    private readonly host: CatchUpHost,
    private readonly threshold: number,
    private readonly intervalUs: number,
    /** A reply covers publish times [since, since + spanUs) (what catch-up keeps anyway). */
    private readonly spanUs: number,
  ) {
    this.enoughAnswers = Math.max(threshold, host.config.replicas - 1);
  }

  /**
   * Parts whose agreed contents this replica wants from the others (it will not execute them,
   * or it waits for them too long); `slots` lists each part's grid slots. Asks at once.
   */
  addHoles(parts: readonly { readonly window: PartWindow; readonly slots: readonly string[] }[], nowUs: number): void {
    let added = 0;
    for (const p of parts) {
      if (this.holes.has(p.window.id)) continue;
      const remaining = new Set(p.slots.filter((id) => !this.settled.has(id)));
      if (remaining.size === 0) continue;
      this.holes.set(p.window.id, { window: p.window, remaining, attempts: 0, answered: new Set() });
      added++;
    }
    while (this.holes.size > MAX_HOLES) this.drop(this.holes.keys().next().value as number, 'sync.catch-up.gave-up');
    if (added === 0) return;
    this.host.count('sync.catch-up.holes', added);
    this.request(nowUs);
  }

  /** Whether a part is being caught up (or was, with slots left). */
  has(id: number): boolean {
    return this.holes.has(id);
  }

  /** Resends the request while holes are open; a hole is given up after a few requests. */
  tick(nowUs: number): void {
    if (this.holes.size === 0 || nowUs - this.lastRequestUs < this.intervalUs) return;
    for (const [id, h] of this.holes) if (h.attempts >= MAX_ATTEMPTS) this.drop(id, 'sync.catch-up.gave-up');
    if (this.holes.size > 0) this.request(nowUs);
  }

  nextTickUs(): number {
    return this.holes.size === 0 ? Number.POSITIVE_INFINITY : this.lastRequestUs + this.intervalUs;
  }

  size(): number {
    let v = 0;
    for (const m of this.votes.values()) v += m.size;
    let h = 0;
    for (const x of this.holes.values()) h += x.remaining.size;
    return h + v + this.settled.size;
  }

  /** Forgets everything about publish times before `beforeUs` (bounded memory). */
  collect(beforeUs: number): void {
    for (const [id, h] of this.holes) if (h.window.toUs <= beforeUs) this.holes.delete(id);
    for (const [id, t] of this.settled) if (t < beforeUs) this.settled.delete(id);
    for (const id of this.votes.keys()) if (Number(id.slice(0, id.indexOf('\n'))) < beforeUs) this.votes.delete(id);
  }

  private drop(id: number, counter: string): void {
    const h = this.holes.get(id);
    if (h === undefined) return;
    this.holes.delete(id);
    if (h.remaining.size > 0) this.host.count(counter, h.remaining.size);
    for (const slot of h.remaining) this.votes.delete(slot);
  }

  private request(nowUs: number): void {
    let since = Number.POSITIVE_INFINITY;
    for (const h of this.holes.values()) {
      since = Math.min(since, h.window.fromUs);
      h.attempts++;
    }
    if (!Number.isFinite(since)) return;
    this.lastRequestUs = nowUs;
    this.requestId++;
    this.host.count('sync.catch-up.requests');
    const body = { kind: 'stateRequest' as const, stateRequest: { requestId: this.requestId, sinceUs: Math.max(1, since) } };
    for (let r = 0; r < this.host.config.replicas; r++) if (r !== this.host.id) this.host.send(r, body);
  }

  /** Another replica asks for agreed slots. */
  onRequest(from: number, req: StateRequest, nowUs: number): void {
    const last = this.answeredUs.get(from);
    if (last !== undefined && nowUs - last < this.intervalUs / 2) {
      this.host.count('sync.catch-up.request-throttled');
      return;
    }
    this.answeredUs.set(from, nowUs);
    const slots: WireSlot[] = [];
    for (const s of this.host.agreedSlots(req.sinceUs)) {
      if (s.publishTimeUs >= req.sinceUs + this.spanUs) continue;
      const w = toWire(this.host.config, s);
      if (w !== undefined) slots.push(w);
    }
    const chunks: WireSlot[][] = [];
    let current: WireSlot[] = [];
    let bytes = 0;
    for (const s of slots) {
      const size = encodeBody({ kind: 'slotNotice', slotNotice: { slot: s } }).length;
      if (current.length > 0 && (current.length >= MAX_STATE_SLOTS || bytes + size > CHUNK_BYTES)) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(s);
      bytes += size;
    }
    if (current.length > 0 || chunks.length === 0) chunks.push(current);
    const sent = chunks.slice(0, MAX_REPLY_CHUNKS);
    const head = this.host.replyHead();
    sent.forEach((chunk, i) => {
      this.host.send(from, {
        kind: 'stateReply',
        stateReply: { requestId: req.requestId, view: head.view, stableSeq: head.stableSeq, maxTauUs: 0, slots: chunk, chunk: i, chunks: sent.length, stateDigest: head.stateDigest },
      });
    });
    this.host.count('sync.catch-up.answered');
  }

  /** Agreed slots from replica `from`: counted, adopted at f+1 identical contents. */
  onReply(from: number, reply: StateReply): void {
    if (this.holes.size === 0 || reply.requestId > this.requestId) {
      this.host.count('sync.catch-up.reply-unasked');
      return;
    }
    for (const w of reply.slots) {
      if (!w.agreed) continue;
      const id = `${w.publishTimeUs}\n${w.key}`;
      const hole = this.holeOf(w.publishTimeUs, w.key);
      if (hole === undefined || !hole.remaining.has(id)) continue;
      const contributions = fromWire(this.host.config, w);
      if (contributions === undefined) {
        this.host.count('sync.catch-up.bad-slot');
        continue;
      }
      const contents = contributions.map((c) => `${c.writer}=${canonicalValue(c.value)}`).join(',');
      let byContents = this.votes.get(id);
      if (byContents === undefined) {
        byContents = new Map();
        this.votes.set(id, byContents);
      }
      let vote = byContents.get(contents);
      if (vote === undefined) {
        // At most one version per replica and slot counts (a faulty replica cannot vote twice).
        if ([...byContents.values()].some((v) => v.replicas.has(from))) continue;
        vote = { contributions, replicas: new Set() };
        byContents.set(contents, vote);
      }
      vote.replicas.add(from);
      if (vote.replicas.size < this.threshold) continue;
      this.votes.delete(id);
      this.settled.set(id, w.publishTimeUs);
      hole.remaining.delete(id);
      this.host.count(this.host.adopt(w.key, w.publishTimeUs, vote.contributions) ? 'sync.catch-up.adopted' : 'sync.catch-up.not-adopted');
      if (hole.remaining.size === 0) {
        this.holes.delete(hole.window.id);
        this.host.count('sync.catch-up.done');
      }
    }
    // A complete answer (last chunk) from a replica that applied a part: what it has agreed of
    // that part is in. Enough such answers end the hole; the rest of its slots were not agreed
    // (canonically missed) and stay as they are here.
    const state = decodeSyncState(reply.stateDigest);
    if (state === undefined || reply.chunk !== reply.chunks - 1) return;
    for (const [id, h] of this.holes) {
      if (state.lastApplied < id) continue;
      h.answered.add(from);
      if (h.answered.size >= this.enoughAnswers) this.drop(id, 'sync.catch-up.not-agreed');
    }
  }

  private holeOf(t: number, key: string): Hole | undefined {
    for (const h of this.holes.values()) if (inPart(h.window, t, key)) return h;
    return undefined;
  }
}

function toWire(config: ClusterConfig, s: PublishedSlot): WireSlot | undefined {
  const schema = config.keys.get(s.key);
  if (schema === undefined) return undefined;
  return {
    key: s.key,
    publishTimeUs: s.publishTimeUs,
    value: valueToWire(schema.type, s.value),
    contributions: s.contributions.map((c) => ({ writer: c.writer, value: valueToWire(schema.type, c.value) })),
    agreed: s.agreed,
    repairs: Math.min(s.repairs, 0xffff_ffff),
  };
}

/** The contributions of a wire slot, checked like any input (the sender may be faulty). */
function fromWire(config: ClusterConfig, w: WireSlot): Contribution[] | undefined {
  const schema = config.keys.get(w.key);
  if (schema === undefined || !isOnGrid(schema.grid, w.publishTimeUs)) return undefined;
  const out: Contribution[] = [];
  for (const c of w.contributions) {
    if (!schema.writers.includes(c.writer)) return undefined;
    const v: Value | undefined = valueFromWire(schema.type, c.value);
    if (v === undefined || !checkValue(schema.type, v).ok) return undefined;
    out.push({ writer: c.writer, value: v });
  }
  return out;
}
