/**
 * The cluster file a replica process starts from: core's protocol configuration plus where
 * every replica listens. One YAML file describes the whole cluster so every node reads the
 * same facts; `cluster.endpoints` is the runtime's part and is removed before core's strict
 * parser sees the rest.
 *
 *   cluster:
 *     name: demo
 *     mode: fast
 *     replicas: 4
 *     f: 1
 *     writers: { sensorA: 0, sensorB: 1 }
 *     endpoints:                     # one entry per replica, in index order
 *       - { host: 127.0.0.1, port: 7400, clientPort: 7401 }
 *       - ...
 *     # or, all replicas on one host:  endpoints: { host: 127.0.0.1, basePort: 7400 }
 *     #   replica i listens on basePort + 2i, its client endpoint on basePort + 2i + 1
 *   keys: { ... }                     # core's key schemas
 *
 * `clientHost` (default 127.0.0.1) is where a replica listens for its local applications:
 * loopback, because applications run on the replica's own node.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ClusterConfig, FuseRegistry, Mode } from '@bftkvs/core';
import { ConfigError, MODES, createFuseRegistry, parseClusterConfig } from '@bftkvs/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AddressError, checkUnicastHost, formatAddress } from './transport/index.js';

export interface ReplicaEndpoint {
  /** Replica-to-replica socket. */
  readonly host: string;
  readonly port: number;
  /** The socket local applications talk to. */
  readonly clientHost: string;
  readonly clientPort: number;
}

export interface RuntimeClusterConfig {
  readonly cluster: ClusterConfig;
  /** Absent when the file has no `cluster.endpoints` (in-process runs need none). */
  readonly endpoints: readonly ReplicaEndpoint[] | undefined;
}

/** Cluster files are small; anything larger is a mistake or an attack on the parser. */
export const MAX_CLUSTER_FILE_BYTES = 1 << 20;

const port = z.number().int().min(1).max(65_535);
const host = z.string().min(1).max(64);

const endpointInput = z.strictObject({ host, port, clientPort: port, clientHost: host.default('127.0.0.1') });
const endpointsInput = z.union([
  z.array(endpointInput).min(1),
  z.strictObject({ host, basePort: port, clientHost: host.default('127.0.0.1') }),
]);

/**
 * Settings a launch file or command line may put over the cluster file: every replica of a
 * cluster must get the same ones (a launch file passes them to all its replica nodes).
 */
export interface ClusterOverrides {
  /** Replaces cluster.mode. */
  readonly mode?: Mode;
  /** Replaces cluster.endpoints by `{ host, basePort }`: replica i on basePort + 2i, its client endpoint on basePort + 2i + 1. */
  readonly basePort?: number;
  /** With basePort: the host every replica listens on (default 127.0.0.1). */
  readonly host?: string;
}

/**
 * Validates a parsed cluster document (the YAML's object form). `source` names the file in
 * every error message. Throws ConfigError listing every problem found.
 */
export function parseRuntimeConfig(input: unknown, fuse: FuseRegistry, source = 'cluster configuration', overrides: ClusterOverrides = {}): RuntimeClusterConfig {
  const { protocolPart, endpointsPart } = splitEndpoints(applyOverrides(input, overrides, source));
  let cluster: ClusterConfig;
  try {
    cluster = parseClusterConfig(protocolPart, fuse);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${source}: ${e.message}`);
    throw e;
  }
  if (endpointsPart === undefined) return { cluster, endpoints: undefined };
  const parsed = endpointsInput.safeParse(endpointsPart);
  if (!parsed.success) throw new ConfigError(`${source}: invalid cluster.endpoints:\n${z.prettifyError(parsed.error)}`);
  const list: ReplicaEndpoint[] = Array.isArray(parsed.data)
    ? parsed.data.map((e) => ({ ...e, host: normaliseHost(e.host), clientHost: normaliseHost(e.clientHost) }))
    : Array.from({ length: cluster.replicas }, (_, i) => {
        const d = parsed.data as { host: string; basePort: number; clientHost: string };
        return { host: normaliseHost(d.host), port: d.basePort + 2 * i, clientHost: normaliseHost(d.clientHost), clientPort: d.basePort + 2 * i + 1 };
      });
  const problems = checkEndpoints(list, cluster.replicas);
  if (problems.length > 0) throw new ConfigError(`${source}: invalid cluster.endpoints:\n  ${problems.join('\n  ')}`);
  return { cluster, endpoints: list };
}

/** Reads and validates a cluster YAML file; every error names the file. */
export function loadClusterFile(file: string, fuse: FuseRegistry = createFuseRegistry(), overrides: ClusterOverrides = {}): RuntimeClusterConfig {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_CLUSTER_FILE_BYTES) throw new ConfigError(`${file}: cluster file is ${size} bytes, more than the ${MAX_CLUSTER_FILE_BYTES} allowed`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${file}: cannot read cluster file: ${errorText(e)}`);
  }
  let doc: unknown;
  try {
    // uniqueKeys: a key given twice is an error, not "last one wins".
    doc = parseYaml(text, { uniqueKeys: true, prettyErrors: true, maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML: ${errorText(e)}`);
  }
  return parseRuntimeConfig(doc, fuse, file, overrides);
}

function applyOverrides(input: unknown, o: ClusterOverrides, source: string): unknown {
  if (o.mode === undefined && o.basePort === undefined) return input;
  if (o.mode !== undefined && !MODES.includes(o.mode)) throw new ConfigError(`${source}: mode override '${String(o.mode)}' is not one of ${MODES.join(', ')}`);
  if (o.basePort !== undefined && !(Number.isInteger(o.basePort) && o.basePort >= 1 && o.basePort <= 65_535)) {
    throw new ConfigError(`${source}: base port override ${o.basePort} is not a port number (1..65535)`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const doc = input as Record<string, unknown>;
  const cluster = doc['cluster'];
  if (typeof cluster !== 'object' || cluster === null || Array.isArray(cluster)) return input;
  return {
    ...doc,
    cluster: {
      ...cluster,
      ...(o.mode === undefined ? {} : { mode: o.mode }),
      ...(o.basePort === undefined ? {} : { endpoints: { host: o.host ?? '127.0.0.1', basePort: o.basePort } }),
    },
  };
}

function splitEndpoints(input: unknown): { protocolPart: unknown; endpointsPart: unknown } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { protocolPart: input, endpointsPart: undefined };
  const doc = input as Record<string, unknown>;
  const cluster = doc['cluster'];
  if (typeof cluster !== 'object' || cluster === null || Array.isArray(cluster) || !Object.hasOwn(cluster, 'endpoints')) {
    return { protocolPart: input, endpointsPart: undefined };
  }
  const { endpoints, ...rest } = cluster as Record<string, unknown>;
  return { protocolPart: { ...doc, cluster: rest }, endpointsPart: endpoints };
}

function checkEndpoints(list: readonly ReplicaEndpoint[], replicas: number): string[] {
  const problems: string[] = [];
  if (list.length !== replicas) problems.push(`${list.length} endpoints for ${replicas} replicas (one per replica, in index order)`);
  const seen = new Map<string, string>();
  list.forEach((ep, i) => {
    for (const [what, h, p] of [
      [`replica ${i} host`, ep.host, ep.port],
      [`replica ${i} clientHost`, ep.clientHost, ep.clientPort],
    ] as const) {
      try {
        checkUnicastHost(h, 'send', what);
      } catch (e) {
        problems.push(e instanceof AddressError ? e.message : String(e));
      }
      if (p > 65_535) problems.push(`${what}: port ${p} is above 65535`);
      const socket = formatAddress({ host: h, port: p });
      const other = seen.get(socket);
      if (other !== undefined) problems.push(`${what}: ${socket} is also used by ${other}`);
      else seen.set(socket, what);
    }
  });
  return problems;
}

function normaliseHost(h: string): string {
  return h === 'localhost' ? '127.0.0.1' : h;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
