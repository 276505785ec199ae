/**
 * The parser against hostile and mistaken input: every refusal names the file, the element
 * path and (when known) the line, and nothing is ever half-accepted.
 */
import test from 'ava';
import { evalError, tempFiles } from './_testKit.test.js';
import { parseLaunchFile, parseLaunchText } from './ast.js';
import { LaunchError } from './errors.js';

const err = (name: string, text: string, limits = {}): string => {
  try {
    parseLaunchText(text, name, { limits });
  } catch (e) {
    t0(e);
    return (e as Error).message;
  }
  throw new Error('expected a LaunchError');
};
const t0 = (e: unknown): void => {
  if (!(e instanceof LaunchError)) throw e;
};

test('malformed YAML and XML are refused with the line', (t) => {
  t.regex(err('bad.launch.yaml', 'launch:\n- node: {pkg: x\n'), /^bad\.launch\.yaml:\d+:\d+: malformed YAML: /);
  t.regex(err('bad.launch.yaml', 'launch:\n\t- node: {}\n'), /^bad\.launch\.yaml:2:1: malformed YAML: /);
  t.regex(err('dup.launch.yaml', 'launch:\n- node: {exec: a, exec: b}\n'), /malformed YAML: Map keys must be unique/);
  t.regex(err('bad.launch.xml', '<launch>\n  <node pkg="x">\n</launch>\n'), /^bad\.launch\.xml:3:\d+ \/launch(\/node\[1\])?: malformed XML: unexpected close tag/);
  t.regex(err('bad.launch.xml', '<launch><node exec="a" exec="b"/></launch>'), /malformed XML: .*duplicate attribute/i);
  t.regex(err('bad.launch.xml', ''), /malformed XML|no root element/);
  t.regex(err('bad.launch.xml', '<launch>text</launch>'), /\/launch: unexpected text "text"/);
  t.regex(err('bad.launch.xml', '<launch/><launch/>'), /malformed XML/);
  t.regex(err('bin.launch.xml', '<launch>\u0000\u0001</launch>'), /malformed XML/);
});

test('the root must be <launch> / "launch:"', (t) => {
  t.regex(err('r.launch.xml', '<group/>'), /the root element must be <launch>, found <group>/);
  t.regex(err('r.launch.yaml', 'nodes: []\n'), /a YAML launch file must be a mapping with the single key "launch"/);
  t.regex(err('r.launch.yaml', 'launch: []\nextra: 1\n'), /single key "launch"/);
  t.regex(err('r.launch.yaml', '- launch\n'), /single key "launch"/);
  t.deepEqual(parseLaunchText('launch:\n', 'empty.launch.yaml').actions, []);
  t.deepEqual(parseLaunchText('<launch version="0.1.1"/>', 'empty.launch.xml').actions, []);
});

test('unknown tags and attributes are refused with the element path, in both front ends', (t) => {
  t.is(err('u.launch.xml', '<launch>\n<group>\n<nodee pkg="bftkvs" exec="replica"/>\n</group>\n</launch>'), 'u.launch.xml:3:1 /launch/group[1]/nodee[1]: unknown action <nodee> (supported: arg, let, node, executable, group, push_ros_namespace, include, set_env, unset_env, append_env, log)');
  t.regex(err('u.launch.yaml', 'launch:\n- group:\n    children:\n    - nodee: {exec: x}\n'), /^u\.launch\.yaml:4:7 \/launch\/group\[1\]\/nodee\[1\]: unknown action <nodee>/);
  t.regex(err('u.launch.xml', '<launch><node pkg="bftkvs" exec="r" nmae="x"/></launch>'), /\/launch\/node\[1\]: unknown attribute "nmae" on <node> \(allowed: pkg, exec, name, namespace, exec_name, args, ros_args, cwd, output/);
  t.regex(err('u.launch.yaml', 'launch:\n- node: {pkg: bftkvs, exec: r, nmae: x}\n'), /u\.launch\.yaml:2:3 \/launch\/node\[1\]: unknown attribute "nmae" on <node>/);
  t.regex(err('u.launch.xml', '<launch><node exec="r"><parm name="a" value="1"/></node></launch>'), /\/launch\/node\[1\]\/parm\[1\]: unexpected <parm> inside <node> \(allowed: <param>, <remap>, <env>\)/);
  t.regex(err('u.launch.xml', '<launch><arg name="a" value="1"/></launch>'), /unknown attribute "value" on <arg> .* use <let name="\.\.\." value="\.\.\."\/> to set one/);
  t.regex(err('u.launch.xml', '<launch><timer period="1"/></launch>'), /<timer> is a ROS 2 launch action that bftkvs launch does not support/);
  t.regex(err('u.launch.xml', '<launch><node/></launch>'), /\/launch\/node\[1\]: <node> is missing the required attribute "exec"/);
  t.regex(err('u.launch.xml', '<launch><include file="x"><arg name="a"/></include></launch>'), /\/launch\/include\[1\]\/arg\[1\]: <arg> of <include> is missing the required attribute "value"/);
  t.regex(err('u.launch.xml', '<launch><group scoped="maybe"/></launch>'), /attribute "scoped" of <group> must be true or false, got "maybe"/);
  t.regex(err('u.launch.yaml', 'launch:\n- node: {pkg: bftkvs, exec: r, param: {name: a}}\n'), /attribute "param" of <node> is a mapping/);
  t.regex(err('u.launch.yaml', 'launch:\n- node: {pkg: bftkvs, exec: r}\n  extra: 1\n'), /exactly one key, the action name/);
});

test('YAML string attributes must be strings, as ros2 launch requires', (t) => {
  t.regex(err('y.launch.yaml', 'launch:\n- arg: {name: n, default: 4}\n'), /attribute "default" of <arg> must be a string, got 4 — quote it \(default: '4'\): ros2 launch refuses a YAML number here/);
  t.regex(err('y.launch.yaml', 'launch:\n- node: {exec: r, respawn: true}\n'), /attribute "respawn" of <node> must be a string, got true — quote it/);
  t.regex(err('y.launch.yaml', 'launch:\n- include: {file: x, arg: [{name: a, value: 1}]}\n'), /attribute "value" of <arg> must be a string, got 1 — quote it \(value: '1'\)/);
  // Typed attributes take YAML types (and their text forms).
  t.notThrows(() => parseLaunchText("launch:\n- executable: {cmd: x, shell: true, respawn_delay: 2, sigterm_timeout: '1.5'}\n", 'ok.launch.yaml'));
});

test('substitution syntax errors are found while parsing, with the element', (t) => {
  t.regex(err('s.launch.xml', '<launch><let name="a" value="$(var b"/></launch>'), /\/launch\/let\[1\]: attribute "value" of <let>: unterminated \$\(var \.\.\.\): missing "\)"/);
  t.regex(err('s.launch.xml', '<launch><let name="a" value="$(bogus x)"/></launch>'), /unknown substitution \$\(bogus\) \(supported: var, env, /);
  t.regex(err('s.launch.xml', '<launch><let name="a" value="$(command ls)"/></launch>'), /\$\(command\) is not supported: bftkvs launch does not run commands/);
  t.regex(err('s.launch.xml', '<launch><let name="a" value="$(var a b)"/></launch>'), /\$\(var\) takes 1 argument, got 2/);
  t.regex(err('s.launch.xml', '<launch><let name="a" value="$(eval \'1\' \'math\')"/></launch>'), /no Python modules are available/);
  const deep = `${'$(var '.repeat(100)}x${')'.repeat(100)}`;
  t.regex(err('s.launch.xml', `<launch><let name="a" value="${deep}"/></launch>`), /substitutions nested deeper than 64/);
});

test('hostile input: size limits, nesting, DOCTYPE and entity tricks, YAML aliases', (t) => {
  const big = `<launch>${'<!-- padding -->'.repeat(80_000)}</launch>`;
  t.regex(err('big.launch.xml', big), /launch file is larger than the 1048576-byte limit/);
  t.regex(err('small.launch.yaml', 'launch:\n- log: {message: hello}\n', { maxFileBytes: 10 }), /larger than the 10-byte limit/);
  const files = tempFiles({ 'huge.launch.xml': big });
  try {
    // The size is checked before the file is read.
    t.throws(() => parseLaunchFile(files.path('huge.launch.xml')), { message: /huge\.launch\.xml: launch file is \d+ bytes, over the 1048576-byte limit/ });
    t.throws(() => parseLaunchFile(files.dir), { message: /cannot read launch file: not a regular file/ });
  } finally {
    files.cleanup();
  }
  const nested = `<launch>${'<group>'.repeat(200)}${'</group>'.repeat(200)}</launch>`;
  t.regex(err('n.launch.xml', nested), /elements nested deeper than 64/);
  const nestedYaml = `launch:\n${Array.from({ length: 80 }, (_, i) => `${'  '.repeat(2 * i)}- group:\n${'  '.repeat(2 * i + 2)}children:`).join('\n')} []\n`;
  t.regex(err('n.launch.yaml', nestedYaml), /nested deeper than 64/);
  const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><launch><log message="&lol2;"/></launch>';
  t.regex(err('bomb.launch.xml', bomb), /DOCTYPE is not allowed|malformed XML/);
  t.regex(err('ent.launch.xml', '<launch><log message="&nope;"/></launch>'), /malformed XML: .*undefined entity/i);
  t.regex(err('alias.launch.yaml', 'launch:\n- log: &m {message: hi}\n- log: *m\n'), /YAML aliases are not supported in launch files/);
  t.regex(err('proto.launch.yaml', 'launch:\n- log: {message: x, __proto__: {a: 1}}\n'), /__proto__/);
  t.regex(evalError('py.launch.py', 'from launch import LaunchDescription\n'), /Python launch files are not supported by bftkvs launch/);
});

test('XML escapes and comments are handled; attribute order does not matter', (t) => {
  const f = parseLaunchText('<?xml version="1.0"?>\n<!-- c -->\n<launch><!-- c --><log message="a &lt; b &amp; &#x41;" if="true"/></launch>', 'ok.launch.xml');
  const a = f.actions[0]!;
  t.is(a.kind, 'log');
  t.deepEqual(a.kind === 'log' ? a.message : [], ['a < b & A']);
  t.deepEqual(a.loc, { file: 'ok.launch.xml', path: '/launch/log[1]', line: 3, column: 19 });
});
