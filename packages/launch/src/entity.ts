/**
 * The two front ends' common shape: a tree of entities (tag, attributes, child entities) with
 * a source location each — what ros2/launch calls a frontend Entity. XML elements map to it
 * directly; in YAML, an action is a one-key mapping (`- node: {...}`), a list of mappings under
 * a key is a list of child entities of that name (`param: [{name: a, value: 1}]`), and
 * `children:` holds a group's actions. Nothing here knows which tags exist; ast.ts does.
 */
import { SaxesParser } from 'saxes';
import type { Node as YamlNode } from 'yaml';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { SourceLocation } from './errors.js';
import { LaunchError } from './errors.js';
import { yamlMessage } from './params.js';

export type Scalar = string | number | boolean | null;
export type AttrValue = Scalar | readonly Scalar[];

export type LaunchFormat = 'xml' | 'yaml';

export interface Entity {
  readonly tag: string;
  /** In source order. XML attributes are always strings; YAML keeps its scalar types. */
  readonly attrs: ReadonlyMap<string, AttrValue>;
  readonly children: readonly Entity[];
  readonly loc: SourceLocation;
}

export interface ReadEntityOptions {
  readonly file: string;
  readonly maxNesting: number;
}

/** Picks the front end from the file name, or from the first character when the name does not say. */
export function detectFormat(file: string, text: string): LaunchFormat {
  if (/\.xml$/i.test(file)) return 'xml';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.py$/i.test(file)) {
    throw new LaunchError('Python launch files are not supported by bftkvs launch (write the launch file in XML or YAML)', { file, path: '' });
  }
  return text.trimStart().startsWith('<') ? 'xml' : 'yaml';
}

class PathBuilder {
  private readonly counts = new Map<string, number>();
  constructor(readonly path: string) {}
  child(tag: string): string {
    const n = (this.counts.get(tag) ?? 0) + 1;
    this.counts.set(tag, n);
    return `${this.path}/${tag}[${n}]`;
  }
}

// ---------------------------------------------------------------------------------------------
// XML

interface XmlFrame {
  readonly tag: string;
  readonly attrs: Map<string, AttrValue>;
  readonly children: Entity[];
  readonly loc: SourceLocation;
  readonly paths: PathBuilder;
}

export function readXmlEntity(text: string, opts: ReadEntityOptions): Entity {
  const { file } = opts;
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlFrame[] = [];
  let root: Entity | undefined;
  let error: LaunchError | undefined;
  let tagLine = 1;
  let tagColumn = 1;
  const fail = (msg: string, line = parser.line, column: number | undefined = parser.column + 1): never => {
    const path = stack.length === 0 ? '' : stack[stack.length - 1]!.loc.path;
    throw new LaunchError(msg, { file, path, line, column });
  };
  parser.on('doctype', () => fail('a DOCTYPE is not allowed in a launch file'));
  parser.on('opentagstart', (tag) => {
    tagLine = parser.line;
    // saxes has read `<name` and the character after it; report the column of the `<`.
    tagColumn = Math.max(1, parser.column - tag.name.length - 1);
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= opts.maxNesting) fail(`elements nested deeper than ${opts.maxNesting}`);
    const parent = stack[stack.length - 1];
    const path = parent === undefined ? `/${tag.name}` : parent.paths.child(tag.name);
    const attrs = new Map<string, AttrValue>();
    for (const [k, v] of Object.entries(tag.attributes)) attrs.set(k, v);
    stack.push({ tag: tag.name, attrs, children: [], loc: { file, path, line: tagLine, column: tagColumn }, paths: new PathBuilder(path) });
  });
  parser.on('closetag', () => {
    const f = stack.pop()!;
    const e: Entity = { tag: f.tag, attrs: f.attrs, children: f.children, loc: f.loc };
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = e;
    else parent.children.push(e);
  });
  const onText = (t: string): void => {
    if (t.trim() !== '') fail(`unexpected text ${JSON.stringify(t.trim().slice(0, 40))}: launch files hold elements and attributes only`);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('error', (e) => {
    // saxes prefixes "file:line:col: "; keep its message, our prefix says where.
    fail(`malformed XML: ${e.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, '')}`);
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof LaunchError) error = e;
    else throw e;
  }
  if (error !== undefined) throw error;
  if (root === undefined) throw new LaunchError('malformed XML: no root element', { file, path: '' });
  return root;
}

// ---------------------------------------------------------------------------------------------
// YAML

export function readYamlEntity(text: string, opts: ReadEntityOptions): Entity {
  const { file } = opts;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const locOf = (node: { range?: readonly number[] | null | undefined } | null | undefined, path: string): SourceLocation => {
    const off = node?.range?.[0];
    if (off === undefined) return { file, path };
    const { line, col } = lineCounter.linePos(off);
    return { file, path, line, column: col };
  };
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    throw new LaunchError(`malformed YAML: ${yamlMessage(first)}`, { file, path: '', line: pos?.line, column: pos?.col });
  }
  const top = doc.contents;
  if (!isMap(top) || top.items.length !== 1 || !isScalar(top.items[0]!.key) || top.items[0]!.key.value !== 'launch') {
    throw new LaunchError('a YAML launch file must be a mapping with the single key "launch"', locOf(top, ''));
  }
  const body = top.items[0]!.value as YamlNode | null;
  const rootLoc = locOf(top.items[0]!.key as YamlNode, '/launch');
  const children = body === null || (isScalar(body) && body.value === null) ? [] : yamlActionList(body, '/launch', 1);
  return { tag: 'launch', attrs: new Map(), children, loc: rootLoc };

  function check(node: unknown, path: string): void {
    if (isAlias(node)) throw new LaunchError('YAML aliases are not supported in launch files', locOf(node, path));
  }

  /** A list of one-key mappings, each an action. */
  function yamlActionList(node: unknown, path: string, depth: number): Entity[] {
    check(node, path);
    if (!isSeq(node)) throw new LaunchError('expected a list of actions (each "- tag: {...}")', locOf(node as YamlNode, path));
    const paths = new PathBuilder(path);
    return node.items.map((item) => {
      check(item, path);
      if (!isMap(item) || item.items.length !== 1 || !isScalar(item.items[0]!.key) || typeof item.items[0]!.key.value !== 'string') {
        throw new LaunchError('each action must be a mapping with exactly one key, the action name (e.g. "- node: {...}")', locOf(item as YamlNode, path));
      }
      const pair = item.items[0]!;
      const tag = (pair.key as { value: string }).value;
      return yamlEntity(tag, pair.value, paths.child(tag), pair.key as YamlNode, depth + 1);
    });
  }

  function yamlEntity(tag: string, body: unknown, path: string, at: YamlNode, depth: number): Entity {
    if (depth > opts.maxNesting) throw new LaunchError(`entities nested deeper than ${opts.maxNesting}`, locOf(at, path));
    check(body, path);
    const loc = locOf(at, path);
    const attrs = new Map<string, AttrValue>();
    const children: Entity[] = [];
    if (body === null || body === undefined || (isScalar(body) && body.value === null)) return { tag, attrs, children, loc };
    if (isSeq(body)) return { tag, attrs, children: yamlActionList(body, path, depth), loc };
    if (!isMap(body)) throw new LaunchError(`<${tag}> must be a mapping of attributes`, loc);
    const paths = new PathBuilder(path);
    for (const pair of body.items) {
      check(pair.key, path);
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string') throw new LaunchError(`<${tag}> has a non-string key`, locOf(pair.key as YamlNode, path));
      const key = pair.key.value;
      const value = pair.value as YamlNode | null;
      check(value, path);
      if (value === null || isScalar(value)) {
        attrs.set(key, scalarValue(value?.value ?? null, key, tag, locOf(pair.key as YamlNode, path)));
      } else if (isSeq(value)) {
        if (key === 'children') {
          children.push(...yamlActionList(value, path, depth));
        } else if (value.items.length > 0 && value.items.every((x) => isMap(x))) {
          for (const item of value.items) children.push(yamlEntity(key, item, paths.child(key), item as YamlNode, depth + 1));
        } else if (value.items.every((x) => isScalar(x))) {
          attrs.set(
            key,
            value.items.map((x) => scalarValue((x as { value: unknown }).value, key, tag, locOf(x as YamlNode, path))),
          );
        } else {
          throw new LaunchError(`attribute "${key}" of <${tag}> mixes values and mappings`, locOf(value, path));
        }
      } else {
        throw new LaunchError(`attribute "${key}" of <${tag}> is a mapping; expected a value or a list`, locOf(value, path));
      }
    }
    return { tag, attrs, children, loc };
  }
}

function scalarValue(v: unknown, key: string, tag: string, loc: SourceLocation): Scalar {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  throw new LaunchError(`attribute "${key}" of <${tag}> has an unsupported YAML value type (${typeof v})`, loc);
}

export function readEntity(text: string, format: LaunchFormat, opts: ReadEntityOptions): Entity {
  return format === 'xml' ? readXmlEntity(text, opts) : readYamlEntity(text, opts);
}
