import test from 'ava';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, bftkvsNodeResolver, runLaunchCommand } from './launch.js';

function workspace(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bftkvs-cli-launch-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function capture(): { out: string[]; err: string[]; io: { stdout: { write: (s: string) => number }; stderr: { write: (s: string) => number } } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } };
}

const LAUNCH = `<launch>
  <arg name="greeting" default="hello" description="what to say"/>
  <arg name="n" description="how many"/>
  <executable cmd="${process.execPath} -e &quot;console.log('$(var greeting) ' + $(var n))&quot;" name="talker" output="screen"/>
  <node pkg="bftkvs" exec="replica" name="replica_1" if="$(eval '$(var n) &gt; 1')"><param name="id" value="1"/></node>
</launch>`;

test('bftkvs node resolver: known executables run from source, unknown ones are named', (t) => {
  const w = workspace({ 'bin/replica.ts': '', 'bin/sensor.ts': '', 'bin/replica.test.ts': '' });
  try {
    const resolve = bftkvsNodeResolver(join(w.dir, 'bin'));
    const cmd = resolve({ pkg: 'bftkvs', exec: 'replica', loc: { file: 'f', path: '' } });
    t.deepEqual(cmd.slice(0, 3), [process.execPath, '--conditions=@bftkvs/source', '--import']);
    t.regex(cmd[3]!, /tsx/);
    t.is(cmd[4], join(w.dir, 'bin', 'replica.ts'));
    t.throws(() => resolve({ pkg: 'bftkvs', exec: 'controller', loc: { file: 'f', path: '' } }), { message: "unknown bftkvs executable 'controller' (known: replica, sensor)" });
    t.throws(() => resolve({ pkg: 'bftkvs', exec: '../x', loc: { file: 'f', path: '' } }), { message: /unknown bftkvs executable '\.\.\/x'/ });
    t.throws(() => resolve({ pkg: 'demo_nodes_cpp', exec: 'talker', loc: { file: 'f', path: '' } }), { message: /package "demo_nodes_cpp" is not available without ROS 2/ });
    t.deepEqual(resolve({ pkg: undefined, exec: '/usr/bin/true', loc: { file: 'f', path: '' } }), ['/usr/bin/true']);
    const none = bftkvsNodeResolver(join(w.dir, 'nothing-here'));
    t.throws(() => none({ pkg: 'bftkvs', exec: 'replica', loc: { file: 'f', path: '' } }), { message: /unknown bftkvs executable 'replica' \(known: none: .* has no executables yet\)/ });
  } finally {
    w.cleanup();
  }
});

test('launch --show-args and --print resolve without starting anything', async (t) => {
  const w = workspace({ 'demo.launch.xml': LAUNCH, 'bin/replica.ts': '' });
  try {
    const file = join(w.dir, 'demo.launch.xml');
    const a = capture();
    t.is(await runLaunchCommand(file, [], { showArgs: true }, a.io), 0);
    t.regex(a.out.join(''), /greeting {2}what to say \(default: hello\)\n {2}n {9}how many \(required\)\n/);
    const p = capture();
    t.is(await runLaunchCommand(file, ['n:=2'], { print: true }, { ...p.io, nodesBinDir: join(w.dir, 'bin') }), 0);
    const text = p.out.join('');
    t.regex(text, /^2 processes from .*demo\.launch\.xml\narguments: greeting:=hello n:=2\n/);
    t.regex(text, /\[replica_1\] node bftkvs\/replica as \/replica_1 \(output log\)\n {2}cmd: .* --ros-args -r __node:=replica_1 -p id:=1\n {2}params: id=1\n/);
    const j = capture();
    await runLaunchCommand(file, ['n:=1'], { print: true, json: true }, { ...j.io, nodesBinDir: join(w.dir, 'bin') });
    const parsed = JSON.parse(j.out.join('')) as { processes: { name: string }[] };
    t.deepEqual(
      parsed.processes.map((x) => x.name),
      ['talker'],
    );
    // The node programs do not exist yet: the error says which ones do.
    await t.throwsAsync(runLaunchCommand(file, ['n:=2'], { print: true }, { ...capture().io, nodesBinDir: join(w.dir, 'empty') }), {
      message: /demo\.launch\.xml:5:\d+ \/launch\/node\[1\]: unknown bftkvs executable 'replica' \(known: none/,
    });
    await t.throwsAsync(runLaunchCommand(file, [], { print: true }, capture().io), { message: /required launch argument "n" \(how many\) was not provided: pass n:=VALUE/ });
  } finally {
    w.cleanup();
  }
});

test('launch runs the processes and returns their exit code', async (t) => {
  const w = workspace({ 'demo.launch.xml': LAUNCH });
  try {
    const c = capture();
    const code = await runLaunchCommand(join(w.dir, 'demo.launch.xml'), ['n:=1', 'greeting:=hi', 'typo:=1'], {}, c.io);
    t.is(code, 0);
    t.true(c.out.includes('[talker] hi 1\n'));
    t.true(c.err.includes('bftkvs launch: warning: launch argument "typo" is not declared by any launch file read\n'));
  } finally {
    w.cleanup();
  }
});

test('REPO_ROOT is the repository root ($(find-pkg-share bftkvs))', (t) => {
  t.true(existsSync(join(REPO_ROOT, 'pnpm-workspace.yaml')));
  t.true(existsSync(join(REPO_ROOT, 'launch')));
});
