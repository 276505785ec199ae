/**
 * Deterministic in-memory cluster for the PBFT engine tests.
 *
 * Not a test file: AVA skips files whose name starts with '_', and the '.test.ts' suffix keeps
 * it out of the core build and purity scan.
 *
 * One seed drives everything random (delays, drops, duplicates, which backups an equivocating
 * primary lies to, what a forger sends). Time is simulated in fixed steps: each step delivers
 * the messages due, ticks every live replica and lets the primary cut a batch. Every message a
 * replica emits goes through the real wire codec (encodeBody -> decodeBody) so an engine that
 * produced something the wire rejects fails the test.
 *
 * The checker sits outside the system under test: it records, per seq, the first digest any
 * correct replica committed and flags any correct replica that commits another (agreement), and
 * it checks that each replica's deliveries are consecutive (total order, no gaps or repeats).
 */
import { decodeBatch, decodeBody, encodeBatch, encodeBody } from '@bftkvs/msgs';
import type { Checkpoint, NewView, Prepare, PreparedProof, ViewChange } from '@bftkvs/msgs';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from './messages.js';
import {
  checkpointSigningBytes,
  newViewSigningBytes,
  PbftEngine,
  primaryOf,
  viewChangeSigningBytes,
  type PbftEvent,
  type PbftMessage,
  type PbftOptions,
} from './index.js';

// -------------------------------------------------------------------------------------------
// Randomness and crypto stand-ins
// -------------------------------------------------------------------------------------------

/** mulberry32: small, fast, good enough to drive a simulation from a 32-bit seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

const enc = new TextEncoder();

/**
 * Keyed-hash "signatures" (64 bytes, like Ed25519's): unforgeable inside the simulation because
 * a Byzantine node is only ever handed its own signing function. ~100x cheaper than Ed25519,
 * which lets the safety tests run hundreds of seeds; one test uses real Ed25519.
 */
export function fakeSigner(n: number): {
  sign: (replica: number) => (bytes: Uint8Array) => Uint8Array;
  verify: (replica: number, bytes: Uint8Array, sig: Uint8Array) => boolean;
} {
  const secrets = Array.from({ length: n }, (_, i) => sha256(enc.encode(`pbft-test-secret-${i}`)));
  const mac = (replica: number, bytes: Uint8Array): Uint8Array => {
    const key = secrets[replica];
    if (key === undefined) return new Uint8Array(64);
    const buf = new Uint8Array(key.length + bytes.length);
    buf.set(key);
    buf.set(bytes, key.length);
    const h = sha256(buf);
    const out = new Uint8Array(64);
    out.set(h);
    out.set(sha256(h), 32);
    return out;
  };
  return {
    sign: (replica) => (bytes) => mac(replica, bytes),
    verify: (replica, bytes, sig) => sig.length === 64 && hex(mac(replica, bytes)) === hex(sig),
  };
}

export const NULL_BATCH = encodeBatch({ tauUs: 0, writes: [], sync: null });

// -------------------------------------------------------------------------------------------
// Faults
// -------------------------------------------------------------------------------------------

export type Fault =
  /** Stops sending, receiving and ticking at `atUs`. */
  | { readonly kind: 'crash'; readonly atUs: number }
  /** As primary: a different batch (and matching commits) to a random subset of the backups. */
  | { readonly kind: 'equivocate' }
  /** As primary: proposes bytes the embedder's validateBatch rejects. */
  | { readonly kind: 'invalid-batches' }
  /** Its prepares carry garbage signatures (the MAC still authenticates them). */
  | { readonly kind: 'bad-prepare-signatures' }
  /** Its ViewChanges omit every prepared certificate (re-signed, so they look valid). */
  | { readonly kind: 'withhold-certificates' }
  /** Each step, with probability `rate`, sends a random hostile message. */
  | { readonly kind: 'forge'; readonly rate: number }
  /** Never proposes (primary), but otherwise participates. */
  | { readonly kind: 'mute-primary' }
  /** As new primary: its NewView carries a substituted re-proposal (re-signed, so only recomputation catches it). */
  | { readonly kind: 'tamper-new-view' };

export interface SimConfig {
  readonly n: number;
  readonly f: number;
  readonly seed: number;
  readonly durationUs: number;
  readonly faults?: Readonly<Record<number, readonly Fault[]>>;
  readonly dropRate?: number;
  readonly duplicateRate?: number;
  readonly minDelayUs?: number;
  readonly maxDelayUs?: number;
  /** Drops and duplicates stop here (TigerBeetle-style liveness phase). Default: never. */
  readonly calmAfterUs?: number;
  readonly checkpointIntervalSeqs?: number;
  readonly watermarkWindowSeqs?: number;
  readonly viewChangeTimeoutUs?: number;
  readonly batchIntervalUs?: number;
  readonly stepUs?: number;
  readonly stateTransferDelayUs?: number;
  /** Deterministic link cuts for scenario tests: return false to drop. */
  readonly linkFilter?: (from: number, to: number, msg: PbftMessage, nowUs: number) => boolean;
  readonly engine?: Partial<PbftOptions>;
  /** Stop early once every live correct replica executed this many seqs. */
  readonly stopAtSeq?: number;
  /** Replace the fake signer (the Ed25519 test). */
  readonly crypto?: {
    sign: (replica: number) => (bytes: Uint8Array) => Uint8Array;
    verify: (replica: number, bytes: Uint8Array, sig: Uint8Array) => boolean;
  };
}

// -------------------------------------------------------------------------------------------
// Cluster
// -------------------------------------------------------------------------------------------

interface InFlight {
  readonly atUs: number;
  readonly order: number;
  readonly from: number;
  readonly to: number;
  readonly msg: PbftMessage;
}

/** Min-heap on (atUs, order): equal times keep send order, so runs are reproducible. */
class Heap {
  private a: InFlight[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i] as InFlight;
    const y = this.a[j] as InFlight;
    return x.atUs < y.atUs || (x.atUs === y.atUs && x.order < y.order);
  }
  private swap(i: number, j: number): void {
    const t = this.a[i] as InFlight;
    this.a[i] = this.a[j] as InFlight;
    this.a[j] = t;
  }
  push(x: InFlight): void {
    this.a.push(x);
    let i = this.a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  peek(): InFlight | undefined {
    return this.a[0];
  }
  pop(): InFlight | undefined {
    const top = this.a[0];
    const last = this.a.pop();
    if (this.a.length > 0 && last !== undefined) {
      this.a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.a.length && this.less(l, m)) m = l;
        if (r < this.a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

export class SimNode {
  readonly engine: PbftEngine;
  readonly faults: readonly Fault[];
  /** seq -> digest hex of what this replica executed (or adopted by state transfer). */
  readonly history = new Map<number, string>();
  readonly checkpointDigests = new Map<number, Uint8Array>();
  chain: Uint8Array = new Uint8Array(32);
  lastSeq = 0;
  maxTauUs = 0;
  nextBatchUs = 0;
  maxLogSize = 0;
  maxBuffered = 0;
  transfers = 0;
  refusedTransfers = 0;
  /** Committed batches the embedder's validateBatch would reject. */
  undecodableCommitted = 0;
  pendingTransfer: { seq: number; stateDigest: Uint8Array; atUs: number } | undefined;
  readonly events: PbftEvent[] = [];
  /** Equivocation bookkeeping: (view/seq) -> [alternative digest, replicas lied to]. */
  readonly lies = new Map<string, { digest: Uint8Array; victims: Set<number> }>();
  readonly received: PbftMessage[] = [];

  constructor(
    readonly id: number,
    options: PbftOptions,
    faults: readonly Fault[],
  ) {
    this.engine = new PbftEngine(options);
    this.faults = faults;
  }

  has(kind: Fault['kind']): boolean {
    return this.faults.some((f) => f.kind === kind);
  }

  get correct(): boolean {
    return this.faults.length === 0;
  }

  crashAtUs(): number | undefined {
    for (const f of this.faults) if (f.kind === 'crash') return f.atUs;
    return undefined;
  }
}

export interface SimResult {
  readonly seed: number;
  /** Two correct replicas committed different batches at one seq. */
  readonly violations: string[];
  /** A replica delivered out of order, twice, or with a gap. */
  readonly orderErrors: string[];
  /** A correct replica emitted a message the wire codec rejects. */
  readonly wireErrors: string[];
  readonly internalErrors: string[];
  readonly nodes: SimNode[];
  readonly endUs: number;
  /** Highest seq executed by every live correct replica. */
  readonly minCorrectSeq: number;
  readonly maxCorrectSeq: number;
}

export class Sim {
  readonly cfg: SimConfig;
  readonly rng: Rng;
  readonly nodes: SimNode[];
  private readonly net = new Heap();
  private order = 0;
  nowUs = 0;
  readonly violations: string[] = [];
  readonly orderErrors: string[] = [];
  readonly wireErrors: string[] = [];
  /** seq -> [digest, first committer]. */
  readonly decided = new Map<number, [string, number]>();
  private readonly k: number;

  constructor(cfg: SimConfig) {
    this.cfg = cfg;
    this.rng = new Rng(cfg.seed);
    this.k = cfg.checkpointIntervalSeqs ?? 8;
    const crypto = cfg.crypto ?? fakeSigner(cfg.n);
    this.nodes = [];
    for (let i = 0; i < cfg.n; i++) {
      const faults = cfg.faults?.[i] ?? [];
      const node: SimNode = new SimNode(
        i,
        {
          n: cfg.n,
          f: cfg.f,
          self: i,
          digest: (b) => sha256(b),
          sign: crypto.sign(i),
          verify: crypto.verify,
          validateBatch: (batch) => {
            const d = decodeBatch(batch);
            return d.ok ? { ok: true } : { ok: false, reason: `undecodable batch (${d.error.code})` };
          },
          nullBatch: NULL_BATCH,
          checkpointIntervalSeqs: this.k,
          watermarkWindowSeqs: cfg.watermarkWindowSeqs ?? 2 * this.k,
          viewChangeTimeoutUs: cfg.viewChangeTimeoutUs ?? 20_000,
          maxCommittedTauUs: () => node.maxTauUs,
          ...cfg.engine,
        },
        faults,
      );
      this.nodes.push(node);
    }
  }

  private alive(i: number): boolean {
    const node = this.nodes[i];
    if (node === undefined) return false;
    const at = node.crashAtUs();
    return at === undefined || this.nowUs < at;
  }

  private calm(): boolean {
    return this.cfg.calmAfterUs !== undefined && this.nowUs >= this.cfg.calmAfterUs;
  }

  /** Puts one message on the wire from `from` to `to` (after the wire codec round trip). */
  private transmit(from: number, to: number, msg: PbftMessage): void {
    if (from === to || to < 0 || to >= this.cfg.n) return;
    if (this.cfg.linkFilter !== undefined && !this.cfg.linkFilter(from, to, msg, this.nowUs)) return;
    const wire = this.throughWire(from, msg);
    if (wire === undefined) return;
    if (!this.calm() && this.rng.chance(this.cfg.dropRate ?? 0)) return;
    const copies = !this.calm() && this.rng.chance(this.cfg.duplicateRate ?? 0) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const min = this.cfg.minDelayUs ?? 100;
      const max = this.cfg.maxDelayUs ?? 600;
      this.net.push({ atUs: this.nowUs + min + this.rng.int(max - min + 1), order: this.order++, from, to, msg: wire });
    }
  }

  /** Broadcasts are encoded once, not once per receiver (the codec dominates run time). */
  private readonly wireCache = new WeakMap<PbftMessage, PbftMessage | null>();

  private throughWire(from: number, msg: PbftMessage): PbftMessage | undefined {
    const cached = this.wireCache.get(msg);
    if (cached !== undefined) return cached ?? undefined;
    const decoded = decodeBody(encodeBody(msg));
    let out: PbftMessage | null = null;
    if (!decoded.ok) {
      if (this.nodes[from]?.correct === true) this.wireErrors.push(`replica ${from} sent ${msg.kind} the wire rejects: ${decoded.error.message}`);
    } else if (decoded.value.kind === msg.kind) {
      out = decoded.value as PbftMessage;
    }
    this.wireCache.set(msg, out);
    return out ?? undefined;
  }

  private drainNode(node: SimNode): void {
    for (let again = true; again; ) {
      const ready = node.engine.drain();
      // Executing may call checkpointState, which produces output of its own.
      again = ready.committed.length > 0;
      this.handleReady(node, ready);
    }
  }

  private handleReady(node: SimNode, ready: ReturnType<PbftEngine['drain']>): void {
    for (const c of ready.committed) this.onCommitted(node, c.seq, c.batch, c.digest);
    for (const ev of ready.events) {
      node.events.push(ev);
      if (ev.kind === 'state-transfer-needed') {
        node.pendingTransfer = { seq: ev.seq, stateDigest: ev.stateDigest, atUs: this.nowUs + (this.cfg.stateTransferDelayUs ?? 2_000) };
      }
    }
    for (const m of ready.messages) {
      const targets = m.to === 'all' ? this.nodes.map((x) => x.id).filter((i) => i !== node.id) : [m.to];
      this.sendFrom(node, targets, m.msg);
    }
    const size = node.engine.logSize();
    if (size > node.maxLogSize) node.maxLogSize = size;
    const buffered = node.engine.memory().bufferedMessages;
    if (buffered > node.maxBuffered) node.maxBuffered = buffered;
    const err = node.engine.internalError();
    if (err !== undefined && !this.internal.includes(err)) this.internal.push(err);
  }

  readonly internal: string[] = [];

  /** Outgoing path: Byzantine rewriting happens here, outside the engine. */
  private sendFrom(node: SimNode, targets: number[], msg: PbftMessage): void {
    if (node.has('equivocate') && msg.kind === 'prePrepare' && targets.length > 1) {
      const pp = msg.prePrepare;
      const d = decodeBatch(pp.batch);
      const tau = d.ok ? d.value.tauUs : 0;
      const alt = encodeBatch({ tauUs: tau + 1, writes: [], sync: null });
      const victims = new Set(targets.filter(() => this.rng.chance(0.5)));
      node.lies.set(`${pp.view}/${pp.seq}`, { digest: sha256(alt), victims });
      for (const t of targets) this.transmit(node.id, t, victims.has(t) ? { kind: 'prePrepare', prePrepare: { ...pp, batch: alt } } : msg);
      return;
    }
    if (node.has('equivocate') && msg.kind === 'commit') {
      const lie = node.lies.get(`${msg.commit.view}/${msg.commit.seq}`);
      if (lie !== undefined) {
        for (const t of targets) this.transmit(node.id, t, lie.victims.has(t) ? { kind: 'commit', commit: { ...msg.commit, digest: lie.digest } } : msg);
        return;
      }
    }
    if (node.has('tamper-new-view') && msg.kind === 'newView') {
      const nv: NewView = {
        ...msg.newView,
        // Replace the first re-proposal (or add one) with a batch nobody prepared.
        prePrepares: [
          {
            view: msg.newView.view,
            seq: msg.newView.prePrepares[0]?.seq ?? node.engine.status().lowWatermark + 1,
            batch: encodeBatch({ tauUs: 4242, writes: [], sync: null }),
          },
          ...msg.newView.prePrepares.slice(1),
        ],
      };
      nv.signature = (this.cfg.crypto ?? fakeSigner(this.cfg.n)).sign(node.id)(newViewSigningBytes(nv));
      msg = { kind: 'newView', newView: nv };
    }
    if (node.has('bad-prepare-signatures') && msg.kind === 'prepare') {
      msg = { kind: 'prepare', prepare: { ...msg.prepare, signature: this.rng.bytes(64) } };
    }
    if (node.has('withhold-certificates') && msg.kind === 'viewChange') {
      const vc: ViewChange = { ...msg.viewChange, prepared: [] };
      vc.signature = (this.cfg.crypto ?? fakeSigner(this.cfg.n)).sign(node.id)(viewChangeSigningBytes(vc));
      msg = { kind: 'viewChange', viewChange: vc };
    }
    for (const t of targets) this.transmit(node.id, t, msg);
  }

  private onCommitted(node: SimNode, seq: number, batch: Uint8Array, digest: Uint8Array): void {
    if (seq !== node.lastSeq + 1) this.orderErrors.push(`replica ${node.id} delivered seq ${seq} after ${node.lastSeq}`);
    node.lastSeq = seq;
    const dh = hex(digest);
    if (hex(sha256(batch)) !== dh) this.orderErrors.push(`replica ${node.id} seq ${seq}: digest does not match batch`);
    node.history.set(seq, dh);
    if (node.correct) {
      const prev = this.decided.get(seq);
      if (prev === undefined) this.decided.set(seq, [dh, node.id]);
      else if (prev[0] !== dh) {
        this.violations.push(`seq ${seq}: replica ${prev[1]} committed ${prev[0].slice(0, 12)}, replica ${node.id} committed ${dh.slice(0, 12)}`);
      }
    }
    const d = decodeBatch(batch);
    if (!d.ok) node.undecodableCommitted++;
    else if (d.value.tauUs > node.maxTauUs) node.maxTauUs = d.value.tauUs;
    const buf = new Uint8Array(64);
    buf.set(node.chain);
    buf.set(digest, 32);
    node.chain = sha256(buf);
    if (seq % this.k === 0) {
      node.checkpointDigests.set(seq, node.chain);
      // Bounded like the engine: only recent checkpoints are kept for state transfer donors.
      for (const s of node.checkpointDigests.keys()) if (s < seq - 8 * this.k) node.checkpointDigests.delete(s);
      node.engine.checkpointState(seq, node.chain);
    }
  }

  /** Embedder-side state transfer: copy the state from a live correct replica that has it. */
  private serveStateTransfer(node: SimNode): void {
    const t = node.pendingTransfer;
    if (t === undefined || this.nowUs < t.atUs) return;
    const want = hex(t.stateDigest);
    const donor = this.nodes.find((d) => d !== node && d.correct && this.alive(d.id) && hex(d.checkpointDigests.get(t.seq) ?? new Uint8Array()) === want);
    if (donor === undefined) {
      t.atUs = this.nowUs + 1_000;
      return;
    }
    node.pendingTransfer = undefined;
    // The engine decides whether the state is proven; only then does the node adopt it.
    if (node.engine.installCheckpoint(t.seq, t.stateDigest, this.nowUs)) {
      for (const [s, d] of donor.history) if (s <= t.seq) node.history.set(s, d);
      node.chain = t.stateDigest;
      node.checkpointDigests.set(t.seq, t.stateDigest);
      node.lastSeq = t.seq;
      node.transfers++;
    } else {
      node.refusedTransfers++;
    }
    this.drainNode(node);
  }

  private forge(node: SimNode): void {
    const rate = node.faults.find((f): f is { kind: 'forge'; rate: number } => f.kind === 'forge')?.rate ?? 0;
    if (!this.rng.chance(rate)) return;
    const st = node.engine.status();
    const r = this.rng;
    const n = this.cfg.n;
    const other = (): number => (node.id + 1 + r.int(n - 1)) % n;
    const seq = st.lastExecuted + 1 + r.int(4);
    const fakePrepare = (view: number, s: number, digest: Uint8Array, replica: number): Prepare => ({
      view,
      seq: s,
      digest,
      replica,
      signature: r.bytes(64),
    });
    const sign = (this.cfg.crypto ?? fakeSigner(n)).sign(node.id);
    const batch = encodeBatch({ tauUs: this.nowUs + 7, writes: [], sync: null });
    let msg: PbftMessage;
    switch (r.int(12)) {
      case 0:
        msg = { kind: 'prepare', prepare: fakePrepare(st.view, seq, r.bytes(32), node.id) };
        break;
      case 1:
        msg = { kind: 'prepare', prepare: fakePrepare(st.view, seq, r.bytes(32), other()) };
        break;
      case 2:
        msg = { kind: 'commit', commit: { view: st.view, seq, digest: r.bytes(32) } };
        break;
      case 3:
        msg = { kind: 'prePrepare', prePrepare: { view: st.view, seq, batch } };
        break;
      case 4: {
        const s = (Math.floor(st.lastExecuted / this.k) + 1 + r.int(3)) * this.k;
        const cp: Checkpoint = { seq: s, stateDigest: r.bytes(32), replica: node.id, signature: new Uint8Array(64) };
        if (r.chance(0.5)) cp.signature = sign(checkpointSigningBytes(s, cp.stateDigest, node.id));
        msg = { kind: 'checkpoint', checkpoint: cp };
        break;
      }
      case 5:
      case 6: {
        // A signed ViewChange with fabricated certificates (prepares "from" others).
        const digest = sha256(batch);
        const prepared: PreparedProof[] = [
          {
            view: st.view,
            seq: st.lastExecuted + 1,
            batch,
            prepares: [other(), other(), other()].map((rep) => fakePrepare(st.view, st.lastExecuted + 1, digest, rep)),
          },
        ];
        const vc: ViewChange = {
          newView: st.view + 1 + r.int(2),
          stableSeq: r.chance(0.5) ? st.lowWatermark : st.lowWatermark + this.k,
          stableProof: [],
          prepared,
          maxTauUs: 2 ** 52,
          replica: node.id,
          signature: new Uint8Array(64),
        };
        vc.signature = sign(viewChangeSigningBytes(vc));
        msg = { kind: 'viewChange', viewChange: vc };
        break;
      }
      case 7: {
        const vc: ViewChange = {
          newView: 2 ** 40 + r.int(1000),
          stableSeq: 0,
          stableProof: [],
          prepared: [],
          maxTauUs: 0,
          replica: node.id,
          signature: r.bytes(64),
        };
        msg = { kind: 'viewChange', viewChange: vc };
        break;
      }
      case 8: {
        // A NewView for the next view this replica would lead, built from forged ViewChanges.
        let w = st.view + 1;
        while (primaryOf(w, n) !== node.id) w++;
        const vcs: ViewChange[] = [];
        for (let i = 0; i < 2 * this.cfg.f + 1; i++) {
          vcs.push({ newView: w, stableSeq: 0, stableProof: [], prepared: [], maxTauUs: 0, replica: (node.id + i) % n, signature: r.bytes(64) });
        }
        const nv: NewView = { view: w, viewChanges: vcs, prePrepares: [{ view: w, seq: st.lastExecuted + 1, batch }], replica: node.id, signature: new Uint8Array(64) };
        nv.signature = sign(newViewSigningBytes(nv));
        msg = { kind: 'newView', newView: nv };
        break;
      }
      case 9:
        msg = { kind: 'prepare', prepare: fakePrepare(st.view + 1 + r.int(5), seq + 1000, r.bytes(32), node.id) };
        break;
      case 10: {
        const old = node.received[r.int(Math.max(1, node.received.length))];
        msg = old ?? { kind: 'commit', commit: { view: st.view, seq: 0, digest: r.bytes(32) } };
        break;
      }
      default:
        msg = { kind: 'newView', newView: { view: st.view + 1, viewChanges: [], prePrepares: [], replica: other(), signature: r.bytes(64) } };
    }
    if (r.chance(0.5)) for (let i = 0; i < n; i++) this.transmit(node.id, i, msg);
    else this.transmit(node.id, other(), msg);
  }

  step(): void {
    const stepUs = this.cfg.stepUs ?? 250;
    this.nowUs += stepUs;
    for (;;) {
      const m = this.net.peek();
      if (m === undefined || m.atUs > this.nowUs) break;
      this.net.pop();
      if (!this.alive(m.to) || !this.alive(m.from)) continue;
      const node = this.nodes[m.to] as SimNode;
      if (node.has('forge') && node.received.length < 64) node.received.push(m.msg);
      node.engine.receive(m.from, m.msg, m.atUs);
      this.drainNode(node);
    }
    for (const node of this.nodes) {
      if (!this.alive(node.id)) continue;
      this.serveStateTransfer(node);
      node.engine.tick(this.nowUs);
      if (node.engine.canPropose() && this.nowUs >= node.nextBatchUs && !node.has('mute-primary')) {
        const batch = node.has('invalid-batches')
          ? new Uint8Array([0xff, 0xff, 0xff, node.id])
          : encodeBatch({ tauUs: this.nowUs, writes: [], sync: null });
        node.engine.propose(batch, this.nowUs);
        node.nextBatchUs = this.nowUs + (this.cfg.batchIntervalUs ?? 1_000);
      }
      if (node.has('forge')) this.forge(node);
      this.drainNode(node);
    }
  }

  liveCorrect(): SimNode[] {
    return this.nodes.filter((x) => x.correct && this.alive(x.id));
  }

  run(): SimResult {
    while (this.nowUs < this.cfg.durationUs) {
      this.step();
      if (this.cfg.stopAtSeq !== undefined && this.liveCorrect().every((x) => x.lastSeq >= (this.cfg.stopAtSeq ?? 0))) break;
    }
    const seqs = this.liveCorrect().map((x) => x.lastSeq);
    return {
      seed: this.cfg.seed,
      violations: this.violations,
      orderErrors: this.orderErrors,
      wireErrors: this.wireErrors,
      internalErrors: this.internal,
      nodes: this.nodes,
      endUs: this.nowUs,
      minCorrectSeq: seqs.length > 0 ? Math.min(...seqs) : 0,
      maxCorrectSeq: seqs.length > 0 ? Math.max(...seqs) : 0,
    };
  }
}

export function runSim(cfg: SimConfig): SimResult {
  return new Sim(cfg).run();
}

/** One line per run for assertion messages: the seed first, so a failure can be replayed. */
export function describe(r: SimResult): string {
  const nodes = r.nodes
    .map((x) => {
      const s = x.engine.status();
      return `r${x.id}${x.correct ? '' : `[${x.faults.map((f) => f.kind).join(',')}]`}: seq ${x.lastSeq} view ${s.view}/${s.phase}`;
    })
    .join('; ');
  const first = (xs: string[], k: number): string => JSON.stringify(xs.slice(0, k));
  return (
    `seed ${r.seed}: ${nodes}; violations ${first(r.violations, 3)}; order ${first(r.orderErrors, 3)}; ` +
    `wire ${first(r.wireErrors, 3)}; internal ${first(r.internalErrors, 1)}`
  );
}

// -------------------------------------------------------------------------------------------
// Lock-step cluster for unit tests: lossless FIFO delivery, explicit time, no randomness.
// -------------------------------------------------------------------------------------------

export function testOptions(n: number, f: number, self: number, overrides: Partial<PbftOptions> = {}): PbftOptions {
  const crypto = fakeSigner(n);
  return {
    n,
    f,
    self,
    digest: (b) => sha256(b),
    sign: crypto.sign(self),
    verify: crypto.verify,
    validateBatch: (batch) => (decodeBatch(batch).ok ? { ok: true } : { ok: false, reason: 'undecodable' }),
    nullBatch: NULL_BATCH,
    checkpointIntervalSeqs: 4,
    watermarkWindowSeqs: 8,
    viewChangeTimeoutUs: 10_000,
    ...overrides,
  };
}

export function batchAt(tauUs: number): Uint8Array {
  return encodeBatch({ tauUs, writes: [], sync: null });
}

export interface Sent {
  readonly from: number;
  readonly to: number;
  readonly msg: PbftMessage;
}

export class LockStep {
  readonly engines: PbftEngine[];
  readonly committed: { seq: number; digest: string }[][];
  readonly events: PbftEvent[][];
  /** Everything sent, in order (tests inspect it). */
  readonly sent: Sent[] = [];
  private queue: Sent[] = [];
  /** Return false to drop a message. */
  filter: (s: Sent) => boolean = () => true;
  /** The state digest each replica reports after a checkpoint seq (tests make one lie). */
  stateDigest: (replica: number, seq: number, batchDigestHex: string) => Uint8Array = (_r, seq, d) => sha256(enc.encode(`state-${seq}-${d}`));

  constructor(n: number, f: number, overrides: (self: number) => Partial<PbftOptions> = () => ({})) {
    this.engines = Array.from({ length: n }, (_, i) => new PbftEngine(testOptions(n, f, i, overrides(i))));
    this.committed = this.engines.map(() => []);
    this.events = this.engines.map(() => []);
  }

  /** Collects every engine's output into the queue (and the records). */
  collect(): void {
    this.engines.forEach((e, from) => this.collectFrom(e, from));
  }

  private collectFrom(e: PbftEngine, from: number): void {
    for (let again = true; again; ) {
      const ready = e.drain();
      // checkpointState produces output of its own: drain again after executing.
      again = ready.committed.length > 0;
      for (const c of ready.committed) {
        this.committed[from]?.push({ seq: c.seq, digest: hex(c.digest) });
        if (c.seq % 4 === 0) e.checkpointState(c.seq, this.stateDigest(from, c.seq, hex(c.digest)));
      }
      this.events[from]?.push(...ready.events);
      for (const m of ready.messages) {
        const targets = m.to === 'all' ? this.engines.map((_, i) => i).filter((i) => i !== from) : [m.to];
        for (const to of targets) {
          const s = { from, to, msg: m.msg };
          this.sent.push(s);
          if (this.filter(s)) this.queue.push(s);
        }
      }
    }
  }

  /** Delivers until quiet (bounded, so a livelock fails the test instead of hanging it). */
  run(nowUs: number, maxMessages = 100_000): void {
    this.collect();
    let delivered = 0;
    while (this.queue.length > 0 && delivered < maxMessages) {
      const batch = this.queue;
      this.queue = [];
      for (const s of batch) {
        this.engines[s.to]?.receive(s.from, s.msg, nowUs);
        delivered++;
      }
      this.collect();
    }
  }

  tickAll(nowUs: number): void {
    for (const e of this.engines) e.tick(nowUs);
    this.run(nowUs);
  }

  inject(from: number, to: number, msg: PbftMessage, nowUs: number): void {
    this.engines[to]?.receive(from, msg, nowUs);
    this.run(nowUs);
  }
}
