/**
 * A tiny in-test network for the replica tests: one real time line, a clock offset per
 * replica, per-frame delays chosen by the test, crashes and per-frame filters. Deliberately
 * minimal; the full simulator lives in packages/sim.
 *
 * Not a test file: AVA skips files whose name starts with '_'.
 */
import type { NodeKeys } from '../auth/keys.js';
import { deriveClusterKeysForTesting } from '../auth/keys.js';
import { nobleCrypto } from '../auth/crypto.js';
import type { ClusterConfig, ClusterInput } from '../cluster.js';
import { parseClusterConfig } from '../cluster.js';
import { createFuseRegistry } from '../fuse/index.js';
import type { PublishedSlot } from '../slotStore.js';
import { createReplica } from './create.js';
import type { CreateReplicaOptions } from './create.js';
import type { Replica, ReplicaEvent } from './types.js';

export const fuse = createFuseRegistry();
export const KEYS_SEED = 'bftkvs replica tests';

/** 3 redundant wheel-speed sensors hosted on replicas 0, 1, 2 (median). */
export function clusterInput(mode: 'crash' | 'fast', replicas: number, f: number, over: Partial<ClusterInput['cluster']> = {}, keyOver: Record<string, unknown> = {}): ClusterInput {
  return {
    cluster: {
      name: 'testbed',
      mode,
      replicas,
      f,
      writers: { wheel_a: 0, wheel_b: 1, wheel_c: 2 },
      timing: { networkDelayMs: 1, clockSkewMs: 0.5, processingMs: 0.2 },
      ...over,
    },
    keys: {
      speed: { type: 'float64', periodMs: 10, writers: ['wheel_a', 'wheel_b', 'wheel_c'], fuse: 'median', ...keyOver },
    },
  };
}

export function makeConfig(input: ClusterInput): ClusterConfig {
  return parseClusterConfig(input, fuse);
}

export interface Delivery {
  /** Real arrival time (moved later while the receiver is held). */
  atUs: number;
  readonly from: number;
  readonly to: number;
  readonly bytes: Uint8Array;
}

export interface TestNetOptions {
  /** Clock offset of each replica (its clock = real time + offset). */
  readonly skewUs?: (replica: number) => number;
  /** Delay of the n-th frame from `from` to `to`, in real µs. */
  readonly delayUs?: (from: number, to: number, n: number) => number;
  readonly replicaOptions?: (id: number, keys: NodeKeys) => Partial<CreateReplicaOptions>;
}

export class TestNet {
  readonly config: ClusterConfig;
  readonly keys: NodeKeys[];
  readonly replicas: Replica[];
  readonly events: ReplicaEvent[][];
  readonly crashed = new Set<number>();
  /** Frames replicas sent to client endpoints (not routed; the tests read them). */
  readonly toClients: Delivery[] = [];
  /** Frames leaving a replica go through this; false drops the frame (crash mid-broadcast). */
  outFilter: (from: number, to: number) => boolean = () => true;
  realUs: number;
  /**
   * Replicas whose event loop is held (a GC pause, a stalled host) until a real time: what
   * arrives meanwhile is delivered when the hold ends, before the tick that came due (the
   * driver's order, replicaDriver.ts).
   */
  readonly heldUntilUs = new Map<number, number>();
  private queue: Delivery[] = [];
  private readonly tickAtUs: number[];
  private readonly sent = new Map<string, number>();
  private readonly opts: TestNetOptions;

  constructor(config: ClusterConfig, startUs: number, opts: TestNetOptions = {}) {
    this.config = config;
    this.opts = opts;
    this.realUs = startUs;
    this.keys = deriveClusterKeysForTesting(KEYS_SEED, config.replicas);
    this.replicas = this.keys.map((k, id) =>
      createReplica(config, { id, keys: k, crypto: nobleCrypto, incarnation: 1, fuse, ...(opts.replicaOptions?.(id, k) ?? {}) }),
    );
    this.events = this.replicas.map(() => []);
    this.tickAtUs = this.replicas.map(() => startUs);
  }

  clock(replica: number): number {
    return this.realUs + (this.opts.skewUs?.(replica) ?? 0);
  }

  /** Runs `f` on a replica at the current real time and routes its outputs. */
  at<T>(replica: number, f: (r: Replica, nowUs: number) => T): T {
    const out = f(this.replicas[replica] as Replica, this.clock(replica));
    this.drain(replica);
    return out;
  }

  /** Frames sent and not yet delivered. */
  inFlight(): readonly Delivery[] {
    return [...this.queue];
  }

  /** Injects raw bytes to arrive at `to` after `delayUs`. */
  inject(to: number, bytes: Uint8Array, delayUs = 0, from = -1): void {
    this.queue.push({ atUs: this.realUs + delayUs, from, to, bytes });
  }

  /** Advances real time to `untilUs`, delivering frames and ticks in time order (ties: frames first). */
  run(untilUs: number): void {
    for (;;) {
      const next = this.nextEvent();
      if (next === undefined || next.atUs > untilUs) break;
      const target = next.kind === 'deliver' ? next.delivery.to : next.replica;
      const heldUntil = this.heldUntilUs.get(target) ?? Number.NEGATIVE_INFINITY;
      if (next.atUs < heldUntil) {
        // Postponed to the end of the hold; frames win ties with ticks (nextEvent).
        if (next.kind === 'deliver') next.delivery.atUs = heldUntil;
        else this.tickAtUs[target] = heldUntil;
        continue;
      }
      this.realUs = Math.max(this.realUs, next.atUs);
      if (next.kind === 'deliver') {
        this.queue.splice(this.queue.indexOf(next.delivery), 1);
        const d = next.delivery;
        if (!this.crashed.has(d.to)) this.at(d.to, (r, now) => r.receive(d.bytes, now));
      } else {
        this.tickAtUs[next.replica] = Number.POSITIVE_INFINITY; // rescheduled by the tick's ready()
        this.at(next.replica, (r, now) => r.tick(now));
      }
    }
    this.realUs = untilUs;
  }

  published(replica: number): PublishedSlot[] {
    const out: PublishedSlot[] = [];
    for (const e of this.events[replica] ?? []) if (e.kind === 'published') out.push(e.slot);
    return out;
  }

  eventsOf<K extends ReplicaEvent['kind']>(replica: number, kind: K): Extract<ReplicaEvent, { kind: K }>[] {
    return (this.events[replica] ?? []).filter((e): e is Extract<ReplicaEvent, { kind: K }> => e.kind === kind);
  }

  correct(): number[] {
    return this.replicas.map((_, i) => i).filter((i) => !this.crashed.has(i));
  }

  private drain(replica: number): void {
    const ready = (this.replicas[replica] as Replica).ready();
    if (this.crashed.has(replica)) return;
    (this.events[replica] as ReplicaEvent[]).push(...ready.events);
    for (const f of ready.frames) {
      if (f.to >= this.replicas.length) {
        this.toClients.push({ atUs: this.realUs, from: replica, to: f.to, bytes: f.bytes });
        continue;
      }
      if (!this.outFilter(replica, f.to)) continue;
      const id = `${replica}>${f.to}`;
      const n = this.sent.get(id) ?? 0;
      this.sent.set(id, n + 1);
      const delay = this.opts.delayUs?.(replica, f.to, n) ?? 500;
      this.queue.push({ atUs: this.realUs + delay, from: replica, to: f.to, bytes: f.bytes });
    }
    // nextTickUs is on the replica's clock; convert to real time.
    // Never in the past, so a replica cannot stall the loop by asking for the same instant.
    this.tickAtUs[replica] = Math.max(ready.nextTickUs - (this.opts.skewUs?.(replica) ?? 0), this.realUs + 1);
  }

  private nextEvent(): NetEvent | undefined {
    let d = -1;
    this.queue.forEach((x, i) => {
      if (d < 0 || x.atUs < (this.queue[d] as Delivery).atUs) d = i;
    });
    let r = -1;
    this.tickAtUs.forEach((at, i) => {
      if (!this.crashed.has(i) && (r < 0 || at < (this.tickAtUs[r] as number))) r = i;
    });
    const tickAt = r < 0 ? Number.POSITIVE_INFINITY : (this.tickAtUs[r] as number);
    const delivery = this.queue[d];
    if (delivery !== undefined && delivery.atUs <= tickAt) return { atUs: delivery.atUs, kind: 'deliver', delivery };
    if (!Number.isFinite(tickAt)) return undefined;
    return { atUs: tickAt, kind: 'tick', replica: r };
  }
}

type NetEvent = { atUs: number; kind: 'deliver'; delivery: Delivery } | { atUs: number; kind: 'tick'; replica: number };

/** Slot contents as comparable data: key@t -> sorted "writer=value" list and fused value. */
export function slotSummary(slots: readonly PublishedSlot[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of slots) out[`${s.key}@${s.publishTimeUs}`] = `${JSON.stringify(s.value)} from ${s.contributions.map((c) => `${c.writer}=${JSON.stringify(c.value)}`).join(',')} agreed=${s.agreed}`;
  return out;
}
