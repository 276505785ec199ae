/**
 * The core is a pure state machine: same inputs, same outputs, in the simulator and in
 * production. This test scans every core source file and fails on anything that reads the
 * outside world or nondeterminism: Node built-ins, timers, clocks, randomness, process state.
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('.', import.meta.url));

/** Imports the core may use: its own files, the wire schema, and pure computation libraries. */
const ALLOWED_IMPORTS = [/^\.\.?\//, /^@bftkvs\/msgs$/, /^@noble\/hashes(\/.*)?$/, /^@noble\/curves(\/.*)?$/, /^zod$/];

const FORBIDDEN_CALLS: ReadonlyArray<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now() reads the clock'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() reads the clock'],
  [/\bperformance\.now\s*\(/, 'performance.now() reads the clock'],
  [/\bMath\.random\s*\(/, 'Math.random() is nondeterministic'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, 'timers belong to the runtime'],
  [/\bprocess\./, 'process state belongs to the runtime'],
  [/\bcrypto\.getRandomValues\b|\brandomBytes\b/, 'randomness must be injected'],
  [/\brequire\s*\(/, 'dynamic require'],
  [/\bimport\s*\(/, 'dynamic import'],
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Strips comments and string contents so prose that mentions Date.now() does not count. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
}

const files = sourceFiles(srcDir);

test('the core has source files to check', (t) => {
  t.true(files.length >= 5, `found ${files.length}`);
});

test('core imports only its own files, the wire schema and pure libraries', (t) => {
  const violations: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1] as string;
      if (!ALLOWED_IMPORTS.some((re) => re.test(spec))) violations.push(`${relative(srcDir, f)}: imports '${spec}'`);
    }
  }
  t.deepEqual(violations, []);
});

test('core calls no clock, timer, randomness or process API', (t) => {
  const violations: string[] = [];
  for (const f of files) {
    const text = code(readFileSync(f, 'utf8'));
    for (const [re, why] of FORBIDDEN_CALLS) if (re.test(text)) violations.push(`${relative(srcDir, f)}: ${why}`);
  }
  t.deepEqual(violations, []);
});

test('the scanner catches a forbidden call (the check has teeth)', (t) => {
  const sample = code("const x = Date.now(); // Date.now() in a comment is fine\nconst s = 'Math.random()';");
  t.true(FORBIDDEN_CALLS.some(([re]) => re.test(sample)));
  const clean = code("// Date.now() only in a comment\nconst s = 'Math.random()';");
  t.false(FORBIDDEN_CALLS.some(([re]) => re.test(clean)));
});
