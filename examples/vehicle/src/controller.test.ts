import test from 'ava';
import fc from 'fast-check';
import {
  CruiseController,
  DEFAULT_PID,
  INITIAL_PID_STATE,
  commandVector,
  decodeCommandVector,
  median,
  medianOfVectors,
  pidStep,
  type PidInput,
  type PidParams,
  type PidState,
} from './controller.js';

const P = DEFAULT_PID.periodUs;

/** Same IEEE-754 bits (distinguishes −0 from +0 and compares NaN by identity). */
function sameBits(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameBits(x, b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return sameBits(ka, kb) && ka.every((k) => sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

const inputArb = fc.record({
  measuredMps: fc.double({ min: 0, max: 60, noNaN: true }),
  targetMps: fc.double({ min: 0, max: 40, noNaN: true }),
  targetAccelMps2: fc.double({ min: -3, max: 3, noNaN: true }),
});
const paramsArb: fc.Arbitrary<PidParams> = fc.record({
  kp: fc.double({ min: 0, max: 3, noNaN: true }),
  ki: fc.double({ min: 0, max: 2, noNaN: true }),
  kd: fc.double({ min: 0, max: 0.5, noNaN: true }),
  kffAccel: fc.double({ min: 0, max: 1, noNaN: true }),
  kffDecel: fc.double({ min: 0, max: 1, noNaN: true }),
  derivativeFilterS: fc.double({ min: 0, max: 0.5, noNaN: true }),
  uMin: fc.constant(-1),
  uMax: fc.constant(1),
  periodUs: fc.constantFrom(5000, 10_000, 20_000),
  antiWindup: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'clamp' as const }),
    fc.record({ kind: fc.constant('backCalculation' as const), trackingTimeS: fc.double({ min: 0.05, max: 5, noNaN: true }) }),
  ),
});

test('determinism: two replicas fed the same agreed inputs produce bit-identical outputs (property)', (t) => {
  fc.assert(
    fc.property(paramsArb, fc.array(inputArb, { minLength: 1, maxLength: 300 }), (params, inputs) => {
      const a = new CruiseController({ id: 'a', params });
      const b = new CruiseController({ id: 'a', params });
      return inputs.every((x, i) => {
        const input: PidInput = { ...x, publishTimeUs: (i + 1) * params.periodUs };
        return sameBits(a.step(input), b.step(input));
      });
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('determinism: a diverged or restarted replica is bit-identical again after adopting the agreed state (property)', (t) => {
  fc.assert(
    fc.property(paramsArb, fc.array(inputArb, { minLength: 2, maxLength: 200 }), fc.nat(), (params, inputs, cut) => {
      const k = 1 + (cut % (inputs.length - 1));
      const healthy = new CruiseController({ id: 'x', params });
      const other = new CruiseController({ id: 'x', params });
      let agreed: number[] = [];
      for (let i = 0; i < inputs.length; i++) {
        const input: PidInput = { ...inputs[i]!, publishTimeUs: (i + 1) * params.periodUs };
        if (i === k) {
          other.reset(); // restart: state lost
          other.adopt(decodeCommandVector(agreed).state);
        }
        const h = healthy.step(input);
        // Before the restart, `other` saw a perturbed measurement (diverged, e.g. fast mode before sync).
        const o = other.step(i < k ? { ...input, measuredMps: input.measuredMps + 0.5 } : input);
        if (i >= k && !sameBits(h.vector, o.vector)) return false;
        agreed = h.vector;
      }
      return true;
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('pidStep is pure: it does not touch its state argument and repeats exactly', (t) => {
  const state: PidState = Object.freeze({ iTermU: 0.1, dTermU: 0, prevMeasuredMps: 20, initialised: true });
  const input = { publishTimeUs: P, measuredMps: 19, targetMps: 20 };
  const a = pidStep(DEFAULT_PID, state, input);
  const b = pidStep(DEFAULT_PID, state, input);
  t.true(sameBits(a, b));
  t.deepEqual(state, { iTermU: 0.1, dTermU: 0, prevMeasuredMps: 20, initialised: true });
});

test('P, I and feed-forward terms and the output limits', (t) => {
  const params: PidParams = { ...DEFAULT_PID, kp: 0.5, ki: 0.2, kffAccel: 0.4, kffDecel: 0.2, antiWindup: { kind: 'none' } };
  const s1 = pidStep(params, INITIAL_PID_STATE, { publishTimeUs: P, measuredMps: 19, targetMps: 20 });
  t.true(Math.abs(s1.commandU - (0.5 + 0.2 * 1 * 0.01)) < 1e-12);
  const ff = pidStep(params, INITIAL_PID_STATE, { publishTimeUs: P, measuredMps: 20, targetMps: 20, targetAccelMps2: 1 });
  t.true(Math.abs(ff.commandU - 0.4) < 1e-12);
  const fb = pidStep(params, INITIAL_PID_STATE, { publishTimeUs: P, measuredMps: 20, targetMps: 20, targetAccelMps2: -2 });
  t.true(Math.abs(fb.commandU + 0.4) < 1e-12);
  const sat = pidStep(params, INITIAL_PID_STATE, { publishTimeUs: P, measuredMps: 0, targetMps: 30 });
  t.is(sat.commandU, 1);
  t.true(sat.saturated);
  const neg = pidStep(params, INITIAL_PID_STATE, { publishTimeUs: P, measuredMps: 30, targetMps: 0 });
  t.is(neg.commandU, -1);
  t.throws(() => pidStep(params, INITIAL_PID_STATE, { publishTimeUs: P, measuredMps: Number.NaN, targetMps: 0 }), { message: /finite/ });
});

test('derivative on measurement: no kick from a set-speed step, damping on a speed change', (t) => {
  const params: PidParams = { ...DEFAULT_PID, kp: 0, ki: 0, kd: 0.2, derivativeFilterS: 0 };
  const first = pidStep(params, INITIAL_PID_STATE, { publishTimeUs: P, measuredMps: 20, targetMps: 20 });
  const step = pidStep(params, first.state, { publishTimeUs: 2 * P, measuredMps: 20, targetMps: 30 });
  t.is(step.commandU, 0);
  const rising = pidStep(params, first.state, { publishTimeUs: 2 * P, measuredMps: 20.001, targetMps: 20 });
  t.true(rising.commandU < 0);
});

/** Holds the error positive long enough to saturate, then reverses it; returns the integral term. */
function windupIntegral(params: PidParams): { whileSaturated: number; stepsToUnsaturate: number } {
  let state = INITIAL_PID_STATE;
  let t = 0;
  for (let i = 0; i < 2000; i++) state = pidStep(params, state, { publishTimeUs: (t += P), measuredMps: 10, targetMps: 30 }).state;
  const whileSaturated = state.iTermU;
  let n = 0;
  for (; n < 10_000; n++) {
    const s = pidStep(params, state, { publishTimeUs: (t += P), measuredMps: 30.5, targetMps: 30 });
    state = s.state;
    if (s.commandU < 1) break;
  }
  return { whileSaturated, stepsToUnsaturate: n };
}

test('anti-windup: clamping and back-calculation bound the integral while saturated; plain integration winds up', (t) => {
  const none = windupIntegral({ ...DEFAULT_PID, antiWindup: { kind: 'none' } });
  const clamp = windupIntegral({ ...DEFAULT_PID, antiWindup: { kind: 'clamp' } });
  const back = windupIntegral({ ...DEFAULT_PID, antiWindup: { kind: 'backCalculation', trackingTimeS: 1 } });
  t.true(none.whileSaturated > 50, `no anti-windup: integral ${none.whileSaturated}`);
  t.true(clamp.whileSaturated <= 1, `clamp: integral ${clamp.whileSaturated}`);
  t.true(back.whileSaturated < 1, `back-calculation: integral ${back.whileSaturated}`);
  // Recovery: with anti-windup the output leaves saturation as soon as the error reverses.
  t.true(clamp.stepsToUnsaturate <= 1 && back.stepsToUnsaturate <= 1, `${clamp.stepsToUnsaturate}, ${back.stepsToUnsaturate}`);
  t.true(none.stepsToUnsaturate > 1000, `without: ${none.stepsToUnsaturate} periods stuck at full throttle`);
});

test('command vector: round trip, and malformed vectors are rejected', (t) => {
  const state: PidState = { iTermU: 0.25, dTermU: -0.01, prevMeasuredMps: 21.5, initialised: true };
  const v = commandVector(0.3, state);
  t.deepEqual(decodeCommandVector(v), { commandU: 0.3, state });
  t.throws(() => decodeCommandVector([1, 2, 3]));
  t.throws(() => decodeCommandVector([0, 0, 0, Number.NaN, 1]));
  t.deepEqual(medianOfVectors([v, v, [9, 9, 9, 9, 9]]), v);
  t.is(median([3, 1, 2]), 2);
  t.is(median([4, 1, 2, 3]), 2.5);
});

test('controller fault modes: offset, stuck, random; honest state kept', (t) => {
  const input = (i: number): PidInput => ({ publishTimeUs: i * P, measuredMps: 20 - i * 0.01, targetMps: 20 });
  const honest = new CruiseController({ id: 'h' });
  const offset = new CruiseController({ id: 'o', faults: [{ kind: 'offset', fromUs: 5 * P, toUs: 8 * P, offsetU: 0.3 }] });
  const stuck = new CruiseController({ id: 's', faults: [{ kind: 'stuck', fromUs: 5 * P }] });
  const stuckAt = new CruiseController({ id: 's2', faults: [{ kind: 'stuck', fromUs: 5 * P, valueU: 1 }] });
  const random = new CruiseController({ id: 'r', faults: [{ kind: 'random', fromUs: 0, seed: 9 }] });
  const random2 = new CruiseController({ id: 'r', faults: [{ kind: 'random', fromUs: 0, seed: 9 }] });
  let beforeStuck = 0;
  const randoms: number[] = [];
  for (let i = 1; i <= 20; i++) {
    const h = honest.step(input(i));
    const o = offset.step(input(i));
    const s = stuck.step(input(i));
    const s2 = stuckAt.step(input(i));
    const r = random.step(input(i));
    t.true(sameBits(r, random2.step(input(i))), 'random faults are deterministic too');
    randoms.push(r.commandU);
    t.true(r.commandU >= -1 && r.commandU <= 1);
    for (const x of [o, s, s2, r]) t.true(sameBits(x.state, h.state), 'a faulty controller keeps an honest state');
    if (i >= 5 && i < 8) {
      t.true(Math.abs(o.commandU - (h.commandU + 0.3)) < 1e-12);
      t.is(o.fault, 'offset');
    } else t.is(o.commandU, h.commandU);
    if (i === 4) beforeStuck = s.commandU;
    if (i >= 5) {
      t.is(s.commandU, beforeStuck);
      t.is(s2.commandU, 1);
    }
  }
  t.true(new Set(randoms).size > 15, 'random outputs vary');
});

test('a controller rejects non-increasing publish times and bad parameters', (t) => {
  const c = new CruiseController({ id: 'c' });
  c.step({ publishTimeUs: 2 * P, measuredMps: 20, targetMps: 20 });
  t.throws(() => c.step({ publishTimeUs: 2 * P, measuredMps: 20, targetMps: 20 }), { message: /increasing/ });
  c.reset();
  t.notThrows(() => c.step({ publishTimeUs: P, measuredMps: 20, targetMps: 20 }));
  t.throws(() => new CruiseController({ id: 'x', params: { ...DEFAULT_PID, uMin: 1, uMax: 1 } }));
  t.throws(() => new CruiseController({ id: 'x', params: { ...DEFAULT_PID, kp: -1 } }));
  t.throws(() => new CruiseController({ id: 'x', faults: [{ kind: 'random', fromUs: 0, seed: -1 }] }));
});
