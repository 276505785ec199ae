/**
 * The `bftkvs` command: one entry point, every capability a subcommand.
 * Each subcommand lives in src/commands/<name>.ts and registers itself on the program.
 */
import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerDemo } from './commands/demo.js';
import { registerEcho } from './commands/echo.js';
import { registerKeygen } from './commands/keygen.js';
import { registerLaunch } from './commands/launch.js';
import { registerRead } from './commands/read.js';
import { registerSim } from './commands/sim.js';
import { registerStatus } from './commands/status.js';
import { registerWrite } from './commands/write.js';
import { CliError } from './kvsAccess.js';

export function buildProgram(): Command {
  const program = new Command('bftkvs')
    .description('A timed, Byzantine fault-tolerant key-value store for distributed real-time control loops')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) })
    // Throw instead of exiting, also in subcommands (they inherit this when added after it).
    .exitOverride();
  registerDemo(program);
  registerKeygen(program);
  registerLaunch(program);
  registerWrite(program);
  registerRead(program);
  registerEcho(program);
  registerStatus(program);
  registerSim(program);
  registerBench(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliError) {
      process.stderr.write(`bftkvs: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`bftkvs: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
