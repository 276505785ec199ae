/**
 * The machine a result was measured on, recorded next to every result: cores, CPU model,
 * memory, Node version, OS, load average at start, date, and the repository's commit (read
 * from .git without running git).
 */
import { existsSync, readFileSync } from 'node:fs';
import { arch, cpus, freemem, hostname, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  readonly date: string;
  readonly hostname: string;
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly freeMemoryBytes: number;
  readonly node: string;
  readonly os: string;
  readonly arch: string;
  readonly loadAverage: readonly number[];
  readonly gitCommit: string | undefined;
}

export function machineInfo(repoRoot: string | undefined): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    hostname: hostname(),
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    node: process.version,
    os: `${platform()} ${release()}`,
    arch: arch(),
    loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
    gitCommit: repoRoot === undefined ? undefined : gitCommit(repoRoot),
  };
}

/** HEAD's commit id from the .git directory (loose ref or packed-refs); undefined if unknown. */
export function gitCommit(repoRoot: string): string | undefined {
  try {
    const dir = join(repoRoot, '.git');
    if (!existsSync(dir)) return undefined;
    const head = readFileSync(join(dir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
    const ref = head.slice(5);
    const loose = join(dir, ref);
    if (existsSync(loose)) return readFileSync(loose, 'utf8').trim();
    const packed = join(dir, 'packed-refs');
    if (!existsSync(packed)) return undefined;
    for (const line of readFileSync(packed, 'utf8').split('\n')) {
      const [id, name] = line.split(' ');
      if (name === ref && id !== undefined) return id;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, ${m.os} ${m.arch}, load ${m.loadAverage.join(' ')}, ${m.date}${m.gitCommit === undefined ? '' : `, commit ${m.gitCommit.slice(0, 12)}`}`;
}

/** Cumulative CPU time of the whole host (Linux /proc/stat), to tell our load from everybody else's. */
export interface HostCpu {
  readonly busy: number;
  readonly total: number;
}

export function hostCpu(): HostCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const n = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** The host's busy CPU between two samples, in % of one core (2 busy cores = 200). */
export function hostBusyPercent(a: HostCpu | undefined, b: HostCpu | undefined, cores: number): number {
  if (a === undefined || b === undefined || b.total <= a.total) return Number.NaN;
  return ((b.busy - a.busy) / (b.total - a.total)) * 100 * cores;
}

/** Samples the host's CPU every `periodMs` so any time window of a run can be looked up afterwards. */
export class HostSampler {
  private readonly samples: { us: number; cpu: HostCpu }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cores: number,
    periodMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), periodMs);
    this.timer.unref();
  }

  private sample(): void {
    const cpu = hostCpu();
    if (cpu !== undefined) this.samples.push({ us: Date.now() * 1_000, cpu });
    if (this.samples.length > 100_000) this.samples.splice(0, 50_000);
  }

  /** Busy % of one core over [fromUs, toUs] (widened to the enclosing samples). */
  busyPercent(fromUs: number, toUs: number): number {
    let a: HostCpu | undefined;
    let b: HostCpu | undefined;
    for (const s of this.samples) {
      if (s.us <= fromUs) a = s.cpu;
      if (s.us >= toUs && b === undefined) b = s.cpu;
    }
    if (b === undefined) b = this.samples[this.samples.length - 1]?.cpu;
    return hostBusyPercent(a ?? this.samples[0]?.cpu, b, this.cores);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
