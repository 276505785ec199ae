/** `loadgen <spec.json>`: runs the load generator (loadgen.ts) and writes its result file. */
import { readFileSync } from 'node:fs';
import type { LoadSpec } from '../loadgen.js';
import { runLoad } from '../loadgen.js';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: loadgen.ts <spec.json>\n');
  process.exit(2);
}
try {
  await runLoad(JSON.parse(readFileSync(file, 'utf8')) as LoadSpec);
  process.exit(0);
} catch (e) {
  process.stderr.write(`loadgen: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
}
