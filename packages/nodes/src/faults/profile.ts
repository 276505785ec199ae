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
 * Timed faults (scenarios that must hit a running system at a known moment):
 *
 *   crash-at:20s..30s     crash 20 s after the fault epoch; a process (re)started before 30 s
 *                         stays down (opens nothing) until 30 s, then starts empty
 *   delay-out:2ms~2ms     delay uniform in 2 ms ± 2 ms (reorders datagrams, as jitter does)
 *   NAME[:ARG]@20s..40s   any other fault only between 20 s and 40 s after the fault epoch
 *   NAME[:ARG]@20s        ... from 20 s on
 *
 * The fault epoch is the replica's `fault_epoch_us` parameter (a wall-clock time shared by every
 * process of a run, so one scenario's faults line up across processes and restarts), or the
 * process start when it is 0 — then a respawned process runs the same profile again.
 *
 * Durations take `us`, `ms` or `s`. Faults are wrappers around the transports and the
 * process (packages/nodes/src/faults); the replica's code never knows.
 */
/** When a fault acts, in ms after the fault epoch: [fromMs, toMs), open-ended without toMs. */
export interface FaultWindow {
  readonly fromMs: number;
  readonly toMs?: number;
}

export type FaultSpec = (
  | { readonly kind: 'crash-at'; readonly afterMs: number; /** A process starting before this stays down until then. */ readonly downUntilMs?: number }
  | { readonly kind: 'equivocate'; readonly offset: number }
  | { readonly kind: 'wrong-values'; readonly offset: number }
  | { readonly kind: 'drop-out'; readonly probability: number }
  | { readonly kind: 'delay-out'; readonly delayMs: number; /** Uniform ± around delayMs. */ readonly jitterMs?: number }
  | { readonly kind: 'silent-primary' }
) & { readonly window?: FaultWindow };

/** Whether a fault acts at `nowMs` (ms after the fault epoch). */
export function faultActive(f: FaultSpec, nowMs: number): boolean {
  const w = f.window;
  return w === undefined || (nowMs >= w.fromMs && (w.toMs === undefined || nowMs < w.toMs));
}

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
  if (trimmed.length > 512) throw new FaultProfileError('fault profile: longer than 512 characters');
  const out: FaultSpec[] = [];
  for (const raw of trimmed.split(',')) {
    const full = raw.trim();
    const at = full.indexOf('@');
    const item = at < 0 ? full : full.slice(0, at);
    let window: FaultWindow | undefined;
    if (at >= 0) {
      const text = full.slice(at + 1);
      const [fromText, toText, extra] = text.split('..');
      if (fromText === undefined || extra !== undefined) throw new FaultProfileError(`fault '${full}': the window is @FROM or @FROM..TO (e.g. @20s..40s)`);
      const fromMs = duration(fromText, `fault '${full}' window start`, MAX_CRASH_AFTER_MS);
      const toMs = toText === undefined ? undefined : duration(toText, `fault '${full}' window end`, MAX_CRASH_AFTER_MS);
      if (toMs !== undefined && !(toMs > fromMs)) throw new FaultProfileError(`fault '${full}': the window must end after it starts`);
      window = toMs === undefined ? { fromMs } : { fromMs, toMs };
    }
    const colon = item.indexOf(':');
    const name = colon < 0 ? item : item.slice(0, colon);
    const arg = colon < 0 ? undefined : item.slice(colon + 1);
    const what = `fault '${item}'`;
    const needArg = (): string => {
      if (arg === undefined || arg === '') throw new FaultProfileError(`${what}: needs a value (${name}:VALUE)`);
      return arg;
    };
    const timed = <T extends object>(spec: T): T & { window?: FaultWindow } => (window === undefined ? spec : { ...spec, window });
    if (window !== undefined && name === 'crash-at') throw new FaultProfileError(`fault '${full}': crash-at takes its times as crash-at:CRASH[..RESTART], not @`);
    switch (name) {
      case 'crash-at': {
        const [crashText, upText, extra] = needArg().split('..');
        if (extra !== undefined) throw new FaultProfileError(`${what}: crash-at:CRASH or crash-at:CRASH..RESTART`);
        const afterMs = duration(crashText ?? '', what, MAX_CRASH_AFTER_MS);
        if (upText === undefined) {
          out.push({ kind: 'crash-at', afterMs });
          break;
        }
        const downUntilMs = duration(upText, what, MAX_CRASH_AFTER_MS);
        if (!(downUntilMs > afterMs)) throw new FaultProfileError(`${what}: the restart time must come after the crash`);
        out.push({ kind: 'crash-at', afterMs, downUntilMs });
        break;
      }
      case 'equivocate':
        out.push(timed({ kind: 'equivocate', offset: offset(arg, what) }));
        break;
      case 'wrong-values':
        out.push(timed({ kind: 'wrong-values', offset: offset(arg, what) }));
        break;
      case 'drop-out':
        out.push(timed({ kind: 'drop-out', probability: probability(needArg(), what) }));
        break;
      case 'delay-out': {
        const [delayText, jitterText, extra] = needArg().split('~');
        if (extra !== undefined) throw new FaultProfileError(`${what}: delay-out:DELAY or delay-out:DELAY~JITTER`);
        const delayMs = duration(delayText ?? '', what, MAX_DELAY_MS);
        if (jitterText === undefined) {
          out.push(timed({ kind: 'delay-out', delayMs }));
          break;
        }
        const jitterMs = duration(jitterText, what, MAX_DELAY_MS);
        if (jitterMs > delayMs) throw new FaultProfileError(`${what}: the jitter may not exceed the delay (a datagram cannot leave before it is sent)`);
        out.push(timed({ kind: 'delay-out', delayMs, jitterMs }));
        break;
      }
      case 'silent-primary':
        if (arg !== undefined) throw new FaultProfileError(`${what}: takes no value`);
        out.push(timed({ kind: 'silent-primary' }));
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
  const win = (f: FaultSpec): string => (f.window === undefined ? '' : `@${f.window.fromMs}ms${f.window.toMs === undefined ? '' : `..${f.window.toMs}ms`}`);
  return faults
    .map((f) => {
      switch (f.kind) {
        case 'crash-at':
          return `crash-at:${f.afterMs}ms${f.downUntilMs === undefined ? '' : `..${f.downUntilMs}ms`}`;
        case 'equivocate':
        case 'wrong-values':
          return `${f.kind}:${f.offset > 0 ? '+' : ''}${f.offset}${win(f)}`;
        case 'drop-out':
          return `drop-out:${f.probability}${win(f)}`;
        case 'delay-out':
          return `delay-out:${f.delayMs}ms${f.jitterMs === undefined ? '' : `~${f.jitterMs}ms`}${win(f)}`;
        case 'silent-primary':
          return `silent-primary${win(f)}`;
      }
    })
    .join(',');
}
