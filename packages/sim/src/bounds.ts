/**
 * Bounds the scenario and the checkers share, derived from how the protocols recover.
 */

/**
 * How long, after the faults heal, until a correct primary runs a view: the timeout that
 * notices a faulty primary, and the doubled ones (the engine's back-off) of up to f − 1 more
 * faulty primaries in the rotation: VC · (1 + 1 + 2 + … + 2^(f−2)) <= VC · 2^f. With f = 1 that
 * is the two timeouts the checkers always allowed; with f = 2 a faulty primary followed by a
 * crashed one took three (simulator, fast, f = 2, seed 505).
 */
export function viewChangesToCorrectPrimaryUs(f: number, viewChangeTimeoutUs: number): number {
  return 2 ** Math.max(1, f) * viewChangeTimeoutUs;
}
