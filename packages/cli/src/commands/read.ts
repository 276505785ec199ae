/**
 * `bftkvs read <key>`: the newest published slot of a key at one replica (the local read of
 * the design: answered by that replica alone): value, publish time, contributors, agreed?
 */
import type { Command } from 'commander';
import type { ClusterOptions } from '../kvsAccess.js';
import {
  EXIT_CODES_HELP,
  addClusterOptions,
  connectTo,
  contributors,
  formatAge,
  formatTime,
  formatValue,
  keySchema,
  loadCluster,
  nonNegativeInt,
  print,
  requestFailed,
  slotJson,
} from '../kvsAccess.js';

export interface ReadOptions extends ClusterOptions {
  readonly earliestUs: number;
  readonly replica: number;
  readonly json?: boolean;
}

export async function runRead(key: string, o: ReadOptions): Promise<number> {
  const { config, file } = loadCluster(o);
  keySchema(config, key, file);
  const client = await connectTo(o, config, o.replica);
  try {
    const r = await client.read(key, o.earliestUs).catch((e: unknown) => {
      throw requestFailed(`read of '${key}' at replica ${o.replica}`, e, `replica ${o.replica}`);
    });
    if (o.json === true) {
      print(JSON.stringify({ ...slotJson(r), replica: o.replica, replicaNowUs: r.replicaNowUs }));
      return 0;
    }
    const mode = config.cluster.mode;
    print(`${key} = ${formatValue(r.value)}`);
    print(`  publish time  ${formatTime(r.publishTimeUs)}, ${formatAge(r.replicaNowUs - r.publishTimeUs)}`);
    print(`  contributors  ${contributors(r) || '(none)'}`);
    print(`  agreed        ${r.agreed ? 'yes' : `no${mode === 'fast' ? ' (fast mode: agreed after the next synchronisation)' : ''}`}${r.repairs > 0 ? `, repaired ${r.repairs}x` : ''}`);
    print(`  read from     replica ${o.replica}`);
    return 0;
  } finally {
    await client.close();
  }
}

export function registerRead(program: Command): void {
  const cmd = program
    .command('read')
    .description('read the newest published value of a key from one replica (value, publish time, contributors, agreed?)')
    .argument('<key>', 'key name')
    .option('--earliest-us <t>', 'only a slot published at or after this time (µs); 0: any', nonNegativeInt(), 0)
    .option('--replica <r>', 'the replica to ask (its node’s key file is used)', nonNegativeInt(63), 0)
    .option('--json', 'print the slot as JSON');
  addClusterOptions(cmd)
    .addHelpText('after', `\nExamples:\n  bftkvs read speed\n  bftkvs read speed --replica 2 --json\n${EXIT_CODES_HELP}\n(NO_FRESH_VALUE, exit 1: no slot of the key newer than --earliest-us has been published.)`)
    .action(async (key: string, o: ReadOptions) => {
      process.exitCode = await runRead(key, o);
    });
}
