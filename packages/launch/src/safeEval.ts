/**
 * `$(eval EXPR)` without Python: a small, total evaluator for the expressions launch files
 * actually use to compute a flag or a number — literals (ints, floats, 'strings', True, False,
 * None), `and or not`, comparisons (chainable), `+ - * / // %` and parentheses. No names, calls,
 * attributes or indexing: anything else is refused with a message, never run. Results print the
 * way Python's str() prints them (`True`, `2.0`, `1e-05`), so a condition or a parameter gets
 * the same text under `ros2 launch` and `bftkvs launch`.
 */

export class EvalError extends Error {
  override readonly name = 'EvalError';
}

type Value =
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'none' };

type Token =
  | { readonly k: 'num'; readonly v: Value }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'name'; readonly v: string }
  | { readonly k: 'op'; readonly v: string }
  | { readonly k: 'end' };

const MAX_EXPR_CHARS = 2_000;
const MAX_DEPTH = 64;
const MAX_STR_CHARS = 10_000;

/** Evaluates `expr` and returns Python's str() of the result. Throws EvalError. */
export function safeEval(expr: string): string {
  if (expr.length > MAX_EXPR_CHARS) throw new EvalError(`expression longer than ${MAX_EXPR_CHARS} characters`);
  const p = new ExprParser(tokenize(expr), expr);
  const v = p.parseExpression();
  p.expectEnd();
  return pyStr(v);
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/.exec(s.slice(i));
    if (num !== null && /[\d.]/.test(c)) {
      const text = num[0];
      const isFloat = /[.eE]/.test(text);
      const v = Number(text);
      if (!isFloat && !Number.isSafeInteger(v)) throw new EvalError(`integer ${text} is out of range`);
      out.push({ k: 'num', v: isFloat ? { t: 'float', v } : { t: 'int', v } });
      i += text.length;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let v = '';
      for (;;) {
        const d = s[j];
        if (d === undefined) throw new EvalError('unterminated string literal');
        if (d === c) break;
        if (d === '\\') {
          const e = s[j + 1];
          if (e === undefined) throw new EvalError('unterminated string literal');
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else {
          v += d;
          j++;
        }
      }
      out.push({ k: 'str', v });
      i = j + 1;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (name !== null) {
      out.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(?:\/\/|==|!=|<=|>=|[-+*/%<>()])/.exec(s.slice(i));
    if (op !== null) {
      out.push({ k: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new EvalError(`unexpected character ${JSON.stringify(c)}`);
  }
  out.push({ k: 'end' });
  return out;
}

class ExprParser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly toks: readonly Token[],
    private readonly src: string,
  ) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }

  private isName(v: string): boolean {
    const t = this.peek();
    return t.k === 'name' && t.v === v;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.k !== 'end') throw new EvalError(`unexpected ${describe(t)} in ${JSON.stringify(this.src)}`);
  }

  parseExpression(): Value {
    if (++this.depth > MAX_DEPTH) throw new EvalError('expression nested too deeply');
    const v = this.parseOr();
    this.depth--;
    return v;
  }

  private parseOr(): Value {
    let left = this.parseAnd();
    while (this.isName('or')) {
      this.i++;
      const right = this.parseAnd();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private parseAnd(): Value {
    let left = this.parseNot();
    while (this.isName('and')) {
      this.i++;
      const right = this.parseNot();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private parseNot(): Value {
    if (this.isName('not')) {
      this.i++;
      if (++this.depth > MAX_DEPTH) throw new EvalError('expression nested too deeply');
      const v = this.parseNot();
      this.depth--;
      return { t: 'bool', v: !truthy(v) };
    }
    return this.parseComparison();
  }

  private parseComparison(): Value {
    let left = this.parseSum();
    let result: Value | undefined;
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(t.v)) break;
      this.i++;
      const right = this.parseSum();
      const ok = compare(t.v, left, right);
      result = result === undefined || truthy(result) ? { t: 'bool', v: ok } : result;
      left = right;
    }
    return result ?? left;
  }

  private parseSum(): Value {
    let left = this.parseProduct();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.toks[this.i++] as { v: string }).v;
      left = arith(op, left, this.parseProduct());
    }
    return left;
  }

  private parseProduct(): Value {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = (this.toks[this.i++] as { v: string }).v;
      left = arith(op, left, this.parseUnary());
    }
    return left;
  }

  private parseUnary(): Value {
    if (this.isOp('-') || this.isOp('+')) {
      const op = (this.toks[this.i++] as { v: string }).v;
      if (++this.depth > MAX_DEPTH) throw new EvalError('expression nested too deeply');
      const v = this.parseUnary();
      this.depth--;
      const n = numeric(v, `unary ${op}`);
      return { t: n.t, v: op === '-' ? -n.v : n.v };
    }
    return this.parseAtom();
  }

  private parseAtom(): Value {
    const t = this.toks[this.i++]!;
    if (t.k === 'num') return t.v;
    if (t.k === 'str') {
      let v = t.v;
      // Adjacent string literals concatenate, as in Python.
      while (this.peek().k === 'str') v += (this.toks[this.i++] as { v: string }).v;
      return { t: 'str', v };
    }
    if (t.k === 'op' && t.v === '(') {
      const v = this.parseExpression();
      if (!this.isOp(')')) throw new EvalError(`expected ")" in ${JSON.stringify(this.src)}`);
      this.i++;
      return v;
    }
    if (t.k === 'name') {
      if (t.v === 'True') return { t: 'bool', v: true };
      if (t.v === 'False') return { t: 'bool', v: false };
      if (t.v === 'None') return { t: 'none' };
      throw new EvalError(`name '${t.v}' is not available: $(eval) accepts only literals and operators (use $(var ...) for launch arguments)`);
    }
    throw new EvalError(`unexpected ${describe(t)} in ${JSON.stringify(this.src)}`);
  }
}

function describe(t: Token): string {
  if (t.k === 'end') return 'end of expression';
  return JSON.stringify(String(t.v));
}

function truthy(v: Value): boolean {
  switch (v.t) {
    case 'none':
      return false;
    case 'str':
      return v.v !== '';
    case 'bool':
      return v.v;
    default:
      return v.v !== 0;
  }
}

function numeric(v: Value, what: string): { t: 'int' | 'float'; v: number } {
  if (v.t === 'int' || v.t === 'float') return v;
  if (v.t === 'bool') return { t: 'int', v: v.v ? 1 : 0 };
  throw new EvalError(`${what} needs numbers, got ${v.t === 'str' ? `the string '${v.v}'` : 'None'}`);
}

function compare(op: string, a: Value, b: Value): boolean {
  if (op === '==' || op === '!=') {
    const eq = equal(a, b);
    return op === '==' ? eq : !eq;
  }
  let x: number | string;
  let y: number | string;
  if (a.t === 'str' && b.t === 'str') {
    x = a.v;
    y = b.v;
  } else {
    x = numeric(a, `'${op}'`).v;
    y = numeric(b, `'${op}'`).v;
  }
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function equal(a: Value, b: Value): boolean {
  if (a.t === 'none' || b.t === 'none') return a.t === b.t;
  if (a.t === 'str' || b.t === 'str') return a.t === b.t && a.v === b.v;
  return numeric(a, '==').v === numeric(b, '==').v;
}

function arith(op: string, a: Value, b: Value): Value {
  if (op === '+' && a.t === 'str' && b.t === 'str') {
    if (a.v.length + b.v.length > MAX_STR_CHARS) throw new EvalError('string result too long');
    return { t: 'str', v: a.v + b.v };
  }
  const x = numeric(a, `'${op}'`);
  const y = numeric(b, `'${op}'`);
  const isInt = x.t === 'int' && y.t === 'int';
  let v: number;
  switch (op) {
    case '+':
      v = x.v + y.v;
      break;
    case '-':
      v = x.v - y.v;
      break;
    case '*':
      v = x.v * y.v;
      break;
    case '/':
      if (y.v === 0) throw new EvalError('division by zero');
      return { t: 'float', v: x.v / y.v };
    case '//':
      if (y.v === 0) throw new EvalError('division by zero');
      v = Math.floor(x.v / y.v);
      break;
    default:
      if (y.v === 0) throw new EvalError('modulo by zero');
      v = x.v - y.v * Math.floor(x.v / y.v);
  }
  if (isInt && !Number.isSafeInteger(v)) throw new EvalError('integer result out of range');
  return { t: isInt ? 'int' : 'float', v };
}

function pyStr(v: Value): string {
  switch (v.t) {
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'str':
      return v.v;
    case 'int':
      return String(v.v);
    case 'float':
      return pyFloat(v.v);
  }
}

/** Python's repr of a float: shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    const [mant, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp.startsWith('-') ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '').padStart(2, '0');
    return `${mant}e${sign}${digits}`;
  }
  const s = String(x);
  return Number.isInteger(x) ? `${s}.0` : s;
}
