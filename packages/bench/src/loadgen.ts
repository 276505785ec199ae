/**
 * The load generator: an application process on one node. It connects to its node's replica
 * (KvsClient, as any application does), and for each step issues writes at a fixed rate,
 * round-robin over its writers and keys, each with an explicit publish time: the next grid
 * point at least lead + margin ahead (strictly increasing per writer and key, so every write
 * is its own slot contribution). It records, per write, when write() was called and when the
 * replica's acceptance arrived, and the error code if refused.
 *
 * Pacing: `timer` sleeps on Node timers (1 ms granularity) and issues every write that has
 * come due (at 10 kHz that is bursts of ~10 writes per millisecond, as a Node application
 * would); `spin` yields with setImmediate when the next write is less than 1.5 ms away
 * (exact spacing, but it keeps one core busy).
 */
import { writeFileSync } from 'node:fs';
import { KvsClient, isKvsClientError } from '@bftkvs/client';
import { SystemClock } from '@bftkvs/runtime';

export interface LoadStep {
  readonly rateHz: number;
  readonly writes: number;
  /** Absolute start (µs, SystemClock): processes of one run start their steps together. */
  readonly startUs: number;
}

export interface LoadSpec {
  readonly clusterFile: string;
  readonly keyFile: string;
  readonly writers: readonly string[];
  readonly keys: readonly string[];
  readonly periodUs: number;
  /** The cluster's minimum lead plus a margin for the request's trip to the replica. */
  readonly leadUs: number;
  readonly steps: readonly LoadStep[];
  readonly pacing: 'timer' | 'spin';
  readonly out: string;
}

/** Per write: writer index, key index, publish time, call time, ack time (0: none), code. */
export type WriteRecord = [number, number, number, number, number, string];

export interface StepResult {
  readonly rateHz: number;
  readonly startUs: number;
  readonly lastCallUs: number;
  readonly records: WriteRecord[];
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  readonly rssBytes: number;
  /** The first message of each refusal code (diagnostics). */
  readonly errorSamples: Record<string, string>;
}

export interface LoadResult {
  readonly writers: readonly string[];
  readonly keys: readonly string[];
  readonly steps: StepResult[];
}

const MAX_BURST = 64;

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const clock = new SystemClock();
  const client = await KvsClient.connectWithFiles(spec.clusterFile, spec.keyFile, { timeoutMs: 2_000, maxPending: 65_536 });
  const lastT = new Map<number, number>();
  const steps: StepResult[] = [];
  try {
    for (const step of spec.steps) {
      const wait = (step.startUs - clock.nowUs()) / 1_000;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const cpu0 = process.cpuUsage();
      const records: WriteRecord[] = [];
      const errorSamples: Record<string, string> = {};
      const pending: Promise<void>[] = [];
      const intervalUs = 1e6 / step.rateHz;
      const start = clock.nowUs();
      let j = 0;
      let lastCallUs = start;
      const issue = (i: number): void => {
        const w = i % spec.writers.length;
        const k = Math.floor(i / spec.writers.length) % spec.keys.length;
        const slotId = w * spec.keys.length + k;
        const now = clock.nowUs();
        let t = Math.ceil((now + spec.leadUs) / spec.periodUs) * spec.periodUs;
        const prev = lastT.get(slotId);
        if (prev !== undefined && t <= prev) t = prev + spec.periodUs;
        lastT.set(slotId, t);
        const rec: WriteRecord = [w, k, t, 0, 0, ''];
        records.push(rec);
        rec[3] = clock.nowUs();
        lastCallUs = rec[3];
        pending.push(
          client.write(spec.keys[k] as string, 20 + (i % 17), { writer: spec.writers[w] as string, publishTimeUs: t }).then(
            () => {
              rec[4] = clock.nowUs();
              rec[5] = 'OK';
            },
            (e: unknown) => {
              rec[4] = clock.nowUs();
              rec[5] = isKvsClientError(e) ? e.code : 'ERROR';
              if (errorSamples[rec[5]] === undefined) errorSamples[rec[5]] = `${e instanceof Error ? e.message : String(e)} (publish time ${t}, called at ${rec[3]})`;
            },
          ),
        );
      };
      await new Promise<void>((done) => {
        const loop = (): void => {
          const now = clock.nowUs();
          let burst = 0;
          while (j < step.writes && start + j * intervalUs <= now && burst < MAX_BURST) {
            issue(j++);
            burst++;
          }
          if (j >= step.writes) return done();
          const waitUs = start + j * intervalUs - clock.nowUs();
          if (burst >= MAX_BURST || (spec.pacing === 'spin' && waitUs < 1_500)) setImmediate(loop);
          else setTimeout(loop, spec.pacing === 'spin' ? Math.floor((waitUs - 1_000) / 1_000) : Math.max(0, Math.floor(waitUs / 1_000)));
        };
        loop();
      });
      await Promise.all(pending);
      const cpu = process.cpuUsage(cpu0);
      steps.push({ rateHz: step.rateHz, startUs: start, lastCallUs, records, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rssBytes: process.memoryUsage().rss, errorSamples });
    }
  } finally {
    await client.close();
  }
  const result: LoadResult = { writers: spec.writers, keys: spec.keys, steps };
  writeFileSync(spec.out, JSON.stringify(result));
  return result;
}
