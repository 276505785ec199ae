/**
 * The distributed testbed's pieces without processes: fault parameters, the scenario launch
 * files against the scenario catalogue, the cluster file against the key definitions, the trace
 * format (hostile lines), the world protocol's parser and the collector.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { evaluateLaunchFile } from '@bftkvs/launch';
import { parseFaultProfile } from '@bftkvs/nodes';
import { loadClusterFile } from '@bftkvs/runtime';
import { DISTRIBUTED_KEYS } from '../keys.js';
import { summarize } from '../report.js';
import { SCENARIOS, SCENARIO_NAMES, controllerFaultsOf, sensorFaultsOf, type ScenarioName } from '../scenarios.js';
import { buildDistributedRecord } from './collect.js';
import { formatControllerFaults, formatSensorFaults, parseControllerFaults, parseSensorFaults } from './faultParams.js';
import { REPO_ROOT, vehicleNodeResolver } from './runner.js';
import { DISTRIBUTED_TIMING } from './timing.js';
import { TraceWriter, readTraces, type TraceLine } from './trace.js';
import { WorldRequest, parseDatagram } from './worldProtocol.js';

const S = 1_000_000;
const LAUNCH = join(REPO_ROOT, 'launch', 'vehicle');

test('sensor and controller fault parameters parse, round-trip, and refuse nonsense', (t) => {
  t.deepEqual(parseSensorFaults('none'), []);
  t.deepEqual(parseSensorFaults('offset:+3@20s'), [{ kind: 'offset', offsetMps: 3, fromUs: 20 * S }]);
  t.deepEqual(parseSensorFaults('stuck@20s..40s, noisy:0.5@1500ms'), [
    { kind: 'stuck', fromUs: 20 * S, toUs: 40 * S },
    { kind: 'noisyBurst', noiseStdMps: 0.5, fromUs: 1_500_000 },
  ]);
  t.deepEqual(parseControllerFaults('random:3@14s..22s'), [{ kind: 'random', seed: 3, fromUs: 14 * S, toUs: 22 * S }]);
  t.deepEqual(parseControllerFaults('stuck:0.2@1s'), [{ kind: 'stuck', valueU: 0.2, fromUs: S }]);
  for (const text of ['offset:+3@20s', 'stuck@20s..40s', 'scale:1.1@2s', 'dropout:0.3@20s..21s']) t.is(formatSensorFaults(parseSensorFaults(text)), text);
  for (const text of ['random:3@20s..40s', 'offset:+0.5@20s', 'stuck@20s']) t.is(formatControllerFaults(parseControllerFaults(text)), text);
  for (const [bad, why] of [
    ['explode@1s', /unknown sensor fault "explode"/],
    ['offset@1s', /needs a number/],
    ['offset:+3@soon', /not a duration/],
    ['stuck@20s..10s', /end after it starts/],
    ['dropout:2@1s', /probability/],
    ['offset:NaN@1s', /needs a number/],
  ] as const) {
    t.throws(() => parseSensorFaults(bad), { message: why }, bad);
  }
  t.throws(() => parseControllerFaults('random:-1@1s'), { message: /needs a number|seed/ });
  t.throws(() => parseControllerFaults('noisy:1@1s'), { message: /unknown controller fault/ });
});

test('replica fault profiles take time windows, crash-restart windows and delay jitter', (t) => {
  t.deepEqual(parseFaultProfile('equivocate:+50@20s..40s'), [{ kind: 'equivocate', offset: 50, window: { fromMs: 20_000, toMs: 40_000 } }]);
  t.deepEqual(parseFaultProfile('crash-at:20s..30s'), [{ kind: 'crash-at', afterMs: 20_000, downUntilMs: 30_000 }]);
  t.deepEqual(parseFaultProfile('delay-out:2ms~2ms@20s..40s'), [{ kind: 'delay-out', delayMs: 2, jitterMs: 2, window: { fromMs: 20_000, toMs: 40_000 } }]);
  t.throws(() => parseFaultProfile('crash-at:20s@10s'), { message: /crash-at takes its times/ });
  t.throws(() => parseFaultProfile('crash-at:30s..20s'), { message: /restart time must come after/ });
  t.throws(() => parseFaultProfile('delay-out:2ms~5ms'), { message: /jitter may not exceed/ });
  t.throws(() => parseFaultProfile('drop-out:0.1@40s..20s'), { message: /end after it starts/ });
});

/** The faults a scenario launch file gives each node, evaluated as the launcher would. */
function launchedFaults(name: ScenarioName): { sensors: Record<string, string>; controllers: Record<string, string>; replicas: string[]; respawn: boolean; durationS: number } {
  const r = evaluateLaunchFile(join(LAUNCH, `${name}.launch.yaml`), { resolveNode: vehicleNodeResolver, findPackageShare: () => REPO_ROOT });
  const sensors: Record<string, string> = {};
  const controllers: Record<string, string> = {};
  const replicas: string[] = [];
  let respawn = false;
  for (const p of r.processes) {
    const params = p.rosArgs?.params ?? {};
    if (p.rosArgs?.executable === 'vehicle_sensor') sensors[String(params['sensor_id'])] = String(params['fault']);
    if (p.rosArgs?.executable === 'vehicle_controller') controllers[String(params['controller_id'])] = String(params['fault']);
    if (p.rosArgs?.executable === 'replica') {
      replicas[Number(params['replica_id'])] = String(params['fault']);
      respawn ||= p.respawn;
    }
  }
  return { sensors, controllers, replicas, respawn, durationS: Number(r.args['duration_s']) };
}

test('every scenario has a launch file, and its faults are the catalogue\'s', (t) => {
  const files = readdirSync(LAUNCH).filter((f) => f.endsWith('.launch.yaml'));
  t.deepEqual(files.sort(), [...SCENARIO_NAMES.map((n) => `${n}.launch.yaml`), 'vehicle.launch.yaml'].sort());
  for (const name of SCENARIO_NAMES) {
    const sc = SCENARIOS[name];
    const l = launchedFaults(name);
    t.is(l.durationS * S, sc.durationUs, `${name}: duration`);
    for (const id of ['sensor-a', 'sensor-b', 'sensor-c']) t.deepEqual(parseSensorFaults(l.sensors[id] ?? '?'), sensorFaultsOf(sc.faults, id), `${name}: ${id}`);
    for (const id of ['controller-a', 'controller-b', 'controller-c']) t.deepEqual(parseControllerFaults(l.controllers[id] ?? '?'), controllerFaultsOf(sc.faults, id), `${name}: ${id}`);
    // Replica and network faults: the same nodes, kinds and times.
    for (let r = 0; r < 4; r++) {
      const got = parseFaultProfile(l.replicas[r] ?? '?');
      const want = sc.faults.filter((f) => (f.kind === 'network' ? true : (f.kind === 'crash' || f.kind === 'equivocate') && f.nodeId === `replica-${r}`));
      const describe = (): string => `${name}: replica ${r} has '${l.replicas[r]}'`;
      t.is(got.length, want.reduce((n, f) => n + (f.kind === 'network' ? 2 : 1), 0), describe());
      for (const f of want) {
        if (f.kind === 'crash') {
          t.true(got.some((g) => g.kind === 'crash-at' && g.afterMs * 1000 === f.atUs && (g.downUntilMs === undefined ? undefined : g.downUntilMs * 1000) === f.restartAtUs), describe());
          t.is(l.respawn, f.restartAtUs !== undefined, `${name}: respawn iff the replica restarts`);
        } else if (f.kind === 'equivocate') {
          t.true(got.some((g) => g.kind === 'equivocate' && g.window?.fromMs === f.fromUs / 1000 && (g.window.toMs === undefined ? undefined : g.window.toMs * 1000) === f.toUs), describe());
        } else if (f.kind === 'network') {
          t.true(got.some((g) => g.kind === 'drop-out' && g.probability === f.lossProbability && g.window?.fromMs === f.fromUs / 1000), describe());
          t.true(got.some((g) => g.kind === 'delay-out' && g.delayMs * 1000 === f.delayUs && (g.jitterMs ?? 0) * 1000 === f.jitterUs), describe());
        }
      }
    }
  }
});

test('the vehicle cluster file declares exactly the testbed keys and writers', (t) => {
  const config = loadClusterFile(join(REPO_ROOT, 'launch', 'config', 'vehicle.yaml'));
  for (const [name, k] of Object.entries(DISTRIBUTED_KEYS)) {
    const s = config.cluster.keys.get(name);
    t.truthy(s, name);
    t.deepEqual([...(s?.writers ?? [])], [...k.writers].sort(), name);
    t.is(s?.fuse, k.fuse, name);
    t.is(s?.grid.periodUs, k.periodMs * 1000, name);
    t.is(s?.grid.periodUs, DISTRIBUTED_TIMING.periodUs, name);
    t.is(s?.minWriters, k.minWriters, name);
    t.is(s?.faultyWriters, k.faultyWriters, name);
  }
  t.deepEqual([...config.cluster.keys.keys()].sort(), Object.keys(DISTRIBUTED_KEYS).sort());
  // Sensors and controllers on nodes 0..2, one of each per node; node 3 hosts the actuator.
  t.deepEqual(Object.fromEntries(config.cluster.writers), { 'sensor-a': 0, 'sensor-b': 1, 'sensor-c': 2, 'controller-a': 0, 'controller-b': 1, 'controller-c': 2 });
});

test('traces: lines written are read back; malformed and schema-violating lines are counted, not trusted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-trace-'));
  try {
    const w = new TraceWriter(dir, 'sensor_a');
    w.write({ k: 'sensor', tUs: 50_000, sensorId: 'sensor-a', valueMps: 20.01 });
    w.write({ k: 'event', tUs: 1, kind: 'note', nodeId: 'sensor-a', detail: 'hello' });
    w.close();
    writeFileSync(join(dir, 'evil.jsonl'), ['{"k":"sensor","tUs":1.5,"sensorId":"x","valueMps":1}', '{"k":"plant"', '{"k":"nope","tUs":1}', '{"k":"sensor","tUs":1,"sensorId":"x","valueMps":"1e999"}', ''].join('\n'));
    t.throws(() => new TraceWriter(dir, '../escape'), { message: /plain node name/ });
    const r = readTraces(dir);
    t.is(r.lines.length, 2);
    t.deepEqual(r.rejected, { 'evil.jsonl': 4 });
    t.false(new TraceWriter('none', 'x').enabled);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the world protocol drops malformed datagrams', (t) => {
  t.deepEqual(parseDatagram(WorldRequest, Buffer.from('{"op":"sample","id":1,"tUs":5}')), { op: 'sample', id: 1, tUs: 5 });
  for (const bad of ['', 'null', '{"op":"sample","id":1}', '{"op":"sample","id":-1,"tUs":5}', '{"op":"command","tUs":1,"u":1e999,"source":"fresh"}', '{"op":"hello","id":1,"extra":1}', 'x'.repeat(5000)]) {
    t.is(parseDatagram(WorldRequest, Buffer.from(bad)), undefined, bad.slice(0, 40));
  }
});

test('the collector builds a record from traces: series, fault windows, monitor suspicions; the pre-roll is not judged', (t) => {
  const P = DISTRIBUTED_TIMING.periodUs;
  const lines: TraceLine[] = [];
  const sc = { ...SCENARIOS['sensor-lying'], durationUs: 4 * S, settlingUs: 0, faults: [{ kind: 'sensor' as const, nodeId: 'sensor-c', fault: { kind: 'offset' as const, fromUs: 2 * S, offsetMps: 3 } }] };
  for (let tUs = -S; tUs <= sc.durationUs; tUs += P) {
    if (tUs >= 0) lines.push({ k: 'plant', tUs, trueSpeedMps: 20, targetSpeedMps: 20, positionM: tUs / 50_000, grade: 0, effort: 0.08 });
    const lie = tUs >= 2 * S ? 3 : 0;
    for (const [id, v] of [['sensor-a', 20.01], ['sensor-b', 19.99], ['sensor-c', 20 + lie]] as const) lines.push({ k: 'sensor', tUs, sensorId: id, valueMps: v });
    lines.push({ k: 'fused', tUs, valueMps: 20.01, writers: ['sensor-a', 'sensor-b', 'sensor-c'], agreed: false });
    for (const id of ['controller-a', 'controller-b', 'controller-c']) lines.push({ k: 'ctrl', tUs, controllerId: id, commandU: 0.08 });
    lines.push({ k: 'cmd', tUs, commandU: 0.08, writers: ['controller-a', 'controller-b', 'controller-c'], agreed: false, source: 'fresh' });
  }
  lines.push({ k: 'event', tUs: -500_000, kind: 'deadlineMiss', nodeId: 'command', detail: 'during the pre-roll' });
  lines.push({ k: 'event', tUs: 3 * S, kind: 'deadlineMiss', nodeId: 'command', detail: 'late' });
  lines.push({ k: 'event', tUs: 2 * S, kind: 'faultInjected', nodeId: 'sensor-c', detail: 'sensor-c: offset +3 m/s' });
  const rec = buildDistributedRecord({
    scenario: sc,
    seed: 1,
    durationUs: sc.durationUs,
    timing: DISTRIBUTED_TIMING,
    traces: { lines, rejected: {}, files: [] },
    runnerEvents: [{ tUs: 1 * S, kind: 'suspected', nodeId: 'replica-2', detail: 'equivocation (reported by replica 0)' }],
  });
  t.is(rec.meta.kind, 'distributed');
  t.is(rec.plant.length, sc.durationUs / P + 1);
  t.true(rec.sensors.every((s) => s.tUs >= 0), 'the pre-roll is dropped');
  const sum = summarize(rec);
  t.is(sum.deadlineMisses.total, 1);
  t.is(rec.meta.notes?.['deadline misses during the pre-roll (not judged)'], 1);
  t.deepEqual(sum.nodesSuspected.map((n) => n.nodeId).sort(), ['replica-2', 'sensor-c']);
  t.true(sum.tracking.withinBound);
  t.is(sum.verdict.status, 'pass');
});
