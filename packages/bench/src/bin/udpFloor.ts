/**
 * The messaging floor: a raw UDP ping between two Node processes on loopback, no protocol,
 * no MACs, no protobuf. One process runs `echo` (prints its port, answers every datagram with
 * the same bytes plus its clock), the other `ping` (sends `count` 64-byte datagrams, paced
 * every `intervalUs` like a periodic writer, then the same back-to-back, and prints the round
 * trips and the two processes' clock offset as one JSON line).
 *
 *   node --import tsx udpFloor.ts echo
 *   node --import tsx udpFloor.ts ping <port> <count> <intervalUs>
 */
import { createSocket } from 'node:dgram';
import { SystemClock } from '@bftkvs/runtime';

const clock = new SystemClock();
const role = process.argv[2];

if (role === 'echo') {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    // Reply: the ping's bytes with our clock in the last 8 bytes (for the clock-offset estimate).
    if (msg.length >= 16) msg.writeDoubleLE(clock.nowUs(), msg.length - 8);
    sock.send(msg, rinfo.port, rinfo.address);
  });
  sock.bind(0, '127.0.0.1', () => {
    process.stdout.write(`${sock.address().port}\n`);
  });
  process.on('SIGTERM', () => {
    sock.close();
    process.exit(0);
  });
} else if (role === 'ping') {
  const port = Number(process.argv[3]);
  const count = Number(process.argv[4] ?? 1000);
  const intervalUs = Number(process.argv[5] ?? 1000);
  const sock = createSocket('udp4');
  const buf = Buffer.alloc(64);
  const samples = { warm: [] as number[], paced: [] as number[], burst: [] as number[] };
  const offsets: number[] = [];
  const WARM = 100;
  let phase: 'warm' | 'paced' | 'burst' = 'warm';
  let seq = 0;
  let sentAt = 0n;
  let sentClock = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = (): void => {
    seq++;
    buf.writeUInt32LE(seq, 0);
    sentClock = clock.nowUs();
    sentAt = process.hrtime.bigint();
    sock.send(buf, port, '127.0.0.1');
    // A lost datagram must not stall the run: send the next one after 100 ms.
    timer = setTimeout(send, 100);
  };
  const finish = (): void => {
    sock.close();
    process.stdout.write(`${JSON.stringify({ paced: samples.paced, burst: samples.burst, offsets })}\n`);
    process.exit(0);
  };
  const next = (): void => {
    if (phase === 'warm' && samples.warm.length >= WARM) phase = 'paced';
    if (phase === 'paced' && samples.paced.length >= count) phase = 'burst';
    if (phase === 'burst' && samples.burst.length >= count) return finish();
    if (phase === 'burst') setImmediate(send);
    else setTimeout(send, Math.max(1, Math.round(intervalUs / 1_000)));
  };
  sock.on('message', (msg) => {
    if (msg.readUInt32LE(0) !== seq) return;
    const rttUs = Number(process.hrtime.bigint() - sentAt) / 1_000;
    const recvClock = clock.nowUs();
    if (timer !== undefined) clearTimeout(timer);
    if (phase !== 'warm') offsets.push(msg.readDoubleLE(msg.length - 8) - (sentClock + recvClock) / 2);
    samples[phase].push(rttUs);
    next();
  });
  sock.bind(0, '127.0.0.1', () => next());
} else {
  process.stderr.write('usage: udpFloor.ts echo | ping <port> <count> <intervalUs>\n');
  process.exit(2);
}
