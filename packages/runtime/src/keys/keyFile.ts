/**
 * Key files: one JSON file per node, `replica-<i>.key.json`, holding what replica i needs
 * (pairwise MAC keys for every replica and for its own client endpoint, its Ed25519 secret
 * key, every replica's Ed25519 public key), written with mode 0600.
 *
 * Trust assumption: the applications on node i read the same file, because they talk to
 * replica i over the client-endpoint key it contains. Whoever can read the file can therefore
 * act as replica i; an application on a node is trusted exactly as much as that node's
 * replica (its writes are already issued by that replica, so a faulty application is a
 * faulty writer either way). Keep the file readable by the node's service user only.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeKeys } from '@bftkvs/core';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SECRET_KEY_BYTES, MAC_KEY_BYTES, generateClusterKeys, nobleCrypto } from '@bftkvs/core';
import { CLIENT_INDEX_BASE, MAX_REPLICAS, clientIndexOf } from '@bftkvs/msgs';
import { z } from 'zod';

export const KEY_FILE_FORMAT = 'bftkvs-node-keys/1';
/** A key file for 64 replicas is ~10 KB; anything much larger is not one. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

export function keyFileName(replica: number): string {
  return `replica-${replica}.key.json`;
}

export interface WriteKeyFilesOptions {
  /** Replace existing key files (they are replaced atomically, one by one). */
  readonly force?: boolean;
}

/**
 * Deals fresh keys for `replicas` nodes and writes one file per node into `dir` (created
 * with mode 0700 if missing). Refuses, before writing anything, if a key file exists and
 * `force` is not set. Returns the paths written, by replica index.
 */
export function writeClusterKeyFiles(
  dir: string,
  replicas: number,
  randomBytes: (byteLength: number) => Uint8Array = (n) => new Uint8Array(nodeRandomBytes(n)),
  opts: WriteKeyFilesOptions = {},
): string[] {
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > MAX_REPLICAS) {
    throw new KeyFileError(`replicas must be an integer in 1..${MAX_REPLICAS}, got ${replicas}`);
  }
  const paths = Array.from({ length: replicas }, (_, i) => join(dir, keyFileName(i)));
  if (opts.force !== true) {
    const existing = paths.filter(exists);
    if (existing.length > 0) throw new KeyFileError(`refusing to overwrite existing key files (use force): ${existing.join(', ')}`);
  }
  const all = generateClusterKeys(replicas, randomBytes);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  all.forEach((keys, i) => writeSecretFile(paths[i] as string, encodeNodeKeys(keys), opts.force === true));
  return paths;
}

/** The key file text for one node (stable field order, lowercase hex). */
export function encodeNodeKeys(keys: NodeKeys): string {
  const macKeys: Record<string, string> = {};
  for (const index of [...keys.macKeys.keys()].sort((a, b) => a - b)) macKeys[String(index)] = toHex(keys.macKeys.get(index) as Uint8Array);
  const doc = {
    format: KEY_FILE_FORMAT,
    replica: keys.self,
    replicas: keys.replicas,
    macKeys,
    signingKey: toHex(keys.signingKey),
    publicKeys: keys.publicKeys.map(toHex),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export interface LoadNodeKeysOptions {
  /** The replica the caller expects these keys to belong to. */
  readonly replica?: number;
  /** Accept files readable by group or others (refused by default, like ssh private keys). */
  readonly allowLoosePermissions?: boolean;
}

/** Reads and validates a key file; every error names the file and the problem. */
export function loadNodeKeys(file: string, opts: LoadNodeKeysOptions = {}): NodeKeys {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new KeyFileError(`${file}: not a regular file`);
    if (st.size > MAX_KEY_FILE_BYTES) throw new KeyFileError(`${file}: ${st.size} bytes is too large for a key file (at most ${MAX_KEY_FILE_BYTES})`);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0 && opts.allowLoosePermissions !== true) {
      throw new KeyFileError(`${file}: key file is accessible by group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`);
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof KeyFileError) throw e;
    throw new KeyFileError(`${file}: cannot read key file: ${e instanceof Error ? e.message : String(e)}`);
  }
  const keys = decodeNodeKeys(text, file);
  if (opts.replica !== undefined && keys.self !== opts.replica) {
    throw new KeyFileError(`${file}: holds the keys of replica ${keys.self}, expected replica ${opts.replica}`);
  }
  return keys;
}

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes * 2} hex digits (${bytes} bytes)`);

const keyFileInput = z.strictObject({
  format: z.literal(KEY_FILE_FORMAT),
  replica: z.number().int().min(0).max(MAX_REPLICAS - 1),
  replicas: z.number().int().min(1).max(MAX_REPLICAS),
  macKeys: z.record(z.string().regex(/^(0|[1-9][0-9]{0,4})$/, 'endpoint indices are decimal integers'), hex(MAC_KEY_BYTES)),
  signingKey: hex(ED25519_SECRET_KEY_BYTES),
  publicKeys: z.array(hex(ED25519_PUBLIC_KEY_BYTES)).min(1).max(MAX_REPLICAS),
});

/** Parses key file text; `source` names it in errors. */
export function decodeNodeKeys(text: string, source = 'key file'): NodeKeys {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new KeyFileError(`${source}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = keyFileInput.safeParse(doc);
  if (!parsed.success) throw new KeyFileError(`${source}: invalid key file:\n${z.prettifyError(parsed.error)}`);
  const d = parsed.data;
  const problems: string[] = [];
  if (d.replica >= d.replicas) problems.push(`replica ${d.replica} is not in 0..${d.replicas - 1}`);
  if (d.publicKeys.length !== d.replicas) problems.push(`${d.publicKeys.length} public keys for ${d.replicas} replicas`);
  const expected = new Set<number>([...Array.from({ length: d.replicas }, (_, i) => i), clientIndexOf(d.replica)]);
  const macKeys = new Map<number, Uint8Array>();
  for (const [index, key] of Object.entries(d.macKeys)) {
    const i = Number(index);
    if (!expected.has(i)) {
      problems.push(i >= CLIENT_INDEX_BASE ? `MAC key for client endpoint ${i}, which is not this replica's (${clientIndexOf(d.replica)})` : `MAC key for endpoint ${i}, which is not a replica of this cluster`);
    }
    macKeys.set(i, fromHex(key));
  }
  for (const i of expected) if (!macKeys.has(i)) problems.push(i >= CLIENT_INDEX_BASE ? `no MAC key for the client endpoint ${i}` : `no MAC key for replica ${i}`);
  const signingKey = fromHex(d.signingKey);
  const publicKeys = d.publicKeys.map(fromHex);
  const own = publicKeys[d.replica];
  if (own !== undefined && !equalBytes(nobleCrypto.ed25519PublicKey(signingKey), own)) {
    problems.push(`the signing key does not match publicKeys[${d.replica}]`);
  }
  if (problems.length > 0) throw new KeyFileError(`${source}: invalid key file: ${problems.join('; ')}`);
  return { self: d.replica, replicas: d.replicas, macKeys, signingKey, publicKeys };
}

/**
 * Writes `text` to `path` with mode 0600, never leaving a partly written key file: the data
 * goes to a temporary file first, then is linked into place (fails if `path` exists) or,
 * with `replace`, renamed over it.
 */
function writeSecretFile(path: string, text: string, replace: boolean): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (replace) renameSync(tmp, path);
    else {
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new KeyFileError(`refusing to overwrite existing key file (use force): ${path}`);
    throw new KeyFileError(`cannot write key file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
