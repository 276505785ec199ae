/**
 * A replica's health as a diagnostic_msgs/DiagnosticArray for /diagnostics: one
 * DiagnosticStatus per replica, named `<node fqn>: bftkvs replica` (the "node: task"
 * convention of diagnostic_updater, so diagnostic_aggregator and rqt_robot_monitor group it).
 *
 * Level: ERROR when the replica is not running or its state machine threw; WARN when it is
 * catching up (state transfer), suspects another node, missed a deadline since the previous
 * report, its timer fired more than 10 ms late, or ROS input (bindings, write topic) was
 * rejected since the previous report; OK otherwise. The message says why; the values carry
 * the numbers (view, primary, suspects with reasons, deadline misses, slots, memory, counters).
 * Pure: the caller publishes what `report` returns.
 */
import type { DriverHealth } from '../driver/index.js';
import type { TimeMsg } from './rosMessages.js';
import { timeMsgFromUs } from './rosMessages.js';

export const DIAGNOSTIC_LEVEL = { OK: 0, WARN: 1, ERROR: 2, STALE: 3 } as const;

export interface KeyValueMsg {
  key: string;
  value: string;
}

export interface DiagnosticStatusMsg {
  level: number;
  name: string;
  message: string;
  hardware_id: string;
  values: KeyValueMsg[];
}

export interface DiagnosticArrayMsg {
  header: { stamp: TimeMsg; frame_id: string };
  status: DiagnosticStatusMsg[];
}

export interface DiagnosticsInput {
  /** The node's fully qualified name, e.g. /kvs/replica_0. */
  readonly node: string;
  readonly clusterName: string;
  readonly replicaId: number;
  readonly nowUs: number;
  readonly health: DriverHealth;
  /** The ROS interface's own counters (bindings, write topic, services). */
  readonly ros: Readonly<Record<string, number>>;
  /** Text details shown as values (e.g. a binding's last error). */
  readonly details?: Readonly<Record<string, string>>;
}

/** Values per status: enough for every counter a replica has, bounded for hostile growth. */
export const MAX_DIAGNOSTIC_VALUES = 400;

/** Names of ROS-interface counters whose growth is a warning. */
function isRejection(name: string): boolean {
  return /(^|\.)(rejected|errors?|malformed|unrepresentable|dropped)(\.|$)/.test(name);
}

export class DiagnosticsReporter {
  private lastMisses: number | undefined;
  private lastLateTimers: number | undefined;
  private lastRejections: number | undefined;

  report(input: DiagnosticsInput): DiagnosticArrayMsg {
    return { header: { stamp: timeMsgFromUs(input.nowUs), frame_id: '' }, status: [this.status(input)] };
  }

  status(input: DiagnosticsInput): DiagnosticStatusMsg {
    const h = input.health;
    const r = h.replica;
    const values: KeyValueMsg[] = [];
    const put = (key: string, value: string | number | boolean): void => {
      if (values.length < MAX_DIAGNOSTIC_VALUES) values.push({ key, value: String(value) });
    };
    const warnings: string[] = [];
    const errors: string[] = [];

    put('cluster', input.clusterName);
    put('replica', input.replicaId);
    put('running', h.running);
    if (!h.running) errors.push('replica stopped');
    if (h.lastReplicaError !== undefined) errors.push(`replica error: ${h.lastReplicaError}`);

    const misses = r?.deadlineMisses ?? 0;
    const newMisses = this.lastMisses === undefined ? misses : Math.max(0, misses - this.lastMisses);
    this.lastMisses = misses;
    const lateTimers = h.timerLag.over10ms;
    const newLate = this.lastLateTimers === undefined ? lateTimers : Math.max(0, lateTimers - this.lastLateTimers);
    this.lastLateTimers = lateTimers;
    const rejections = Object.entries(input.ros).reduce((sum, [k, v]) => (isRejection(k) ? sum + v : sum), 0);
    const newRejections = this.lastRejections === undefined ? rejections : Math.max(0, rejections - this.lastRejections);
    this.lastRejections = rejections;

    if (r === undefined) {
      errors.push('replica health unavailable');
    } else {
      put('mode', r.mode);
      put('view', r.view);
      put('primary', r.primary);
      put('ready', r.ready);
      put('slots_published', r.slotsPublished);
      put('slots_agreed', r.slotsAgreed);
      put('slots_repaired', r.slotsRepaired);
      put('deadline_misses', r.deadlineMisses);
      put('deadline_misses_since_last_report', newMisses);
      put('stable_seq', r.stableSeq);
      put('suspects', r.suspects.length);
      if (!r.ready) warnings.push('catching up (state transfer)');
      if (r.suspects.length > 0) {
        const byNode = new Map<number, string[]>();
        for (const s of r.suspects) {
          put(`suspect.${nodeLabel(s.node)}.${s.reason}`, `count ${s.count}, last seen ${formatUsTime(s.lastUs)}`);
          byNode.set(s.node, [...(byNode.get(s.node) ?? []), s.reason]);
        }
        warnings.push(`suspects ${[...byNode].map(([n, reasons]) => `${nodeLabel(n)} (${reasons.join(', ')})`).join(', ')}`);
      }
      if (newMisses > 0) warnings.push(`${newMisses} deadline miss${newMisses === 1 ? '' : 'es'} since last report`);
    }
    if (newLate > 0) warnings.push(`timer fired >10 ms late ${newLate} time${newLate === 1 ? '' : 's'}`);
    if (newRejections > 0) warnings.push(`${newRejections} ROS input${newRejections === 1 ? '' : 's'} rejected since last report`);

    put('timer_lag.mean_us', h.timerLag.meanUs);
    put('timer_lag.max_us', h.timerLag.maxUs);
    put('timer_lag.over_10ms', h.timerLag.over10ms);
    if (h.memory !== undefined) {
      put('memory.open_slots', h.memory.openSlots);
      put('memory.decided_slots', h.memory.decidedSlots);
      put('memory.missed_slots', h.memory.missedSlots);
      put('memory.log_entries', h.memory.logEntries);
      put('memory.pending_writes', h.memory.pendingWrites);
    }
    for (const [k, v] of sorted(input.ros)) put(`ros.${k}`, v);
    for (const [k, v] of Object.entries(input.details ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) put(`ros.${k}`, v);
    for (const [k, v] of sorted(h.transport)) put(`transport.${k}`, v);
    for (const [k, v] of sorted(h.driver)) put(`driver.${k}`, v);
    for (const c of r?.counters ?? []) put(`counter.${c.name}`, c.value);

    let level: number = DIAGNOSTIC_LEVEL.OK;
    let message: string;
    if (errors.length > 0) {
      level = DIAGNOSTIC_LEVEL.ERROR;
      message = [...errors, ...warnings].join('; ');
    } else if (warnings.length > 0) {
      level = DIAGNOSTIC_LEVEL.WARN;
      message = warnings.join('; ');
    } else {
      message = r === undefined ? 'ok' : `ok: ${r.mode} mode, view ${r.view} (primary ${r.primary}), ${r.slotsPublished} slots published`;
    }
    return { level, name: `${input.node}: bftkvs replica`, message: clip(message), hardware_id: `${input.clusterName}/replica_${input.replicaId}`, values };
  }
}

function nodeLabel(node: number): string {
  return node >= 1000 ? `client_${node - 1000}` : `replica_${node}`;
}

function sorted(rec: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function formatUsTime(us: number): string {
  return `${Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

function clip(s: string): string {
  return s.length > 1024 ? `${s.slice(0, 1021)}...` : s;
}
