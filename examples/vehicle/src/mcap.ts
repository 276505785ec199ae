/**
 * A run record as an MCAP file (for Foxglove): JSON-encoded messages, one `jsonschema` schema per
 * channel, log and publish times in ns (from the record's µs). Channels:
 *
 *   /speed/true        the plant (true speed, position, grade, effort)
 *   /speed/target      the target speed
 *   /speed/fused       the fused `speed` slot (value, writers, agreed)
 *   /sensor/<id>       each sensor's publications
 *   /controller/<id>   each controller's commands
 *   /actuator/command  the command the actuator applied (fresh / held / failsafe)
 *   /kvs/write_latency each write's latency (only when the record has any)
 *   /diagnostics       faults, suspicions, deadline misses, notes (schema `foxglove.Log`, so
 *                      Foxglove's Log panel shows them)
 *
 * Encoding happens in memory (`encodeMcap` → bytes); writing the bytes to disk is the caller's.
 */
import { McapWriter, type IWritable } from '@mcap/core';
import type { RunEvent, RunRecord } from './record.js';

/** Collects what McapWriter writes. */
class MemoryWritable implements IWritable {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  async write(buffer: Uint8Array): Promise<void> {
    this.chunks.push(buffer.slice());
    this.size += buffer.byteLength;
  }

  position(): bigint {
    return BigInt(this.size);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}

const TIME_SCHEMA = {
  type: 'object',
  title: 'time',
  properties: { sec: { type: 'integer', minimum: 0 }, nsec: { type: 'integer', minimum: 0, maximum: 999_999_999 } },
  required: ['sec', 'nsec'],
} as const;

function objectSchema(title: string, description: string, properties: Record<string, unknown>): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    description,
    type: 'object',
    properties: { timestamp: TIME_SCHEMA, ...properties },
    required: ['timestamp', ...Object.keys(properties)],
  };
}

const num = (description: string): Record<string, unknown> => ({ type: 'number', description });
const str = (description: string): Record<string, unknown> => ({ type: 'string', description });
const strs = (description: string): Record<string, unknown> => ({ type: 'array', items: { type: 'string' }, description });

export const MCAP_SCHEMAS = {
  plant: objectSchema('bftkvs.vehicle.PlantState', 'True state of the simulated vehicle.', {
    speed_mps: num('true speed, m/s'),
    position_m: num('distance travelled, m'),
    grade: num('road grade, rise/run'),
    effort: num('actuator effort after the lag, [-1, 1]'),
  }),
  target: objectSchema('bftkvs.vehicle.TargetSpeed', 'Target speed of the drive cycle.', { speed_mps: num('target speed, m/s') }),
  fused: objectSchema('bftkvs.vehicle.FusedSpeed', 'The fused speed slot as read by the controllers.', {
    speed_mps: num('fused speed, m/s'),
    writers: strs('sensors whose values were fused'),
    agreed: { type: 'boolean', description: 'slot agreed when read' },
  }),
  sensor: objectSchema('bftkvs.vehicle.SensorReading', 'One wheel-speed sensor publication.', { sensor_id: str('sensor node id'), speed_mps: num('measured speed, m/s') }),
  controller: objectSchema('bftkvs.vehicle.ControllerCommand', 'One controller replica command.', {
    controller_id: str('controller node id'),
    command: num('throttle (+) / brake (-) command, [-1, 1]'),
  }),
  command: objectSchema('bftkvs.vehicle.ActuatorCommand', 'The command the actuator applied.', {
    command: num('applied command, [-1, 1]'),
    source: { type: 'string', enum: ['fresh', 'held', 'failsafe'], description: 'fresh slot, held last command, or failsafe coast' },
    agreed: { type: 'boolean', description: 'the command slot was agreed' },
    writers: strs('controllers whose commands were fused'),
  }),
  latency: objectSchema('bftkvs.vehicle.WriteLatency', 'Latency of one KVS write.', {
    key: str('key written'),
    writer_id: str('writer node id'),
    latency_us: num('write latency, µs'),
  }),
  log: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'foxglove.Log',
    description: 'A log message (Foxglove Log schema): faults, suspicions, deadline misses.',
    type: 'object',
    properties: {
      timestamp: TIME_SCHEMA,
      level: { type: 'integer', enum: [0, 1, 2, 3, 4, 5], description: '0 unknown, 1 debug, 2 info, 3 warning, 4 error, 5 fatal' },
      message: { type: 'string' },
      name: { type: 'string', description: 'node id' },
      file: { type: 'string' },
      line: { type: 'integer', minimum: 0 },
    },
    required: ['timestamp', 'level', 'message', 'name', 'file', 'line'],
  },
} as const;

const LEVEL: Readonly<Record<RunEvent['kind'], number>> = {
  faultInjected: 3,
  faultCleared: 2,
  suspected: 4,
  unsuspected: 2,
  deadlineMiss: 3,
  crash: 4,
  restart: 2,
  note: 2,
};

export function stamp(tUs: number): { sec: number; nsec: number } {
  const sec = Math.floor(tUs / 1e6);
  return { sec, nsec: (tUs - sec * 1e6) * 1000 };
}

export function nsFromUs(tUs: number): bigint {
  return BigInt(tUs) * 1000n;
}

interface Pending {
  readonly topic: string;
  readonly tUs: number;
  readonly order: number;
  readonly body: Record<string, unknown>;
}

/** The topics and message counts `encodeMcap` will write for a record. */
export function mcapTopics(record: RunRecord): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of pendingMessages(record)) m.set(p.topic, (m.get(p.topic) ?? 0) + 1);
  return m;
}

function pendingMessages(r: RunRecord): Pending[] {
  const out: Pending[] = [];
  let order = 0;
  const push = (topic: string, tUs: number, body: Record<string, unknown>): void => {
    out.push({ topic, tUs, order: order++, body: { timestamp: stamp(tUs), ...body } });
  };
  for (const p of r.plant) {
    push('/speed/true', p.tUs, { speed_mps: p.trueSpeedMps, position_m: p.positionM, grade: p.grade, effort: p.effort });
    push('/speed/target', p.tUs, { speed_mps: p.targetSpeedMps });
  }
  for (const f of r.fused) push('/speed/fused', f.tUs, { speed_mps: f.valueMps, writers: [...f.writers], agreed: f.agreed });
  for (const s of r.sensors) push(`/sensor/${s.sensorId}`, s.tUs, { sensor_id: s.sensorId, speed_mps: s.valueMps });
  for (const c of r.controllers) push(`/controller/${c.controllerId}`, c.tUs, { controller_id: c.controllerId, command: c.commandU });
  for (const c of r.commands) push('/actuator/command', c.tUs, { command: c.commandU, source: c.source, agreed: c.agreed, writers: [...c.writers] });
  for (const w of r.writeLatencies) push('/kvs/write_latency', w.tUs, { key: w.key, writer_id: w.writerId, latency_us: w.latencyUs });
  for (const e of r.events) push('/diagnostics', e.tUs, { level: LEVEL[e.kind], message: `${e.kind}: ${e.detail}`, name: e.nodeId, file: '', line: 0 });
  // Log-time order (stable), as readers that stream the file expect.
  out.sort((a, b) => a.tUs - b.tUs || a.order - b.order);
  return out;
}

function schemaFor(topic: string): Record<string, unknown> {
  if (topic === '/speed/true') return MCAP_SCHEMAS.plant;
  if (topic === '/speed/target') return MCAP_SCHEMAS.target;
  if (topic === '/speed/fused') return MCAP_SCHEMAS.fused;
  if (topic.startsWith('/sensor/')) return MCAP_SCHEMAS.sensor;
  if (topic.startsWith('/controller/')) return MCAP_SCHEMAS.controller;
  if (topic === '/actuator/command') return MCAP_SCHEMAS.command;
  if (topic === '/kvs/write_latency') return MCAP_SCHEMAS.latency;
  return MCAP_SCHEMAS.log;
}

/** Encodes a run record as MCAP bytes. */
export async function encodeMcap(record: RunRecord): Promise<Uint8Array> {
  const sink = new MemoryWritable();
  const writer = new McapWriter({ writable: sink, useStatistics: true, useSummaryOffsets: true, useChunks: true, useChunkIndex: true, useMessageIndex: true });
  await writer.start({ profile: '', library: '@bftkvs/vehicle' });
  const enc = new TextEncoder();
  const schemaIds = new Map<string, number>();
  const channelIds = new Map<string, number>();
  const seq = new Map<number, number>();
  const messages = pendingMessages(record);
  const topics = [...new Set(messages.map((m) => m.topic))].sort();
  for (const topic of topics) {
    const schema = schemaFor(topic);
    const name = String(schema['title']);
    let schemaId = schemaIds.get(name);
    if (schemaId === undefined) {
      schemaId = await writer.registerSchema({ name, encoding: 'jsonschema', data: enc.encode(JSON.stringify(schema)) });
      schemaIds.set(name, schemaId);
    }
    channelIds.set(topic, await writer.registerChannel({ topic, schemaId, messageEncoding: 'json', metadata: new Map([['run', `${record.meta.scenario}/${record.meta.kind}`]]) }));
  }
  for (const m of messages) {
    const channelId = channelIds.get(m.topic)!;
    const n = seq.get(channelId) ?? 0;
    seq.set(channelId, n + 1);
    const t = nsFromUs(m.tUs);
    await writer.addMessage({ channelId, sequence: n, logTime: t, publishTime: t, data: enc.encode(JSON.stringify(m.body)) });
  }
  await writer.addMetadata({
    name: 'bftkvs.run',
    metadata: new Map([
      ['scenario', record.meta.scenario],
      ['kind', record.meta.kind],
      ['seed', String(record.meta.seed)],
      ['duration_us', String(record.meta.durationUs)],
    ]),
  });
  await writer.end();
  return sink.bytes();
}
