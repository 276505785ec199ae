import test from 'ava';
import { nobleCrypto } from '../auth/crypto.js';
import { deriveClusterKeysForTesting } from '../auth/keys.js';
import { ConfigError } from '../errors.js';
import { AgreedReplica } from './agreed.js';
import { CrashReplica } from './crash.js';
import { createReplica } from './create.js';
import { FastReplica } from './fast.js';
import { clusterInput, fuse, makeConfig } from './_testCluster.test.js';

const keys = deriveClusterKeysForTesting('create tests', 4);
const opts = (id: number) => ({ id, keys: keys[id]!, crypto: nobleCrypto, incarnation: 1, fuse });

test('createReplica returns the mode the cluster runs', (t) => {
  t.true(createReplica(makeConfig(clusterInput('fast', 4, 1)), opts(0)) instanceof FastReplica);
  t.true(createReplica(makeConfig(clusterInput('crash', 4, 3)), opts(2)) instanceof CrashReplica);
});

test('agreed mode builds the PBFT-ordered replica', (t) => {
  const config = { ...makeConfig(clusterInput('fast', 4, 1)), mode: 'agreed' as const };
  t.true(createReplica(config, opts(0)) instanceof AgreedReplica);
});

test('mismatched ids, keys, replica counts and incarnations are ConfigErrors', (t) => {
  const config = makeConfig(clusterInput('fast', 4, 1));
  t.throws(() => createReplica(config, { ...opts(0), id: 4 }), { instanceOf: ConfigError, message: /not in 0..3/ });
  t.throws(() => createReplica(config, { ...opts(0), keys: keys[1]! }), { instanceOf: ConfigError, message: /belong to replica 1/ });
  t.throws(() => createReplica(config, { ...opts(0), incarnation: -1 }), { instanceOf: ConfigError });
  t.throws(() => createReplica({ ...config, replicas: 3 }, opts(0)), { instanceOf: ConfigError, message: /needs at least 4/ });
  const other = deriveClusterKeysForTesting('other', 4);
  t.throws(() => createReplica(config, { ...opts(0), keys: { ...keys[0]!, signingKey: other[0]!.signingKey } }), { instanceOf: ConfigError, message: /does not match/ });
});
