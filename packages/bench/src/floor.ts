/**
 * The messaging floor, measured in the same run as the protocol: a raw UDP round trip between
 * two Node processes on loopback (bin/udpFloor.ts), paced like a periodic writer and
 * back-to-back. Every protocol latency is also reported as a ratio to it.
 */
import type { Summary } from './stats.js';
import { summarize } from './stats.js';
import { benchProgram, finished, firstLine } from './procs.js';

export interface FloorResult {
  readonly samples: number;
  readonly intervalUs: number;
  /** Round trip, one datagram every intervalUs (like a writer at 1/interval). */
  readonly paced: Summary;
  /** Round trip, the next ping as soon as the reply arrived. */
  readonly burst: Summary;
  /** Clock offset between the two processes (NTP-style, µs): how far cross-process timestamps can be trusted. */
  readonly clockOffset: Summary;
}

export async function measureFloor(samples = 1_000, intervalUs = 1_000): Promise<FloorResult> {
  const echo = benchProgram('udpFloor', ['echo']);
  try {
    const port = await firstLine(echo);
    const ping = benchProgram('udpFloor', ['ping', port, String(samples), String(intervalUs)]);
    const r = await finished(ping);
    if (r.code !== 0) throw new Error(`UDP floor ping failed (${r.code}): ${r.stderr}`);
    const d = JSON.parse(r.stdout) as { paced: number[]; burst: number[]; offsets: number[] };
    return { samples, intervalUs, paced: summarize(d.paced), burst: summarize(d.burst), clockOffset: summarize(d.offsets.map(Math.abs)) };
  } finally {
    echo.kill('SIGTERM');
  }
}
