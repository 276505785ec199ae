/**
 * End-to-end runs: determinism, the simulator against its test double (fault-free runs pass,
 * deliberately broken replicas are caught), seed sweeps of the real crash and fast replicas,
 * and runs that break the fault bound and must fail.
 */
import test from 'ava';
import type { CryptoSuite, Replica } from '@bftkvs/core';
import { nobleCrypto } from '@bftkvs/core';
import type { ReplicaProvider, SimulationOptions, SimulationResult } from './index.js';
import { buildScenario, realReplicas, realReplicasWith, runSimulation, toyReplicas } from './index.js';

const SHORT_US = 500_000;

function run(o: Partial<SimulationOptions> & Pick<SimulationOptions, 'seed'>): SimulationResult {
  return runSimulation({ faults: 'none', durationUs: SHORT_US, replicas: toyReplicas({ agreeOnPublish: true }), ...o });
}

function sweep(seeds: number, o: Omit<Partial<SimulationOptions>, 'seed'>): SimulationResult[] {
  return Array.from({ length: seeds }, (_, i) => run({ ...o, seed: 1000 + i }));
}

function violationsOf(results: readonly SimulationResult[]): string[] {
  return results.flatMap((r) => r.violations.map((v) => `seed ${r.seed} [${v.checker}] ${v.message}`));
}

test('the same seed replays the same run exactly: stats, violations and trace', (t) => {
  for (const o of [{ mode: 'fast', faults: 'all' }, { mode: 'crash', faults: 'crash' }] as const) {
    const traceA: string[] = [];
    const traceB: string[] = [];
    const a = run({ seed: 7, ...o, trace: (l) => traceA.push(l) });
    const b = run({ seed: 7, ...o, trace: (l) => traceB.push(l) });
    const untraced = run({ seed: 7, ...o });
    t.deepEqual(a, b);
    t.deepEqual(traceA, traceB);
    t.deepEqual(untraced.stats, a.stats, 'tracing does not change the run');
    t.true(traceA.length > 100);
    const other: string[] = [];
    run({ seed: 8, ...o, trace: (l) => other.push(l) });
    t.notDeepEqual(other, traceA);
  }
});

test('the seed chooses the shape unless fixed; fixing it does not disturb the other choices', (t) => {
  const shapes = new Set(Array.from({ length: 12 }, (_, i) => run({ seed: i }).mode));
  t.true(shapes.size >= 2, 'modes vary with the seed');
  const drawn = run({ seed: 3 });
  const fixed = run({ seed: 3, mode: drawn.mode, f: drawn.f });
  t.deepEqual(fixed.stats, drawn.stats);
  t.is(fixed.replay, drawn.replay);
  t.regex(drawn.replay, new RegExp(`^pnpm bftkvs sim --mode ${drawn.mode} --f ${drawn.f} --faults none --seed 3 --duration-ms 500 --trace$`));
});

test('test double, fault-free: no violations in crash and fast mode, and the run does real work', (t) => {
  const results = [...sweep(6, { mode: 'crash' }), ...sweep(6, { mode: 'fast' })];
  t.deepEqual(violationsOf(results), []);
  for (const r of results) {
    t.true(r.stats.slotsPublished > 20 && r.stats.writesAccepted > 50 && r.stats.reads > 50, JSON.stringify(r.stats));
    t.is(r.stats.assumptionViolations, 0);
  }
});

test('test double, crash mode with crash-stop and network faults: no violations', (t) => {
  const results = sweep(10, { mode: 'crash', faults: 'crash', faultKinds: ['crash'] });
  t.deepEqual(violationsOf(results), []);
  t.true(results.some((r) => (r.stats.faultsInjected.crash ?? 0) > 0));
  t.true(results.some((r) => r.stats.assumptionViolations > 0), 'some runs violate the network assumptions');
});

test('a replica that publishes late is caught by the timeliness checker, with seed and replay command', (t) => {
  const r = run({ seed: 5, mode: 'fast', replicas: toyReplicas({ agreeOnPublish: true, publishLateUs: 3_000 }) });
  const late = r.violations.filter((v) => v.checker === 'timeliness');
  t.true(late.length > 0);
  t.regex(late[0]?.message ?? '', /published it 3000 µs late by its publish time/);
  t.regex(late[0]?.message ?? '', /seed 5; replay: pnpm bftkvs sim --mode fast --f \d --faults none --seed 5 --duration-ms 500 --trace/);
});

test('replicas that agree without synchronising are caught by the agreement checker under faults', (t) => {
  // The test double marks what it received as agreed; lost frames and crashes mid-broadcast
  // make replicas diverge, which a BFT mode must never allow.
  const results = sweep(8, { mode: 'fast', faults: 'crash' });
  t.true(
    results.some((r) => r.violations.some((v) => v.checker === 'agreement')),
    'at least one of 8 seeds shows the divergence',
  );
});

test('f+1 lying nodes break validity, and the validity checker says so within 4 seeds', (t) => {
  // Whether two liars host writers of the same key depends on the seed (N may exceed 3f+1).
  const results = sweep(4, { mode: 'fast', f: 1, faultyNodes: 2, faultKinds: ['wrong-value'] });
  t.true(results.some((r) => r.violations.some((v) => v.checker === 'validity' && /a faulty writer was not masked/.test(v.message))));
});

test('runs are fast: a 1 s safety phase of the test double takes well under a second', (t) => {
  const c0 = process.cpuUsage();
  const r = runSimulation({ seed: 11, mode: 'fast', faults: 'none', durationUs: 1_000_000, replicas: toyReplicas({ agreeOnPublish: true }) });
  const c = process.cpuUsage(c0);
  t.true(r.stats.simulatedUs > 1_000_000);
  t.true((c.user + c.system) / 1000 < 1000, `cpu ${(c.user + c.system) / 1000} ms`);
});

// --- the real replicas of @bftkvs/core -----------------------------------------------------------

const real = test;

function realSweep(seeds: number, o: Omit<Partial<SimulationOptions>, 'seed'>): SimulationResult[] {
  return Array.from({ length: seeds }, (_, i) => runSimulation({ seed: 2000 + i, faults: 'none', durationUs: SHORT_US, replicas: realReplicas, ...o }));
}

/** Fast mode without its synchronisation component never agrees: known, tracked separately. */
const unagreed = (v: string): boolean => /\[liveness\] .*published but never agreed/.test(v);

real('real crash replicas: fault-free seeds have no violations', (t) => {
  t.deepEqual(violationsOf(realSweep(20, { mode: 'crash' })), []);
});

real('real crash replicas: crash-stop and network faults cause no violations', (t) => {
  t.deepEqual(violationsOf(realSweep(15, { mode: 'crash', faults: 'crash', faultKinds: ['crash'] })), []);
});

real('real fast replicas: fault-free and Byzantine seeds have no safety violations', (t) => {
  const found = violationsOf([...realSweep(10, { mode: 'fast' }), ...realSweep(15, { mode: 'fast', faults: 'byzantine' })]);
  t.deepEqual(found.filter((v) => !unagreed(v)), []);
});

real('real fast replicas converge: every published slot becomes agreed (the sync component)', (t) => {
  t.deepEqual(violationsOf(realSweep(3, { mode: 'fast' })), []);
});

real('real crash replicas: a restarted replica keeps agreement (it must not publish slots it saw only partly)', (t) => {
  t.deepEqual(violationsOf(realSweep(20, { mode: 'crash', faults: 'crash', faultKinds: ['restart'] })), []);
});

real('stalls: a held replica reads and ticks nothing until the stall ends, then reads what arrived before its timer runs', (t) => {
  // The first seed whose plan stalls a replica for at least 10 ms (stalls draw from their own stream).
  let seed = 1;
  let stall: { node: number; startUs: number; endUs: number } | undefined;
  for (; stall === undefined; seed++) {
    const s = buildScenario({ seed, mode: 'crash', f: 1, faults: 'byzantine', durationUs: SHORT_US, stalls: true });
    stall = s.network.stalls.find((x) => x.endUs - x.startUs >= 10_000);
    if (stall !== undefined) stall = { ...stall, startUs: stall.startUs + s.startUs, endUs: stall.endUs + s.startUs };
  }
  const held = stall;
  const calls: { kind: 'receive' | 'tick'; localUs: number }[] = [];
  const provider: ReplicaProvider = (config, fuse, s) => {
    const setup = realReplicas(config, fuse, s);
    return {
      ...setup,
      factory: (id, incarnation) => {
        const r = setup.factory(id, incarnation);
        if (id !== held.node) return r;
        const receive = r.receive.bind(r);
        const tick = r.tick.bind(r);
        // Instrument this instance in place (its methods keep their own `this`).
        (r as { receive: Replica['receive'] }).receive = (bytes, nowUs) => {
          calls.push({ kind: 'receive', localUs: nowUs });
          receive(bytes, nowUs);
        };
        (r as { tick: Replica['tick'] }).tick = (nowUs) => {
          calls.push({ kind: 'tick', localUs: nowUs });
          tick(nowUs);
        };
        return r;
      },
    };
  };
  const result = runSimulation({ seed: seed - 1, mode: 'crash', f: 1, faults: 'byzantine', durationUs: SHORT_US, stalls: true, replicas: provider });
  t.true((result.stats.faultsInjected.stall ?? 0) >= 1);
  t.false(result.replay.includes('stalls'), 'stalls are the default: the replay needs no flag');
  // Local clocks are within a few hundred µs of true time in these runs.
  const marginUs = 1_000;
  const during = calls.filter((c) => c.localUs > held.startUs + marginUs && c.localUs < held.endUs - marginUs);
  t.deepEqual(during, [], 'nothing ran while the event loop was held');
  const after = calls.filter((c) => c.localUs >= held.endUs - marginUs);
  const firstTick = after.findIndex((c) => c.kind === 'tick');
  t.true(firstTick > 0, `datagrams queued during the stall are read before the timer: ${after.slice(0, 4).map((c) => c.kind).join(',')}`);
  t.deepEqual(result.violations.map((v) => v.message), []);
});

test('stalls: on by default in faulty runs, off with stalls: false (and the replay says so)', (t) => {
  const o = { seed: 7, mode: 'crash' as const, f: 1, faults: 'crash' as const, durationUs: SHORT_US, replicas: toyReplicas() };
  const seeds = [7, 8, 9, 10, 11, 12];
  t.true(seeds.some((seed) => (runSimulation({ ...o, seed }).stats.faultsInjected.stall ?? 0) > 0));
  for (const seed of seeds) {
    const off = runSimulation({ ...o, seed, stalls: false });
    t.is(off.stats.faultsInjected.stall, undefined);
    t.true(off.replay.includes('--no-stalls'));
  }
});

real('stalls: seeds of every mode with held event loops on top of all faults have no violations', (t) => {
  const found: string[] = [];
  for (const mode of ['crash', 'fast', 'agreed'] as const) {
    found.push(...violationsOf(realSweep(4, { mode, faults: 'all', stalls: true })));
  }
  t.deepEqual(found, []);
});

real('must fail: f+1 equivocating nodes in fast mode make the validity or agreement checker fire within 5 seeds', (t) => {
  const results = realSweep(5, { mode: 'fast', f: 1, faultyNodes: 2, faultKinds: ['equivocate'] });
  t.true(results.some((r) => r.violations.some((v) => v.checker === 'validity' || v.checker === 'agreement')));
});

real('must fail: f+1 Byzantine nodes in agreed mode (twins and lying writers) make the validity checker fire within 3 seeds', (t) => {
  const results = realSweep(3, { mode: 'agreed', f: 1, faults: 'byzantine', faultyNodes: 2, faultKinds: ['twins', 'equivocate'], durationUs: 100_000 });
  t.true(results.some((r) => r.violations.some((v) => v.checker === 'validity')), violationsOf(results).join('\n'));
});

/** A broken variant: replicas whose MAC check accepts any tag (signatures are still checked). */
const acceptAnyMac: CryptoSuite = {
  ...nobleCrypto,
  name: 'accept-any-mac',
  hmacSha256: (key) => {
    const keyed = nobleCrypto.hmacSha256(key);
    return { mac: (m) => keyed.mac(m), verify: () => true };
  },
};

for (const mode of ['agreed', 'fast'] as const) {
  real(`must fail: ${mode} replicas that skip MAC checks are caught by the authentication checker within 3 seeds; real ones are not`, (t) => {
    const o = { mode, f: 1, faults: 'byzantine', faultKinds: ['forge'], durationUs: 100_000 } as const;
    const broken = realSweep(3, { ...o, replicas: realReplicasWith(acceptAnyMac) });
    t.true(broken.some((r) => r.violations.some((v) => v.checker === 'authentication')), violationsOf(broken).join('\n'));
    const sound = realSweep(3, o);
    t.deepEqual(violationsOf(sound), []);
    t.true(sound.some((r) => r.stats.forgedDelivered > 0) && sound.every((r) => r.stats.forgedRefused === r.stats.forgedDelivered));
  });
}
