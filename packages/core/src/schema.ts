/**
 * Key schemas: what may be written to a key, when, by whom, and how the writes are fused.
 *
 * Configuration arrives as untrusted data (YAML, ROS parameters, CLI). It is parsed with zod
 * into the exact shape below, then cross-checked against the fuse registry (the function
 * exists, supports the type, and the writer counts can mask the declared faulty writers).
 * Every problem is reported with the key's name and the offending field.
 */
import { z } from 'zod';
import type { FuseRegistry } from './fuse/index.js';
import type { TimeGrid } from './time.js';
import { US_PER_MS } from './time.js';
import type { ValueType } from './value.js';
import { STRING_VALUE_MAX_LENGTH, STRUCT_VALUE_MAX_FIELDS, VECTOR_VALUE_MAX_LENGTH } from './value.js';
import { ConfigError } from './errors.js';

/** Names of keys and writers: what the wire and ROS topic names can carry. */
export const NAME_PATTERN = /^[A-Za-z0-9_.\/-]{1,128}$/;
export const DEFAULT_RETENTION_SLOTS = 100;
/** Upper bound on retention: memory per key is bounded by configuration, and by this. */
export const MAX_RETENTION_SLOTS = 100_000;
export const MAX_WRITERS_PER_KEY = 64;

export interface KeySchema {
  readonly name: string;
  readonly type: ValueType;
  readonly grid: TimeGrid;
  /** Authorised writer ids, sorted. */
  readonly writers: readonly string[];
  readonly fuse: string;
  readonly fuseParams: Readonly<Record<string, unknown>>;
  /** Arbitrary-valued writers the fuse function must mask (the writers' f). */
  readonly faultyWriters: number;
  /** A slot with fewer contributions is not published (counted as a miss). */
  readonly minWriters: number;
  /** Published slots kept per key; older ones are garbage-collected. */
  readonly retention: number;
}

const name = z.string().regex(NAME_PATTERN, 'must be 1-128 characters of A-Z a-z 0-9 _ . / -');
const finite = z.number().finite();
const range = { min: finite.optional(), max: finite.optional() };
const scalarKind = z.enum(['float64', 'int64', 'bool', 'string']);

const valueTypeInput = z.union([
  z.enum(['float64', 'int64', 'bool']).transform((kind) => ({ kind })),
  z.literal('string').transform(() => ({ kind: 'string' as const, maxLength: STRING_VALUE_MAX_LENGTH })),
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('float64'), ...range }),
    z.strictObject({ kind: z.literal('int64'), ...range }),
    z.strictObject({ kind: z.literal('bool') }),
    z.strictObject({
      kind: z.literal('string'),
      maxLength: z.number().int().min(1).max(STRING_VALUE_MAX_LENGTH).default(STRING_VALUE_MAX_LENGTH),
    }),
    z.strictObject({ kind: z.literal('enum'), values: z.array(z.string().min(1).max(STRING_VALUE_MAX_LENGTH)).min(1).max(256) }),
    z.strictObject({ kind: z.literal('float64[]'), length: z.number().int().min(1).max(VECTOR_VALUE_MAX_LENGTH), ...range }),
    z.strictObject({
      kind: z.literal('struct'),
      fields: z
        .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'field names are identifiers'), scalarKind)
        .refine((f) => Object.keys(f).length >= 1 && Object.keys(f).length <= STRUCT_VALUE_MAX_FIELDS, {
          message: `a struct has 1-${STRUCT_VALUE_MAX_FIELDS} fields`,
        }),
    }),
  ]),
]);

const periodMs = z.number().positive().max(3_600_000);

/** The configuration form of one key (as written in YAML; times in milliseconds). */
export const keySchemaInput = z.strictObject({
  type: valueTypeInput,
  periodMs,
  offsetMs: z.number().min(0).default(0),
  writers: z.array(name).min(1).max(MAX_WRITERS_PER_KEY),
  fuse: z.union([name.transform((n) => ({ name: n, params: {} })), z.strictObject({ name, params: z.record(z.string(), z.unknown()).default({}) })]),
  faultyWriters: z.number().int().min(0).optional(),
  minWriters: z.number().int().min(1).optional(),
  retention: z.number().int().min(1).max(MAX_RETENTION_SLOTS).default(DEFAULT_RETENTION_SLOTS),
});

export type KeySchemaInput = z.input<typeof keySchemaInput>;

export const keySchemasInput = z.record(name, keySchemaInput);

/**
 * Parses and validates a map of key name -> key configuration. Throws `ConfigError` naming
 * every problem; configuration errors must stop a replica at start-up, not at the first write.
 */
export function parseKeySchemas(input: unknown, fuse: FuseRegistry): ReadonlyMap<string, KeySchema> {
  const parsed = keySchemasInput.safeParse(input);
  if (!parsed.success) throw new ConfigError(`invalid key schemas:\n${z.prettifyError(parsed.error)}`);
  const out = new Map<string, KeySchema>();
  const problems: string[] = [];
  for (const [keyName, k] of Object.entries(parsed.data)) {
    const problem = (msg: string): void => {
      problems.push(`key '${keyName}': ${msg}`);
    };
    const periodUs = Math.round(k.periodMs * US_PER_MS);
    const offsetUs = Math.round(k.offsetMs * US_PER_MS);
    if (periodUs !== k.periodMs * US_PER_MS) problem(`periodMs ${k.periodMs} is not a whole number of microseconds`);
    if (offsetUs !== k.offsetMs * US_PER_MS) problem(`offsetMs ${k.offsetMs} is not a whole number of microseconds`);
    if (offsetUs >= periodUs) problem(`offsetMs must be smaller than periodMs`);
    const writers = [...k.writers].sort();
    for (let i = 1; i < writers.length; i++) if (writers[i] === writers[i - 1]) problem(`writer '${writers[i]}' is listed twice`);
    const type = k.type as ValueType;
    const fn = fuse.get(k.fuse.name);
    if (fn === undefined) {
      problem(`unknown fuse function '${k.fuse.name}' (known: ${fuse.list().map((f) => f.name).join(', ')})`);
      continue;
    }
    if (!fn.supports(type)) problem(`fuse function '${fn.name}' cannot fuse values of type ${type.kind}`);
    const paramProblem = fn.checkParams?.(k.fuse.params, type);
    if (paramProblem !== undefined) problem(`fuse '${fn.name}' params: ${paramProblem}`);
    const maskNeeds = (f: number): number => fn.minWriters(f, k.fuse.params);
    const faultyWriters = k.faultyWriters ?? largestMaskable(maskNeeds, writers.length);
    const needed = maskNeeds(faultyWriters);
    const minWriters = k.minWriters ?? (Number.isFinite(needed) ? Math.max(1, needed) : 1);
    if (!Number.isFinite(needed)) {
      problem(`fuse '${fn.name}' masks no faulty writer; set faultyWriters: 0 or choose a masking fuse function (e.g. median)`);
    } else if (needed > writers.length) {
      problem(`fuse '${fn.name}' needs ${needed} writers to mask ${faultyWriters} faulty writer(s); only ${writers.length} are authorised`);
    }
    if (Number.isFinite(needed) && minWriters < needed) problem(`minWriters ${minWriters} is below the ${needed} that '${fn.name}' needs to mask ${faultyWriters} faulty writer(s)`);
    if (minWriters > writers.length) problem(`minWriters ${minWriters} exceeds the ${writers.length} authorised writers`);
    out.set(keyName, {
      name: keyName,
      type,
      grid: { periodUs, offsetUs },
      writers,
      fuse: fn.name,
      fuseParams: k.fuse.params,
      faultyWriters,
      minWriters,
      retention: k.retention,
    });
  }
  if (problems.length > 0) throw new ConfigError(`invalid key schemas:\n  ${problems.join('\n  ')}`);
  return out;
}

/** The largest f whose masking requirement fits the number of authorised writers. */
function largestMaskable(minWriters: (f: number) => number, writerCount: number): number {
  let f = 0;
  while (minWriters(f + 1) <= writerCount && f < writerCount) f++;
  return f;
}
