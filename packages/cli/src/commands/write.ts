/**
 * `bftkvs write <key> <value> --writer W`: one write, through the writer's own node. The
 * value is parsed by the key's type (number, true/false, string, JSON array or object); the
 * publish time is the next grid point the protocol can meet unless --publish-time-us names
 * one. Prints the slot it was accepted for, or the replica's typed refusal.
 */
import type { Command } from 'commander';
import type { ClusterOptions } from '../kvsAccess.js';
import {
  CliError,
  EXIT_CODES_HELP,
  EXIT_USAGE,
  addClusterOptions,
  connectTo,
  formatTime,
  formatValue,
  keySchema,
  loadCluster,
  nonNegativeInt,
  parseValue,
  positiveInt,
  print,
  requestFailed,
} from '../kvsAccess.js';

export interface WriteOptions extends ClusterOptions {
  readonly writer: string;
  readonly publishTimeUs?: number;
  readonly replica?: number;
  readonly json?: boolean;
}

export async function runWrite(key: string, text: string, o: WriteOptions): Promise<number> {
  const { config, file } = loadCluster(o);
  const schema = keySchema(config, key, file);
  const host = config.cluster.writers.get(o.writer);
  if (host === undefined) {
    throw new CliError(`unknown writer '${o.writer}' (writers of '${key}': ${schema.writers.join(', ')}; every writer is listed under cluster.writers)`, EXIT_USAGE);
  }
  if (!schema.writers.includes(o.writer)) throw new CliError(`writer '${o.writer}' may not write '${key}' (its writers: ${schema.writers.join(', ')})`, EXIT_USAGE);
  const value = parseValue(text, schema.type, key);
  const replica = o.replica ?? host;
  const client = await connectTo(o, config, replica);
  const target = `replica ${replica}`;
  try {
    const sent = Date.now();
    const ack = await client
      .write(key, value, { writer: o.writer, ...(o.publishTimeUs === undefined ? {} : { publishTimeUs: o.publishTimeUs, retries: 2 }) })
      .catch((e: unknown) => {
        throw requestFailed(`write of '${key}' refused`, e, target);
      });
    if (o.json === true) print(JSON.stringify({ key, value, writer: o.writer, replica, publishTimeUs: ack.publishTimeUs }));
    else {
      const ahead = ack.publishTimeUs - sent * 1_000;
      print(`wrote ${key} = ${formatValue(value)} by ${o.writer} via replica ${replica}`);
      print(`  publish time  ${formatTime(ack.publishTimeUs)}, ${(ahead / 1_000).toFixed(1)} ms after the request`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

export function registerWrite(program: Command): void {
  const cmd = program
    .command('write')
    .description("write a value for a key as one of the cluster's writers (through the writer's node)")
    .argument('<key>', 'key name (see the cluster file)')
    .argument('<value>', 'value by the key type: 12.5, 3, true, text, [1, 2] or {"x": 1}')
    .requiredOption('--writer <id>', 'the writer (listed for the key and under cluster.writers)')
    .option('--publish-time-us <t>', 'absolute publish time in µs on the key grid (default: the next one the protocol can meet)', positiveInt())
    .option('--replica <r>', "the replica to write through (default: the writer's host; any other refuses: NOT_AUTHORISED)", nonNegativeInt(63))
    .option('--json', 'print the result as JSON');
  addClusterOptions(cmd)
    .addHelpText('after', `\nExamples:\n  bftkvs write speed 12.5 --writer wheel_left\n  bftkvs write command '[0.4, 0]' --writer controller_a\n  bftkvs write pose '{"x": 1, "y": 2, "heading": 0}' --writer operator\n${EXIT_CODES_HELP}`)
    .action(async (key: string, value: string, o: WriteOptions) => {
      process.exitCode = await runWrite(key, value, o);
    });
}
