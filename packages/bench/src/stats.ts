/**
 * Exact order statistics over the samples of one measurement step (a few thousand values:
 * sorting is cheap and exact, no histogram approximation).
 */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentile of sorted values (q in 0..1); NaN for no samples. */
export function percentileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const arr = Array.from(sorted);
  let sum = 0;
  for (const v of arr) sum += v;
  return {
    n: arr.length,
    p50: percentileSorted(arr, 0.5),
    p99: percentileSorted(arr, 0.99),
    max: arr.length === 0 ? Number.NaN : (arr[arr.length - 1] as number),
    mean: arr.length === 0 ? Number.NaN : sum / arr.length,
  };
}

/** µs → ms with 3 decimals, for tables ('-' for NaN). */
export function ms(us: number): string {
  return Number.isFinite(us) ? (us / 1_000).toFixed(3) : '-';
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(1) : '-';
}
