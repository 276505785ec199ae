import test from 'ava';
import fc from 'fast-check';
import { componentwiseMedian } from './componentwiseMedian.js';
import type { FuseFunction } from './types.js';
import { FLOAT, INT, OTHER_TYPES, adversarial, anyFinite, ctx, findsCounterexample, fused, fuseValues, scenario, sensor, vec } from './_fuseTestKit.test.js';
import type { Scenario } from './_fuseTestKit.test.js';

const LEN = 3;

/** Every component of the result lies within that component's range over the correct vectors. */
function componentHull(fn: FuseFunction, arb: fc.Arbitrary<Scenario<number[]>>): fc.IProperty<[Scenario<number[]>]> {
  return fc.property(arb, (s) => {
    const r = fuseValues(fn, s.all, ctx(vec(LEN), s.f));
    if (!r.ok || !Array.isArray(r.value) || r.value.length !== LEN) return false;
    return r.value.every((x, i) => {
      const col = s.correct.map((v) => v[i] as number);
      return x >= Math.min(...col) && x <= Math.max(...col);
    });
  });
}

const vector = (component: fc.Arbitrary<number>) => fc.array(component, { minLength: LEN, maxLength: LEN });

test('componentwiseMedian: with at most f arbitrary vectors among 2f+1 or more, each component lies within the correct range', (t) => {
  fc.assert(componentHull(componentwiseMedian, scenario((f) => 2 * f + 1, vector(sensor), vector(adversarial))), { numRuns: 500 });
  fc.assert(componentHull(componentwiseMedian, scenario((f) => 2 * f + 1, vector(anyFinite), vector(adversarial), { exactlyF: true, maxExtra: 0 })), { numRuns: 500 });
  t.pass();
});

test('componentwiseMedian: the property has teeth (component-wise mean, or 2f writers, break it)', (t) => {
  const meanVariant: FuseFunction = {
    ...componentwiseMedian,
    fuse: (ins) => ({ ok: true, value: [0, 1, 2].map((i) => ins.reduce((s, x) => s + (x.value as number[])[i]! / ins.length, 0)) }),
  };
  t.true(findsCounterexample(componentHull(meanVariant, scenario((f) => 2 * f + 1, vector(sensor), vector(adversarial), { exactlyF: true }))));
  t.true(findsCounterexample(componentHull(componentwiseMedian, scenario((f) => 2 * f, vector(sensor), vector(adversarial), { exactlyF: true, maxExtra: 0 }))));
});

test('componentwiseMedian: the median per component, possibly mixing writers', (t) => {
  t.deepEqual(fused(componentwiseMedian, [[1, 10, 0], [2, 20, 0], [100, -5, 0]], ctx(vec(3), 1)), [2, 10, 0]);
  t.deepEqual(fused(componentwiseMedian, [[1, 10], [2, 20], [3, 30], [4, 40]], ctx(vec(2), 1)), [2.5, 25]);
  t.deepEqual(fused(componentwiseMedian, [[-0, 5]], ctx(vec(2), 0)), [0, 5]);
  t.deepEqual(fused(componentwiseMedian, [[], []], ctx(vec(0), 0)), []);
});

test('componentwiseMedian: edge cases, type support, minWriters and description', (t) => {
  t.false(fuseValues(componentwiseMedian, [], ctx(vec(2), 0)).ok);
  t.false(fuseValues(componentwiseMedian, [[1, 2], [1, 2, 3]], ctx(vec(2), 0)).ok, 'wrong length');
  t.true(componentwiseMedian.supports(vec(7)));
  for (const type of OTHER_TYPES.filter((x) => x.kind !== 'float64[]')) {
    t.false(componentwiseMedian.supports(type), type.kind);
    t.false(fuseValues(componentwiseMedian, [1], ctx(type)).ok);
  }
  t.false(componentwiseMedian.supports(FLOAT) || componentwiseMedian.supports(INT));
  t.deepEqual([0, 1, 2].map((f) => componentwiseMedian.minWriters(f)), [1, 3, 5]);
  t.regex(componentwiseMedian.description, /2f\+1/);
  t.regex(componentwiseMedian.checkParams?.({ x: 1 }, vec(2)) ?? '', /unknown parameter/);
});
