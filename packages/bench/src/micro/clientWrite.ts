/**
 * Micro-benchmark: the application-side CPU time (process.cpuUsage, not wall time: robust on a shared host) of one KvsClient.write() call (build the
 * request, check it, seal it, hand it to the transport) and of opening its reply, with a
 * transport that answers in-process (no sockets, no replica). Run before and after a change to
 * the client or the channel:
 *
 *   node --conditions=@bftkvs/source --import tsx packages/bench/src/micro/clientWrite.ts
 */
import { Channel, clusterIdOf } from '@bftkvs/core';
import type { NodeKeys } from '@bftkvs/core';
import { KvsClient } from '@bftkvs/client';
import { CLIENT_INDEX_BASE, ErrorCode } from '@bftkvs/msgs';
import type { FrameHandler, PeerAddress, Transport } from '@bftkvs/runtime';
import { nodeCrypto } from '@bftkvs/runtime';

const key = new Uint8Array(32).fill(7);
const keys: NodeKeys = { self: 0, replicas: 4, macKeys: new Map([[CLIENT_INDEX_BASE, key]]), signingKey: new Uint8Array(32), publicKeys: [] } as unknown as NodeKeys;
const replicaKeys = { self: 0, replicas: 4, macKeys: new Map([[CLIENT_INDEX_BASE, key]]), signingKey: new Uint8Array(32), publicKeys: [] } as unknown as NodeKeys;
const replica = new Channel({ clusterId: clusterIdOf('micro'), keys: replicaKeys, incarnation: 1, crypto: nodeCrypto });

class EchoTransport implements Transport {
  readonly description = 'in-process echo';
  private handler: FrameHandler = () => {};
  replies: Uint8Array[] = [];
  send(_to: number, bytes: Uint8Array): boolean {
    const opened = replica.open(bytes);
    if (opened.ok && opened.body.kind === 'writeRequest') {
      const r = opened.body.writeRequest;
      this.replies.push(replica.seal(CLIENT_INDEX_BASE, { kind: 'writeReply', writeReply: { requestId: r.requestId, code: ErrorCode.OK, message: '', publishTimeUs: r.publishTimeUs } }));
    }
    return true;
  }
  deliver(): void {
    const rs = this.replies;
    this.replies = [];
    for (const b of rs) this.handler(b, { host: 'inproc', port: 0 } as PeerAddress);
  }
  onFrame(h: FrameHandler): void {
    this.handler = h;
  }
  setRoute(): void {}
  route(): PeerAddress | undefined {
    return undefined;
  }
  async close(): Promise<void> {}
  counters(): Readonly<Record<string, number>> {
    return {};
  }
}

const t = new EchoTransport();
const client = await KvsClient.connect({ keys, clusterName: 'micro', transport: t, schemas: new Map([['k', { type: { kind: 'float64' } }]]) });
// Replica-side cost per request, measured alone, to subtract.
async function run(n: number): Promise<number> {
  const c0 = process.cpuUsage();
  const ps: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    ps.push(client.write('k', 20 + (i % 7), { writer: 'w0', publishTimeUs: 1_000_000 + i }));
    if (ps.length >= 256) {
      t.deliver();
      await Promise.all(ps.splice(0));
    }
  }
  t.deliver();
  await Promise.all(ps);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}
await run(20_000);
const rounds: number[] = [];
for (let r = 0; r < 7; r++) rounds.push(await run(50_000));
rounds.sort((a, b) => a - b);
process.stdout.write(`CPU per write round trip (client + in-process replica channel): median ${rounds[3]?.toFixed(2)} µs, min ${rounds[0]?.toFixed(2)} µs\n`);
await client.close();
