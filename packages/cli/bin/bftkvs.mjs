#!/usr/bin/env node
// Runs the CLI from its TypeScript sources (no stale build): re-executes Node with tsx and the
// workspace's source export condition. Signals are forwarded so that `kill <pid>` of this
// wrapper (systemd, a supervisor) reaches the launcher and its ordered shutdown.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const child = spawn(process.execPath, ['--conditions=@bftkvs/source', '--import', 'tsx', main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  if (signal !== null) {
    // Die of the same signal, so callers see what happened (our forwarding handler must go first).
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  else process.exit(code ?? 1);
});
