import test from 'ava';
import fc from 'fast-check';
import { tempFiles } from './_testKit.test.js';
import type { ParamValue } from './params.js';
import { formatParamValue, mergeParams, nodeNameMatches, parseParamsFile, typeParamText } from './params.js';
import { RosArgsError, formatRosArgs, fullyQualifiedName, loadNodeParameters, parseRosArgs } from './rosArgs.js';

test('parseRosArgs reads what ros2 run and both launchers pass', (t) => {
  const p = parseRosArgs([
    '--verbose',
    'pos',
    '--ros-args',
    '-r',
    '__node:=replica_1',
    '--remap',
    '__ns:=/cluster',
    '-p',
    'replica_id:=1',
    '--param',
    'peers:=[a, b]',
    '--params-file',
    '/etc/p.yaml',
    '-r',
    'chatter:=/x',
    '-r',
    'replica_1:status:=/s',
    '--log-level',
    'debug',
    '--disable-stdout-logs',
    '-e',
    '/enc',
    '--',
    'after',
    '--ros-args',
    '-p',
    'late:=true',
  ]);
  t.is(p.nodeName, 'replica_1');
  t.is(p.namespace, '/cluster');
  t.deepEqual(p.params, { replica_id: 1, peers: ['a', 'b'], late: true });
  t.deepEqual(p.paramsFiles, ['/etc/p.yaml']);
  t.deepEqual(p.remaps, [
    { node: undefined, from: 'chatter', to: '/x' },
    { node: 'replica_1', from: 'status', to: '/s' },
  ]);
  t.deepEqual(p.rest, ['--verbose', 'pos', 'after']);
  t.deepEqual(p.logLevels, ['debug']);
  t.is(p.enclave, '/enc');
  t.deepEqual(
    p.paramArgs.map((a) => a.kind),
    ['param', 'param', 'file', 'param'],
  );
  t.deepEqual(parseRosArgs(['a', 'b']), { nodeName: undefined, namespace: undefined, params: {}, paramsFiles: [], remaps: [], rest: ['a', 'b'], paramArgs: [], logLevels: [], enclave: undefined });
});

test('-p values are typed by YAML rules', (t) => {
  const v = (text: string): ParamValue => parseRosArgs(['--ros-args', '-p', `x:=${text}`]).params.x!;
  t.is(v('1'), 1);
  t.is(v('-7'), -7);
  t.is(v('1.5'), 1.5);
  t.is(v('1e3'), 1000);
  t.is(v('true'), true);
  t.is(v('False'), false);
  t.is(v("'1'"), '1');
  t.is(v('hello world'), 'hello world');
  t.is(v('yes'), 'yes');
  t.deepEqual(v('[1, 2.5]'), [1, 2.5]);
  t.deepEqual(v('[true, false]'), [true, false]);
  t.deepEqual(v("['a', b]"), ['a', 'b']);
  t.is(v('.inf'), Number.POSITIVE_INFINITY);
  t.is(v('a:=b'), 'a:=b');
});

test('parseRosArgs refuses malformed ROS arguments with a clear message', (t) => {
  const bad = (argv: string[], re: RegExp): void => {
    t.throws(() => parseRosArgs(argv), { instanceOf: RosArgsError, message: re });
  };
  bad(['--ros-args', '--bogus'], /unknown ROS argument "--bogus" after --ros-args/);
  bad(['--ros-args', '-p'], /-p needs a value/);
  bad(['--ros-args', '-p', 'novalue'], /malformed parameter rule "novalue" \(expected name:=value\)/);
  bad(['--ros-args', '-p', 'x:='], /empty parameter value/);
  bad(['--ros-args', '-p', 'x:=~'], /cannot be null/);
  bad(['--ros-args', '-p', 'x:={a: 1}'], /is a mapping/);
  bad(['--ros-args', '-p', 'x:=[1, a]'], /mixes types/);
  bad(['--ros-args', '-p', 'bad name:=1'], /invalid parameter name "bad name"/);
  bad(['--ros-args', '-r', '__ns:=relative'], /invalid namespace "relative" .* must be absolute/);
  bad(['--ros-args', '-r', '__node:=a/b'], /invalid node name "a\/b"/);
  bad(['--ros-args', '-r', 'x:='], /empty replacement/);
});

test('loadNodeParameters merges params files and -p rules as ROS does', (t) => {
  const f = tempFiles({
    'a.yaml': '/**:\n  ros__parameters: {a: 1, b: 1}\n/ns/n:\n  ros__parameters: {b: 2, c: 2}\n',
    'b.yaml': '/**:\n  ros__parameters: {b: 3, d: 3}\n',
  });
  try {
    const parsed = parseRosArgs(['--ros-args', '-p', 'c:=0', '--params-file', f.path('a.yaml'), '--params-file', f.path('b.yaml'), '-p', 'd:=4', '-p', 'other:x:=9', '-p', 'n:e:=5']);
    // Wildcard entries (a.yaml /**, then b.yaml /**), then exact ones in order: c:=0, /ns/n, d:=4.
    t.deepEqual(loadNodeParameters(parsed, '/ns/n'), { a: 1, b: 2, d: 4, c: 2 });
    t.deepEqual(loadNodeParameters(parsed, '/n'), { a: 1, b: 3, d: 4, c: 0, e: 5 });
    t.throws(() => loadNodeParameters(parseRosArgs(['--ros-args', '--params-file', f.path('missing.yaml')]), '/n'), { message: /cannot read params file/ });
    t.throws(() => loadNodeParameters(parsed, '/n', { maxFileBytes: 5 }), { message: /over the 5-byte limit/ });
  } finally {
    f.cleanup();
  }
});

test('formatRosArgs writes what parseRosArgs reads', (t) => {
  const argv = formatRosArgs({
    nodeName: 'n',
    namespace: '/a/b',
    paramArgs: [
      { kind: 'param', name: 's', value: 'true' },
      { kind: 'file', path: '/p.yaml' },
      { kind: 'param', name: 'l', value: ['x y', "it's", '1'] },
    ],
    remaps: [{ from: 'in', to: '/out' }],
  });
  t.deepEqual(argv, ['--ros-args', '-r', '__node:=n', '-r', '__ns:=/a/b', '-p', "s:='true'", '--params-file', '/p.yaml', '-p', "l:=['x y', 'it''s', '1']", '-r', 'in:=/out']);
  const back = parseRosArgs(argv);
  t.deepEqual(back.params, { s: 'true', l: ['x y', "it's", '1'] });
  t.is(fullyQualifiedName(back.namespace, back.nodeName!), '/a/b/n');
  t.is(fullyQualifiedName(undefined, 'n'), '/n');
  t.is(fullyQualifiedName('/', 'n'), '/n');
});

test('formatParamValue and typeParamText round-trip every parameter value', (t) => {
  const scalarString = fc.string({ maxLength: 20 }).filter((s) => s.trim() !== '' || s === '');
  const value = fc.oneof(
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.string({ maxLength: 20 }),
    fc.array(fc.boolean(), { maxLength: 4 }),
    fc.array(fc.integer(), { maxLength: 4 }),
    fc.array(scalarString, { maxLength: 4 }),
  );
  fc.assert(
    fc.property(value, (v) => {
      const text = formatParamValue(v as ParamValue);
      if (text.includes('\n')) return false;
      const back = typeParamText(text);
      // -0 prints as 0; everything else comes back identical.
      return JSON.stringify(back) === JSON.stringify(v) || (typeof v === 'number' && Object.is(v, -0) && back === 0);
    }),
    { numRuns: 500 },
  );
  t.pass();
});

test('params files: node keys, nesting and wildcard matching', (t) => {
  const entries = parseParamsFile('/**:\n  ros__parameters:\n    a: {b: {c: 1}}\nns:\n  n:\n    ros__parameters: {x: [1.5, 2]}\nplain:\n  ros__parameters: {}\n', 'p.yaml');
  t.deepEqual(entries, [
    { node: '/**', params: { 'a.b.c': 1 } },
    { node: '/ns/n', params: { x: [1.5, 2] } },
    { node: '/plain', params: {} },
  ]);
  t.deepEqual(parseParamsFile('', 'empty.yaml'), []);
  t.true(nodeNameMatches('/**', '/a/b/c'));
  t.true(nodeNameMatches('/**', '/n'));
  t.true(nodeNameMatches('/a/*', '/a/n'));
  t.false(nodeNameMatches('/a/*', '/a/b/n'));
  t.true(nodeNameMatches('/**/n', '/a/b/n'));
  t.true(nodeNameMatches('/**/n', '/n'));
  t.false(nodeNameMatches('/**/n', '/a/m'));
  t.true(nodeNameMatches('n', '/n'));
  t.false(nodeNameMatches('/n', '/ns/n'));
  t.throws(() => parseParamsFile('/**:\n  ros__parameters: {a: null}\n', 'p.yaml'), { message: /p\.yaml: \/\*\*: .*cannot be null/ });
  t.throws(() => parseParamsFile('- a\n', 'p.yaml'), { message: /must be a mapping of node names/ });
  t.throws(() => parseParamsFile('n:\n  params: {a: 1}\n', 'p.yaml'), { message: /under "n\/params\/a" expected "ros__parameters:"/ });
  const merged = mergeParams([{ kind: 'file', entries: parseParamsFile('/**:\n  ros__parameters:\n    __proto__: 1\n', 'p.yaml') }], '/n');
  t.is(Object.getPrototypeOf(merged), Object.prototype);
  t.deepEqual(Object.keys(merged), ['__proto__']);
});
