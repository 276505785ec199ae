/**
 * The simulator's only source of randomness: xoshiro128** on four 32-bit words, seeded through
 * splitmix32. One run seed makes one root generator; every concern (scenario, network, clocks,
 * workload, faults) gets its own `fork()` in a fixed order, so fixing one choice on the command
 * line (e.g. `--mode`) does not shift the random stream of the others and replays stay exact.
 *
 * 32-bit integer arithmetic only (`Math.imul`, `>>>`): fast, allocation-free, identical on
 * every platform.
 */

/** Seeds are non-negative safe integers: they are printed, typed on command lines, replayed. */
export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`a seed is a non-negative safe integer, got ${seed}`);
}

/** splitmix32: a bijective mixer of a 32-bit counter; used only to seed the state words. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_32 = 4_294_967_296;

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    checkSeed(seed);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    // Four distinct words from (lo, hi); xoshiro must not start from the all-zero state.
    let x = splitmix32(lo ^ splitmix32(hi ^ 0x5bd1e995));
    this.s0 = x;
    x = splitmix32(x + 0x632be5ab);
    this.s1 = x;
    x = splitmix32(x + 0x1b873593);
    this.s2 = x;
    x = splitmix32(x + hi);
    this.s3 = x;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  float(): number {
    return this.u32() / TWO_POW_32;
  }

  /** Uniform integer in [lo, hi] (inclusive). Ranges up to 2^32 wide. */
  int(lo: number, hi: number): number {
    if (hi < lo) throw new RangeError(`int(${lo}, ${hi}): empty range`);
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Uniform real in [lo, hi). */
  real(lo: number, hi: number): number {
    return lo + this.float() * (hi - lo);
  }

  /** True with probability p. `chance(0)` is always false, `chance(1)` always true. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Picks by weight: `[[w, item], ...]`, weights >= 0, at least one positive. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of choices) total += w;
    if (!(total > 0)) throw new RangeError('weighted pick needs a positive total weight');
    let r = this.float() * total;
    for (const [w, item] of choices) {
      if (r < w) return item;
      r -= w;
    }
    return (choices[choices.length - 1] as readonly [number, T])[1];
  }

  /** Fisher–Yates, in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** Exponentially distributed with the given mean (memoryless delays, tails). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Standard normal (Box–Muller; uses two draws). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and shape sigma: right-skewed like real latencies. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** An independent generator derived from this one (consumes two draws). */
  fork(): Prng {
    const a = this.u32();
    const b = this.u32() & 0x1fffff;
    return new Prng(b * TWO_POW_32 + a);
  }
}
