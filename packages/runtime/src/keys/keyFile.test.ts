import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { NodeKeys } from '@bftkvs/core';
import { Channel, checkNodeKeys, nobleCrypto } from '@bftkvs/core';
import { KeyFileError, decodeNodeKeys, encodeNodeKeys, keyFileName, loadNodeKeys, writeClusterKeyFiles } from './keyFile.js';

const root = mkdtempSync(join(tmpdir(), 'bftkvs-keys-'));
test.after.always(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => join(root, `k${n++}`);

/** A deterministic entropy source, so two runs can be compared. */
function counterBytes(seed: number): (len: number) => Uint8Array {
  let x = seed;
  return (len) => Uint8Array.from({ length: len }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
}

test('written key files load back, are 0600 in a 0700 directory, and authenticate between nodes', (t) => {
  const dir = freshDir();
  const paths = writeClusterKeyFiles(dir, 4);
  t.deepEqual(
    paths.map((p) => p.slice(dir.length + 1)),
    [0, 1, 2, 3].map(keyFileName),
  );
  t.is(statSync(dir).mode & 0o777, 0o700);
  for (const p of paths) t.is(statSync(p).mode & 0o777, 0o600, p);
  t.deepEqual(readdirSync(dir).sort(), [0, 1, 2, 3].map(keyFileName).sort(), 'no temporary files left behind');
  const keys = paths.map((p, i) => loadNodeKeys(p, { replica: i }));
  keys.forEach((k, i) => t.notThrows(() => checkNodeKeys(k, i, 4)));
  t.deepEqual(keys[0]?.macKeys.get(1), keys[1]?.macKeys.get(0), 'pairwise keys match');
  t.true(keys[2]?.macKeys.has(1002), "replica 2's file holds its client-endpoint key");
  t.false(keys[2]?.macKeys.has(1001), "and no other node's");
  const a = new Channel({ clusterId: 1, keys: keys[0] as NodeKeys, incarnation: 1, crypto: nobleCrypto });
  const b = new Channel({ clusterId: 1, keys: keys[1] as NodeKeys, incarnation: 1, crypto: nobleCrypto });
  const opened = b.open(a.seal(1, { kind: 'statusRequest', statusRequest: { requestId: 7 } }));
  t.true(opened.ok);
});

test('the text form round-trips exactly, and keys come from the injected entropy', (t) => {
  const d1 = freshDir();
  const d2 = freshDir();
  writeClusterKeyFiles(d1, 2, counterBytes(42));
  writeClusterKeyFiles(d2, 2, counterBytes(42));
  const text = readFileSync(join(d1, keyFileName(1)), 'utf8');
  t.is(text, readFileSync(join(d2, keyFileName(1)), 'utf8'));
  t.is(encodeNodeKeys(decodeNodeKeys(text)), text);
});

test('existing key files are not overwritten without force, and nothing is written then', (t) => {
  const dir = freshDir();
  mkdirSync(dir);
  writeFileSync(join(dir, keyFileName(2)), 'old', { mode: 0o644 });
  const e = t.throws(() => writeClusterKeyFiles(dir, 4), { instanceOf: KeyFileError });
  t.regex(e?.message ?? '', /refusing to overwrite existing key files \(use force\): .*replica-2\.key\.json/);
  t.false(existsSync(join(dir, keyFileName(0))));
  writeClusterKeyFiles(dir, 4, undefined, { force: true });
  t.is(statSync(join(dir, keyFileName(2))).mode & 0o777, 0o600, 'a replaced file gets mode 0600 too');
  t.notThrows(() => loadNodeKeys(join(dir, keyFileName(2))));
});

// --- corrupted and hostile key files ---

const good = (): Record<string, unknown> => JSON.parse(readFileSync(join(goodDir, keyFileName(1)), 'utf8')) as Record<string, unknown>;
const goodDir = join(root, 'good');
test.before(() => void writeClusterKeyFiles(goodDir, 4, counterBytes(7)));

function fileWith(text: string, mode = 0o600): string {
  const p = join(root, `bad-${n++}.key.json`);
  writeFileSync(p, text, { mode });
  chmodSync(p, mode);
  return p;
}

const mutate = (f: (d: Record<string, unknown>) => void): string => {
  const d = good();
  f(d);
  return JSON.stringify(d);
};
const macKeys = (d: Record<string, unknown>) => d['macKeys'] as Record<string, string>;

const corrupt: [string, () => string, RegExp][] = [
  ['not JSON', () => '{"format": ', /not valid JSON/],
  ['another format', () => mutate((d) => (d['format'] = 'other/1')), /format/],
  ['a short MAC key', () => mutate((d) => (macKeys(d)['0'] = 'abcd')), /64 hex digits.*at macKeys\.0/s],
  ['non-hex digits', () => mutate((d) => (d['signingKey'] = 'zz'.repeat(32))), /64 hex digits.*at signingKey/s],
  ['a missing replica key', () => mutate((d) => delete macKeys(d)['3']), /no MAC key for replica 3/],
  ['a missing client key', () => mutate((d) => delete macKeys(d)['1001']), /no MAC key for the client endpoint 1001/],
  ['another node\'s client key', () => mutate((d) => (macKeys(d)['1002'] = macKeys(d)['1001'] as string)), /client endpoint 1002, which is not this replica's \(1001\)/],
  ['a key for a replica outside the cluster', () => mutate((d) => (macKeys(d)['9'] = macKeys(d)['0'] as string)), /endpoint 9, which is not a replica/],
  ['a non-decimal index', () => mutate((d) => (macKeys(d)['0x1'] = macKeys(d)['0'] as string)), /at macKeys\.0x1/],
  ['replica out of range', () => mutate((d) => (d['replica'] = 4)), /replica 4 is not in 0\.\.3/],
  ['too few public keys', () => mutate((d) => (d['publicKeys'] = (d['publicKeys'] as string[]).slice(0, 3))), /3 public keys for 4 replicas/],
  ['a signing key that does not match', () => mutate((d) => (d['signingKey'] = '11'.repeat(32))), /signing key does not match publicKeys\[1\]/],
  ['an unknown field', () => mutate((d) => (d['comment'] = 'hi')), /comment/],
  ['a JSON array', () => '[]', /invalid key file/],
];
for (const [what, text, message] of corrupt) {
  test(`a corrupted key file is refused with a clear error: ${what}`, (t) => {
    const p = fileWith(text());
    const e = t.throws(() => loadNodeKeys(p), { instanceOf: KeyFileError });
    t.true(e?.message.startsWith(`${p}: `), e?.message);
    t.regex(e?.message ?? '', message);
  });
}

test('key files readable by others are refused unless allowed', (t) => {
  const p = fileWith(JSON.stringify(good()), 0o644);
  t.throws(() => loadNodeKeys(p), { instanceOf: KeyFileError, message: /accessible by group or others \(mode 644\); run chmod 600/ });
  t.is(loadNodeKeys(p, { allowLoosePermissions: true }).self, 1);
});

test('the wrong node, a missing file, a directory and an oversized file are refused', (t) => {
  t.throws(() => loadNodeKeys(join(goodDir, keyFileName(1)), { replica: 2 }), { message: /holds the keys of replica 1, expected replica 2/ });
  t.throws(() => loadNodeKeys(join(root, 'missing.key.json')), { instanceOf: KeyFileError, message: /cannot read key file/ });
  t.throws(() => loadNodeKeys(goodDir), { message: /not a regular file/ });
  t.throws(() => loadNodeKeys(fileWith(' '.repeat(70_000))), { message: /too large for a key file/ });
});

test('replica counts outside 1..64 are refused before anything is written', (t) => {
  const dir = freshDir();
  t.throws(() => writeClusterKeyFiles(dir, 0), { instanceOf: KeyFileError });
  t.throws(() => writeClusterKeyFiles(dir, 65), { instanceOf: KeyFileError });
  t.false(existsSync(dir));
});
