/**
 * Must-fail evidence: the safety checker has teeth. The same seeded scenarios that pass in
 * safety.test.ts are run against a deliberately broken engine whose quorum is 2f instead of
 * 2f + 1 (quorumOverrideForTesting). With an equivocating primary two groups of backups can
 * then each gather a "quorum" for a different batch at the same seq, and the checker must
 * report the divergence within a bounded number of seeds. The correct quorum on the very same
 * seeds must report nothing.
 */
import test from 'ava';
import { describe, runSim, type Fault, type SimConfig } from './_harness.test.js';

const MAX_SEEDS = 20;

function scenario(seed: number, n: number, f: number, quorumOverride: number | undefined): SimConfig {
  const faults: Record<number, Fault[]> = { 0: [{ kind: 'equivocate' }] };
  // f faulty in all: for f = 2 a second replica is Byzantine too (it equivocates when it leads).
  if (f >= 2) faults[1] = [{ kind: 'equivocate' }];
  return {
    n,
    f,
    seed,
    durationUs: 60_000,
    faults,
    dropRate: 0.02,
    ...(quorumOverride === undefined ? {} : { engine: { quorumOverrideForTesting: quorumOverride } }),
  };
}

function firstDivergence(n: number, f: number, quorumOverride: number | undefined): { seed: number; detail: string } | undefined {
  for (let seed = 1; seed <= MAX_SEEDS; seed++) {
    const r = runSim(scenario(seed, n, f, quorumOverride));
    if (r.violations.length > 0) return { seed, detail: describe(r) };
  }
  return undefined;
}

for (const [n, f] of [
  [4, 1],
  [7, 2],
] as const) {
  test(`n = ${n}: a 2f quorum diverges under an equivocating primary within ${MAX_SEEDS} seeds`, (t) => {
    const found = firstDivergence(n, f, 2 * f);
    t.truthy(found, `no divergence in ${MAX_SEEDS} seeds: the checker or the scenario lost its teeth`);
    t.log(`caught at seed ${found?.seed}: ${found?.detail}`);
  });

  test(`n = ${n}: the 2f + 1 quorum does not diverge on the same seeds`, (t) => {
    const found = firstDivergence(n, f, undefined);
    t.is(found, undefined, `seed ${found?.seed}: ${found?.detail}`);
  });
}
