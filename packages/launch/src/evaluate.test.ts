import test from 'ava';
import { join } from 'node:path';
import { TESTDATA, evalError, evalText, tempFiles, testResolver, withoutSource } from './_testKit.test.js';
import { LaunchError } from './errors.js';
import { evaluateLaunchFile, listLaunchArguments, parseLaunchArguments } from './evaluate.js';
import { loadNodeParameters, parseRosArgs } from './rosArgs.js';

const cluster = (ext: 'xml' | 'yaml', args: Record<string, string> = {}) =>
  evaluateLaunchFile(join(TESTDATA, `cluster.launch.${ext}`), { env: {}, resolveNode: testResolver, args });

// ---------------------------------------------------------------------------------------------
// The fixture pair

test('the YAML and XML forms of the same launch file give identical process specs', (t) => {
  const xml = cluster('xml');
  const yaml = cluster('yaml');
  t.deepEqual(yaml.processes.map(withoutSource), xml.processes.map(withoutSource));
  t.deepEqual(yaml.args, xml.args);
  // Element paths are the same in both forms too.
  t.deepEqual(
    yaml.processes.map((p) => p.source.path),
    xml.processes.map((p) => p.source.path),
  );
  t.deepEqual(
    xml.processes.map((p) => p.source.path),
    ['/launch/node[1]', '/launch/node[1]', '/launch/node[1]', '/launch/executable[1]'],
  );
});

test('the cluster fixture evaluates to the expected processes', (t) => {
  const r = cluster('xml');
  t.deepEqual(
    r.processes.map((p) => p.name),
    ['cluster/replica_1', 'cluster/replica_2', 'actuator', 'probe'],
  );
  const [r1, r2, act, probe] = r.processes;
  const params = join(TESTDATA, 'params', 'cluster.yaml');
  t.deepEqual(r1!.cmd, ['node', '/bin/replica.ts', '--ros-args', '-r', '__node:=replica_1', '-r', '__ns:=/cluster', '--params-file', params, '-p', 'replica_id:=1']);
  t.deepEqual(r1!.rosArgs?.params, { period_ms: 10, mode: 'agreed', 'cluster.replicas': 2, 'cluster.f': 0, in_cluster: true, replica_id: 1 });
  t.deepEqual(r2!.rosArgs?.params, { period_ms: 10, mode: 'fast', 'cluster.replicas': 2, 'cluster.f': 0, in_cluster: true, port: 7402, replica_id: 2 });
  t.is(r1!.respawn, true);
  t.is(r1!.respawnDelayMs, 1000);
  t.is(r1!.sigtermTimeoutMs, 2000);
  t.deepEqual(r1!.env, { BFTKVS_LOG: 'info' });
  t.is(r1!.source.file, join(TESTDATA, 'replica.launch.xml'));
  t.deepEqual(act!.rosArgs?.params, { key: 'throttle', period_ms: 10, gains: [0.5, 1, 2.5], label: '007', 'limits.min': 0, 'limits.max': 100, fast: true });
  t.deepEqual(act!.rosArgs?.remaps, [{ from: 'throttle_cmd', to: '/vehicle/throttle' }]);
  t.deepEqual(act!.env, { BFTKVS_LOG: 'info', BFTKVS_ROLE: 'actuator' });
  t.is(act!.output, 'screen');
  t.is(act!.rosArgs?.namespace, undefined);
  t.deepEqual(probe!.cmd, ['sh', '-c', 'echo $$ ready']);
  t.is(probe!.kind, 'executable');
  t.is(probe!.rosArgs, undefined);
  // `id` was set inside the group's scope only; `params` by the root's <let>.
  t.deepEqual(r.args, { mode: 'fast', with_actuator: 'true', period_ms: '10', params });
  t.deepEqual(r.files, [join(TESTDATA, 'cluster.launch.xml'), join(TESTDATA, 'replica.launch.xml'), params]);
});

test('each node reads its own parameters back from its argv (ros-args round trip)', (t) => {
  for (const ext of ['xml', 'yaml'] as const) {
    for (const spec of cluster(ext).processes) {
      if (spec.rosArgs === undefined) continue;
      const parsed = parseRosArgs(spec.cmd.slice(2));
      t.is(parsed.nodeName, spec.rosArgs.name);
      t.is(parsed.namespace, spec.rosArgs.namespace);
      t.deepEqual(parsed.remaps, spec.rosArgs.remaps.map((r) => ({ node: undefined, ...r })));
      t.deepEqual(parsed.paramsFiles, spec.rosArgs.paramsFiles);
      t.deepEqual(parsed.rest, []);
      t.deepEqual(loadNodeParameters(parsed, spec.rosArgs.fullyQualifiedName), spec.rosArgs.params, spec.name);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Arguments

test('command-line arguments override defaults, in included files too', (t) => {
  const r = cluster('yaml', { mode: 'crash', with_actuator: 'false', period_ms: '50' });
  t.deepEqual(
    r.processes.map((p) => p.name),
    ['cluster/replica_1', 'cluster/replica_2'],
  );
  t.is(r.args.mode, 'crash');
  t.deepEqual(r.warnings, []);
  // An argument the include passes wins over the command line inside the included file.
  const r2 = cluster('xml', { id: '9' });
  t.deepEqual(r2.processes.slice(0, 2).map((p) => p.rosArgs?.name), ['replica_1', 'replica_2']);
});

test('arguments: choices, undeclared names and malformed overrides', (t) => {
  const e = t.throws(() => cluster('xml', { mode: 'paxos' }), { instanceOf: LaunchError });
  t.regex(e.message, /cluster\.launch\.xml:\d+:\d+ \/launch\/arg\[1\]: launch argument "mode" is "paxos"; valid choices: fast, agreed, crash/);
  t.deepEqual(cluster('yaml', { modee: 'fast' }).warnings, ['launch argument "modee" is not declared by any launch file read']);
  t.throws(() => parseLaunchArguments(['mode=fast']), { message: /name:=value/ });
  t.deepEqual(parseLaunchArguments(['a:=1', 'b:=x:=y', 'c:=']), { a: '1', b: 'x:=y', c: '' });
});

test('a required argument without a value is a clear error', (t) => {
  const xml = evalError('r.launch.xml', '<launch><arg name="id" description="replica index"/><executable cmd="true"/></launch>');
  t.regex(xml, /r\.launch\.xml:1:\d+ \/launch\/arg\[1\]: required launch argument "id" \(replica index\) was not provided: pass id:=VALUE/);
  const yaml = evalError('r.launch.yaml', 'launch:\n- arg: {name: id}\n');
  t.regex(yaml, /r\.launch\.yaml:2:3 \/launch\/arg\[1\]: required launch argument "id" was not provided/);
  t.is(evalText('r.launch.yaml', 'launch:\n- arg: {name: id}\n', { args: ['id:=3'] }).args.id, '3');
  // An include must pass what the included file requires.
  const inc = evalError('main.launch.xml', '<launch><include file="inner.launch.xml"/></launch>', {}, { 'inner.launch.xml': '<launch><arg name="id"/></launch>' });
  t.regex(inc, /\/launch\/include\[1\]: included launch file requires argument "id": pass <arg name="id" value="..."\/> in the <include>/);
});

// ---------------------------------------------------------------------------------------------
// Substitutions

test('substitutions: var, env, optenv, dirname, filename, find-pkg-share, eval, logic', (t) => {
  const t1 = tempFiles({
    'sub.launch.yaml': `launch:
- arg: {name: x, default: 'a b'}
- let: {name: y, value: "$(var x)-$(env HOME_X 'def $(var x)')"}
- let: {name: z, value: $(optenv NOPE)|$(optenv NOPE fallback)|$(env PRESENT)}
- let: {name: d, value: $(dirname)}
- let: {name: f, value: $(filename)}
- let: {name: s, value: $(find-pkg-share bftkvs)/launch}
- let: {name: e, value: "$(eval '2 * 3 + 1') $(eval '7 / 2') $(eval \\"'$(var x)' == 'a b'\\")"}
- let: {name: l, value: $(not false) $(and true off) $(or false True) $(equals $(var x) 'a b')}
- let: {name: q, value: '''quoted'' \\$(var x) cost$5'}
- log: {message: "y=$(var y) z=$(var z)"}
- log: {message: "d=$(var d) f=$(var f) s=$(var s)"}
- log: {message: "e=$(var e) l=$(var l) q=$(var q)"}
`,
  });
  try {
    const r = evaluateLaunchFile(t1.path('sub.launch.yaml'), { env: { PRESENT: 'here' }, findPackageShare: (p) => (p === 'bftkvs' ? '/share/bftkvs' : undefined) });
    t.deepEqual(
      r.logs.map((l) => l.message),
      [
        'y=a b-def a b z=|fallback|here',
        `d=${t1.dir} f=${t1.path('sub.launch.yaml')} s=/share/bftkvs/launch`,
        "e=7 3.5 True l=true false true true q='quoted' $(var x) cost$5",
      ],
    );
  } finally {
    t1.cleanup();
  }
  t.regex(evalError('s.launch.xml', '<launch><log message="$(env NOT_SET_ANYWHERE)"/></launch>'), /\$\(env NOT_SET_ANYWHERE\): environment variable NOT_SET_ANYWHERE is not set/);
  t.regex(evalError('s.launch.xml', '<launch><log message="$(var nope)"/></launch>'), /\/launch\/log\[1\]: \$\(var nope\): launch configuration "nope" is not set/);
  t.regex(evalError('s.launch.xml', '<launch><log message="$(find-pkg-share other)"/></launch>'), /package "other" not found/);
  t.regex(evalError('s.launch.xml', '<launch><log message="$(eval \'__import__(1)\')"/></launch>'), /name '__import__' is not available/);
  t.regex(evalError('s.launch.xml', '<launch><log message="$(not maybe)"/></launch>'), /\$\(not\) must be a boolean/);
  // $(anon) is stable within one launch.
  const anon = evalText('a.launch.xml', '<launch><log message="$(anon n) $(anon n) $(anon m)"/></launch>').logs[0]!.message.split(' ');
  t.is(anon[0], anon[1]);
  t.not(anon[0], anon[2]);
  t.regex(anon[0]!, /^n_\d+_[0-9a-f]{8}$/);
});

test('substitution values are not split into words; literal text is, like a shell', (t) => {
  const r = evalText(
    'w.launch.xml',
    `<launch>
      <arg name="p" default="/dir with space/x"/>
      <arg name="empty" default=""/>
      <executable cmd="prog --path=$(var p) 'two words' a\\ b $(var empty) &quot;q $(var p)&quot;" name="w"/>
      <executable cmd="echo $(var p) | cat" shell="true" name="sh"/>
    </launch>`,
  );
  t.deepEqual(r.processes[0]!.cmd, ['prog', '--path=/dir with space/x', 'two words', 'a b', 'q /dir with space/x']);
  t.deepEqual(r.processes[1]!.cmd, ['/bin/sh', '-c', 'echo /dir with space/x | cat']);
  t.regex(evalError('w.launch.xml', `<launch><executable cmd="echo 'open"/></launch>`), /\/launch\/executable\[1\]: unterminated '-quote/);
});

// ---------------------------------------------------------------------------------------------
// Groups and namespaces

test('groups scope configurations, the ROS namespace and the environment', (t) => {
  const r = evalText(
    'g.launch.xml',
    `<launch>
      <let name="v" value="outer"/>
      <group>
        <push_ros_namespace namespace="a"/>
        <let name="v" value="inner"/>
        <set_env name="E" value="1"/>
        <group>
          <push-ros-namespace namespace="b/c"/>
          <node pkg="bftkvs" exec="sensor" name="s1"/>
          <node pkg="bftkvs" exec="sensor" name="s2" namespace="rel"/>
          <node pkg="bftkvs" exec="sensor" name="s3" namespace="/abs"/>
        </group>
        <node pkg="bftkvs" exec="sensor" name="s4"/>
        <log message="$(var v)"/>
      </group>
      <node pkg="bftkvs" exec="sensor" name="s5"/>
      <node pkg="bftkvs" exec="controller"/>
      <group scoped="false">
        <push_ros_namespace namespace="leaky"/>
        <let name="v" value="leaked"/>
      </group>
      <node pkg="bftkvs" exec="sensor" name="s6"/>
      <log message="$(var v)"/>
      <let name="kept" value="k"/>
      <group forwarding="false">
        <keep name="kept" value="$(var kept)"/>
        <log message="$(var kept)"/>
        <log message="$(optenv E none)"/>
      </group>
    </launch>`,
    { env: { E: 'base' } },
  );
  t.deepEqual(
    r.processes.map((p) => [p.name, p.rosArgs?.namespace, p.rosArgs?.fullyQualifiedName, p.env.E]),
    [
      ['a/b/c/s1', '/a/b/c', '/a/b/c/s1', '1'],
      ['a/b/c/rel/s2', '/a/b/c/rel', '/a/b/c/rel/s2', '1'],
      ['abs/s3', '/abs', '/abs/s3', '1'],
      ['a/s4', '/a', '/a/s4', '1'],
      ['s5', undefined, '/s5', undefined],
      ['controller', undefined, '/controller', undefined],
      ['leaky/s6', '/leaky', '/leaky/s6', undefined],
    ],
  );
  t.deepEqual(
    r.logs.map((l) => l.message),
    ['inner', 'leaked', 'k', 'base'],
  );
  // No name: no -r __node (ros2 launch passes none either); the namespace still goes.
  t.deepEqual(r.processes[5]!.cmd, ['node', '/bin/controller.ts', '--ros-args']);
  t.deepEqual(r.processes[6]!.cmd.slice(-4), ['-r', '__node:=s6', '-r', '__ns:=/leaky']);
});

test('environment actions: set, unset, append, and per-process env', (t) => {
  const r = evalText(
    'e.launch.yaml',
    `launch:
- set_env: {name: A, value: '1'}
- unset_env: {name: DROP}
- append_env: {name: PATHLIKE, value: /x}
- append_env: {name: PATHLIKE, value: /first, prepend: true}
- append_env: {name: NEW, value: v, separator: ';'}
- executable:
    cmd: env
    env: [{name: B, value: $(env A)}, {name: DROP, value: back}]
- executable: {cmd: env, name: env2}
`,
    { env: { DROP: 'x', PATHLIKE: '/base', KEEP: 'k' } },
  );
  t.deepEqual(r.processes[0]!.env, { A: '1', PATHLIKE: '/first:/base:/x', NEW: 'v', B: '1', DROP: 'back' });
  t.deepEqual(r.processes[0]!.unsetEnv, []);
  t.deepEqual(r.processes[1]!.unsetEnv, ['DROP']);
});

// ---------------------------------------------------------------------------------------------
// Includes

test('include passes arguments, resolves paths against the including file, and does not scope', (t) => {
  const r = evalText(
    'main.launch.yaml',
    `launch:
- include:
    file: sub/inner.launch.xml
    arg: [{name: who, value: first}]
- log: {message: "after include: who=$(var who) set_inside=$(var set_inside)"}
- group:
    children:
    - include:
        file: $(dirname)/sub/inner.launch.xml
        arg: [{name: who, value: second}]
- log: {message: "after group: who=$(var who)"}
`,
    {},
    {
      'sub/inner.launch.xml': `<launch>
        <arg name="who"/>
        <let name="set_inside" value="yes"/>
        <executable cmd="echo $(var who) $(dirname)" name="$(var who)"/>
      </launch>`,
    },
  );
  t.deepEqual(
    r.processes.map((p) => p.name),
    ['first', 'second'],
  );
  t.true(r.processes[0]!.cmd[2]!.endsWith('/sub'));
  t.deepEqual(
    r.logs.map((l) => l.message),
    ['after include: who=first set_inside=yes', 'after group: who=first'],
  );
});

test('include cycles and include depth are refused with the include chain', (t) => {
  const cycle = evalError('a.launch.xml', '<launch><include file="b.launch.xml"/></launch>', {}, { 'b.launch.xml': '<launch><group><include file="a.launch.xml"/></group></launch>' });
  t.regex(cycle, /b\.launch\.xml:1:\d+ \/launch\/group\[1\]\/include\[1\]: include cycle: a\.launch\.xml -> b\.launch\.xml -> a\.launch\.xml\n {2}included from .*a\.launch\.xml:1:\d+ \/launch\/include\[1\]/);
  const chain: Record<string, string> = {};
  for (let i = 0; i < 30; i++) chain[`f${i}.launch.xml`] = `<launch><include file="f${i + 1}.launch.xml"/></launch>`;
  chain['f30.launch.xml'] = '<launch/>';
  const deep = evalError('root.launch.xml', '<launch><include file="f0.launch.xml"/></launch>', {}, chain);
  t.regex(deep, /includes nested deeper than 16/);
  t.is((deep.match(/included from/g) ?? []).length, 16);
  // Fan-out: each file includes the next twice, 2^12 actions; the action bound stops it.
  const fan: Record<string, string> = {};
  for (let i = 0; i < 12; i++) fan[`g${i}.launch.yaml`] = `launch:\n- include: {file: g${i + 1}.launch.yaml}\n- include: {file: g${i + 1}.launch.yaml}\n`;
  fan['g12.launch.yaml'] = 'launch:\n- log: {message: leaf}\n';
  t.regex(evalError('g.launch.yaml', 'launch:\n- include: {file: g0.launch.yaml}\n', { limits: { maxActions: 1000 } }, fan), /more than 1000 actions evaluated/);
  // Doubling a value with <let> is bounded too.
  const doubling = Array.from({ length: 40 }, () => '<let name="v" value="$(var v)$(var v)"/>').join('');
  t.regex(evalError('d.launch.xml', `<launch><let name="v" value="x"/>${doubling}</launch>`), /\/launch\/let\[22\]: a substituted value grew past 1048576 characters/);
  t.regex(evalError('m.launch.xml', '<launch><include file="missing.launch.xml"/></launch>'), /missing\.launch\.xml: cannot read launch file: .*no such file/i);
  t.regex(evalError('m.launch.xml', '<launch><include file="x.launch.py"/></launch>', {}, { 'x.launch.py': 'import launch' }), /Python launch files are not supported/);
});

// ---------------------------------------------------------------------------------------------
// Params

test('params files: node-name matching, wildcards, precedence, allow_substs and errors', (t) => {
  const files = {
    'p.yaml': `/**:
  ros__parameters: {a: 1, b: 1, c: 1}
/ns/n1:
  ros__parameters: {b: 2}
ns:
  '*':
    ros__parameters: {c: 3, nested: {deep: [1, 2]}}
/**/n2:
  ros__parameters: {d: 4}
`,
    'later.yaml': `/**:
  ros__parameters: {b: 99, e: 5}
`,
    'subst.yaml': `/**:
  ros__parameters: {mode: $(var mode)}
`,
  };
  const r = evalText(
    'p.launch.xml',
    `<launch>
      <let name="mode" value="agreed"/>
      <group><push_ros_namespace namespace="ns"/>
        <node pkg="bftkvs" exec="replica" name="n1">
          <param name="b" value="0"/>
          <param from="p.yaml"/>
          <param from="later.yaml"/>
          <param from="subst.yaml" allow_substs="true"/>
        </node>
        <node pkg="bftkvs" exec="replica" name="n2"><param from="$(dirname)/p.yaml"/></node>
      </group>
      <node pkg="bftkvs" exec="replica" name="n3"><param from="p.yaml"/></node>
    </launch>`,
    {},
    files,
  );
  const [n1, n2, n3] = r.processes.map((p) => p.rosArgs!.params);
  // Wildcard entries first (in order), then exact ones: the exact /ns/n1 b=2 beats the later
  // wildcard b=99, and the inline b=0 (earlier, exact) loses to it too.
  t.deepEqual(n1, { a: 1, b: 2, c: 3, 'nested.deep': [1, 2], e: 5, mode: 'agreed' });
  t.deepEqual(n2, { a: 1, b: 1, c: 3, 'nested.deep': [1, 2], d: 4 });
  t.deepEqual(n3, { a: 1, b: 1, c: 1 });
  t.regex(evalError('x.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param from="nope.yaml"/></node></launch>'), /\/launch\/node\[1\]\/param\[1\]: cannot read params file/);
  t.regex(
    evalError('x.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param from="bad.yaml"/></node></launch>', {}, { 'bad.yaml': 'ros__parameters: {a: 1}\n' }),
    /"ros__parameters" must sit under a node name/,
  );
  t.regex(
    evalError('x.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param from="bad.yaml"/></node></launch>', {}, { 'bad.yaml': '/**:\n  ros__parameters: {a: [1, x]}\n' }),
    /mixes types/,
  );
  t.regex(
    evalError('x.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param from="bad.yaml"/></node></launch>', {}, { 'bad.yaml': '/**:\n  ros__parameters: {a: 1\n' }),
    /bad\.yaml:\d+:\d+: malformed YAML/,
  );
});

test('inline params are typed by YAML rules in both front ends', (t) => {
  const xml = evalText(
    'v.launch.xml',
    `<launch><arg name="n" default="4"/><node pkg="bftkvs" exec="r" name="r">
      <param name="i" value="1"/><param name="f" value="1.5"/><param name="b" value="True"/>
      <param name="s" value="'1'"/><param name="t" value="hello world"/><param name="sub" value="$(var n)"/>
      <param name="subs" value="x$(var n)"/><param name="list" value="a,b,c" value-sep=","/>
      <param name="nums" value="[1, $(var n)]"/><param name="neg" value="-3"/>
    </node></launch>`,
  );
  const yaml = evalText(
    'v.launch.yaml',
    `launch:
- arg: {name: n, default: '4'}
- node:
    pkg: bftkvs
    exec: r
    name: r
    param:
    - {name: i, value: 1}
    - {name: f, value: 1.5}
    - {name: b, value: true}
    - {name: s, value: '1'}
    - {name: t, value: hello world}
    - {name: sub, value: $(var n)}
    - {name: subs, value: x$(var n)}
    - {name: list, value: [a, b, c]}
    - {name: nums, value: [1, $(var n)]}
    - {name: neg, value: -3}
`,
  );
  const want = { i: 1, f: 1.5, b: true, s: '1', t: 'hello world', sub: 4, subs: 'x4', list: ['a', 'b', 'c'], nums: [1, 4], neg: -3 };
  t.deepEqual(xml.processes[0]!.rosArgs!.params, want);
  t.deepEqual(yaml.processes[0]!.rosArgs!.params, want);
  t.deepEqual(withoutSource(xml.processes[0]!), withoutSource(yaml.processes[0]!));
  t.regex(evalError('v.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param name="x" value="a: b"/></node></launch>'), /is a mapping/);
  t.regex(evalError('v.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param name="x" value=""/></node></launch>'), /empty parameter value/);
  t.regex(evalError('v.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param name="x"/></node></launch>'), /<param> needs a "value"/);
  t.regex(evalError('v.launch.xml', '<launch><node pkg="bftkvs" exec="r"><param name="x" from="f.yaml"/></node></launch>'), /takes no name, value or nested/);
});

// ---------------------------------------------------------------------------------------------
// Conditions

test('if and unless accept true/false/1/0 in any case and nothing else', (t) => {
  const r = evalText(
    'c.launch.xml',
    `<launch>
      <executable cmd="a" if="true"/><executable cmd="b" if="1"/><executable cmd="c" if="TRUE"/>
      <executable cmd="d" if="false"/><executable cmd="e" unless="0"/><executable cmd="f" unless="True"/>
      <group if="false"><executable cmd="g"/><arg name="never_required"/></group>
      <executable cmd="h" if="$(eval '1 &lt; 2 and 3 &gt;= 3')"/>
    </launch>`,
  );
  t.deepEqual(
    r.processes.map((p) => p.name),
    ['a', 'b', 'c', 'e', 'h'],
  );
  t.regex(evalError('c.launch.xml', '<launch><executable cmd="a" if="yes"/></launch>'), /"if" must evaluate to true, false, 1 or 0, got "yes"/);
  t.regex(evalError('c.launch.xml', '<launch><executable cmd="a" if="true" unless="false"/></launch>'), /has both "if" and "unless"/);
  t.regex(evalError('c.launch.yaml', 'launch:\n- executable: {cmd: a, if: true}\n'), /attribute "if" of <executable> must be a string, got true — quote it \(if: 'true'\)/);
});

// ---------------------------------------------------------------------------------------------
// Processes

test('node and executable process attributes', (t) => {
  const r = evalText(
    'p.launch.xml',
    `<launch>
      <node pkg="bftkvs" exec="replica" name="r" exec_name="replica-one" args="--verbose 'a b'" ros_args="--log-level debug"
            launch-prefix="nice -n 5" cwd="/tmp" output="both" respawn="true" respawn_delay="0.25" respawn_max_retries="-1"
            sigterm_timeout="1" sigkill_timeout="0.5" on_exit="shutdown" emulate_tty="true"/>
      <executable cmd="x" respawn_max_retries="3" output="own_log"/>
      <executable cmd="x"/>
      <node exec="/usr/bin/plain" name="plain"/>
    </launch>`,
  );
  const [n, x1, x2, plain] = r.processes;
  t.deepEqual(n!.cmd, ['nice', '-n', '5', 'node', '/bin/replica.ts', '--verbose', 'a b', '--ros-args', '--log-level', 'debug', '--ros-args', '-r', '__node:=r']);
  t.like(n, { name: 'replica-one', cwd: '/tmp', output: 'both', respawn: true, respawnDelayMs: 250, respawnMaxRetries: -1, sigtermTimeoutMs: 1000, sigkillTimeoutMs: 500, shutdownOnExit: true });
  t.like(x1, { name: 'x', respawnMaxRetries: 3, output: 'log' });
  t.is(x2!.name, 'x-2');
  t.deepEqual(plain!.cmd, ['/usr/bin/plain', '--ros-args', '-r', '__node:=plain']);
  t.regex(evalError('p.launch.xml', '<launch><node pkg="other" exec="x"/></launch>'), /\/launch\/node\[1\]: unknown package other/);
  t.regex(evalError('p.launch.xml', '<launch><node pkg="bftkvs" exec="x" name="bad-name"/></launch>'), /invalid node name "bad-name"/);
  t.regex(evalError('p.launch.xml', '<launch><node pkg="bftkvs" exec="x" namespace="a//b"/></launch>'), /invalid node namespace/);
  t.regex(evalError('p.launch.xml', '<launch><executable cmd="x" output="loud"/></launch>'), /output must be screen, log, both or own_log, got "loud"/);
  t.regex(evalError('p.launch.xml', '<launch><executable cmd="x" respawn="maybe"/></launch>'), /respawn must be a boolean/);
  t.regex(evalError('p.launch.xml', '<launch><executable cmd="x" on_exit="restart"/></launch>'), /on_exit="restart" is not supported/);
  t.regex(evalError('p.launch.xml', '<launch><executable cmd="x" respawn_delay="-1"/></launch>'), /"respawn_delay" of <executable> must be a non-negative number of seconds/);
});

test('listLaunchArguments lists declared arguments, through fixed-path includes', (t) => {
  const args = listLaunchArguments(join(TESTDATA, 'cluster.launch.xml'));
  t.deepEqual(
    args.map((a) => [a.name, a.default, a.description, a.choices, a.conditional]),
    [
      ['mode', 'fast', 'protocol mode', ['fast', 'agreed', 'crash'], false],
      ['with_actuator', 'true', 'start the actuator', undefined, false],
      ['period_ms', '10', undefined, undefined, false],
      ['id', undefined, 'replica index', undefined, false],
      ['params', undefined, undefined, undefined, false],
    ],
  );
  t.is(args[3]!.file, join(TESTDATA, 'replica.launch.xml'));
});
