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

export type FaultKind = NodeFaultKind | 'partition' | 'net-replay' | 'stall';

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
// What a Byzantine node can do to its own frames lives in @bftkvs/faults, shared with the
// process-level fault wrappers of @bftkvs/nodes. A FrameCraft is provided by the module wiring
// the real replicas (it derives the same keys the replicas use); absent, the injectors fall
// back to what needs no keys.
export type { FrameCraft } from '@bftkvs/faults';
export { equivocateFrame, forgeFrame, isProtocolFrame, mutateFrame } from '@bftkvs/faults';

