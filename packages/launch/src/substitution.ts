/**
 * Substitution templates: the `$(name arg ...)` syntax of ROS 2 launch files, parsed once into
 * a tree and performed later by the evaluator.
 *
 * The grammar follows ros2/launch's frontend:
 * - outside a substitution, text is literal (quotes included); `$` not followed by `(` is literal;
 *   a backslash escapes `$ ( ) ' " \` (other backslashes stay as written);
 * - `$(name)` or `$(name arg1 arg2 ...)`, arguments separated by spaces;
 * - an argument is unquoted text (no spaces, quotes or parentheses), a '...' or "..." quoted
 *   template, and may contain nested substitutions; inside quotes a backslash escapes any
 *   character and nested substitutions take unquoted arguments only.
 */

export interface Substitution {
  readonly name: string;
  readonly args: readonly Template[];
}

/** Literal text and substitutions, in order. */
export type Template = readonly (string | Substitution)[];

export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
}

/** Which substitutions exist, how many arguments each takes; everything else is refused. */
export const SUBSTITUTION_ARITY: Readonly<Record<string, readonly [min: number, max: number]>> = {
  var: [1, 1],
  env: [1, 2],
  optenv: [1, 2],
  dirname: [0, 0],
  filename: [0, 0],
  'find-pkg-share': [1, 1],
  'find-pkg-prefix': [1, 1],
  anon: [1, 1],
  eval: [1, 1],
  not: [1, 1],
  and: [2, 2],
  or: [2, 2],
  equals: [2, 2],
};

/** Substitutions of the ROS format we refuse on purpose, with the reason given to the user. */
const REFUSED: Readonly<Record<string, string>> = {
  command: 'bftkvs launch does not run commands while reading a launch file',
  'find-exec': 'executables are found through the node resolver, not the PATH',
  'exec-in-pkg': 'executables are found through the node resolver (use <node pkg=... exec=...>)',
};

const IDENT = /[A-Za-z][A-Za-z0-9_-]*/y;

export interface ParseTemplateOptions {
  /** Deepest substitution nesting accepted. */
  readonly maxNesting?: number;
}

/** Parses a template; throws TemplateSyntaxError with a message naming the offset. */
export function parseTemplate(text: string, opts: ParseTemplateOptions = {}): Template {
  const p = new TemplateParser(text, opts.maxNesting ?? 64);
  const out = p.parseTop();
  return out;
}

/** True when the template has no substitution (its value is known without a context). */
export function isLiteral(t: Template): boolean {
  return t.every((p) => typeof p === 'string');
}

export function literalText(t: Template): string | undefined {
  return isLiteral(t) ? (t as readonly string[]).join('') : undefined;
}

/** Writes a template back in `$(...)` form (for messages and --print). */
export function formatTemplate(t: Template): string {
  return t.map((p) => (typeof p === 'string' ? p.replace(/\$\(/g, '\\$(') : formatSubstitution(p))).join('');
}

function formatSubstitution(s: Substitution): string {
  const args = s.args.map((a) => {
    const text = formatTemplate(a);
    return text === '' || /[\s'"()]/.test(text) ? `'${text.replace(/(['\\])/g, '\\$1')}'` : text;
  });
  return `$(${[s.name, ...args].join(' ')})`;
}

class TemplateParser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly s: string,
    private readonly maxNesting: number,
  ) {}

  private fail(msg: string, at = this.i): never {
    throw new TemplateSyntaxError(`${msg} at offset ${at} in ${JSON.stringify(clip(this.s))}`);
  }

  parseTop(): Template {
    const parts: (string | Substitution)[] = [];
    let text = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '\\' && this.i + 1 < this.s.length && `$()'"\\`.includes(this.s[this.i + 1]!)) {
        text += this.s[this.i + 1];
        this.i += 2;
      } else if (c === '$' && this.s[this.i + 1] === '(') {
        if (text !== '') parts.push(text);
        text = '';
        parts.push(this.parseSubstitution(undefined));
      } else {
        text += c;
        this.i++;
      }
    }
    if (text !== '') parts.push(text);
    return parts;
  }

  /** At `$(`. `quote` is the enclosing quote character, if inside a quoted argument. */
  private parseSubstitution(quote: "'" | '"' | undefined): Substitution {
    const start = this.i;
    if (++this.depth > this.maxNesting) this.fail(`substitutions nested deeper than ${this.maxNesting}`);
    this.i += 2;
    IDENT.lastIndex = this.i;
    const m = IDENT.exec(this.s);
    if (m === null) this.fail('expected a substitution name after "$("');
    const name = m[0];
    this.i += name.length;
    const args: Template[] = [];
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail(`unterminated $(${name} ...): missing ")"`, start);
      if (c === ')') {
        this.i++;
        break;
      }
      if (c !== ' ' && c !== '\t') this.fail(`expected a space or ")" in $(${name} ...), found ${JSON.stringify(c)}`);
      while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
      if (this.s[this.i] === ')') continue;
      args.push(this.parseArgument(name, quote));
    }
    this.depth--;
    checkSubstitution(name, args.length);
    return { name, args };
  }

  private parseArgument(subst: string, outerQuote: "'" | '"' | undefined): Template {
    const c = this.s[this.i];
    if (outerQuote === undefined && (c === "'" || c === '"')) return this.parseQuoted(c);
    // Unquoted: stops at a space, ")" or the enclosing quote.
    const parts: (string | Substitution)[] = [];
    let text = '';
    for (;;) {
      const d = this.s[this.i];
      if (d === undefined || d === ' ' || d === '\t' || d === ')' || d === outerQuote) break;
      if (d === '\\' && this.i + 1 < this.s.length) {
        text += this.s[this.i + 1];
        this.i += 2;
      } else if (d === '$' && this.s[this.i + 1] === '(') {
        if (text !== '') parts.push(text);
        text = '';
        parts.push(this.parseSubstitution(outerQuote));
      } else if (d === '(' || (outerQuote === undefined && (d === "'" || d === '"'))) {
        this.fail(`unexpected ${JSON.stringify(d)} in an argument of $(${subst} ...): quote the argument or escape it with a backslash`);
      } else {
        text += d;
        this.i++;
      }
    }
    if (text !== '') parts.push(text);
    return parts;
  }

  private parseQuoted(q: "'" | '"'): Template {
    const start = this.i;
    this.i++;
    const parts: (string | Substitution)[] = [];
    let text = '';
    for (;;) {
      const d = this.s[this.i];
      if (d === undefined) this.fail(`unterminated ${q}-quoted argument`, start);
      if (d === q) {
        this.i++;
        break;
      }
      if (d === '\\' && this.i + 1 < this.s.length) {
        text += this.s[this.i + 1];
        this.i += 2;
      } else if (d === '$' && this.s[this.i + 1] === '(') {
        if (text !== '') parts.push(text);
        text = '';
        parts.push(this.parseSubstitution(q));
      } else {
        text += d;
        this.i++;
      }
    }
    if (text !== '') parts.push(text);
    return parts;
  }
}

function checkSubstitution(name: string, nargs: number): void {
  const refused = REFUSED[name];
  if (refused !== undefined) throw new TemplateSyntaxError(`$(${name}) is not supported: ${refused}`);
  const arity = SUBSTITUTION_ARITY[name];
  if (arity === undefined) {
    throw new TemplateSyntaxError(`unknown substitution $(${name}) (supported: ${Object.keys(SUBSTITUTION_ARITY).join(', ')})`);
  }
  const [min, max] = arity;
  if (nargs < min || nargs > max) {
    if (name === 'eval' && nargs === 2) throw new TemplateSyntaxError('$(eval EXPR MODULES) is not supported: no Python modules are available to $(eval)');
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new TemplateSyntaxError(`$(${name}) takes ${want} argument${max === 1 ? '' : 's'}, got ${nargs}`);
  }
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
