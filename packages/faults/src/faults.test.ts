import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import type { NodeKeys } from '@bftkvs/core';
import { Channel, WriteAuthenticator, clientEndpointKeys, clusterIdOf, deriveClusterKeysForTesting, nobleCrypto } from '@bftkvs/core';
import type { Write } from '@bftkvs/msgs';
import { CLIENT_INDEX_BASE, decodeBody, decodeFrame, decodeWrite } from '@bftkvs/msgs';
import { nodeFrameCraft } from './craft.js';
import { equivocateFrame, forgeFrame, isProtocolFrame } from './frames.js';

const keys = deriveClusterKeysForTesting('faults tests', 4);
const CLUSTER = 'faults';
const writers = new Map([['w3', 3]]);
const chan = (i: number): Channel => new Channel({ clusterId: clusterIdOf(CLUSTER), keys: keys[i] as NodeKeys, incarnation: 1, crypto: nobleCrypto });

function writeFrame(to: number, value: number): Uint8Array {
  const auth = new WriteAuthenticator({ keys: keys[3] as NodeKeys, crypto: nobleCrypto, signatures: false, writers });
  const w: Write = { key: 'speed', publishTimeUs: 1_000_000, writer: 'w3', value: { kind: 'f64', f64: value }, origin: 3, issuedAtUs: 1 };
  return chan(3).seal(to, { kind: 'write', write: { write: auth.authenticateWrite(w), hop: 0 } });
}

test('a node craft seals its own links (also its client link) and no other', (t) => {
  const craft = nodeFrameCraft(keys[3] as NodeKeys, { signatures: false, writers }, nobleCrypto);
  const f = decodeFrame(chan(3).seal(1, { kind: 'statusRequest', statusRequest: { requestId: 1 } }));
  if (!f.ok) return t.fail();
  const { mac: _mac, ...head } = f.value;
  t.true(chan(1).open(craft.seal(head)).ok);
  // The client endpoint's frame to its replica: the key is in the node's key file.
  const client = new Channel({ clusterId: clusterIdOf(CLUSTER), keys: clientEndpointKeys(keys[3] as NodeKeys), incarnation: 1, crypto: nobleCrypto });
  const cf = decodeFrame(client.seal(3, { kind: 'statusRequest', statusRequest: { requestId: 2 } }));
  if (!cf.ok) return t.fail();
  const { mac: _m2, ...chead } = cf.value;
  t.true(chan(3).open(craft.seal({ ...chead, seq: 9 })).ok);
  t.throws(() => craft.seal({ ...head, from: 0, to: 1 }), { message: /no key between 0 and 1/ });
  t.throws(() => craft.authenticateWrite(0, { key: 'speed', publishTimeUs: 1, writer: 'w3', value: { kind: 'f64', f64: 1 }, origin: 0, issuedAtUs: 1 }));
  t.is(CLIENT_INDEX_BASE + 3, chead.from);
});

test('equivocation: a different value, re-authenticated by the origin, accepted by the receiver', (t) => {
  const craft = nodeFrameCraft(keys[3] as NodeKeys, { signatures: false, writers }, nobleCrypto);
  const out = equivocateFrame(writeFrame(1, 10), 3, craft, (w) => ({ ...w, value: { kind: 'f64', f64: 60 } }));
  if (out === undefined) return t.fail();
  const opened = chan(1).open(out);
  if (!opened.ok || opened.body.kind !== 'write') return t.fail();
  const auth = new WriteAuthenticator({ keys: keys[1] as NodeKeys, crypto: nobleCrypto, signatures: false, writers });
  const v = auth.verifyWriteFor(opened.body.write.write);
  t.true(v.ok);
  if (v.ok) t.deepEqual(v.write.value, { kind: 'f64', f64: 60 });
  // Not a write of this origin: untouched.
  t.is(equivocateFrame(chan(3).seal(1, { kind: 'statusRequest', statusRequest: { requestId: 1 } }), 3, craft, (w) => w), undefined);
});

test('forged sender: the stale MAC is refused; protocol frames are recognised', (t) => {
  const forged = forgeFrame(writeFrame(1, 10), 2);
  if (forged === undefined) return t.fail();
  t.like(chan(1).open(forged), { ok: false, reason: 'bad-mac' });
  t.false(isProtocolFrame(writeFrame(1, 10)));
  const f = decodeFrame(writeFrame(1, 10));
  t.true(f.ok && decodeBody(f.value.body).ok);
  t.true(f.ok && decodeWrite(new Uint8Array(0)).ok === false);
});

test('the package is pure: no Node built-ins, timers, clocks or ambient randomness; imports only core and msgs', (t) => {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const problems: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    const text = readFileSync(join(dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    if (/\b(Date\.now|performance\.now|Math\.random|setTimeout|setInterval|process\.)/.test(text)) problems.push(`${name}: clock, timer, randomness or process`);
    for (const m of text.matchAll(/from\s+'([^']+)'/g)) {
      const spec = m[1] as string;
      if (!spec.startsWith('./') && spec !== '@bftkvs/core' && spec !== '@bftkvs/msgs') problems.push(`${name} imports ${spec}`);
    }
  }
  t.deepEqual(problems, []);
});
