/**
 * Runs one Replica state machine against real I/O: datagrams in, frames out, one timer.
 *
 * The replica is pure (core has no I/O and no clock); everything it needs from the world
 * comes through here: `receive(bytes, now)` for every datagram, `tick(now)` when the time it
 * asked for comes, and after each of those `ready()` is drained — events to listeners first,
 * then frames to the transports (the order the Replica contract asks for). No protocol logic
 * lives here.
 *
 * Timer: exactly one setTimeout, armed at the replica's `nextTickUs`. It is re-armed only
 * when the replica asks for an earlier time, so a datagram flood does not churn timers (an
 * earlier tick is always allowed). Node timers have 1 ms granularity and fire no earlier
 * than asked in loop time; a timer that still fires before the target on the µs clock is
 * re-armed for the rest instead of ticking, and a target already in the past costs a 1 ms
 * timer, so a replica can never make the driver spin.
 *
 * Datagrams before the tick: Node runs expired timers *before* it reads sockets. After the
 * event loop was held (a GC pause, a long task, the host), a tick run straight from the timer
 * would act on the time before the replica saw what arrived meanwhile — a primary would close a
 * slot without the write that waits in its socket, and its backups would rightly suspect it of
 * censorship. So the timer only schedules the tick with setImmediate, which runs after the
 * poll phase has delivered every datagram that is already there.
 */
import type { MemoryFootprint, Replica, ReplicaEvent } from '@bftkvs/core';
import type { ReplicaHealth } from '@bftkvs/msgs';
import { CLIENT_INDEX_BASE } from '@bftkvs/msgs';
import type { Clock } from '../clock.js';
import { Counters } from '../counters.js';
import type { PeerAddress, Transport } from '../transport/index.js';
import { INPROC_HOST } from '../transport/index.js';
import type { ClientRouteGuard } from './clientRoute.js';
import { ClientRouteTable, anyClientRoute, clientFrameRole } from './clientRoute.js';
import type { DriverProbe } from './benchProbe.js';
import type { TimerLagSnapshot } from './timerLag.js';
import { TimerLag } from './timerLag.js';

export interface ReplicaDriverOptions {
  readonly replica: Replica;
  readonly clock: Clock;
  /** Replica-to-replica traffic; also client traffic when `clientTransport` is absent (in-process hubs). */
  readonly transport: Transport;
  /** The socket the node's applications talk to (UDP: the replica's clientPort). */
  readonly clientTransport?: Transport;
  /**
   * Decides which client datagrams may set a reply address (see clientRoute.ts). Required
   * in spirit for UDP (use authenticatedClientRoute); defaults to learning from any datagram.
   */
  readonly clientRouteGuard?: ClientRouteGuard;
  /** Application addresses served at once on the client transport (default 8). */
  readonly maxClientRoutes?: number;
  /** Upper bound on the time between ticks even if the replica asks for none sooner. */
  readonly maxTickIntervalMs?: number;
  /** Close the transports on stop() (default true: the driver owns them). */
  readonly closeTransportsOnStop?: boolean;
  /** Measurement hooks (`bftkvs bench`, benchProbe.ts); absent: no overhead. */
  readonly probe?: DriverProbe;
}

export type EventListener = (event: ReplicaEvent) => void;

export type DriverCounter =
  | 'datagrams'
  | 'clientDatagrams'
  | 'ticks'
  | 'earlyTimerFires'
  | 'immediateTicks'
  | 'framesSent'
  | 'framesDropped'
  | 'framesNoTransport'
  | 'framesNoClientRoute'
  | 'events'
  | 'listenerErrors'
  | 'replicaErrors'
  | 'clientRouteLearned'
  | 'clientRouteRefused';

export interface DriverHealth {
  readonly running: boolean;
  readonly replica: ReplicaHealth | undefined;
  readonly memory: MemoryFootprint | undefined;
  readonly driver: Readonly<Record<string, number>>;
  readonly timerLag: TimerLagSnapshot;
  readonly transport: Readonly<Record<string, number>>;
  readonly clientTransport: Readonly<Record<string, number>> | undefined;
  /** Application addresses heard from recently (they get slot notices). */
  readonly liveClients: number;
  /** The last exception a replica method threw (replicas must not throw; this is a bug report). */
  readonly lastReplicaError: string | undefined;
}

const DEFAULT_MAX_TICK_INTERVAL_MS = 1_000;
/** Node clamps setTimeout delays to 1..2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ReplicaDriver {
  private readonly replica: Replica;
  private readonly clock: Clock;
  private readonly transport: Transport;
  private readonly clientTransport: Transport | undefined;
  private readonly guard: ClientRouteGuard;
  private readonly maxTickIntervalUs: number;
  private readonly closeTransports: boolean;
  private readonly clientIndex: number;
  private readonly counts = new Counters<DriverCounter>();
  private readonly lag = new TimerLag();
  private readonly listeners = new Set<EventListener>();
  private readonly clientRoutes: ClientRouteTable;
  /** While a client datagram is handled: the route index its replies go to. */
  private replyRoute: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The tick the timer scheduled, waiting for the datagrams already received (see the header). */
  private tickImmediate: NodeJS.Immediate | undefined;
  /** The tick time the armed timer (or the scheduled tick) is for. */
  private armedUs = Number.POSITIVE_INFINITY;
  private running = false;
  private stopped = false;
  private pumping = false;
  private pumpAgain = false;
  private lastReplicaError: string | undefined;
  private readonly probe: DriverProbe | undefined;

  constructor(opts: ReplicaDriverOptions) {
    this.probe = opts.probe;
    this.replica = opts.replica;
    this.clock = opts.clock;
    this.transport = opts.transport;
    this.clientTransport = opts.clientTransport;
    this.guard = opts.clientRouteGuard ?? anyClientRoute;
    const maxMs = opts.maxTickIntervalMs ?? DEFAULT_MAX_TICK_INTERVAL_MS;
    if (!(maxMs >= 1 && maxMs <= MAX_TIMER_MS)) throw new RangeError(`maxTickIntervalMs must be in 1..${MAX_TIMER_MS}, got ${maxMs}`);
    this.maxTickIntervalUs = Math.round(maxMs * 1_000);
    this.closeTransports = opts.closeTransportsOnStop ?? true;
    this.clientIndex = CLIENT_INDEX_BASE + opts.replica.id;
    this.clientRoutes = new ClientRouteTable(opts.maxClientRoutes);
  }

  /** Starts receiving and ticking. A driver runs once: after stop() it cannot restart. */
  start(): void {
    if (this.running) return;
    if (this.stopped) throw new Error('ReplicaDriver: cannot restart a stopped driver; create a new one');
    this.running = true;
    this.transport.onFrame(this.onPeerDatagram);
    this.clientTransport?.onFrame(this.onClientDatagram);
    // Whatever the replica produced before start (or wants now) goes out, and the timer is armed.
    this.safely(() => this.replica.tick(this.clock.nowUs()));
    this.pump();
  }

  /** Stops the timer, stops delivering, and (by default) closes the transports. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.tickImmediate !== undefined) clearImmediate(this.tickImmediate);
    this.timer = undefined;
    this.tickImmediate = undefined;
    this.armedUs = Number.POSITIVE_INFINITY;
    this.transport.onFrame(() => {});
    this.clientTransport?.onFrame(() => {});
    if (this.closeTransports) await Promise.all([this.transport.close(), this.clientTransport?.close()]);
  }

  /** Subscribes to replica events; returns the unsubscribe function. Listener exceptions are counted. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Diagnostics snapshot: the replica's own health plus the driver's and transports' counters. */
  health(): DriverHealth {
    const now = this.clock.nowUs();
    let replica: ReplicaHealth | undefined;
    let memory: MemoryFootprint | undefined;
    this.safely(() => {
      replica = this.replica.health(now);
      memory = this.replica.memory();
    });
    return {
      running: this.running,
      replica,
      memory,
      driver: this.counts.snapshot(),
      timerLag: this.lag.snapshot(),
      transport: this.transport.counters(),
      clientTransport: this.clientTransport?.counters(),
      liveClients: this.clientRoutes.live(now).length,
      lastReplicaError: this.lastReplicaError,
    };
  }

  /** The time the armed timer targets (µs), or undefined when none is armed. */
  get nextTickUs(): number | undefined {
    return this.timer === undefined && this.tickImmediate === undefined ? undefined : this.armedUs;
  }

  /**
   * Runs `fn` against the replica (an in-process application's write/read) and then sends
   * whatever it produced. Returns what `fn` returned.
   */
  withReplica<T>(fn: (replica: Replica, nowUs: number) => T): T {
    const result = fn(this.replica, this.clock.nowUs());
    if (this.running) this.pump();
    return result;
  }

  private readonly onPeerDatagram = (bytes: Uint8Array, from: PeerAddress): void => {
    if (!this.running) return;
    // On a shared (in-process) transport the client endpoint arrives here too.
    if (this.clientTransport === undefined && from.host === INPROC_HOST && from.port === this.clientIndex) return this.onClientDatagram(bytes, from);
    this.counts.bump('datagrams');
    this.safely(() => this.replica.receive(bytes, this.clock.nowUs()));
    if (this.probe !== undefined) this.probe.onPeerDatagram(bytes, this.clock.nowUs());
    this.pump();
  };

  private readonly onClientDatagram = (bytes: Uint8Array, from: PeerAddress): void => {
    if (!this.running) return;
    this.counts.bump('clientDatagrams');
    const t = this.clientTransport;
    let reply: number | undefined;
    if (t !== undefined) {
      // The guard runs on every client datagram: it keeps a replay window per application
      // incarnation, so an old frame replayed from elsewhere is not fresh and sets no route.
      if (this.guard(bytes)) {
        const { index, isNew } = this.clientRoutes.learn(from, this.clock.nowUs());
        reply = index;
        if (isNew) {
          try {
            t.setRoute(index, from);
            this.counts.bump('clientRouteLearned');
          } catch {
            this.counts.bump('clientRouteRefused');
            reply = undefined;
          }
        }
      } else this.counts.bump('clientRouteRefused');
    }
    this.replyRoute = reply;
    try {
      this.safely(() => this.replica.receive(bytes, this.clock.nowUs()));
      this.pump();
    } finally {
      this.replyRoute = undefined;
    }
  };

  private readonly onTimer = (): void => {
    this.timer = undefined;
    if (!this.running) return;
    this.tickImmediate = setImmediate(this.onTickDue);
  };

  private readonly onTickDue = (): void => {
    this.tickImmediate = undefined;
    const target = this.armedUs;
    this.armedUs = Number.POSITIVE_INFINITY;
    if (!this.running) return;
    const now = this.clock.nowUs();
    if (now < target) {
      this.counts.bump('earlyTimerFires');
      this.arm(target, now);
      return;
    }
    this.lag.record(now - target);
    this.counts.bump('ticks');
    this.safely(() => this.replica.tick(now));
    this.pump();
  };

  /** Drains ready(): events to listeners, then frames out, then re-arms the timer. */
  private pump(): void {
    if (this.pumping) {
      // A listener fed the replica (e.g. an in-process application wrote): drain again after this round.
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        let ready: ReturnType<Replica['ready']> | undefined;
        this.safely(() => {
          ready = this.replica.ready();
        });
        if (ready === undefined) {
          this.arm(this.clock.nowUs() + this.maxTickIntervalUs);
          return;
        }
        for (const e of ready.events) this.emit(e);
        for (const f of ready.frames) this.sendFrame(f.to, f.bytes);
        this.arm(ready.nextTickUs);
        if (this.probe !== undefined) this.probe.afterPump(this.clock.nowUs());
      } while (this.pumpAgain && this.running);
    } finally {
      this.pumping = false;
    }
  }

  private emit(e: ReplicaEvent): void {
    this.counts.bump('events');
    if (this.probe !== undefined) this.probe.onEvent(e, this.clock.nowUs());
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        this.counts.bump('listenerErrors');
      }
    }
  }

  private sendFrame(to: number, bytes: Uint8Array): void {
    if (to >= CLIENT_INDEX_BASE && to !== this.clientIndex) {
      // A replica only ever answers its own node's applications.
      this.counts.bump('framesNoTransport');
      return;
    }
    if (to === this.clientIndex && this.clientTransport !== undefined) return this.sendToClients(this.clientTransport, bytes);
    if (this.probe !== undefined && to < CLIENT_INDEX_BASE) this.probe.onPeerSend(to, bytes, this.clock.nowUs());
    this.sendVia(this.transport, to, bytes);
  }

  /**
   * A reply goes to the address of the request being handled (or, outside one, the most
   * recent application); a slot notice to every application heard from recently.
   */
  private sendToClients(t: Transport, bytes: Uint8Array): void {
    if (clientFrameRole(bytes) === 'reply') {
      const index = this.replyRoute ?? this.clientRoutes.latest();
      if (index === undefined) this.counts.bump('framesNoClientRoute');
      else this.sendVia(t, index, bytes);
      return;
    }
    const live = this.clientRoutes.live(this.clock.nowUs());
    if (live.length === 0) this.counts.bump('framesNoClientRoute');
    for (const index of live) this.sendVia(t, index, bytes);
  }

  private sendVia(t: Transport, to: number, bytes: Uint8Array): void {
    if (t.send(to, bytes)) this.counts.bump('framesSent');
    else this.counts.bump('framesDropped');
  }

  /** Arms the single timer for `targetUs` unless one is already armed for that time or earlier. */
  private arm(targetUs: number, nowUs = this.clock.nowUs()): void {
    // A scheduled tick runs within this turn of the event loop and re-arms after it.
    if (!this.running || this.tickImmediate !== undefined) return;
    const cap = nowUs + this.maxTickIntervalUs;
    const target = Number.isFinite(targetUs) ? Math.min(targetUs, cap) : cap;
    if (this.timer !== undefined && this.armedUs <= target) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const delayUs = target - nowUs;
    if (delayUs <= 0) this.counts.bump('immediateTicks');
    // Rounded up: a timer must not fire before the target; Node turns 0 into 1 ms anyway.
    const delayMs = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(delayUs / 1_000)));
    this.armedUs = target;
    this.timer = setTimeout(this.onTimer, delayMs);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.counts.bump('replicaErrors');
      this.lastReplicaError = e instanceof Error ? e.message : String(e);
    }
  }
}
