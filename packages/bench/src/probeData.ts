/** Reading the replicas' probe files (runtime benchProbe.ts) and joining them with the load generators' records. */
import { existsSync, readFileSync } from 'node:fs';
import type { LoadResult, StepResult } from './loadgen.js';
import type { Summary } from './stats.js';
import { summarize } from './stats.js';

export interface ResourceSample {
  readonly us: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly cpuUs: number;
  readonly gcCount: number;
  readonly gcTotalUs: number;
  readonly gcMaxUs: number;
  readonly lagP99Us: number;
  readonly lagMaxUs: number;
}

export interface ReplicaProbe {
  readonly stored: Map<string, number>;
  readonly published: Map<string, number>;
  readonly agreed: Map<string, number>;
  readonly views: { us: number; view: number; primary: number }[];
  readonly resources: ResourceSample[];
}

export function readProbe(file: string): ReplicaProbe {
  const p: ReplicaProbe = { stored: new Map(), published: new Map(), agreed: new Map(), views: [], resources: [] };
  if (!existsSync(file)) return p;
  const lines = readFileSync(file, 'utf8').split('\n');
  // The replica may be appending right now: the last piece is complete only if followed by a newline.
  lines.pop();
  for (const line of lines) {
    const f = line.split(' ');
    switch (f[0]) {
      case 'S':
        if (!p.stored.has(`${f[1]} ${f[2]} ${f[3]}`)) p.stored.set(`${f[1]} ${f[2]} ${f[3]}`, Number(f[4]));
        break;
      case 'P':
        if (!p.published.has(`${f[1]} ${f[2]}`)) p.published.set(`${f[1]} ${f[2]}`, Number(f[3]));
        break;
      case 'A':
        if (!p.agreed.has(`${f[1]} ${f[2]}`)) p.agreed.set(`${f[1]} ${f[2]}`, Number(f[3]));
        break;
      case 'V':
        p.views.push({ us: Number(f[1]), view: Number(f[2]), primary: Number(f[3]) });
        break;
      case 'M': {
        const n = f.slice(1).map(Number);
        p.resources.push({
          us: n[0] ?? 0,
          rss: n[1] ?? 0,
          heapUsed: n[2] ?? 0,
          cpuUs: (n[3] ?? 0) + (n[4] ?? 0),
          gcCount: n[5] ?? 0,
          gcTotalUs: n[6] ?? 0,
          gcMaxUs: n[7] ?? 0,
          lagP99Us: n[8] ?? 0,
          lagMaxUs: n[9] ?? 0,
        });
        break;
      }
      default:
        break;
    }
  }
  return p;
}

export interface StepLatency {
  readonly issued: number;
  readonly accepted: number;
  /** Refusals and timeouts by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Accepted writes that some correct replica never recorded as stored (or never published). */
  readonly notStored: number;
  readonly notPublished: number;
  readonly notAgreed: number;
  /** write() call → the replica's acceptance reply. */
  readonly ack: Summary;
  /** write() call → stored at every correct replica. */
  readonly stored: Summary;
  /** write() call → published (visible to reads) at every correct replica. */
  readonly published: Summary;
  /** write() call → agreed at every correct replica (fast mode: after synchronisation). */
  readonly agreed: Summary;
  /** How long after its publish time the slot became visible at the last correct replica. */
  readonly lateness: Summary;
  /** First call to last call, and accepted writes stored everywhere per second over it. */
  readonly durationUs: number;
  readonly storedPerSecond: number;
}

/** Joins one step's write records (from one or more load generators) with the correct replicas' probes. */
export function stepLatency(steps: readonly { load: LoadResult; step: StepResult }[], probes: readonly ReplicaProbe[], correct: readonly number[]): StepLatency {
  const ack: number[] = [];
  const stored: number[] = [];
  const published: number[] = [];
  const agreed: number[] = [];
  const late: number[] = [];
  const errors: Record<string, number> = {};
  let issued = 0;
  let accepted = 0;
  let notStored = 0;
  let notPublished = 0;
  let notAgreed = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const { load, step } of steps) {
    first = Math.min(first, step.startUs);
    last = Math.max(last, step.lastCallUs);
    for (const [w, k, t, call, ackUs, code] of step.records) {
      issued++;
      if (code !== 'OK') {
        errors[code] = (errors[code] ?? 0) + 1;
        continue;
      }
      accepted++;
      ack.push(ackUs - call);
      const id = `${load.keys[k]} ${t} ${load.writers[w]}`;
      const slot = `${load.keys[k]} ${t}`;
      let s = 0;
      let p = 0;
      let a = 0;
      for (const r of correct) {
        const probe = probes[r];
        if (probe === undefined) continue;
        const st = probe.stored.get(id);
        s = st === undefined || s < 0 ? -1 : Math.max(s, st);
        const pt = probe.published.get(slot);
        p = pt === undefined || p < 0 ? -1 : Math.max(p, pt);
        const at = probe.agreed.get(slot);
        a = at === undefined || a < 0 ? -1 : Math.max(a, at);
      }
      if (s < 0) notStored++;
      else stored.push(s - call);
      if (p < 0) notPublished++;
      else {
        published.push(p - call);
        late.push(p - t);
      }
      if (a < 0) notAgreed++;
      else agreed.push(a - call);
    }
  }
  const durationUs = Math.max(1, last - first);
  return {
    issued,
    accepted,
    errors,
    notStored,
    notPublished,
    notAgreed,
    ack: summarize(ack),
    stored: summarize(stored),
    published: summarize(published),
    agreed: summarize(agreed),
    lateness: summarize(late),
    durationUs,
    storedPerSecond: (stored.length / durationUs) * 1e6,
  };
}

export interface ResourceUse {
  /** Mean CPU of one replica over the window, in % of one core (averaged over the replicas). */
  readonly cpuPercentMean: number;
  readonly cpuPercentMax: number;
  readonly rssMaxBytes: number;
  readonly heapMaxBytes: number;
  readonly gcPauseMaxUs: number;
  readonly gcPauseTotalUs: number;
  readonly timerLagMaxUs: number;
}

/** Replica CPU, memory and GC over [fromUs, toUs] from the probes' resource lines (1 s apart). */
export function resourceUse(probes: readonly ReplicaProbe[], replicas: readonly number[], fromUs: number, toUs: number): ResourceUse {
  const cpus: number[] = [];
  let rss = 0;
  let heap = 0;
  let gcMax = 0;
  let gcTotal = 0;
  let lagMax = 0;
  for (const r of replicas) {
    const res = probes[r]?.resources ?? [];
    const inside = res.filter((m) => m.us >= fromUs - 1_100_000 && m.us <= toUs + 1_100_000);
    if (inside.length < 2) continue;
    const a = inside[0] as ResourceSample;
    const b = inside[inside.length - 1] as ResourceSample;
    cpus.push(((b.cpuUs - a.cpuUs) / Math.max(1, b.us - a.us)) * 100);
    for (const m of inside) {
      rss = Math.max(rss, m.rss);
      heap = Math.max(heap, m.heapUsed);
      lagMax = Math.max(lagMax, m.lagMaxUs);
    }
    gcMax = Math.max(gcMax, b.gcMaxUs);
    gcTotal += b.gcTotalUs - a.gcTotalUs;
  }
  return {
    cpuPercentMean: cpus.length === 0 ? Number.NaN : cpus.reduce((x, y) => x + y, 0) / cpus.length,
    cpuPercentMax: cpus.length === 0 ? Number.NaN : Math.max(...cpus),
    rssMaxBytes: rss,
    heapMaxBytes: heap,
    gcPauseMaxUs: gcMax,
    gcPauseTotalUs: gcTotal,
    timerLagMaxUs: lagMax,
  };
}
