import test from 'ava';
import { median } from './median.js';
import { FuseRegistry, builtinFuseFunctions, checkFuseFunction, createFuseRegistry } from './registry.js';
import type { FuseFunction } from './types.js';
import { FLOAT, ctx, fuseValues } from './_fuseTestKit.test.js';

const BUILTINS = ['brooksIyengar', 'componentwiseMedian', 'faultTolerantMidpoint', 'majority', 'marzullo', 'mean', 'median', 'midValueSelect', 'trimmedMean'];

const last: FuseFunction = {
  name: 'lastWriter',
  description: 'Takes the value of the last writer (by name). Masks nothing; n >= 1.',
  supports: () => true,
  minWriters: (f) => (f === 0 ? 1 : Number.POSITIVE_INFINITY),
  fuse: (inputs) => {
    const v = [...inputs].sort((a, b) => (a.writer < b.writer ? -1 : 1)).at(-1);
    return v === undefined ? { ok: false, reason: 'no values' } : { ok: true, value: v.value };
  },
};

test('registry: the built-ins are pre-registered and listed by name', (t) => {
  const r = createFuseRegistry();
  t.deepEqual(r.names(), BUILTINS);
  t.deepEqual(r.list().map((f) => f.name), BUILTINS);
  t.deepEqual(builtinFuseFunctions.map((f) => f.name), BUILTINS);
  t.is(r.get('median'), median);
  t.true(r.has('marzullo'));
});

test('registry: unknown names give undefined from get() and a clear error from mustGet()', (t) => {
  const r = createFuseRegistry();
  t.is(r.get('nosuch'), undefined);
  t.is(r.get('Median'), undefined, 'lookup is exact');
  t.false(r.has('nosuch'));
  const e = t.throws(() => r.mustGet('nosuch'), { instanceOf: RangeError });
  t.regex(e?.message ?? '', /unknown fuse function 'nosuch' \(known: brooksIyengar, .*trimmedMean\)/);
  t.is(r.mustGet('mean').name, 'mean');
});

test('registry: user-defined functions can be registered and used', (t) => {
  const r = createFuseRegistry();
  t.is(r.register(last), r, 'chains');
  t.is(r.get('lastWriter'), last);
  t.true(r.names().includes('lastWriter'));
  t.deepEqual(r.get('lastWriter')?.fuse([{ writer: 'a', value: 1 }, { writer: 'b', value: 2 }], ctx(FLOAT)), { ok: true, value: 2 });
  t.deepEqual(createFuseRegistry([last]).names(), [...BUILTINS, 'lastWriter'].sort());
});

test('registry: registries are independent', (t) => {
  const a = createFuseRegistry();
  const b = createFuseRegistry();
  a.register(last);
  t.true(a.has('lastWriter'));
  t.false(b.has('lastWriter'));
  t.deepEqual(new FuseRegistry().names(), []);
});

test('registry: duplicate names are rejected, also when they differ only in case', (t) => {
  const r = createFuseRegistry();
  t.throws(() => r.register({ ...last, name: 'median' }), { message: /fuse function 'median' is already registered/ });
  t.throws(() => r.register({ ...last, name: 'MEDIAN' }), { message: /'MEDIAN' clashes with the registered 'median'/ });
  r.register(last);
  t.throws(() => r.register(last), { message: /'lastWriter' is already registered/ });
  t.is(r.get('median'), median, 'the built-in is untouched');
  t.throws(() => createFuseRegistry([last, last]), { message: /already registered/ });
});

test('registry: invalid names are rejected', (t) => {
  const r = createFuseRegistry();
  for (const name of ['', '1median', 'my fuse', 'a/b', '-x', 'x'.repeat(65), 'médian']) {
    t.throws(() => r.register({ ...last, name }), { instanceOf: TypeError, message: /invalid fuse function name/ }, JSON.stringify(name));
  }
  t.notThrows(() => r.register({ ...last, name: 'my_fuse.v2-beta' }));
  t.notThrows(() => r.register({ ...last, name: 'x'.repeat(64) }));
});

test('registry: malformed functions are rejected with the reason', (t) => {
  const r = createFuseRegistry();
  const bad = (fn: unknown): string | undefined => checkFuseFunction(fn);
  t.regex(bad(null) ?? '', /must be an object/);
  t.regex(bad({ ...last, name: 3 }) ?? '', /string name/);
  t.regex(bad({ ...last, description: '  ' }) ?? '', /needs a description/);
  t.regex(bad({ ...last, fuse: undefined }) ?? '', /no fuse\(\) method/);
  t.regex(bad({ ...last, supports: 'yes' }) ?? '', /no supports\(\) method/);
  t.regex(bad({ ...last, checkParams: 1 }) ?? '', /checkParams must be a function/);
  t.regex(bad({ ...last, minWriters: () => 0 }) ?? '', /minWriters\(0\) must be a positive integer/);
  t.regex(bad({ ...last, minWriters: () => Number.NaN }) ?? '', /minWriters\(0\)/);
  t.regex(bad({ ...last, minWriters: (f: number) => 1 + f / 2 }) ?? '', /minWriters\(1\) must be a positive integer or Infinity, got 1.5/);
  t.regex(bad({ ...last, minWriters: (f: number) => 5 - f }) ?? '', /must not decrease/);
  t.regex(bad({ ...last, minWriters: () => { throw new Error('boom'); } }) ?? '', /threw boom/);
  t.throws(() => r.register({ ...last, minWriters: () => 0 }), { instanceOf: TypeError, message: /cannot register fuse function: .*minWriters/ });
  t.false(r.has('lastWriter'));
  for (const fn of builtinFuseFunctions) t.is(checkFuseFunction(fn), undefined, fn.name);
});

test('registry: built-ins are frozen and describe themselves', (t) => {
  for (const fn of builtinFuseFunctions) {
    t.true(Object.isFrozen(fn), fn.name);
    t.true(fn.description.length > 80, fn.name);
    t.regex(fn.description, /n >= \d?f?\+?1|n >= 1/, `${fn.name} states its n-versus-f requirement`);
    t.regex(fn.description, /[Mm]ask|guarantee/i, `${fn.name} states what it masks`);
  }
  t.true(Object.isFrozen(builtinFuseFunctions));
  t.throws(() => {
    (median as { name: string }).name = 'x';
  });
  t.deepEqual(fuseValues(median, [1, 2, 3], ctx(FLOAT, 1)), { ok: true, value: 2 });
});
