/**
 * Cluster configuration: which protocol runs, how many replicas, the fault bound, where each
 * writer lives, the keys, and the timing assumptions from which the protocol's latency bound
 * (the minimum publish-time lead) is derived.
 *
 * The formulas are argued in docs/protocol.md ("Worst-case write latency"):
 *   h     = Δ + π + ε                    one hop: network bound + processing + clock skew
 *   fast  : closeBefore = π              lead = Δ + ε + 2π
 *   crash : closeBefore = π              lead = (f+1)·h + π     (f+1 relay hops)
 *   agreed: closeBefore = b + 3(Δ+π) + ε lead = ε + Δ + π + b + closeBefore
 * where b is the primary's batch interval. A configured lead may exceed the minimum (slack
 * for overload), never undercut it.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import type { FuseRegistry } from './fuse/index.js';
import type { KeySchema } from './schema.js';
import { NAME_PATTERN, keySchemasInput, parseKeySchemas } from './schema.js';
import { US_PER_MS } from './time.js';

export type Mode = 'fast' | 'agreed' | 'crash';
export const MODES: readonly Mode[] = ['fast', 'agreed', 'crash'];
export const MAX_REPLICAS = 64;

export interface TimingConfig {
  /** Δ: bound on message delay between correct replicas during normal operation. */
  readonly networkDelayUs: number;
  /** ε: bound on the difference between any two correct replicas' clocks. */
  readonly clockSkewUs: number;
  /** π: bound on processing time of one protocol step at a replica. */
  readonly processingUs: number;
  /** b (agreed mode): the primary cuts a batch, possibly empty, at least this often. */
  readonly batchIntervalUs: number;
  /** fast mode: how often replicas synchronise recent slots. */
  readonly syncPeriodUs: number;
  /** Backups suspect a primary that makes no progress for this long. */
  readonly viewChangeTimeoutUs: number;
  /** PBFT checkpoint every this many sequence numbers. */
  readonly checkpointInterval: number;
  /** Writes further ahead than this are refused. */
  readonly horizonUs: number;
  /** The minimum lead between admitting a write and its publish time (>= the derived bound). */
  readonly leadUs: number;
  /** Contributions close this long before the publish time (derived). */
  readonly closeBeforeUs: number;
}

export interface ClusterConfig {
  readonly name: string;
  readonly mode: Mode;
  readonly replicas: number;
  readonly f: number;
  /** Writer id -> index of the replica hosting it (the only origin allowed to issue its writes). */
  readonly writers: ReadonlyMap<string, number>;
  readonly keys: ReadonlyMap<string, KeySchema>;
  readonly timing: TimingConfig;
  /** Sign writes and reports with Ed25519 (transferable evidence); MACs authenticate always. */
  readonly signatures: boolean;
}

export interface DerivedTiming {
  readonly hopUs: number;
  readonly minLeadUs: number;
  readonly closeBeforeUs: number;
}

/** The protocol's worst-case latency bound for a mode, from the timing assumptions. */
export function deriveTiming(
  mode: Mode,
  f: number,
  t: Pick<TimingConfig, 'networkDelayUs' | 'clockSkewUs' | 'processingUs' | 'batchIntervalUs'>,
): DerivedTiming {
  const { networkDelayUs: d, clockSkewUs: e, processingUs: p, batchIntervalUs: b } = t;
  const hopUs = d + p + e;
  switch (mode) {
    case 'fast':
      return { hopUs, closeBeforeUs: p, minLeadUs: d + e + 2 * p };
    case 'crash':
      return { hopUs, closeBeforeUs: p, minLeadUs: (f + 1) * hopUs + p };
    case 'agreed': {
      const closeBeforeUs = b + 3 * (d + p) + e;
      return { hopUs, closeBeforeUs, minLeadUs: e + d + p + b + closeBeforeUs };
    }
  }
}

/** The smallest N that tolerates f faults in a mode. */
export function minReplicas(mode: Mode, f: number): number {
  return mode === 'crash' ? f + 1 : 3 * f + 1;
}

const ms = (max: number) => z.number().min(0).max(max);

export const clusterInput = z.strictObject({
  cluster: z.strictObject({
    name: z.string().regex(NAME_PATTERN),
    mode: z.enum(['fast', 'agreed', 'crash']),
    replicas: z.number().int().min(1).max(MAX_REPLICAS),
    f: z.number().int().min(0),
    writers: z.record(z.string().regex(NAME_PATTERN), z.number().int().min(0)),
    signatures: z.boolean().default(false),
    timing: z
      .strictObject({
        networkDelayMs: ms(10_000).default(1),
        clockSkewMs: ms(10_000).default(0.5),
        processingMs: ms(10_000).default(0.2),
        batchIntervalMs: z.number().positive().max(10_000).default(1),
        syncPeriodMs: z.number().positive().max(600_000).default(100),
        viewChangeTimeoutMs: z.number().positive().max(600_000).default(200),
        checkpointInterval: z.number().int().min(1).max(100_000).default(128),
        horizonMs: z.number().positive().max(3_600_000).default(10_000),
        leadMs: ms(3_600_000).optional(),
      })
      .default({
        networkDelayMs: 1,
        clockSkewMs: 0.5,
        processingMs: 0.2,
        batchIntervalMs: 1,
        syncPeriodMs: 100,
        viewChangeTimeoutMs: 200,
        checkpointInterval: 128,
        horizonMs: 10_000,
      }),
  }),
  keys: keySchemasInput,
});

export type ClusterInput = z.input<typeof clusterInput>;

const us = (msValue: number): number => Math.round(msValue * US_PER_MS);

/** Parses and validates a whole cluster configuration; throws ConfigError naming every problem. */
export function parseClusterConfig(input: unknown, fuse: FuseRegistry): ClusterConfig {
  const parsed = clusterInput.safeParse(input);
  if (!parsed.success) throw new ConfigError(`invalid cluster configuration:\n${z.prettifyError(parsed.error)}`);
  const c = parsed.data.cluster;
  const keys = parseKeySchemas(parsed.data.keys, fuse);
  const problems: string[] = [];
  const needed = minReplicas(c.mode, c.f);
  if (c.replicas < needed) {
    problems.push(`mode '${c.mode}' with f=${c.f} needs at least ${needed} replicas (${c.mode === 'crash' ? 'f+1' : '3f+1'}); got ${c.replicas}`);
  }
  const writers = new Map<string, number>();
  for (const [w, r] of Object.entries(c.writers)) {
    if (r >= c.replicas) problems.push(`writer '${w}' is hosted on replica ${r}, but replicas are 0..${c.replicas - 1}`);
    writers.set(w, r);
  }
  for (const k of keys.values()) {
    for (const w of k.writers) if (!writers.has(w)) problems.push(`key '${k.name}': writer '${w}' is not hosted on any replica (add it to cluster.writers)`);
  }
  const tm = c.timing;
  const base = {
    networkDelayUs: us(tm.networkDelayMs),
    clockSkewUs: us(tm.clockSkewMs),
    processingUs: us(tm.processingMs),
    batchIntervalUs: us(tm.batchIntervalMs),
  };
  const derived = deriveTiming(c.mode, c.f, base);
  const leadUs = tm.leadMs === undefined ? derived.minLeadUs : us(tm.leadMs);
  if (leadUs < derived.minLeadUs) {
    problems.push(`timing.leadMs ${tm.leadMs} is below the ${derived.minLeadUs / US_PER_MS} ms that mode '${c.mode}' needs under these timing assumptions`);
  }
  const horizonUs = us(tm.horizonMs);
  if (horizonUs <= leadUs) problems.push(`timing.horizonMs must exceed the lead (${leadUs / US_PER_MS} ms)`);
  if (problems.length > 0) throw new ConfigError(`invalid cluster configuration:\n  ${problems.join('\n  ')}`);
  return {
    name: c.name,
    mode: c.mode,
    replicas: c.replicas,
    f: c.f,
    writers,
    keys,
    signatures: c.signatures,
    timing: {
      ...base,
      syncPeriodUs: us(tm.syncPeriodMs),
      viewChangeTimeoutUs: us(tm.viewChangeTimeoutMs),
      checkpointInterval: tm.checkpointInterval,
      horizonUs,
      leadUs,
      closeBeforeUs: derived.closeBeforeUs,
    },
  };
}

/** A 32-bit cluster id derived from the name (FNV-1a), carried in every frame against cross-talk. */
export function clusterIdOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
