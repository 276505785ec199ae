/**
 * The simulator is deterministic: a run is a function of its seed. Its sources must not read
 * the wall clock, timers or ambient randomness (the CLI around it may, to pick a base seed).
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('.', import.meta.url));

const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/\bDate\.now\s*\(|\bnew Date\s*\(\s*\)/, 'reads the wall clock'],
  [/\bperformance\.now\s*\(/, 'reads the wall clock'],
  [/\bMath\.random\s*\(/, 'ambient randomness (use the run Prng)'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, 'real timers (time is simulated)'],
  [/\bcrypto\.getRandomValues\b|\brandomBytes\b/, 'ambient randomness (use the run Prng)'],
  [/from '(node:)?(fs|net|dgram|child_process|worker_threads|os)'/, 'I/O does not belong in the simulator'],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Drops comments, so prose may mention what code must not do. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

test('simulator sources use only simulated time and the seeded generator', (t) => {
  const problems: string[] = [];
  for (const file of sources(srcDir)) {
    const text = code(readFileSync(file, 'utf8'));
    for (const [re, why] of FORBIDDEN) if (re.test(text)) problems.push(`${relative(srcDir, file)}: ${why} (${re.source})`);
  }
  t.deepEqual(problems, []);
  t.true(sources(srcDir).length > 10);
});

test('the simulator imports only @bftkvs/core, @bftkvs/msgs, @bftkvs/faults and its own modules', (t) => {
  const bad: string[] = [];
  for (const file of sources(srcDir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
      const spec = m[1] as string;
      if (!/^\.\.?\//.test(spec) && spec !== '@bftkvs/core' && spec !== '@bftkvs/msgs' && spec !== '@bftkvs/faults') bad.push(`${relative(srcDir, file)} imports ${spec}`);
    }
  }
  t.deepEqual(bad, []);
});
