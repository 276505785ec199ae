/** Tables for stdout, CSV and JSON files for the results directory. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Cell = string | number | boolean | undefined;
export type Row = Readonly<Record<string, Cell>>;

function text(c: Cell): string {
  if (c === undefined) return '-';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '-';
  return String(c);
}

/** A fixed-width text table with the given columns (header = column name). */
export function formatTable(rows: readonly Row[], columns: readonly string[]): string {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: readonly string[]): string => cells.map((s, i) => s.padStart(widths[i] as number)).join('  ');
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => text(r[c]))))].join('\n');
}

/** A Markdown table (docs/benchmarks.md). */
export function markdownTable(rows: readonly Row[], columns: readonly string[]): string {
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${columns.map((c) => text(r[c])).join(' | ')} |`)].join('\n');
}

function csvCell(c: Cell): string {
  const s = c === undefined || (typeof c === 'number' && !Number.isFinite(c)) ? '' : String(c);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly Row[], columns: readonly string[]): string {
  return `${[columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n')}\n`;
}

export class ResultsDir {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  write(name: string, content: string): string {
    const p = join(this.dir, name);
    writeFileSync(p, content);
    return p;
  }
  json(name: string, value: unknown): string {
    return this.write(name, `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  }
}

/** bench-results/<UTC timestamp>, e.g. bench-results/2026-11-21T08-44-16Z. */
export function defaultOutDir(kind: string, now = new Date()): string {
  return join('bench-results', `${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}-${kind}`);
}
