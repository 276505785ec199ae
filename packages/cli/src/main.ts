#!/usr/bin/env node
// The executable entry point of `bftkvs`; everything else is in program.ts.
import { main } from './program.js';

// `bftkvs echo speed | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
