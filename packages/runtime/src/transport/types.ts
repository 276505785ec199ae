/**
 * A transport moves opaque datagrams between endpoint indices (replicas 0..N-1 and client
 * endpoints CLIENT_INDEX_BASE + r). It knows nothing about frames: identity comes from the
 * frame MAC checked by the core's Channel, never from the transport's source address, which
 * is reported only for diagnostics and for learning where a local client listens.
 */

/** Where a datagram came from or goes to. In-process transports use host 'inproc' and the index as port. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export type FrameHandler = (bytes: Uint8Array, from: PeerAddress) => void;

export interface Transport {
  /** Human-readable local address, for logs and errors. */
  readonly description: string;
  /**
   * Queues `bytes` for endpoint `to`. Returns false (and counts why) when the datagram is
   * dropped locally: no route, oversized, or transport closed. Never throws on I/O errors.
   */
  send(to: number, bytes: Uint8Array): boolean;
  /** Sets the single receive handler (replacing any earlier one). Handler exceptions are caught and counted. */
  onFrame(handler: FrameHandler): void;
  /** Points `index` at `address` (learned client endpoints). Throws on a forbidden address. */
  setRoute(index: number, address: PeerAddress): void;
  route(index: number): PeerAddress | undefined;
  /** Idempotent; afterwards send() returns false and nothing is delivered. */
  close(): Promise<void>;
  counters(): Readonly<Record<string, number>>;
}

export function formatAddress(a: PeerAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
