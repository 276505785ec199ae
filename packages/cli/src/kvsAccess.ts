/**
 * What the client commands (`write`, `read`, `echo`, `status`, `keygen`) share: the
 * cluster-file and key-directory options with defaults that work from the repository root,
 * connecting to a replica's client endpoint as that node's application, parsing values by
 * the key's type, formatting slots and times, and the exit codes:
 *
 *   0  success
 *   1  the replica refused the request (typed error, e.g. TOO_LATE, NO_FRESH_VALUE)
 *   2  usage or configuration error (bad argument, unknown key or writer, unreadable file)
 *   3  no answer from a replica (not running, wrong port, wrong keys)
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { KeySchema, NodeKeys, Value, ValueType } from '@bftkvs/core';
import type { SlotUpdate } from '@bftkvs/client';
import { KvsClient, isKvsClientError } from '@bftkvs/client';
import type { ReplicaEndpoint, RuntimeClusterConfig } from '@bftkvs/runtime';
import { keyFileName, loadClusterFile, loadNodeKeys } from '@bftkvs/runtime';
import { REPO_ROOT } from './commands/launch.js';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
export const EXIT_NO_ANSWER = 3;

export const EXIT_CODES_HELP = `
Exit codes: 0 success, 1 the replica refused the request, 2 usage or configuration error,
3 no answer from the replica (is the cluster running? right --cluster/--keys/--base-port?).`;

/** An error the CLI reports as one line `bftkvs: message` with its exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export const DEFAULT_CLUSTER_FILE = 'launch/config/cluster.yaml';
export const DEFAULT_KEYS_DIR = 'keys';

export interface ClusterOptions {
  readonly cluster: string;
  readonly keys: string;
  readonly basePort?: number;
  readonly timeoutMs: number;
}

export function positiveInt(max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0 || n > max) throw new InvalidArgumentError(`expected an integer in 1..${max}`);
    return n;
  };
}

export function nonNegativeInt(max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n > max) throw new InvalidArgumentError(`expected an integer in 0..${max}`);
    return n;
  };
}

/** --cluster, --keys, --base-port, --timeout-ms. */
export function addClusterOptions(cmd: Command, timeoutMs = 2_000): Command {
  return cmd
    .option('--cluster <file>', 'cluster file', DEFAULT_CLUSTER_FILE)
    .option('--keys <dir>', 'directory of the key files (bftkvs keygen --out)', DEFAULT_KEYS_DIR)
    .addOption(new Option('--base-port <port>', 'the base_port the cluster was launched with (default: the cluster file’s endpoints)').argParser(positiveInt(65_535)))
    .option('--timeout-ms <ms>', 'how long to wait for an answer', positiveInt(600_000), timeoutMs);
}

/**
 * A default path that is relative is looked up in the working directory first, then in the
 * repository (so the installed `bftkvs` works from anywhere in a checkout); an explicit path
 * is taken as given.
 */
export function defaultPath(given: string, fallbackDefault: string): string {
  if (given !== fallbackDefault || isAbsolute(given)) return resolve(given);
  const here = resolve(given);
  if (existsSync(here)) return here;
  const inRepo = join(REPO_ROOT, given);
  return existsSync(inRepo) ? inRepo : here;
}

export function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r === '' || r.startsWith('..') ? path : r;
}

export function loadCluster(o: ClusterOptions): { config: RuntimeClusterConfig; file: string } {
  const file = defaultPath(o.cluster, DEFAULT_CLUSTER_FILE);
  try {
    const config = loadClusterFile(file, undefined, o.basePort === undefined ? {} : { basePort: o.basePort });
    if (config.endpoints === undefined) throw new CliError(`${shown(file)} has no cluster.endpoints; pass --base-port (the launch file's base_port)`, EXIT_USAGE);
    return { config, file };
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(e instanceof Error ? e.message : String(e), EXIT_USAGE);
  }
}

export function keyDir(o: ClusterOptions): string {
  return defaultPath(o.keys, DEFAULT_KEYS_DIR);
}

export function loadKeysOf(o: ClusterOptions, replica: number, replicas: number): NodeKeys {
  const dir = keyDir(o);
  const file = join(dir, keyFileName(replica));
  if (!existsSync(file)) {
    throw new CliError(`no key file for replica ${replica}: ${shown(file)} (create keys with \`bftkvs keygen --replicas ${replicas} --out ${shown(dir)}\`)`, EXIT_USAGE);
  }
  try {
    const keys = loadNodeKeys(file, { replica });
    if (keys.replicas !== replicas) throw new CliError(`${shown(file)} was generated for ${keys.replicas} replicas, the cluster has ${replicas}`, EXIT_USAGE);
    return keys;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(e instanceof Error ? e.message : String(e), EXIT_USAGE);
  }
}

export function checkReplica(config: RuntimeClusterConfig, replica: number): ReplicaEndpoint {
  const ep = config.endpoints?.[replica];
  if (ep === undefined) throw new CliError(`replica ${replica} does not exist (the cluster has replicas 0..${config.cluster.replicas - 1})`, EXIT_USAGE);
  return ep;
}

/** Connects as replica `replica`'s node application (its client endpoint key). */
export async function connectTo(o: ClusterOptions, config: RuntimeClusterConfig, replica: number): Promise<KvsClient> {
  const ep = checkReplica(config, replica);
  const keys = loadKeysOf(o, replica, config.cluster.replicas);
  return KvsClient.connect({
    keys,
    clusterName: config.cluster.name,
    schemas: config.cluster.keys,
    replicaHost: ep.clientHost,
    clientPort: ep.clientPort,
    timeoutMs: o.timeoutMs,
  });
}

export function keySchema(config: RuntimeClusterConfig, key: string, file: string): KeySchema {
  const schema = config.cluster.keys.get(key);
  if (schema === undefined) {
    throw new CliError(`unknown key '${key}' (keys in ${shown(file)}: ${[...config.cluster.keys.keys()].sort().join(', ')})`, EXIT_USAGE);
  }
  return schema;
}

/** Turns a client error into the CLI's exit codes. */
export function requestFailed(what: string, e: unknown, target: string): CliError {
  if (isKvsClientError(e, 'TIMEOUT')) {
    return new CliError(`${what}: no answer from ${target} (is the cluster running? right --cluster, --keys, --base-port?)`, EXIT_NO_ANSWER);
  }
  if (isKvsClientError(e, 'INVALID_ARGUMENT') || isKvsClientError(e, 'BAD_VALUE')) {
    return new CliError(`${what}: ${e instanceof Error ? e.message : String(e)}`, isKvsClientError(e, 'BAD_VALUE') && e.requestId !== undefined ? EXIT_REFUSED : EXIT_USAGE);
  }
  if (isKvsClientError(e)) return new CliError(`${what}: ${e.message}`, EXIT_REFUSED);
  return new CliError(`${what}: ${e instanceof Error ? e.message : String(e)}`, EXIT_REFUSED);
}

function typeName(t: ValueType): string {
  switch (t.kind) {
    case 'float64[]':
      return `float64[${t.length}] (a JSON array, e.g. [1.5, 2])`;
    case 'struct':
      return `struct {${Object.entries(t.fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}} (a JSON object)`;
    case 'enum':
      return `enum (one of ${t.values.join(', ')})`;
    default:
      return t.kind;
  }
}

/** Parses a command-line value by the key's type; errors name the type expected. */
export function parseValue(text: string, type: ValueType, key: string): Value {
  const fail = (why: string): never => {
    throw new CliError(`value ${JSON.stringify(text)} does not fit key '${key}' of type ${typeName(type)}: ${why}`, EXIT_USAGE);
  };
  const number = (s: string): number => {
    const t = s.trim();
    if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return fail('not a number');
    return Number(t);
  };
  switch (type.kind) {
    case 'float64':
      return number(text);
    case 'int64': {
      const n = number(text);
      if (!Number.isSafeInteger(n)) return fail('not an integer (within ±2^53)');
      return n;
    }
    case 'bool': {
      const t = text.trim().toLowerCase();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      return fail('write true or false');
    }
    case 'string':
      return text;
    case 'enum':
      if (!type.values.includes(text)) return fail(`not one of ${type.values.join(', ')}`);
      return text;
    case 'float64[]': {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return fail('not valid JSON (e.g. [1.5, 2])');
      }
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) return fail('not a JSON array of numbers');
      return v as number[];
    }
    case 'struct': {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return fail('not valid JSON (e.g. {"x": 1, "y": 2})');
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('not a JSON object');
      const out: Record<string, number | boolean | string> = {};
      for (const [k, x] of Object.entries(v)) {
        if (typeof x !== 'number' && typeof x !== 'boolean' && typeof x !== 'string') return fail(`field '${k}' must be a number, boolean or string`);
        Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

export function formatValue(v: Value): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** µs since the epoch as `seconds.micros` and the ISO time. */
export function formatTime(us: number): string {
  const s = Math.floor(us / 1_000_000);
  const frac = String(us % 1_000_000).padStart(6, '0');
  return `${s}.${frac} (${new Date(Math.floor(us / 1_000)).toISOString()})`;
}

export function formatAge(us: number): string {
  const a = Math.abs(us);
  const text = a < 1_000 ? `${a} µs` : a < 1_000_000 ? `${(a / 1_000).toFixed(1)} ms` : `${(a / 1_000_000).toFixed(1)} s`;
  return us >= 0 ? `${text} ago` : `in ${text}`;
}

export function contributors(slot: SlotUpdate): string {
  return slot.contributions.map((c) => `${c.writer}=${formatValue(c.value)}`).join(', ');
}

export function slotJson(slot: SlotUpdate): Record<string, unknown> {
  return {
    key: slot.key,
    publishTimeUs: slot.publishTimeUs,
    value: slot.value,
    agreed: slot.agreed,
    repairs: slot.repairs,
    contributions: slot.contributions,
  };
}

export function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}
