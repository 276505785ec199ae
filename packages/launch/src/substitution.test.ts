import test from 'ava';
import { EvalError, pyFloat, safeEval } from './safeEval.js';
import { splitCommandLine, splitWords } from './shellWords.js';
import { TemplateSyntaxError, formatTemplate, parseTemplate } from './substitution.js';

const v = (name: string, ...args: string[]) => ({ name, args: args.map((a) => [a]) });

test('templates: literal text, substitutions, nesting and quoting (ros2/launch grammar)', (t) => {
  t.deepEqual(parseTemplate(''), []);
  t.deepEqual(parseTemplate("'yes'"), ["'yes'"]);
  t.deepEqual(parseTemplate('$0 $1 cost$'), ['$0 $1 cost$']);
  t.deepEqual(parseTemplate('why_$(var a)_x_$(var b)'), ['why_', v('var', 'a'), '_x_', v('var', 'b')]);
  t.deepEqual(parseTemplate('$(env what heck)'), [v('env', 'what', 'heck')]);
  t.deepEqual(parseTemplate('$(env what/$(var asd) 10) 10 10)'), [{ name: 'env', args: [['what/', v('var', 'asd')], ['10']] }, ' 10 10)']);
  t.deepEqual(parseTemplate("$(env 'something $(var x)')"), [{ name: 'env', args: [['something ', v('var', 'x')]] }]);
  t.deepEqual(parseTemplate('$(env "a_$(var \\"q\\")" \'$(env D)_x\')'), [
    {
      name: 'env',
      args: [
        ['a_', v('var', '"q"')],
        [v('env', 'D'), '_x'],
      ],
    },
  ]);
  t.deepEqual(parseTemplate("$(env A '')"), [{ name: 'env', args: [['A'], []] }]);
  t.deepEqual(parseTemplate('\\$(var x) \\\\ a\\b'), ['$(var x) \\ a\\b']);
  t.deepEqual(parseTemplate('$(dirname)/x'), [{ name: 'dirname', args: [] }, '/x']);
  t.deepEqual(parseTemplate('$(var  a )'), [v('var', 'a')]);
});

test('template syntax errors', (t) => {
  const bad = (s: string, re: RegExp): void => {
    t.throws(() => parseTemplate(s), { instanceOf: TemplateSyntaxError, message: re });
  };
  bad('$(var a', /unterminated \$\(var \.\.\.\): missing "\)" at offset 0/);
  bad('$(', /expected a substitution name/);
  bad('$(1x)', /expected a substitution name/);
  bad("$(var 'a)", /unterminated '-quoted argument/);
  bad('$(var a(b))', /unexpected "\(" in an argument of \$\(var \.\.\.\)/);
  bad('$(var a"b")', /unexpected "\\"" in an argument/);
  bad('$(nope)', /unknown substitution \$\(nope\)/);
  bad('$(dirname x)', /\$\(dirname\) takes 0 arguments, got 1/);
  bad('$(env)', /\$\(env\) takes 1 to 2 arguments, got 0/);
  bad('$(find-exec ls)', /not supported/);
});

test('formatTemplate writes a template back in $(...) form', (t) => {
  for (const s of ['plain', 'a $(var x) b', "$(env A 'a b')", '$(eval "1 + 2")', '$(env X \'\')']) {
    const parsed = parseTemplate(s);
    t.deepEqual(parseTemplate(formatTemplate(parsed)), parsed, s);
  }
});

test('$(eval) computes literals and operators the way Python prints them', (t) => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '7'],
    ['(1 + 2) * 3', '9'],
    ['7 / 2', '3.5'],
    ['6 / 2', '3.0'],
    ['7 // 2', '3'],
    ['-7 // 2', '-4'],
    ['-7 % 3', '2'],
    ['2 ** 3'.replace('**', '*'), '6'],
    ['1 < 2 < 3', 'True'],
    ['3 > 2 > 2', 'False'],
    ["'a' + 'b'", 'ab'],
    ["'fast' == 'fast' and 4 >= 3", 'True'],
    ["'x' == 1", 'False'],
    ['not 0', 'True'],
    ['0 or 5', '5'],
    ['1 and 0', '0'],
    ['True + 1', '2'],
    ['None', 'None'],
    ['0.1 + 0.2', '0.30000000000000004'],
    ['1e-5', '1e-05'],
    ['1e16', '1e+16'],
    ['2.5e3', '2500.0'],
    ["'it' 's'", 'its'],
  ];
  for (const [expr, want] of cases) t.is(safeEval(expr), want, expr);
  const bad = (expr: string, re: RegExp): void => {
    t.throws(() => safeEval(expr), { instanceOf: EvalError, message: re });
  };
  bad('__import__("os")', /name '__import__' is not available/);
  bad('open', /name 'open' is not available/);
  bad('a.b', /unexpected character "\."/);
  bad('[1]', /unexpected character "\["/);
  bad('1 / 0', /division by zero/);
  bad("'a' < 1", /needs numbers, got the string 'a'/);
  bad("'a' * 3", /needs numbers/);
  bad('1 +', /unexpected end of expression/);
  bad('(1', /expected "\)"/);
  bad('99999999999999999999', /out of range/);
  bad(`${'('.repeat(100)}1${')'.repeat(100)}`, /nested too deeply/);
  bad('x'.repeat(3000), /longer than/);
  t.is(pyFloat(Number.NaN), 'nan');
  t.is(pyFloat(-Infinity), '-inf');
});

test('command lines split like a shell, substitution values stay whole', (t) => {
  t.deepEqual(splitCommandLine(`a  b\t'c d' "e \\" f" g\\ h '' i"j"k`), ['a', 'b', 'c d', 'e " f', 'g h', '', 'ijk']);
  t.deepEqual(splitCommandLine('   '), []);
  t.deepEqual(
    splitWords([
      { text: 'run --in=', opaque: false },
      { text: 'a b', opaque: true },
      { text: ' x', opaque: false },
      { text: '', opaque: true },
      { text: ' ', opaque: false },
      { text: "'q", opaque: true },
    ]),
    ['run', '--in=a b', 'x', "'q"],
  );
  t.throws(() => splitCommandLine('"open'), { message: /unterminated "-quote/ });
});
