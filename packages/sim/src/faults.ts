/**
 * Fault plans and the Byzantine frame manipulations. Faults are injected by wrapping replicas
 * and the network (the simulator applies them); replica code is never changed.
 *
 * Node fault kinds:
 * - `crash`           the node stops for good (its state is lost);
 * - `restart`         it stops and comes back later as a new incarnation with empty state,
 *                     recovering through the replica's own state transfer;
 * - `wrong-value`     its writers consistently write values far from the truth;
 * - `equivocate`      it sends different authenticated values of its writes to the two halves
 *                     of the cluster: crafted with the core's authentication when a
 *                     `FrameCraft` is available, otherwise as twins (below);
 * - `twins`           two copies of the node run with the same identity and keys, each talking
 *                     to one half of the cluster; one copy's writers lie;
 * - `mutate`          ByzzFuzz-style: it mutates outgoing frames (structurally, re-sealed with its
 *                     own keys when it can, else at byte level);
 * - `replay`          it re-sends its own old frames;
 * - `forge`           it sends copies of its frames claiming another sender;
 * - `silent-primary`  while it holds the primary role it drops its protocol messages;
 * - `slow-primary`    while it holds the primary role it delays them (up to ~1.5 view-change
 *                     timeouts).
 * Network faults (`partition`, `net-replay`) live in the network profile.
 */
import type { AuthenticatedWrite, Body, BodyKind, FrameHead, Write } from '@bftkvs/msgs';
import { decodeBody, decodeFrame, decodeWrite, encodeBody, encodeFrame } from '@bftkvs/msgs';
import type { Mode } from '@bftkvs/core';
import type { Prng } from './prng.js';

export type NodeFaultKind =
  | 'crash'
  | 'restart'
  | 'wrong-value'
  | 'equivocate'
  | 'twins'
  | 'mutate'
  | 'replay'
  | 'forge'
  | 'silent-primary'
  | 'slow-primary';

export type FaultKind = NodeFaultKind | 'partition' | 'net-replay';

export const CRASH_FAULTS: readonly NodeFaultKind[] = ['crash', 'restart'];
export const BYZANTINE_FAULTS: readonly NodeFaultKind[] = [
  'wrong-value',
  'equivocate',
  'twins',
  'mutate',
  'replay',
  'forge',
  'silent-primary',
  'slow-primary',
];
export const NODE_FAULT_KINDS: readonly NodeFaultKind[] = [...CRASH_FAULTS, ...BYZANTINE_FAULTS];

export type FaultsOption = 'none' | 'crash' | 'byzantine' | 'all';
export const FAULTS_OPTIONS: readonly FaultsOption[] = ['none', 'crash', 'byzantine', 'all'];

export function isByzantineKind(k: NodeFaultKind): boolean {
  return k !== 'crash' && k !== 'restart';
}

export interface NodeFault {
  readonly node: number;
  /** The main kind first, then any extra Byzantine behaviours. */
  readonly kinds: readonly NodeFaultKind[];
  /** Activation, relative to the run start. */
  readonly startUs: number;
  /** `restart`: when the node comes back, relative to the run start. */
  readonly restartUs: number | undefined;
  readonly mutateP: number;
  readonly replayP: number;
  readonly forgeP: number;
  /** `slow-primary`: delay added to its protocol messages. */
  readonly slowDelayUs: number;
}

export interface FaultPlan {
  readonly nodes: readonly NodeFault[];
  readonly byzantine: ReadonlySet<number>;
  /** Nodes run as two copies (twins, and equivocation without a FrameCraft). */
  readonly twinned: readonly boolean[];
  /** Twins routing: the side (0/1) of every node. */
  readonly sides: readonly number[] | undefined;
}

export interface FaultPlanOptions {
  readonly mode: Mode;
  readonly f: number;
  readonly n: number;
  readonly faults: FaultsOption;
  readonly safetyUs: number;
  readonly viewChangeTimeoutUs: number;
  /** Override the number of faulty nodes (tests that break the fault bound). */
  readonly faultyNodes?: number;
  /** Override the kinds to choose from. */
  readonly kinds?: readonly NodeFaultKind[];
  /** Whether crafted (re-authenticated) equivocation and mutation are possible. */
  readonly canCraft: boolean;
}

const PRIMARY_KINDS = new Set<NodeFaultKind>(['silent-primary', 'slow-primary']);

export function planFaults(rng: Prng, o: FaultPlanOptions): FaultPlan {
  // Draw everything first so that overrides do not shift the stream.
  const drawnCount = rng.chance(0.7) ? o.f : rng.int(0, Math.max(0, o.f - 1));
  let pool: NodeFaultKind[];
  if (o.kinds !== undefined) pool = [...o.kinds];
  else if (o.faults === 'none') pool = [];
  else if (o.faults === 'crash' || o.mode === 'crash') pool = [...CRASH_FAULTS];
  else if (o.faults === 'byzantine') pool = [...BYZANTINE_FAULTS];
  else pool = [...NODE_FAULT_KINDS];
  // A primary role exists only in the PBFT-based modes.
  if (o.mode === 'crash' && o.kinds === undefined) pool = pool.filter((k) => !PRIMARY_KINDS.has(k));
  const count = Math.min(o.n, o.faultyNodes ?? (pool.length === 0 ? 0 : drawnCount));
  const order = rng.shuffle(Array.from({ length: o.n }, (_, i) => i));
  const nodes: NodeFault[] = [];
  const used = new Set<number>();
  const twinned = new Array<boolean>(o.n).fill(false);
  for (let i = 0; i < count && pool.length > 0; i++) {
    const main = rng.pick(pool);
    // The primary of view 0 is replica 0: aim primary faults at it when it is still free.
    let node = order.find((x) => !used.has(x)) as number;
    if (PRIMARY_KINDS.has(main) && !used.has(0)) node = 0;
    used.add(node);
    const kinds: NodeFaultKind[] = [main];
    if (isByzantineKind(main) && rng.chance(0.3)) {
      const extra = rng.pick<NodeFaultKind>(['mutate', 'replay', 'forge', 'wrong-value']);
      if (!kinds.includes(extra) && (o.kinds === undefined || o.kinds.includes(extra))) kinds.push(extra);
    }
    const startUs = Math.round(rng.real(0.05, 0.5) * o.safetyUs);
    let restartUs: number | undefined;
    if (main === 'restart') {
      const downUs = Math.round(rng.real(0.02, 0.3) * o.safetyUs);
      restartUs = Math.min(startUs + downUs, Math.round(0.9 * o.safetyUs));
    }
    if (main === 'twins' || (main === 'equivocate' && !o.canCraft)) twinned[node] = true;
    nodes.push({
      node,
      kinds,
      startUs: main === 'twins' || twinned[node] ? 0 : startUs,
      restartUs,
      mutateP: rng.pick([0.02, 0.1, 0.3]),
      replayP: rng.pick([0.02, 0.1]),
      forgeP: rng.pick([0.02, 0.1]),
      slowDelayUs: Math.round(rng.real(0.3, 1.5) * o.viewChangeTimeoutUs),
    });
  }
  const byzantine = new Set<number>();
  for (const nf of nodes) if (nf.kinds.some(isByzantineKind)) byzantine.add(nf.node);
  let sides: number[] | undefined;
  if (twinned.some((t) => t) || nodes.some((nf) => nf.kinds.includes('equivocate'))) {
    sides = Array.from({ length: o.n }, () => (rng.chance(0.5) ? 1 : 0));
    // Both halves need a correct member, or the split shows nothing.
    const correct = Array.from({ length: o.n }, (_, i) => i).filter((i) => !byzantine.has(i));
    if (correct.length >= 2) {
      sides[correct[0] as number] = 0;
      sides[correct[correct.length - 1] as number] = 1;
    }
  }
  return { nodes, byzantine, twinned, sides };
}

// --- Frame manipulation ------------------------------------------------------------------------

/**
 * What a Byzantine node can do with its own keys: re-seal a frame it sends and authenticate
 * writes as their origin. Provided by the module wiring the real replicas (it derives the same
 * keys the replicas use); absent, the injectors fall back to what needs no keys.
 */
export interface FrameCraft {
  /** Encodes and MACs a frame from `head.from` (the faulty node) to `head.to`. */
  seal(head: FrameHead): Uint8Array;
  /** Authenticates a Write as `origin` (the faulty node, which holds its own keys). */
  authenticateWrite(origin: number, write: Write): AuthenticatedWrite;
}

/** Protocol messages a silent or slow primary withholds (not writes, not state transfer). */
const PROTOCOL_KINDS = new Set<BodyKind>(['prePrepare', 'prepare', 'commit', 'checkpoint', 'viewChange', 'newView', 'syncReport']);

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
export function mutateFrame(bytes: Uint8Array, rng: Prng, craft: FrameCraft | undefined): Uint8Array {
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
function mutateBody(body: Body, rng: Prng): Uint8Array | undefined {
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
