/**
 * Who this replica suspects, why, how often and when last. Only authenticated misbehaviour
 * is recorded here (a bad MAC proves nothing about the claimed sender); the caller decides
 * attribution. Memory is bounded: nodes are endpoint indices and reasons a fixed set.
 */
import type { Suspicion } from '@bftkvs/msgs';
import { MAX_SUSPECTS } from '@bftkvs/msgs';
import type { SuspicionReason } from './types.js';

interface Entry {
  count: number;
  lastUs: number;
}

export class SuspicionLog {
  private readonly byNode = new Map<number, Map<SuspicionReason, Entry>>();

  /**
   * Records one suspicion. Returns true when it should be reported as an event: the first
   * time and then at counts 2, 4, 8..., so a node flooding misbehaviour cannot flood the
   * event stream while the counts stay exact.
   */
  record(node: number, reason: SuspicionReason, nowUs: number): boolean {
    let reasons = this.byNode.get(node);
    if (reasons === undefined) {
      reasons = new Map();
      this.byNode.set(node, reasons);
    }
    const e = reasons.get(reason);
    if (e === undefined) {
      reasons.set(reason, { count: 1, lastUs: nowUs });
      return true;
    }
    e.count++;
    e.lastUs = nowUs;
    return (e.count & (e.count - 1)) === 0;
  }

  isSuspected(node: number): boolean {
    return this.byNode.has(node);
  }

  count(node: number, reason: SuspicionReason): number {
    return this.byNode.get(node)?.get(reason)?.count ?? 0;
  }

  /** For ReplicaHealth: most frequent first, at most MAX_SUSPECTS entries. */
  list(): Suspicion[] {
    const out: Suspicion[] = [];
    for (const [node, reasons] of this.byNode) for (const [reason, e] of reasons) out.push({ node, reason, count: e.count, lastUs: e.lastUs });
    out.sort((a, b) => b.count - a.count || a.node - b.node || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    return out.slice(0, MAX_SUSPECTS);
  }

  size(): number {
    let n = 0;
    for (const reasons of this.byNode.values()) n += reasons.size;
    return n;
  }
}
