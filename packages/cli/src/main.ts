#!/usr/bin/env node
// The executable entry point of `bftkvs`; everything else is in program.ts.
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
