/**
 * `bftkvs status`: one row per replica — up?, mode, view, primary, ready, slots published /
 * agreed / repaired, deadline misses, rejected frames, suspects with reasons. Each replica is
 * asked through its node's client endpoint (its key file); one that does not answer within
 * --timeout-ms is shown as down.
 */
import type { Command } from 'commander';
import type { ReplicaHealth } from '@bftkvs/msgs';
import type { ClusterOptions } from '../kvsAccess.js';
import { CliError, EXIT_CODES_HELP, EXIT_NO_ANSWER, addClusterOptions, connectTo, loadCluster, print, shown } from '../kvsAccess.js';

export interface StatusOptions extends ClusterOptions {
  readonly json?: boolean;
  readonly counters?: boolean;
}

export interface ReplicaStatus {
  readonly replica: number;
  readonly up: boolean;
  readonly health?: ReplicaHealth;
  /** Why it is shown as down. */
  readonly problem?: string;
}

const counter = (h: ReplicaHealth, pred: (name: string) => boolean): number => h.counters.filter((c) => pred(c.name)).reduce((a, c) => a + c.value, 0);

export async function collectStatus(o: StatusOptions): Promise<{ rows: ReplicaStatus[]; file: string; mode: string }> {
  const { config, file } = loadCluster(o);
  const rows = await Promise.all(
    Array.from({ length: config.cluster.replicas }, async (_, replica): Promise<ReplicaStatus> => {
      let client;
      try {
        client = await connectTo(o, config, replica);
      } catch (e) {
        return { replica, up: false, problem: e instanceof Error ? e.message : String(e) };
      }
      try {
        const health = await client.status({ retries: 2 });
        return { replica, up: true, health };
      } catch (e) {
        const timeout = e instanceof Error && e.name === 'KvsClientError' && (e as { code?: string }).code === 'TIMEOUT';
        return { replica, up: false, problem: timeout ? `no answer within ${o.timeoutMs} ms` : e instanceof Error ? e.message : String(e) };
      } finally {
        await client.close();
      }
    }),
  );
  return { rows, file, mode: config.cluster.mode };
}

function suspects(h: ReplicaHealth): string {
  if (h.suspects.length === 0) return '-';
  return h.suspects.map((s) => `${s.node}:${s.reason}x${s.count}`).join(' ');
}

export function formatStatusTable(rows: readonly ReplicaStatus[]): string[] {
  const head = ['REPLICA', 'UP', 'MODE', 'VIEW', 'PRIMARY', 'READY', 'PUBLISHED', 'AGREED', 'REPAIRED', 'MISSES', 'REJECTED', 'SUSPECTS (node:reason x count)'];
  const body = rows.map((r) => {
    const h = r.health;
    if (h === undefined) return [String(r.replica), 'down', '-', '-', '-', '-', '-', '-', '-', '-', '-', r.problem ?? ''];
    return [
      String(r.replica),
      'up',
      h.mode,
      String(h.view),
      String(h.primary),
      h.ready ? 'yes' : 'no',
      String(h.slotsPublished),
      String(h.slotsAgreed),
      String(h.slotsRepaired),
      String(h.deadlineMisses),
      String(counter(h, (n) => n.startsWith('channel.rejected.'))),
      suspects(h),
    ];
  });
  const widths = head.map((x, i) => Math.max(x.length, ...body.map((b) => (i === head.length - 1 ? 0 : (b[i] ?? '').length))));
  const fmt = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...body.map(fmt)];
}

export async function runStatus(o: StatusOptions): Promise<number> {
  const { rows, file } = await collectStatus(o);
  if (o.json === true) print(JSON.stringify(rows, null, 2));
  else {
    print(`cluster ${shown(file)}`);
    for (const l of formatStatusTable(rows)) print(l);
    if (o.counters === true) {
      for (const r of rows) {
        if (r.health === undefined) continue;
        print('');
        print(`replica ${r.replica} counters:`);
        for (const c of r.health.counters) print(`  ${c.name} ${c.value}`);
      }
    }
  }
  const down = rows.filter((r) => !r.up).length;
  if (down === rows.length) throw new CliError(`no replica answered (is the cluster running? right --cluster, --keys, --base-port?)`, EXIT_NO_ANSWER);
  return down > 0 ? EXIT_NO_ANSWER : 0;
}

export function registerStatus(program: Command): void {
  const cmd = program
    .command('status')
    .description('one row per replica: up?, mode, view, primary, slots published/agreed/repaired, misses, suspects')
    .option('--json', 'print the replicas’ health as JSON')
    .option('--counters', 'also print every counter of every replica');
  addClusterOptions(cmd, 1_000)
    .addHelpText('after', `\nExample:\n  bftkvs status\n${EXIT_CODES_HELP}\n(status exits 3 when any replica is down.)`)
    .action(async (o: StatusOptions) => {
      process.exitCode = await runStatus(o);
    });
}
