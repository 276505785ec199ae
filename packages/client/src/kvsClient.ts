/**
 * The application's handle on the KVS: write, read, subscribe and status, all answered by
 * the replica on the application's own node, over an authenticated channel (HMAC under the
 * client-endpoint key of the node's key file, with replay protection).
 *
 * Delivery is UDP, so a request or its reply can be lost: every request has a deadline and
 * fails with TIMEOUT rather than hanging. Reads and status are idempotent and retransmitted
 * within the deadline by default. Writes are not retransmitted by default: a write with
 * publishTimeUs 0 lets the replica pick the next grid point, and a retransmission could
 * land in a later slot. A write with an explicit publish time is idempotent per (writer,
 * slot) — a second copy is answered DUPLICATE — so `retries` is allowed for those, and a
 * DUPLICATE answering a retransmission counts as success.
 *
 * Every application on a node talks as the node's client endpoint (the key in the node's
 * key file). Several may do so at once — up to 8 processes (incarnations), e.g. a controller,
 * `bftkvs echo` and a `bftkvs write`: the replica keeps a replay window per incarnation, sends
 * each reply to the address its request came from, and slot notices to every application
 * address heard from in the last 30 s (see runtime's clientRoute.ts). The subscription table
 * is the replica's, shared by the node's applications: one that unsubscribes everything
 * drops the others' subscriptions until their next refresh (every second).
 */
import type { NodeKeys, Value, ValueType } from '@bftkvs/core';
import { Channel, clientEndpointKeys, clusterIdOf, nobleCrypto } from '@bftkvs/core';
import type { Body, BodyKind, ClientReadReply, ClientWriteReply, PublishedSlot as WireSlot, ReplicaHealth, StatusReply } from '@bftkvs/msgs';
import { ErrorCode, MAX_SUBSCRIBE_KEYS, clientIndexOf, decodeBody, encodeBody, errorCodeName } from '@bftkvs/msgs';
import type { Transport } from '@bftkvs/runtime';
import { Counters, SystemClock, UdpTransport, loadClusterFile, loadNodeKeys } from '@bftkvs/runtime';
import type { KvsClientErrorCode } from './errors.js';
import { KvsClientError } from './errors.js';
import { PendingRequests } from './pending.js';
import type { SlotUpdate } from './slot.js';
import { slotFromWire } from './slot.js';
import { toWireValue } from './value.js';

export interface KvsClientOptions {
  /** This node's key file (loadNodeKeys); the client uses only its client-endpoint key. */
  readonly keys: NodeKeys;
  /** The local replica; must equal keys.self (the default). */
  readonly replicaIndex?: number;
  /** cluster.name: frames of another cluster are refused. */
  readonly clusterName: string;
  /** Key types (cluster.keys) so numbers are sent as int64 or float64 exactly as each key needs. */
  readonly schemas?: ReadonlyMap<string, { readonly type: ValueType }>;
  /** The replica's client endpoint (cluster.endpoints[r].clientHost / clientPort). */
  readonly replicaHost?: string;
  readonly clientPort?: number;
  /** Instead of UDP: an attached transport (e.g. InprocHub.attach(CLIENT_INDEX_BASE + r)). */
  readonly transport?: Transport;
  /** Boot epoch in µs; must grow across restarts of the application (default: now). */
  readonly incarnation?: number;
  /** Per-request deadline (default 1000 ms). */
  readonly timeoutMs?: number;
  /** Requests in flight at most (default 1024). */
  readonly maxPending?: number;
  /** Retransmissions of reads and status requests within their deadline (default 2). */
  readonly readRetries?: number;
  /** Subscriptions are re-sent this often, surviving lost datagrams and replica restarts (default 1000 ms). */
  readonly subscriptionRefreshMs?: number;
}

export interface WriteOptions {
  /** The writer id (authorised for the key and hosted on this node's replica). */
  readonly writer: string;
  /** Absolute publish time (µs, on the key's grid); absent: the next grid point the protocol can meet. */
  readonly publishTimeUs?: number;
  readonly timeoutMs?: number;
  /** Retransmissions within the deadline; only with an explicit publishTimeUs (default 0). */
  readonly retries?: number;
}

export interface WriteAck {
  /** The slot the write was accepted for. */
  readonly publishTimeUs: number;
}

export interface ReadResult extends SlotUpdate {
  /** The replica's clock when it answered. */
  readonly replicaNowUs: number;
}

export interface RequestOptions {
  readonly timeoutMs?: number;
  readonly retries?: number;
}

export interface SubscribeOptions {
  /** Only slots that are agreed (fast mode: after synchronisation). */
  readonly agreedOnly?: boolean;
}

export type SlotListener = (slot: SlotUpdate) => void;

/** Subscribe to every key. */
export const ALL_KEYS = Symbol('all keys');

interface Listener {
  readonly cb: SlotListener;
  readonly agreedOnly: boolean;
}

/** The wire's "every key" subscription is an empty key list; '' is never a key name. */
const ALL = '';

export class KvsClient {
  readonly replicaIndex: number;
  private readonly channel: Channel;
  private readonly transport: Transport;
  private readonly pending: PendingRequests;
  private readonly counts = new Counters();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly timeoutMs: number;
  private readonly readRetries: number;
  private readonly schemas: ReadonlyMap<string, { readonly type: ValueType }> | undefined;
  private readonly refreshTimer: NodeJS.Timeout;
  private readonly target: string;
  private closed = false;

  private constructor(opts: KvsClientOptions, transport: Transport, target: string) {
    this.replicaIndex = opts.keys.self;
    this.transport = transport;
    this.target = target;
    this.schemas = opts.schemas;
    this.timeoutMs = positive(opts.timeoutMs ?? 1_000, 'timeoutMs');
    this.readRetries = nonNegativeInt(opts.readRetries ?? 2, 'readRetries');
    this.pending = new PendingRequests(opts.maxPending ?? 1_024);
    this.channel = new Channel({
      clusterId: clusterIdOf(opts.clusterName),
      keys: clientEndpointKeys(opts.keys),
      incarnation: opts.incarnation ?? new SystemClock().nowUs(),
      crypto: nobleCrypto,
    });
    transport.onFrame(this.onDatagram);
    this.refreshTimer = setInterval(() => this.refreshSubscriptions(), positive(opts.subscriptionRefreshMs ?? 1_000, 'subscriptionRefreshMs'));
    // Refreshing subscriptions alone must not keep an otherwise finished process alive.
    this.refreshTimer.unref();
  }

  /** Connects to the local replica's client endpoint (opens a UDP socket, or uses `transport`). */
  static async connect(opts: KvsClientOptions): Promise<KvsClient> {
    // Every option is checked before a socket is opened, so a bad option leaks nothing.
    positive(opts.timeoutMs ?? 1, 'timeoutMs');
    positive(opts.subscriptionRefreshMs ?? 1, 'subscriptionRefreshMs');
    nonNegativeInt(opts.readRetries ?? 0, 'readRetries');
    const maxPending = opts.maxPending ?? 1;
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new KvsClientError('INVALID_ARGUMENT', `maxPending must be a positive integer, got ${maxPending}`);
    if (opts.incarnation !== undefined && (!Number.isSafeInteger(opts.incarnation) || opts.incarnation < 0)) {
      throw new KvsClientError('INVALID_ARGUMENT', `incarnation must be a non-negative integer (µs), got ${opts.incarnation}`);
    }
    if (opts.keys.macKeys.get(clientIndexOf(opts.keys.self)) === undefined) {
      throw new KvsClientError('INVALID_ARGUMENT', `the key file of replica ${opts.keys.self} has no client-endpoint key`);
    }
    if (opts.replicaIndex !== undefined && opts.replicaIndex !== opts.keys.self) {
      throw new KvsClientError('INVALID_ARGUMENT', `the key file belongs to replica ${opts.keys.self}, not replica ${opts.replicaIndex}: use this node's key file`);
    }
    if (opts.transport !== undefined) return new KvsClient(opts, opts.transport, opts.transport.description);
    if (opts.clientPort === undefined) throw new KvsClientError('INVALID_ARGUMENT', 'clientPort (or a transport) is required');
    const host = opts.replicaHost ?? '127.0.0.1';
    // Bind on the replica's own interface: on loopback nothing outside the node can reach the socket.
    const transport = await UdpTransport.open({ bind: { host, port: 0 }, name: `client of replica ${opts.keys.self}` });
    try {
      transport.setRoute(opts.keys.self, { host, port: opts.clientPort });
    } catch (e) {
      await transport.close();
      throw new KvsClientError('INVALID_ARGUMENT', e instanceof Error ? e.message : String(e));
    }
    return new KvsClient(opts, transport, `replica ${opts.keys.self} at ${host}:${opts.clientPort}`);
  }

  /**
   * Connects using the node's files: the cluster file (endpoints, key types) and this node's
   * key file, which names the replica.
   */
  static async connectWithFiles(clusterFile: string, keyFile: string, opts: Partial<Omit<KvsClientOptions, 'keys' | 'clusterName'>> = {}): Promise<KvsClient> {
    const config = loadClusterFile(clusterFile);
    const keys = loadNodeKeys(keyFile, opts.replicaIndex === undefined ? {} : { replica: opts.replicaIndex });
    const endpoint = config.endpoints?.[keys.self];
    if (endpoint === undefined && opts.transport === undefined) {
      throw new KvsClientError('INVALID_ARGUMENT', `${clusterFile}: cluster.endpoints has no entry for replica ${keys.self}`);
    }
    return KvsClient.connect({
      ...opts,
      keys,
      clusterName: config.cluster.name,
      schemas: opts.schemas ?? config.cluster.keys,
      ...(endpoint === undefined ? {} : { replicaHost: endpoint.clientHost, clientPort: endpoint.clientPort }),
    });
  }

  /** Writes `value` to `key` for one slot; resolves with the slot's publish time once the replica accepted it. */
  write(key: string, value: Value, opts: WriteOptions): Promise<WriteAck> {
    const retries = nonNegativeInt(opts.retries ?? 0, 'retries');
    const explicit = opts.publishTimeUs;
    if (explicit !== undefined && (!Number.isSafeInteger(explicit) || explicit <= 0)) {
      return Promise.reject(new KvsClientError('INVALID_ARGUMENT', `publishTimeUs must be a positive integer (µs), got ${explicit}`));
    }
    if (retries > 0 && explicit === undefined) {
      return Promise.reject(
        new KvsClientError('INVALID_ARGUMENT', 'retransmitting a write needs an explicit publishTimeUs: otherwise a retransmission could be admitted for a later slot'),
      );
    }
    let wireValue;
    try {
      wireValue = toWireValue(value, this.schemas?.get(key)?.type);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.request<ClientWriteReply, WriteAck>(
      (requestId) => ({ kind: 'writeRequest', writeRequest: { requestId, key, writer: opts.writer, publishTimeUs: explicit ?? 0, value: wireValue } }),
      'writeReply',
      `write of '${key}' by '${opts.writer}'`,
      opts.timeoutMs,
      retries,
      (reply, attempts) => {
        if (reply.code === ErrorCode.OK) return { publishTimeUs: reply.publishTimeUs };
        // A copy of this very write arrived first: the write is in.
        if (reply.code === ErrorCode.DUPLICATE && attempts > 1 && explicit !== undefined) return { publishTimeUs: explicit };
        throw replyError(reply.code, reply.message, reply.requestId);
      },
    );
  }

  /**
   * The newest published slot of `key` with publish time >= earliestUs (0: any), as the
   * local replica has it. Fails with NO_FRESH_VALUE when there is none.
   */
  read(key: string, earliestUs = 0, opts: RequestOptions = {}): Promise<ReadResult> {
    if (!Number.isSafeInteger(earliestUs) || earliestUs < 0) {
      return Promise.reject(new KvsClientError('INVALID_ARGUMENT', `earliestUs must be a non-negative integer (µs), got ${earliestUs}`));
    }
    return this.request<ClientReadReply, ReadResult>(
      (requestId) => ({ kind: 'readRequest', readRequest: { requestId, key, earliestUs } }),
      'readReply',
      `read of '${key}'`,
      opts.timeoutMs,
      nonNegativeInt(opts.retries ?? this.readRetries, 'retries'),
      (reply) => {
        if (reply.code !== ErrorCode.OK || reply.slot === null) throw replyError(reply.code === ErrorCode.OK ? ErrorCode.NO_FRESH_VALUE : reply.code, reply.message, reply.requestId);
        return { ...slotFromWire(reply.slot), replicaNowUs: reply.nowUs };
      },
    );
  }

  /** The local replica's health (mode, view, suspects, counters...). */
  status(opts: RequestOptions = {}): Promise<ReplicaHealth> {
    return this.request<StatusReply, ReplicaHealth>(
      (requestId) => ({ kind: 'statusRequest', statusRequest: { requestId } }),
      'statusReply',
      'status request',
      opts.timeoutMs,
      nonNegativeInt(opts.retries ?? this.readRetries, 'retries'),
      (reply) => reply.health,
    );
  }

  /**
   * Calls `listener` for every slot of `keys` (or ALL_KEYS) the local replica publishes from
   * now on, and again when a slot becomes agreed or is repaired. Returns the unsubscribe function.
   * Notices are best-effort (datagrams): use read() when a value must not be missed.
   */
  subscribe(keys: readonly string[] | typeof ALL_KEYS, listener: SlotListener, opts: SubscribeOptions = {}): () => void {
    if (this.closed) throw new KvsClientError('CLOSED', 'the client is closed');
    const names = keys === ALL_KEYS ? [ALL] : [...new Set(keys)];
    if (names.length === 0) throw new KvsClientError('INVALID_ARGUMENT', 'subscribe needs at least one key (or ALL_KEYS)');
    for (let i = 0; i < names.length; i += MAX_SUBSCRIBE_KEYS) {
      const keysPart = names.slice(i, i + MAX_SUBSCRIBE_KEYS).filter((k) => k !== ALL);
      const problem = checkBody({ kind: 'subscribe', subscribe: { requestId: 1, keys: keysPart, unsubscribe: false, agreedOnly: false } });
      if (problem !== undefined) throw new KvsClientError('INVALID_ARGUMENT', problem.message);
    }
    const entry: Listener = { cb: listener, agreedOnly: opts.agreedOnly === true };
    for (const k of names) {
      let set = this.listeners.get(k);
      if (set === undefined) this.listeners.set(k, (set = new Set()));
      set.add(entry);
    }
    this.sendSubscriptions(names);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const emptied: string[] = [];
      for (const k of names) {
        const set = this.listeners.get(k);
        set?.delete(entry);
        if (set !== undefined && set.size === 0) {
          this.listeners.delete(k);
          emptied.push(k);
        }
      }
      if (this.closed || emptied.length === 0) return;
      this.sendSubscriptions(names.filter((k) => !emptied.includes(k)));
      if (emptied.includes(ALL)) {
        // The wire can drop "every key" only by dropping every subscription: re-send the rest.
        this.sendBody({ kind: 'subscribe', subscribe: { requestId: this.pending.allocateId(), keys: [], unsubscribe: true, agreedOnly: false } });
        this.refreshSubscriptions();
      } else {
        this.sendBody({ kind: 'subscribe', subscribe: { requestId: this.pending.allocateId(), keys: emptied, unsubscribe: true, agreedOnly: false } });
      }
    };
  }

  /** Fails every pending request with CLOSED, drops the subscriptions and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.listeners.size > 0) {
      this.sendBody({ kind: 'subscribe', subscribe: { requestId: this.pending.allocateId(), keys: [], unsubscribe: true, agreedOnly: false } });
    }
    this.closed = true;
    clearInterval(this.refreshTimer);
    this.listeners.clear();
    this.pending.rejectAll((id) => new KvsClientError('CLOSED', 'the client was closed before the reply arrived', id));
    await this.transport.close();
  }

  /** Client counters plus the channel's (opened, sealed, rejected.<reason>) and the transport's. */
  counters(): Readonly<Record<string, number>> {
    const out: Record<string, number> = { ...this.counts.snapshot(), pending: this.pending.size };
    for (const [k, v] of this.channel.counters()) out[`channel.${k}`] = v;
    for (const [k, v] of Object.entries(this.transport.counters())) out[`transport.${k}`] = v;
    return out;
  }

  private request<R extends { requestId: number }, T>(
    build: (requestId: number) => Body,
    replyKind: BodyKind,
    describe: string,
    timeoutMs: number | undefined,
    retries: number,
    onReply: (reply: R, attempts: number) => T,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new KvsClientError('CLOSED', 'the client is closed'));
    const id = this.pending.allocateId();
    const body = build(id);
    const problem = checkBody(body);
    if (problem !== undefined) return Promise.reject(new KvsClientError(problem.code, problem.message, id));
    return new Promise<T>((resolve, reject) => {
      const req = {
        id,
        replyKind,
        attempts: 0,
        transmit: () => this.sendBody(body),
        resolve: (reply: unknown) => {
          try {
            resolve(onReply(reply as R, req.attempts));
          } catch (e) {
            reject(e);
          }
        },
        reject,
      };
      this.pending.start(req, positive(timeoutMs ?? this.timeoutMs, 'timeoutMs'), retries, `${describe} (request ${id}) from ${this.target}`);
    });
  }

  private sendBody(body: Body): void {
    if (this.closed) return;
    if (this.transport.send(this.replicaIndex, this.channel.seal(this.replicaIndex, body))) this.counts.bump('sent');
    else this.counts.bump('sendDropped');
  }

  private sendSubscriptions(keys: readonly string[]): void {
    const byFlag = new Map<boolean, string[]>();
    for (const k of keys) {
      const set = this.listeners.get(k);
      if (set === undefined) continue;
      // One wire subscription per key: agreed-only when every listener wants only agreed slots.
      const agreedOnly = [...set].every((l) => l.agreedOnly);
      if (k === ALL) {
        this.sendBody({ kind: 'subscribe', subscribe: { requestId: this.pending.allocateId(), keys: [], unsubscribe: false, agreedOnly } });
        continue;
      }
      byFlag.set(agreedOnly, [...(byFlag.get(agreedOnly) ?? []), k]);
    }
    for (const [agreedOnly, list] of byFlag) {
      for (let i = 0; i < list.length; i += MAX_SUBSCRIBE_KEYS) {
        const body: Body = { kind: 'subscribe', subscribe: { requestId: this.pending.allocateId(), keys: list.slice(i, i + MAX_SUBSCRIBE_KEYS), unsubscribe: false, agreedOnly } };
        const problem = checkBody(body);
        if (problem === undefined) this.sendBody(body);
        else this.counts.bump('subscribeRefused');
      }
    }
  }

  private refreshSubscriptions(): void {
    if (!this.closed && this.listeners.size > 0) this.sendSubscriptions([...this.listeners.keys()]);
  }

  private readonly onDatagram = (bytes: Uint8Array): void => {
    const opened = this.channel.open(bytes);
    if (!opened.ok) return; // counted by the channel
    if (opened.from !== this.replicaIndex) {
      this.counts.bump('foreignSender');
      return;
    }
    const body = opened.body;
    switch (body.kind) {
      case 'writeReply':
        return this.completed(body.writeReply.requestId, body.kind, body.writeReply);
      case 'readReply':
        return this.completed(body.readReply.requestId, body.kind, body.readReply);
      case 'statusReply':
        return this.completed(body.statusReply.requestId, body.kind, body.statusReply);
      case 'slotNotice':
        return this.notify(body.slotNotice.slot);
      default:
        this.counts.bump('unexpectedBody');
    }
  };

  private completed(requestId: number, kind: BodyKind, reply: unknown): void {
    // A late reply after a timeout, or the second reply to a retransmission, matches nothing.
    if (!this.pending.complete(requestId, kind, reply)) this.counts.bump('unmatchedReply');
  }

  private notify(wire: WireSlot): void {
    this.counts.bump('notices');
    const slot = slotFromWire(wire);
    for (const k of [wire.key, ALL]) {
      for (const l of this.listeners.get(k) ?? []) {
        if (l.agreedOnly && !slot.agreed) continue;
        try {
          l.cb(slot);
        } catch {
          this.counts.bump('listenerErrors');
        }
      }
    }
  }
}

function replyError(code: number, message: string, requestId: number): KvsClientError {
  return new KvsClientError(errorCodeName(code) as KvsClientErrorCode, message === '' ? 'the replica refused the request' : message, requestId);
}

/** What the replica's decoder would say about this body, checked before sending it. */
function checkBody(body: Body): { code: KvsClientErrorCode; message: string } | undefined {
  const checked = decodeBody(encodeBody(body));
  if (checked.ok) return undefined;
  const e = checked.error;
  return { code: /\.value\b|\.value\./.test(e.path) ? 'BAD_VALUE' : 'INVALID_ARGUMENT', message: e.message };
}

function positive(x: number, what: string): number {
  if (!(Number.isFinite(x) && x > 0)) throw new KvsClientError('INVALID_ARGUMENT', `${what} must be a positive number, got ${x}`);
  return x;
}

function nonNegativeInt(x: number, what: string): number {
  if (!(Number.isInteger(x) && x >= 0 && x <= 100)) throw new KvsClientError('INVALID_ARGUMENT', `${what} must be an integer in 0..100, got ${x}`);
  return x;
}
