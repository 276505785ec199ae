import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ConfigError } from '@bftkvs/core';
import { loadClusterFile } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'bftkvs-config-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(text: string): string {
  const p = join(dir, `cluster-${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}

const HEAD = `cluster:
  name: test
  mode: fast
  replicas: 4
  f: 1
  writers: { a: 0, b: 1, c: 2 }
`;
const KEYS = `keys:
  speed: { type: float64, periodMs: 10, writers: [a, b, c], fuse: median }
`;

test('an endpoint list is loaded with the protocol part', (t) => {
  const p = file(`${HEAD}  endpoints:
    - { host: 127.0.0.1, port: 7400, clientPort: 7401 }
    - { host: 127.0.0.1, port: 7402, clientPort: 7403 }
    - { host: localhost, port: 7404, clientPort: 7405 }
    - { host: 127.0.0.2, port: 7400, clientPort: 7401, clientHost: 127.0.0.2 }
${KEYS}`);
  const c = loadClusterFile(p);
  t.is(c.cluster.replicas, 4);
  t.is(c.cluster.keys.get('speed')?.fuse, 'median');
  t.deepEqual(c.endpoints?.[2], { host: '127.0.0.1', port: 7404, clientHost: '127.0.0.1', clientPort: 7405 });
  t.deepEqual(c.endpoints?.[3], { host: '127.0.0.2', port: 7400, clientHost: '127.0.0.2', clientPort: 7401 });
});

test('the basePort shorthand gives replica i ports base+2i and base+2i+1', (t) => {
  const c = loadClusterFile(file(`${HEAD}  endpoints: { host: 127.0.0.1, basePort: 7400 }\n${KEYS}`));
  t.deepEqual(
    c.endpoints?.map((e) => [e.port, e.clientPort]),
    [
      [7400, 7401],
      [7402, 7403],
      [7404, 7405],
      [7406, 7407],
    ],
  );
});

test('endpoints are optional (in-process runs)', (t) => {
  t.is(loadClusterFile(file(HEAD + KEYS)).endpoints, undefined);
});

const bad: [string, string, RegExp][] = [
  ['a missing file', '', /cannot read cluster file/],
  ['YAML syntax', `${HEAD}  endpoints: [\n${KEYS}`, /not valid YAML/],
  ['a duplicate YAML key', `${HEAD}  f: 2\n${KEYS}`, /not valid YAML.*[Mm]ap keys must be unique/s],
  ['a protocol error', HEAD.replace('replicas: 4', 'replicas: 3') + KEYS, /at least 4 replicas/],
  ['the wrong number of endpoints', `${HEAD}  endpoints:\n    - { host: 127.0.0.1, port: 7400, clientPort: 7401 }\n${KEYS}`, /1 endpoints for 4 replicas/],
  ['a multicast host', `${HEAD}  endpoints: { host: 239.0.0.1, basePort: 7400 }\n${KEYS}`, /replica 0 host: 239\.0\.0\.1 is a multicast address/],
  ['a host name', `${HEAD}  endpoints: { host: node1.local, basePort: 7400 }\n${KEYS}`, /not an IP address literal/],
  ['a port out of range', `${HEAD}  endpoints: { host: 127.0.0.1, basePort: 70000 }\n${KEYS}`, /basePort|65535/],
  ['ports beyond 65535 from the shorthand', `${HEAD}  endpoints: { host: 127.0.0.1, basePort: 65530 }\n${KEYS}`, /port 65536 is above 65535/],
  [
    'a socket used twice',
    `${HEAD}  endpoints:\n${[0, 1, 2, 3].map((i) => `    - { host: 127.0.0.1, port: ${7400 + i}, clientPort: ${i === 3 ? 7400 : 7500 + i} }`).join('\n')}\n${KEYS}`,
    /replica 3 clientHost: 127\.0\.0\.1:7400 is also used by replica 0 host/,
  ],
  ['an unknown endpoint field', `${HEAD}  endpoints: { host: 127.0.0.1, basePort: 7400, tls: true }\n${KEYS}`, /invalid cluster\.endpoints/],
  ['a YAML alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`, /not valid YAML: Excessive alias count/],
  ['not a mapping', `- 1\n- 2\n`, /invalid cluster configuration/],
];
for (const [what, text, message] of bad) {
  test(`a clear error naming the file for ${what}`, (t) => {
    const p = what === 'a missing file' ? join(dir, 'nope.yaml') : file(text);
    const e = t.throws(() => loadClusterFile(p), { instanceOf: ConfigError });
    t.true(e?.message.startsWith(`${p}: `), e?.message);
    t.regex(e?.message ?? '', message);
  });
}

test('oversized files are refused before parsing', (t) => {
  const p = file(`# ${'x'.repeat(1 << 20)}\n`);
  t.throws(() => loadClusterFile(p), { message: /more than the 1048576 allowed/ });
});

test('overrides: mode and a base port replace the file’s values; bad overrides are refused', (t) => {
  const p = file(`${HEAD}  endpoints: { host: 127.0.0.1, basePort: 7400 }
${KEYS}`);
  const c = loadClusterFile(p, undefined, { mode: 'crash', basePort: 9000 });
  t.is(c.cluster.mode, 'crash');
  t.deepEqual(c.endpoints?.[1], { host: '127.0.0.1', port: 9002, clientHost: '127.0.0.1', clientPort: 9003 });
  t.is(loadClusterFile(p).endpoints?.[1]?.port, 7402, 'without overrides the file wins');
  t.throws(() => loadClusterFile(p, undefined, { basePort: 70_000 }), { instanceOf: ConfigError, message: /base port override 70000/ });
  t.throws(() => loadClusterFile(p, undefined, { basePort: 65_530 }), { instanceOf: ConfigError, message: /above 65535/ });
});
