/**
 * A stand-in for a replica that speaks only the client protocol: it opens frames from its
 * client endpoint with a real Channel and answers them as the test scripts. Driven by the
 * real ReplicaDriver, so the client is tested against the runtime's I/O as deployed.
 */
import type { AdmittedWrite, MemoryFootprint, NodeKeys, OutboundFrame, PublishedSlot, Ready, Replica, ReplicaEvent, Result, WriteIntent } from '@bftkvs/core';
import { Channel, clusterIdOf, nobleCrypto } from '@bftkvs/core';
import type { Body, ReplicaHealth } from '@bftkvs/msgs';
import { clientIndexOf } from '@bftkvs/msgs';

/** What to answer to a request: bodies to send back (possibly none: the reply is "lost"). */
export type Script = (body: Body, nth: number) => Body[];

export class ClientProtocolReplica implements Replica {
  readonly id: number;
  readonly requests: Body[] = [];
  rejected = 0;
  private readonly channel: Channel;
  private frames: OutboundFrame[] = [];

  constructor(
    keys: NodeKeys,
    clusterName: string,
    public script: Script,
  ) {
    this.id = keys.self;
    this.channel = new Channel({ clusterId: clusterIdOf(clusterName), keys, incarnation: 1, crypto: nobleCrypto });
  }

  /** Sends an unsolicited body (a slot notice) to the client endpoint. */
  push(body: Body): void {
    this.frames.push({ to: clientIndexOf(this.id), bytes: this.channel.seal(clientIndexOf(this.id), body) });
  }

  receive(bytes: Uint8Array): void {
    const opened = this.channel.open(bytes);
    if (!opened.ok) {
      this.rejected++;
      return;
    }
    this.requests.push(opened.body);
    for (const reply of this.script(opened.body, this.requests.length)) this.push(reply);
  }

  tick(): void {}

  ready(): Ready {
    const r = { frames: this.frames, events: [] as ReplicaEvent[], nextTickUs: Number.POSITIVE_INFINITY };
    this.frames = [];
    return r;
  }

  write(_i: WriteIntent): Result<AdmittedWrite> {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'fake' } };
  }

  read(): Result<PublishedSlot> {
    return { ok: false, error: { code: 'NO_FRESH_VALUE', message: 'fake' } };
  }

  health(nowUs: number): ReplicaHealth {
    return fakeHealth(this.id, nowUs);
  }

  memory(): MemoryFootprint {
    return { openSlots: 0, decidedSlots: 0, missedSlots: 0, logEntries: 0, pendingWrites: 0 };
  }
}

export function fakeHealth(replica: number, nowUs: number): ReplicaHealth {
  return {
    replica,
    mode: 'fast',
    view: 3,
    primary: 1,
    suspects: [{ node: 2, reason: 'bad-mac', count: 5, lastUs: nowUs }],
    slotsPublished: 10,
    slotsAgreed: 9,
    slotsRepaired: 1,
    deadlineMisses: 0,
    nowUs,
    counters: [],
    stableSeq: 128,
    ready: true,
  };
}
