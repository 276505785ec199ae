/**
 * Field paths into ROS messages, as bindings name them: `data`, `twist.linear.x`,
 * `values[2]`, `poses[0].pose.position.z` (a leading `.` is accepted, so `.data` as written in
 * the design notes works too).
 *
 * Pure: works on plain objects as rclnodejs hands them to subscription callbacks (nested
 * objects, arrays or typed arrays, `bigint` for 64-bit integers) and builds plain objects that
 * rclnodejs accepts for publishing. Message objects are hostile input: only own properties are
 * read, names are restricted to ROS field-name characters, so a path can never reach
 * `__proto__` or a getter on a prototype.
 */

export type PathSegment = { readonly kind: 'field'; readonly name: string } | { readonly kind: 'index'; readonly index: number };
export type FieldPath = readonly PathSegment[];

/** ROS 2 field names are lower case; upper case is accepted here and left to the schema check. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Longest path text and deepest path accepted (hostile configuration). */
export const MAX_FIELD_PATH_CHARS = 256;
export const MAX_FIELD_PATH_SEGMENTS = 32;
/** Largest array index a path may name. */
export const MAX_FIELD_PATH_INDEX = 65_535;

export type PathParse = { readonly ok: true; readonly path: FieldPath } | { readonly ok: false; readonly reason: string };

/** Parses a field path; the reason names the offending character position. */
export function parseFieldPath(text: string): PathParse {
  if (typeof text !== 'string') return { ok: false, reason: 'a field path must be a string' };
  if (text.length > MAX_FIELD_PATH_CHARS) return { ok: false, reason: `a field path has at most ${MAX_FIELD_PATH_CHARS} characters` };
  const src = text.startsWith('.') ? text.slice(1) : text;
  const offset = text.length - src.length;
  if (src === '') return { ok: false, reason: 'the field path is empty (e.g. `data`, `twist.linear.x`, `values[2]`)' };
  const out: PathSegment[] = [];
  let i = 0;
  let expectName = true;
  while (i < src.length) {
    const at = i + offset;
    if (expectName) {
      const m = /^[A-Za-z0-9_]+/.exec(src.slice(i));
      const name = m?.[0];
      if (name === undefined) return { ok: false, reason: `expected a field name at position ${at} of '${text}'` };
      if (!FIELD_NAME.test(name)) return { ok: false, reason: `'${name}' at position ${at} of '${text}' is not a field name (a letter, then letters, digits or _)` };
      out.push({ kind: 'field', name });
      i += name.length;
      expectName = false;
      continue;
    }
    const c = src[i];
    if (c === '.') {
      i++;
      expectName = true;
      if (i === src.length) return { ok: false, reason: `'${text}' ends with '.'` };
      continue;
    }
    if (c === '[') {
      const m = /^\[(\d+)\]/.exec(src.slice(i));
      if (m === null) return { ok: false, reason: `expected an index like [2] at position ${at} of '${text}'` };
      const digits = m[1] as string;
      if (digits.length > 1 && digits.startsWith('0')) return { ok: false, reason: `index '${digits}' at position ${at} of '${text}' has a leading zero` };
      const index = Number(digits);
      if (index > MAX_FIELD_PATH_INDEX) return { ok: false, reason: `index ${digits} at position ${at} of '${text}' is above ${MAX_FIELD_PATH_INDEX}` };
      out.push({ kind: 'index', index });
      i += m[0].length;
      continue;
    }
    return { ok: false, reason: `unexpected '${String(c)}' at position ${at} of '${text}' (fields are separated by '.', indices written [n])` };
  }
  if (out.length > MAX_FIELD_PATH_SEGMENTS) return { ok: false, reason: `'${text}' is nested more than ${MAX_FIELD_PATH_SEGMENTS} levels deep` };
  return { ok: true, path: out };
}

export function formatFieldPath(path: FieldPath): string {
  let s = '';
  for (const seg of path) s += seg.kind === 'field' ? (s === '' ? seg.name : `.${seg.name}`) : `[${seg.index}]`;
  return s;
}

export function isTypedArray(v: unknown): v is ArrayLike<number | bigint> & ArrayBufferView {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

export function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || isTypedArray(v);
}

export type PathRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** Reads the value at `path` in a received message; never throws. */
export function getAtPath(message: unknown, path: FieldPath): PathRead {
  let cur: unknown = message;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as PathSegment;
    if (seg.kind === 'field') {
      if (typeof cur !== 'object' || cur === null || isArrayLike(cur)) return { ok: false, reason: `${where(path, i)} is not a message` };
      if (!Object.hasOwn(cur, seg.name)) return { ok: false, reason: `the message has no field '${formatFieldPath(path.slice(0, i + 1))}'` };
      cur = (cur as Record<string, unknown>)[seg.name];
    } else {
      if (!isArrayLike(cur)) return { ok: false, reason: `${where(path, i)} is not an array` };
      if (seg.index >= cur.length) return { ok: false, reason: `${formatFieldPath(path.slice(0, i + 1))} is out of range (the array has ${cur.length} elements)` };
      cur = cur[seg.index];
    }
  }
  return { ok: true, value: cur };
}

function where(path: FieldPath, i: number): string {
  return i === 0 ? 'the message' : `'${formatFieldPath(path.slice(0, i))}'`;
}

/**
 * What an index step needs to build an array: how to fill the elements before the index, and
 * the array's fixed length when it has one (rclnodejs wants fixed-size arrays complete).
 */
export interface ArrayFill {
  readonly fill: () => unknown;
  readonly fixedLength?: number;
}

/**
 * Writes `value` at `path` into `target` (a plain message object being built), creating
 * nested objects and arrays on the way. `fills[i]` describes the array indexed by segment i
 * (from the schema); without one, arrays are padded with 0. Existing values on the way are
 * kept, so constants and the bound value can share a message.
 */
export function setAtPath(target: Record<string, unknown>, path: FieldPath, value: unknown, fills: readonly (ArrayFill | undefined)[] = []): void {
  if (path.length === 0) throw new RangeError('cannot set an empty field path');
  let cur: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as PathSegment;
    const last = i === path.length - 1;
    const next = path[i + 1];
    if (seg.kind === 'field') {
      if (Array.isArray(cur)) throw new TypeError(`'${formatFieldPath(path.slice(0, i))}' is an array, not a message`);
      if (last) {
        setOwn(cur, seg.name, value);
        return;
      }
      let child: unknown = Object.hasOwn(cur, seg.name) ? cur[seg.name] : undefined;
      if (child === undefined) {
        child = next?.kind === 'index' ? newArray(fills[i + 1]) : {};
        setOwn(cur, seg.name, child);
      } else if (isTypedArray(child)) {
        child = Array.from(child as ArrayLike<unknown>);
        setOwn(cur, seg.name, child);
      }
      cur = child as Record<string, unknown> | unknown[];
    } else {
      if (!Array.isArray(cur)) throw new TypeError(`'${formatFieldPath(path.slice(0, i))}' is not an array`);
      const fill = fills[i];
      while (cur.length <= seg.index) cur.push(fill === undefined ? 0 : fill.fill());
      if (last) {
        cur[seg.index] = value;
        return;
      }
      let child = cur[seg.index];
      if (typeof child !== 'object' || child === null) {
        child = next?.kind === 'index' ? newArray(fills[i + 1]) : {};
        cur[seg.index] = child;
      }
      cur = child as Record<string, unknown> | unknown[];
    }
  }
}

function newArray(fill: ArrayFill | undefined): unknown[] {
  if (fill?.fixedLength === undefined) return [];
  return Array.from({ length: fill.fixedLength }, () => fill.fill());
}

/** Defines an own data property (never invokes a setter, never touches the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
