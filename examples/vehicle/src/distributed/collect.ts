/**
 * Builds the RunRecord of a distributed run from what its processes recorded (trace.ts) and what
 * the runner observed (replica diagnostics, processes exiting and restarting), so the report
 * (report.ts) is drawn from the real system, the same way as for the in-process loops.
 *
 * Suspicions come from two places, both in the record: the KVS's own diagnostics (replicas
 * suspecting replicas: equivocation, silent primary, ...) and a disagreement monitor over the
 * traces (the one the in-process loops use): a sensor away from the fused value, or a controller
 * away from the applied command, for half a second. Consistently wrong values are not the KVS's
 * to detect — the median masks them — so only the monitor can name such a node.
 */
import { DEFAULT_MONITOR, SuspicionMonitor, runMetaFor } from '../baseline.js';
import { NOMINAL_BOUND } from '../metrics.js';
import { newRunRecord, type RunEvent, type RunRecord, type TrackingBound } from '../record.js';
import { describeFault, faultEndUs, faultStartUs, launcherFaults, type Scenario } from '../scenarios.js';
import type { VehicleRunTiming } from './timing.js';
import type { TraceRead } from './trace.js';

export interface CollectOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly durationUs: number;
  readonly timing: VehicleRunTiming;
  readonly traces: TraceRead;
  /** What the runner saw: replica suspicions, exits, restarts (run-time µs). */
  readonly runnerEvents: readonly RunEvent[];
  readonly bound?: TrackingBound;
  readonly notes?: Readonly<Record<string, string | number | boolean>>;
}

/** Command differences below this are rounding, not disagreement (correct replicas agree bit for bit). */
const CONTROLLER_DEVIATION_U = 1e-6;

export function buildDistributedRecord(o: CollectOptions): RunRecord {
  const P = o.timing.periodUs;
  const lines = o.traces.lines;
  const notes: Record<string, string | number | boolean> = { ...(o.notes ?? {}) };
  for (const l of lines) if (l.k === 'lag') notes[`timer lag ${l.node}`] = `p50 ${(l.p50Us / 1000).toFixed(1)} ms, p99 ${(l.p99Us / 1000).toFixed(1)} ms, max ${(l.maxUs / 1000).toFixed(1)} ms over ${l.ticks} ticks (${l.lateTicks} skipped)`;
  const prerollMisses = lines.filter((l) => l.k === 'event' && l.kind === 'deadlineMiss' && l.tUs < 0).length;
  if (prerollMisses > 0) notes['deadline misses during the pre-roll (not judged)'] = prerollMisses;
  const rejected = Object.entries(o.traces.rejected);
  if (rejected.length > 0) notes['malformed trace lines'] = rejected.map(([f, n]) => `${f}: ${n}`).join(', ');
  const rec = newRunRecord(
    runMetaFor({
      scenario: o.scenario,
      kind: 'distributed',
      seed: o.seed,
      durationUs: o.durationUs,
      periodUs: P,
      bound: o.bound ?? NOMINAL_BOUND,
      notes: { loop: 'distributed: 12 processes (4 replicas, world, 3 sensors, 3 controllers, actuator), UDP on 127.0.0.1', ...notes },
    }),
  );
  const byTime = <T extends { tUs: number }>(xs: T[]): T[] => xs.sort((a, b) => a.tUs - b.tUs);
  // The pre-roll (negative run time: the loop warms up, the vehicle stands still) is not judged.
  for (const l of lines) {
    if (l.k !== 'lag' && l.tUs < 0) continue;
    switch (l.k) {
      case 'plant':
        rec.plant.push({ tUs: l.tUs, trueSpeedMps: l.trueSpeedMps, targetSpeedMps: l.targetSpeedMps, positionM: l.positionM, grade: l.grade, effort: l.effort });
        break;
      case 'sensor':
        rec.sensors.push({ tUs: l.tUs, sensorId: l.sensorId, valueMps: l.valueMps });
        break;
      case 'fused':
        rec.fused.push({ tUs: l.tUs, valueMps: l.valueMps, writers: l.writers, agreed: l.agreed });
        break;
      case 'ctrl':
        rec.controllers.push({ tUs: l.tUs, controllerId: l.controllerId, commandU: l.commandU });
        break;
      case 'cmd':
        rec.commands.push({ tUs: l.tUs, commandU: l.commandU, writers: l.writers, agreed: l.agreed, source: l.source });
        break;
      case 'lat':
        rec.writeLatencies.push({ tUs: l.tUs, key: l.key, writerId: l.writerId, latencyUs: l.latencyUs });
        break;
      case 'event':
        rec.events.push({ tUs: l.tUs, kind: l.kind, nodeId: l.nodeId, detail: l.detail });
        break;
      case 'lag':
        break;
    }
  }
  // Faults the launch applied to replicas and links act at their scheduled times (the replicas
  // time them from the same epoch); the runner's own observations are added as they were seen.
  for (const f of launcherFaults(o.scenario)) {
    const node = f.kind === 'network' ? 'network' : f.nodeId;
    const from = faultStartUs(f);
    if (from <= o.durationUs) rec.events.push({ tUs: from, kind: f.kind === 'crash' ? 'crash' : 'faultInjected', nodeId: node, detail: describeFault(f) });
    const to = faultEndUs(f);
    if (from <= o.durationUs && to !== undefined && to <= o.durationUs) rec.events.push({ tUs: to, kind: f.kind === 'crash' ? 'restart' : 'faultCleared', nodeId: node, detail: describeFault(f) });
  }
  rec.events.push(...o.runnerEvents);

  // The disagreement monitor, over the same periods the in-process loop judges.
  const periods = (us: number): number => Math.max(1, Math.round(us / P));
  const monitorParams = {
    sensorDeviationMps: DEFAULT_MONITOR.sensorDeviationMps,
    suspectAfterPeriods: periods(500_000),
    clearAfterPeriods: periods(1_000_000),
  };
  const monitorEvents: RunEvent[] = [];
  const monitor = new SuspicionMonitor(monitorParams, monitorEvents);
  const sensorsAt = new Map<number, Map<string, number>>();
  for (const s of rec.sensors) {
    let m = sensorsAt.get(s.tUs);
    if (m === undefined) sensorsAt.set(s.tUs, (m = new Map()));
    m.set(s.sensorId, s.valueMps);
  }
  const ctrlAt = new Map<number, Map<string, number>>();
  for (const c of rec.controllers) {
    let m = ctrlAt.get(c.tUs);
    if (m === undefined) ctrlAt.set(c.tUs, (m = new Map()));
    m.set(c.controllerId, c.commandU);
  }
  const fusedAt = new Map(rec.fused.map((f) => [f.tUs, f.valueMps]));
  const appliedAt = new Map(rec.commands.filter((c) => c.source === 'fresh').map((c) => [c.tUs, c.commandU]));
  const times = [...new Set([...fusedAt.keys(), ...appliedAt.keys()])].sort((a, b) => a - b);
  for (const t of times) {
    const fused = fusedAt.get(t);
    if (fused !== undefined) {
      const vals = sensorsAt.get(t);
      for (const id of rec.meta.sensorIds) {
        const v = vals?.get(id);
        // A silent sensor (its node down) is the KVS diagnostics' business, not a disagreement.
        if (v !== undefined) monitor.observe(id, t, Math.abs(v - fused) > monitorParams.sensorDeviationMps ? `deviates ${(v - fused).toFixed(2)} m/s from the fused value` : undefined);
      }
    }
    const applied = appliedAt.get(t);
    if (applied !== undefined) {
      const cs = ctrlAt.get(t);
      for (const id of rec.meta.controllerIds) {
        const u = cs?.get(id);
        if (u !== undefined) monitor.observe(id, t, Math.abs(u - applied) > CONTROLLER_DEVIATION_U ? `command ${u.toFixed(3)} ≠ applied ${applied.toFixed(3)}` : undefined);
      }
    }
  }
  rec.events.push(...monitorEvents.map((e) => ({ ...e, detail: `monitor: ${e.detail}` })));

  byTime(rec.plant);
  byTime(rec.sensors);
  byTime(rec.fused);
  byTime(rec.controllers);
  byTime(rec.commands);
  byTime(rec.writeLatencies);
  byTime(rec.events);
  return rec;
}
