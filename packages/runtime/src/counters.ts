/**
 * Named event counters for diagnostics. Every rejection or anomaly in the runtime is counted
 * here rather than thrown or logged per event: a flood of bad datagrams must cost a map
 * update, not a log line or a crash.
 */
export class Counters<Name extends string = string> {
  private readonly counts = new Map<Name, number>();

  bump(name: Name, by = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + by);
  }

  get(name: Name): number {
    return this.counts.get(name) ?? 0;
  }

  /** A plain-object copy, sorted by name, safe to serialise or compare in tests. */
  snapshot(): Readonly<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const name of [...this.counts.keys()].sort()) out[name] = this.counts.get(name) as number;
    return out;
  }
}
