/**
 * Seeded simulation sweep (TigerBeetle VOPR style): each seed picks a cluster size, a faulty
 * primary (crash at a random time, equivocation, or equivocation then crash), for n = 7 a second
 * Byzantine replica, and a lossy, duplicating, reordering network that calms down late in the
 * run. Safety is checked for the whole run (no two correct replicas commit different batches at
 * one seq; each delivers consecutive seqs exactly once); liveness for the calm phase.
 *
 * Every failure message names the seed: `new Sim(scenario(seed)).run()` replays it exactly.
 */
import test from 'ava';
import { describe, Rng, Sim, type Fault, type SimConfig } from './_harness.test.js';

const SEEDS = 200;
const CALM_AFTER_US = 150_000;
const DURATION_US = 260_000;
/** Seqs each live correct replica must commit in the 110 ms calm phase (observed minimum: 88). */
const MIN_CALM_PROGRESS = 50;

function scenario(seed: number): SimConfig {
  const rng = new Rng(seed * 7919 + 13);
  const big = rng.chance(0.25);
  const n = big ? 7 : 4;
  const f = big ? 2 : 1;
  const faults: Record<number, Fault[]> = {};
  const crashAtUs = 10_000 + rng.int(70_000);
  switch (rng.int(3)) {
    case 0:
      faults[0] = [{ kind: 'crash', atUs: crashAtUs }];
      break;
    case 1:
      faults[0] = [{ kind: 'equivocate' }];
      break;
    default:
      faults[0] = [{ kind: 'equivocate' }, { kind: 'crash', atUs: crashAtUs }];
  }
  if (big) {
    const who = 1 + rng.int(n - 1);
    const second: Fault[][] = [
      [{ kind: 'crash', atUs: rng.int(100_000) }],
      [{ kind: 'forge', rate: 0.3 }],
      [{ kind: 'bad-prepare-signatures' }, { kind: 'withhold-certificates' }],
      [{ kind: 'equivocate' }],
    ];
    faults[who] = second[rng.int(second.length)] ?? [];
  }
  return {
    n,
    f,
    seed,
    durationUs: DURATION_US,
    calmAfterUs: CALM_AFTER_US,
    faults,
    dropRate: rng.next() * 0.1,
    duplicateRate: rng.next() * 0.05,
    minDelayUs: 50,
    maxDelayUs: 300 + rng.int(1_700),
  };
}

function sweep(from: number, to: number): string[] {
  const failures: string[] = [];
  for (let seed = from; seed < to; seed++) {
    const cfg = scenario(seed);
    const sim = new Sim(cfg);
    while (sim.nowUs < CALM_AFTER_US) sim.step();
    const atCalm = new Map(sim.liveCorrect().map((node) => [node.id, node.lastSeq]));
    const r = sim.run();
    const faults = JSON.stringify(cfg.faults);
    if (r.violations.length > 0) failures.push(`SAFETY ${faults} ${describe(r)}`);
    if (r.orderErrors.length > 0) failures.push(`ORDER ${faults} ${describe(r)}`);
    if (r.wireErrors.length > 0 || r.internalErrors.length > 0) failures.push(`ERROR ${faults} ${describe(r)}`);
    for (const node of r.nodes) {
      if (node.correct && node.undecodableCommitted > 0) failures.push(`INVALID BATCH replica ${node.id} ${faults} ${describe(r)}`);
    }
    // Liveness: once the network calms down every live correct replica keeps committing (one
    // batch per ms is offered; a view change or a state transfer may still be needed).
    for (const node of sim.liveCorrect()) {
      const progress = node.lastSeq - (atCalm.get(node.id) ?? 0);
      if (progress < MIN_CALM_PROGRESS) failures.push(`LIVENESS replica ${node.id} +${progress} ${faults} ${describe(r)}`);
    }
  }
  return failures;
}

const CHUNK = 50;
for (let from = 1; from <= SEEDS; from += CHUNK) {
  const to = Math.min(from + CHUNK, SEEDS + 1);
  test(`seeds ${from}..${to - 1}: no divergence, ordered delivery, progress after calm`, (t) => {
    t.deepEqual(sweep(from, to), []);
  });
}
