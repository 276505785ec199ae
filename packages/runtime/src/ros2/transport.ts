/**
 * The `ros2` transport: replica-to-replica frames as bftkvs_msgs/msg/ProtocolFrame on ROS
 * topics, one topic per receiver (`<ns>/replica_<j>/frames`).
 *
 * Why one topic per receiver rather than one shared topic filtered by `to_index`: the protocol
 * sends every frame to exactly one replica (a broadcast is N-1 frames, each with its own MAC).
 * On a shared topic DDS would deliver each of them to all N-1 subscribers, so a broadcast
 * costs (N-1)² deliveries and deserialisations of which N-1 are wanted; per-receiver topics
 * cost exactly N-1, and need no content filter (which not every RMW implements). The price is
 * N·(N-1) publishers in discovery, fine for the cluster sizes the protocol targets (≤ 64).
 *
 * ROS carries bytes only: the receiver checks each frame's MAC exactly as for a UDP datagram,
 * and `from_index` is used for diagnostics only, never for identity. Client endpoints
 * (applications of this node) are not carried here: they talk to the replica through its ROS
 * services or the UDP client socket.
 */
import type { Node, Publisher, Subscription } from 'rclnodejs';
import { MAX_FRAME_BYTES, isReplicaIndex } from '@bftkvs/msgs';
import { Counters } from '../counters.js';
import type { FrameHandler, PeerAddress, Transport } from '../transport/index.js';
import type { Rclnodejs } from './environment.js';
import type { InterfaceDescriptor } from './messageSchema.js';
import { interfaceDescriptor } from './messageSchema.js';
import { FRAME_MSG, framesTopic } from './names.js';
import type { QosConfig } from './qos.js';
import { formatQos, toRclQos } from './qos.js';
import type { ProtocolFrameMsg } from './rosMessages.js';
import { checkFrameMsg } from './rosMessages.js';

export const ROS2_HOST = 'ros2';

export interface Ros2TransportOptions {
  readonly rcl: Rclnodejs;
  /** The replica's node; its namespace is the cluster's. */
  readonly node: Node;
  readonly self: number;
  readonly replicas: number;
  readonly qos: QosConfig;
  readonly maxFrameBytes?: number;
}

export type Ros2TransportCounter =
  | 'sent'
  | 'received'
  | 'droppedClosed'
  | 'droppedNoRoute'
  | 'droppedOversizeOut'
  | 'droppedOversizeIn'
  | 'droppedMalformed'
  | 'droppedNotForMe'
  | 'sendErrors'
  | 'handlerErrors';

export class Ros2Transport implements Transport {
  readonly description: string;
  private readonly node: Node;
  private readonly self: number;
  private readonly maxFrameBytes: number;
  private readonly publishers = new Map<number, Publisher<InterfaceDescriptor>>();
  private readonly subscription: Subscription;
  private readonly counts = new Counters<Ros2TransportCounter>();
  private handler: FrameHandler | undefined;
  private closed = false;

  constructor(opts: Ros2TransportOptions) {
    if (!Number.isInteger(opts.replicas) || opts.replicas < 1 || !isReplicaIndex(opts.replicas - 1)) throw new RangeError(`replicas must be 1..64, got ${opts.replicas}`);
    if (!Number.isInteger(opts.self) || opts.self < 0 || opts.self >= opts.replicas) throw new RangeError(`replica index ${opts.self} is not in 0..${opts.replicas - 1}`);
    this.node = opts.node;
    this.self = opts.self;
    this.maxFrameBytes = opts.maxFrameBytes ?? MAX_FRAME_BYTES;
    const ns = opts.node.namespace();
    const type = interfaceDescriptor(FRAME_MSG);
    const qos = toRclQos(opts.rcl, opts.qos);
    for (let j = 0; j < opts.replicas; j++) {
      if (j === opts.self) continue;
      this.publishers.set(j, opts.node.createPublisher(type, framesTopic(ns, j), { qos }));
    }
    const own = framesTopic(ns, opts.self);
    this.subscription = opts.node.createSubscription(type, own, { qos }, (msg: unknown) => this.onMessage(msg));
    this.description = `ros2 ${own} (${formatQos(opts.qos)})`;
  }

  send(to: number, bytes: Uint8Array): boolean {
    if (this.closed) {
      this.counts.bump('droppedClosed');
      return false;
    }
    if (bytes.length > this.maxFrameBytes) {
      this.counts.bump('droppedOversizeOut');
      return false;
    }
    const pub = this.publishers.get(to);
    if (pub === undefined) {
      this.counts.bump('droppedNoRoute');
      return false;
    }
    const msg: ProtocolFrameMsg = { from_index: this.self, to_index: to, data: bytes };
    try {
      pub.publish(msg);
    } catch {
      this.counts.bump('sendErrors');
      return false;
    }
    this.counts.bump('sent');
    return true;
  }

  onFrame(handler: FrameHandler): void {
    this.handler = handler;
  }

  /** Routes are topics derived from indices; a learned address needs no bookkeeping. */
  setRoute(_index: number, _address: PeerAddress): void {}

  route(index: number): PeerAddress | undefined {
    return this.publishers.has(index) ? { host: ROS2_HOST, port: index } : undefined;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.handler = undefined;
    for (const p of this.publishers.values()) tryDestroy(() => this.node.destroyPublisher(p));
    tryDestroy(() => this.node.destroySubscription(this.subscription));
    this.publishers.clear();
    return Promise.resolve();
  }

  counters(): Readonly<Record<string, number>> {
    return this.counts.snapshot();
  }

  private onMessage(msg: unknown): void {
    if (this.closed) return;
    const f = checkFrameMsg(msg, this.maxFrameBytes);
    if (!f.ok) {
      this.counts.bump(f.reason === 'oversize' ? 'droppedOversizeIn' : 'droppedMalformed');
      return;
    }
    if (f.to !== this.self) {
      this.counts.bump('droppedNotForMe');
      return;
    }
    this.counts.bump('received');
    const h = this.handler;
    if (h === undefined) return;
    try {
      h(f.data, { host: ROS2_HOST, port: f.from });
    } catch {
      this.counts.bump('handlerErrors');
    }
  }
}

function tryDestroy(fn: () => void): void {
  try {
    fn();
  } catch {
    // the node may already be gone
  }
}
