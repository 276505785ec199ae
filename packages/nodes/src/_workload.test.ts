/**
 * Test helpers (ava skips `_` files): the redundant-writer workload used by the process tests.
 * Three wheel-speed writers (one per node, each through its own node's replica) write the
 * same slot every 40 ms; each replica's client records the agreed slots it is notified of.
 */
import type { SlotUpdate } from '@bftkvs/client';
import type { KvsClient } from '@bftkvs/client';
import type { TestCluster } from './_testCluster.test.js';
import { until } from './_testCluster.test.js';

export const PERIOD_US = 10_000;
export const LEAD_US = 100_000;
export const WRITERS = [
  { writer: 'wheel_left', replica: 0, base: 10 },
  { writer: 'wheel_right', replica: 1, base: 20 },
  { writer: 'wheel_rear', replica: 2, base: 15 },
] as const;

/** The value a writer writes for slot t: base + a slot-dependent step, so slots differ. */
export const valueOf = (base: number, t: number): number => base + ((t / PERIOD_US) % 7);

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export interface Run {
  readonly clients: KvsClient[];
  /** replica -> publish time -> agreed slot (from notices). */
  readonly agreed: Map<number, Map<number, SlotUpdate>>;
  /** publish time -> writer -> value written. */
  readonly written: Map<number, Map<string, number>>;
  writing: boolean;
  writeErrors: number;
  stop(): Promise<void>;
}

export async function run(cluster: TestCluster): Promise<Run> {
  const clients = await Promise.all([0, 1, 2, 3].map((r) => cluster.client(r)));
  const agreed = new Map<number, Map<number, SlotUpdate>>();
  clients.forEach((c, r) => {
    const mine = new Map<number, SlotUpdate>();
    agreed.set(r, mine);
    c.subscribe(['speed'], (s) => {
      if (s.agreed) mine.set(s.publishTimeUs, s);
    });
  });
  const written = new Map<number, Map<string, number>>();
  const state: Run = {
    clients,
    agreed,
    written,
    writing: true,
    writeErrors: 0,
    async stop() {
      state.writing = false;
      clearInterval(timer);
      await Promise.all(clients.map((c) => c.close()));
    },
  };
  const timer = setInterval(() => {
    if (!state.writing) return;
    const now = Date.now() * 1_000;
    const t = Math.ceil((now + LEAD_US) / PERIOD_US) * PERIOD_US;
    const forSlot = new Map<string, number>();
    written.set(t, forSlot);
    for (const w of WRITERS) {
      const v = valueOf(w.base, t);
      forSlot.set(w.writer, v);
      (clients[w.replica] as KvsClient).write('speed', v, { writer: w.writer, publishTimeUs: t }).catch(() => state.writeErrors++);
    }
  }, 40);
  return state;
}

/** Slots agreed at every replica in `replicas` with publish time > `after`, in order. */
export function common(r: Run, replicas: readonly number[], after = 0): number[] {
  const first = r.agreed.get(replicas[0] as number) ?? new Map<number, SlotUpdate>();
  return [...first.keys()].filter((t) => t > after && replicas.every((x) => r.agreed.get(x)?.has(t) === true)).sort((a, b) => a - b);
}

/**
 * Agreement (same value and contents at every listed replica) and validity (the value is the
 * median of contributions that are exactly what those writers wrote for the slot).
 */
export function checkSlots(r: Run, replicas: readonly number[], times: readonly number[], expectWriters?: readonly string[]): string[] {
  const problems: string[] = [];
  for (const t of times) {
    const slots = replicas.map((x) => r.agreed.get(x)?.get(t) as SlotUpdate);
    const ref = slots[0] as SlotUpdate;
    for (const [i, s] of slots.entries()) {
      if (s.value !== ref.value || JSON.stringify(s.contributions) !== JSON.stringify(ref.contributions)) {
        problems.push(`slot ${t}: replica ${replicas[i]} has ${JSON.stringify(s.value)} from ${JSON.stringify(s.contributions)}, replica ${replicas[0]} ${JSON.stringify(ref.value)}`);
      }
    }
    const wrote = r.written.get(t);
    for (const c of ref.contributions) {
      if (wrote?.get(c.writer) !== c.value) problems.push(`slot ${t}: ${c.writer} contributed ${String(c.value)} but wrote ${String(wrote?.get(c.writer))}`);
    }
    if (ref.value !== median(ref.contributions.map((c) => c.value as number))) problems.push(`slot ${t}: ${String(ref.value)} is not the median of its contributions`);
    if (expectWriters !== undefined) {
      const who = ref.contributions.map((c) => c.writer).sort();
      if (JSON.stringify(who) !== JSON.stringify([...expectWriters].sort())) problems.push(`slot ${t}: contributors ${who.join(',')}, expected ${expectWriters.join(',')}`);
    }
  }
  return problems;
}

/** Pauses the writers, lets the last slots publish and synchronise, then reads at each replica: all return the same agreed slot. */
export async function quiescentReads(r: Run, replicas: readonly number[]): Promise<{ value: number; publishTimeUs: number }> {
  r.writing = false;
  try {
    let last: { value: number; publishTimeUs: number } | undefined;
    let seen = '';
    await until(
      async () => {
        const reads = await Promise.all(replicas.map((x) => (r.clients[x] as KvsClient).read('speed').catch((e: unknown) => (seen = String(e), undefined))));
        seen = `${JSON.stringify(reads.map((s) => (s === undefined ? null : { t: s.publishTimeUs, v: s.value, agreed: s.agreed, c: s.contributions })))} ${seen}`;
        const ok = reads.every((s) => s !== undefined && s.agreed && s.publishTimeUs === reads[0]?.publishTimeUs && s.value === reads[0]?.value);
        if (ok) last = { value: reads[0]?.value as number, publishTimeUs: reads[0]?.publishTimeUs as number };
        return ok;
      },
      15_000,
      `agreed identical reads at replicas ${replicas.join(', ')}`,
    ).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; last reads: ${seen}`);
    });
    return last as { value: number; publishTimeUs: number };
  } finally {
    r.writing = true;
  }
}

