/**
 * The multi-process integration test (issue 4, "Done when"): the shipped launch files start
 * 4 replica processes on loopback through @bftkvs/launch; three redundant wheel-speed
 * writers (one per node, each through its own node's replica) write every 40 ms.
 *
 * 1. Fault-free: every replica publishes the same agreed value for every slot, and reads at
 *    quiescence return the same slot everywhere.
 * 2. `kill -9` of replica 0 (the primary of view 0, hosting wheel_left): the others keep
 *    publishing agreed values (a view change elects a new primary for synchronisation).
 * 3. Replica 0 restarted (empty, new incarnation): it catches up; its agreed slots and its
 *    reads match the others'.
 * 4. A separate cluster where replica 2 runs `fault:=equivocate`: its writer's value reaches
 *    replica 3 as another, re-authenticated value, so replica 3 first publishes a different
 *    median; after synchronisation the correct replicas agree (and replica 3 counts repairs).
 *
 * No timing assertions: every wait is generous (a loaded 2-core machine), the checks are on
 * values, agreement and counters. Child processes are stopped in teardown and killed on exit.
 */
import test from 'ava';
import type { KvsClient, SlotUpdate } from '@bftkvs/client';
import type { Run } from './_workload.test.js';
import { LEAD_US, checkSlots, common, quiescentReads, run, valueOf } from './_workload.test.js';
import { startCluster, until } from './_testCluster.test.js';

test.serial('4 replica processes: agreement, kill -9 of the primary, restart and catch-up', async (t) => {
  const started = Date.now();
  const cluster = await startCluster('cluster.launch.yaml', 4);
  let r: Run | undefined;
  t.teardown(async () => {
    await r?.stop();
    await cluster.stop();
  });
  const onFail = (what: string) => (e: unknown) => {
    t.log(`${what} failed; replica logs:\n${['replica_0', 'replica_1', 'replica_2', 'replica_3'].map((n) => `--- ${n}\n${cluster.log(n)}`).join('\n')}`);
    throw e;
  };
  t.log(`cluster up in ${Date.now() - started} ms (base port ${cluster.basePort})`);
  r = await run(cluster);
  const all = [0, 1, 2, 3];

  // 1. Fault-free.
  await until(() => common(r as Run, all).length >= 10, 20_000, '10 slots agreed at all replicas').catch(onFail('fault-free agreement'));
  const phase1 = common(r, all);
  t.deepEqual(checkSlots(r, all, phase1), []);
  const q1 = await quiescentReads(r, all).catch(onFail('quiescent reads'));
  t.log(`fault-free: ${phase1.length} slots agreed everywhere; reads agree on ${q1.value} @ ${q1.publishTimeUs}`);

  // 2. kill -9 the primary of view 0 (replica 0, which also hosts wheel_left).
  await cluster.kill9('replica_0');
  const killedAt = Date.now() * 1_000;
  const survivors = [1, 2, 3];
  await until(() => common(r as Run, survivors, killedAt + LEAD_US).length >= 10, 30_000, 'survivors to agree on 10 slots after the kill').catch(onFail('after kill -9'));
  const phase2 = common(r, survivors, killedAt + LEAD_US);
  t.deepEqual(checkSlots(r, survivors, phase2, ['wheel_rear', 'wheel_right']), []);
  t.log(`after kill -9 of replica 0: ${phase2.length} slots agreed by replicas 1-3 (only their writers contribute)`);

  // 3. Restart: replica 0 comes back empty and catches up.
  cluster.restart('replica_0');
  await cluster.ready('replica_0', 2).catch(onFail('restart'));
  const restartedAt = Date.now() * 1_000;
  // Client 0's subscription is refreshed every second, so the new replica 0 learns it again.
  await until(() => common(r as Run, all, restartedAt + LEAD_US).length >= 5, 30_000, 'the restarted replica to agree with the others on 5 slots').catch(onFail('catch-up'));
  const phase3 = common(r, all, restartedAt + LEAD_US);
  t.deepEqual(checkSlots(r, all, phase3), []);
  const q3 = await quiescentReads(r, all).catch(onFail('reads after restart'));
  t.log(`after restart: ${phase3.length} slots agreed by all four; reads agree on ${q3.value} @ ${q3.publishTimeUs}; ${r.writeErrors} writes failed (mostly to the dead node)`);
  const health = await (r.clients[0] as KvsClient).status();
  t.true(health.ready, 'the restarted replica reports ready');
  t.log(`total ${Date.now() - started} ms`);
});

test.serial('an equivocating replica (fault:=equivocate): the correct replicas agree after synchronisation', async (t) => {
  const started = Date.now();
  const cluster = await startCluster('cluster.launch.yaml', 4, { fault_2: 'equivocate' });
  let r: Run | undefined;
  t.teardown(async () => {
    await r?.stop();
    await cluster.stop();
  });
  t.regex(cluster.log('replica_2'), /FAULT PROFILE ACTIVE: equivocate:\+50/);
  t.regex(cluster.log('replica_2'), /altered values go to replicas 3/);
  r = await run(cluster);
  const correct = [0, 1, 3];
  await until(() => common(r as Run, correct).length >= 10, 30_000, '10 slots agreed by the correct replicas').catch((e: unknown) => {
    t.log(['replica_0', 'replica_1', 'replica_2', 'replica_3'].map((n) => `--- ${n}\n${cluster.log(n)}`).join('\n'));
    throw e;
  });
  const slots = common(r, correct);
  t.deepEqual(checkSlots(r, correct, slots), []);
  // The lie (wheel_rear + 50 at replica 3) never survives synchronisation: every agreed value
  // is the median of what the writers really wrote.
  for (const ts of slots) {
    const s = r.agreed.get(3)?.get(ts) as SlotUpdate;
    const rear = s.contributions.find((c) => c.writer === 'wheel_rear');
    if (rear !== undefined) t.is(rear.value, valueOf(15, ts));
  }
  const q = await quiescentReads(r, correct);
  const h3 = await (r.clients[3] as KvsClient).status();
  t.true(h3.slotsRepaired > 0, `replica 3 published the equivocated value first and repaired it (${h3.slotsRepaired} repairs)`);
  t.log(`equivocation: ${slots.length} slots agreed by 0, 1, 3; replica 3 repaired ${h3.slotsRepaired} slots; reads agree on ${q.value}; ${Date.now() - started} ms`);
});
