import test from 'ava';
import type { ReplicaHealth } from '@bftkvs/msgs';
import type { DriverHealth } from '../driver/index.js';
import type { DiagnosticStatusMsg } from './diagnostics.js';
import { DIAGNOSTIC_LEVEL, DiagnosticsReporter, MAX_DIAGNOSTIC_VALUES } from './diagnostics.js';

function replicaHealth(over: Partial<ReplicaHealth> = {}): ReplicaHealth {
  return {
    replica: 1,
    mode: 'fast',
    view: 2,
    primary: 2,
    suspects: [],
    slotsPublished: 100,
    slotsAgreed: 90,
    slotsRepaired: 1,
    deadlineMisses: 0,
    nowUs: 5_000_000,
    counters: [{ name: 'writes.admitted', value: 50 }],
    stableSeq: 7,
    ready: true,
    ...over,
  };
}

/** Timer lag as the driver reports it (cast: the snapshot may carry more statistics than these tests use). */
const LAG = { samples: 10, meanUs: 200, maxUs: 900, lastUs: 100, over1ms: 0, over10ms: 0, over100ms: 0 } as DriverHealth['timerLag'];
const LATE = { ...LAG, maxUs: 20_000, over1ms: 1, over10ms: 1 };

function driverHealth(r: ReplicaHealth | undefined, over: Partial<DriverHealth> = {}): DriverHealth {
  return {
    running: true,
    replica: r,
    memory: { openSlots: 1, decidedSlots: 2, missedSlots: 0, logEntries: 3, pendingWrites: 0 },
    driver: { ticks: 10 },
    timerLag: LAG,
    transport: { sent: 5, received: 6 },
    clientTransport: undefined,
    liveClients: 0,
    lastReplicaError: undefined,
    ...over,
  } as DriverHealth;
}

const input = (health: DriverHealth, ros: Record<string, number> = {}) => ({ node: '/kvs/replica_1', clusterName: 'demo', replicaId: 1, nowUs: 5_000_000, health, ros });
const value = (s: DiagnosticStatusMsg, key: string): string | undefined => s.values.find((v) => v.key === key)?.value;

test('a healthy replica reports OK with its view, primary, slots and counters', (t) => {
  const r = new DiagnosticsReporter();
  const arr = r.report(input(driverHealth(replicaHealth()), { 'write_topic.received': 3 }));
  t.deepEqual(arr.header, { stamp: { sec: 5, nanosec: 0 }, frame_id: '' });
  const s = arr.status[0] as DiagnosticStatusMsg;
  t.is(s.level, DIAGNOSTIC_LEVEL.OK);
  t.is(s.name, '/kvs/replica_1: bftkvs replica');
  t.is(s.hardware_id, 'demo/replica_1');
  t.is(s.message, 'ok: fast mode, view 2 (primary 2), 100 slots published');
  for (const [k, v] of [
    ['mode', 'fast'],
    ['view', '2'],
    ['primary', '2'],
    ['ready', 'true'],
    ['slots_published', '100'],
    ['deadline_misses', '0'],
    ['suspects', '0'],
    ['memory.open_slots', '1'],
    ['transport.sent', '5'],
    ['driver.ticks', '10'],
    ['ros.write_topic.received', '3'],
    ['counter.writes.admitted', '50'],
  ]) {
    t.is(value(s, k as string), v, k);
  }
  t.true(s.values.every((kv) => typeof kv.key === 'string' && typeof kv.value === 'string'));
});

test('suspects with reasons, new deadline misses, late timers and rejected ROS input warn', (t) => {
  const r = new DiagnosticsReporter();
  r.report(input(driverHealth(replicaHealth())));
  const h = replicaHealth({
    suspects: [
      { node: 3, reason: 'equivocation', count: 2, lastUs: 4_500_000 },
      { node: 3, reason: 'bad-mac', count: 1, lastUs: 4_000_000 },
      { node: 1002, reason: 'replay', count: 1, lastUs: 4_000_000 },
    ],
    deadlineMisses: 3,
  });
  const s = r.report(input(driverHealth(h, { timerLag: LATE }), { 'bindings.wheel.rejected.TOO_LATE': 2 })).status[0] as DiagnosticStatusMsg;
  t.is(s.level, DIAGNOSTIC_LEVEL.WARN);
  t.regex(s.message, /suspects replica_3 \(equivocation, bad-mac\), client_2 \(replay\)/);
  t.regex(s.message, /3 deadline misses since last report/);
  t.regex(s.message, /timer fired >10 ms late 1 time/);
  t.regex(s.message, /2 ROS inputs rejected since last report/);
  t.is(value(s, 'suspect.replica_3.equivocation'), 'count 2, last seen 4.500000');
  t.is(value(s, 'deadline_misses_since_last_report'), '3');
  // Nothing new since: back to OK (the suspects stay listed, so still WARN here).
  const again = r.report(input(driverHealth({ ...h, suspects: [] }, { timerLag: LATE }), { 'bindings.wheel.rejected.TOO_LATE': 2 })).status[0] as DiagnosticStatusMsg;
  t.is(again.level, DIAGNOSTIC_LEVEL.OK, again.message);
});

test('a stopped replica, a replica error or missing health are errors; catching up warns', (t) => {
  const stopped = new DiagnosticsReporter().status(input(driverHealth(replicaHealth(), { running: false })));
  t.is(stopped.level, DIAGNOSTIC_LEVEL.ERROR);
  t.regex(stopped.message, /replica stopped/);
  const threw = new DiagnosticsReporter().status(input(driverHealth(replicaHealth(), { lastReplicaError: 'boom' })));
  t.is(threw.level, DIAGNOSTIC_LEVEL.ERROR);
  t.regex(threw.message, /replica error: boom/);
  const none = new DiagnosticsReporter().status(input(driverHealth(undefined)));
  t.is(none.level, DIAGNOSTIC_LEVEL.ERROR);
  const catching = new DiagnosticsReporter().status(input(driverHealth(replicaHealth({ ready: false }))));
  t.is(catching.level, DIAGNOSTIC_LEVEL.WARN);
  t.regex(catching.message, /catching up/);
});

test('the number of values is bounded', (t) => {
  const counters = Array.from({ length: 1000 }, (_, i) => ({ name: `c${i}`, value: i }));
  const s = new DiagnosticsReporter().status(input(driverHealth(replicaHealth({ counters }))));
  t.is(s.values.length, MAX_DIAGNOSTIC_VALUES);
});
