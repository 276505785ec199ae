/**
 * Between a field of an arbitrary ROS message and a bftkvs value: which field types fit which
 * key types (checked once, when a binding is configured), and the conversions applied per
 * message (checked every time: messages are input).
 *
 * Input (ROS field → key):
 *   float64 key      ← any numeric field (float32/64, int8..uint64, byte, char); value·scale + offset
 *   int64 key        ← an integer field; scale and offset must be integers
 *   bool key         ← a bool field
 *   string/enum key  ← a string field
 *   float64[N] key   ← a numeric array field (dynamic, bounded to >= N, or fixed N) holding N elements
 *   struct key       ← not bindable (bind each field to its own key)
 * Output (key → ROS field): the same pairs the other way round; a float value written to an
 * integer field is rounded to the nearest integer, and a value outside the field's range is
 * not published (counted).
 */
import type { Value, ValueType } from '@bftkvs/core';
import { isArrayLike } from './fieldPath.js';
import type { FieldType, PrimitiveName } from './messageSchema.js';
import { describeFieldType, integerRange, isBigIntPrimitive, isFloatPrimitive, isIntegerPrimitive, isNumericPrimitive, isStringPrimitive } from './messageSchema.js';
import type { RosParamValue } from './params.js';

export type Conversion<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };
const good = <T>(value: T): Conversion<T> => ({ ok: true, value });
const bad = (reason: string): { readonly ok: false; readonly reason: string } => ({ ok: false, reason });

function primitiveOf(t: FieldType): PrimitiveName | undefined {
  return t.base.kind === 'primitive' ? t.base.name : undefined;
}

function keyTypeText(t: ValueType): string {
  return t.kind === 'float64[]' ? `float64[${t.length}]` : t.kind;
}

/**
 * What input and output bindings check alike: the field is a value (not a message), a vector key
 * maps to a numeric array of room enough, a scalar key to one element, and bool/string/enum keys
 * to fields of their kind without scale or offset. `direction` words the vector length check and
 * answers for the kinds whose rules differ (float64, int64, struct). undefined: compatible.
 */
function compatProblem(
  leaf: FieldType,
  key: ValueType,
  scale: number,
  offset: number,
  lengthVerb: 'needs' | 'has',
  direction: (p: NonNullable<ReturnType<typeof primitiveOf>>, key: Extract<ValueType, { kind: 'float64' | 'int64' | 'struct' }>) => string | undefined,
): string | undefined {
  const p = primitiveOf(leaf);
  const fieldText = describeFieldType(leaf);
  if (p === undefined) return `the field is a ${fieldText} message, not a value: extend the path to one of its fields`;
  const plain = scale === 1 && offset === 0;
  if (key.kind === 'float64[]') {
    if (leaf.array === undefined || !isNumericPrimitive(p)) return `key type ${keyTypeText(key)} needs a numeric array field, the field is ${fieldText}`;
    if (leaf.array.kind === 'fixed' && leaf.array.size !== key.length) return `key type ${keyTypeText(key)} ${lengthVerb} ${key.length} elements, the field has exactly ${leaf.array.size}`;
    if (leaf.array.kind === 'bounded' && leaf.array.size < key.length) return `key type ${keyTypeText(key)} ${lengthVerb} ${key.length} elements, the field holds at most ${leaf.array.size}`;
    return undefined;
  }
  if (leaf.array !== undefined) return `the field is an array (${fieldText}): index one element, e.g. '…[0]'`;
  switch (key.kind) {
    case 'bool':
      if (p !== 'bool') return `key type bool needs a bool field, the field is ${p}`;
      return plain ? undefined : 'scale and offset apply to numbers only';
    case 'string':
    case 'enum':
      if (!isStringPrimitive(p)) return `key type ${key.kind} needs a string field, the field is ${p}`;
      return plain ? undefined : 'scale and offset apply to numbers only';
    default:
      return direction(p, key);
  }
}

/** Why a field of type `leaf` cannot feed a key of type `key` (undefined: it can). */
export function inputCompatProblem(leaf: FieldType, key: ValueType, scale: number, offset: number): string | undefined {
  return compatProblem(leaf, key, scale, offset, 'needs', (p, k) => {
    switch (k.kind) {
      case 'float64':
        return isNumericPrimitive(p) ? undefined : `key type float64 needs a numeric field, the field is ${p}`;
      case 'int64':
        if (!isIntegerPrimitive(p)) return `key type int64 needs an integer field, the field is ${p}`;
        return Number.isSafeInteger(scale) && Number.isSafeInteger(offset) ? undefined : 'scale and offset must be integers for an int64 key';
      case 'struct':
        return 'struct keys cannot be bound to one field: bind each field to its own key';
    }
  });
}

/** Why a key of type `key` cannot be written to a field of type `leaf` (undefined: it can). */
export function outputCompatProblem(leaf: FieldType, key: ValueType, scale: number, offset: number): string | undefined {
  return compatProblem(leaf, key, scale, offset, 'has', (p, k) =>
    k.kind === 'struct' ? 'struct keys cannot be published to one field' : isNumericPrimitive(p) ? undefined : `key type ${k.kind} needs a numeric field, the field is ${p}`,
  );
}

function numberOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  return undefined;
}

/**
 * The key value of a field value read from a received message (the field's type already
 * checked compatible with `key`). Never throws.
 */
export function inputValue(key: ValueType, raw: unknown, scale: number, offset: number): Conversion<Value> {
  switch (key.kind) {
    case 'float64': {
      const x = numberOf(raw);
      if (x === undefined) return bad(`expected a number, got ${typeName(raw)}`);
      const v = x * scale + offset;
      return Number.isFinite(v) ? good(v) : bad(`${String(raw)} gives a non-finite value`);
    }
    case 'int64': {
      let x: bigint;
      if (typeof raw === 'bigint') x = raw;
      else if (typeof raw === 'number' && Number.isInteger(raw)) x = BigInt(raw);
      else return bad(`expected an integer, got ${typeName(raw)}`);
      const v = x * BigInt(scale) + BigInt(offset);
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) return bad(`${v} is outside ±(2^53 - 1)`);
      return good(Number(v));
    }
    case 'bool':
      return typeof raw === 'boolean' ? good(raw) : bad(`expected a boolean, got ${typeName(raw)}`);
    case 'string':
    case 'enum':
      return typeof raw === 'string' ? good(raw) : bad(`expected a string, got ${typeName(raw)}`);
    case 'float64[]': {
      if (!isArrayLike(raw)) return bad(`expected an array, got ${typeName(raw)}`);
      if (raw.length !== key.length) return bad(`expected ${key.length} elements, got ${raw.length}`);
      const out: number[] = [];
      for (let i = 0; i < raw.length; i++) {
        const x = numberOf(raw[i]);
        if (x === undefined) return bad(`element ${i} is not a number`);
        const v = x * scale + offset;
        if (!Number.isFinite(v)) return bad(`element ${i} gives a non-finite value`);
        out.push(v);
      }
      return good(out);
    }
    case 'struct':
      return bad('struct keys cannot be bound');
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** One number as a field of primitive type `p` wants it (rounded and range-checked for integers). */
export function numberForField(p: PrimitiveName, x: number): Conversion<number | bigint> {
  if (!Number.isFinite(x)) return bad(`${x} is not finite`);
  if (isFloatPrimitive(p)) {
    if (p === 'float32' && Math.abs(x) > FLOAT32_MAX) return bad(`${x} does not fit float32`);
    return good(x);
  }
  const r = Math.round(x);
  const [lo, hi] = integerRange(p);
  if (isBigIntPrimitive(p)) {
    if (!Number.isSafeInteger(r)) return bad(`${x} is not a safe integer`);
    const b = BigInt(r);
    return b < lo || b > hi ? bad(`${r} is outside ${p}`) : good(b);
  }
  return r < Number(lo) || r > Number(hi) ? bad(`${r} is outside ${p} (${lo}..${hi})`) : good(r);
}

/** The field value for a key value being published (`leaf` and `key` already checked compatible). */
export function outputValue(leaf: FieldType, key: ValueType, v: Value, scale: number, offset: number): Conversion<unknown> {
  const p = primitiveOf(leaf);
  if (p === undefined) return bad('the field is a message');
  switch (key.kind) {
    case 'float64':
    case 'int64':
      return typeof v === 'number' ? numberForField(p, v * scale + offset) : bad(`expected a number value, got ${typeName(v)}`);
    case 'bool':
    case 'string':
    case 'enum':
      return good(v);
    case 'float64[]': {
      if (!Array.isArray(v)) return bad(`expected an array value, got ${typeName(v)}`);
      const out: (number | bigint)[] = [];
      for (const x of v as readonly number[]) {
        const c = numberForField(p, x * scale + offset);
        if (!c.ok) return c;
        out.push(c.value);
      }
      return good(out);
    }
    case 'struct':
      return bad('struct keys cannot be published to one field');
  }
}

/** A constant parameter value as the field `leaf` wants it (checked at configuration). */
export function constantValue(leaf: FieldType, v: RosParamValue): Conversion<unknown> {
  const p = primitiveOf(leaf);
  if (p === undefined) return bad(`the field is a ${describeFieldType(leaf)} message: set its fields one by one`);
  const one = (x: unknown): Conversion<unknown> => {
    if (p === 'bool') return typeof x === 'boolean' ? good(x) : bad(`${describeFieldType(leaf)} needs true or false, got ${JSON.stringify(x)}`);
    if (isStringPrimitive(p)) return typeof x === 'string' ? good(x) : bad(`${describeFieldType(leaf)} needs a string, got ${JSON.stringify(x)}`);
    if (typeof x !== 'number') return bad(`${describeFieldType(leaf)} needs a number, got ${JSON.stringify(x)}`);
    if (isIntegerPrimitive(p) && !Number.isInteger(x)) return bad(`${describeFieldType(leaf)} needs an integer, got ${x}`);
    return numberForField(p, x);
  };
  if (leaf.array === undefined) {
    if (Array.isArray(v)) return bad(`the field is a single ${p}, got a list`);
    return one(v);
  }
  if (!Array.isArray(v)) return bad(`the field is an array (${describeFieldType(leaf)}), give a list`);
  const list = v as readonly unknown[];
  if (leaf.array.kind === 'fixed' && list.length !== leaf.array.size) return bad(`the field has exactly ${leaf.array.size} elements, got ${list.length}`);
  if (leaf.array.kind === 'bounded' && list.length > leaf.array.size) return bad(`the field holds at most ${leaf.array.size} elements, got ${list.length}`);
  const out: unknown[] = [];
  for (const x of list) {
    const c = one(x);
    if (!c.ok) return c;
    out.push(c.value);
  }
  return good(out);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
