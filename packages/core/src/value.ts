/**
 * Values stored in the KVS and the types a key schema can declare.
 *
 * Values are plain immutable JavaScript data so that fuse functions, the simulator and
 * applications can handle them without wrappers. `int64` values are JavaScript numbers
 * restricted to safe integers (|v| <= 2^53 - 1): control loops never need more, and it keeps
 * arithmetic in fuse functions exact and allocation-free.
 */

export type StructFieldValue = number | boolean | string;

export type Value =
  | number
  | boolean
  | string
  | readonly number[]
  | { readonly [field: string]: StructFieldValue };

export type ScalarKind = 'float64' | 'int64' | 'bool' | 'string';

export type ValueType =
  | { readonly kind: 'float64'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'int64'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'string'; readonly maxLength: number }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'float64[]'; readonly length: number; readonly min?: number; readonly max?: number }
  | { readonly kind: 'struct'; readonly fields: Readonly<Record<string, ScalarKind>> };

export type ValueKind = ValueType['kind'];

/** Longest string value accepted anywhere, whatever a schema says (wire limit). */
export const STRING_VALUE_MAX_LENGTH = 256;
/** Longest float64 vector accepted anywhere (wire limit). */
export const VECTOR_VALUE_MAX_LENGTH = 64;
/** Most struct fields accepted anywhere (wire limit). */
export const STRUCT_VALUE_MAX_FIELDS = 32;

export type ValueCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: ValueCheck = { ok: true };
const bad = (reason: string): ValueCheck => ({ ok: false, reason });

function checkScalar(kind: ScalarKind, v: unknown, what: string): ValueCheck {
  switch (kind) {
    case 'float64':
      if (typeof v !== 'number') return bad(`${what} must be a number, got ${typeName(v)}`);
      if (!Number.isFinite(v)) return bad(`${what} must be finite, got ${v}`);
      return OK;
    case 'int64':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return bad(`${what} must be a safe integer, got ${String(v)}`);
      return OK;
    case 'bool':
      return typeof v === 'boolean' ? OK : bad(`${what} must be a boolean, got ${typeName(v)}`);
    case 'string':
      if (typeof v !== 'string') return bad(`${what} must be a string, got ${typeName(v)}`);
      if (v.length > STRING_VALUE_MAX_LENGTH) return bad(`${what} is longer than ${STRING_VALUE_MAX_LENGTH} characters`);
      return OK;
  }
}

function checkRange(v: number, t: { min?: number; max?: number }, what: string): ValueCheck {
  if (t.min !== undefined && v < t.min) return bad(`${what} ${v} is below the minimum ${t.min}`);
  if (t.max !== undefined && v > t.max) return bad(`${what} ${v} is above the maximum ${t.max}`);
  return OK;
}

/** Checks that `v` is a well-formed value of type `type` (hostile input: any JS value). */
export function checkValue(type: ValueType, v: unknown): ValueCheck {
  switch (type.kind) {
    case 'float64':
    case 'int64': {
      const c = checkScalar(type.kind, v, 'value');
      return c.ok ? checkRange(v as number, type, 'value') : c;
    }
    case 'bool':
      return checkScalar('bool', v, 'value');
    case 'string': {
      const c = checkScalar('string', v, 'value');
      if (!c.ok) return c;
      return (v as string).length <= type.maxLength ? OK : bad(`value is longer than ${type.maxLength} characters`);
    }
    case 'enum':
      if (typeof v !== 'string') return bad(`value must be one of ${type.values.join(', ')}, got ${typeName(v)}`);
      return type.values.includes(v) ? OK : bad(`value '${v}' is not one of ${type.values.join(', ')}`);
    case 'float64[]': {
      if (!Array.isArray(v)) return bad(`value must be an array of ${type.length} numbers, got ${typeName(v)}`);
      if (v.length !== type.length) return bad(`value must have ${type.length} elements, got ${v.length}`);
      for (let i = 0; i < v.length; i++) {
        const c = checkScalar('float64', v[i], `element ${i}`);
        if (!c.ok) return c;
        const r = checkRange(v[i] as number, type, `element ${i}`);
        if (!r.ok) return r;
      }
      return OK;
    }
    case 'struct': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad(`value must be an object, got ${typeName(v)}`);
      const names = Object.keys(v);
      for (const name of names) {
        if (!Object.hasOwn(type.fields, name)) return bad(`unknown field '${name}'`);
      }
      for (const [name, kind] of Object.entries(type.fields)) {
        if (!Object.hasOwn(v, name)) return bad(`missing field '${name}'`);
        const c = checkScalar(kind, (v as Record<string, unknown>)[name], `field '${name}'`);
        if (!c.ok) return c;
      }
      return OK;
    }
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Structural equality of two values (exact: fuse functions decide what "close" means). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if ((a as Record<string, StructFieldValue>)[k] !== (b as Record<string, StructFieldValue>)[k]) return false;
    return true;
  }
  return false;
}

/**
 * A canonical string for a value: equal values give equal strings. Used to count votes
 * (majority), to detect equivocation and to hash slot contents deterministically.
 */
export function canonicalValue(v: Value): string {
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:0' : `n:${v}`;
  if (typeof v === 'boolean') return v ? 'b:1' : 'b:0';
  if (typeof v === 'string') return `s:${JSON.stringify(v)}`;
  if (Array.isArray(v)) return `v:[${v.map((x) => String(Object.is(x, -0) ? 0 : x)).join(',')}]`;
  const rec = v as Record<string, StructFieldValue>;
  const names = Object.keys(rec).sort();
  return `o:{${names.map((k) => `${JSON.stringify(k)}:${canonicalValue(rec[k] as StructFieldValue)}`).join(',')}}`;
}
