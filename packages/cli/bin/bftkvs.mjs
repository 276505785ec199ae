#!/usr/bin/env node
// Runs the CLI from its TypeScript sources (no stale build): re-executes Node with tsx and the
// workspace's source export condition.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const r = spawnSync(process.execPath, ['--conditions=@bftkvs/source', '--import', 'tsx', main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
