/** The fuse-function registry: the built-ins plus user-defined functions, by name. */
import type { FuseFunction } from './types.js';
import { brooksIyengar } from './brooksIyengar.js';
import { componentwiseMedian } from './componentwiseMedian.js';
import { faultTolerantMidpoint } from './faultTolerantMidpoint.js';
import { majority } from './majority.js';
import { marzullo } from './marzullo.js';
import { mean } from './mean.js';
import { median } from './median.js';
import { midValueSelect } from './midValueSelect.js';
import { trimmedMean } from './trimmedMean.js';

/** The built-in fuse functions, in name order. */
export const builtinFuseFunctions: readonly FuseFunction[] = Object.freeze(
  [brooksIyengar, componentwiseMedian, faultTolerantMidpoint, majority, marzullo, mean, median, midValueSelect, trimmedMean],
);

/** Fuse-function names: a letter, then letters, digits, '_', '.' or '-'; at most 64 characters. */
export const FUSE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Why `fn` cannot be registered (shape and requirement sanity), or undefined. */
export function checkFuseFunction(fn: unknown): string | undefined {
  if (typeof fn !== 'object' || fn === null) return 'a fuse function must be an object';
  const f = fn as Partial<Record<keyof FuseFunction, unknown>>;
  if (typeof f.name !== 'string') return 'a fuse function needs a string name';
  const name = f.name;
  if (!FUSE_NAME_PATTERN.test(name)) {
    return `invalid fuse function name ${JSON.stringify(name)}: use a letter followed by letters, digits, '_', '.' or '-' (at most 64 characters)`;
  }
  if (typeof f.description !== 'string' || f.description.trim() === '') return `fuse function '${name}' needs a description`;
  for (const m of ['supports', 'minWriters', 'fuse'] as const) {
    if (typeof f[m] !== 'function') return `fuse function '${name}' has no ${m}() method`;
  }
  if (f.checkParams !== undefined && typeof f.checkParams !== 'function') return `fuse function '${name}': checkParams must be a function`;
  // minWriters must be usable by the schema check: minWriters(0) a positive integer, then
  // non-decreasing integers or Infinity.
  const minWriters = (f.minWriters as FuseFunction['minWriters']).bind(fn);
  let previous = 0;
  for (let faulty = 0; faulty <= 4; faulty++) {
    let m: unknown;
    try {
      m = minWriters(faulty);
    } catch (e) {
      return `fuse function '${name}': minWriters(${faulty}) threw ${e instanceof Error ? e.message : String(e)}`;
    }
    const valid = typeof m === 'number' && ((Number.isSafeInteger(m) && m >= 1) || (faulty > 0 && m === Number.POSITIVE_INFINITY));
    if (!valid) return `fuse function '${name}': minWriters(${faulty}) must be a positive integer${faulty > 0 ? ' or Infinity' : ''}, got ${String(m)}`;
    if ((m as number) < previous) return `fuse function '${name}': minWriters must not decrease with more faulty writers (minWriters(${faulty}) = ${String(m)} < ${previous})`;
    previous = m as number;
  }
  return undefined;
}

export class FuseRegistry {
  private readonly byName = new Map<string, FuseFunction>();

  /** An empty registry, or one holding `fns` (see `createFuseRegistry` for the built-ins). */
  constructor(fns: Iterable<FuseFunction> = []) {
    for (const fn of fns) this.register(fn);
  }

  /**
   * Adds a fuse function under its `name`. Throws a TypeError for a malformed function or
   * name, and an Error when the name (compared case-insensitively, so 'Median' cannot shadow
   * 'median' in a config) is already registered. Returns the registry for chaining.
   */
  register(fn: FuseFunction): this {
    const problem = checkFuseFunction(fn);
    if (problem !== undefined) throw new TypeError(`cannot register fuse function: ${problem}`);
    const lower = fn.name.toLowerCase();
    for (const existing of this.byName.keys()) {
      if (existing.toLowerCase() === lower) {
        throw new Error(
          existing === fn.name
            ? `fuse function '${fn.name}' is already registered`
            : `fuse function '${fn.name}' clashes with the registered '${existing}' (names are compared case-insensitively)`,
        );
      }
    }
    this.byName.set(fn.name, fn);
    return this;
  }

  /** The function registered under exactly `name`, or undefined. */
  get(name: string): FuseFunction | undefined {
    return this.byName.get(name);
  }

  /** The function registered under `name`; throws a RangeError naming the known ones otherwise. */
  mustGet(name: string): FuseFunction {
    const fn = this.byName.get(name);
    if (fn === undefined) throw new RangeError(`unknown fuse function '${name}' (known: ${this.names().join(', ')})`);
    return fn;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** All registered functions, sorted by name. */
  list(): FuseFunction[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** All registered names, sorted. */
  names(): string[] {
    return this.list().map((f) => f.name);
  }
}

/** A new registry holding the built-ins and then `extra` (user-defined functions). */
export function createFuseRegistry(extra: Iterable<FuseFunction> = []): FuseRegistry {
  const r = new FuseRegistry(builtinFuseFunctions);
  for (const fn of extra) r.register(fn);
  return r;
}
