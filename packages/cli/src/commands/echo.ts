/**
 * `bftkvs echo <key>`: prints every slot of a key as one replica publishes it (and again when
 * it becomes agreed or is repaired by synchronisation), until Ctrl-C — like `ros2 topic echo`.
 * Notices are datagrams (best effort); `bftkvs read` gives the newest value for sure.
 */
import type { Command } from 'commander';
import type { SlotUpdate } from '@bftkvs/client';
import type { ClusterOptions } from '../kvsAccess.js';
import {
  EXIT_CODES_HELP,
  addClusterOptions,
  checkReplica,
  connectTo,
  contributors,
  formatValue,
  keySchema,
  loadCluster,
  nonNegativeInt,
  note,
  positiveInt,
  print,
  requestFailed,
  slotJson,
} from '../kvsAccess.js';

export interface EchoOptions extends ClusterOptions {
  readonly replica: number;
  readonly agreedOnly?: boolean;
  readonly json?: boolean;
  /** Exit after this many slots (tests, scripts). */
  readonly count?: number;
}

const LIVENESS_PERIOD_MS = 5_000;

function line(s: SlotUpdate): string {
  const t = `${Math.floor(s.publishTimeUs / 1_000_000)}.${String(s.publishTimeUs % 1_000_000).padStart(6, '0')}`;
  const state = s.agreed ? (s.repairs > 0 ? `agreed, repaired ${s.repairs}x` : 'agreed') : 'not agreed';
  return `${t}  ${s.key} = ${formatValue(s.value)}  (${state})  [${contributors(s)}]`;
}

export async function runEcho(key: string, o: EchoOptions, stop?: Promise<unknown>): Promise<number> {
  const { config, file } = loadCluster(o);
  keySchema(config, key, file);
  const ep = checkReplica(config, o.replica);
  const client = await connectTo(o, config, o.replica);
  const cleanups: (() => void)[] = [];
  try {
    // Fail fast when nobody answers, rather than waiting silently for notices that never come.
    await client.status().catch((e: unknown) => {
      throw requestFailed(`echo '${key}'`, e, `replica ${o.replica}`);
    });
    note(`echo ${key} from replica ${o.replica} (${ep.clientHost}:${ep.clientPort})${o.agreedOnly === true ? ', agreed slots only' : ''}; Ctrl-C to stop`);
    let shown = 0;
    return await new Promise<number>((resolve) => {
      // Subscribed for every slot; agreed-only is filtered here, so another echo on the node
      // with a different choice does not change what this one gets.
      cleanups.push(
        client.subscribe([key], (slot) => {
          if (o.agreedOnly === true && !slot.agreed) return;
          print(o.json === true ? JSON.stringify(slotJson(slot)) : line(slot));
          if (o.count !== undefined && ++shown >= o.count) resolve(0);
        }),
      );
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        const h = (): void => resolve(0);
        process.once(sig, h);
        cleanups.push(() => process.off(sig, h));
      }
      void stop?.then(() => resolve(0));
      let silent = false;
      const liveness = setInterval(() => {
        client.status({ retries: 1 }).then(
          () => {
            if (silent) note(`replica ${o.replica} answers again`);
            silent = false;
          },
          () => {
            if (!silent) note(`warning: replica ${o.replica} does not answer (down?); still listening`);
            silent = true;
          },
        );
      }, LIVENESS_PERIOD_MS);
      cleanups.push(() => clearInterval(liveness));
    });
  } finally {
    for (const c of cleanups) c();
    await client.close();
  }
}

export function registerEcho(program: Command): void {
  const cmd = program
    .command('echo')
    .description('print the slots of a key as a replica publishes them, until Ctrl-C')
    .argument('<key>', 'key name')
    .option('--agreed-only', 'only agreed slots (fast mode: after synchronisation)')
    .option('--replica <r>', 'the replica to listen to', nonNegativeInt(63), 0)
    .option('--count <n>', 'exit after this many slots', positiveInt())
    .option('--json', 'one JSON object per slot');
  addClusterOptions(cmd)
    .addHelpText('after', `\nExamples:\n  bftkvs echo speed\n  bftkvs echo speed --agreed-only --replica 3\n${EXIT_CODES_HELP}`)
    .action(async (key: string, o: EchoOptions) => {
      process.exitCode = await runEcho(key, o);
    });
}
