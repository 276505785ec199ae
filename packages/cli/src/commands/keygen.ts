/**
 * `bftkvs keygen --replicas 4 --out keys/ [--force]`: deals fresh keys for a cluster, one
 * file per node (`replica-<i>.key.json`, mode 0600, in a directory created with mode 0700):
 * pairwise MAC keys, the node's client-endpoint key and Ed25519 key pair, every replica's
 * public key. Copy file i to node i only; its replica and its applications read it.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_REPLICAS } from '@bftkvs/msgs';
import { KeyFileError, writeClusterKeyFiles } from '@bftkvs/runtime';
import { CliError, DEFAULT_CLUSTER_FILE, EXIT_USAGE, defaultPath, loadCluster, positiveInt, print, shown } from '../kvsAccess.js';

export interface KeygenOptions {
  readonly replicas?: number;
  readonly out: string;
  readonly force?: boolean;
  readonly cluster: string;
}

export function runKeygen(o: KeygenOptions): number {
  let replicas = o.replicas;
  if (replicas === undefined) {
    const { config, file } = loadCluster({ cluster: o.cluster, keys: o.out, timeoutMs: 1 });
    replicas = config.cluster.replicas;
    print(`${replicas} replicas (from ${shown(file)})`);
  }
  const dir = defaultPath(o.out, o.out);
  let paths: string[];
  try {
    paths = writeClusterKeyFiles(dir, replicas, undefined, { force: o.force === true });
  } catch (e) {
    if (e instanceof KeyFileError) throw new CliError(e.message.replace('(use force)', '(use --force)'), EXIT_USAGE);
    throw new CliError(`cannot write keys to ${shown(dir)}: ${e instanceof Error ? e.message : String(e)}`, EXIT_USAGE);
  }
  print(`wrote keys for ${replicas} replicas to ${shown(dir)}/ (directory mode 0700, files 0600):`);
  for (const p of paths) print(`  ${shown(p)}  mode ${(statSync(p).mode & 0o777).toString(8)}`);
  print('Give node i its replica-<i>.key.json only: its replica and the applications on that node read it;');
  print('whoever can read it can act as that node (see docs/operations.md, "Keys").');
  return 0;
}

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('generate the key files of a cluster: one per node (pairwise MAC keys, Ed25519 keys)')
    .option('--replicas <n>', `number of replicas, 1..${MAX_REPLICAS} (default: the --cluster file's)`, positiveInt(MAX_REPLICAS))
    .option('--out <dir>', 'directory to write replica-<i>.key.json into', 'keys')
    .option('--force', 'replace existing key files (every node then needs its new file)')
    .option('--cluster <file>', 'cluster file to take --replicas from', DEFAULT_CLUSTER_FILE)
    .addHelpText(
      'after',
      '\nExample:\n  bftkvs keygen --replicas 4 --out keys/\n\nExit codes: 0 written, 2 bad arguments or the files exist (use --force) or cannot be written.',
    )
    .action((o: KeygenOptions) => {
      process.exitCode = runKeygen(o);
    });
}
