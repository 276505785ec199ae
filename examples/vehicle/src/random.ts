/**
 * Seeded, deterministic randomness for the testbed models. Two flavours:
 *
 * - **Counter-based** (`hashUniform`, `hashGaussian`): a random number is a pure function of
 *   `(seed, stream, counter)`, where the counter is normally a publish time in µs. A sensor's
 *   noise at time `t` is therefore the same whichever samples were taken before it, after a
 *   restart, or in another process — there is no hidden generator position to keep in step.
 * - **Sequential** (`SeededRandom`): a small generator for places that just need a stream
 *   (test fixtures, jitter sequences).
 *
 * 32-bit integer arithmetic (`Math.imul`, `>>>`) only for the integer parts, so the bits are the
 * same on every platform. The Gaussian transform uses `Math.log`/`Math.cos`; those are only used
 * by single-writer models (a sensor's own noise), never by replicated controller code.
 * Not cryptographic.
 */

const TWO_POW_32 = 4_294_967_296;

/** A bijective avalanche mixer of one 32-bit word (the finaliser of MurmurHash3). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits a non-negative safe integer into its low and high 32-bit words. */
function words(n: number): [number, number] {
  const lo = n >>> 0;
  const hi = Math.floor(n / TWO_POW_32) >>> 0;
  return [lo, hi];
}

function checkCounter(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

/** A 32-bit hash of (seed, stream, counter); all three are non-negative safe integers. */
export function hash32(seed: number, stream: number, counter: number): number {
  checkCounter('seed', seed);
  checkCounter('stream', stream);
  checkCounter('counter', counter);
  const [s0, s1] = words(seed);
  const [c0, c1] = words(counter);
  let h = 0x9e3779b9;
  for (const w of [s0, s1, stream >>> 0, c0, c1]) {
    h = mix32((h ^ w) + 0x7f4a7c15);
  }
  return h;
}

/** Uniform in [0, 1), a pure function of (seed, stream, counter). */
export function hashUniform(seed: number, stream: number, counter: number): number {
  return hash32(seed, stream, counter) / TWO_POW_32;
}

/** Standard normal N(0, 1), a pure function of (seed, stream, counter) (Box–Muller). */
export function hashGaussian(seed: number, stream: number, counter: number): number {
  // u1 in (0, 1] so the log is finite; u2 in [0, 1).
  const u1 = (hash32(seed, stream, counter) + 1) / TWO_POW_32;
  const u2 = hash32(seed, stream + 0x10000, counter) / TWO_POW_32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A small sequential generator (counter-based underneath: state is just the next counter). */
export class SeededRandom {
  private counter = 0;

  constructor(
    private readonly seed: number,
    private readonly stream = 0,
  ) {
    checkCounter('seed', seed);
    checkCounter('stream', stream);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return hashUniform(this.seed, this.stream, this.counter++);
  }

  /** Standard normal. */
  gaussian(): number {
    return hashGaussian(this.seed, this.stream, this.counter++);
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
}
