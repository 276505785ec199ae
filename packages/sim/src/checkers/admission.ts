/**
 * Admission (the other half of the LET promise): a write whose publish time is too close is
 * refused at once with TOO_LATE, one too far ahead with TOO_FAR_AHEAD, and a valid write (the
 * workload only issues well-typed, authorised, on-grid writes) is accepted — unless the replica
 * says it cannot serve now (UNAVAILABLE while recovering, OVERLOADED). Judged on the
 * replica's own clock reading at the call, which the simulator passes and records, so the
 * verdict is exact. Writes on Byzantine nodes are not judged.
 */
import type { WriteRecord } from '../history.js';
import type { Checker, CheckerContext } from './types.js';
import { slotName } from './types.js';

const MAY_REFUSE_VALID = new Set(['UNAVAILABLE', 'OVERLOADED']);

export class AdmissionChecker implements Checker {
  readonly name = 'admission' as const;
  private readonly ctx: CheckerContext;
  accepted = 0;
  rejected = 0;

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
  }

  onWrite(w: WriteRecord): void {
    if (w.accepted) this.accepted++;
    else this.rejected++;
    if (w.faulty) return;
    const h = this.ctx.history;
    const { leadUs, horizonUs } = h.config.timing;
    const ahead = w.publishTimeUs - w.localUs;
    const name = slotName(h, w.key, w.publishTimeUs);
    const expected = ahead < leadUs ? 'TOO_LATE' : ahead > horizonUs ? 'TOO_FAR_AHEAD' : 'accepted';
    const got = w.accepted ? 'accepted' : (w.code ?? 'rejected');
    if (expected === got) return;
    if (expected === 'accepted' && MAY_REFUSE_VALID.has(got)) return;
    this.ctx.report(
      'admission',
      `replica ${w.host}: write by '${w.writer}' to ${name}, ${ahead} µs ahead (lead ${leadUs} µs, horizon ${horizonUs} µs), was ${got}; expected ${expected}`,
      w.trueUs,
    );
  }
}
