/**
 * Every problem with a launch file, an argument or a params file is a LaunchError that names
 * where it is: the file, the element path (`/launch/group[1]/node[2]`, the same for the YAML
 * and the XML form of a file) and, when known, the line.
 */

/** Where an element sits. `path` is XPath-like; indices count same-named siblings from 1. */
export interface SourceLocation {
  readonly file: string;
  readonly path: string;
  /** 1-based, when the parser knows it. */
  readonly line?: number | undefined;
  /** 1-based, when the parser knows it. */
  readonly column?: number | undefined;
}

export function formatLocation(loc: SourceLocation): string {
  const pos = loc.line === undefined ? '' : `:${loc.line}${loc.column === undefined ? '' : `:${loc.column}`}`;
  return `${loc.file}${pos}${loc.path === '' ? '' : ` ${loc.path}`}`;
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
  /** The message without the location prefix. */
  readonly detail: string;
  readonly location: SourceLocation | undefined;
  /** Outermost last: the include elements that led to the file the error is in. */
  readonly includedFrom: readonly SourceLocation[];

  constructor(detail: string, location?: SourceLocation, includedFrom: readonly SourceLocation[] = []) {
    const where = location === undefined ? '' : `${formatLocation(location)}: `;
    const chain = includedFrom.map((l) => `\n  included from ${formatLocation(l)}`).join('');
    super(`${where}${detail}${chain}`);
    this.detail = detail;
    this.location = location;
    this.includedFrom = includedFrom;
  }

  /** The same error, seen through one more include. */
  withIncludedFrom(loc: SourceLocation): LaunchError {
    return new LaunchError(this.detail, this.location, [...this.includedFrom, loc]);
  }
}

/** Bounds on what one launch may cost; every one is checked, none is advisory. */
export interface LaunchLimits {
  /** Largest launch or params file read, in bytes. */
  readonly maxFileBytes: number;
  /** Deepest include chain (the root file is depth 0). */
  readonly maxIncludeDepth: number;
  /** Most actions evaluated in one launch, across all includes (bounds include fan-out). */
  readonly maxActions: number;
  /** Most processes one launch may start. */
  readonly maxProcesses: number;
  /** Deepest element nesting in one file, and deepest substitution nesting in one value. */
  readonly maxNesting: number;
}

export const DEFAULT_LIMITS: LaunchLimits = {
  maxFileBytes: 1 << 20,
  maxIncludeDepth: 16,
  maxActions: 20_000,
  maxProcesses: 512,
  maxNesting: 64,
};
