import test from 'ava';
import {
  DEFAULT_VEHICLE,
  VehiclePlant,
  availableDriveForceN,
  clampCommand,
  gradeAt,
  initialPlantState,
  longitudinalForces,
  steadyStateEffort,
  stepPlant,
  terminalSpeedMps,
  validateVehicleParams,
  type RoadProfile,
} from './plant.js';

const S = 1_000_000;

function run(opts: { speedMps: number; commandU: number; seconds: number; road?: RoadProfile }): VehiclePlant {
  const plant = new VehiclePlant({ ...(opts.road ? { road: opts.road } : {}), initial: initialPlantState({ speedMps: opts.speedMps }) });
  plant.advanceTo(opts.seconds * S, opts.commandU);
  return plant;
}

test('coasting decelerates monotonically, at the rate the resistive forces predict', (t) => {
  const plant = new VehiclePlant({ initial: initialPlantState({ speedMps: 25 }) });
  let prev = 25;
  for (let i = 1; i <= 20; i++) {
    plant.advanceTo(i * S, 0);
    t.true(plant.state.speedMps < prev, `speed must fall every second (t = ${i} s)`);
    prev = plant.state.speedMps;
  }
  // Initial deceleration = (drag + rolling) / m at 25 m/s.
  const p = DEFAULT_VEHICLE;
  const expected = (0.5 * p.airDensityKgPerM3 * p.dragCoefficient * p.frontalAreaM2 * 625 + p.rollingResistanceCoefficient * p.massKg * p.gravityMps2) / p.massKg;
  const first = stepPlant(p, { kind: 'flat' }, initialPlantState({ speedMps: 25 }), 0);
  t.true(Math.abs(-first.accelerationMps2 - expected) < 1e-3, `decel ${-first.accelerationMps2} vs ${expected} m/s²`);
  t.true(expected > 0.2 && expected < 0.4, 'a car coasts down at a few tenths of a m/s² at 25 m/s');
});

test('coasting or braking never makes the speed negative', (t) => {
  const braked = run({ speedMps: 5, commandU: -1, seconds: 10 });
  t.is(braked.state.speedMps, 0);
  const coasted = run({ speedMps: 1, commandU: 0, seconds: 60 });
  t.is(coasted.state.speedMps, 0);
  // Uphill at standstill with no drive: held (no rolling back).
  const hill = run({ speedMps: 0, commandU: 0, seconds: 5, road: { kind: 'time', points: [{ atUs: 0, grade: 0.1 }] } });
  t.is(hill.state.speedMps, 0);
});

test('full throttle accelerates to the terminal speed where drive force equals drag + rolling resistance', (t) => {
  const vT = terminalSpeedMps(DEFAULT_VEHICLE, 0, 1);
  // Independent check of the force balance at the terminal speed: P/v = ½ρCdA v² + Crr m g.
  const p = DEFAULT_VEHICLE;
  const resist = 0.5 * p.airDensityKgPerM3 * p.dragCoefficient * p.frontalAreaM2 * vT * vT + p.rollingResistanceCoefficient * p.massKg * p.gravityMps2;
  t.true(Math.abs(availableDriveForceN(p, vT) - resist) < 1e-6 * resist);
  t.true(vT > 50 && vT < 65, `terminal speed ${vT} m/s is a plausible top speed for 80 kW`);

  const plant = run({ speedMps: 0, commandU: 1, seconds: 400 });
  t.true(Math.abs(plant.state.speedMps - vT) < 0.01 * vT, `simulated ${plant.state.speedMps} vs analytical ${vT} m/s`);
  // Accelerates from standstill at roughly F_max / m.
  const early = run({ speedMps: 0, commandU: 1, seconds: 3 });
  t.true(early.state.speedMps > 4 && early.state.speedMps < 3 * (p.maxDriveForceN / p.massKg), `3 s of full throttle → ${early.state.speedMps} m/s`);
});

test('an uphill grade slows the vehicle; a downhill one speeds it up', (t) => {
  const u = steadyStateEffort(DEFAULT_VEHICLE, 20, 0);
  t.true(u > 0 && u < 0.2, `cruising at 20 m/s needs a small throttle (${u})`);
  const flat = run({ speedMps: 20, commandU: u, seconds: 20 });
  const up = run({ speedMps: 20, commandU: u, seconds: 20, road: { kind: 'time', points: [{ atUs: 0, grade: 0.04 }] } });
  const down = run({ speedMps: 20, commandU: u, seconds: 20, road: { kind: 'time', points: [{ atUs: 0, grade: -0.04 }] } });
  t.true(Math.abs(flat.state.speedMps - 20) < 0.05, `steady-state effort holds 20 m/s (${flat.state.speedMps})`);
  t.true(up.state.speedMps < 18, `4 % climb slows it (${up.state.speedMps})`);
  t.true(down.state.speedMps > 22, `4 % descent speeds it up (${down.state.speedMps})`);
  t.true(terminalSpeedMps(DEFAULT_VEHICLE, 0.04, 1) < terminalSpeedMps(DEFAULT_VEHICLE, 0, 1));
  // The grade force is m·g·sin(atan(grade)).
  const f = longitudinalForces(DEFAULT_VEHICLE, 20, 0, 0.04);
  t.true(Math.abs(f.gradeN - 1500 * 9.81 * Math.sin(Math.atan(0.04))) < 1e-9);
});

test('the actuator lags the command with its time constant', (t) => {
  const plant = new VehiclePlant({ initial: initialPlantState({ speedMps: 10 }) });
  plant.advanceTo(Math.round(DEFAULT_VEHICLE.actuatorTimeConstantS * S), 1);
  t.true(Math.abs(plant.state.effort - (1 - Math.exp(-1))) < 1e-9, `effort after τ is 1 − 1/e (${plant.state.effort})`);
});

test('commands are clamped to [-1, 1] and a non-finite command coasts', (t) => {
  t.is(clampCommand(3), 1);
  t.is(clampCommand(-7), -1);
  t.is(clampCommand(Number.NaN), 0);
  t.is(clampCommand(Number.POSITIVE_INFINITY), 0);
  const s = stepPlant(DEFAULT_VEHICLE, { kind: 'flat' }, initialPlantState({ speedMps: 10 }), Number.NaN);
  t.is(s.commandU, 0);
});

test('grade profiles interpolate over distance and time and hold beyond the ends', (t) => {
  const road: RoadProfile = { kind: 'distance', points: [{ atM: 100, grade: 0 }, { atM: 200, grade: 0.04 }] };
  t.is(gradeAt(road, 0, 0), 0);
  t.true(Math.abs(gradeAt(road, 150, 0) - 0.02) < 1e-12);
  t.is(gradeAt(road, 1000, 0), 0.04);
  t.is(gradeAt({ kind: 'time', points: [{ atUs: 0, grade: 0.01 }] }, 5000, 99), 0.01);
});

test('the plant steps at its fixed internal rate and is deterministic', (t) => {
  const a = run({ speedMps: 15, commandU: 0.3, seconds: 7 });
  const b = run({ speedMps: 15, commandU: 0.3, seconds: 7 });
  t.deepEqual(a.state, b.state);
  t.is(a.state.timeUs, 7 * S);
  // Advancing to a time between steps stops at the last whole step.
  const c = new VehiclePlant();
  c.advanceTo(2500, 0);
  t.is(c.state.timeUs, 2000);
});

test('bad parameters are rejected at construction', (t) => {
  t.throws(() => validateVehicleParams({ ...DEFAULT_VEHICLE, massKg: 0 }), { message: /massKg/ });
  t.throws(() => validateVehicleParams({ ...DEFAULT_VEHICLE, stepUs: 0.5 }), { message: /stepUs/ });
  t.throws(() => new VehiclePlant({ road: { kind: 'distance', points: [{ atM: 5, grade: 0 }, { atM: 5, grade: 0.1 }] } }), { message: /increasing/ });
  t.throws(() => initialPlantState({ speedMps: -1 }));
});
