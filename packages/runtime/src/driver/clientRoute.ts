/**
 * Where replies to the local applications go. The client endpoint has no configured
 * address (each application binds an ephemeral port), so the driver learns addresses from
 * requests. Learning from any datagram would let anything that can reach the client port
 * redirect the replica's replies; so an address is learned only from a frame that carries a
 * valid MAC under the client-endpoint key and an (incarnation, seq) not seen before, which a
 * replayed frame does not.
 *
 * Several applications of a node may talk to its replica at once (a controller, `bftkvs echo`
 * and a `bftkvs write` side by side), each from its own socket and with its own incarnation.
 * The driver therefore keeps a small table of authenticated client addresses
 * (`ClientRouteTable`): a reply goes to the address its request came from; a slot notice
 * (subscriptions) goes to every address heard from recently. The table is bounded and
 * entries expire, so a flood of forged or replayed frames cannot grow it or redirect
 * anything, and a stale application cannot receive notices forever.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DEFAULT_CLIENT_INCARNATIONS, IncarnationReplayWindows } from '@bftkvs/core';
import type { BodyKind } from '@bftkvs/msgs';
import { MAC_FIELD_BYTES, clientIndexOf, decodeBody, decodeFrame } from '@bftkvs/msgs';
import type { PeerAddress } from '../transport/index.js';

/** Whether a datagram received on the client socket is authentic and fresh (may set a reply address). */
export type ClientRouteGuard = (bytes: Uint8Array) => boolean;

export interface ClientRouteGuardOptions {
  readonly clusterId: number;
  /** The replica whose client endpoint this is. */
  readonly replica: number;
  /** The MAC key shared by the replica and its client endpoint. */
  readonly clientKey: Uint8Array;
  /** Application incarnations accepted side by side (as the replica's channel; default 8). */
  readonly incarnations?: number;
}

export function authenticatedClientRoute(opts: ClientRouteGuardOptions): ClientRouteGuard {
  const client = clientIndexOf(opts.replica);
  const key = Uint8Array.from(opts.clientKey);
  // The same rule as the replica's channel: one replay window per application incarnation.
  const windows = new IncarnationReplayWindows(opts.incarnations ?? DEFAULT_CLIENT_INCARNATIONS);
  return (bytes) => {
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) return false;
    const f = decoded.value;
    if (f.clusterId !== opts.clusterId >>> 0 || f.from !== client || f.to !== opts.replica) return false;
    // The frame MAC covers every byte before the mac field (canonical encoding, see msgs codec).
    const tag = createHmac('sha256', key).update(bytes.subarray(0, bytes.length - MAC_FIELD_BYTES)).digest();
    if (tag.length !== f.mac.length || !timingSafeEqual(tag, f.mac)) return false;
    return windows.accept(f.incarnation, f.seq) === 'fresh';
  };
}

/** Learns from every datagram: only for in-process transports, where addresses cannot be forged. */
export const anyClientRoute: ClientRouteGuard = () => true;

/**
 * Route indices of learned client addresses on the client transport: far above every
 * endpoint index (replicas 0..63, client endpoints CLIENT_INDEX_BASE + r).
 */
export const CLIENT_ROUTE_INDEX_BASE = 1_000_000;
export const DEFAULT_CLIENT_ROUTES = 8;
/** A client address not heard from for this long gets no more slot notices (subscribers refresh every second). */
export const DEFAULT_CLIENT_ROUTE_TTL_US = 30_000_000;

interface RouteEntry {
  readonly index: number;
  address: PeerAddress;
  lastHeardUs: number;
}

/**
 * The authenticated client addresses of one replica, at most `capacity`, each under its own
 * route index on the client transport. Learning a new address when full replaces the one
 * heard from least recently.
 */
export class ClientRouteTable {
  private readonly entries: RouteEntry[] = [];

  constructor(
    readonly capacity: number = DEFAULT_CLIENT_ROUTES,
    readonly ttlUs: number = DEFAULT_CLIENT_ROUTE_TTL_US,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1024) throw new RangeError('client route capacity must be an integer in 1..1024');
  }

  /** The route index of `address`, if it was learned. */
  indexOf(address: PeerAddress): number | undefined {
    return this.find(address)?.index;
  }

  /**
   * Records that an authenticated frame came from `address`; returns its route index and
   * whether the transport must be (re)pointed at it (`setRoute(index, address)`).
   */
  learn(address: PeerAddress, nowUs: number): { index: number; isNew: boolean } {
    const known = this.find(address);
    if (known !== undefined) {
      known.lastHeardUs = nowUs;
      return { index: known.index, isNew: false };
    }
    if (this.entries.length < this.capacity) {
      const e: RouteEntry = { index: CLIENT_ROUTE_INDEX_BASE + this.entries.length, address, lastHeardUs: nowUs };
      this.entries.push(e);
      return { index: e.index, isNew: true };
    }
    let oldest = this.entries[0] as RouteEntry;
    for (const e of this.entries) if (e.lastHeardUs < oldest.lastHeardUs) oldest = e;
    oldest.address = address;
    oldest.lastHeardUs = nowUs;
    return { index: oldest.index, isNew: true };
  }

  /** Route indices of the addresses heard from within the TTL, most recent first. */
  live(nowUs: number): number[] {
    return this.entries
      .filter((e) => nowUs - e.lastHeardUs <= this.ttlUs)
      .sort((a, b) => b.lastHeardUs - a.lastHeardUs)
      .map((e) => e.index);
  }

  /** The most recently heard address's route index. */
  latest(): number | undefined {
    let best: RouteEntry | undefined;
    for (const e of this.entries) if (best === undefined || e.lastHeardUs > best.lastHeardUs) best = e;
    return best?.index;
  }

  addresses(): PeerAddress[] {
    return this.entries.map((e) => e.address);
  }

  get size(): number {
    return this.entries.length;
  }

  private find(address: PeerAddress): RouteEntry | undefined {
    return this.entries.find((e) => e.address.host === address.host && e.address.port === address.port);
  }
}

/** Client-bound bodies that answer one request; everything else (slot notices) is for every subscriber. */
const REPLY_KINDS: ReadonlySet<BodyKind> = new Set(['writeReply', 'readReply', 'statusReply']);

/**
 * Whether a frame the replica sends to its client endpoint answers a request ('reply') or
 * is a slot notice for subscribers ('notice'). Read from the frame without checking its MAC
 * (the replica just sealed it); a frame that does not decode counts as a reply.
 */
export function clientFrameRole(bytes: Uint8Array): 'reply' | 'notice' {
  const f = decodeFrame(bytes);
  if (!f.ok) return 'reply';
  const b = decodeBody(f.value.body);
  return b.ok && !REPLY_KINDS.has(b.value.kind) ? 'notice' : 'reply';
}
