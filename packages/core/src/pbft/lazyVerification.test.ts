/**
 * Why prepare signatures are checked before the commit is sent (the default), not only when a
 * certificate is used in a view change ('at-view-change').
 *
 * Schedule (n = 4, f = 1, one Byzantine replica 3): replica 3 sends prepares whose signatures
 * are garbage (the MAC still authenticates them) and withholds certificates from its own
 * ViewChanges. In view 0 the prepares between replicas 1 and 2 are lost and replicas 0 and 2
 * receive no commits; the primary 0 fills its window and stops, so the backups time out. 0's
 * ViewChange never reaches replica 1, the primary of view 1.
 *
 * Lazy: replica 1 counts 3's prepare, commits and delivers seqs 1.. in view 0. At the view
 * change it finds 3's signatures bad and cannot prove its certificates; replica 2 neither; 3
 * withholds its own. The NewView (from 1, 2, 3) re-proposes nothing, the new primary assigns
 * seq 1 again, and replicas 0 and 2 commit a different batch at a seq replica 1 delivered.
 *
 * Default: replica 1 checks 3's signature before committing, finds it bad and never commits on
 * its strength. The same schedule then stays consistent and makes progress in view 1.
 */
import test from 'ava';
import { describe, runSim, type SimConfig } from './_harness.test.js';
import type { PrepareVerification } from './types.js';

function schedule(seed: number, prepareVerification: PrepareVerification): SimConfig {
  return {
    n: 4,
    f: 1,
    seed,
    durationUs: 300_000,
    faults: { 3: [{ kind: 'bad-prepare-signatures' }, { kind: 'withhold-certificates' }] },
    linkFilter: (from, to, msg) => {
      const between1and2 = (from === 1 && to === 2) || (from === 2 && to === 1);
      if (msg.kind === 'prepare' && msg.prepare.view === 0 && between1and2) return false;
      if (msg.kind === 'commit' && msg.commit.view === 0 && (to === 0 || to === 2)) return false;
      if (msg.kind === 'viewChange' && from === 0 && to === 1) return false;
      return true;
    },
    engine: { prepareVerification },
  };
}

test("lazy ('at-view-change') verification loses a committed batch under this schedule", (t) => {
  const r = runSim(schedule(1, 'at-view-change'));
  t.true(r.violations.length > 0, `expected divergence: ${describe(r)}`);
  t.log(describe(r));
  t.true((r.nodes[1]?.engine.counters()['view-change.unprovable-certificate'] ?? 0) > 0);
});

test("default ('before-commit') verification stays consistent and live under the same schedule", (t) => {
  for (let seed = 1; seed <= 5; seed++) {
    const r = runSim(schedule(seed, 'before-commit'));
    t.deepEqual(r.violations, [], describe(r));
    t.deepEqual(r.orderErrors, [], describe(r));
    t.true(r.nodes[1]?.events.some((e) => e.kind === 'suspect' && e.node === 3 && e.reason === 'bad-signature'), describe(r));
    t.true(r.minCorrectSeq >= 100, describe(r));
  }
});
