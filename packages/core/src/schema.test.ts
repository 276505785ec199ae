import test from 'ava';
import { ConfigError } from './errors.js';
import { createFuseRegistry } from './fuse/index.js';
import { parseKeySchemas } from './schema.js';

const fuse = createFuseRegistry();
const base = { type: 'float64', periodMs: 10, writers: ['c', 'a', 'b'], fuse: 'median' };

test('a valid schema parses into microseconds with sorted writers and derived fault tolerance', (t) => {
  const keys = parseKeySchemas({ speed: base }, fuse);
  const s = keys.get('speed');
  t.truthy(s);
  t.deepEqual(s?.grid, { periodUs: 10_000, offsetUs: 0 });
  t.deepEqual(s?.writers, ['a', 'b', 'c']);
  t.is(s?.faultyWriters, 1); // median over 3 writers masks 1
  t.is(s?.minWriters, 3);
  t.is(s?.retention, 100);
});

test('every value type form parses', (t) => {
  const keys = parseKeySchemas(
    {
      a: { ...base, type: { kind: 'float64', min: 0, max: 100 } },
      b: { ...base, type: 'int64' },
      c: { ...base, type: 'bool', fuse: 'majority' },
      d: { ...base, type: 'string', fuse: 'majority' },
      e: { ...base, type: { kind: 'enum', values: ['x', 'y'] }, fuse: 'majority' },
      f: { ...base, type: { kind: 'float64[]', length: 3 }, fuse: 'componentwiseMedian' },
      g: { ...base, type: { kind: 'struct', fields: { gear: 'int64', on: 'bool' } }, fuse: 'majority' },
    },
    fuse,
  );
  t.is(keys.size, 7);
  t.deepEqual(keys.get('f')?.type, { kind: 'float64[]', length: 3 });
});

function problems(input: unknown): string {
  const e = t_throws(() => parseKeySchemas(input, fuse));
  return e.message;
}
function t_throws(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('invalid schemas fail with messages naming the key and the problem', (t) => {
  t.regex(problems({ speed: { ...base, fuse: 'nosuch' } }), /key 'speed': unknown fuse function 'nosuch'/);
  t.regex(problems({ speed: { ...base, type: 'bool' } }), /cannot fuse values of type bool/);
  t.regex(problems({ speed: { ...base, writers: ['a', 'a', 'b'] } }), /listed twice/);
  t.regex(problems({ speed: { ...base, minWriters: 2 } }), /minWriters 2 is below/);
  t.regex(problems({ speed: { ...base, minWriters: 4 } }), /exceeds the 3 authorised writers/);
  t.regex(problems({ speed: { ...base, faultyWriters: 2 } }), /needs 5 writers/);
  t.regex(problems({ speed: { ...base, periodMs: 0.0005 } }), /whole number of microseconds/);
  t.regex(problems({ speed: { ...base, offsetMs: 10 } }), /offsetMs must be smaller/);
  t.regex(problems({ speed: { ...base, periodMs: -1 } }), /periodMs/);
  t.regex(problems({ speed: { ...base, colour: 'red' } }), /colour|Unrecognized/i);
  t.regex(problems({ 'bad key!': base }), /Invalid key in record[\s\S]*bad key!/);
  t.regex(problems({ speed: { ...base, type: { kind: 'float64[]', length: 1000 } } }), /length|64/);
  t.regex(problems('not an object'), /invalid key schemas/);
});

test('a fuse function that masks nothing cannot be asked to mask faulty writers', (t) => {
  t.regex(problems({ speed: { ...base, fuse: 'mean', faultyWriters: 1 } }), /masks no faulty writer/);
  t.is(parseKeySchemas({ speed: { ...base, fuse: 'mean' } }, fuse).get('speed')?.faultyWriters, 0);
});

test('majority with an explicit vote threshold needs enough writers for it', (t) => {
  const vote = { ...base, type: 'bool', writers: ['a', 'b', 'c', 'd'] };
  t.regex(problems({ k: { ...vote, fuse: { name: 'majority', params: { threshold: 4 } }, faultyWriters: 1 } }), /needs 5 writers/);
});
