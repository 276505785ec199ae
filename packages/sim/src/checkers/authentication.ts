/**
 * Authentication: a frame whose MAC a Byzantine node could not compute is refused.
 *
 * The simulator's `forge` fault sends copies of a faulty node's frames that claim another
 * sender; the MAC inside was made for the faulty node's own link, so a correct replica must
 * refuse every such copy at the MAC check (counted as `channel.rejected.bad-mac`) before it
 * looks at the contents. The simulator hands each delivery of a forged frame to a
 * non-Byzantine replica here with whether that counter moved. Safety checkers see the damage
 * only when the forged contents happen to hurt; this one sees the acceptance itself, so a
 * replica that skips or weakens MAC checks is caught in any run with forged frames.
 */
import type { Checker, CheckerContext } from './types.js';
import { atMs } from './types.js';

export interface ForgedDelivery {
  /** The replica it was delivered to (non-Byzantine). */
  readonly node: number;
  /** The sender the frame claims. */
  readonly claimedFrom: number;
  /** Whether the replica counted it as a bad MAC. */
  readonly refused: boolean;
  readonly trueUs: number;
}

/** At most this many violations are reported per run: the first names the problem. */
const MAX_REPORTED = 3;

export class AuthenticationChecker implements Checker {
  readonly name = 'authentication' as const;
  private readonly ctx: CheckerContext;
  /** Forged frames delivered to non-Byzantine replicas, and how many of them were refused. */
  delivered = 0;
  refused = 0;

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
  }

  onForgedDelivery(d: ForgedDelivery): void {
    this.delivered++;
    if (d.refused) {
      this.refused++;
      return;
    }
    const accepted = this.delivered - this.refused;
    if (accepted > MAX_REPORTED) return;
    this.ctx.report(
      'authentication',
      `replica ${d.node} did not refuse a frame forged as from ${d.claimedFrom} (its MAC was made for another link) at ${atMs(this.ctx.history, d.trueUs)}`,
      d.trueUs,
    );
  }
}
