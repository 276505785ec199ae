/**
 * Authenticated point-to-point channels: every datagram is one Frame whose fields 1..7 carry
 * an HMAC-SHA256 under the pairwise key of (from, to).
 *
 * `open` is total: any bytes in, a verdict out, never an exception. Checks run cheapest
 * first and the MAC before anything that changes state, so forged frames cost one decode and
 * one HMAC and cannot disturb the replay windows.
 *
 * Attribution: only a frame whose MAC verifies was sent by `from` (or replayed by the
 * network). A bad MAC says nothing about the claimed sender - anyone can write any `from` -
 * and a replay can be made by anyone on the path. The one authenticated misbehaviour visible
 * here is a MAC-valid frame with an undecodable body ('bad-body').
 */
import type { Body, Frame, FrameHead } from '@bftkvs/msgs';
import { CLIENT_INDEX_BASE, MAC_BYTES, MAC_FIELD_BYTES, MAX_BODY_BYTES, WIRE_VERSION, decodeBody, decodeFrame, encodeBody, frameMacInput } from '@bftkvs/msgs';
import { isMicros } from '../time.js';
import type { CryptoSuite, KeyedMac } from './crypto.js';
import type { ChannelKeys } from './keys.js';
import { DEFAULT_CLIENT_INCARNATIONS, DEFAULT_REPLAY_WINDOW, IncarnationReplayWindows } from './replayWindow.js';

export type OpenRejection =
  | 'malformed'
  | 'too-large'
  | 'bad-version'
  | 'wrong-cluster'
  | 'wrong-destination'
  | 'unknown-sender'
  | 'bad-mac'
  | 'replay'
  | 'stale-incarnation'
  | 'bad-body';

export const OPEN_REJECTIONS: readonly OpenRejection[] = [
  'malformed',
  'too-large',
  'bad-version',
  'wrong-cluster',
  'wrong-destination',
  'unknown-sender',
  'bad-mac',
  'replay',
  'stale-incarnation',
  'bad-body',
];

export type Opened =
  | { readonly ok: true; readonly from: number; readonly body: Body; readonly incarnation: number; readonly seq: number }
  | {
      readonly ok: false;
      readonly reason: OpenRejection;
      /** The claimed sender, when the envelope parsed (not proof of anything unless `attributable`). */
      readonly from: number | undefined;
      /** True only when the MAC proves `from` sent exactly these bytes and they are its fault. */
      readonly attributable: boolean;
      readonly detail: string;
    };

export interface ChannelOptions {
  readonly clusterId: number;
  readonly keys: ChannelKeys;
  /** This endpoint's boot epoch (µs); peers reset their replay window when it grows. */
  readonly incarnation: number;
  readonly crypto: CryptoSuite;
  readonly replayWindow?: number;
  /**
   * Incarnations of a client-endpoint peer (index >= CLIENT_INDEX_BASE) accepted side by
   * side: every application process on a node talks as the node's client endpoint, each
   * with its own incarnation and sequence numbers (default 8). Replica peers always have one.
   */
  readonly clientIncarnations?: number;
}

const MAC_FIELD_PREFIX = Uint8Array.of(0x42, MAC_BYTES); // field 8, length-delimited, 32 bytes

interface Peer {
  readonly mac: KeyedMac;
  readonly window: IncarnationReplayWindows;
  nextSeq: number;
}

export class Channel {
  readonly self: number;
  private readonly clusterId: number;
  private readonly incarnation: number;
  private readonly peers = new Map<number, Peer>();
  private readonly counts = new Map<string, number>();

  constructor(opts: ChannelOptions) {
    if (!isMicros(opts.incarnation)) throw new RangeError(`incarnation must be a non-negative integer (µs), got ${opts.incarnation}`);
    this.self = opts.keys.self;
    this.clusterId = opts.clusterId >>> 0;
    this.incarnation = opts.incarnation;
    for (const [peer, key] of opts.keys.macKeys) {
      // A replica's key with itself only authenticates its own write-authenticator entry.
      if (peer === this.self) continue;
      const incarnations = peer >= CLIENT_INDEX_BASE ? (opts.clientIncarnations ?? DEFAULT_CLIENT_INCARNATIONS) : 1;
      this.peers.set(peer, { mac: opts.crypto.hmacSha256(key), window: new IncarnationReplayWindows(incarnations, opts.replayWindow ?? DEFAULT_REPLAY_WINDOW), nextSeq: 1 });
    }
  }

  /** Whether this endpoint shares a key with `peer`. */
  knows(peer: number): boolean {
    return this.peers.has(peer);
  }

  /**
   * Encodes, numbers and authenticates a body for `to`. Throws only on programming errors (a
   * peer without a key, a body over MAX_BODY_BYTES): senders must cut their messages.
   */
  seal(to: number, body: Body): Uint8Array {
    const peer = this.peers.get(to);
    if (peer === undefined) throw new RangeError(`channel ${this.self}: no key for peer ${to}`);
    const bodyBytes = encodeBody(body);
    if (bodyBytes.length > MAX_BODY_BYTES) throw new RangeError(`channel ${this.self}: ${body.kind} body of ${bodyBytes.length} bytes exceeds ${MAX_BODY_BYTES}`);
    const head: FrameHead = {
      version: WIRE_VERSION,
      clusterId: this.clusterId,
      from: this.self,
      to,
      incarnation: this.incarnation,
      seq: peer.nextSeq++,
      body: bodyBytes,
    };
    const macInput = frameMacInput(head);
    const mac = peer.mac.mac(macInput);
    // The mac is the last field, so the frame is the MAC input followed by the mac field
    // (the msgs codec guarantees this layout and decodeFrame accepts only it).
    const out = new Uint8Array(macInput.length + MAC_FIELD_BYTES);
    out.set(macInput, 0);
    out.set(MAC_FIELD_PREFIX, macInput.length);
    out.set(mac, macInput.length + MAC_FIELD_PREFIX.length);
    this.bump('sealed');
    return out;
  }

  /** Authenticates and decodes a datagram. Total: never throws, whatever `bytes` is. */
  open(bytes: Uint8Array): Opened {
    let frame: Frame;
    try {
      const decoded = decodeFrame(bytes);
      if (!decoded.ok) {
        const reason: OpenRejection = decoded.error.code === 'BAD_VERSION' ? 'bad-version' : decoded.error.code === 'TOO_LARGE' ? 'too-large' : 'malformed';
        return this.reject(reason, undefined, false, decoded.error.message);
      }
      frame = decoded.value;
    } catch {
      return this.reject('malformed', undefined, false, 'decoder fault');
    }
    if (frame.clusterId !== this.clusterId) return this.reject('wrong-cluster', frame.from, false, `cluster id ${frame.clusterId}`);
    if (frame.to !== this.self) return this.reject('wrong-destination', frame.from, false, `addressed to ${frame.to}`);
    const peer = this.peers.get(frame.from);
    if (peer === undefined) return this.reject('unknown-sender', frame.from, false, `no key for sender ${frame.from}`);
    // decodeFrame accepted only the canonical encoding, whose MAC input is every byte before
    // the mac field.
    const macInput = bytes.subarray(0, bytes.length - MAC_FIELD_BYTES);
    if (!peer.mac.verify(macInput, frame.mac)) return this.reject('bad-mac', frame.from, false, 'MAC does not verify');
    const verdict = peer.window.accept(frame.incarnation, frame.seq);
    if (verdict !== 'fresh') return this.reject(verdict, frame.from, false, `incarnation ${frame.incarnation} seq ${frame.seq}`);
    const body = decodeBody(frame.body);
    if (!body.ok) return this.reject('bad-body', frame.from, true, body.error.message);
    this.bump('opened');
    return { ok: true, from: frame.from, body: body.value, incarnation: frame.incarnation, seq: frame.seq };
  }

  /** 'sealed', 'opened' and 'rejected.<reason>' counts. */
  counters(): ReadonlyMap<string, number> {
    return this.counts;
  }

  counter(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  private reject(reason: OpenRejection, from: number | undefined, attributable: boolean, detail: string): Opened {
    this.bump(`rejected.${reason}`);
    return { ok: false, reason, from, attributable, detail };
  }

  private bump(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }
}
