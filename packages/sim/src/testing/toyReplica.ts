/**
 * A test double of a replica, for testing the simulator itself (and for `bftkvs sim --replica
 * toy`). It implements the real `Replica` contract on top of the core's real `SlotStore`:
 * writes are broadcast in real wire frames (and, with `relay`, flooded for f+1 hops as crash
 * mode does); each replica publishes what it received when its clock reaches the publish time.
 * Its "MAC" is a keyless checksum: it detects mutated and forged frames, not a real adversary.
 * There is no synchronisation, so it is only correct on a network within its assumptions and
 * with crash faults — exactly what the simulator's own tests need.
 */
import type { AdmittedWrite, ClusterConfig, FuseRegistry, MemoryFootprint, OutboundFrame, PublishedSlot, Ready, Replica, ReplicaEvent, Result, WriteIntent } from '@bftkvs/core';
import { SlotStore, clusterIdOf, valueFromWire, valueToWire } from '@bftkvs/core';
import type { ReplicaHealth, Write } from '@bftkvs/msgs';
import { MAC_BYTES, WIRE_VERSION, decodeBody, decodeFrame, decodeWrite, encodeBody, encodeFrame, encodeWrite, frameMacInput } from '@bftkvs/msgs';
import type { ReplicaProvider } from '../replicaFactory.js';

export interface ToyReplicaOptions {
  /** Mark slots agreed when published (sound only without loss, partitions or Byzantine writers). */
  readonly agreeOnPublish?: boolean;
  /** Flood writes for f+1 hops (crash tolerance). */
  readonly relay?: boolean;
  /** Deliberate bug for checker tests: publish this much after the publish time. */
  readonly publishLateUs?: number;
}

const IDLE_TICK_US = 50_000;

function toyMac(head: Parameters<typeof frameMacInput>[0]): Uint8Array {
  const input = frameMacInput(head);
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) h = Math.imul(h ^ (input[i] as number), 0x01000193) >>> 0;
  const mac = new Uint8Array(MAC_BYTES);
  for (let i = 0; i < MAC_BYTES; i++) mac[i] = (h >>> ((i % 4) * 8)) & 0xff;
  return mac;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ToyReplica implements Replica {
  readonly id: number;
  private readonly config: ClusterConfig;
  private readonly store: SlotStore;
  private readonly incarnation: number;
  private readonly opts: ToyReplicaOptions;
  private readonly clusterId: number;
  private frames: OutboundFrame[] = [];
  private events: ReplicaEvent[] = [];
  private seq = 0;
  private published = 0;
  private lastNowUs = 0;
  /** Writes already relayed (writer@key@t), bounded by the open slots they belong to. */
  private readonly relayed = new Set<string>();

  constructor(config: ClusterConfig, fuse: FuseRegistry, id: number, incarnation: number, opts: ToyReplicaOptions = {}) {
    this.id = id;
    this.config = config;
    this.incarnation = incarnation;
    this.opts = opts;
    this.clusterId = clusterIdOf(config.name);
    this.store = new SlotStore({
      keys: config.keys,
      fuse,
      minLeadUs: config.timing.leadUs,
      horizonUs: config.timing.horizonUs,
      closeBeforeUs: config.timing.closeBeforeUs,
    });
  }

  write(intent: WriteIntent, nowUs: number): Result<AdmittedWrite> {
    this.lastNowUs = nowUs;
    const admitted = this.store.admit(intent, nowUs);
    if (!admitted.ok) return admitted;
    const c = this.store.contribute(admitted.value, nowUs);
    if (!c.ok) return c;
    const schema = this.config.keys.get(intent.key);
    if (schema === undefined) return admitted;
    const w: Write = {
      key: admitted.value.key,
      publishTimeUs: admitted.value.publishTimeUs,
      writer: admitted.value.writer,
      value: valueToWire(schema.type, admitted.value.value),
      origin: this.id,
      issuedAtUs: nowUs,
    };
    this.broadcast(encodeWrite(w), 0);
    return admitted;
  }

  private broadcast(write: Uint8Array, hop: number): void {
    const body = encodeBody({ kind: 'write', write: { write: { write, macs: [new Uint8Array(MAC_BYTES)], signature: new Uint8Array(0) }, hop } });
    for (let to = 0; to < this.config.replicas; to++) {
      if (to === this.id) continue;
      const head = { version: WIRE_VERSION, clusterId: this.clusterId, from: this.id, to, incarnation: this.incarnation, seq: ++this.seq, body };
      this.frames.push({ to, bytes: encodeFrame({ ...head, mac: toyMac(head) }) });
    }
  }

  read(key: string, earliestUs: number, nowUs: number): Result<PublishedSlot> {
    return this.store.read(key, earliestUs, nowUs);
  }

  receive(bytes: Uint8Array, nowUs: number): void {
    this.lastNowUs = nowUs;
    const f = decodeFrame(bytes);
    if (!f.ok) return this.suspect(-1, 'malformed', f.error.message);
    const frame = f.value;
    if (frame.to !== this.id || frame.clusterId !== this.clusterId) return;
    const { mac, ...head } = frame;
    if (!sameBytes(mac, toyMac(head))) return this.suspect(frame.from, 'bad-mac', 'checksum mismatch');
    const b = decodeBody(frame.body);
    if (!b.ok) return this.suspect(frame.from, 'malformed', b.error.message);
    if (b.value.kind !== 'write') return;
    const wb = b.value.write;
    const w = decodeWrite(wb.write.write);
    if (!w.ok) return this.suspect(frame.from, 'malformed', w.error.message);
    const host = this.config.writers.get(w.value.writer);
    if (host !== w.value.origin) return this.suspect(frame.from, 'unauthorised-origin', `writer ${w.value.writer} from ${w.value.origin}`);
    const schema = this.config.keys.get(w.value.key);
    const value = schema === undefined ? undefined : valueFromWire(schema.type, w.value.value);
    if (value === undefined) return this.suspect(frame.from, 'malformed', `value does not fit key '${w.value.key}'`);
    const c = this.store.contribute({ key: w.value.key, writer: w.value.writer, publishTimeUs: w.value.publishTimeUs, value }, nowUs);
    if (this.opts.relay === true && c.ok && c.value === 'accepted' && wb.hop < this.config.f) {
      const id = `${w.value.writer}@${w.value.key}@${w.value.publishTimeUs}`;
      if (!this.relayed.has(id)) {
        this.relayed.add(id);
        this.broadcast(wb.write.write, wb.hop + 1);
      }
    }
  }

  private suspect(node: number, reason: 'malformed' | 'bad-mac' | 'unauthorised-origin', detail: string): void {
    if (node >= 0) this.events.push({ kind: 'suspect', node, reason, detail });
  }

  tick(nowUs: number): void {
    this.lastNowUs = nowUs;
    const late = this.opts.publishLateUs ?? 0;
    for (const d of this.store.decideDue(nowUs - late, this.opts.agreeOnPublish === true)) {
      if (d.kind === 'published') {
        this.published++;
        this.events.push({ kind: 'published', slot: d.slot });
        if (d.slot.agreed) this.events.push({ kind: 'agreed', slot: d.slot });
      } else {
        this.events.push({ kind: 'missed', key: d.key, publishTimeUs: d.publishTimeUs, reason: d.reason });
      }
    }
    if (this.relayed.size > 4096) this.relayed.clear();
  }

  ready(): Ready {
    let next = this.lastNowUs + IDLE_TICK_US;
    const late = this.opts.publishLateUs ?? 0;
    for (const key of this.config.keys.keys()) {
      const open = this.store.openSlots(key);
      if (open.length > 0) next = Math.min(next, (open[0] as number) + late);
    }
    const out: Ready = { frames: this.frames, events: this.events, nextTickUs: next };
    this.frames = [];
    this.events = [];
    return out;
  }

  health(nowUs: number): ReplicaHealth {
    return {
      replica: this.id,
      mode: this.config.mode,
      view: 0,
      primary: 0,
      suspects: [],
      slotsPublished: this.published,
      slotsAgreed: this.opts.agreeOnPublish === true ? this.published : 0,
      slotsRepaired: 0,
      deadlineMisses: this.store.counter('missed'),
      nowUs,
      counters: [],
      stableSeq: 0,
      ready: true,
    };
  }

  memory(): MemoryFootprint {
    return { ...this.store.size(), logEntries: this.relayed.size, pendingWrites: 0 };
  }
}

/** A provider of toy replicas for `runSimulation`. */
export function toyReplicas(opts: ToyReplicaOptions = {}): ReplicaProvider {
  return (config, fuse) => ({
    factory: (id, incarnation) => new ToyReplica(config, fuse, id, incarnation, { relay: config.mode === 'crash', ...opts }),
  });
}
