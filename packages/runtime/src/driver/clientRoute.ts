/**
 * Where replies to the local applications go. The client endpoint has no configured
 * address (an application binds an ephemeral port), so the driver learns it from requests.
 * Learning from any datagram would let anything that can reach the client port redirect the
 * replica's replies; so a new address is learned only from a frame that carries a valid MAC
 * under the client-endpoint key and a (incarnation, seq) newer than any learned before, which
 * a replayed frame does not.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAC_FIELD_BYTES, clientIndexOf, decodeFrame } from '@bftkvs/msgs';

/** Whether a datagram received on the client socket may set the reply address. */
export type ClientRouteGuard = (bytes: Uint8Array) => boolean;

export interface ClientRouteGuardOptions {
  readonly clusterId: number;
  /** The replica whose client endpoint this is. */
  readonly replica: number;
  /** The MAC key shared by the replica and its client endpoint. */
  readonly clientKey: Uint8Array;
}

export function authenticatedClientRoute(opts: ClientRouteGuardOptions): ClientRouteGuard {
  const client = clientIndexOf(opts.replica);
  const key = Uint8Array.from(opts.clientKey);
  let lastIncarnation = -1;
  let lastSeq = -1;
  return (bytes) => {
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) return false;
    const f = decoded.value;
    if (f.clusterId !== opts.clusterId >>> 0 || f.from !== client || f.to !== opts.replica) return false;
    // The frame MAC covers every byte before the mac field (canonical encoding, see msgs codec).
    const tag = createHmac('sha256', key).update(bytes.subarray(0, bytes.length - MAC_FIELD_BYTES)).digest();
    if (tag.length !== f.mac.length || !timingSafeEqual(tag, f.mac)) return false;
    if (f.incarnation < lastIncarnation || (f.incarnation === lastIncarnation && f.seq <= lastSeq)) return false;
    lastIncarnation = f.incarnation;
    lastSeq = f.seq;
    return true;
  };
}

/** Learns from every datagram: only for in-process transports, where addresses cannot be forged. */
export const anyClientRoute: ClientRouteGuard = () => true;
