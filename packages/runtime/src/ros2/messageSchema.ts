/**
 * What bindings need to know about a ROS message type, independent of rclnodejs: its fields
 * and their types. On a ROS machine the schema comes from the interfaces rclnodejs generated
 * (`schemaFromRosMessageDef` over `getMessageSchema`); tests and tools without ROS pass a
 * table. Resolving a field path against it is how a binding's `field` is checked before any
 * message arrives: unknown fields, indexing a non-array, a path ending at a sub-message.
 */
import type { ArrayFill, FieldPath, PathSegment } from './fieldPath.js';
import { formatFieldPath } from './fieldPath.js';

export const PRIMITIVE_TYPES = [
  'bool',
  'byte',
  'char',
  'float32',
  'float64',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'string',
  'wstring',
] as const;
export type PrimitiveName = (typeof PRIMITIVE_TYPES)[number];

export type BaseType = { readonly kind: 'primitive'; readonly name: PrimitiveName } | { readonly kind: 'message'; readonly type: string };
export type ArrayShape = { readonly kind: 'dynamic' } | { readonly kind: 'fixed'; readonly size: number } | { readonly kind: 'bounded'; readonly size: number };

export interface FieldType {
  readonly base: BaseType;
  /** Undefined for a single value. */
  readonly array: ArrayShape | undefined;
}

export interface MessageSchema {
  /** `pkg/msg/Name`. */
  readonly type: string;
  readonly fields: ReadonlyMap<string, FieldType>;
}

/** The schema of a message type, or undefined when the type is unknown. */
export type SchemaLookup = (type: string) => MessageSchema | undefined;

// --- type names --------------------------------------------------------------------------------

const PKG = /^[a-z][a-z0-9_]*$/;
const IFACE = /^[A-Z][A-Za-z0-9]*$/;

export type TypeNameParse = { readonly ok: true; readonly type: string; readonly pkg: string; readonly name: string } | { readonly ok: false; readonly reason: string };

/**
 * Parses `pkg/msg/Name` (or `pkg/srv/Name` for `kind` 'srv'); `pkg/Name` is accepted and
 * completed, as `ros2 topic` does.
 */
export function parseInterfaceType(text: string, kind: 'msg' | 'srv' = 'msg'): TypeNameParse {
  if (typeof text !== 'string' || text.length === 0 || text.length > 256) return { ok: false, reason: `a ${kind} type is written like 'std_msgs/${kind}/Float64'` };
  const parts = text.split('/');
  let pkg: string | undefined;
  let folder: string | undefined;
  let name: string | undefined;
  if (parts.length === 2) [pkg, name] = parts;
  else if (parts.length === 3) [pkg, folder, name] = parts;
  if (pkg === undefined || name === undefined || (folder !== undefined && folder !== kind)) {
    return { ok: false, reason: `'${text}' is not a ${kind} type name (write it like 'std_msgs/${kind}/Float64')` };
  }
  if (!PKG.test(pkg)) return { ok: false, reason: `'${text}': package name '${pkg}' must be lower case letters, digits and _` };
  if (!IFACE.test(name)) return { ok: false, reason: `'${text}': type name '${name}' must be CamelCase letters and digits` };
  return { ok: true, type: `${pkg}/${kind}/${name}`, pkg, name };
}

/** `{package, type, name}`: the descriptor form rclnodejs accepts wherever a type class goes. */
export interface InterfaceDescriptor {
  readonly package: string;
  readonly type: string;
  readonly name: string;
}

export function interfaceDescriptor(typeName: string): InterfaceDescriptor {
  const parts = typeName.split('/');
  if (parts.length !== 3) throw new RangeError(`'${typeName}' is not a full interface type name (pkg/msg/Name)`);
  return { package: parts[0] as string, type: parts[1] as string, name: parts[2] as string };
}

// --- schemas from rclnodejs --------------------------------------------------------------------

/** The field entry shape of rclnodejs's `ROSMessageDef` / `getMessageSchema(...).fields`. */
export interface RosMessageDefField {
  readonly name: string;
  readonly type: {
    readonly type: string;
    readonly pkgName?: string | null;
    readonly isPrimitiveType: boolean;
    readonly isArray: boolean;
    readonly isFixedSizeArray?: boolean | null;
    readonly isUpperBound?: boolean;
    readonly arraySize?: number | null;
  };
}

/** IDL spellings of the primitive types (rclnodejs can generate from .idl files too). */
const IDL_PRIMITIVE_ALIASES: Readonly<Record<string, PrimitiveName>> = {
  boolean: 'bool',
  octet: 'byte',
  float: 'float32',
  double: 'float64',
  short: 'int16',
  'unsigned short': 'uint16',
  long: 'int32',
  'unsigned long': 'uint32',
  'long long': 'int64',
  'unsigned long long': 'uint64',
};

/**
 * Converts rclnodejs's message definition (the `fields` of `getMessageSchema`) to a schema.
 * Throws on a shape it does not understand, so a change in rclnodejs fails loudly at start-up.
 */
export function schemaFromRosMessageDef(type: string, fields: readonly RosMessageDefField[]): MessageSchema {
  const out = new Map<string, FieldType>();
  for (const f of fields) {
    const t = f.type;
    let base: BaseType;
    if (t.isPrimitiveType) {
      const name = IDL_PRIMITIVE_ALIASES[t.type] ?? t.type;
      if (!(PRIMITIVE_TYPES as readonly string[]).includes(name)) throw new TypeError(`${type}.${f.name}: unknown primitive type '${t.type}'`);
      base = { kind: 'primitive', name: name as PrimitiveName };
    } else {
      if (typeof t.pkgName !== 'string' || t.pkgName === '') throw new TypeError(`${type}.${f.name}: message field without a package`);
      base = { kind: 'message', type: `${t.pkgName}/msg/${t.type}` };
    }
    let array: ArrayShape | undefined;
    if (t.isArray) {
      const size = typeof t.arraySize === 'number' && t.arraySize > 0 ? t.arraySize : undefined;
      if (t.isFixedSizeArray === true && size !== undefined) array = { kind: 'fixed', size };
      else if (t.isUpperBound === true && size !== undefined) array = { kind: 'bounded', size };
      else array = { kind: 'dynamic' };
    }
    out.set(f.name, { base, array });
  }
  return { type, fields: out };
}

// --- resolving a path ----------------------------------------------------------------------

export interface ResolvedPath {
  /** The type at the end of the path (an element type after a final index). */
  readonly leaf: FieldType;
  /** For each segment: how to build the array it indexes (index segments only). */
  readonly fills: readonly (ArrayFill | undefined)[];
}

export type PathResolution = { readonly ok: true; readonly resolved: ResolvedPath } | { readonly ok: false; readonly reason: string };

/** Checks `path` against the schema of `type` and returns the type at its end. */
export function resolveFieldPath(lookup: SchemaLookup, type: string, path: FieldPath): PathResolution {
  let schema = lookup(type);
  if (schema === undefined) return { ok: false, reason: `unknown message type '${type}'` };
  let current: FieldType | undefined;
  const fills: (ArrayFill | undefined)[] = [];
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as PathSegment;
    const here = formatFieldPath(path.slice(0, i + 1));
    if (seg.kind === 'field') {
      if (current !== undefined) {
        if (current.array !== undefined) return { ok: false, reason: `'${formatFieldPath(path.slice(0, i))}' is an array: index it first, e.g. '${formatFieldPath(path.slice(0, i))}[0]'` };
        if (current.base.kind !== 'message') return { ok: false, reason: `'${formatFieldPath(path.slice(0, i))}' is a ${current.base.name}, it has no field '${seg.name}'` };
        schema = lookup(current.base.type);
        if (schema === undefined) return { ok: false, reason: `unknown message type '${current.base.type}' (of '${formatFieldPath(path.slice(0, i))}')` };
      }
      const s = schema as MessageSchema;
      const f = s.fields.get(seg.name);
      if (f === undefined) return { ok: false, reason: `${s.type} has no field '${seg.name}' (it has: ${[...s.fields.keys()].join(', ') || 'no fields'})` };
      current = f;
      fills.push(undefined);
    } else {
      if (current === undefined || current.array === undefined) return { ok: false, reason: `'${i === 0 ? type : formatFieldPath(path.slice(0, i))}' is not an array, '${here}' cannot index it` };
      const a = current.array;
      if ((a.kind === 'fixed' || a.kind === 'bounded') && seg.index >= a.size) {
        return { ok: false, reason: `'${here}' is out of range: '${formatFieldPath(path.slice(0, i))}' has ${a.kind === 'fixed' ? 'exactly' : 'at most'} ${a.size} elements` };
      }
      const element: FieldType = { base: current.base, array: undefined };
      const fillValue = defaultOf(element);
      fills.push(a.kind === 'fixed' ? { fill: fillValue, fixedLength: a.size } : { fill: fillValue });
      current = element;
    }
  }
  if (current === undefined) return { ok: false, reason: 'the field path is empty' };
  return { ok: true, resolved: { leaf: current, fills } };
}

/** A factory of the default value of a (non-array) field, for padding arrays. */
function defaultOf(t: FieldType): () => unknown {
  if (t.base.kind === 'message') return () => ({});
  switch (t.base.name) {
    case 'bool':
      return () => false;
    case 'string':
    case 'wstring':
      return () => '';
    case 'int64':
    case 'uint64':
      return () => 0n;
    default:
      return () => 0;
  }
}

export function describeFieldType(t: FieldType): string {
  const base = t.base.kind === 'primitive' ? t.base.name : t.base.type;
  if (t.array === undefined) return base;
  return t.array.kind === 'dynamic' ? `${base}[]` : t.array.kind === 'fixed' ? `${base}[${t.array.size}]` : `${base}[<=${t.array.size}]`;
}

// --- primitive classes -------------------------------------------------------------------------

const FLOATS: ReadonlySet<PrimitiveName> = new Set(['float32', 'float64']);
const INTEGERS: ReadonlySet<PrimitiveName> = new Set(['byte', 'char', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

export function isFloatPrimitive(p: PrimitiveName): boolean {
  return FLOATS.has(p);
}

export function isIntegerPrimitive(p: PrimitiveName): boolean {
  return INTEGERS.has(p);
}

export function isNumericPrimitive(p: PrimitiveName): boolean {
  return FLOATS.has(p) || INTEGERS.has(p);
}

/** 64-bit integers travel as `bigint` in rclnodejs. */
export function isBigIntPrimitive(p: PrimitiveName): boolean {
  return p === 'int64' || p === 'uint64';
}

export function isStringPrimitive(p: PrimitiveName): boolean {
  return p === 'string' || p === 'wstring';
}

/** Inclusive range of an integer primitive. */
export function integerRange(p: PrimitiveName): readonly [bigint, bigint] {
  switch (p) {
    case 'int8':
      return [-128n, 127n];
    case 'byte':
    case 'char':
    case 'uint8':
      return [0n, 255n];
    case 'int16':
      return [-32768n, 32767n];
    case 'uint16':
      return [0n, 65535n];
    case 'int32':
      return [-2147483648n, 2147483647n];
    case 'uint32':
      return [0n, 4294967295n];
    case 'int64':
      return [-(2n ** 63n), 2n ** 63n - 1n];
    case 'uint64':
      return [0n, 2n ** 64n - 1n];
    default:
      throw new RangeError(`${p} is not an integer type`);
  }
}
