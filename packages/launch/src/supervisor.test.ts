/**
 * The supervisor with tiny real child processes (`node -e` scripts).
 */
import anyTest from 'ava';
import type { ProcessSpec } from './evaluate.js';
import type { LaunchHandle, LineEvent, SupervisorOptions } from './supervisor.js';
import { launch } from './supervisor.js';

// Serial: these tests time real processes, and running them side by side on a small machine
// skews the timings they check.
const test = anyTest.serial;

function spec(name: string, script: string, extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    name,
    kind: 'executable',
    cmd: [process.execPath, '-e', script],
    cwd: undefined,
    env: {},
    unsetEnv: [],
    respawn: false,
    respawnDelayMs: 0,
    respawnMaxRetries: undefined,
    output: 'screen',
    sigtermTimeoutMs: undefined,
    sigkillTimeoutMs: undefined,
    shutdownOnExit: false,
    source: { file: 'test', path: `/launch/executable[${name}]` },
    ...extra,
  };
}

/** Captures what the supervisor prints. */
function sinks(): { out: string[]; err: string[]; opts: SupervisorOptions } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, opts: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, color: false } };
}

/** Resolves when a process has printed a line matching `re`. */
function waitLine(h: LaunchHandle, name: string, re: RegExp): Promise<LineEvent> {
  return new Promise((resolve) => {
    const on = (e: LineEvent): void => {
      if (e.name === name && re.test(e.line)) resolve(e);
    };
    h.on('line', on);
  });
}

// A child that stays up until SIGINT, then says goodbye and exits 0.
// The handler goes in before "ready" is printed, so a SIGINT sent on "ready" always finds it.
const SERVER = "process.on('SIGINT', () => { console.log('bye'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);";

test('each output line is prefixed with the process name; partial lines are flushed', async (t) => {
  const s = sinks();
  const lines: LineEvent[] = [];
  const h = launch(
    [
      spec('talker', "console.log('one'); console.error('oops'); process.stdout.write('two\\r\\nthree')"),
      spec('quiet', "console.log('hidden'); console.error('shown')", { output: 'log' }),
    ],
    s.opts,
  );
  h.on('line', (e) => lines.push(e));
  const r = await h.exited;
  t.deepEqual(r, { code: 0, reason: 'all processes exited', failures: [] });
  t.deepEqual(s.out.filter((l) => l.startsWith('[talker]')), ['[talker] one\n', '[talker] two\n', '[talker] three\n']);
  t.true(s.err.includes('[talker] oops\n'));
  // output="log": stdout is not printed (still an event), stderr is.
  t.false(s.out.some((l) => l.includes('hidden')));
  t.true(s.err.includes('[quiet] shown\n'));
  t.deepEqual(
    lines.filter((l) => l.name === 'quiet').map((l) => [l.stream, l.line]),
    [
      ['stdout', 'hidden'],
      ['stderr', 'shown'],
    ],
  );
  t.true(s.err.some((l) => /^\[launch\] started talker \(pid \d+\)/.test(l)));
});

test('colour prefixes only when asked', async (t) => {
  const out: string[] = [];
  const h = launch([spec('c', "console.log('x')")], { stdout: { write: (x: string) => out.push(x) }, stderr: { write: () => true }, color: true });
  await h.exited;
  t.regex(out.join(''), /^\x1b\[36m\[c\]\x1b\[0m x\n$/);
});

test('the launch exit code is the first failing process code', async (t) => {
  const s = sinks();
  const r = await launch(
    [
      spec('ok', 'process.exit(0)'),
      spec('late', 'setTimeout(() => process.exit(4), 1000)'),
      spec('early', 'process.exit(3)'),
    ],
    s.opts,
  ).exited;
  t.is(r.code, 3);
  t.deepEqual(
    r.failures.map((f) => [f.name, f.code]),
    [
      ['early', 3],
      ['late', 4],
    ],
  );
  const killed = await launch([spec('self', "process.kill(process.pid, 'SIGTERM')")], sinks().opts).exited;
  t.is(killed.code, 143);
  t.regex(killed.failures[0]!.detail, /killed by SIGTERM/);
  const missing = await launch([{ ...spec('ghost', ''), cmd: ['/nonexistent/program'] }], sinks().opts).exited;
  t.is(missing.code, 127);
  t.regex(missing.failures[0]!.detail, /could not start "\/nonexistent\/program": ENOENT/);
  t.deepEqual(await launch([], sinks().opts).exited, { code: 0, reason: 'nothing to launch', failures: [] });
});

test('respawn: bounded restarts with back-off, then the failure is reported', async (t) => {
  const s = sinks();
  const spawns: number[] = [];
  const h = launch([spec('flaky', "console.log('up'); process.exit(2)", { respawn: true, respawnDelayMs: 20, respawnMaxRetries: 2 })], s.opts);
  h.on('spawn', (e) => spawns.push(e.restarts));
  const delays: (number | undefined)[] = [];
  h.on('exit', (e) => delays.push(e.respawnInMs));
  const r = await h.exited;
  t.deepEqual(spawns, [0, 1, 2]);
  // First respawn after the launch file's delay, then doubling from max(delay, 100 ms).
  t.deepEqual(delays, [20, 200, undefined]);
  t.is(r.code, 2);
  t.regex(r.failures[0]!.detail, /exited with code 2; gave up after 2 respawns/);
  t.is(h.processes[0]!.restarts, 2);
  t.is(h.processes[0]!.state, 'exited');
});

test('stop(): ordered shutdown in reverse start order, clean exit code 0', async (t) => {
  const s = sinks();
  const h = launch([spec('first', SERVER), spec('second', SERVER), spec('third', SERVER)], s.opts);
  await Promise.all(['first', 'second', 'third'].map((n) => waitLine(h, n, /ready/)));
  const exits: string[] = [];
  h.on('exit', (e) => exits.push(e.name));
  const r = await h.stop('test over');
  t.deepEqual(exits, ['third', 'second', 'first']);
  t.deepEqual(r, { code: 0, reason: 'test over', failures: [] });
  t.deepEqual(
    s.out.filter((l) => l.includes('bye')),
    ['[third] bye\n', '[second] bye\n', '[first] bye\n'],
  );
  t.deepEqual(
    h.processes.map((p) => p.state),
    ['stopped', 'stopped', 'stopped'],
  );
  t.is(await h.exited, r);
  t.is(await h.stop(), r);
});

test('a child ignoring SIGINT and SIGTERM is SIGKILLed after the grace periods', async (t) => {
  const s = sinks();
  const stubborn = "process.on('SIGINT', () => console.log('ignoring INT')); process.on('SIGTERM', () => console.log('ignoring TERM')); console.log('ready'); setInterval(() => {}, 1000);";
  const h = launch([spec('polite', SERVER), spec('stubborn', stubborn, { sigtermTimeoutMs: 150, sigkillTimeoutMs: 150 })], s.opts);
  await Promise.all([waitLine(h, 'polite', /ready/), waitLine(h, 'stubborn', /ready/)]);
  const started = Date.now();
  const r = await h.stop();
  const took = Date.now() - started;
  t.true(took >= 300 && took < 3000, `took ${took} ms`);
  t.is(r.code, 137);
  t.deepEqual(r.failures, [{ name: 'stubborn', code: 137, detail: 'did not stop after SIGINT and SIGTERM; killed' }]);
  t.true(s.out.includes('[stubborn] ignoring INT\n'));
  t.true(s.out.includes('[stubborn] ignoring TERM\n'));
  t.true(s.err.includes('[launch] stubborn still running: sending SIGTERM\n'));
  t.true(s.err.includes('[launch] stubborn still running: sending SIGKILL\n'));
  t.true(s.out.includes('[polite] bye\n'));
});

test('once mode and on_exit="shutdown": one process ending stops the launch', async (t) => {
  const s = sinks();
  const h = launch([spec('server', SERVER), spec('client', "setTimeout(() => { console.log('done'); process.exit(0); }, 50)")], { ...s.opts, stopWhenExits: ['client'] });
  const r = await h.exited;
  t.deepEqual(r, { code: 0, reason: 'client exited', failures: [] });
  t.deepEqual(
    h.processes.map((p) => [p.name, p.state]),
    [
      ['server', 'stopped'],
      ['client', 'exited'],
    ],
  );
  const failing = await launch([spec('server', SERVER), spec('check', 'setTimeout(() => process.exit(5), 50)', { shutdownOnExit: true })], sinks().opts).exited;
  t.is(failing.code, 5);
  t.is(failing.reason, 'check exited');
  t.throws(() => launch([spec('a', '')], { stopWhenExits: ['b'] }), { message: /no process named "b" \(processes: a\)/ });
  t.throws(() => launch([spec('a', ''), spec('a', '')]), { message: /two processes are named "a"/ });
});

test('processes get the launcher environment plus their own changes, and their cwd', async (t) => {
  const s = sinks();
  const script = "console.log(JSON.stringify({ a: process.env.LAUNCH_A, b: process.env.LAUNCH_B ?? null, c: process.env.LAUNCH_C ?? null, cwd: process.cwd() }))";
  const h = launch([spec('env', script, { env: { LAUNCH_A: 'set' }, unsetEnv: ['LAUNCH_B'], cwd: '/' })], { ...s.opts, baseEnv: { ...process.env, LAUNCH_B: 'base', LAUNCH_C: 'kept' } });
  const line = waitLine(h, 'env', /^\{/);
  await h.exited;
  t.deepEqual(JSON.parse((await line).line), { a: 'set', b: null, c: 'kept', cwd: '/' });
});

test('stop() while a process waits to respawn cancels the respawn', async (t) => {
  const s = sinks();
  const h = launch([spec('flaky', 'process.exit(1)', { respawn: true, respawnDelayMs: 10_000 })], s.opts);
  await new Promise<void>((resolve) => h.on('exit', () => resolve()));
  t.is(h.processes[0]!.state, 'waiting-respawn');
  const r = await h.stop();
  t.is(r.code, 0);
  t.is(h.processes[0]!.state, 'stopped');
  t.is(h.processes[0]!.restarts, 0);
});
