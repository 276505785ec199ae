import type { Value, ValueType } from '../value.js';

/** One writer's value in a slot, as handed to a fuse function (sorted by writer). */
export interface FuseInput {
  readonly writer: string;
  readonly value: Value;
}

export interface FuseContext {
  /** The value type of the key (fuse functions may refuse types they cannot fuse). */
  readonly type: ValueType;
  /** The number of faulty writers this key is configured to tolerate. */
  readonly faultyWriters: number;
  /** Fuse-function parameters from the key schema (validated by `checkParams`). */
  readonly params: Readonly<Record<string, unknown>>;
}

export type FuseResult =
  | { readonly ok: true; readonly value: Value }
  | { readonly ok: false; readonly reason: string };

/**
 * A fuse function turns the values written into one slot into the slot's value.
 *
 * Requirements on every implementation:
 * - deterministic and pure: the same inputs (in the same order) give the same output on every
 *   replica, so correct replicas holding equal slot contents publish equal values;
 * - order-insensitive: callers pass inputs sorted by writer, but the result must not depend
 *   on the order anyway (tests check it);
 * - total: never throws for values that passed the key's type check; it returns
 *   `{ ok: false }` when the inputs cannot be fused (e.g. no majority).
 */
export interface FuseFunction {
  readonly name: string;
  /** One paragraph: what it computes, what it masks, and its n-versus-f requirement. */
  readonly description: string;
  /** Whether this function can fuse values of the given type. */
  supports(type: ValueType): boolean;
  /**
   * The minimum number of contributing writers needed to mask `faultyWriters` arbitrary
   * values (e.g. median: 2f+1). A schema whose `minWriters` is below this is rejected.
   * Non-decreasing in `faultyWriters`; `minWriters(0)` is a positive integer; it returns
   * `Infinity` when no number of writers suffices (e.g. mean masks nothing, so mean(1) is
   * `Infinity`). `params` are the key's (already checked) fuse parameters, for functions whose
   * requirement depends on them (majority with a `threshold`); callers should pass them.
   */
  minWriters(faultyWriters: number, params?: Readonly<Record<string, unknown>>): number;
  /** Validates schema parameters; returns an error message or undefined. */
  checkParams?(params: Readonly<Record<string, unknown>>, type: ValueType): string | undefined;
  fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult;
}
