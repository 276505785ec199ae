/**
 * Splitting a command line into argv the way ros2 launch does for `cmd`, `args` and
 * `launch-prefix`: the literal text of the attribute is split like a POSIX shell splits words
 * (spaces separate; '...' and "..." quote; backslash escapes), while the value of a
 * substitution is never split or unquoted: `$(var path)` with a space in it stays one word,
 * glued to whatever literal text touches it. No globbing, variables or operators — use
 * `shell="true"` for those.
 */

export class ShellWordsError extends Error {
  override readonly name = 'ShellWordsError';
}

/** A piece of a command line: literal text from the file, or the value of a substitution. */
export interface Segment {
  readonly text: string;
  /** True for substitution results: inserted verbatim, never split. */
  readonly opaque: boolean;
}

export function splitWords(segments: readonly Segment[]): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (const seg of segments) {
    if (seg.opaque) {
      // An empty value adds no word of its own (write '' for an explicit empty argument).
      cur += seg.text;
      if (seg.text !== '') inWord = true;
      continue;
    }
    const s = seg.text;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (quote === "'") {
        if (c === "'") quote = undefined;
        else cur += c;
      } else if (quote === '"') {
        if (c === '"') quote = undefined;
        else if (c === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) cur += s[++i];
        else cur += c;
      } else if (c === "'" || c === '"') {
        quote = c;
        inWord = true;
      } else if (c === '\\') {
        if (i + 1 < s.length) cur += s[++i];
        inWord = true;
      } else if (/\s/.test(c)) {
        if (inWord) words.push(cur);
        cur = '';
        inWord = false;
      } else {
        cur += c;
        inWord = true;
      }
    }
  }
  if (quote !== undefined) throw new ShellWordsError(`unterminated ${quote}-quote in command line`);
  if (inWord) words.push(cur);
  return words;
}

/** Splits plain text (no substitutions). */
export function splitCommandLine(text: string): string[] {
  return splitWords([{ text, opaque: false }]);
}

/** Quotes a word for display so a shell would read it back as one word. */
export function quoteWord(w: string): string {
  if (w !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}
