/**
 * The discrete-event simulator: real replicas (or a test double) driven by simulated time,
 * clocks and network, with faults injected around them and checkers watching from outside.
 *
 * One agenda (EventQueue) holds every future action: frame deliveries, replica ticks, writer
 * and reader activations, fault activations, partitions, the heal, periodic sampling. Each
 * replica call (write, read, receive, tick) is followed by draining its `Ready`: frames go to
 * the network (through the Byzantine wrapper when the node is faulty), events go to the
 * checkers (only those of non-Byzantine nodes), and the next tick is scheduled at the true time
 * at which the replica's own clock reaches `nextTickUs`.
 */
import type { KvsErrorCode, Replica, ReplicaEvent, Value, WriteIntent } from '@bftkvs/core';
import { agreedSizing, valueToWire } from '@bftkvs/core';
import { CLIENT_INDEX_BASE } from '@bftkvs/msgs';
import type { CheckerSet, Violation } from './checkers/index.js';
import { createCheckers } from './checkers/index.js';
import type { CheckerName, Observation } from './checkers/types.js';
import { SimClock } from './clock.js';
import { EventQueue } from './eventQueue.js';
import type { FaultKind, FrameCraft, NodeFault } from './faults.js';
import { equivocateFrame, forgeFrame, isByzantineKind, isProtocolFrame, mutateFrame } from './faults.js';
import type { WriteRecord } from './history.js';
import { History, slotId } from './history.js';
import { Network } from './network.js';
import type { StallSpec } from './network.js';
import type { Prng } from './prng.js';
import type { ReplicaFactory } from './replicaFactory.js';
import type { Scenario } from './scenario.js';
import { measured, targetPublishTime, wrongValue } from './workload.js';
import type { WriterSpec } from './workload.js';

const EV_DELIVER = 1;
const EV_TICK = 2;
const EV_WRITE = 3;
const EV_READ = 4;
const EV_FAULT = 5;
const EV_RESTART = 6;
const EV_PARTITION_START = 7;
const EV_PARTITION_END = 8;
const EV_HEAL = 9;
const EV_SAMPLE = 10;
const EV_STALL = 11;

/** How often memory is sampled and checkers finalise old slots. */
const SAMPLE_PERIOD_US = 50_000;
/** A run processing more events than this has a runaway replica (e.g. ticking every µs). */
const MAX_EVENTS = 20_000_000;
/** Outgoing frames a Byzantine node remembers for replays. */
const BYZ_RING = 32;

export interface SimStats {
  slotsPublished: number;
  slotsAgreed: number;
  repairs: number;
  faultsInjected: Partial<Record<FaultKind, number>>;
  deadlineMisses: number;
  /** Frames the `forge` fault made that reached the non-Byzantine replica they were addressed to, and how many it refused. */
  forgedDelivered: number;
  forgedRefused: number;
  framesSent: number;
  framesDelivered: number;
  framesDropped: number;
  assumptionViolations: number;
  writesAccepted: number;
  writesRejected: number;
  reads: number;
  events: number;
  simulatedUs: number;
  peakMemory: Record<string, number>;
}

interface ByzantineState {
  readonly fault: NodeFault;
  active: boolean;
  readonly rng: Prng;
  readonly ring: (Uint8Array | undefined)[];
  readonly ringTo: number[];
  ringNext: number;
}

class SimNode {
  readonly id: number;
  readonly clock: SimClock;
  /** One replica, or two for twins; undefined while down. */
  copies: (Replica | undefined)[];
  incarnation = 1;
  up = true;
  byz: ByzantineState | undefined;
  /** True time of the pending tick per copy (stale tick events are skipped). */
  readonly tickAt: number[];
  /** Its event loop is held until this true time (a stall): nothing is read, no timer runs. */
  stalledUntilUs = -1;

  constructor(id: number, clock: SimClock, copies: number) {
    this.id = id;
    this.clock = clock;
    this.copies = new Array<Replica | undefined>(copies).fill(undefined);
    this.tickAt = new Array<number>(copies).fill(-1);
  }
}

export interface SimulatorOptions {
  readonly scenario: Scenario;
  readonly factory: ReplicaFactory;
  readonly craft?: FrameCraft;
  readonly trace?: (line: string) => void;
  /** Appended to every violation message: the seed and the replay command. */
  readonly replayHint: string;
}

export class Simulator {
  private readonly s: Scenario;
  private readonly factory: ReplicaFactory;
  private readonly craft: FrameCraft | undefined;
  private readonly trace: ((line: string) => void) | undefined;
  private readonly replayHint: string;
  private readonly queue = new EventQueue<Uint8Array>();
  private readonly nodes: SimNode[] = [];
  private readonly network: Network;
  readonly history: History;
  readonly checkers: CheckerSet;
  readonly violations: Violation[] = [];
  private now = 0;
  private readonly lastWriteT: number[];
  private readonly published = new Set<string>();
  /** Frames the `forge` fault made, with the replica each was addressed to (authentication checker). */
  private readonly forgedFrames = new WeakMap<Uint8Array, { readonly to: number; readonly claimedFrom: number }>();
  private readonly agreed = new Set<string>();
  private readonly stats: SimStats;
  /** Highest view announced by a correct replica, and its primary. */
  private maxView = -1;
  private primary = 0;
  /** Agreed mode: a disruption (primary fault) waiting for the view change that ends it. */
  private disruptionFromUs: number | undefined;
  /** Agreed mode: the PBFT retransmission interval (how soon a primary repairs an omission). */
  private readonly retransmitUs: number;
  /** One hop within the assumptions: Δ + π + ε. */
  private readonly hopUs: number;

  constructor(o: SimulatorOptions) {
    this.s = o.scenario;
    this.factory = o.factory;
    this.craft = o.craft;
    this.trace = o.trace;
    this.replayHint = o.replayHint;
    const s = this.s;
    this.history = new History({
      config: s.config,
      fuse: s.fuse,
      byzantine: s.faults.byzantine,
      recoveryUs: s.recoveryUs,
      startUs: s.startUs,
      healUs: s.healUs,
      endUs: s.endUs,
    });
    this.checkers = createCheckers({ history: this.history, report: (c, m, at) => this.report(c, m, at) });
    for (let i = 0; i < s.replicas; i++) {
      const clock = new SimClock({ ...s.clock, startUs: s.startUs }, s.rng.clocks.fork());
      this.nodes.push(new SimNode(i, clock, s.faults.twinned[i] === true ? 2 : 1));
    }
    for (const nf of s.faults.nodes) {
      if (!nf.kinds.some(isByzantineKind)) continue;
      const node = this.nodes[nf.node] as SimNode;
      node.byz = { fault: nf, active: false, rng: s.rng.faults.fork(), ring: new Array<Uint8Array | undefined>(BYZ_RING).fill(undefined), ringTo: new Array<number>(BYZ_RING).fill(0), ringNext: 0 };
    }
    this.network = new Network({
      n: s.replicas,
      profile: s.network,
      rng: s.rng.network,
      twinned: s.faults.twinned,
      ...(s.faults.sides === undefined ? {} : { twinSides: s.faults.sides }),
      hooks: {
        deliver: (at, to, copy, bytes) => this.queue.push(at, EV_DELIVER, to, copy, bytes),
        isByzantine: (node) => this.history.isByzantine(node),
        isUp: (node) => this.nodes[node]?.up === true,
        violation: (from, to, fromUs, toUs) => this.history.addAssumptionViolation(from, to, fromUs, toUs),
      },
    });
    this.retransmitUs = s.mode === 'agreed' ? agreedSizing(s.config).retransmitIntervalUs : 0;
    this.hopUs = s.config.timing.networkDelayUs + s.config.timing.processingUs + s.config.timing.clockSkewUs;
    this.lastWriteT = new Array<number>(s.workload.writers.length).fill(-1);
    this.stats = {
      slotsPublished: 0,
      slotsAgreed: 0,
      repairs: 0,
      faultsInjected: {},
      deadlineMisses: 0,
      forgedDelivered: 0,
      forgedRefused: 0,
      framesSent: 0,
      framesDelivered: 0,
      framesDropped: 0,
      assumptionViolations: 0,
      writesAccepted: 0,
      writesRejected: 0,
      reads: 0,
      events: 0,
      simulatedUs: 0,
      peakMemory: {},
    };
  }

  /** Runs the scenario to its end and returns the violations and statistics. */
  run(): { violations: Violation[]; stats: SimStats } {
    const s = this.s;
    const q = this.queue;
    this.now = s.startUs;
    this.traceLine(-1, `start: mode=${s.mode} f=${s.f} N=${s.replicas} faults=${s.faultsOption} lead=${s.config.timing.leadUs}µs Δ=${s.config.timing.networkDelayUs}µs ε=${s.config.timing.clockSkewUs}µs π=${s.config.timing.processingUs}µs`);
    for (const nf of s.faults.nodes) this.traceLine(nf.node, `planned fault ${nf.kinds.join('+')} at ${ms(nf.startUs)}${nf.restartUs === undefined ? '' : `, restart at ${ms(nf.restartUs)}`}`);
    for (const node of this.nodes) {
      for (let c = 0; c < node.copies.length; c++) node.copies[c] = this.create(node.id, node.incarnation);
    }
    for (let w = 0; w < s.workload.writers.length; w++) {
      const spec = s.workload.writers[w] as WriterSpec;
      q.push(s.startUs + spec.phaseUs, EV_WRITE, w, 0);
    }
    for (const node of this.nodes) q.push(s.startUs + s.rng.workload.int(0, s.workload.readPeriodUs - 1), EV_READ, node.id, 0);
    s.faults.nodes.forEach((nf, i) => {
      q.push(s.startUs + nf.startUs, EV_FAULT, i, 0);
      if (nf.restartUs !== undefined) q.push(s.startUs + nf.restartUs, EV_RESTART, nf.node, 0);
    });
    s.network.partitions.forEach((p, i) => {
      q.push(s.startUs + p.startUs, EV_PARTITION_START, i, 0);
      q.push(s.startUs + p.endUs, EV_PARTITION_END, i, 0);
    });
    s.network.stalls.forEach((st, i) => q.push(s.startUs + st.startUs, EV_STALL, i, 0));
    q.push(s.healUs, EV_HEAL, 0, 0);
    for (let t = s.startUs + SAMPLE_PERIOD_US; t <= s.endUs; t += SAMPLE_PERIOD_US) q.push(t, EV_SAMPLE, 0, 0);
    for (const node of this.nodes) {
      for (let c = 0; c < node.copies.length; c++) this.tick(node, c);
    }

    let events = 0;
    while (q.peekTime() <= s.endUs && q.pop()) {
      if (++events > MAX_EVENTS) {
        this.report('robustness', `more than ${MAX_EVENTS} simulator events: a replica keeps asking for ticks or frames without end`, this.now);
        break;
      }
      this.now = q.time;
      switch (q.kind) {
        case EV_DELIVER: {
          const node = this.nodes[q.a];
          // A held event loop reads the datagram when it resumes, in arrival order.
          if (node !== undefined && node.stalledUntilUs > q.time) q.push(node.stalledUntilUs, EV_DELIVER, q.a, q.b, q.payload);
          else this.deliver(q.a, q.b, q.payload as Uint8Array);
          break;
        }
        case EV_TICK: {
          const node = this.nodes[q.a] as SimNode;
          if (node.up && node.tickAt[q.b] === q.time && node.stalledUntilUs > q.time) {
            // The timer runs after the datagrams that arrived during the stall (the driver's order).
            node.tickAt[q.b] = node.stalledUntilUs + 1;
            q.push(node.stalledUntilUs + 1, EV_TICK, q.a, q.b);
          } else if (node.up && node.tickAt[q.b] === q.time) {
            node.tickAt[q.b] = -1;
            this.tick(node, q.b);
          }
          break;
        }
        case EV_WRITE:
          this.writerFires(q.a);
          break;
        case EV_READ:
          this.readerFires(q.a);
          break;
        case EV_FAULT:
          this.activate(s.faults.nodes[q.a] as NodeFault);
          break;
        case EV_RESTART:
          this.restart(q.a);
          break;
        case EV_PARTITION_START: {
          const p = s.network.partitions[q.a];
          if (p !== undefined && !this.network.isHealed) {
            this.network.setPartition(p.sides);
            this.history.recordPartition(p.sides, this.s.startUs + p.startUs, this.s.startUs + p.endUs);
            this.bump('partition');
            this.traceLine(-1, `partition: {${sideList(p.sides, 0)}} | {${sideList(p.sides, 1)}} until ${ms(p.endUs)}`);
          }
          break;
        }
        case EV_PARTITION_END:
          this.network.setPartition(undefined);
          this.traceLine(-1, 'partition healed');
          break;
        case EV_STALL:
          this.stall(s.network.stalls[q.a] as StallSpec);
          break;
        case EV_HEAL:
          this.network.heal();
          this.traceLine(-1, 'heal: network back within its assumptions (liveness phase)');
          break;
        case EV_SAMPLE:
          this.sample();
          break;
        default:
          throw new Error(`unknown event kind ${q.kind}`);
      }
    }
    this.now = s.endUs;
    if (this.disruptionFromUs !== undefined) this.history.disruptions.add(this.disruptionFromUs, s.endUs);
    for (const c of this.checkers.all) c.advance?.(s.endUs);
    for (const c of this.checkers.all) c.finish?.(s.endUs);
    const ns = this.network.stats;
    const st = this.stats;
    st.events = events;
    st.simulatedUs = s.endUs - s.startUs;
    st.framesSent = ns.framesSent;
    st.framesDropped = ns.framesDropped;
    st.assumptionViolations = ns.assumptionViolations;
    if (ns.framesReplayed > 0) st.faultsInjected['net-replay'] = ns.framesReplayed;
    st.deadlineMisses = this.checkers.timeliness.deadlineMisses;
    st.forgedDelivered = this.checkers.authentication.delivered;
    st.forgedRefused = this.checkers.authentication.refused;
    st.slotsPublished = this.published.size;
    st.slotsAgreed = this.agreed.size;
    st.reads = this.checkers.freshness.reads;
    st.peakMemory = { ...this.checkers.memory.peak };
    this.traceLine(-1, `end: ${st.slotsPublished} slots published, ${st.slotsAgreed} agreed, ${st.repairs} repairs, ${st.deadlineMisses} deadline misses, ${this.violations.length} violations`);
    return { violations: this.violations, stats: st };
  }

  // --- Replica calls ---------------------------------------------------------------------

  private create(id: number, incarnation: number): Replica | undefined {
    try {
      return this.factory(id, incarnation);
    } catch (e) {
      throw new Error(`cannot create replica ${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Ticks a replica with its clock's reading, then drains its outputs. */
  private tick(node: SimNode, copy: number): void {
    const r = node.copies[copy];
    if (r === undefined || !node.up) return;
    const local = node.clock.localAt(this.now);
    try {
      r.tick(local);
    } catch (e) {
      this.replicaThrew(node, e);
      return;
    }
    this.drain(node, copy, r, local);
  }

  /** Hands a datagram to a replica, then drains its outputs. */
  private receive(node: SimNode, copy: number, bytes: Uint8Array): void {
    const r = node.copies[copy];
    if (r === undefined || !node.up) return;
    const local = node.clock.localAt(this.now);
    // A forged frame reaching the replica it was addressed to (the network may replay it
    // elsewhere, where it fails the destination check first) must fail the MAC check.
    const forged = this.forgedFrames.get(bytes);
    const judged = forged !== undefined && forged.to === node.id && !this.history.isByzantine(node.id);
    const badMacBefore = judged ? badMacCount(r, local) : 0;
    try {
      r.receive(bytes, local);
    } catch (e) {
      this.replicaThrew(node, e);
      return;
    }
    if (judged) {
      const refused = badMacCount(r, local) > badMacBefore;
      this.checkers.authentication.onForgedDelivery({ node: node.id, claimedFrom: forged.claimedFrom, refused, trueUs: this.now });
    }
    this.drain(node, copy, r, local);
  }

  private replicaThrew(node: SimNode, e: unknown): void {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    if (!this.history.isByzantine(node.id)) this.report('robustness', `replica ${node.id} threw: ${msg}`, this.now);
    // A replica that throws is treated as crashed from here on.
    node.up = false;
    node.copies.fill(undefined);
    this.history.nodeDown(node.id, this.now);
  }

  private drain(node: SimNode, copy: number, r: Replica, local: number): void {
    let ready;
    try {
      ready = r.ready();
    } catch (e) {
      this.replicaThrew(node, e);
      return;
    }
    for (const f of ready.frames) this.send(node, copy, f.to, f.bytes);
    if (ready.events.length > 0) this.observe(node, copy, local, ready.events);
    const next = ready.nextTickUs;
    if (Number.isNaN(next)) {
      this.report('robustness', `replica ${node.id} returned nextTickUs = NaN`, this.now);
      return;
    }
    if (next === Number.POSITIVE_INFINITY) return;
    let at = next <= local ? this.now + 1 : node.clock.trueAtLocal(next, this.now);
    if (at <= this.now) at = this.now + 1;
    if (at > this.s.endUs) return;
    node.tickAt[copy] = at;
    this.queue.push(at, EV_TICK, node.id, copy);
  }

  private observe(node: SimNode, copy: number, local: number, events: readonly ReplicaEvent[]): void {
    const byz = this.history.isByzantine(node.id);
    if (this.trace !== undefined) for (const e of events) this.traceLine(node.id, describeEvent(e, this.s.startUs), copy, byz);
    if (byz) return;
    const obs: Observation = { node: node.id, incarnation: node.incarnation, trueUs: this.now, localUs: local };
    for (const e of events) {
      switch (e.kind) {
        case 'published':
          this.published.add(slotId(e.slot.key, e.slot.publishTimeUs));
          if (e.slot.agreed) this.agreed.add(slotId(e.slot.key, e.slot.publishTimeUs));
          break;
        case 'agreed':
          this.agreed.add(slotId(e.slot.key, e.slot.publishTimeUs));
          break;
        case 'repaired':
          this.stats.repairs++;
          break;
        case 'view':
          this.onView(e.view, e.primary);
          break;
        default:
          break;
      }
    }
    for (const c of this.checkers.all) c.onEvents?.(obs, events);
  }

  private onView(view: number, primary: number): void {
    if (view <= this.maxView) return;
    const jump = view - Math.max(0, this.maxView);
    this.maxView = view;
    this.primary = primary;
    if (this.s.mode !== 'agreed') return;
    // A view change means the protocol was disrupted since about a timeout before it (the
    // backups waited that long) — deadlines in that window may be missed legitimately. A jump
    // of j views means j − 1 failed view changes first, each waiting twice as long as the one
    // before (the engine's back-off): VC·(1 + 2 + ... + 2^(j−1)) < VC·2^j in all.
    const t = this.s.config.timing;
    const waitedUs = t.viewChangeTimeoutUs * 2 ** Math.min(Math.max(jump, 1), 10);
    const from = this.disruptionFromUs ?? this.now - waitedUs - t.leadUs - this.hopUs;
    this.history.disruptions.add(from, this.now + t.leadUs + 2 * this.hopUs);
    this.disruptionFromUs = undefined;
    // A primary that can misorder on purpose disrupts its whole view, as a crashed or silent one
    // does: a twinned primary feeds each side its own batches, so a correct replica on the
    // wrong side cannot decide until the view changes (it leaves alone; the others follow it
    // after the rejoin delay of 2 timeouts). PBFT bounds how long such a view lasts, not what
    // the primary delays meanwhile.
    const p = this.nodes[primary];
    if (p?.byz?.active === true && p.byz.fault.kinds.some((k) => k === 'twins' || k === 'silent-primary' || k === 'slow-primary')) {
      this.disruptionFromUs = this.now;
    }
  }

  // --- Network ---------------------------------------------------------------------------

  private send(node: SimNode, copy: number, to: number, bytes: Uint8Array): void {
    if (!Number.isInteger(to) || to < 0) {
      this.report('robustness', `replica ${node.id} sent a frame to invalid index ${to}`, this.now);
      return;
    }
    if (to >= this.s.replicas) {
      // Client endpoints are not simulated (applications call the replica directly).
      if (to >= CLIENT_INDEX_BASE) return;
      if (!this.history.isByzantine(node.id)) this.report('robustness', `replica ${node.id} sent a frame to replica ${to}, but N = ${this.s.replicas}`, this.now);
      return;
    }
    const byz = node.byz;
    if (byz === undefined || !byz.active) {
      this.network.send(node.id, copy, to, bytes, this.now);
      return;
    }
    this.byzantineSend(node, byz, copy, to, bytes);
  }

  private byzantineSend(node: SimNode, byz: ByzantineState, copy: number, to: number, bytes: Uint8Array): void {
    const f = byz.fault;
    const rng = byz.rng;
    let extra = 0;
    let out = bytes;
    const kinds = f.kinds;
    if ((kinds.includes('silent-primary') || kinds.includes('slow-primary')) && this.primary === node.id && isProtocolFrame(bytes)) {
      if (kinds.includes('silent-primary')) {
        this.traceLine(node.id, `silent primary drops a protocol frame to ${to}`, copy, true);
        return;
      }
      extra = f.slowDelayUs;
      this.traceLine(node.id, `slow primary delays a protocol frame to ${to} by ${extra} µs`, copy, true);
    }
    if (kinds.includes('equivocate') && this.craft !== undefined && this.s.faults.sides?.[to] === 1) {
      const crafted = equivocateFrame(out, node.id, this.craft, (w) => {
        const schema = this.s.config.keys.get(w.key);
        if (schema === undefined) return w;
        return { ...w, value: valueToWire(schema.type, wrongValue(w.key, w.publishTimeUs - this.s.startUs, 1)) };
      });
      if (crafted !== undefined) {
        out = crafted;
        this.traceLine(node.id, `equivocates: sends a re-authenticated different value to ${to}`, copy, true);
      }
    }
    if (kinds.includes('mutate') && rng.chance(f.mutateP)) {
      out = mutateFrame(out, rng, this.craft);
      this.bump('mutate');
      // A primary's damaged protocol frame is an omission only the primary can repair (pre-prepares
      // are not transferable: MACs, not signatures), and PBFT bounds how long a faulty primary
      // keeps its view, not what it delays meanwhile: the slots it holds up until its next
      // retransmission may miss their deadlines legitimately.
      if (this.s.mode === 'agreed' && this.primary === node.id && isProtocolFrame(bytes) && !this.history.isByzantine(to)) {
        this.history.disruptions.add(this.now, this.now + 2 * this.retransmitUs + this.s.config.timing.leadUs + 2 * this.hopUs);
      }
      this.traceLine(node.id, `mutates a frame to ${to} (${bytes.length} -> ${out.length} bytes)`, copy, true);
    }
    this.network.send(node.id, copy, to, out, this.now, extra);
    if (kinds.includes('replay') && rng.chance(f.replayP)) {
      const i = rng.int(0, BYZ_RING - 1);
      const old = byz.ring[i];
      if (old !== undefined) {
        this.bump('replay');
        const target = rng.chance(0.7) ? (byz.ringTo[i] as number) : rng.int(0, this.s.replicas - 1);
        this.traceLine(node.id, `replays an old frame to ${target}`, copy, true);
        this.network.send(node.id, copy, target, old, this.now);
      }
    }
    if (kinds.includes('forge') && rng.chance(f.forgeP) && this.s.replicas > 2) {
      let claimed = rng.int(0, this.s.replicas - 1);
      if (claimed === node.id || claimed === to) claimed = (claimed + 1) % this.s.replicas;
      if (claimed !== node.id && claimed !== to) {
        const forged = forgeFrame(bytes, claimed);
        if (forged !== undefined) {
          this.forgedFrames.set(forged, { to, claimedFrom: claimed });
          this.bump('forge');
          this.traceLine(node.id, `forges a frame to ${to} claiming to be ${claimed}`, copy, true);
          this.network.send(node.id, copy, to, forged, this.now);
        }
      }
    }
    byz.ring[byz.ringNext] = bytes;
    byz.ringTo[byz.ringNext] = to;
    byz.ringNext = (byz.ringNext + 1) % BYZ_RING;
  }

  /**
   * Holds a node's event loop until the stall ends. Every frame into or out of it in that time
   * misses π (an assumption violation, recorded per link as the network does for late frames).
   */
  private stall(st: StallSpec): void {
    const node = this.nodes[st.node];
    if (node === undefined || !node.up) return;
    const untilUs = this.s.startUs + st.endUs;
    node.stalledUntilUs = Math.max(node.stalledUntilUs, untilUs);
    const t = this.s.config.timing;
    const lateUntilUs = untilUs + t.networkDelayUs + t.processingUs;
    for (let other = 0; other < this.s.replicas; other++) {
      if (other === st.node) continue;
      this.history.addAssumptionViolation(other, st.node, this.now, lateUntilUs);
      this.history.addAssumptionViolation(st.node, other, this.now, lateUntilUs);
    }
    this.bump('stall');
    this.traceLine(st.node, `stall: event loop held until ${ms(st.endUs)}`);
  }

  private deliver(to: number, copy: number, bytes: Uint8Array): void {
    const node = this.nodes[to];
    if (node === undefined || !node.up || node.copies[copy] === undefined) return;
    this.stats.framesDelivered++;
    this.receive(node, copy, bytes);
  }

  // --- Applications ----------------------------------------------------------------------

  private writerFires(w: number): void {
    const s = this.s;
    const spec = s.workload.writers[w] as WriterSpec;
    this.queue.push(this.now + spec.periodUs, EV_WRITE, w, 0);
    const node = this.nodes[spec.host] as SimNode;
    // The application shares the held event loop: it does not run during a stall.
    if (!node.up || node.stalledUntilUs > this.now) return;
    const rng = s.rng.workload;
    const { leadUs, horizonUs } = s.config.timing;
    const byz = node.byz;
    for (let copy = 0; copy < node.copies.length; copy++) {
      const r = node.copies[copy];
      if (r === undefined) continue;
      const local = node.clock.localAt(this.now);
      let t: number;
      let deliberate = false;
      if (rng.chance(s.workload.tooLateP)) {
        t = targetPublishTime(spec, local, 1, 0);
        deliberate = t - local < leadUs;
        if (!deliberate) continue;
      } else if (rng.chance(s.workload.tooFarP)) {
        t = targetPublishTime(spec, local, horizonUs + 1, 0);
        deliberate = true;
      } else {
        const slack = rng.chance(s.workload.slackP) ? rng.int(0, spec.periodUs >> 1) : 0;
        t = targetPublishTime(spec, local, leadUs, slack);
        if (t <= (this.lastWriteT[w] as number) && copy === 0) continue;
      }
      const rel = t - s.startUs;
      let value: Value = measured(spec, rel, rng);
      const lying = byz !== undefined && byz.active && byz.fault.kinds.includes('wrong-value');
      if (lying) value = wrongValue(spec.key, rel, 0);
      if (copy === 1) value = wrongValue(spec.key, rel, 1);
      const intent: WriteIntent = { key: spec.key, writer: spec.id, publishTimeUs: t, value };
      let accepted = false;
      let code: KvsErrorCode | undefined;
      try {
        const res = r.write(intent, local);
        accepted = res.ok;
        if (!res.ok) code = res.error.code;
      } catch (e) {
        this.replicaThrew(node, e);
        return;
      }
      if (accepted && !deliberate && copy === 0) this.lastWriteT[w] = t;
      if (accepted) this.stats.writesAccepted++;
      else this.stats.writesRejected++;
      const rec: WriteRecord = {
        writer: spec.id,
        key: spec.key,
        host: node.id,
        copy,
        publishTimeUs: t,
        value,
        trueUs: this.now,
        localUs: local,
        accepted,
        code,
        faulty: this.history.isByzantine(node.id),
      };
      this.history.recordWrite(rec);
      for (const c of this.checkers.all) c.onWrite?.(rec);
      if (this.trace !== undefined) {
        this.traceLine(node.id, `write ${spec.id} ${spec.key}@${ms(rel)} = ${fmtValue(value)} (lead ${t - local} µs): ${accepted ? 'accepted' : `rejected ${code ?? ''}`}`, copy, rec.faulty);
      }
      this.drain(node, copy, r, local);
    }
  }

  private readerFires(n: number): void {
    const s = this.s;
    const node = this.nodes[n] as SimNode;
    this.queue.push(this.now + s.workload.readPeriodUs, EV_READ, n, 0);
    if (!node.up || this.history.isByzantine(n) || node.stalledUntilUs > this.now) return;
    const rng = s.rng.workload;
    // Let due ticks run first, so the replica's announcements are never behind what a read sees.
    this.tick(node, 0);
    const local = node.clock.localAt(this.now);
    for (const [key, schema] of s.config.keys) {
      const r = node.copies[0];
      if (r === undefined || !node.up) return;
      const earliest = rng.chance(0.1) ? local + schema.grid.periodUs : local - rng.int(0, 4 * schema.grid.periodUs);
      let result;
      try {
        result = r.read(key, earliest, local);
      } catch (e) {
        this.replicaThrew(node, e);
        return;
      }
      const rec = { node: n, incarnation: node.incarnation, key, earliestUs: earliest, localUs: local, trueUs: this.now, result };
      for (const c of this.checkers.all) c.onRead?.(rec);
    }
  }

  // --- Faults ----------------------------------------------------------------------------

  private activate(nf: NodeFault): void {
    const node = this.nodes[nf.node] as SimNode;
    for (const k of nf.kinds) if (k !== 'mutate' && k !== 'replay' && k !== 'forge') this.bump(k);
    this.traceLine(node.id, `fault: ${nf.kinds.join('+')}`);
    const main = nf.kinds[0];
    if (main === 'crash' || main === 'restart') {
      if (this.s.mode === 'agreed' && this.primary === node.id && this.disruptionFromUs === undefined) this.disruptionFromUs = this.now;
      node.up = false;
      node.copies.fill(undefined);
      node.tickAt.fill(-1);
      this.history.nodeDown(node.id, this.now);
      return;
    }
    if (node.byz !== undefined) node.byz.active = true;
    if (this.s.mode === 'agreed' && (main === 'silent-primary' || main === 'slow-primary') && this.primary === node.id && this.disruptionFromUs === undefined) {
      this.disruptionFromUs = this.now;
    }
  }

  private restart(n: number): void {
    const node = this.nodes[n] as SimNode;
    if (node.up) return;
    node.incarnation++;
    node.up = true;
    // A new process: the old one's held event loop is gone with it.
    node.stalledUntilUs = -1;
    this.history.nodeUp(n, this.now);
    for (let c = 0; c < node.copies.length; c++) node.copies[c] = this.create(n, node.incarnation);
    for (const c of this.checkers.all) c.onRestart?.(n, node.incarnation, this.now);
    this.traceLine(n, `restart as incarnation ${node.incarnation} (empty state)`);
    for (let c = 0; c < node.copies.length; c++) this.tick(node, c);
  }

  private sample(): void {
    for (const node of this.nodes) {
      if (!node.up || this.history.isByzantine(node.id)) continue;
      const r = node.copies[0];
      if (r === undefined) continue;
      try {
        this.checkers.memory.onMemory(node.id, r.memory(), this.now);
      } catch (e) {
        this.replicaThrew(node, e);
      }
    }
    for (const c of this.checkers.all) c.advance?.(this.now);
    // Ground truth older than every checker's window is no longer needed (bounded memory
    // for long runs); the liveness window is kept whole.
    this.history.forgetSlotsBefore(Math.min(this.now - 6_000_000, this.s.healUs));
  }

  private bump(kind: FaultKind): void {
    this.stats.faultsInjected[kind] = (this.stats.faultsInjected[kind] ?? 0) + 1;
  }

  private report(checker: CheckerName, message: string, atUs: number): void {
    const v: Violation = { checker, message: `${message} — ${this.replayHint}`, atUs: atUs - this.s.startUs };
    this.violations.push(v);
    if (this.trace !== undefined) this.traceLine(-1, `VIOLATION [${checker}] ${message}`);
  }

  private traceLine(node: number, text: string, copy = 0, byzantine = false): void {
    if (this.trace === undefined) return;
    const who = node < 0 ? 'sim ' : `n${node}${copy > 0 ? "'" : ' '}${byzantine ? '*' : ' '}`.padEnd(4);
    this.trace(`${ms(this.now - this.s.startUs).padStart(12)}  ${who} ${text}`);
  }
}

/** How many frames the replica refused for a bad MAC so far (from its health counters). */
function badMacCount(r: Replica, localUs: number): number {
  return r.health(localUs).counters.find((c) => c.name === 'channel.rejected.bad-mac')?.value ?? 0;
}

function ms(relUs: number): string {
  return `${(relUs / 1000).toFixed(3)}ms`;
}

function sideList(sides: readonly number[], side: number): string {
  return sides
    .map((s, i) => (s === side ? i : -1))
    .filter((i) => i >= 0)
    .join(',');
}

function fmtValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(',')}]`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function describeEvent(e: ReplicaEvent, startUs: number): string {
  const at = (t: number): string => ms(t - startUs);
  switch (e.kind) {
    case 'published':
    case 'agreed':
      return `${e.kind} ${e.slot.key}@${at(e.slot.publishTimeUs)} = ${fmtValue(e.slot.value)} from ${e.slot.contributions.map((c) => c.writer).join(',')}${e.kind === 'published' && e.slot.agreed ? ' (agreed)' : ''}`;
    case 'repaired':
      return `repaired ${e.key}@${at(e.publishTimeUs)}: ${e.before === undefined ? 'none' : fmtValue(e.before.value)} -> ${e.after === undefined ? 'none' : fmtValue(e.after.value)}`;
    case 'missed':
      return `missed ${e.key}@${at(e.publishTimeUs)}: ${e.reason}`;
    case 'suspect':
      return `suspects ${e.node}: ${e.reason} (${e.detail})`;
    case 'equivocation':
      return `equivocation by ${e.writer} (origin ${e.origin}) on ${e.key}@${at(e.publishTimeUs)}`;
    case 'view':
      return `view ${e.view}, primary ${e.primary}`;
    case 'state-transfer':
      return `state transfer ${e.phase} (${e.slots} slots)`;
  }
}
