/**
 * Conversion between the application's plain values (core `Value`: number, boolean, string,
 * number[], flat struct object) and the wire's tagged `Value`.
 *
 * The wire kind must match the key's type exactly (a float64 key takes `f64`, an int64 key
 * `i64`), and a JS number does not say which it is. With the key's type (from the cluster
 * file) the conversion is exact; without it numbers go as float64. Validation (ranges, enum
 * members, struct fields) is the replica's: it answers BAD_VALUE with the reason, so there
 * is one source of truth. Only values the wire cannot carry at all are refused here.
 *
 * To be deduplicated with the core's converter once it is exported for clients.
 */
import type { ScalarKind, StructFieldValue, Value, ValueType } from '@bftkvs/core';
import type { StructField, Value as WireValue } from '@bftkvs/msgs';
import { KvsClientError } from './errors.js';

export function toWireValue(v: unknown, type?: ValueType): WireValue {
  if (type !== undefined) {
    switch (type.kind) {
      case 'float64':
        if (typeof v === 'number') return { kind: 'f64', f64: v };
        break;
      case 'int64':
        if (typeof v === 'number') return { kind: 'i64', i64: v };
        break;
      case 'struct':
        if (isPlainObject(v)) return structToWire(v, type.fields);
        break;
      default:
        break;
    }
  }
  return inferred(v);
}

/** The plain value of a wire value (int64 and float64 both become numbers). */
export function fromWireValue(w: WireValue): Value {
  switch (w.kind) {
    case 'f64':
      return w.f64;
    case 'i64':
      return w.i64;
    case 'b':
      return w.b;
    case 's':
      return w.s;
    case 'vec':
      return [...w.vec.items];
    case 'fields':
      // fromEntries defines own properties: a field named __proto__ cannot reach the prototype.
      return Object.fromEntries(w.fields.fields.map((f) => [f.name, f.kind === 'f64' ? f.f64 : f.kind === 'i64' ? f.i64 : f.kind === 'b' ? f.b : f.s]));
  }
}

function inferred(v: unknown): WireValue {
  if (typeof v === 'number') return { kind: 'f64', f64: v };
  if (typeof v === 'boolean') return { kind: 'b', b: v };
  if (typeof v === 'string') return { kind: 's', s: v };
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === 'number')) throw new KvsClientError('BAD_VALUE', 'an array value must contain numbers only');
    return { kind: 'vec', vec: { items: [...(v as number[])] } };
  }
  if (isPlainObject(v)) return structToWire(v, undefined);
  throw new KvsClientError('BAD_VALUE', `a value of type ${v === null ? 'null' : typeof v} cannot be written (number, boolean, string, number[] or a flat object)`);
}

function structToWire(v: Readonly<Record<string, unknown>>, kinds: Readonly<Record<string, ScalarKind>> | undefined): WireValue {
  // The wire requires fields sorted by name in UTF-16 code unit order (the default sort).
  const fields: StructField[] = Object.keys(v)
    .sort()
    .map((name) => fieldToWire(name, v[name], kinds !== undefined && Object.hasOwn(kinds, name) ? kinds[name] : undefined));
  return { kind: 'fields', fields: { fields } };
}

function fieldToWire(name: string, v: unknown, kind: ScalarKind | undefined): StructField {
  if (typeof v === 'number') return kind === 'int64' ? { name, kind: 'i64', i64: v } : { name, kind: 'f64', f64: v };
  if (typeof v === 'boolean') return { name, kind: 'b', b: v };
  if (typeof v === 'string') return { name, kind: 's', s: v };
  throw new KvsClientError('BAD_VALUE', `struct field '${name}' must be a number, boolean or string`);
}

function isPlainObject(v: unknown): v is Readonly<Record<string, StructFieldValue | unknown>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
