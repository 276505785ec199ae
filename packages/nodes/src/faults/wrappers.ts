/**
 * The fault wrappers: Transports around the replica's real ones that misbehave as a fault
 * profile says, plus the self-inflicted crash. The replica (core) and its driver run
 * unchanged; a faulty node differs only in what leaves (and, for wrong values, what its own
 * applications' requests say when they reach it). Frame surgery with the node's own keys
 * comes from @bftkvs/faults, the same code the simulator's Byzantine nodes use.
 */
import type { FrameCraft } from '@bftkvs/faults';
import { equivocateFrame, isProtocolFrame } from '@bftkvs/faults';
import type { Value, Write } from '@bftkvs/msgs';
import { clientIndexOf, decodeBody, decodeFrame, encodeBody } from '@bftkvs/msgs';
import type { FrameHandler, PeerAddress, Transport } from '@bftkvs/runtime';
import { Counters } from '@bftkvs/runtime';
import type { FaultSpec } from './profile.js';
import { faultActive } from './profile.js';

/** A value changed the way a lying writer would: numbers moved by `offset`, booleans flipped, strings altered. */
export function skewValue(v: Value, offset: number): Value {
  const intOffset = Math.round(offset) === 0 ? Math.sign(offset) : Math.round(offset);
  const str = (s: string): string => (s.startsWith('x') ? `y${s.slice(1)}` : `x${s.slice(1)}`);
  switch (v.kind) {
    case 'f64':
      return { kind: 'f64', f64: v.f64 + offset };
    case 'i64':
      return { kind: 'i64', i64: v.i64 + intOffset };
    case 'b':
      return { kind: 'b', b: !v.b };
    case 's':
      return { kind: 's', s: str(v.s) };
    case 'vec':
      return { kind: 'vec', vec: { items: v.vec.items.map((x) => x + offset) } };
    case 'fields':
      return {
        kind: 'fields',
        fields: {
          fields: v.fields.fields.map((f) => {
            switch (f.kind) {
              case 'f64':
                return { name: f.name, kind: 'f64', f64: f.f64 + offset };
              case 'i64':
                return { name: f.name, kind: 'i64', i64: f.i64 + intOffset };
              case 'b':
                return { name: f.name, kind: 'b', b: !f.b };
              case 's':
                return { name: f.name, kind: 's', s: str(f.s) };
            }
          }),
        },
      };
  }
}

export interface FaultyPeerOptions {
  readonly self: number;
  readonly replicas: number;
  readonly faults: readonly FaultSpec[];
  readonly craft: FrameCraft;
  /** Whether this node is the primary of the current view (silent-primary). */
  readonly isPrimary: () => boolean;
  /** [0, 1) (drop-out, delay jitter); default Math.random. */
  readonly random?: () => number;
  /** ms since the fault epoch, for faults with a time window (default: ms since construction). */
  readonly nowMs?: () => number;
}

export type FaultCounter = 'equivocated' | 'dropped' | 'delayed' | 'silenced' | 'skewed' | 'craftFailed';

/**
 * The replica-to-replica transport of a faulty node. Outgoing frames pass, in order:
 * silent-primary (protocol frames dropped while primary), equivocate (its own writes to the
 * upper half of the other replicas carry another value, re-authenticated with its keys),
 * drop-out, delay-out. Incoming traffic is untouched.
 */
export class FaultyPeerTransport implements Transport {
  readonly description: string;
  private readonly counts = new Counters<FaultCounter>();
  private readonly equivocate: Extract<FaultSpec, { kind: 'equivocate' }> | undefined;
  private readonly drop: Extract<FaultSpec, { kind: 'drop-out' }> | undefined;
  private readonly delay: Extract<FaultSpec, { kind: 'delay-out' }> | undefined;
  private readonly silent: Extract<FaultSpec, { kind: 'silent-primary' }> | undefined;
  private readonly nowMs: () => number;
  /** Replicas that get the altered value when equivocating. */
  private readonly otherSide: ReadonlySet<number>;
  private readonly random: () => number;
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(
    private readonly inner: Transport,
    private readonly o: FaultyPeerOptions,
  ) {
    this.description = `${inner.description} (faulty)`;
    this.equivocate = o.faults.find((f): f is Extract<FaultSpec, { kind: 'equivocate' }> => f.kind === 'equivocate');
    this.drop = o.faults.find((f): f is Extract<FaultSpec, { kind: 'drop-out' }> => f.kind === 'drop-out');
    this.delay = o.faults.find((f): f is Extract<FaultSpec, { kind: 'delay-out' }> => f.kind === 'delay-out');
    this.silent = o.faults.find((f): f is Extract<FaultSpec, { kind: 'silent-primary' }> => f.kind === 'silent-primary');
    this.random = o.random ?? Math.random;
    const constructedMs = Date.now();
    this.nowMs = o.nowMs ?? (() => Date.now() - constructedMs);
    // The others in index order; the first half (rounded up) hears the truth, the rest the lie,
    // so with N >= 3 both sides hold at least one other replica.
    const others = Array.from({ length: o.replicas }, (_, i) => i).filter((i) => i !== o.self);
    this.otherSide = new Set(others.slice(Math.ceil(others.length / 2)));
  }

  /** Replicas that receive the altered values when equivocating. */
  get equivocationTargets(): readonly number[] {
    return [...this.otherSide].sort((a, b) => a - b);
  }

  send(to: number, bytes: Uint8Array): boolean {
    let out = bytes;
    // Read the clock only when some fault is timed: the common untimed case stays as cheap as before.
    const now = this.o.faults.some((f) => f.window !== undefined) ? this.nowMs() : 0;
    const on = (f: FaultSpec | undefined): f is FaultSpec => f !== undefined && faultActive(f, now);
    if (on(this.silent) && this.o.isPrimary() && isProtocolFrame(bytes)) {
      this.counts.bump('silenced');
      return true;
    }
    if (this.equivocate !== undefined && on(this.equivocate) && this.otherSide.has(to)) {
      const offset = this.equivocate.offset;
      try {
        const crafted = equivocateFrame(out, this.o.self, this.o.craft, (w: Write) => ({ ...w, value: skewValue(w.value, offset) }));
        if (crafted !== undefined) {
          out = crafted;
          this.counts.bump('equivocated');
        }
      } catch {
        this.counts.bump('craftFailed');
      }
    }
    if (this.drop !== undefined && on(this.drop) && this.drop.probability > 0 && this.random() < this.drop.probability) {
      this.counts.bump('dropped');
      return true;
    }
    if (this.delay !== undefined && on(this.delay) && this.delay.delayMs > 0) {
      this.counts.bump('delayed');
      const jitter = this.delay.jitterMs ?? 0;
      const delayMs = Math.max(0, this.delay.delayMs + (jitter > 0 ? (2 * this.random() - 1) * jitter : 0));
      const h = setTimeout(() => {
        this.pending.delete(h);
        this.inner.send(to, out);
      }, delayMs);
      this.pending.add(h);
      return true;
    }
    return this.inner.send(to, out);
  }

  onFrame(handler: FrameHandler): void {
    this.inner.onFrame(handler);
  }

  setRoute(index: number, address: PeerAddress): void {
    this.inner.setRoute(index, address);
  }

  route(index: number): PeerAddress | undefined {
    return this.inner.route(index);
  }

  async close(): Promise<void> {
    for (const h of this.pending) clearTimeout(h);
    this.pending.clear();
    await this.inner.close();
  }

  counters(): Readonly<Record<string, number>> {
    const out: Record<string, number> = { ...this.inner.counters() };
    for (const [k, v] of Object.entries(this.counts.snapshot())) out[`fault.${k}`] = v;
    return out;
  }
}

/**
 * The client transport of a node whose writers lie consistently (wrong-values): every write
 * request of the node's applications is rewritten (value skewed) and re-sealed with the
 * client-endpoint key before the replica sees it. The replica then admits, stores, sends and
 * reports the wrong value like any other: a consistently wrong writer, as the fuse function
 * must mask.
 */
export class SkewingClientTransport implements Transport {
  readonly description: string;
  private readonly counts = new Counters<FaultCounter>();

  constructor(
    private readonly inner: Transport,
    private readonly o: {
      readonly self: number;
      readonly offset: number;
      readonly craft: FrameCraft;
      /** Whether the fault acts right now (a timed profile); default always. */
      readonly active?: () => boolean;
    },
  ) {
    this.description = `${inner.description} (wrong values)`;
  }

  send(to: number, bytes: Uint8Array): boolean {
    return this.inner.send(to, bytes);
  }

  onFrame(handler: FrameHandler): void {
    this.inner.onFrame((bytes, from) => handler(this.skew(bytes), from));
  }

  setRoute(index: number, address: PeerAddress): void {
    this.inner.setRoute(index, address);
  }

  route(index: number): PeerAddress | undefined {
    return this.inner.route(index);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  counters(): Readonly<Record<string, number>> {
    const out: Record<string, number> = { ...this.inner.counters() };
    for (const [k, v] of Object.entries(this.counts.snapshot())) out[`fault.${k}`] = v;
    return out;
  }

  /**
   * Rewrites a write request from this node's client endpoint. Anything else, and anything
   * that does not decode, passes unchanged (the replica's channel judges it). Only
   * MAC-valid requests are re-sealed: a forged frame must stay forged.
   */
  private skew(bytes: Uint8Array): Uint8Array {
    const f = decodeFrame(bytes);
    if (!f.ok || f.value.from !== clientIndexOf(this.o.self) || f.value.to !== this.o.self) return bytes;
    const b = decodeBody(f.value.body);
    if (!b.ok || b.value.kind !== 'writeRequest') return bytes;
    if (this.o.active !== undefined && !this.o.active()) return bytes;
    const { mac, ...head } = f.value;
    try {
      const genuine = this.o.craft.seal(head);
      const tag = genuine.subarray(genuine.length - mac.length);
      if (tag.length !== mac.length || !tag.every((x, i) => x === mac[i])) return bytes;
      const req = b.value.writeRequest;
      const body = encodeBody({ kind: 'writeRequest', writeRequest: { ...req, value: skewValue(req.value, this.o.offset) } });
      this.counts.bump('skewed');
      return this.o.craft.seal({ ...head, body });
    } catch {
      this.counts.bump('craftFailed');
      return bytes;
    }
  }
}

/** crash-at: kills the process without any cleanup after `afterMs` (as a power cut would). */
export function scheduleCrash(afterMs: number, onCrash: () => void, kill: () => void = () => process.kill(process.pid, 'SIGKILL')): NodeJS.Timeout {
  const t = setTimeout(() => {
    onCrash();
    kill();
  }, afterMs);
  // The crash must not keep a process alive that was about to exit anyway.
  t.unref();
  return t;
}
