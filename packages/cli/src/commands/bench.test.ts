/**
 * Smoke runs of `bftkvs bench latency` and `bftkvs bench throughput` at tiny sizes, through the
 * real processes (replicas via the launch supervisor, load generator, UDP floor pair): the
 * commands keep working and write parseable files. No timing is asserted (machines are noisy).
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchLatency, benchThroughput } from './bench.js';

function csvRows(file: string): string[][] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
}

test.serial('bench latency --quick: runs one frequency end to end and writes table, CSV, JSON and SVG', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bftkvs-bench-test-'));
  const lines: string[] = [];
  try {
    const code = await benchLatency({ mode: ['fast'], replicas: 4, freq: [100], writes: 10, fault: 'none', pacing: 'timer', out, quick: true, floorSamples: 50 }, (l) => lines.push(l));
    t.is(code, 0);
    for (const f of ['results.csv', 'results.json', 'results.md', 'latency.svg']) t.true(existsSync(join(out, f)), f);
    const rows = csvRows(join(out, 'results.csv'));
    t.is(rows.length, 2);
    t.is(rows[0]?.[0], 'mode');
    t.is(rows[1]?.[0], 'fast');
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      machine: { cores: number; node: string };
      rows: { latency: { issued: number; accepted: number } }[];
      floorBefore: { paced: { n: number } };
      crossovers: unknown[];
    };
    t.true(report.machine.cores > 0);
    t.is(report.machine.node, process.version);
    t.is(report.rows.length, 1);
    t.is(report.rows[0]?.latency.issued, 10);
    t.true((report.rows[0]?.latency.accepted ?? 0) > 0, 'the replicas accepted writes');
    t.is(report.floorBefore.paced.n, 50);
    t.is(report.crossovers.length, 1);
    t.regex(readFileSync(join(out, 'latency.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>\n$/);
    t.true(lines.some((l) => /stored_p99_ms/.test(l)), 'prints the table');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test.serial('bench throughput --quick: runs one rate end to end and writes table, CSV, JSON and SVG', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bftkvs-bench-test-'));
  const lines: string[] = [];
  try {
    const code = await benchThroughput({ mode: ['fast'], replicas: [4], writers: [2], keys: [2], rates: [100], durationS: 0.5, boundMs: 10, matrix: 'axes', pacing: 'timer', out, quick: true }, (l) => lines.push(l));
    t.is(code, 0);
    for (const f of ['results.csv', 'summary.csv', 'results.json', 'results.md', 'throughput.svg']) t.true(existsSync(join(out, f)), f);
    const rows = csvRows(join(out, 'results.csv'));
    t.is(rows.length, 2);
    t.deepEqual(rows[1]?.slice(0, 5), ['fast', '4', '2', '2', '100']);
    const report = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { machine: { cores: number }; rows: { latency: { issued: number } }[]; summaries: unknown[] };
    t.true(report.machine.cores > 0);
    t.is(report.rows[0]?.latency.issued, 50);
    t.is(report.summaries.length, 1);
    t.true(lines.some((l) => /max_sustained_hz/.test(l)), 'prints the summary');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
