/**
 * The canonical contents of the slots of one committed synchronisation proposal.
 *
 * A pure function of (proposal, configuration) and nothing else — no clock, no keys, no local
 * state — so every correct replica that executes the same committed proposal computes the
 * same contents (agreement after sync). The rule (docs/protocol.md, `fast`):
 *
 * - a report *vouches* for (writer, value) in slot (key, t) when it carries a write of that
 *   value by that writer that passes the checks every replica makes identically: the bytes
 *   decode to a Write for exactly this slot, the writer is authorised for the key and hosted
 *   by the write's origin, and the value has the key's type;
 * - (writer, value) is in iff at least f+1 distinct reports vouch for it;
 * - a writer with two or more such values is excluded and named as equivocating.
 *
 * What is deliberately *not* checked: MAC entries. Each replica can check only its own entry,
 * so using it would make the result depend on who computes it. It is not needed either: a
 * correct replica reports only writes whose authenticator it verified when it accepted them,
 * and f+1 vouching reports include at least one correct replica. Signatures on writes (when
 * the cluster signs) would be checkable by all, but verifying every write of 2f+1 reports at
 * every replica costs far more than it adds; the count already gives validity.
 *
 * A write that fails the identical checks proves its reporter faulty (a correct replica never
 * accepts one); such reporters are returned so every replica suspects them alike.
 */
import type { SyncProposal, Write } from '@bftkvs/msgs';
import { decodeWrite } from '@bftkvs/msgs';
import type { ClusterConfig } from '../cluster.js';
import type { Contribution } from '../slotStore.js';
import { isOnGrid } from '../time.js';
import type { Value } from '../value.js';
import { canonicalValue, checkValue } from '../value.js';
import type { PartWindow } from './syncReport.js';
import { inPart } from './syncReport.js';
import { valueFromWire } from './wireValue.js';

export interface CanonicalSlot {
  readonly key: string;
  readonly publishTimeUs: number;
  /** Sorted by writer; possibly empty (the slot is then missed everywhere). */
  readonly contributions: readonly Contribution[];
}

export interface NamedEquivocation {
  readonly key: string;
  readonly publishTimeUs: number;
  readonly writer: string;
  readonly origin: number;
  /** Canonical forms of the values that each reached f+1 reports. */
  readonly values: readonly string[];
}

export interface CanonicalResult {
  /** Every slot of the window that some counted report lists, ascending by (publish time, key). */
  readonly slots: readonly CanonicalSlot[];
  readonly equivocations: readonly NamedEquivocation[];
  /** Reporters that provably lied (a write no correct replica would have accepted), with why. */
  readonly badReporters: readonly { readonly replica: number; readonly detail: string }[];
  /** Reports ignored: wrong round or window, a replica listed twice, or not a replica. */
  readonly ignoredReports: number;
}

interface Tally {
  count: number;
  readonly value: Value;
}

type Decoded = { readonly ok: true; readonly write: Write } | { readonly ok: false };

/**
 * The canonical contents of every slot of the part `window` from the proposal's reports, with
 * threshold `threshold` (f+1). Reports are counted once per replica (the first listed); reports
 * whose round or wire window differ from the part's are ignored.
 */
export function canonicalContents(proposal: SyncProposal, window: PartWindow, config: ClusterConfig, threshold: number): CanonicalResult {
  // slot id -> writer -> canonical value -> tally
  const slots = new Map<string, { key: string; t: number; writers: Map<string, Map<string, Tally>> }>();
  const badReporters: { replica: number; detail: string }[] = [];
  const seenReplicas = new Set<number>();
  let ignoredReports = 0;
  // The same write bytes usually appear in every report: decode each distinct one once.
  const decoded = new Map<string, Decoded>();
  const decode = (bytes: Uint8Array): Decoded => {
    const id = bytesKey(bytes);
    let d = decoded.get(id);
    if (d === undefined) {
      const r = decodeWrite(bytes);
      d = r.ok ? { ok: true, write: r.value } : { ok: false };
      decoded.set(id, d);
    }
    return d;
  };

  for (const report of proposal.reports) {
    if (report.round !== window.id || report.fromUs !== window.fromUs || report.toUs !== window.toUs || report.replica >= config.replicas || seenReplicas.has(report.replica)) {
      ignoredReports++;
      continue;
    }
    seenReplicas.add(report.replica);
    let lie: string | undefined;
    // What this report vouches for, once per (slot, writer, value) however often it repeats it.
    const vouched = new Set<string>();
    for (const s of report.slots) {
      const schema = config.keys.get(s.key);
      if (schema === undefined || !inPart(window, s.publishTimeUs, s.key) || !isOnGrid(schema.grid, s.publishTimeUs)) {
        lie ??= `lists slot ${s.key}@${s.publishTimeUs} outside its part or grid`;
        continue;
      }
      const sid = `${s.publishTimeUs}\n${s.key}`;
      let slot = slots.get(sid);
      if (slot === undefined) {
        slot = { key: s.key, t: s.publishTimeUs, writers: new Map() };
        slots.set(sid, slot);
      }
      for (const aw of s.writes) {
        const d = decode(aw.write);
        if (!d.ok) {
          lie ??= `carries an undecodable write in ${s.key}@${s.publishTimeUs}`;
          continue;
        }
        const w = d.write;
        if (w.key !== s.key || w.publishTimeUs !== s.publishTimeUs) {
          lie ??= `carries a write for ${w.key}@${w.publishTimeUs} in slot ${s.key}@${s.publishTimeUs}`;
          continue;
        }
        if (!schema.writers.includes(w.writer) || config.writers.get(w.writer) !== w.origin) {
          lie ??= `carries a write of '${w.writer}' from origin ${w.origin}, which does not host it for '${s.key}'`;
          continue;
        }
        const value = valueFromWire(schema.type, w.value);
        if (value === undefined || !checkValue(schema.type, value).ok) {
          lie ??= `carries an ill-typed value of '${w.writer}' in ${s.key}@${s.publishTimeUs}`;
          continue;
        }
        const canon = canonicalValue(value);
        const v = `${sid}\n${w.writer}\n${canon}`;
        if (vouched.has(v)) continue;
        vouched.add(v);
        let values = slot.writers.get(w.writer);
        if (values === undefined) {
          values = new Map();
          slot.writers.set(w.writer, values);
        }
        const tally = values.get(canon);
        if (tally === undefined) values.set(canon, { count: 1, value });
        else tally.count++;
      }
    }
    if (lie !== undefined) badReporters.push({ replica: report.replica, detail: lie });
  }

  const out: CanonicalSlot[] = [];
  const equivocations: NamedEquivocation[] = [];
  const ordered = [...slots.values()].sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const slot of ordered) {
    const contributions: Contribution[] = [];
    const writers = [...slot.writers.keys()].sort();
    for (const writer of writers) {
      const values = slot.writers.get(writer) as Map<string, Tally>;
      const kept = [...values.entries()].filter(([, tally]) => tally.count >= threshold).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      if (kept.length === 1) contributions.push({ writer, value: (kept[0] as [string, Tally])[1].value });
      else if (kept.length > 1) {
        equivocations.push({ key: slot.key, publishTimeUs: slot.t, writer, origin: config.writers.get(writer) as number, values: kept.map(([c]) => c) });
      }
    }
    out.push({ key: slot.key, publishTimeUs: slot.t, contributions });
  }
  return { slots: out, equivocations, badReporters, ignoredReports };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function bytesKey(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] as number];
  return s;
}
