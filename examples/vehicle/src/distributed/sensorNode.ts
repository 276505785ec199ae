/**
 * `vehicle_sensor`: one wheel-speed sensor as a node. On every point t of the sensor grid it
 * takes a sample of its source for time t and writes it to the KVS key `speed` with publish
 * time t + lead (LET: every correct replica has it by then, or every one ignores it).
 *
 * Sources (`source` parameter):
 * - `sim`: the simulated wheel-speed sensor (sensors.ts: bias, noise, quantisation, faults),
 *   measuring the world simulator's true speed;
 * - `recorded`: a recorded `time,value` CSV replayed on the run's time base (`recorded_file`),
 *   with the same fault layer.
 * A real sensor publishing on a ROS topic needs no node here: the replica's ROS binding maps
 * the topic to the key (docs/ros.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KvsClient } from '@bftkvs/client';
import { isKvsClientError } from '@bftkvs/client';
import type { NodeOptions } from '@bftkvs/nodes';
import { Node, ParameterError } from '@bftkvs/nodes';
import { sensorSeed } from '../baseline.js';
import { SENSOR_BIAS_MPS, SENSOR_IDS, describeFault } from '../scenarios.js';
import { DEFAULT_SENSOR_NOISE, RecordedSpeedSource, WheelSpeedSensor, isActive, parseSpeedCsv, type SensorFault, type SpeedSource } from '../sensors.js';
import { SPEED_KEY } from '../keys.js';
import { parseSensorFaults } from './faultParams.js';
import { COMMON_PARAMETERS, KVS_PARAMETERS, LagMeter, WriteFailures, clock, connectKvs, prerollUs, startGridTimer, waitForEpoch } from './nodeCommon.js';
import { TraceWriter } from './trace.js';
import { WorldClient } from './worldProtocol.js';

export const SENSOR_PARAMETERS = {
  ...COMMON_PARAMETERS,
  ...KVS_PARAMETERS,
  sensor_id: { type: 'string', description: `this sensor's writer id in the cluster file (${SENSOR_IDS.join(', ')})` },
  key: { type: 'string', default: SPEED_KEY, description: 'the KVS key it writes' },
  lead_ms: { type: 'integer', default: 50, min: 1, max: 10_000, description: 'publish time = sample time + lead (>= the cluster lead plus timer lag)' },
  source: { type: 'string', default: 'sim', choices: ['sim', 'recorded'], description: 'sim: simulated sensor on the world; recorded: replay recorded_file' },
  recorded_file: { type: 'string', default: '', description: 'with source recorded: a time,value CSV (header time_s/time_ms/time_us or s by default)' },
  recorded_offset_s: { type: 'double', default: 0, description: 'with source recorded: shift the recording by this much run time' },
  seed: { type: 'integer', default: 1, min: 0, description: "the run's seed (this sensor's noise stream is derived from it and the sensor's index)" },
  noise_std_mps: { type: 'double', default: DEFAULT_SENSOR_NOISE.noiseStdMps, min: 0, max: 100, description: 'measurement noise, standard deviation' },
  quantum_mps: { type: 'double', default: DEFAULT_SENSOR_NOISE.quantumMps, min: 0, max: 100, description: 'output resolution (0: none)' },
  bias_mps: { type: 'double', default: Number.NaN, description: "constant bias; NaN = this sensor's calibration in scenarios.ts" },
  fault: { type: 'string', default: 'none', description: 'injected fault: stuck@20s, offset:+3@20s, scale:1.1@20s..40s, dropout:0.3@20s, noisy:0.5@20s (comma-separated)' },
} as const;

export class SensorNode extends Node<typeof SENSOR_PARAMETERS> {
  constructor(opts: NodeOptions = {}) {
    // A NaN default cannot be written as a parameter; accept the double check for the declared NaN.
    super('vehicle_sensor', SENSOR_PARAMETERS, 'a wheel-speed sensor: samples its source on the LET grid and writes the KVS key', opts);
  }

  async start(): Promise<void> {
    const p = this.params;
    const id = p.sensor_id;
    const periodUs = p.period_ms * 1000;
    const leadUs = p.lead_ms * 1000;
    const faults = parseSensorFaults(p.fault);
    const index = (SENSOR_IDS as readonly string[]).indexOf(id);
    const bias = Number.isNaN(p.bias_mps) ? (SENSOR_BIAS_MPS[id] ?? 0) : p.bias_mps;
    let source: SpeedSource;
    if (p.source === 'recorded') {
      if (p.recorded_file === '') throw new ParameterError("parameter 'recorded_file' is required with source recorded");
      const samples = parseSpeedCsv(readFileSync(resolve(p.recorded_file), 'utf8'));
      source = new RecordedSpeedSource({ id, samples, timeOffsetUs: Math.round(p.recorded_offset_s * 1e6), afterEnd: 'silent', faults }, sensorSeed(p.seed, Math.max(0, index)));
    } else {
      source = new WheelSpeedSensor({ id, seed: sensorSeed(p.seed, Math.max(0, index)), biasMps: bias, noiseStdMps: p.noise_std_mps, quantumMps: p.quantum_mps, faults });
    }

    const world = await WorldClient.connect(p.world_port);
    this.onShutdown(() => world.close());
    const kvs = await connectKvs(p, id);
    this.onShutdown(() => kvs.client.close());
    const schema = kvs.config.cluster.keys.get(p.key);
    if (schema === undefined) throw new ParameterError(`key '${p.key}' is not in ${p.cluster_file}`);
    if (!schema.writers.includes(id)) throw new ParameterError(`'${id}' is not an authorised writer of '${p.key}' (writers: ${schema.writers.join(', ')})`);
    if (schema.grid.periodUs !== periodUs) throw new ParameterError(`period_ms ${p.period_ms} differs from the key's period (${schema.grid.periodUs / 1000} ms)`);
    const minLeadUs = kvs.config.cluster.timing.leadUs;
    if (leadUs < minLeadUs) throw new ParameterError(`lead_ms ${p.lead_ms} is below the cluster's minimum write lead (${minLeadUs / 1000} ms)`);

    this.log.info(`${id}: ${p.source} source, writes '${p.key}' every ${p.period_ms} ms (lead ${p.lead_ms} ms) through replica ${kvs.replica}${faults.length > 0 ? `; FAULT: ${p.fault}` : ''}`);
    this.log.info('ready');
    const epochUs = await waitForEpoch(this, p, periodUs, world);
    if (epochUs === undefined) return;
    const durationUs = Math.round(p.duration_s * 1e6);
    const trace = new TraceWriter(p.trace_dir, this.name);
    const lag = new LagMeter();
    const failures = new WriteFailures(trace, id, p.key);
    this.onShutdown(() => {
      failures.end();
      trace.write(lag.line(id));
      trace.close();
    });

    let active = new Set<SensorFault>();
    const faultEdges = (tUs: number): void => {
      const now = new Set(faults.filter((f) => isActive(f, tUs)));
      for (const f of now) if (!active.has(f)) trace.write({ k: 'event', tUs, kind: 'faultInjected', nodeId: id, detail: describeFault({ kind: 'sensor', nodeId: id, fault: f }) });
      for (const f of active) if (!now.has(f)) trace.write({ k: 'event', tUs, kind: 'faultCleared', nodeId: id, detail: describeFault({ kind: 'sensor', nodeId: id, fault: f }) });
      active = now;
    };

    // Slack for the sample round trip and the write itself, on top of the cluster's minimum lead.
    const latestLagUs = leadUs - minLeadUs - 3_000;
    startGridTimer(this, {
      epochUs,
      periodUs,
      firstUs: -prerollUs(p.preroll_s, periodUs),
      lastUs: durationUs - leadUs,
      lag,
      onSkipped: (tUs) => trace.write({ k: 'event', tUs: tUs + leadUs, kind: 'deadlineMiss', nodeId: `${p.key} (${id})`, detail: 'sensor timer fired more than a period late' }),
      onTick: (tUs, lagUs) => {
        faultEdges(tUs);
        if (lagUs > latestLagUs) {
          trace.write({ k: 'event', tUs: tUs + leadUs, kind: 'deadlineMiss', nodeId: `${p.key} (${id})`, detail: `sensor timer ${(lagUs / 1000).toFixed(1)} ms late: too late to write for ${((tUs + leadUs) / 1e6).toFixed(2)} s` });
          return;
        }
        this.sampleAndWrite(world, kvs.client, source, tUs, epochUs, leadUs, trace, failures).catch((e: unknown) => {
          // A model error must not take the node down: log it, count it as a failed write.
          this.log.error(`sample ${tUs} µs: ${e instanceof Error ? e.message : String(e)}`);
          failures.failed(tUs + leadUs, 'ERROR', e instanceof Error ? e.message : String(e));
        });
      },
    });
  }

  private async sampleAndWrite(
    world: WorldClient,
    client: KvsClient,
    source: SpeedSource,
    tUs: number,
    epochUs: number,
    leadUs: number,
    trace: TraceWriter,
    failures: WriteFailures,
  ): Promise<void> {
    const id = this.params.sensor_id;
    let truth: number;
    try {
      truth = await world.sample(tUs, 15);
    } catch (e) {
      failures.failed(tUs + leadUs, 'NO_SAMPLE', (e as Error).message);
      return;
    }
    // Before run time 0 (pre-roll) the vehicle stands still at its run-time-0 state: sample that.
    const v = source.sample(Math.max(0, tUs), truth);
    if (v === undefined) return; // dropout / outside the recording: nothing to publish
    const t0 = clock.nowUs();
    try {
      await client.write(this.params.key, v, { writer: id, publishTimeUs: epochUs + tUs + leadUs, timeoutMs: Math.max(5, (leadUs - 15_000) / 1000) });
      failures.succeeded();
      trace.write({ k: 'sensor', tUs: tUs + leadUs, sensorId: id, valueMps: v });
      trace.write({ k: 'lat', tUs: tUs + leadUs, key: this.params.key, writerId: id, latencyUs: Math.max(0, clock.nowUs() - t0) });
    } catch (e) {
      const code = isKvsClientError(e) ? e.code : 'ERROR';
      if (code === 'TOO_LATE') trace.write({ k: 'event', tUs: tUs + leadUs, kind: 'deadlineMiss', nodeId: `${this.params.key} (${id})`, detail: `write refused: ${(e as Error).message}` });
      failures.failed(tUs + leadUs, code, (e as Error).message);
    }
  }
}
