import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Logger, logLevelFor } from './logger.js';
import type { NodeOptions } from './node.js';
import { HelpRequested, Node, runNode } from './node.js';
import type { ParamSpecs } from './parameters.js';
import { ParameterError, resolveParameters } from './parameters.js';

const SPECS = {
  id: { type: 'integer', description: 'index', min: 0, max: 9 },
  rate: { type: 'double', default: 1.5, description: 'rate' },
  label: { type: 'string', default: 'x', description: 'label', choices: ['x', 'y'] },
  on: { type: 'bool', default: false, description: 'switch' },
  gains: { type: 'double[]', default: [1, 2], description: 'gains' },
  even: { type: 'integer', default: 2, description: 'an even number', validate: (v: number) => (v % 2 === 0 ? undefined : 'must be even') },
} as const satisfies ParamSpecs;

function sink(): { lines: string[]; write: (l: string) => boolean } {
  const lines: string[] = [];
  return { lines, write: (l: string) => lines.push(l) > 0 };
}

class TestNode extends Node<typeof SPECS> {
  started = 0;
  constructor(argv: string[], opts: NodeOptions = {}) {
    super('test_node', SPECS, 'a node for tests', { argv, handleSignals: false, ...opts });
  }
  async start(): Promise<void> {
    this.started++;
  }
}

test('parameters: defaults, -p values, params files (ROS precedence), integer accepted for double', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-node-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'p.yaml');
  writeFileSync(file, '/**:\n  ros__parameters: { rate: 3, label: y }\n/ns/custom:\n  ros__parameters: { on: true }\n');
  const n = new TestNode(['--ros-args', '-r', '__node:=custom', '-r', '__ns:=/ns', '--params-file', file, '-p', 'id:=4', '-p', 'label:=x']);
  t.is(n.name, 'custom');
  t.is(n.fullyQualifiedName, '/ns/custom');
  t.deepEqual({ ...n.params }, { id: 4, rate: 3, label: 'x', on: true, gains: [1, 2], even: 2 });
});

test('parameters: every problem is reported at once, with hints', (t) => {
  const e = t.throws(() => resolveParameters(SPECS, { id: 12, rate: 'fast', label: 'z', on: 1, gains: ['a'], even: 3 }), { instanceOf: ParameterError });
  for (const part of [
    /'id' must be at most 9, got 12/,
    /'rate' must be a number, got the string "fast"/,
    /'label' must be one of x, y/,
    /'on' must be a boolean/,
    /'gains' must be a list of double/,
    /'even': must be even/,
  ])
    t.regex(e?.message ?? '', part);
  t.throws(() => resolveParameters(SPECS, {}), { message: /'id' is required \(index\); pass -p id:=VALUE/ });
});

test('parameters: a string parameter given a number gets the quoting hint; undeclared names are warned about', (t) => {
  t.throws(() => resolveParameters({ name: { type: 'string', description: 'n' } } as const, { name: 7 }), { message: /quote it: -p name:="'7'"/ });
  const out = sink();
  const n = new TestNode(['extra', '--ros-args', '-p', 'id:=1', '-p', 'typo:=3'], { logSink: out });
  t.is(n.params.id, 1);
  t.regex(out.lines.join(''), /WARN.*ignoring undeclared parameter 'typo'/);
  t.regex(out.lines.join(''), /WARN.*ignoring argument "extra"/);
});

test('--help lists the parameters and is not an error', async (t) => {
  const e = t.throws(() => new TestNode(['--help']), { instanceOf: HelpRequested });
  t.regex(e?.text ?? '', /parameters:\n\s+id\s+index \(integer; required; >= 0; <= 9\)/);
  const out = sink();
  t.is(await runNode(() => new TestNode(['--help']), { stdout: out, stderr: out }), 0);
  t.regex(out.lines.join(''), /usage: test_node --ros-args/);
});

test('runNode: configuration errors exit 2 with one line; a failing start exits 1 after shutting down', async (t) => {
  const out = sink();
  t.is(await runNode(() => new TestNode(['--ros-args', '-p', 'id:=99']), { stdout: out, stderr: out }), 2);
  t.regex(out.lines.join(''), /\[FATAL\] parameter 'id' must be at most 9/);
  t.is(await runNode(() => new TestNode(['--ros-args', '-p', 'bad']), { stdout: out, stderr: out }), 2, 'malformed ROS argument');

  class Failing extends TestNode {
    override async start(): Promise<void> {
      this.onShutdown(() => void this.log.info('released'));
      throw new Error('socket on fire');
    }
  }
  const log = sink();
  t.is(await runNode(() => new Failing(['--ros-args', '-p', 'id:=1'], { logSink: log }), { stdout: out, stderr: out }), 1);
  t.regex(log.lines.join(''), /\[FATAL\] .*socket on fire[\s\S]*released/);
});

test('timers run until shutdown; hooks run in reverse order; shutdown is idempotent; a failing hook sets exit 1', async (t) => {
  const log = sink();
  const n = new TestNode(['--ros-args', '-p', 'id:=1'], { logSink: log });
  let ticks = 0;
  let once = 0;
  n.createTimer(5, () => ticks++);
  n.createTimer(5, () => {
    throw new Error('boom');
  });
  n.createOneShotTimer(1, () => once++);
  const cancelled = n.createOneShotTimer(1, () => once++);
  cancelled.cancel();
  t.true(cancelled.cancelled);
  const order: string[] = [];
  n.onShutdown(() => void order.push('first'));
  n.onShutdown(async () => {
    order.push('second');
    throw new Error('close failed');
  });
  const spinning = n.spin();
  await new Promise((r) => setTimeout(r, 60));
  const code = await Promise.all([n.shutdown('test'), n.shutdown('again')]);
  t.deepEqual(code, [1, 1]);
  t.is(await spinning, 1);
  t.deepEqual(order, ['second', 'first']);
  t.true(ticks >= 2, `${ticks} ticks`);
  t.is(once, 1);
  t.true(n.timerFailures >= 1);
  const after = ticks;
  await new Promise((r) => setTimeout(r, 30));
  t.is(ticks, after, 'no timer runs after shutdown');
  t.regex(log.lines.join(''), /ERROR.*timer callback failed: boom/);
  t.regex(log.lines.join(''), /INFO.*shutting down \(test\)/);
});

test('a shutdown hook that never finishes is abandoned after the deadline', async (t) => {
  const n = new TestNode(['--ros-args', '-p', 'id:=1'], { logSink: sink(), shutdownTimeoutMs: 50 });
  n.onShutdown(() => new Promise(() => {}));
  t.is(await n.shutdown('stuck'), 1);
});

test('SIGTERM stops a spinning node cleanly', async (t) => {
  const log = sink();
  const n = new TestNode(['--ros-args', '-p', 'id:=1'], { logSink: log, handleSignals: true });
  const spinning = n.spin();
  process.emit('SIGTERM');
  t.is(await spinning, 0);
  t.regex(log.lines.join(''), /shutting down \(SIGTERM\)/);
});

test('logger: ROS console format with the node name; levels from --log-level and BFTKVS_LOG', (t) => {
  const out = sink();
  const l = new Logger('replica_2', 'info', out, () => 1_700_000_000_123.456);
  l.debug('hidden');
  l.info('hello\nworld');
  l.warn('careful');
  t.deepEqual(out.lines, ['[INFO] [1700000000.123456] [replica_2]: hello\n    world\n', '[WARN] [1700000000.123456] [replica_2]: careful\n']);
  t.is(logLevelFor('replica_2', ['replica_2:=debug'], undefined), 'debug');
  t.is(logLevelFor('replica_2', ['replica_1:=debug'], 'warn'), 'warn');
  t.is(logLevelFor('replica_2', ['WARNING'], undefined), 'warn');
  t.is(logLevelFor('replica_2', [], 'nonsense'), 'info');
});
