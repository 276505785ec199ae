/**
 * The ROS face of a running replica: an adapter over its ReplicaDriver that turns ROS requests
 * into replica.write/read and replica events into ROS messages. Names (names.ts), with the
 * replica's node `/kvs/replica_<i>`:
 *
 *   services  ~/write (bftkvs_msgs/srv/Write), ~/read (Read), ~/status (Status)
 *   topics    <ns>/write (WriteRequest, subscribed; only writes of writers hosted here are taken)
 *             <ns>/agreed/<key> and/or ~/agreed/<key> (Slot, published; `ros.agreed.topics`)
 *             /diagnostics (DiagnosticArray, every `ros.diagnostics.period_ms`)
 *   bindings  input subscriptions and output publishers (bindings.ts)
 *   params    every node parameter, declared read-only
 *
 * A Slot is published when it becomes visible (its publish time came; `agreed` as decided),
 * again when it becomes agreed later (fast mode, after synchronisation) and when
 * synchronisation repaired it; consumers tell the cases apart by `agreed` and `repairs`.
 * Output bindings send each slot once: at visibility (`on: published`) or once agreed
 * (`on: agreed`), never an older slot after a newer one.
 *
 * Everything arriving from ROS is validated (rosMessages.ts) and every rejection is counted
 * and shown in /diagnostics; nothing a ROS peer sends can throw out of a callback.
 */
import type { Node, Publisher } from 'rclnodejs';
import type { ClusterConfig, KvsErrorCode, PublishedSlot, ReplicaEvent, Result } from '@bftkvs/core';
import { ConfigError } from '@bftkvs/core';
import type { Clock } from '../clock.js';
import { Counters } from '../counters.js';
import type { ReplicaDriver } from '../driver/index.js';
import type { BindingPlans, InputPlan, OutputPlan } from './bindings.js';
import { planBindings } from './bindings.js';
import { DiagnosticsReporter } from './diagnostics.js';
import type { Rclnodejs } from './environment.js';
import type { InterfaceDescriptor, SchemaLookup } from './messageSchema.js';
import { interfaceDescriptor } from './messageSchema.js';
import {
  DIAGNOSTICS_TOPIC,
  DIAGNOSTIC_ARRAY_MSG,
  READ_SERVICE,
  READ_SRV,
  SLOT_MSG,
  STATUS_SERVICE,
  STATUS_SRV,
  WRITE_REQUEST_MSG,
  WRITE_SERVICE,
  WRITE_SRV,
  keyTopicCollisions,
  localAgreedTopic,
  sharedAgreedTopic,
  writeTopic,
} from './names.js';
import type { RosParamMap } from './params.js';
import { toRclQos } from './qos.js';
import { declareNodeParameters, rclSchemaLookup } from './rclHelpers.js';
import type { RosReplicaOptions } from './rosOptions.js';
import type { ReadResponseMsg, SlotMsg, StatusResponseMsg, WriteResponseMsg } from './rosMessages.js';
import { readRequestFromMsg, readResponse, slotMsgFromSlot, statusResponse, unavailableStatus, writeIntentFromMsg, writeResponse } from './rosMessages.js';

export interface RosReplicaInterfaceOptions {
  readonly rcl: Rclnodejs;
  readonly node: Node;
  readonly driver: ReplicaDriver;
  readonly clock: Clock;
  readonly config: ClusterConfig;
  readonly replicaId: number;
  readonly options: RosReplicaOptions;
  /** Declared as read-only ROS parameters (the node's full parameter map). */
  readonly params?: RosParamMap;
  /** Message schemas for binding checks (default: the interfaces rclnodejs knows). */
  readonly schemas?: SchemaLookup;
}

type Pub = Publisher<InterfaceDescriptor>;

interface OutputState {
  readonly plan: OutputPlan;
  readonly publisher: Pub;
  lastSentUs: number;
}

export class RosReplicaInterface {
  private readonly counts = new Counters();
  private readonly details: Record<string, string> = {};
  private readonly shared = new Map<string, Pub>();
  private readonly local = new Map<string, Pub>();
  private readonly lastSlotSig = new Map<string, string>();
  private readonly outputs: OutputState[] = [];
  private readonly diagnostics = new DiagnosticsReporter();
  private diagnosticsPublisher: Pub | undefined;
  private diagnosticsTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private declared: readonly string[] = [];

  private constructor(private readonly o: RosReplicaInterfaceOptions) {}

  /** The node parameters declared as ROS parameters. */
  get declaredParameters(): readonly string[] {
    return this.declared;
  }

  /**
   * Creates every ROS endpoint of the replica on its node. Throws ConfigError (bindings that do
   * not fit the cluster or the message types, keys whose topics collide) before creating any.
   */
  static attach(opts: RosReplicaInterfaceOptions): RosReplicaInterface {
    const collisions = keyTopicCollisions(opts.config.keys.keys());
    if (collisions.length > 0) throw new ConfigError(`cannot name the agreed-value topics:\n  - ${collisions.join('\n  - ')}`);
    let plans: BindingPlans;
    try {
      plans = planBindings(opts.options.bindings, { replicaId: opts.replicaId, keys: opts.config.keys, writers: opts.config.writers }, opts.schemas ?? rclSchemaLookup(opts.rcl));
    } catch (e) {
      if (e instanceof ConfigError && /unknown message type/.test(e.message)) {
        throw new ConfigError(
          `${e.message}\n  (a type is known when its package was built and sourced before rclnodejs generated its messages; ` +
            'regenerate with `cd packages/runtime && npx generate-ros-messages`, see docs/ros.md)',
        );
      }
      throw e;
    }
    const self = new RosReplicaInterface(opts);
    try {
      self.start(plans);
    } catch (e) {
      self.close();
      throw e;
    }
    return self;
  }

  private start(plans: BindingPlans): void {
    const { rcl, node, options, config } = this.o;
    if (this.o.params !== undefined) {
      this.declared = declareNodeParameters(rcl, node, this.o.params).declared;
    }

    // Services (node-private names: /<ns>/replica_<i>/write|read|status).
    node.createService(interfaceDescriptor(WRITE_SRV), WRITE_SERVICE, (req: unknown, res) => {
      res.send(this.guarded('write_service', () => this.onWriteService(req), (code, msg) => writeResponse({ ok: false, error: { code, message: msg } })));
    });
    node.createService(interfaceDescriptor(READ_SRV), READ_SERVICE, (req: unknown, res) => {
      res.send(this.guarded('read_service', () => this.onReadService(req), (code, msg) => readResponse({ ok: false, error: { code, message: msg } })));
    });
    node.createService(interfaceDescriptor(STATUS_SRV), STATUS_SERVICE, (_req: unknown, res) => {
      res.send(this.guarded('status_service', () => this.onStatusService(), () => unavailableStatus(this.o.replicaId, config.mode, this.safeNowUs())));
    });

    // The shared write topic.
    if (options.write.topic) {
      node.createSubscription(interfaceDescriptor(WRITE_REQUEST_MSG), writeTopic(node.namespace()), { qos: toRclQos(rcl, options.write.qos) }, (msg: unknown) => {
        this.guardedVoid('write_topic', () => this.onWriteTopic(msg));
      });
    }

    // Slot topics per key.
    const slotType = interfaceDescriptor(SLOT_MSG);
    const slotQos = toRclQos(rcl, options.agreed.qos);
    const topics = options.agreed.topics;
    for (const key of config.keys.keys()) {
      if (topics === 'shared' || topics === 'both') this.shared.set(key, node.createPublisher(slotType, sharedAgreedTopic(node.namespace(), key), { qos: slotQos }));
      if (topics === 'local' || topics === 'both') this.local.set(key, node.createPublisher(slotType, localAgreedTopic(key), { qos: slotQos }));
    }

    // Bindings.
    for (const p of plans.inputs) this.startInput(p);
    for (const p of plans.outputs) {
      const pub = node.createPublisher(interfaceDescriptor(p.binding.type), p.binding.topic, { qos: toRclQos(rcl, p.binding.qos) });
      this.outputs.push({ plan: p, publisher: pub, lastSentUs: Number.NEGATIVE_INFINITY });
    }

    this.unsubscribe = this.o.driver.onEvent((e) => this.onEvent(e));

    // Diagnostics.
    if (options.diagnostics.periodMs > 0) {
      this.diagnosticsPublisher = node.createPublisher(interfaceDescriptor(DIAGNOSTIC_ARRAY_MSG), DIAGNOSTICS_TOPIC, { qos: toRclQos(rcl, options.diagnostics.qos) });
      this.diagnosticsTimer = setInterval(() => this.publishDiagnostics(), options.diagnostics.periodMs);
      this.diagnosticsTimer.unref();
    }
  }

  /** The interface's counters (also in /diagnostics and the Status service, prefixed `ros.`). */
  counters(): Readonly<Record<string, number>> {
    return this.counts.snapshot();
  }

  /** Publishes /diagnostics now (also done every period). */
  publishDiagnostics(): void {
    if (this.closed || this.diagnosticsPublisher === undefined) return;
    try {
      const msg = this.diagnostics.report({
        node: this.o.node.getFullyQualifiedName(),
        clusterName: this.o.config.name,
        replicaId: this.o.replicaId,
        nowUs: this.o.clock.nowUs(),
        health: this.o.driver.health(),
        ros: this.counts.snapshot(),
        details: this.details,
      });
      this.diagnosticsPublisher.publish(msg);
      this.counts.bump('diagnostics.published');
    } catch (e) {
      this.counts.bump('diagnostics.errors');
      this.details['diagnostics.last_error'] = errorText(e);
    }
  }

  /** Stops publishing and listening (services and topics go when the node is destroyed). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    if (this.diagnosticsTimer !== undefined) clearInterval(this.diagnosticsTimer);
  }

  // --- requests --------------------------------------------------------------------------

  private schemaType(key: string) {
    return this.o.config.keys.get(key)?.type;
  }

  private onWriteService(req: unknown): WriteResponseMsg {
    this.counts.bump('write_service.requests');
    const r = this.write(req);
    if (!r.ok) this.counts.bump(`write_service.refused.${r.error.code}`);
    return writeResponse(r);
  }

  private onWriteTopic(msg: unknown): void {
    this.counts.bump('write_topic.received');
    // The topic is shared by all replicas: take only writes of writers hosted here.
    const writer = typeof msg === 'object' && msg !== null ? (msg as { writer?: unknown }).writer : undefined;
    if (typeof writer === 'string' && this.o.config.writers.has(writer) && this.o.config.writers.get(writer) !== this.o.replicaId) {
      this.counts.bump('write_topic.other_replica');
      return;
    }
    const r = this.write(msg);
    if (r.ok) this.counts.bump('write_topic.accepted');
    else {
      this.counts.bump(`write_topic.rejected.${r.error.code}`);
      this.details['write_topic.last_rejection'] = `${r.error.code}: ${r.error.message}`;
    }
  }

  private write(msg: unknown): Result<{ publishTimeUs: number }> {
    const intent = writeIntentFromMsg(msg, (key) => this.schemaType(key));
    if (!intent.ok) return intent;
    return this.o.driver.withReplica((replica, nowUs) => replica.write(intent.value, nowUs));
  }

  private onReadService(req: unknown): ReadResponseMsg {
    this.counts.bump('read_service.requests');
    const q = readRequestFromMsg(req);
    if (!q.ok) {
      this.counts.bump(`read_service.refused.${q.error.code}`);
      return readResponse(q);
    }
    const r = this.o.driver.withReplica((replica, nowUs) => replica.read(q.value.key, q.value.earliestUs, nowUs));
    if (!r.ok) {
      this.counts.bump(`read_service.refused.${r.error.code}`);
      return readResponse(r);
    }
    const type = this.schemaType(r.value.key);
    if (type === undefined) return readResponse({ ok: false, error: { code: 'UNKNOWN_KEY', message: `unknown key '${r.value.key}'` } });
    return readResponse({ ok: true, value: slotMsgFromSlot(r.value, type) });
  }

  private onStatusService(): StatusResponseMsg {
    this.counts.bump('status_service.requests');
    const h = this.o.driver.health();
    const now = this.safeNowUs();
    if (h.replica === undefined) return unavailableStatus(this.o.replicaId, this.o.config.mode, now);
    const extra: Record<string, number> = {};
    for (const [k, v] of Object.entries(h.driver)) extra[`driver.${k}`] = v;
    for (const [k, v] of Object.entries(h.transport)) extra[`transport.${k}`] = v;
    for (const [k, v] of Object.entries(this.counts.snapshot())) extra[`ros.${k}`] = v;
    return statusResponse(h.replica, now, extra);
  }

  // --- events → topics and output bindings ------------------------------------------------

  private onEvent(e: ReplicaEvent): void {
    if (this.closed) return;
    if (e.kind !== 'published' && e.kind !== 'agreed') return;
    const slot = e.slot;
    this.publishSlot(slot);
    for (const out of this.outputs) {
      const b = out.plan.binding;
      if (b.key !== slot.key || slot.publishTimeUs <= out.lastSentUs) continue;
      if (b.on === 'published' ? e.kind !== 'published' : !slot.agreed) continue;
      out.lastSentUs = slot.publishTimeUs;
      const prefix = `bindings.${b.name}`;
      const msg = out.plan.build(slot.value, slot.publishTimeUs);
      if (!msg.ok) {
        this.counts.bump(`${prefix}.unrepresentable`);
        this.details[`${prefix}.last_error`] = msg.reason;
        continue;
      }
      try {
        out.publisher.publish(msg.value);
        this.counts.bump(`${prefix}.published`);
      } catch (err) {
        this.counts.bump(`${prefix}.errors`);
        this.details[`${prefix}.last_error`] = errorText(err);
      }
    }
  }

  private publishSlot(slot: PublishedSlot): void {
    const sig = `${slot.publishTimeUs}|${slot.agreed}|${slot.repairs}`;
    if (this.lastSlotSig.get(slot.key) === sig) return;
    this.lastSlotSig.set(slot.key, sig);
    const shared = this.shared.get(slot.key);
    const local = this.local.get(slot.key);
    if (shared === undefined && local === undefined) return;
    const type = this.schemaType(slot.key);
    if (type === undefined) return;
    let msg: SlotMsg;
    try {
      msg = slotMsgFromSlot(slot, type);
      shared?.publish(msg);
      local?.publish(msg);
      this.counts.bump('slots.published');
    } catch (err) {
      this.counts.bump('slots.errors');
      this.details['slots.last_error'] = errorText(err);
    }
  }

  // --- input bindings -----------------------------------------------------------------------

  private startInput(p: InputPlan): void {
    const b = p.binding;
    const prefix = `bindings.${b.name}`;
    this.o.node.createSubscription(interfaceDescriptor(b.type), b.topic, { qos: toRclQos(this.o.rcl, b.qos) }, (msg: unknown) => {
      this.guardedVoid(prefix, () => {
        if (this.closed) return;
        this.counts.bump(`${prefix}.received`);
        const v = p.extract(msg);
        if (!v.ok) {
          this.counts.bump(`${prefix}.malformed`);
          this.details[`${prefix}.last_error`] = v.reason;
          return;
        }
        const r = this.o.driver.withReplica((replica, nowUs) => replica.write({ key: b.key, writer: b.writer, value: v.value }, nowUs));
        if (r.ok) this.counts.bump(`${prefix}.written`);
        else {
          this.counts.bump(`${prefix}.rejected.${r.error.code}`);
          this.details[`${prefix}.last_error`] = `${r.error.code}: ${r.error.message}`;
        }
      });
    });
  }

  // --- helpers -----------------------------------------------------------------------------

  private safeNowUs(): number {
    try {
      return this.o.clock.nowUs();
    } catch {
      return 0;
    }
  }

  private guarded<T>(what: string, fn: () => T, onError: (code: KvsErrorCode, message: string) => T): T {
    try {
      return fn();
    } catch (e) {
      this.counts.bump(`${what}.errors`);
      this.details[`${what}.last_error`] = errorText(e);
      return onError('UNAVAILABLE', `internal error: ${errorText(e)}`);
    }
  }

  private guardedVoid(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.counts.bump(`${what}.errors`);
      this.details[`${what}.last_error`] = errorText(e);
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
