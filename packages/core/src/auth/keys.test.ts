import test from 'ava';
import { CLIENT_INDEX_BASE } from '@bftkvs/msgs';
import { ConfigError } from '../errors.js';
import { nobleCrypto } from './crypto.js';
import { checkNodeKeys, clientEndpointKeys, deriveClusterKeysForTesting, generateClusterKeys } from './keys.js';

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

test('test keys are deterministic, pairwise symmetric and distinct per pair', (t) => {
  const a = deriveClusterKeysForTesting('seed', 4);
  const b = deriveClusterKeysForTesting('seed', 4);
  const other = deriveClusterKeysForTesting('other seed', 4);
  const seen = new Set<string>();
  for (let i = 0; i < 4; i++) {
    t.is(a[i]?.self, i);
    t.true(same(a[i]?.signingKey, b[i]?.signingKey));
    t.false(same(a[i]?.signingKey, other[i]?.signingKey));
    for (let j = 0; j < 4; j++) {
      t.true(same(a[i]?.macKeys.get(j), a[j]?.macKeys.get(i)), `key(${i},${j}) = key(${j},${i})`);
      if (j >= i) seen.add(Buffer.from(a[i]?.macKeys.get(j) as Uint8Array).toString('hex'));
    }
    seen.add(Buffer.from(a[i]?.macKeys.get(CLIENT_INDEX_BASE + i) as Uint8Array).toString('hex'));
    t.true(same(a[i]?.publicKeys[i], nobleCrypto.ed25519PublicKey(a[i]?.signingKey as Uint8Array)));
    t.notThrows(() => checkNodeKeys(a[i]!, i, 4));
  }
  t.is(seen.size, 4 * 5 / 2 + 4, 'every pair, self key and client key is different');
});

test('generated keys draw from the injected entropy and check out; a short entropy source is a ConfigError', (t) => {
  let counter = 0;
  const entropy = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => counter++ & 0xff);
  const keys = generateClusterKeys(3, entropy);
  t.true(counter > 0);
  for (let i = 0; i < 3; i++) t.notThrows(() => checkNodeKeys(keys[i]!, i, 3));
  t.true(same(keys[0]?.macKeys.get(2), keys[2]?.macKeys.get(0)));
  t.throws(() => generateClusterKeys(3, (n) => new Uint8Array(n - 1)), { instanceOf: ConfigError });
  t.throws(() => generateClusterKeys(0, entropy), { instanceOf: ConfigError });
});

test('checkNodeKeys names mismatches; client endpoint keys share exactly the replica<->client key', (t) => {
  const keys = deriveClusterKeysForTesting('seed', 4);
  t.throws(() => checkNodeKeys(keys[1]!, 2, 4), { instanceOf: ConfigError, message: /belong to replica 1/ });
  t.throws(() => checkNodeKeys(keys[1]!, 1, 5), { instanceOf: ConfigError, message: /dealt for 4/ });
  const ck = clientEndpointKeys(keys[2]!);
  t.is(ck.self, CLIENT_INDEX_BASE + 2);
  t.deepEqual([...ck.macKeys.keys()], [2]);
  t.true(same(ck.macKeys.get(2), keys[2]?.macKeys.get(CLIENT_INDEX_BASE + 2)));
});
