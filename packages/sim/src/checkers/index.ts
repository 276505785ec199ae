/** The invariant checkers; each is its own module and watches the run from outside. */
import { AdmissionChecker } from './admission.js';
import { AgreementChecker } from './agreement.js';
import { AuthenticationChecker } from './authentication.js';
import { FreshnessChecker } from './freshness.js';
import { LivenessChecker } from './liveness.js';
import { MemoryChecker } from './memory.js';
import { StabilityChecker } from './stability.js';
import { TimelinessChecker } from './timeliness.js';
import type { Checker, CheckerContext } from './types.js';
import { ValidityChecker } from './validity.js';

export { AdmissionChecker } from './admission.js';
export { AgreementChecker } from './agreement.js';
export { AuthenticationChecker } from './authentication.js';
export type { ForgedDelivery } from './authentication.js';
export { FreshnessChecker } from './freshness.js';
export { LivenessChecker } from './liveness.js';
export { MemoryChecker, memoryBounds } from './memory.js';
export { StabilityChecker } from './stability.js';
export { TimelinessChecker } from './timeliness.js';
export { ValidityChecker } from './validity.js';
export type { Checker, CheckerContext, CheckerName, Observation, ReadRecord, Report, Violation } from './types.js';

export interface CheckerSet {
  readonly agreement: AgreementChecker;
  readonly validity: ValidityChecker;
  readonly timeliness: TimelinessChecker;
  readonly freshness: FreshnessChecker;
  readonly stability: StabilityChecker;
  readonly memory: MemoryChecker;
  readonly liveness: LivenessChecker;
  readonly admission: AdmissionChecker;
  readonly authentication: AuthenticationChecker;
  readonly all: readonly Checker[];
}

export function createCheckers(ctx: CheckerContext): CheckerSet {
  const set = {
    agreement: new AgreementChecker(ctx),
    validity: new ValidityChecker(ctx),
    timeliness: new TimelinessChecker(ctx),
    freshness: new FreshnessChecker(ctx),
    stability: new StabilityChecker(ctx),
    memory: new MemoryChecker(ctx),
    liveness: new LivenessChecker(ctx),
    admission: new AdmissionChecker(ctx),
    authentication: new AuthenticationChecker(ctx),
  };
  return { ...set, all: Object.values(set) };
}
