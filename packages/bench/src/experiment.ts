/** What both experiments share: running load generators against a started cluster, the correct replicas, fault placement. */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mode } from '@bftkvs/core';
import { deriveTiming } from '@bftkvs/core';
import type { NodeResolver } from '@bftkvs/launch';
import type { BenchCluster, ClusterSpec, TimingSpec } from './cluster.js';
import { writerNode } from './cluster.js';
import type { LoadResult, LoadSpec, LoadStep } from './loadgen.js';
import { benchProgram, finished } from './procs.js';

export type FaultName = 'none' | 'crash' | 'equivocate' | 'slow-primary';
export const FAULTS: readonly FaultName[] = ['none', 'crash', 'equivocate', 'slow-primary'];

/** How long a crashing replica lives before it is killed (the run starts after it died). */
export const CRASH_AFTER_MS = 1_500;

/**
 * When the slow primary falls silent, after the start of the measured step (the fault epoch,
 * see `BenchCluster.setFaultEpoch`): the view change then happens while writes are measured, so
 * its time shows in their max latency (as the issue asks) instead of during the warm-up.
 */
export const SLOW_PRIMARY_AFTER_MS = 200;

/**
 * Where a fault goes (N replicas, writer 0 on node N-1, view 0's primary is replica 0):
 * crash: replica N-2 (a backup, not the writer's node) dies before the load starts;
 * equivocate: the writer's own node N-1 sends other values to half the replicas;
 * slow-primary: replica 0 falls silent while it is the primary, SLOW_PRIMARY_AFTER_MS into the
 * measured step (the others must change view).
 */
export function faultPlacement(fault: FaultName, replicas: number): Record<number, string> {
  switch (fault) {
    case 'none':
      return {};
    case 'crash':
      return { [replicas - 2]: `crash-at:${CRASH_AFTER_MS}ms` };
    case 'equivocate':
      return { [replicas - 1]: 'equivocate' };
    case 'slow-primary':
      return { 0: `silent-primary@${SLOW_PRIMARY_AFTER_MS}ms` };
  }
}

/** Replicas whose records count: every replica without a fault profile. */
export function correctReplicas(spec: ClusterSpec): number[] {
  return Array.from({ length: spec.replicas }, (_, i) => i).filter((i) => spec.faults?.[i] === undefined);
}

export function minLeadUs(mode: Mode, f: number, t: TimingSpec): number {
  return deriveTiming(mode, f, {
    networkDelayUs: Math.round(t.networkDelayMs * 1_000),
    clockSkewUs: Math.round(t.clockSkewMs * 1_000),
    processingUs: Math.round(t.processingMs * 1_000),
    batchIntervalUs: Math.round(t.batchIntervalMs * 1_000),
  }).minLeadUs;
}

/**
 * Margin on top of the minimum lead: the publish time is chosen before the request travels to
 * the replica and waits for its event loop, which the processing bound π covers (at least 2 ms).
 */
export function leadMarginUs(t: TimingSpec): number {
  return Math.max(2_000, Math.round(t.processingMs * 1_000));
}

export interface GeneratorPlan {
  /** Node whose replica this generator talks to. */
  readonly node: number;
  readonly writers: readonly string[];
}

/** One load generator per node that hosts writers (applications run on their own node). */
export function generatorPlan(spec: ClusterSpec): GeneratorPlan[] {
  const byNode = new Map<number, string[]>();
  for (let i = 0; i < spec.writers; i++) {
    const node = writerNode(i, spec.replicas);
    byNode.set(node, [...(byNode.get(node) ?? []), `w${i}`]);
  }
  return [...byNode].map(([node, writers]) => ({ node, writers }));
}

/**
 * Runs one load generator process per plan entry, all starting their steps at the same
 * absolute times; `rateHz` of each step is the total over all generators.
 */
export async function runGenerators(
  cluster: BenchCluster,
  plans: readonly GeneratorPlan[],
  steps: readonly { rateHz: number; writes: number; gapMs: number }[],
  pacing: 'timer' | 'spin',
  nodeArgs: readonly string[] = [],
  /** Told the steps' start times (µs, wall clock) before any generator starts. */
  onSchedule?: (stepStartsUs: readonly number[]) => void,
): Promise<LoadResult[]> {
  const spec = cluster.spec;
  const lead = minLeadUs(spec.mode, spec.f, spec.timing) + leadMarginUs(spec.timing);
  const totalWriters = plans.reduce((n, p) => n + p.writers.length, 0);
  // Start 2.5 s from now: every generator has connected by then (tsx start-up).
  let at = Date.now() * 1_000 + 2_500_000;
  const timed: { rateHz: number; writes: number; startUs: number }[] = [];
  for (const s of steps) {
    timed.push({ rateHz: s.rateHz, writes: s.writes, startUs: Math.round(at) });
    at += (s.writes / s.rateHz) * 1e6 + s.gapMs * 1_000;
  }
  onSchedule?.(timed.map((s) => s.startUs));
  const keys = Array.from({ length: spec.keys }, (_, k) => `k${k}`);
  const children = plans.map((p, gi) => {
    const share = p.writers.length / totalWriters;
    const mySteps: LoadStep[] = timed.map((s) => ({ rateHz: s.rateHz * share, writes: Math.max(1, Math.round(s.writes * share)), startUs: s.startUs }));
    const out = join(cluster.dir, `load-${gi}-${Date.now()}.json`);
    const ls: LoadSpec = { clusterFile: cluster.clusterFile, keyFile: cluster.keyFile(p.node), writers: p.writers, keys, periodUs: spec.periodUs, leadUs: lead, steps: mySteps, pacing, out };
    const specFile = `${out}.spec`;
    writeFileSync(specFile, JSON.stringify(ls));
    return { child: benchProgram('loadgen', [specFile], nodeArgs), out };
  });
  const results = await Promise.all(children.map(async ({ child, out }) => {
    const r = await finished(child);
    if (r.code !== 0) throw new Error(`load generator failed (${r.code}): ${r.stderr.slice(-2_000)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
  }));
  return results;
}

/** What every benchmark run takes besides its own axes. */
export interface BenchRunOptions {
  readonly pacing: 'timer' | 'spin';
  readonly timing: TimingSpec;
  readonly out: string;
  readonly floorSamples: number;
  /** Extra node arguments for the replica processes, e.g. --cpu-prof --cpu-prof-dir=DIR. */
  readonly replicaNodeArgs?: readonly string[];
  readonly resolveNode: NodeResolver;
  readonly repoRoot?: string;
  readonly log: (line: string) => void;
}
