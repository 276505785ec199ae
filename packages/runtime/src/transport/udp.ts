/**
 * The embedded transport: one unicast UDP socket per process (per role), bound to the
 * configured host:port, sending each frame as one datagram to the peer's configured
 * endpoint.
 *
 * Hostile-network rules: oversized datagrams are dropped and counted (never decoded);
 * socket errors are counted and kept for diagnostics, never thrown; datagrams from
 * addresses that are not a known route are delivered (the MAC decides) but counted, so a
 * flood from an unexpected source shows up in health.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { MAX_FRAME_BYTES } from '@bftkvs/msgs';
import { Counters } from '../counters.js';
import { AddressError, checkPort, checkUnicastHost, localBroadcastAddresses, type AddressFamily } from './address.js';
import type { FrameHandler, PeerAddress, Transport } from './types.js';
import { formatAddress } from './types.js';

export interface UdpTransportOptions {
  /** Where to listen; host defaults to 127.0.0.1 (loopback), port 0 picks an ephemeral port. */
  readonly bind: { readonly host?: string; readonly port: number };
  /** Endpoint index -> address (the other replicas, or the replica's client port for a client). */
  readonly routes?: Iterable<readonly [number, PeerAddress]>;
  /** Larger datagrams are dropped on send and on receipt. */
  readonly maxFrameBytes?: number;
  /** SO_RCVBUF / SO_SNDBUF; larger buffers absorb bursts instead of dropping in the kernel. */
  readonly receiveBufferBytes?: number;
  readonly sendBufferBytes?: number;
  /** Names the socket in errors, e.g. "replica 2". */
  readonly name?: string;
}

export type UdpCounter =
  | 'sent'
  | 'sentBytes'
  | 'received'
  | 'receivedBytes'
  | 'droppedOversizeIn'
  | 'droppedOversizeOut'
  | 'droppedNoRoute'
  | 'droppedClosed'
  | 'sendErrors'
  | 'socketErrors'
  | 'handlerErrors'
  | 'unexpectedSource';

export class UdpTransport implements Transport {
  readonly description: string;
  /** The bound address (with the real port when 0 was asked for). */
  readonly address: PeerAddress;
  /** The last socket or send error, for diagnostics (errors are counted, not thrown). */
  lastError: string | undefined;

  private readonly counts = new Counters<UdpCounter>();
  private readonly routes = new Map<number, PeerAddress>();
  /** "host:port" of every route, to count datagrams from elsewhere. */
  private readonly knownSources = new Set<string>();
  private readonly broadcasts = localBroadcastAddresses();
  private handler: FrameHandler | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly family: AddressFamily,
    private readonly maxFrameBytes: number,
    private readonly name: string,
    address: PeerAddress,
  ) {
    this.address = address;
    this.description = `udp ${name} ${formatAddress(address)}`;
    socket.on('message', this.onMessage);
    socket.on('error', (e) => {
      this.counts.bump('socketErrors');
      this.lastError = e.message;
    });
  }

  /** Binds the socket; rejects with a clear error when the address is forbidden or in use. */
  static async open(opts: UdpTransportOptions): Promise<UdpTransport> {
    const name = opts.name ?? 'endpoint';
    const maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1 || maxFrameBytes > 65_507) {
      throw new AddressError(`${name}: maxFrameBytes must be an integer in 1..65507, got ${maxFrameBytes}`);
    }
    const bind = checkUnicastHost(opts.bind.host ?? '127.0.0.1', 'bind', `${name} bind address`);
    const port = checkPort(opts.bind.port, 'bind', `${name} bind port`);
    const socket = createSocket({ type: bind.family === 4 ? 'udp4' : 'udp6', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => {
        socket.close();
        reject(new AddressError(`${name}: cannot bind UDP ${formatAddress({ host: bind.host, port })}: ${e.message}`));
      };
      socket.once('error', onError);
      socket.bind({ address: bind.host, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    // Never enable SO_BROADCAST: sends to a broadcast address then fail in the kernel too.
    if (opts.receiveBufferBytes !== undefined) socket.setRecvBufferSize(opts.receiveBufferBytes);
    if (opts.sendBufferBytes !== undefined) socket.setSendBufferSize(opts.sendBufferBytes);
    const bound = socket.address();
    const t = new UdpTransport(socket, bind.family, maxFrameBytes, name, { host: bound.address, port: bound.port });
    try {
      for (const [index, address] of opts.routes ?? []) t.setRoute(index, address);
    } catch (e) {
      await t.close();
      throw e;
    }
    return t;
  }

  setRoute(index: number, address: PeerAddress): void {
    const what = `${this.name} route to endpoint ${index}`;
    if (!Number.isInteger(index) || index < 0) throw new AddressError(`${what}: endpoint index must be a non-negative integer`);
    const host = checkUnicastHost(address.host, 'send', what, this.broadcasts);
    if (host.family !== this.family) {
      throw new AddressError(`${what}: ${address.host} is IPv${host.family} but this socket is IPv${this.family} (${formatAddress(this.address)})`);
    }
    const checked = { host: host.host, port: checkPort(address.port, 'send', what) };
    const old = this.routes.get(index);
    this.routes.set(index, checked);
    if (old !== undefined) this.rebuildKnownSources();
    else this.knownSources.add(sourceKey(checked.host, checked.port));
  }

  route(index: number): PeerAddress | undefined {
    return this.routes.get(index);
  }

  send(to: number, bytes: Uint8Array): boolean {
    if (this.closed) {
      this.counts.bump('droppedClosed');
      return false;
    }
    if (bytes.length > this.maxFrameBytes) {
      this.counts.bump('droppedOversizeOut');
      return false;
    }
    const dest = this.routes.get(to);
    if (dest === undefined) {
      this.counts.bump('droppedNoRoute');
      return false;
    }
    try {
      this.socket.send(bytes, dest.port, dest.host, this.onSent);
    } catch (e) {
      // Synchronous throws happen only for a socket that is already closing.
      this.counts.bump('sendErrors');
      this.lastError = e instanceof Error ? e.message : String(e);
      return false;
    }
    this.counts.bump('sent');
    this.counts.bump('sentBytes', bytes.length);
    return true;
  }

  onFrame(handler: FrameHandler): void {
    this.handler = handler;
  }

  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      this.handler = undefined;
      this.closing = new Promise((resolve) => {
        try {
          this.socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      });
    }
    return this.closing;
  }

  counters(): Readonly<Record<string, number>> {
    return this.counts.snapshot();
  }

  private readonly onSent = (error: Error | null): void => {
    if (error !== null) {
      this.counts.bump('sendErrors');
      this.lastError = error.message;
    }
  };

  private readonly onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    if (this.closed) return;
    if (msg.length > this.maxFrameBytes) {
      this.counts.bump('droppedOversizeIn');
      return;
    }
    this.counts.bump('received');
    this.counts.bump('receivedBytes', msg.length);
    if (!this.knownSources.has(sourceKey(rinfo.address, rinfo.port))) this.counts.bump('unexpectedSource');
    const handler = this.handler;
    if (handler === undefined) return;
    try {
      // A plain Uint8Array view: decoders and MAC code should not see Buffer semantics.
      handler(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), { host: rinfo.address, port: rinfo.port });
    } catch (e) {
      this.counts.bump('handlerErrors');
      this.lastError = e instanceof Error ? e.message : String(e);
    }
  };

  private rebuildKnownSources(): void {
    this.knownSources.clear();
    for (const a of this.routes.values()) this.knownSources.add(sourceKey(a.host, a.port));
  }
}

function sourceKey(host: string, port: number): string {
  return `${host}|${port}`;
}
