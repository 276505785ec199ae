/**
 * The client commands end to end against a real 4-replica cluster on loopback (in this
 * process: core replicas, UDP drivers, the node key files `keygen` wrote): what they print,
 * their exit codes, several invocations in a row and an `echo` running beside `write`s.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { NodeKeys } from '@bftkvs/core';
import { createFuseRegistry, createReplica } from '@bftkvs/core';
import type { ReplicaDriver } from '@bftkvs/runtime';
import { SystemClock, UdpTransport, keyFileName, loadClusterFile, loadNodeKeys, nodeCrypto, openUdpReplicaDriver } from '@bftkvs/runtime';
import { main } from '../program.js';
import { CliError, parseValue } from '../kvsAccess.js';
import { runEcho } from './echo.js';

const dir = mkdtempSync(join(tmpdir(), 'bftkvs-cli-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 15_000);
    const socks: UdpTransport[] = [];
    try {
      for (let i = 0; i < 8; i++) socks.push(await UdpTransport.open({ bind: { port: base + i } }));
      return base;
    } catch {
      // taken
    } finally {
      await Promise.all(socks.map((s) => s.close()));
    }
  }
}

/** Runs the CLI in-process; returns the exit code and what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => err.push(String(s)) > 0) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    process.exitCode = undefined;
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.exitCode = before;
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

test('values are parsed by the key type', (t) => {
  t.is(parseValue('12.5', { kind: 'float64' }, 'k'), 12.5);
  t.is(parseValue('-3', { kind: 'int64' }, 'k'), -3);
  t.is(parseValue('true', { kind: 'bool' }, 'k'), true);
  t.is(parseValue('0', { kind: 'bool' }, 'k'), false);
  t.is(parseValue(' spaced ', { kind: 'string', maxLength: 10 }, 'k'), ' spaced ');
  t.is(parseValue('drive', { kind: 'enum', values: ['park', 'drive'] }, 'k'), 'drive');
  t.deepEqual(parseValue('[1, 2.5]', { kind: 'float64[]', length: 2 }, 'k'), [1, 2.5]);
  t.deepEqual(parseValue('{"x": 1, "ok": true}', { kind: 'struct', fields: { x: 'float64', ok: 'bool' } }, 'k'), { x: 1, ok: true });
  for (const [text, type, why] of [
    ['fast', { kind: 'float64' }, /not a number/],
    ['NaN', { kind: 'float64' }, /not a number/],
    ['1.5', { kind: 'int64' }, /not an integer/],
    ['yes', { kind: 'bool' }, /true or false/],
    ['fly', { kind: 'enum', values: ['park'] }, /not one of park/],
    ['[1, "a"]', { kind: 'float64[]', length: 2 }, /array of numbers/],
    ['{x: 1}', { kind: 'struct', fields: { x: 'float64' } }, /not valid JSON/],
    ['{"x": [1]}', { kind: 'struct', fields: { x: 'float64' } }, /field 'x'/],
  ] as const) {
    const e = t.throws(() => parseValue(text, type, 'k'), { instanceOf: CliError, message: why });
    t.is(e?.exitCode, 2);
  }
});

test.serial('keygen writes one 0600 file per node and refuses to overwrite without --force', async (t) => {
  const out = join(dir, 'kg');
  const r = await cli('keygen', '--replicas', '4', '--out', out);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /wrote keys for 4 replicas/);
  t.is(statSync(join(out, 'replica-3.key.json')).mode & 0o777, 0o600);
  t.is(loadNodeKeys(join(out, 'replica-2.key.json')).self, 2);
  const again = await cli('keygen', '--replicas', '4', '--out', out);
  t.is(again.code, 2);
  t.regex(again.err, /refusing to overwrite existing key files \(use --force\)/);
  t.is((await cli('keygen', '--replicas', '4', '--out', out, '--force')).code, 0);
  t.not((await cli('keygen', '--replicas', '99', '--out', join(dir, 'kg2'))).code, 0);
});

test.serial('write, read, echo and status against a running cluster; exit codes', async (t) => {
  const base = await freeBase();
  const keysDir = join(dir, 'keys');
  t.is((await cli('keygen', '--replicas', '4', '--out', keysDir)).code, 0);
  const clusterFile = join(dir, 'cluster.yaml');
  // The four replicas share this worker's event loop with whatever else the machine runs; a
  // lead far above the derived minimum keeps a stall from making a write late at one replica
  // (CI: replica 2 missed the second write and read 12.5).
  writeFileSync(
    clusterFile,
    `cluster:
  name: cli-test
  mode: crash
  replicas: 4
  f: 1
  writers: { wheel_left: 0, wheel_right: 1, operator: 3 }
  timing: { networkDelayMs: 5, processingMs: 5, leadMs: 300 }
  endpoints: { host: 127.0.0.1, basePort: ${base} }
keys:
  speed: { type: float64, periodMs: 10, writers: [wheel_left, wheel_right], fuse: median, faultyWriters: 0, minWriters: 1 }
  pose: { type: { kind: struct, fields: { x: float64, y: float64 } }, periodMs: 10, writers: [operator], fuse: majority }
`,
  );
  const config = loadClusterFile(clusterFile);
  const clock = new SystemClock();
  const fuse = createFuseRegistry();
  const drivers: ReplicaDriver[] = [];
  for (let i = 0; i < 4; i++) {
    const keys: NodeKeys = loadNodeKeys(join(keysDir, keyFileName(i)));
    const replica = createReplica(config.cluster, { id: i, keys, crypto: nodeCrypto, incarnation: clock.nowUs(), fuse });
    const d = await openUdpReplicaDriver({ replica, clusterName: config.cluster.name, endpoints: config.endpoints ?? [], keys, clock });
    d.start();
    drivers.push(d);
  }
  t.teardown(() => Promise.all(drivers.map((d) => d.stop())).then(() => undefined));
  const opts = ['--cluster', clusterFile, '--keys', keysDir];

  const st = await cli('status', ...opts);
  t.is(st.code, 0, st.err);
  t.regex(st.out, /REPLICA\s+UP\s+MODE\s+VIEW\s+PRIMARY\s+READY\s+PUBLISHED/);
  t.regex(st.out, /\n3\s+up\s+crash/);

  // echo beside writes through the same node (replica 0): several client processes at once.
  const stopEcho = new Promise<void>((r) => setTimeout(r, 15_000));
  const echoed: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  const notes: string[] = [];
  process.stderr.write = ((s: string) => notes.push(String(s)) > 0) as typeof process.stderr.write;
  const echo = runEcho('speed', { cluster: clusterFile, keys: keysDir, timeoutMs: 2_000, replica: 0, count: 2, json: true }, stopEcho);
  await new Promise((r) => setTimeout(r, 300));
  process.stdout.write = ((s: string) => echoed.push(String(s)) > 0) as typeof process.stdout.write;
  try {
    const w1 = await cli('write', 'speed', '12.5', '--writer', 'wheel_left', ...opts);
    t.is(w1.code, 0, w1.err);
    t.regex(w1.out, /wrote speed = 12.5 by wheel_left via replica 0\n {2}publish time {2}\d+\.\d{6}/);
    await new Promise((r) => setTimeout(r, 100));
    const w2 = await cli('write', 'speed', '13', '--writer', 'wheel_left', ...opts);
    t.is(w2.code, 0, w2.err);
    t.is(await echo, 0);
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
  t.regex(notes.join(''), /echo speed from replica 0 \(127\.0\.0\.1:\d+\); Ctrl-C to stop/);
  const slots = echoed.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { value: number; agreed: boolean });
  t.deepEqual(
    slots.map((s) => s.value),
    [12.5, 13],
    'echo saw both writes made while it ran',
  );

  await new Promise((r) => setTimeout(r, 100));
  const rd = await cli('read', 'speed', '--replica', '2', ...opts);
  t.is(rd.code, 0, rd.err);
  t.regex(rd.out, /^speed = 13\n {2}publish time .*\n {2}contributors {2}wheel_left=13\n {2}agreed {8}yes\n {2}read from {5}replica 2\n$/);
  const json = await cli('read', 'speed', '--json', ...opts);
  t.like(JSON.parse(json.out) as object, { key: 'speed', value: 13, agreed: true, replica: 0 });
  const pose = await cli('write', 'pose', '{"x": 1, "y": 2}', '--writer', 'operator', ...opts);
  t.is(pose.code, 0, pose.err);
  t.regex(pose.out, /via replica 3/);

  // Exit codes: 2 for the user's mistakes, 1 for the replica's refusals, 3 for silence.
  const unknownKey = await cli('write', 'sped', '1', '--writer', 'wheel_left', ...opts);
  t.is(unknownKey.code, 2);
  t.regex(unknownKey.err, /unknown key 'sped' \(keys in .*: pose, speed\)/);
  const unknownWriter = await cli('write', 'speed', '1', '--writer', 'wheel_x', ...opts);
  t.is(unknownWriter.code, 2);
  t.regex(unknownWriter.err, /unknown writer 'wheel_x' \(writers of 'speed': wheel_left, wheel_right/);
  t.is((await cli('write', 'speed', 'fast', '--writer', 'wheel_left', ...opts)).code, 2);
  const late = await cli('write', 'speed', '1', '--writer', 'wheel_left', '--publish-time-us', '1000000', ...opts);
  t.is(late.code, 1);
  t.regex(late.err, /write of 'speed' refused: TOO_LATE/);
  const offGrid = await cli('write', 'speed', '1', '--writer', 'wheel_left', '--publish-time-us', String(clock.nowUs() + 1_000_001), ...opts);
  t.is(offGrid.code, 1);
  t.regex(offGrid.err, /OFF_GRID/);
  const elsewhere = await cli('write', 'speed', '1', '--writer', 'wheel_left', '--replica', '2', ...opts);
  t.is(elsewhere.code, 1);
  t.regex(elsewhere.err, /NOT_AUTHORISED/);
  const stale = await cli('read', 'speed', '--earliest-us', String(clock.nowUs() + 60_000_000), ...opts);
  t.is(stale.code, 1);
  t.regex(stale.err, /NO_FRESH_VALUE/);
  const noKeys = await cli('status', '--cluster', clusterFile, '--keys', join(dir, 'nowhere'));
  t.is(noKeys.code, 3);
  t.regex(noKeys.out, /no key file for replica 0/);

  // A replica that stops answering shows as down; status exits 3.
  await (drivers[3] as ReplicaDriver).stop();
  const down = await cli('status', '--timeout-ms', '300', ...opts);
  t.is(down.code, 3);
  t.regex(down.out, /\n3\s+down\s+.*no answer within 300 ms/);
  t.regex(down.out, /\n0\s+up\s+crash/);
  const silent = await cli('read', 'speed', '--replica', '3', '--timeout-ms', '300', ...opts);
  t.is(silent.code, 3);
  t.regex(silent.err, /no answer from replica 3/);
});

test('every client command has --help', async (t) => {
  for (const c of ['keygen', 'write', 'read', 'echo', 'status']) {
    const r = await cli(c, '--help');
    t.is(r.code, 0, c);
    t.regex(r.out, new RegExp(`Usage: bftkvs ${c}`), c);
    if (c !== 'keygen') t.regex(r.out, /Exit codes: 0 success/, c);
  }
});
