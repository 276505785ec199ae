/**
 * `vehicle_controller`: one replica of the cruise controller as a node. When the agreed `speed`
 * slot t is published at its replica, it adopts the controller state carried by the `command`
 * slot t (the fused output of the previous step, every correct replica's state), steps the PI
 * controller with t + lead as the command's publish time, and writes the command vector
 * (command + state) to `command` for t + lead. Inputs are only agreed values and the grid time,
 * so correct replicas write bit-identical vectors (controller.ts explains why).
 *
 * It is driven by slot notices (KvsClient.subscribe), not by polling: the step starts as soon
 * as the local replica publishes, which leaves the most of the lead for a loaded machine.
 */
import type { KvsClient, SlotUpdate } from '@bftkvs/client';
import { isKvsClientError } from '@bftkvs/client';
import type { NodeOptions } from '@bftkvs/nodes';
import { Node, ParameterError } from '@bftkvs/nodes';
import { CruiseController, DEFAULT_PID, decodeCommandVector, type ControllerFault } from '../controller.js';
import { isActive as faultIsActive } from '../sensors.js';
import { COMMAND_KEY, SPEED_KEY } from '../keys.js';
import { driveCycle, targetAccelerationAt, targetSpeedAt } from '../profile.js';
import { CONTROLLER_IDS, describeFault } from '../scenarios.js';
import { parseControllerFaults } from './faultParams.js';
import { COMMON_PARAMETERS, DRIVE_CYCLE_PARAMETER, KVS_PARAMETERS, WriteFailures, clock, connectKvs, prerollUs, runNowUs, waitForEpoch } from './nodeCommon.js';
import { TraceWriter } from './trace.js';
import { WorldClient } from './worldProtocol.js';

export const CONTROLLER_PARAMETERS = {
  ...COMMON_PARAMETERS,
  ...KVS_PARAMETERS,
  ...DRIVE_CYCLE_PARAMETER,
  controller_id: { type: 'string', description: `this controller's writer id in the cluster file (${CONTROLLER_IDS.join(', ')})` },
  kp: { type: 'double', default: DEFAULT_PID.kp, min: 0, max: 100, description: 'proportional gain, command per m/s' },
  ki: { type: 'double', default: DEFAULT_PID.ki, min: 0, max: 100, description: 'integral gain, command per m/s·s' },
  kd: { type: 'double', default: DEFAULT_PID.kd, min: 0, max: 100, description: 'derivative gain on the measurement (0: PI)' },
  spread_limit_mps: {
    type: 'double',
    default: 1,
    min: 0,
    max: 100,
    description: 'a speed slot with fewer values than writers whose values lie further apart than this is not used (one is wrong and the tie-breaker is missing)',
  },
  state_wait_ms: { type: 'double', default: 8, min: 0, max: 1000, description: 'how long to wait for the previous command slot (the state to adopt) after the speed slot arrived' },
  fault: { type: 'string', default: 'none', description: 'injected fault: random:SEED@20s..40s, offset:+0.5@20s, stuck[:U]@20s (comma-separated)' },
} as const;

export class ControllerNode extends Node<typeof CONTROLLER_PARAMETERS> {
  constructor(opts: NodeOptions = {}) {
    super('vehicle_controller', CONTROLLER_PARAMETERS, 'a cruise-controller replica: reads the agreed speed, writes the command on the LET grid', opts);
  }

  async start(): Promise<void> {
    const p = this.params;
    const id = p.controller_id;
    const periodUs = p.period_ms * 1000;
    const leadUs = periodUs;
    const faults: ControllerFault[] = parseControllerFaults(p.fault);
    const controller = new CruiseController({ id, params: { ...DEFAULT_PID, kp: p.kp, ki: p.ki, kd: p.kd, periodUs }, faults });
    const cycle = driveCycle(p.drive_cycle);

    const kvs = await connectKvs(p, id);
    this.onShutdown(() => kvs.client.close());
    for (const key of [SPEED_KEY, COMMAND_KEY]) {
      const schema = kvs.config.cluster.keys.get(key);
      if (schema === undefined) throw new ParameterError(`key '${key}' is not in ${p.cluster_file}`);
      if (schema.grid.periodUs !== periodUs) throw new ParameterError(`period_ms ${p.period_ms} differs from key '${key}' (${schema.grid.periodUs / 1000} ms)`);
    }
    if (!kvs.config.cluster.keys.get(COMMAND_KEY)!.writers.includes(id)) throw new ParameterError(`'${id}' is not an authorised writer of '${COMMAND_KEY}'`);
    const minLeadUs = kvs.config.cluster.timing.leadUs;
    const speedWriters = kvs.config.cluster.keys.get(SPEED_KEY)!.writers.length;
    if (leadUs < minLeadUs + 5_000) throw new ParameterError(`period_ms ${p.period_ms} leaves no time for a step: the cluster's write lead is ${minLeadUs / 1000} ms`);

    this.log.info(`${id}: PI kp ${p.kp} ki ${p.ki}${p.kd > 0 ? ` kd ${p.kd}` : ''}, writes '${COMMAND_KEY}' every ${p.period_ms} ms through replica ${kvs.replica}${faults.length > 0 ? `; FAULT: ${p.fault}` : ''}`);
    this.log.info('ready');
    const world = p.epoch_us > 0 || (p.epoch_file !== '' && p.epoch_file !== 'none') ? undefined : await WorldClient.connect(p.world_port);
    let epochUs: number | undefined;
    try {
      epochUs = await waitForEpoch(this, p, periodUs, world);
    } finally {
      await world?.close();
    }
    if (epochUs === undefined) return;
    const epoch = epochUs;
    const durationUs = Math.round(p.duration_s * 1e6);
    const trace = new TraceWriter(p.trace_dir, this.name);
    const failures = new WriteFailures(trace, id, COMMAND_KEY);
    this.onShutdown(() => {
      failures.end();
      trace.close();
    });

    const firstUs = -prerollUs(p.preroll_s, periodUs);
    const speed = new Map<number, SlotUpdate>();
    const commands = new Map<number, SlotUpdate>();
    const waiting = new Map<number, { cancel(): void }>();
    let lastStepUs = Number.NEGATIVE_INFINITY; // run times are negative during the pre-roll
    let activeFaults = new Set<ControllerFault>();

    const step = (tUs: number): void => {
      waiting.get(tUs)?.cancel();
      waiting.delete(tUs);
      const pubUs = tUs + leadUs;
      if (tUs <= lastStepUs || pubUs > durationUs || this.shuttingDown) return;
      const slot = speed.get(tUs);
      if (slot === undefined || typeof slot.value !== 'number') return;
      // With every sensor in, the median masks one wrong value. With one missing (its node down,
      // its write late) the "median" of two is their midpoint: if they disagree, one of them is
      // wrong and nothing says which — skip the period (the actuator holds) rather than act on it.
      const values = slot.contributions.map((c) => c.value).filter((v): v is number => typeof v === 'number');
      if (values.length < speedWriters && values.length > 0 && Math.max(...values) - Math.min(...values) > p.spread_limit_mps) {
        lastStepUs = tUs;
        trace.write({ k: 'event', tUs: tUs + leadUs, kind: 'deadlineMiss', nodeId: `${COMMAND_KEY} (${id})`, detail: `speed slot ${(tUs / 1e6).toFixed(2)} s has ${values.length} of ${speedWriters} values, ${(Math.max(...values) - Math.min(...values)).toFixed(2)} m/s apart: not used` });
        return;
      }
      // Too late to meet the lead: skip the period rather than write a command that will be refused.
      const late = runNowUs(epoch) - (pubUs - minLeadUs - 2_000);
      if (late > 0) {
        trace.write({ k: 'event', tUs: pubUs, kind: 'deadlineMiss', nodeId: `${COMMAND_KEY} (${id})`, detail: `speed slot ${(tUs / 1e6).toFixed(2)} s handled ${(late / 1000).toFixed(1)} ms too late to write` });
        return;
      }
      lastStepUs = tUs;
      const prev = commands.get(tUs);
      if (prev !== undefined && Array.isArray(prev.value)) {
        try {
          controller.adopt(decodeCommandVector(prev.value as number[]).state);
        } catch (e) {
          trace.write({ k: 'event', tUs, kind: 'note', nodeId: id, detail: `agreed command not adopted: ${(e as Error).message}` });
        }
      }
      const nowFaults = new Set(faults.filter((f) => faultIsActive(f, pubUs)));
      for (const f of nowFaults) if (!activeFaults.has(f)) trace.write({ k: 'event', tUs: pubUs, kind: 'faultInjected', nodeId: id, detail: describeFault({ kind: 'controller', nodeId: id, fault: f }) });
      for (const f of activeFaults) if (!nowFaults.has(f)) trace.write({ k: 'event', tUs: pubUs, kind: 'faultCleared', nodeId: id, detail: describeFault({ kind: 'controller', nodeId: id, fault: f }) });
      activeFaults = nowFaults;
      const out = controller.step({ publishTimeUs: pubUs, measuredMps: slot.value, targetMps: targetSpeedAt(cycle.target, pubUs), targetAccelMps2: targetAccelerationAt(cycle.target, pubUs) });
      this.write(kvs.client, out.vector, out.commandU, epoch + pubUs, pubUs, trace, failures).catch((e: unknown) => this.log.error(`write: ${e instanceof Error ? e.message : String(e)}`));
    };

    kvs.client.subscribe([SPEED_KEY, COMMAND_KEY], (s) => {
      const tUs = s.publishTimeUs - epoch;
      if (tUs < firstUs || tUs > durationUs) return;
      const map = s.key === SPEED_KEY ? speed : commands;
      if (map.has(tUs)) return; // a later notice (agreed, repaired): the step used the first one
      map.set(tUs, s);
      // Bounded memory: keep about two seconds of slots.
      for (const m of [speed, commands]) for (const k of m.keys()) if (k < tUs - 2_000_000) m.delete(k);
      if (s.key === COMMAND_KEY) {
        if (speed.has(tUs) && waiting.has(tUs)) step(tUs);
        return;
      }
      // The first command slot is written after the first speed slot: nothing to adopt before it.
      if (commands.has(tUs) || tUs < firstUs + 2 * periodUs) step(tUs);
      else if (!waiting.has(tUs)) waiting.set(tUs, this.createOneShotTimer(p.state_wait_ms, () => step(tUs)));
    });
  }

  private async write(client: KvsClient, vector: number[], commandU: number, publishTimeUs: number, pubRunUs: number, trace: TraceWriter, failures: WriteFailures): Promise<void> {
    const id = this.params.controller_id;
    const t0 = clock.nowUs();
    try {
      await client.write(COMMAND_KEY, vector, { writer: id, publishTimeUs, timeoutMs: 20 });
      failures.succeeded();
      trace.write({ k: 'ctrl', tUs: pubRunUs, controllerId: id, commandU });
      trace.write({ k: 'lat', tUs: pubRunUs, key: COMMAND_KEY, writerId: id, latencyUs: Math.max(0, clock.nowUs() - t0) });
    } catch (e) {
      const code = isKvsClientError(e) ? e.code : 'ERROR';
      if (code === 'TOO_LATE') trace.write({ k: 'event', tUs: pubRunUs, kind: 'deadlineMiss', nodeId: `${COMMAND_KEY} (${id})`, detail: `write refused: ${(e as Error).message}` });
      failures.failed(pubRunUs, code, (e as Error).message);
    }
  }
}
