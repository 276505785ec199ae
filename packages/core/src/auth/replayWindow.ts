/**
 * Replay protection for one sender: a sliding window over its sequence numbers within one
 * incarnation (IPsec/DTLS style). Frames may be reordered by up to `size` sequence numbers
 * and are still accepted exactly once; anything older than the window is refused, because
 * the receiver can no longer tell whether it saw it.
 *
 * A higher incarnation means the sender restarted (its counters start again): the window is
 * reset. A lower one is a frame from a previous life, i.e. a replay.
 *
 * Only authenticated frames may be fed in: an unauthenticated high incarnation or sequence
 * number would let a forger shift the window and make genuine frames look old.
 */
export type ReplayVerdict = 'fresh' | 'replay' | 'stale-incarnation';

export const DEFAULT_REPLAY_WINDOW = 1024;

export class ReplayWindow {
  private incarnation = -1;
  /** Highest sequence number accepted in this incarnation; -1 before the first. */
  private highest = -1;
  /** Bit (seq mod size) set iff seq in (highest - size, highest] was accepted. */
  private readonly seen: Uint32Array;

  constructor(readonly size: number = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < 32 || size % 32 !== 0) throw new RangeError('replay window size must be a positive multiple of 32');
    this.seen = new Uint32Array(size / 32);
  }

  /** Checks and, if fresh, records (incarnation, seq). */
  accept(incarnation: number, seq: number): ReplayVerdict {
    if (incarnation < this.incarnation) return 'stale-incarnation';
    if (incarnation > this.incarnation) {
      this.incarnation = incarnation;
      this.highest = -1;
      this.seen.fill(0);
    }
    if (seq > this.highest) {
      const advance = seq - this.highest;
      if (advance >= this.size) this.seen.fill(0);
      else for (let s = this.highest + 1; s < seq; s++) this.clear(s);
      this.highest = seq;
      this.set(seq);
      return 'fresh';
    }
    if (this.highest - seq >= this.size) return 'replay';
    if (this.isSet(seq)) return 'replay';
    this.set(seq);
    return 'fresh';
  }

  private bit(seq: number): [number, number] {
    const i = seq % this.size;
    return [i >>> 5, 1 << (i & 31)];
  }

  private isSet(seq: number): boolean {
    const [w, m] = this.bit(seq);
    return ((this.seen[w] as number) & m) !== 0;
  }

  private set(seq: number): void {
    const [w, m] = this.bit(seq);
    this.seen[w] = (this.seen[w] as number) | m;
  }

  private clear(seq: number): void {
    const [w, m] = this.bit(seq);
    this.seen[w] = (this.seen[w] as number) & ~m;
  }
}

/** Default number of concurrently live incarnations kept for a client endpoint. */
export const DEFAULT_CLIENT_INCARNATIONS = 8;

/**
 * Replay protection for an endpoint that several processes share at once: a node's client
 * endpoint, used by every application on the node (each with its own incarnation, since
 * each counts its own sequence numbers). One ReplayWindow per incarnation, for at most
 * `capacity` incarnations; when a new one arrives and the set is full, the lowest is
 * forgotten and becomes the floor: frames of it or anything older are refused from then on
 * ('stale-incarnation'), so a forgotten incarnation can never be replayed. An incarnation
 * below every kept one while the set is full is refused the same way.
 *
 * With capacity 1 this is exactly ReplayWindow (a higher incarnation replaces the old one).
 * Only authenticated frames may be fed in, as for ReplayWindow.
 */
export class IncarnationReplayWindows {
  private readonly windows = new Map<number, ReplayWindow>();
  /** Highest incarnation forgotten (or refused as too old); -1 before the first. */
  private floor = -1;

  constructor(
    readonly capacity: number = DEFAULT_CLIENT_INCARNATIONS,
    private readonly windowSize: number = DEFAULT_REPLAY_WINDOW,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1024) throw new RangeError('incarnation capacity must be an integer in 1..1024');
    new ReplayWindow(windowSize); // validates the size once
  }

  /** Checks and, if fresh, records (incarnation, seq). */
  accept(incarnation: number, seq: number): ReplayVerdict {
    if (incarnation <= this.floor) return 'stale-incarnation';
    let w = this.windows.get(incarnation);
    if (w === undefined) {
      if (this.windows.size >= this.capacity) {
        const lowest = Math.min(...this.windows.keys());
        if (incarnation < lowest) return 'stale-incarnation';
        this.windows.delete(lowest);
        this.floor = lowest;
      }
      w = new ReplayWindow(this.windowSize);
      this.windows.set(incarnation, w);
    }
    return w.accept(incarnation, seq);
  }

  /** Incarnations currently kept (for diagnostics and tests). */
  incarnations(): number[] {
    return [...this.windows.keys()].sort((a, b) => a - b);
  }
}
