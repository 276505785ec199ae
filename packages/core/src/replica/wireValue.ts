/**
 * Conversion between the store's plain values and the wire's tagged `Value`, guided by the
 * key's type. The wire kind must match the type exactly (a float64 key takes `f64`, never
 * `i64`): an origin cannot smuggle a differently-encoded value past the type check, and each
 * value has one wire form, so equal values give equal authenticated bytes.
 */
import type { Value as WireValue, StructField } from '@bftkvs/msgs';
import type { ScalarKind, StructFieldValue, Value, ValueType } from '../value.js';

export function valueToWire(type: ValueType, v: Value): WireValue {
  switch (type.kind) {
    case 'float64':
      return { kind: 'f64', f64: v as number };
    case 'int64':
      return { kind: 'i64', i64: v as number };
    case 'bool':
      return { kind: 'b', b: v as boolean };
    case 'string':
    case 'enum':
      return { kind: 's', s: v as string };
    case 'float64[]':
      return { kind: 'vec', vec: { items: [...(v as readonly number[])] } };
    case 'struct': {
      const rec = v as Readonly<Record<string, StructFieldValue>>;
      // UTF-16 code unit order, as the wire requires.
      const names = Object.keys(type.fields).sort();
      const fields: StructField[] = names.map((name) => scalarToWire(name, type.fields[name] as ScalarKind, rec[name] as StructFieldValue));
      return { kind: 'fields', fields: { fields } };
    }
  }
}

function scalarToWire(name: string, kind: ScalarKind, v: StructFieldValue): StructField {
  switch (kind) {
    case 'float64':
      return { name, kind: 'f64', f64: v as number };
    case 'int64':
      return { name, kind: 'i64', i64: v as number };
    case 'bool':
      return { name, kind: 'b', b: v as boolean };
    case 'string':
      return { name, kind: 's', s: v as string };
  }
}

/**
 * The plain value of a wire value for a key of `type`, or undefined when the wire kind does
 * not fit the type. Range, length and enum membership are the store's checks (checkValue).
 */
export function valueFromWire(type: ValueType, w: WireValue): Value | undefined {
  switch (type.kind) {
    case 'float64':
      return w.kind === 'f64' ? w.f64 : undefined;
    case 'int64':
      return w.kind === 'i64' ? w.i64 : undefined;
    case 'bool':
      return w.kind === 'b' ? w.b : undefined;
    case 'string':
    case 'enum':
      return w.kind === 's' ? w.s : undefined;
    case 'float64[]':
      return w.kind === 'vec' ? [...w.vec.items] : undefined;
    case 'struct': {
      if (w.kind !== 'fields') return undefined;
      const entries: [string, StructFieldValue][] = [];
      for (const f of w.fields.fields) {
        const kind = Object.hasOwn(type.fields, f.name) ? type.fields[f.name] : undefined;
        if (kind === undefined || !scalarKindMatches(kind, f.kind)) return undefined;
        entries.push([f.name, f.kind === 'f64' ? f.f64 : f.kind === 'i64' ? f.i64 : f.kind === 'b' ? f.b : f.s]);
      }
      // fromEntries defines own properties, so a field named __proto__ cannot touch the prototype.
      // Missing fields are left for checkValue to report.
      return Object.fromEntries(entries);
    }
  }
}

function scalarKindMatches(kind: ScalarKind, wireKind: StructField['kind']): boolean {
  return (kind === 'float64' && wireKind === 'f64') || (kind === 'int64' && wireKind === 'i64') || (kind === 'bool' && wireKind === 'b') || (kind === 'string' && wireKind === 's');
}
