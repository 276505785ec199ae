import test from 'ava';
import { COMMAND_VECTOR_LENGTH, DEFAULT_PID } from './controller.js';
import { COMMAND_KEY, SPEED_KEY, vehicleKeys } from './keys.js';
import { runBaselineLoop, runIdealReplicatedLoop, runMetaFor } from './baseline.js';
import { NOMINAL_BOUND, trackingError, withinBound } from './metrics.js';
import { DRIVE_CYCLES, targetAccelerationAt, targetSpeedAt, driveCycle } from './profile.js';
import { SCENARIOS, SCENARIO_NAMES, faultyNodeCounts, launcherFaults, scenario, validateScenario, withDuration, type Scenario } from './scenarios.js';

const S = 1_000_000;

test('target profiles interpolate and report their slope', (t) => {
  const p = DRIVE_CYCLES.mixed.target;
  t.is(targetSpeedAt(p, 0), 20);
  t.is(targetSpeedAt(p, 12.5 * S), 22.5);
  t.is(targetSpeedAt(p, 50 * S), 18);
  t.is(targetAccelerationAt(p, 12 * S), 1);
  t.is(targetAccelerationAt(p, 46 * S), -2);
  t.is(targetAccelerationAt(p, 30 * S), 0);
  t.is(targetAccelerationAt(DRIVE_CYCLES.windup.target, 5 * S), 0, 'an unramped step has no usable slope');
  t.throws(() => driveCycle('nope'), { message: /unknown drive cycle/ });
});

test('the scenario catalogue is consistent: ids, times, expectation vs f', (t) => {
  t.deepEqual(SCENARIO_NAMES.length, 10);
  for (const s of Object.values(SCENARIOS)) t.notThrows(() => validateScenario(s), s.name);
  t.is(faultyNodeCounts(SCENARIOS['beyond-f-sensors'].faults).sensors, 2);
  t.is(faultyNodeCounts(SCENARIOS['beyond-f-replicas'].faults).replicas, 2);
  t.deepEqual(
    launcherFaults(SCENARIOS['replica-equivocating']).map((f) => f.kind),
    ['equivocate'],
  );
  t.deepEqual(launcherFaults(SCENARIOS['sensor-stuck']), []);
  const wrong: Scenario = { ...SCENARIOS['sensor-lying'], expectation: { kind: 'beyondF', whatFails: '', howReported: '' } };
  t.throws(() => validateScenario(wrong), { message: /expectation/ });
  t.throws(() => scenario('nope'), { message: /unknown scenario/ });
});

test(`nominal: the ideal replicated loop tracks the mixed cycle within the stated bound (RMS ≤ ${NOMINAL_BOUND.rmsMps}, max ≤ ${NOMINAL_BOUND.maxAbsMps} m/s)`, (t) => {
  const s = scenario('nominal');
  for (const seed of [1, 2, 3]) {
    const e = trackingError(runIdealReplicatedLoop({ scenario: s, seed }), s.settlingUs);
    t.true(withinBound(e, NOMINAL_BOUND), `seed ${seed}: RMS ${e.rmsMps}, max ${e.maxAbsMps}`);
    // The bound has margin: the nominal figures are about half of it.
    t.true(e.rmsMps < 0.6 * NOMINAL_BOUND.rmsMps && e.maxAbsMps < 0.7 * NOMINAL_BOUND.maxAbsMps, `seed ${seed}: RMS ${e.rmsMps}, max ${e.maxAbsMps}`);
  }
  // The unreplicated loop without faults tracks just as well.
  const b = trackingError(runBaselineLoop({ scenario: s, seed: 1 }), s.settlingUs);
  t.true(withinBound(b, NOMINAL_BOUND), `baseline nominal: RMS ${b.rmsMps}, max ${b.maxAbsMps}`);
});

test('anti-windup in the closed loop: a 10 → 30 m/s set-speed jump saturates, then settles without large overshoot', (t) => {
  const s: Scenario = { ...scenario('nominal'), driveCycle: 'windup', durationUs: 40 * S };
  const overshoot = (antiWindup: (typeof DEFAULT_PID)['antiWindup']): { over: number; saturatedPeriods: number } => {
    const r = runIdealReplicatedLoop({ scenario: s, seed: 1, pid: { ...DEFAULT_PID, antiWindup } });
    return {
      over: Math.max(...r.plant.filter((p) => p.tUs > 5 * S).map((p) => p.trueSpeedMps)) - 30,
      saturatedPeriods: r.commands.filter((c) => c.commandU >= 1).length,
    };
  };
  const back = overshoot(DEFAULT_PID.antiWindup);
  const clamp = overshoot({ kind: 'clamp' });
  const none = overshoot({ kind: 'none' });
  t.true(back.saturatedPeriods > 300, `saturated for ${back.saturatedPeriods} periods`);
  t.true(back.over < 0.5, `back-calculation overshoot ${back.over} m/s`);
  t.true(clamp.over < 0.5, `clamping overshoot ${clamp.over} m/s`);
  t.true(none.over > 5, `without anti-windup the overshoot is ${none.over} m/s`);
});

for (const name of ['sensor-stuck', 'sensor-lying'] as const) {
  test(`${name}: the unreplicated baseline fails by far, the ideal replicated loop stays within the nominal bound`, (t) => {
    const s = scenario(name);
    const nominal = trackingError(runBaselineLoop({ scenario: scenario('nominal'), seed: 1 }), s.settlingUs);
    const base = trackingError(runBaselineLoop({ scenario: s, seed: 1 }), s.settlingUs);
    const ideal = trackingError(runIdealReplicatedLoop({ scenario: s, seed: 1 }), s.settlingUs);
    t.true(base.rmsMps > 10 * NOMINAL_BOUND.rmsMps, `baseline RMS ${base.rmsMps}`);
    t.true(base.rmsMps > 20 * nominal.rmsMps, `baseline RMS ${base.rmsMps} vs nominal ${nominal.rmsMps}`);
    t.true(withinBound(ideal, NOMINAL_BOUND), `replicated: RMS ${ideal.rmsMps}, max ${ideal.maxAbsMps}`);
  });
}

test('every within-f scenario stays within the bound in the ideal loop; every baseline with a node fault fails', (t) => {
  for (const name of SCENARIO_NAMES) {
    const s = scenario(name);
    const ideal = trackingError(runIdealReplicatedLoop({ scenario: s, seed: 1 }), s.settlingUs);
    if (s.expectation.kind === 'withinF') t.true(withinBound(ideal, NOMINAL_BOUND), `${name}: RMS ${ideal.rmsMps}, max ${ideal.maxAbsMps}`);
    const base = trackingError(runBaselineLoop({ scenario: s, seed: 1 }), s.settlingUs);
    const nodeFault = s.baseline.faults.some((f) => f.kind !== 'network');
    if (nodeFault) t.false(withinBound(base, NOMINAL_BOUND), `${name} baseline: RMS ${base.rmsMps}`);
  }
});

test('beyond f (two of three sensors lying): the ideal loop fails and reports a disagreement', (t) => {
  const r = runIdealReplicatedLoop({ scenario: scenario('beyond-f-sensors'), seed: 1 });
  const e = trackingError(r, r.meta.settlingUs);
  t.false(withinBound(e, NOMINAL_BOUND));
  const after = trackingError(r, 25 * S);
  t.true(after.meanMps < -2.5, `runs ${after.meanMps} m/s slow once the fault has settled in`);
  t.true(r.events.some((x) => x.kind === 'suspected' && x.nodeId === 'sensor-a'), 'the disagreement is flagged');
});

test('one sensor stuck / lying / controller wrong: the faulty node is suspected in the ideal loop', (t) => {
  const expect: [string, string][] = [
    ['sensor-lying', 'sensor-c'],
    ['sensor-stuck', 'sensor-b'],
    ['controller-wrong-output', 'controller-c'],
  ];
  for (const [name, node] of expect) {
    const r = runIdealReplicatedLoop({ scenario: scenario(name), seed: 1 });
    const suspected = [...new Set(r.events.filter((e) => e.kind === 'suspected').map((e) => e.nodeId))];
    t.deepEqual(suspected, [node], name);
  }
});

test('a controller replica that crashes and restarts rejoins bit-identically (adopts the agreed state)', (t) => {
  const s: Scenario = {
    ...scenario('nominal'),
    name: 'nominal',
    faults: [{ kind: 'crash', nodeId: 'controller-b', atUs: 20 * S, restartAtUs: 30 * S }],
  };
  // With the default 2f+1 = 3 commands per slot, a silent controller stalls the command slot:
  // counted as deadline misses (the actuator holds, then coasts), never papered over.
  const strict = runIdealReplicatedLoop({ scenario: s, seed: 1 });
  const strictMisses = strict.events.filter((e) => e.kind === 'deadlineMiss' && e.nodeId === 'command').length;
  t.true(strictMisses >= 999 && strictMisses <= 1001, `${strictMisses} misses`);
  t.true(strict.events.some((e) => e.kind === 'suspected' && e.nodeId === 'controller-b') || strict.commands.some((c) => c.source === 'failsafe'));
  // Accepting 2 of 3 commands keeps the loop running through the crash.
  const r = runIdealReplicatedLoop({ scenario: s, seed: 1, minControllerWriters: 2 });
  const byTime = new Map<number, Map<string, number>>();
  for (const c of r.controllers) {
    let m = byTime.get(c.tUs);
    if (!m) byTime.set(c.tUs, (m = new Map()));
    m.set(c.controllerId, c.commandU);
  }
  let compared = 0;
  for (const [tUs, m] of byTime) {
    if (tUs > 20 * S && tUs <= 30 * S) t.false(m.has('controller-b'), 'silent while crashed');
    if (tUs > 30 * S + 10_000) {
      t.true(Object.is(m.get('controller-b'), m.get('controller-a')), `identical at ${tUs}`);
      compared++;
    }
  }
  t.true(compared > 2000);
  t.true(withinBound(trackingError(r, s.settlingUs), NOMINAL_BOUND));
  t.false(r.events.some((e) => e.kind === 'deadlineMiss'));
});

test('the loops are deterministic from the seed, and the seed matters', (t) => {
  const s = { ...scenario('sensor-lying'), durationUs: 25 * S };
  t.deepEqual(runIdealReplicatedLoop({ scenario: s, seed: 7 }), runIdealReplicatedLoop({ scenario: s, seed: 7 }));
  t.deepEqual(runBaselineLoop({ scenario: s, seed: 7 }), runBaselineLoop({ scenario: s, seed: 7 }));
  t.notDeepEqual(runIdealReplicatedLoop({ scenario: s, seed: 7 }).sensors, runIdealReplicatedLoop({ scenario: s, seed: 8 }).sensors);
});

test('baseline with a crashed controller coasts (failsafe) and counts deadline misses', (t) => {
  const r = runBaselineLoop({ scenario: scenario('replica-crash-restart'), seed: 1 });
  const misses = r.events.filter((e) => e.kind === 'deadlineMiss');
  t.true(misses.length >= 990 && misses.length <= 1010, `${misses.length} misses over the 10 s crash`);
  t.true(r.commands.some((c) => c.source === 'failsafe'));
  t.true(r.commands.filter((c) => c.source === 'held').length <= 11, 'held for at most the hold time');
});

test('the ideal loop notes the faults it does not model', (t) => {
  const r = runIdealReplicatedLoop({ scenario: scenario('replica-equivocating'), seed: 1 });
  t.true(r.events.some((e) => e.kind === 'note' && e.nodeId === 'replica-2' && e.detail.startsWith('not modelled')));
});

test('the KVS key definitions match the models: writers, fuse functions, the command vector layout', (t) => {
  const keys = vehicleKeys();
  t.deepEqual(keys[SPEED_KEY]!.writers, ['sensor-a', 'sensor-b', 'sensor-c']);
  t.is(keys[SPEED_KEY]!.fuse, 'median');
  t.is(keys[COMMAND_KEY]!.fuse, 'componentwiseMedian');
  t.deepEqual(keys[COMMAND_KEY]!.type, { kind: 'float64[]', length: COMMAND_VECTOR_LENGTH });
  t.is(keys[COMMAND_KEY]!.periodMs, DEFAULT_PID.periodUs / 1000);
  t.throws(() => vehicleKeys(1500));
});

test('runMetaFor gives the distributed run the same metadata shape as the in-process loops', (t) => {
  const m = runMetaFor({ scenario: scenario('sensor-stuck'), kind: 'distributed', seed: 4, notes: { mode: 'agreed' } });
  t.deepEqual(m.sensorIds, ['sensor-a', 'sensor-b', 'sensor-c']);
  t.is(m.f, 1);
  t.is(m.replicas, 4);
  t.deepEqual(m.bound, NOMINAL_BOUND);
  t.is(m.notes?.['mode'], 'agreed');
  t.deepEqual(runBaselineLoop({ scenario: withDuration(scenario('nominal'), S), seed: 1 }).meta.controllerIds, ['controller-a']);
});
