/**
 * Fault profiles: what a replica process does wrong on purpose, for demos and tests. Given as
 * the replica's `fault` parameter (launch argument `fault_<i>:=...`), a comma-separated list:
 *
 *   none                  no fault (the default)
 *   crash-at:2s           the process kills itself (SIGKILL) 2 s after start: no goodbye, state lost
 *   equivocate[:+50]      writes of this node reach part of the cluster with a different value
 *                         (numbers + 50, booleans flipped, strings changed), re-authenticated
 *                         with the node's own keys: a Byzantine origin
 *   wrong-values:+50      this node's writers consistently write wrong values (numbers + 50, ...)
 *   drop-out:0.2          drops 20 % of its outgoing replica-to-replica datagrams (or 20%)
 *   delay-out:5ms         delays its outgoing replica-to-replica datagrams by 5 ms
 *   silent-primary        while it is the primary, it sends no protocol messages (ordering,
 *                         sync, checkpoints, view changes), so the others must change view
 *
 * Durations take `us`, `ms` or `s`. Faults are wrappers around the transports and the
 * process (packages/nodes/src/faults); the replica's code never knows.
 */
export type FaultSpec =
  | { readonly kind: 'crash-at'; readonly afterMs: number }
  | { readonly kind: 'equivocate'; readonly offset: number }
  | { readonly kind: 'wrong-values'; readonly offset: number }
  | { readonly kind: 'drop-out'; readonly probability: number }
  | { readonly kind: 'delay-out'; readonly delayMs: number }
  | { readonly kind: 'silent-primary' };

export type FaultKind = FaultSpec['kind'];

export const FAULT_KINDS: readonly FaultKind[] = ['crash-at', 'equivocate', 'wrong-values', 'drop-out', 'delay-out', 'silent-primary'];

export class FaultProfileError extends Error {
  override readonly name = 'FaultProfileError';
}

const DEFAULT_OFFSET = 50;
const MAX_DELAY_MS = 60_000;
const MAX_CRASH_AFTER_MS = 24 * 3_600_000;

function duration(text: string, what: string, maxMs: number): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s)$/.exec(text.trim());
  if (m === null) throw new FaultProfileError(`${what}: ${JSON.stringify(text)} is not a duration (e.g. 500ms, 2s, 250us)`);
  const n = Number(m[1]);
  const ms = m[2] === 's' ? n * 1_000 : m[2] === 'ms' ? n : n / 1_000;
  if (!(ms >= 0 && ms <= maxMs)) throw new FaultProfileError(`${what}: ${text} is out of range (at most ${maxMs / 1_000} s)`);
  return ms;
}

function offset(text: string | undefined, what: string): number {
  if (text === undefined || text === '') return DEFAULT_OFFSET;
  if (!/^[+-]?\d+(?:\.\d+)?$/.test(text.trim())) throw new FaultProfileError(`${what}: ${JSON.stringify(text)} is not a number offset (e.g. +50, -3.5)`);
  const n = Number(text);
  if (n === 0) throw new FaultProfileError(`${what}: an offset of 0 changes nothing`);
  return n;
}

function probability(text: string, what: string): number {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(t);
  if (m === null) throw new FaultProfileError(`${what}: ${JSON.stringify(text)} is not a probability (0.2 or 20%)`);
  const p = m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
  if (!(p >= 0 && p <= 1)) throw new FaultProfileError(`${what}: ${text} is not between 0 and 1`);
  return p;
}

/** Parses a profile; `none` or '' is no fault. Throws FaultProfileError naming the problem. */
export function parseFaultProfile(text: string): FaultSpec[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  if (trimmed.length > 256) throw new FaultProfileError('fault profile: longer than 256 characters');
  const out: FaultSpec[] = [];
  for (const raw of trimmed.split(',')) {
    const item = raw.trim();
    const colon = item.indexOf(':');
    const name = colon < 0 ? item : item.slice(0, colon);
    const arg = colon < 0 ? undefined : item.slice(colon + 1);
    const what = `fault '${item}'`;
    const needArg = (): string => {
      if (arg === undefined || arg === '') throw new FaultProfileError(`${what}: needs a value (${name}:VALUE)`);
      return arg;
    };
    switch (name) {
      case 'crash-at':
        out.push({ kind: 'crash-at', afterMs: duration(needArg(), what, MAX_CRASH_AFTER_MS) });
        break;
      case 'equivocate':
        out.push({ kind: 'equivocate', offset: offset(arg, what) });
        break;
      case 'wrong-values':
        out.push({ kind: 'wrong-values', offset: offset(arg, what) });
        break;
      case 'drop-out':
        out.push({ kind: 'drop-out', probability: probability(needArg(), what) });
        break;
      case 'delay-out':
        out.push({ kind: 'delay-out', delayMs: duration(needArg(), what, MAX_DELAY_MS) });
        break;
      case 'silent-primary':
        if (arg !== undefined) throw new FaultProfileError(`${what}: takes no value`);
        out.push({ kind: 'silent-primary' });
        break;
      default:
        throw new FaultProfileError(`unknown fault ${JSON.stringify(name)} in ${JSON.stringify(text)} (known: none, ${FAULT_KINDS.join(', ')})`);
    }
  }
  const kinds = out.map((f) => f.kind);
  const twice = kinds.find((k, i) => kinds.indexOf(k) !== i);
  if (twice !== undefined) throw new FaultProfileError(`fault profile ${JSON.stringify(text)}: '${twice}' is given twice`);
  return out;
}

/** The profile as text again (for logs). */
export function formatFaultProfile(faults: readonly FaultSpec[]): string {
  if (faults.length === 0) return 'none';
  return faults
    .map((f) => {
      switch (f.kind) {
        case 'crash-at':
          return `crash-at:${f.afterMs}ms`;
        case 'equivocate':
        case 'wrong-values':
          return `${f.kind}:${f.offset > 0 ? '+' : ''}${f.offset}`;
        case 'drop-out':
          return `drop-out:${f.probability}`;
        case 'delay-out':
          return `delay-out:${f.delayMs}ms`;
        case 'silent-primary':
          return 'silent-primary';
      }
    })
    .join(',');
}
