/**
 * Shared fixtures and fast-check arbitraries for the fuse-function tests.
 *
 * Not a test file: AVA skips files whose name starts with '_', and the '.test.ts' suffix keeps
 * it out of the core's purity scan (it imports fast-check, a test-only dependency).
 */
import type { TestFn } from 'ava';
import fc from 'fast-check';
import type { Value, ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';

export const FLOAT: ValueType = { kind: 'float64' };
export const INT: ValueType = { kind: 'int64' };
export const INTERVAL: ValueType = { kind: 'float64[]', length: 2 };
export const vec = (length: number): ValueType => ({ kind: 'float64[]', length });

export const MAX = Number.MAX_VALUE;

export function ctx(type: ValueType, faultyWriters = 0, params: Record<string, unknown> = {}): FuseContext {
  return { type, faultyWriters, params };
}

/** Inputs from values, with writers w000, w001, ... (sorted by writer, as the slot store passes them). */
export function inputs(values: readonly Value[]): FuseInput[] {
  return values.map((value, i) => ({ writer: `w${String(i).padStart(3, '0')}`, value }));
}

export function fuseValues(fn: FuseFunction, values: readonly Value[], c: FuseContext): FuseResult {
  return fn.fuse(inputs(values), c);
}

/** The fused value, or throws with the reason (for tests that expect success). */
export function fused(fn: FuseFunction, values: readonly Value[], c: FuseContext): Value {
  const r = fuseValues(fn, values, c);
  if (!r.ok) throw new Error(`${fn.name} failed: ${r.reason}`);
  return r.value;
}

/** Deep equality that tells -0 from +0 (stricter than ===), for permutation invariance. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return same(ka, kb) && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** A variant of `fn` that runs with a different f (e.g. one too few discarded values). */
export function withFaulty(fn: FuseFunction, adjust: (f: number, n: number) => number, name = `${fn.name}-variant`): FuseFunction {
  return { ...fn, name, fuse: (ins, c) => fn.fuse(ins, { ...c, faultyWriters: Math.max(0, adjust(c.faultyWriters, ins.length)) }) };
}

/** A deliberately wrong "fuse function": the plain arithmetic mean, for teeth checks. */
export function plainMeanVariant(fn: FuseFunction): FuseFunction {
  return {
    ...fn,
    name: `${fn.name}-as-plain-mean`,
    fuse: (ins) => {
      const xs = ins.map((i) => i.value as number);
      let s = 0;
      for (const x of xs) s += x / xs.length;
      return { ok: true, value: s };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Any finite double, including -0, subnormals and values near ±MAX_VALUE. */
export const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true });
/** Adversarial values: anything finite, with the extremes made likely. */
export const adversarial = fc.oneof(anyFinite, fc.constantFrom(MAX, -MAX, 1e300, -1e300), fc.double({ min: -1e6, max: 1e6, noNaN: true }));
/** Plausible sensor values. */
export const sensor = fc.double({ min: -1e6, max: 1e6, noNaN: true });
export const anySafeInt = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
export const adversarialInt = fc.oneof(anySafeInt, fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER));
export const sensorInt = fc.integer({ min: -1_000_000, max: 1_000_000 });

export interface Scenario<T> {
  readonly f: number;
  /** The values of correct writers (at least n - f of them). */
  readonly correct: readonly T[];
  /** The values of faulty writers (at most f). */
  readonly faulty: readonly T[];
  /** All values, correct and faulty, in a random order. */
  readonly all: readonly T[];
}

export interface ScenarioOptions {
  readonly maxF?: number;
  /** Writers beyond `writers(f)`. */
  readonly maxExtra?: number;
  /** Always use exactly f faulty writers (the worst case) instead of 0..f. */
  readonly exactlyF?: boolean;
}

/**
 * f in 0..maxF, n = writers(f) + 0..maxExtra values of which at most f (exactly f with
 * `exactlyF`) come from `faultyArb` and the rest from `correctArb`, shuffled.
 */
export function scenario<T>(writers: (f: number) => number, correctArb: fc.Arbitrary<T>, faultyArb: fc.Arbitrary<T>, opts: ScenarioOptions = {}): fc.Arbitrary<Scenario<T>> {
  const { maxF = 4, maxExtra = 2, exactlyF = false } = opts;
  return fc
    .record({ f: fc.integer({ min: 0, max: maxF }), extra: fc.integer({ min: 0, max: maxExtra }), share: fc.double({ min: 0, max: 1, noNaN: true }) })
    .chain(({ f, extra, share }) => {
      const n = Math.max(1, writers(f) + extra);
      const k = Math.min(n - 1, exactlyF ? f : Math.round(share * f));
      return fc
        .tuple(fc.array(correctArb, { minLength: n - k, maxLength: n - k }), fc.array(faultyArb, { minLength: k, maxLength: k }))
        .chain(([correct, faulty]) => fc.shuffledSubarray([...correct, ...faulty], { minLength: n, maxLength: n }).map((all) => ({ f, correct, faulty, all })));
    });
}

/** A value list and a permutation of it (for order-invariance properties). */
export function withPermutation<T>(values: fc.Arbitrary<T[]>): fc.Arbitrary<{ values: T[]; permuted: T[] }> {
  return values.chain((vs) => fc.shuffledSubarray(vs, { minLength: vs.length, maxLength: vs.length }).map((permuted) => ({ values: vs, permuted })));
}

/**
 * The hull property: with at most f faulty values among `writers(f)` or more, the fused scalar
 * lies within [min, max] of the correct values. Returns the property for fc.assert / fc.check.
 */
export function hullProperty(fn: FuseFunction, type: ValueType, arb: fc.Arbitrary<Scenario<number>>): fc.IProperty<[Scenario<number>]> {
  return fc.property(arb, (s) => {
    const r = fuseValues(fn, s.all, ctx(type, s.f));
    if (!r.ok || typeof r.value !== 'number') return false;
    return r.value >= Math.min(...s.correct) && r.value <= Math.max(...s.correct);
  });
}

/** Runs a property expected to fail; returns whether fast-check found a counterexample. */
export function findsCounterexample<Ts>(prop: fc.IProperty<Ts>, numRuns = 500): boolean {
  return fc.check(prop, { numRuns }).failed;
}

/**
 * Registers the properties every "masks f of 2f+1" scalar function must have: the hull
 * property for float64 and int64 (incl. huge adversarial values and exactly f faulty), integer
 * results for int64, and teeth: the plain mean, and the same function with n = 2f writers,
 * both break the property.
 */
export function registerScalarMaskingTests(test: TestFn, fn: FuseFunction): void {
  test(`${fn.name}: with at most f arbitrary values among minWriters(f) or more, the result lies within the correct values (float64)`, (t) => {
    fc.assert(hullProperty(fn, FLOAT, scenario((f) => fn.minWriters(f), sensor, adversarial)), { numRuns: 500 });
    fc.assert(hullProperty(fn, FLOAT, scenario((f) => fn.minWriters(f), anyFinite, adversarial, { exactlyF: true, maxExtra: 0 })), { numRuns: 500 });
    t.pass();
  });

  test(`${fn.name}: the same for int64, whose result is always a safe integer`, (t) => {
    fc.assert(
      fc.property(scenario((f) => fn.minWriters(f), sensorInt, adversarialInt), scenario((f) => fn.minWriters(f), anySafeInt, adversarialInt, { exactlyF: true }), (a, b) => {
        for (const s of [a, b]) {
          const r = fuseValues(fn, s.all, ctx(INT, s.f));
          if (!r.ok || typeof r.value !== 'number' || !Number.isSafeInteger(r.value)) return false;
          if (r.value < Math.min(...s.correct) || r.value > Math.max(...s.correct)) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
    t.pass();
  });

  test(`${fn.name}: the hull property has teeth (plain mean and n = 2f writers break it)`, (t) => {
    const arb = scenario((f) => fn.minWriters(f), sensor, adversarial, { exactlyF: true });
    t.true(findsCounterexample(hullProperty(plainMeanVariant(fn), FLOAT, arb)), 'plain mean should leave the correct hull');
    const tooFew = scenario((f) => 2 * f, sensor, adversarial, { exactlyF: true, maxExtra: 0 });
    t.true(findsCounterexample(hullProperty(fn, FLOAT, tooFew)), 'with only 2f writers f faulty ones must be able to win');
  });

  test(`${fn.name}: empty input is refused, a single value is returned as is, and it never throws on supported types`, (t) => {
    t.false(fuseValues(fn, [], ctx(FLOAT, 0)).ok);
    t.false(fuseValues(fn, [], ctx(INT, 1)).ok);
    t.deepEqual(fuseValues(fn, [2.5], ctx(FLOAT, 0)), { ok: true, value: 2.5 });
    t.deepEqual(fuseValues(fn, [2.5], ctx(FLOAT, 3)), { ok: true, value: 2.5 });
    t.deepEqual(fuseValues(fn, [-7], ctx(INT, 1)), { ok: true, value: -7 });
    t.deepEqual(fuseValues(fn, [-0], ctx(FLOAT, 0)), { ok: true, value: 0 });
    t.true(Object.is(fused(fn, [-0, -0, -0], ctx(FLOAT, 1)), 0), '-0 is normalised to +0');
  });

  test(`${fn.name}: supports float64 and int64 only and refuses other types without throwing`, (t) => {
    t.true(fn.supports(FLOAT));
    t.true(fn.supports({ kind: 'float64', min: 0, max: 10 }));
    t.true(fn.supports(INT));
    for (const type of OTHER_TYPES.filter((x) => x.kind !== 'float64' && x.kind !== 'int64')) {
      t.false(fn.supports(type), type.kind);
      const r = fuseValues(fn, [true], ctx(type, 0));
      t.false(r.ok, type.kind);
    }
  });

  test(`${fn.name}: minWriters(f) = 2f+1, a description, no parameters`, (t) => {
    t.deepEqual([0, 1, 2, 3, 10].map((f) => fn.minWriters(f)), [1, 3, 5, 7, 21]);
    t.regex(fn.description, /2f\+1/);
    t.regex(fn.description, /mask/i);
    t.is(fn.checkParams?.({}, FLOAT), undefined);
    t.regex(fn.checkParams?.({ accuracy: 1 }, FLOAT) ?? '', /unknown parameter 'accuracy'/);
    const r = fuseValues(fn, [1, 2, 3], ctx(FLOAT, 1, { bogus: true }));
    t.false(r.ok);
    if (!r.ok) t.regex(r.reason, /bogus/);
  });
}

/** One value type of every kind, for support checks. */
export const OTHER_TYPES: readonly ValueType[] = [
  FLOAT,
  INT,
  { kind: 'bool' },
  { kind: 'string', maxLength: 8 },
  { kind: 'enum', values: ['a', 'b'] },
  vec(3),
  INTERVAL,
  { kind: 'struct', fields: { x: 'int64' } },
];
