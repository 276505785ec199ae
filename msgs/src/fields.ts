// Field-level checks shared by the message validators. Each returns the checked value in its
// validated shape or throws a Reject, which codec.ts turns into a WireError. Throwing keeps
// the validators linear; Reject is not an Error so that a flood of bad datagrams does not pay
// for stack traces.
import { ID_PATTERN, isEndpointIndex, isReplicaIndex } from './limits.js';
import type { WireErrorCode } from './result.js';

export class Reject {
  constructor(
    readonly code: WireErrorCode,
    readonly path: string,
    readonly rule: string,
  ) {}
}

export function reject(code: WireErrorCode, path: string, rule: string): never {
  throw new Reject(code, path, rule);
}

/** A decoded protobufjs message or a plain object: fields are read, never trusted. */
export type Raw = { readonly [field: string]: unknown };

export const at = (path: string, field: string): string => (path === '' ? field : `${path}.${field}`);

// Absent scalar fields read as their proto3 default: decoded messages inherit defaults from
// their prototype, plain objects may simply omit them.

function longBits(v: unknown): { low: number; high: number } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { low, high } = v as { low?: unknown; high?: unknown };
  return typeof low === 'number' && typeof high === 'number' ? { low, high } : undefined;
}

const TWO_32 = 4294967296;
const SAFE_HIGH = 0x200000; // 2^53 / 2^32: |value| <= 2^53 - 1 needs |high word| < 2^21

/**
 * uint64 / sint64 as a safe JS number. protobufjs yields a Long (it finds the `long` package
 * despite --force-number) or a number; the field's wire type decides how the 64 bits are read,
 * not the Long's own `unsigned` flag.
 */
function int64(v: unknown, path: string, signed: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) reject('BAD_FIELD', path, 'must be a safe integer');
    if (!signed && v < 0) reject('BAD_FIELD', path, 'must not be negative');
    return v === 0 ? 0 : v; // no -0
  }
  const bits = longBits(v);
  if (bits === undefined) return reject('BAD_FIELD', path, 'must be an integer');
  const low = bits.low >>> 0;
  const high = signed ? bits.high | 0 : bits.high >>> 0;
  if (high >= SAFE_HIGH || high < -SAFE_HIGH) reject('BAD_FIELD', path, 'must be within 2^53 - 1');
  const value = high * TWO_32 + low;
  if (!Number.isSafeInteger(value)) reject('BAD_FIELD', path, 'must be within 2^53 - 1');
  return value;
}

export const u64 = (v: unknown, path: string): number => int64(v, path, false);
export const i64 = (v: unknown, path: string): number => int64(v, path, true);

/** A uint64 that must be set (non-zero), e.g. a slot's publish time. */
export function u64Set(v: unknown, path: string): number {
  const n = u64(v, path);
  if (n === 0) reject('BAD_FIELD', path, 'is required (must be > 0)');
  return n;
}

export function u32(v: unknown, path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    return reject('BAD_FIELD', path, 'must be a uint32');
  }
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') return reject('BAD_FIELD', path, 'must be a bool');
  return v;
}

export function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return reject('BAD_FIELD', path, 'must be a finite number');
  return v;
}

export function replicaIndex(v: unknown, path: string): number {
  const n = u32(v, path);
  if (!isReplicaIndex(n)) reject('BAD_FIELD', path, 'is not a replica index');
  return n;
}

export function endpointIndex(v: unknown, path: string): number {
  const n = u32(v, path);
  if (!isEndpointIndex(n)) reject('BAD_FIELD', path, 'is not a replica or client endpoint index');
  return n;
}

export function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') return reject('BAD_FIELD', path, 'must be a string');
  return v;
}

/** A key, writer id or name: 1..max characters of ID_PATTERN. */
export function id(v: unknown, path: string, max: number): string {
  const s = str(v, path);
  if (s.length > max) reject('LIMIT', path, `longer than ${max} characters`);
  if (!ID_PATTERN.test(s)) reject('BAD_FIELD', path, s === '' ? 'is required' : 'has characters outside [A-Za-z0-9_./-]');
  return s;
}

// C0 controls except \t and \n, DEL and C1 controls: they could rewrite terminals and logs.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Free text for humans (reply messages). */
export function text(v: unknown, path: string, max: number): string {
  const s = str(v, path);
  if (s.length > max) reject('LIMIT', path, `longer than ${max} characters`);
  if (CONTROL.test(s)) reject('BAD_FIELD', path, 'contains control characters');
  return s;
}

/** A string bounded in UTF-16 code units, content unrestricted (application data). */
export function boundedStr(v: unknown, path: string, max: number): string {
  const s = str(v, path);
  if (s.length > max) reject('LIMIT', path, `longer than ${max} characters`);
  return s;
}

/** Bytes as a plain Uint8Array view (protobufjs hands out Buffers, whose slice() aliases). */
export function bytes(v: unknown, path: string): Uint8Array {
  if (v === undefined || v === null) return new Uint8Array(0);
  if (!(v instanceof Uint8Array)) return reject('BAD_FIELD', path, 'must be bytes');
  return v.constructor === Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

export function bytesExact(v: unknown, path: string, n: number): Uint8Array {
  const b = bytes(v, path);
  if (b.length !== n) reject('BAD_FIELD', path, `must be ${n} bytes`);
  return b;
}

/** An optional authenticator: empty, or exactly n bytes. */
export function bytesEmptyOr(v: unknown, path: string, n: number): Uint8Array {
  const b = bytes(v, path);
  if (b.length !== 0 && b.length !== n) reject('BAD_FIELD', path, `must be empty or ${n} bytes`);
  return b;
}

export function bytesUpTo(v: unknown, path: string, max: number): Uint8Array {
  const b = bytes(v, path);
  if (b.length > max) reject('LIMIT', path, `longer than ${max} bytes`);
  return b;
}

export function list<T>(v: unknown, path: string, max: number, item: (x: unknown, path: string) => T): T[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return reject('BAD_FIELD', path, 'must be a list');
  if (v.length > max) reject('LIMIT', path, `more than ${max} entries`);
  const out: T[] = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i], `${path}[${i}]`);
  return out;
}

export function optionalMessage(v: unknown, path: string): Raw | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object') return reject('BAD_FIELD', path, 'must be a message');
  return v as Raw;
}

export function message(v: unknown, path: string): Raw {
  const m = optionalMessage(v, path);
  if (m === null) return reject('BAD_FIELD', path, 'is required');
  return m;
}

/** The one set member of a oneof; none or several set is BAD_FIELD. */
export function oneof<K extends string>(m: Raw, path: string, members: readonly K[]): K {
  let found: K | undefined;
  for (const k of members) {
    if (m[k] === undefined || m[k] === null) continue;
    if (found !== undefined) reject('BAD_FIELD', path, `sets both ${found} and ${k}`);
    found = k;
  }
  if (found === undefined) return reject('BAD_FIELD', path, `must set one of ${members.join(', ')}`);
  return found;
}

/** Entries sorted strictly ascending by `name` (which makes them unique). */
export function strictlyAscending<T>(items: readonly T[], name: (t: T) => string, path: string, what: string): void {
  for (let i = 1; i < items.length; i++) {
    const prev = name(items[i - 1] as T);
    const cur = name(items[i] as T);
    if (!(prev < cur)) reject('BAD_FIELD', `${path}[${i}]`, `${what} must be sorted and unique`);
  }
}

/** UTF-8 length of a string (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
