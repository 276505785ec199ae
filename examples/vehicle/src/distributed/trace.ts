/**
 * What each node of a distributed run records: one JSON object per line in
 * `<trace_dir>/<node>.jsonl`. The collector (collect.ts) reads every node's file back and builds
 * one RunRecord, so the report shows what each process saw, not what a model predicts.
 *
 * Lines are buffered and appended about twice a second and at shutdown, so a node adds little
 * I/O to its control loop. A process killed mid-write can leave a truncated last line: the
 * reader skips (and counts) lines that do not parse, as it does anything malformed.
 */
import { appendFileSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const int = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');
const finite = z.number().refine(Number.isFinite, 'must be finite');
const name = z.string().min(1).max(100);

export const TraceLine = z.discriminatedUnion('k', [
  z.object({ k: z.literal('plant'), tUs: int, trueSpeedMps: finite, targetSpeedMps: finite, positionM: finite, grade: finite, effort: finite }).strict(),
  z.object({ k: z.literal('sensor'), tUs: int, sensorId: name, valueMps: finite }).strict(),
  z.object({ k: z.literal('fused'), tUs: int, valueMps: finite, writers: z.array(name).max(16), agreed: z.boolean() }).strict(),
  z.object({ k: z.literal('ctrl'), tUs: int, controllerId: name, commandU: finite }).strict(),
  z.object({ k: z.literal('cmd'), tUs: int, commandU: finite, writers: z.array(name).max(16), agreed: z.boolean(), source: z.enum(['fresh', 'held', 'failsafe']) }).strict(),
  z.object({ k: z.literal('lat'), tUs: int, key: name, writerId: name, latencyUs: int.min(0) }).strict(),
  z.object({
    k: z.literal('event'),
    tUs: int,
    kind: z.enum(['faultInjected', 'faultCleared', 'suspected', 'unsuspected', 'deadlineMiss', 'crash', 'restart', 'note']),
    nodeId: name,
    detail: z.string().max(2000),
  }).strict(),
  /** How late a node's grid timer fired (one line per node at shutdown). */
  z.object({ k: z.literal('lag'), node: name, ticks: int.min(0), p50Us: int.min(0), p99Us: int.min(0), maxUs: int.min(0), lateTicks: int.min(0) }).strict(),
]);
export type TraceLine = z.infer<typeof TraceLine>;

export class TraceWriter {
  private buffer: string[] = [];
  private readonly file: string | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  /** `dir` '' or 'none' = record nothing (a node run by hand without a run directory). */
  constructor(dir: string, node: string) {
    if (dir === '' || dir === 'none') return;
    if (!/^[A-Za-z0-9_.-]+$/.test(node)) throw new RangeError(`trace file name must be a plain node name, got ${JSON.stringify(node)}`);
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${node}.jsonl`);
    this.timer = setInterval(() => this.flush(), 500);
    this.timer.unref();
  }

  get enabled(): boolean {
    return this.file !== undefined;
  }

  write(line: TraceLine): void {
    if (this.file !== undefined) this.buffer.push(JSON.stringify(line));
  }

  flush(): void {
    if (this.file === undefined || this.buffer.length === 0) return;
    const text = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    appendFileSync(this.file, text);
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.flush();
  }
}

export interface TraceRead {
  readonly lines: TraceLine[];
  /** Lines that did not parse or failed the schema, per file. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly files: readonly string[];
}

const MAX_TRACE_BYTES = 256 * 1024 * 1024;

/** Reads every `*.jsonl` in `dir`. */
export function readTraces(dir: string): TraceRead {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const lines: TraceLine[] = [];
  const rejected: Record<string, number> = {};
  for (const f of files) {
    const path = join(dir, f);
    const size = statSync(path).size;
    if (size > MAX_TRACE_BYTES) throw new RangeError(`${path}: ${size} bytes, more than the ${MAX_TRACE_BYTES} a trace may have`);
    for (const raw of readFileSync(path, 'utf8').split('\n')) {
      if (raw.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        rejected[f] = (rejected[f] ?? 0) + 1;
        continue;
      }
      const r = TraceLine.safeParse(json);
      if (r.success) lines.push(r.data);
      else rejected[f] = (rejected[f] ?? 0) + 1;
    }
  }
  return { lines, rejected, files };
}
