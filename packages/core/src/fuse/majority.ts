/** `majority`: exact voting on discrete values of any type. */
import { canonicalValue } from '../value.js';
import type { StructFieldValue, Value, ValueType } from '../value.js';
import type { FuseContext, FuseFunction, FuseInput, FuseResult } from './types.js';
import { done, fail, faultyWritersOf, normZero, unknownParams } from './numeric.js';

/** `threshold`: a positive integer, `'f+1'` (resolved with the key's faultyWriters) or `'majority'` (the default). */
export type MajorityThreshold = number | 'f+1' | 'majority';

function checkParams(params: Readonly<Record<string, unknown>>): string | undefined {
  const extra = unknownParams(params, ['threshold']);
  if (extra !== undefined) return extra;
  const t = params['threshold'];
  if (t === undefined || t === 'f+1' || t === 'majority') return undefined;
  if (typeof t === 'number' && Number.isSafeInteger(t) && t >= 1) return undefined;
  return `'threshold' must be a positive integer, 'f+1' or 'majority', got ${typeof t === 'string' ? `'${t}'` : String(t)}`;
}

/**
 * The vote count a value needs, or undefined for a strict majority of the inputs.
 * Assumes `checkParams` passed.
 */
function explicitThreshold(params: Readonly<Record<string, unknown>>, f: number): number | undefined {
  const t = params['threshold'];
  if (t === 'f+1') return f + 1;
  if (typeof t === 'number') return t;
  return undefined;
}

/**
 * A representative of a value's equivalence class under `canonicalValue`: -0 becomes +0 and
 * struct fields are in sorted order, so the fused value does not depend on which writer's copy
 * was picked (and hence not on input order).
 */
function normalize(v: Value): Value {
  if (typeof v === 'number') return normZero(v);
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return (v as readonly number[]).map(normZero);
  const rec = v as Readonly<Record<string, StructFieldValue>>;
  const out: Record<string, StructFieldValue> = {};
  for (const k of Object.keys(rec).sort()) {
    const x = rec[k] as StructFieldValue;
    out[k] = typeof x === 'number' ? normZero(x) : x;
  }
  return out;
}

export const majority: FuseFunction = Object.freeze({
  name: 'majority',
  description:
    'Exact voting for values of any type (bool, enum, string, int64, float64, float64[], struct; ' +
    'equality is canonicalValue, so -0 = +0 and struct field order does not matter). Default: the ' +
    'value held by more than half of the n inputs, else no value (ok: false). With parameter ' +
    'threshold t (a positive integer, or \'f+1\'): the value with the most votes if it has at ' +
    'least t votes and no other value has as many; a tie for the most votes gives no value. ' +
    'Masks f arbitrary values when the correct writers agree and n >= 2f+1 (minWriters(f) = ' +
    '2f+1; with an explicit threshold t, max(2f+1, f+t) so that the n-f correct writers alone ' +
    'reach t): the f faulty writers can then neither outvote nor tie the correct value. A ' +
    'threshold of f or less would let f faulty writers decide alone and is refused at fuse time. ' +
    'The result is a normalised copy of the winning value (-0 as +0, struct fields sorted).',
  supports(_type: ValueType): boolean {
    return true;
  },
  minWriters(faultyWriters: number, params?: Readonly<Record<string, unknown>>): number {
    const base = 2 * faultyWriters + 1;
    const t = params === undefined || checkParams(params) !== undefined ? undefined : explicitThreshold(params, faultyWriters);
    return t === undefined ? base : Math.max(base, faultyWriters + t);
  },
  checkParams,
  fuse(inputs: readonly FuseInput[], ctx: FuseContext): FuseResult {
    const params = ctx.params ?? {};
    const bad = checkParams(params);
    if (bad !== undefined) return fail(`invalid parameters: ${bad}`);
    const f = faultyWritersOf(ctx);
    if (!f.ok) return f;
    if (inputs.length === 0) return fail('no values to fuse');
    const explicit = explicitThreshold(params, f.values);
    if (explicit !== undefined && explicit <= f.values) {
      return fail(`threshold ${explicit} cannot mask ${f.values} faulty writer(s): it must be at least ${f.values + 1}`);
    }
    const needed = explicit ?? Math.floor(inputs.length / 2) + 1;

    const votes = new Map<string, { count: number; value: Value }>();
    for (const { value } of inputs) {
      const key = canonicalValue(value);
      const entry = votes.get(key);
      if (entry === undefined) votes.set(key, { count: 1, value });
      else entry.count++;
    }
    let best: { count: number; value: Value } | undefined;
    let tied = false;
    for (const entry of votes.values()) {
      if (best === undefined || entry.count > best.count) {
        best = entry;
        tied = false;
      } else if (entry.count === best.count) {
        tied = true;
      }
    }
    if (best === undefined || best.count < needed) {
      const most = best?.count ?? 0;
      return fail(`no value has ${explicit === undefined ? 'a majority' : `${needed} votes`} (most votes for one value: ${most} of ${inputs.length})`);
    }
    if (tied) return fail(`no unique winner: ${votes.size} values, two or more with ${best.count} votes each`);
    return done(normalize(best.value));
  },
});
