/**
 * The application side of a replica: requests from its own client endpoint (index
 * CLIENT_INDEX_BASE + replica) over the authenticated channel, answered locally, plus slot
 * notices for subscribed keys. Every mode shares it; the replica supplies write/read/health.
 */
import type { Body, PublishedSlot as WirePublishedSlot, ReplicaHealth } from '@bftkvs/msgs';
import { ErrorCode, MAX_MESSAGE_CHARS, errorCodeFromName } from '@bftkvs/msgs';
import type { KvsError, Result } from '../errors.js';
import type { KeySchema } from '../schema.js';
import type { AdmittedWrite, PublishedSlot, WriteIntent } from '../slotStore.js';
import { valueFromWire, valueToWire } from './wireValue.js';

export interface ClientHost {
  write(intent: WriteIntent, nowUs: number): Result<AdmittedWrite>;
  read(key: string, earliestUs: number, nowUs: number): Result<PublishedSlot>;
  health(nowUs: number): ReplicaHealth;
  schema(key: string): KeySchema | undefined;
  sendToClient(body: Body): void;
}

interface Subscription {
  readonly agreedOnly: boolean;
}

/** Subscribes to every key (an empty key list without `unsubscribe`). */
const ALL_KEYS = '';

export class ClientService {
  private readonly subs = new Map<string, Subscription>();

  constructor(private readonly host: ClientHost) {}

  /** Handles a client request body; false when `body` is not one. */
  handle(body: Body, nowUs: number): boolean {
    switch (body.kind) {
      case 'writeRequest': {
        const req = body.writeRequest;
        const schema = this.host.schema(req.key);
        // An unknown key goes through write() so that the rejection is counted in one place.
        const value = schema === undefined ? null : valueFromWire(schema.type, req.value);
        const result: Result<AdmittedWrite> =
          value === undefined
            ? { ok: false, error: { code: 'BAD_VALUE', message: `value kind '${req.value.kind}' does not fit key '${req.key}'` } }
            : this.host.write({ key: req.key, writer: req.writer, value, ...(req.publishTimeUs === 0 ? {} : { publishTimeUs: req.publishTimeUs }) }, nowUs);
        this.host.sendToClient({
          kind: 'writeReply',
          writeReply: {
            requestId: req.requestId,
            ...status(result),
            publishTimeUs: result.ok ? result.value.publishTimeUs : 0,
          },
        });
        return true;
      }
      case 'readRequest': {
        const req = body.readRequest;
        const result = this.host.read(req.key, req.earliestUs, nowUs);
        const slot = result.ok ? this.toWire(result.value) : null;
        this.host.sendToClient({
          kind: 'readReply',
          readReply: { requestId: req.requestId, ...(slot === null && result.ok ? status(fail()) : status(result)), slot, nowUs },
        });
        return true;
      }
      case 'statusRequest':
        this.host.sendToClient({ kind: 'statusReply', statusReply: { requestId: body.statusRequest.requestId, health: this.host.health(nowUs) } });
        return true;
      case 'subscribe': {
        const req = body.subscribe;
        const keys = req.keys.length === 0 ? [ALL_KEYS] : req.keys;
        if (req.unsubscribe) {
          if (req.keys.length === 0) this.subs.clear();
          else for (const k of keys) this.subs.delete(k);
        } else {
          // Only configured keys: the subscription table stays bounded by the schema.
          for (const k of keys) if (k === ALL_KEYS || this.host.schema(k) !== undefined) this.subs.set(k, { agreedOnly: req.agreedOnly });
        }
        return true;
      }
      default:
        return false;
    }
  }

  /** A slot became visible to reads. */
  onVisible(slot: PublishedSlot): void {
    const sub = this.subscription(slot.key);
    if (sub !== undefined && (!sub.agreedOnly || slot.agreed)) this.notify(slot);
  }

  /** A visible slot became agreed (or was repaired) after it was first published. */
  onAgreedLater(slot: PublishedSlot): void {
    if (this.subscription(slot.key) !== undefined) this.notify(slot);
  }

  subscriptions(): number {
    return this.subs.size;
  }

  private subscription(key: string): Subscription | undefined {
    return this.subs.get(key) ?? this.subs.get(ALL_KEYS);
  }

  private notify(slot: PublishedSlot): void {
    const wire = this.toWire(slot);
    if (wire !== null) this.host.sendToClient({ kind: 'slotNotice', slotNotice: { slot: wire } });
  }

  private toWire(slot: PublishedSlot): WirePublishedSlot | null {
    const schema = this.host.schema(slot.key);
    if (schema === undefined) return null;
    return {
      key: slot.key,
      publishTimeUs: slot.publishTimeUs,
      value: valueToWire(schema.type, slot.value),
      contributions: slot.contributions.map((c) => ({ writer: c.writer, value: valueToWire(schema.type, c.value) })),
      agreed: slot.agreed,
      repairs: slot.repairs,
    };
  }
}

function fail(): Result<never> {
  return { ok: false, error: { code: 'NO_FRESH_VALUE', message: 'slot cannot be encoded' } };
}

function status(result: Result<unknown, KvsError>): { code: ErrorCode; message: string } {
  if (result.ok) return { code: ErrorCode.OK, message: '' };
  return { code: errorCodeFromName(result.error.code) ?? ErrorCode.MALFORMED, message: replyText(result.error.message) };
}

/** Reply text the wire accepts: no control characters, at most MAX_MESSAGE_CHARS. */
function replyText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?').slice(0, MAX_MESSAGE_CHARS);
}
