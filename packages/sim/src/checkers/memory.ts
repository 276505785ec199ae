/**
 * Bounded memory: every structure a replica reports in `memory()` stays under a bound derived
 * from the configuration alone — never from the run's length or the number of writes so far.
 *
 * For keys k with period p_k, w_k writers and retention r_k, horizon H, N replicas:
 *   openSlots    <= Σ (⌊H / p_k⌋ + 2)           every open slot is within the horizon
 *   decidedSlots <= Σ r_k                         retention
 *   missedSlots  <= Σ r_k                         missed markers are retained like slots
 *   pendingWrites<= N · Σ w_k (⌊H / p_k⌋ + 2)     one pending write per writer and open slot,
 *                                                 at most once per origin replica
 *   logEntries   <= pendingWrites bound + 4 · N · checkpointInterval + 1024
 *                                                 PBFT log up to two checkpoints, per replica
 * The bound is deliberately loose; the point is that it does not depend on time.
 */
import type { ClusterConfig, MemoryFootprint } from '@bftkvs/core';
import type { Checker, CheckerContext } from './types.js';

export function memoryBounds(config: ClusterConfig): MemoryFootprint {
  const h = config.timing.horizonUs;
  let open = 0;
  let retained = 0;
  let writes = 0;
  for (const k of config.keys.values()) {
    const slots = Math.floor(h / k.grid.periodUs) + 2;
    open += slots;
    retained += k.retention;
    writes += k.writers.length * slots;
  }
  const pendingWrites = config.replicas * writes;
  return {
    openSlots: open,
    decidedSlots: retained,
    missedSlots: retained,
    pendingWrites,
    logEntries: pendingWrites + 4 * config.replicas * config.timing.checkpointInterval + 1024,
  };
}

const FIELDS = ['openSlots', 'decidedSlots', 'missedSlots', 'logEntries', 'pendingWrites'] as const;

export class MemoryChecker implements Checker {
  readonly name = 'memory' as const;
  private readonly ctx: CheckerContext;
  readonly bounds: MemoryFootprint;
  /** Largest value seen per field, over all non-Byzantine replicas. */
  readonly peak: Record<(typeof FIELDS)[number], number> = { openSlots: 0, decidedSlots: 0, missedSlots: 0, logEntries: 0, pendingWrites: 0 };
  private readonly reported = new Set<string>();

  constructor(ctx: CheckerContext) {
    this.ctx = ctx;
    this.bounds = memoryBounds(ctx.history.config);
  }

  onMemory(node: number, fp: MemoryFootprint, trueUs: number): void {
    for (const f of FIELDS) {
      const v = fp[f];
      if (!(v >= 0)) {
        this.once(`${node}.${f}.nan`, `replica ${node} reports ${f} = ${String(v)}`, trueUs);
        continue;
      }
      if (v > this.peak[f]) this.peak[f] = v;
      if (v > this.bounds[f]) {
        this.once(`${node}.${f}`, `replica ${node} holds ${v} ${f}, above the bound ${this.bounds[f]} derived from the configuration`, trueUs);
      }
    }
  }

  private once(id: string, message: string, trueUs: number): void {
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.ctx.report('memory', message, trueUs);
  }
}
