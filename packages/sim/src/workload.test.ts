import test from 'ava';
import { Prng } from './prng.js';
import { planWorkload } from './workload.js';

const rate = (w: ReturnType<typeof planWorkload>): number => w.writers.reduce((sum, x) => sum + 1_000_000 / x.periodUs, 0);

test('workload: stays within half of the cluster capacity by lengthening the speed period; without a limit, the draws are unchanged', (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const shape = { mode: 'agreed' as const, f: 2, replicas: 8, leadUs: 14_000 };
    const free = planWorkload(new Prng(seed), shape);
    const limited = planWorkload(new Prng(seed), { ...shape, maxWritesPerSec: 1_000 });
    t.true(rate(limited) <= 500, `seed ${seed}: ${rate(limited)} writes/s`);
    // Same draws otherwise: the same writers on the same hosts, only periods may be longer.
    t.deepEqual(limited.writers.map((w) => [w.id, w.host]), free.writers.map((w) => [w.id, w.host]));
    for (const [i, w] of limited.writers.entries()) t.true(w.periodUs >= (free.writers[i]?.periodUs ?? 0));
  }
  // Some seed draws a 10 ms speed period that the limit must have lengthened.
  t.true([...Array(40).keys()].some((k) => rate(planWorkload(new Prng(k + 1), { mode: 'agreed', f: 2, replicas: 8, leadUs: 14_000 })) > 500));
});
