/**
 * Byzantine manipulations of a node's own outgoing frames: recognising a primary's protocol
 * frames (silent/slow primary), forging the sender (stale MAC), equivocating with real
 * authentication, and ByzzFuzz-style mutation. Pure: randomness comes in as `FaultRng`.
 */
import type { Body, BodyKind, Write } from '@bftkvs/msgs';
import { decodeBody, decodeFrame, decodeWrite, encodeBody, encodeFrame } from '@bftkvs/msgs';
import type { FrameCraft } from './craft.js';

/** The random choices mutation needs (the simulator's seeded Prng satisfies it). */
export interface FaultRng {
  chance(p: number): boolean;
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
}

/** Protocol messages a silent or slow primary withholds (not writes, not state transfer). */
export const PROTOCOL_KINDS = new Set<BodyKind>(['prePrepare', 'prepare', 'commit', 'checkpoint', 'viewChange', 'newView', 'syncReport']);

/** Whether the frame carries a primary's protocol message (decoded without checking the MAC). */
export function isProtocolFrame(bytes: Uint8Array): boolean {
  const f = decodeFrame(bytes);
  if (!f.ok) return false;
  const b = decodeBody(f.value.body);
  return b.ok && PROTOCOL_KINDS.has(b.value.kind);
}

/** A copy of the frame claiming another sender (the MAC, computed for the real pair, is stale). */
export function forgeFrame(bytes: Uint8Array, claimedFrom: number): Uint8Array | undefined {
  const f = decodeFrame(bytes);
  if (!f.ok) return undefined;
  return encodeFrame({ ...f.value, from: claimedFrom });
}

/**
 * Equivocation with real authentication: rewrites the value of a write the faulty node
 * originated, re-authenticates it and re-seals the frame. Undefined if the frame is not such a
 * write.
 */
export function equivocateFrame(bytes: Uint8Array, self: number, craft: FrameCraft, rewrite: (w: Write) => Write): Uint8Array | undefined {
  const f = decodeFrame(bytes);
  if (!f.ok) return undefined;
  const b = decodeBody(f.value.body);
  if (!b.ok || b.value.kind !== 'write') return undefined;
  const w = decodeWrite(b.value.write.write.write);
  if (!w.ok || w.value.origin !== self) return undefined;
  const aw = craft.authenticateWrite(self, rewrite(w.value));
  const body = encodeBody({ kind: 'write', write: { write: aw, hop: b.value.write.hop } });
  const { mac: _mac, ...head } = f.value;
  return craft.seal({ ...head, body });
}

/**
 * ByzzFuzz-style mutation of an outgoing frame. Structural (half the time, when the frame
 * decodes): one leaf of the body — a number, flag, string, byte string or list — is changed and
 * the frame re-sealed with the node's own keys when `craft` is given (so it passes the MAC
 * and tests the protocol's semantic checks), else re-encoded with the stale MAC. Otherwise at
 * byte level: bit flips, truncation, garbage appended (tests the decoder).
 */
export function mutateFrame(bytes: Uint8Array, rng: FaultRng, craft: FrameCraft | undefined): Uint8Array {
  if (rng.chance(0.5)) {
    const f = decodeFrame(bytes);
    if (f.ok) {
      const b = decodeBody(f.value.body);
      if (b.ok) {
        const mutated = mutateBody(b.value, rng);
        if (mutated !== undefined) {
          const { mac: _mac, ...head } = f.value;
          const next = { ...head, body: mutated };
          return craft !== undefined ? craft.seal(next) : encodeFrame({ ...next, mac: f.value.mac });
        }
      }
    }
  }
  const out = new Uint8Array(bytes);
  switch (rng.int(0, 3)) {
    case 0: {
      const flips = rng.int(1, 3);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const at = rng.int(0, out.length - 1);
        out[at] = (out[at] as number) ^ (1 << rng.int(0, 7));
      }
      return out;
    }
    case 1:
      return out.subarray(0, rng.int(0, Math.max(0, out.length - 1)));
    case 2: {
      const longer = new Uint8Array(out.length + rng.int(1, 16));
      longer.set(out);
      for (let i = out.length; i < longer.length; i++) longer[i] = rng.int(0, 255);
      return longer;
    }
    default: {
      if (out.length > 0) out[rng.int(0, out.length - 1)] = rng.int(0, 255);
      return out;
    }
  }
}

type Leaf = { readonly holder: Record<string, unknown> | unknown[]; readonly key: string | number; readonly value: unknown };

/** Changes one leaf of a decoded body; returns the re-encoded body, or undefined if it will not encode. */
function mutateBody(body: Body, rng: FaultRng): Uint8Array | undefined {
  const clone = structuredCloneBody(body) as Record<string, unknown>;
  const leaves: Leaf[] = [];
  collectLeaves(clone, leaves, 0);
  if (leaves.length === 0) return undefined;
  const leaf = rng.pick(leaves);
  const h = leaf.holder as Record<string | number, unknown>;
  const v = leaf.value;
  if (typeof v === 'number') {
    h[leaf.key] = rng.pick([0, v + 1, Math.max(0, v - 1), v * 2, 2 ** 32 - 1, Number.MAX_SAFE_INTEGER]);
  } else if (typeof v === 'boolean') {
    h[leaf.key] = !v;
  } else if (typeof v === 'string') {
    h[leaf.key] = rng.chance(0.5) ? '' : `${v}x`;
  } else if (v instanceof Uint8Array) {
    const copy = new Uint8Array(v);
    if (copy.length > 0) copy[rng.int(0, copy.length - 1)] = rng.int(0, 255);
    h[leaf.key] = rng.chance(0.2) ? new Uint8Array(0) : copy;
  } else if (Array.isArray(v)) {
    if (v.length > 0 && rng.chance(0.5)) v.splice(rng.int(0, v.length - 1), 1);
    else if (v.length > 0) v.push(v[rng.int(0, v.length - 1)]);
  }
  try {
    return encodeBody(clone as unknown as Body);
  } catch {
    return undefined;
  }
}

function structuredCloneBody(x: unknown): unknown {
  if (x instanceof Uint8Array) return new Uint8Array(x);
  if (Array.isArray(x)) return x.map(structuredCloneBody);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = structuredCloneBody(v);
    return out;
  }
  return x;
}

function collectLeaves(x: unknown, out: Leaf[], depth: number): void {
  if (depth > 8 || x === null || typeof x !== 'object' || x instanceof Uint8Array) return;
  const entries: [string | number, unknown][] = Array.isArray(x) ? x.map((v, i) => [i, v]) : Object.entries(x);
  for (const [k, v] of entries) {
    if (k === 'kind') continue; // keep the oneof discriminants: they select the encoder
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v)) {
      collectLeaves(v, out, depth + 1);
      continue;
    }
    out.push({ holder: x as Record<string, unknown>, key: k, value: v });
    if (Array.isArray(v)) collectLeaves(v, out, depth + 1);
  }
}
