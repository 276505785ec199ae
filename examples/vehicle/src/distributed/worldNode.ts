/**
 * `vehicle_world`: the physical world of the testbed, as a process (the role Gazebo plays for a
 * ROS robot). It steps the longitudinal vehicle model in run time, answers the sensors' "what is
 * the true speed at t?", applies the actuator's commands, records the plant for the report and
 * ends the run (its exit shuts the launch down: `on_exit: shutdown`).
 *
 * The plant runs on simulated time locked to the wall clock: every few ms it is advanced to the
 * current run time, in 1 ms model steps, keeping the last 4 s of speeds so a sample request
 * that arrives a little late still gets the speed at its sample time. A command applies from
 * the later of its publish time and the moment it arrives — a late actuator acts late, as a
 * real one would.
 *
 * It talks plain JSON over loopback UDP, not the KVS: on a vehicle these are physics and wires,
 * and the KVS is what is under test.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { NodeOptions } from '@bftkvs/nodes';
import { Node, ParameterError } from '@bftkvs/nodes';
import { clampCommand, initialPlantState, VehiclePlant } from '../plant.js';
import { driveCycle, targetSpeedAt } from '../profile.js';
import { COMMON_PARAMETERS, DRIVE_CYCLE_PARAMETER, clock, waitForEpoch } from './nodeCommon.js';
import { TraceWriter } from './trace.js';
import { WorldRequest, parseDatagram, type WorldReply } from './worldProtocol.js';

export const WORLD_PARAMETERS = {
  ...COMMON_PARAMETERS,
  ...DRIVE_CYCLE_PARAMETER,
  start_delay_s: { type: 'double', default: 10, min: 0, max: 600, description: 'with epoch_us 0: run time 0 is this long after the world starts' },
  step_period_ms: { type: 'integer', default: 5, min: 1, max: 100, description: 'how often the plant is advanced to the wall clock' },
} as const;

const HISTORY_MS = 4096;
/** How far ahead of the world's run time a sample may be asked for (clock differences between processes). */
const MAX_SAMPLE_AHEAD_US = 250_000;

export class WorldNode extends Node<typeof WORLD_PARAMETERS> {
  private socket: Socket | undefined;
  private plant!: VehiclePlant;
  private target!: (tUs: number) => number;
  private epochUs = 0;
  private durationUs = 0;
  private periodUs = 0;
  private readonly speedHistory = new Float64Array(HISTORY_MS);
  private commandU = 0;
  private commandSource = 'failsafe';
  /** Commands not yet due: [runTimeUs, u, source], in arrival order (applied in time order). */
  private queue: { tUs: number; u: number; source: string }[] = [];
  private nextRecordUs = 0;
  private trace!: TraceWriter;
  private rejected = 0;
  private lateCommands = 0;
  private maxCommandLateUs = 0;
  private done = false;

  constructor(opts: NodeOptions = {}) {
    super('vehicle_world', WORLD_PARAMETERS, 'the simulated vehicle and road: serves true speed to the sensors, takes the actuator command', opts);
  }

  async start(): Promise<void> {
    const p = this.params;
    this.periodUs = p.period_ms * 1000;
    this.durationUs = Math.round(p.duration_s * 1e6);
    if (p.epoch_us > 0 && p.epoch_us % this.periodUs !== 0) throw new ParameterError(`parameter 'epoch_us' must be a multiple of period_ms`);
    const fromFile = p.epoch_us === 0 && p.epoch_file !== '' && p.epoch_file !== 'none';
    // Until the epoch is known (epoch file) the world answers no hello and the plant stands still.
    this.epochUs = p.epoch_us > 0 ? p.epoch_us : fromFile ? Number.POSITIVE_INFINITY : Math.ceil((clock.nowUs() + p.start_delay_s * 1e6) / this.periodUs) * this.periodUs;
    const cycle = driveCycle(p.drive_cycle);
    this.plant = new VehiclePlant({ road: cycle.road, initial: initialPlantState({ speedMps: cycle.initialSpeedMps }) });
    this.target = (tUs) => targetSpeedAt(cycle.target, tUs);
    this.speedHistory.fill(cycle.initialSpeedMps);
    this.trace = new TraceWriter(p.trace_dir, this.name);
    this.onShutdown(() => {
      this.trace.write({ k: 'event', tUs: this.plant.state.timeUs, kind: 'note', nodeId: 'world', detail: `${this.lateCommands} commands arrived after their publish time and applied on arrival (at most ${(this.maxCommandLateUs / 1000).toFixed(1)} ms late); ${this.rejected} malformed datagrams dropped` });
      this.trace.close();
    });

    const socket = createSocket('udp4');
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (e) => reject(new Error(`cannot bind the world on 127.0.0.1:${p.world_port}: ${e.message} (another run on this port? choose world_port:=N)`)));
      socket.bind({ address: '127.0.0.1', port: p.world_port }, () => resolve());
    });
    socket.on('error', (e) => this.log.error(`socket: ${e.message}`));
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    this.onShutdown(() => new Promise<void>((r) => socket.close(() => r())));

    this.createTimer(p.step_period_ms, () => this.tick());
    this.log.info(`world on 127.0.0.1:${p.world_port}: drive cycle ${p.drive_cycle}, ${p.duration_s} s`);
    this.log.info('ready');
    if (fromFile) {
      const epochUs = await waitForEpoch(this, p, this.periodUs, undefined);
      if (epochUs === undefined) return;
      this.epochUs = epochUs;
    }
    const inS = (this.epochUs - clock.nowUs()) / 1e6;
    this.log.info(`epoch ${this.epochUs} (${inS >= 0 ? `in ${inS.toFixed(1)} s` : `${(-inS).toFixed(1)} s ago`})`);
  }

  private runNowUs(): number {
    return clock.nowUs() - this.epochUs;
  }

  /** Advances the plant to run time `tUs` (1 ms steps, applying due commands, recording on the grid). */
  private advanceTo(tUs: number): void {
    const limit = Math.min(tUs, this.durationUs + this.periodUs);
    for (;;) {
      const s = this.plant.state;
      if (s.timeUs >= this.nextRecordUs && this.nextRecordUs <= this.durationUs) {
        this.trace.write({ k: 'plant', tUs: s.timeUs, trueSpeedMps: s.speedMps, targetSpeedMps: this.target(s.timeUs), positionM: s.positionM, grade: s.grade, effort: s.effort });
        this.nextRecordUs += this.periodUs;
      }
      if (s.timeUs + 1000 > limit) break;
      this.applyDue(s.timeUs);
      this.plant.advanceTo(s.timeUs + 1000, this.commandU);
      this.speedHistory[Math.floor(this.plant.state.timeUs / 1000) % HISTORY_MS] = this.plant.state.speedMps;
    }
  }

  private applyDue(nowUs: number): void {
    if (this.queue.length === 0) return;
    const due = this.queue.filter((c) => c.tUs <= nowUs).sort((a, b) => a.tUs - b.tUs);
    if (due.length === 0) return;
    this.queue = this.queue.filter((c) => c.tUs > nowUs);
    const last = due[due.length - 1]!;
    this.commandU = clampCommand(last.u);
    this.commandSource = last.source;
  }

  private tick(): void {
    const now = this.runNowUs();
    if (now < 0) return;
    this.advanceTo(now);
    if (!this.done && now > this.durationUs + this.periodUs) {
      this.done = true;
      this.log.info(`run complete (${this.durationUs / 1e6} s)`);
      void this.shutdown('run complete');
    }
  }

  private reply(r: WorldReply, rinfo: RemoteInfo): void {
    this.socket?.send(JSON.stringify(r), rinfo.port, rinfo.address);
  }

  private onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    // Loopback only: the world is part of the simulation host, never reachable from elsewhere.
    if (rinfo.address !== '127.0.0.1') {
      this.rejected++;
      return;
    }
    const req = parseDatagram(WorldRequest, msg);
    if (req === undefined) {
      this.rejected++;
      return;
    }
    const now = this.runNowUs();
    switch (req.op) {
      case 'hello':
        if (!Number.isFinite(this.epochUs)) {
          this.reply({ op: 'error', id: req.id, message: 'the run has not started (no epoch yet)' }, rinfo);
          return;
        }
        this.reply({ op: 'hello', id: req.id, epochUs: this.epochUs, durationUs: this.durationUs, driveCycle: this.params.drive_cycle }, rinfo);
        return;
      case 'status': {
        if (now > 0) this.advanceTo(now);
        const s = this.plant.state;
        this.reply({ op: 'status', id: req.id, tUs: s.timeUs, speedMps: s.speedMps, targetMps: this.target(s.timeUs), commandU: this.commandU, commandSource: this.commandSource, done: this.done }, rinfo);
        return;
      }
      case 'sample': {
        // The sensor's clock may run a little ahead of this one: advance the plant to its sample
        // time (the model is exact in simulated time). Far ahead is a broken clock, not a sample.
        if (req.tUs > now + MAX_SAMPLE_AHEAD_US) {
          this.reply({ op: 'error', id: req.id, message: `sample time ${req.tUs} µs is ahead of the world (${now} µs)` }, rinfo);
          return;
        }
        if (req.tUs <= 0) {
          this.reply({ op: 'sample', id: req.id, tUs: req.tUs, speedMps: this.speedHistory[0]! }, rinfo);
          return;
        }
        if (req.tUs > this.plant.state.timeUs) this.advanceTo(req.tUs);
        const ageMs = (this.plant.state.timeUs - req.tUs) / 1000;
        if (ageMs >= HISTORY_MS - 1) {
          this.reply({ op: 'error', id: req.id, message: `sample time ${req.tUs} µs is older than the ${HISTORY_MS} ms the world keeps` }, rinfo);
          return;
        }
        this.reply({ op: 'sample', id: req.id, tUs: req.tUs, speedMps: this.speedHistory[Math.floor(req.tUs / 1000) % HISTORY_MS]! }, rinfo);
        return;
      }
      case 'command': {
        // Everything before now has happened already: a late command applies from now.
        if (now > 0) this.advanceTo(now);
        const plantUs = this.plant.state.timeUs;
        if (req.tUs < plantUs) {
          // Before run time 0 (pre-roll) the vehicle stands still: the command only waits for it.
          if (req.tUs >= 0) {
            this.lateCommands++;
            this.maxCommandLateUs = Math.max(this.maxCommandLateUs, plantUs - req.tUs);
          }
          this.commandU = clampCommand(req.u);
          this.commandSource = req.source;
        } else {
          this.queue.push({ tUs: req.tUs, u: req.u, source: req.source });
          if (this.queue.length > 1000) this.queue.shift(); // bounded: a flood cannot grow memory
        }
        return;
      }
    }
  }
}
