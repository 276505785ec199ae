/**
 * The world simulator's loopback protocol: JSON datagrams on 127.0.0.1, request/reply by id.
 * This is the physical world, not the KVS: sensors "measure" the simulated vehicle through it
 * and the actuator "pushes the pedal" through it, as a Gazebo plugin would. It is deliberately
 * separate from the KVS (no authentication, loopback only) because on a real vehicle these
 * paths are wires and physics, not messages between nodes.
 *
 * Every datagram is parsed as hostile input: size-limited, JSON-parsed in a try, then checked
 * with zod; anything else is dropped and counted.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { z } from 'zod';

export const MAX_WORLD_DATAGRAM_BYTES = 2048;

const finite = z.number().refine(Number.isFinite, 'must be finite');
const int = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');
const id = int.min(0);

export const WorldRequest = z.discriminatedUnion('op', [
  /** The run's time base: every node derives its grid from the world's epoch when not given one. */
  z.object({ op: z.literal('hello'), id }).strict(),
  /** The true speed at run time tUs (µs since the epoch). */
  z.object({ op: z.literal('sample'), id, tUs: int }).strict(),
  /** Apply command u from run time tUs on (fire and forget; the actuator records what it sent). */
  z.object({ op: z.literal('command'), tUs: int, u: finite, source: z.enum(['fresh', 'held', 'failsafe']) }).strict(),
  /** Progress for the demo runner. */
  z.object({ op: z.literal('status'), id }).strict(),
]);
export type WorldRequest = z.infer<typeof WorldRequest>;

export const WorldReply = z.discriminatedUnion('op', [
  z.object({ op: z.literal('hello'), id, epochUs: int, durationUs: int, driveCycle: z.string() }).strict(),
  z.object({ op: z.literal('sample'), id, tUs: int, speedMps: finite }).strict(),
  z.object({
    op: z.literal('status'),
    id,
    tUs: int,
    speedMps: finite,
    targetMps: finite,
    commandU: finite,
    commandSource: z.string(),
    done: z.boolean(),
  }).strict(),
  z.object({ op: z.literal('error'), id, message: z.string().max(500) }).strict(),
]);
export type WorldReply = z.infer<typeof WorldReply>;

/** Parses a datagram; undefined for anything malformed. */
export function parseDatagram<T>(schema: z.ZodType<T>, bytes: Buffer): T | undefined {
  if (bytes.length > MAX_WORLD_DATAGRAM_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const r = schema.safeParse(json);
  return r.success ? r.data : undefined;
}

export class WorldUnavailableError extends Error {
  override readonly name = 'WorldUnavailableError';
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Pending = { resolve: (r: WorldReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** A node's handle on the world simulator. */
export class WorldClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;
  /** Datagrams that were not a valid reply (counted, never trusted). */
  rejected = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly port: number,
  ) {
    socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      if (rinfo.address !== '127.0.0.1' || rinfo.port !== this.port) {
        this.rejected++;
        return;
      }
      const r = parseDatagram(WorldReply, msg);
      if (r === undefined) {
        this.rejected++;
        return;
      }
      const p = this.pending.get(r.id);
      if (p === undefined) return; // a late reply to a request that already timed out
      this.pending.delete(r.id);
      clearTimeout(p.timer);
      if (r.op === 'error') p.reject(new WorldUnavailableError(`world: ${r.message}`));
      else p.resolve(r);
    });
  }

  static async connect(port: number): Promise<WorldClient> {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`world port must be in 1..65535, got ${port}`);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: '127.0.0.1', port: 0 }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new WorldClient(socket, port);
  }

  private send(msg: WorldRequest): void {
    if (this.closed) return;
    this.socket.send(JSON.stringify(msg), this.port, '127.0.0.1');
  }

  request<K extends WorldReply['op']>(req: WithoutId<Extract<WorldRequest, { id: number }>>, expect: K, timeoutMs: number): Promise<Extract<WorldReply, { op: K }>> {
    if (this.closed) return Promise.reject(new WorldUnavailableError('world client closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WorldUnavailableError(`no answer from the world simulator on 127.0.0.1:${this.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => (r.op === expect ? resolve(r as Extract<WorldReply, { op: K }>) : reject(new WorldUnavailableError(`world answered ${r.op} to a ${req.op}`))),
        reject,
        timer,
      });
      this.send({ ...req, id } as WorldRequest);
    });
  }

  /** The run's epoch and length, retried until `totalMs` (the world may start after this node). */
  async hello(totalMs: number): Promise<Extract<WorldReply, { op: 'hello' }>> {
    const end = Date.now() + totalMs;
    for (;;) {
      try {
        return await this.request({ op: 'hello' }, 'hello', 300);
      } catch (e) {
        if (Date.now() > end) throw e;
      }
    }
  }

  sample(tUs: number, timeoutMs: number): Promise<number> {
    return this.request({ op: 'sample', tUs }, 'sample', timeoutMs).then((r) => r.speedMps);
  }

  command(tUs: number, u: number, source: 'fresh' | 'held' | 'failsafe'): void {
    this.send({ op: 'command', tUs, u, source });
  }

  status(timeoutMs: number): Promise<Extract<WorldReply, { op: 'status' }>> {
    return this.request({ op: 'status' }, 'status', timeoutMs);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new WorldUnavailableError('world client closed'));
    }
    this.pending.clear();
    return new Promise((r) => this.socket.close(() => r()));
  }
}
