import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader, McapStreamReader, type McapTypes } from '@mcap/core';
import { runBaselineLoop, runIdealReplicatedLoop } from './baseline.js';
import { encodeMcap, mcapTopics } from './mcap.js';
import { NOMINAL_BOUND, latencyStats, percentile } from './metrics.js';
import { checkRunRecord, type RunRecord } from './record.js';
import { faultWindows, renderReportHtml, summarize, writeRunReport } from './report.js';
import { scenario, withDuration } from './scenarios.js';
import { decimate, niceTicks } from './svg.js';

const S = 1_000_000;

/** A short run with some KVS write latencies added, as the distributed run would record. */
function sample(name = 'sensor-lying', seconds = 25): { ideal: RunRecord; baseline: RunRecord } {
  const sc = withDuration(scenario(name), seconds * S);
  const ideal = runIdealReplicatedLoop({ scenario: sc, seed: 3 });
  const withLatency: RunRecord = {
    ...ideal,
    writeLatencies: ideal.sensors.map((x, i) => ({ tUs: x.tUs, key: 'speed', writerId: x.sensorId, latencyUs: 300 + ((i * 37) % 400) })),
  };
  return { ideal: withLatency, baseline: runBaselineLoop({ scenario: sc, seed: 3 }) };
}

test('summary: valid JSON with tracking, misses, faults, suspicions, latency and a verdict', (t) => {
  const { ideal, baseline } = sample();
  const sum = JSON.parse(JSON.stringify(summarize(ideal))) as ReturnType<typeof summarize>;
  t.is(sum.scenario, 'sensor-lying');
  t.is(sum.kind, 'idealReplicated');
  t.is(sum.verdict.status, 'pass');
  t.true(sum.tracking.withinBound);
  t.deepEqual(sum.tracking.bound, NOMINAL_BOUND);
  t.is(sum.deadlineMisses.total, 0);
  t.deepEqual(
    sum.faultsInjected.map((f) => [f.atS, f.nodeId]),
    [[20, 'sensor-c']],
  );
  t.deepEqual(
    sum.nodesSuspected.map((n) => n.nodeId),
    ['sensor-c'],
  );
  t.is(sum.writeLatency!.count, ideal.sensors.length);
  t.true(sum.writeLatency!.p50Us >= 300 && sum.writeLatency!.p99Us <= sum.writeLatency!.maxUs);
  t.truthy(sum.writeLatencyByKey['speed']);
  const b = summarize(baseline);
  t.is(b.verdict.status, 'fail');
  t.is(b.writeLatency, null);
});

test('summary verdicts: beyond f is reported; a beyond-f run the loop cannot see is flagged, not passed', (t) => {
  const reported = summarize(runIdealReplicatedLoop({ scenario: withDuration(scenario('beyond-f-sensors'), 30 * S), seed: 1 }));
  t.is(reported.verdict.status, 'reported');
  t.regex(reported.verdict.text, /tracking bound exceeded/);
  const blind = summarize(runIdealReplicatedLoop({ scenario: withDuration(scenario('beyond-f-replicas'), 30 * S), seed: 1 }));
  t.is(blind.verdict.status, 'unreported');
  t.regex(blind.verdict.text, /does not model/);
});

test('percentiles and latency statistics', (t) => {
  t.is(percentile([], 50), undefined);
  t.is(percentile([5, 1, 3], 50), 3);
  t.is(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
  t.deepEqual(latencyStats([10, 20, 30, 40]), { count: 4, p50Us: 20, p99Us: 40, maxUs: 40, meanUs: 25 });
  t.is(latencyStats([]), null);
});

test('HTML report: self-contained page with the five plots, axes, legends and units', (t) => {
  const { ideal, baseline } = sample();
  const html = renderReportHtml(ideal, { baseline });
  t.true(html.startsWith('<!doctype html>'));
  const svgs = html.match(/<svg /g) ?? [];
  t.is(svgs.length, 6, 'speed, tracking error, sensors, controllers, latency histogram, timeline');
  for (const title of ['Speed vs target', 'Tracking error', 'Each sensor vs the fused value', 'Controller outputs vs the agreed command', 'KVS write latency', 'Faults, suspicions and deadline misses']) {
    t.true(html.includes(title), title);
  }
  for (const label of ['speed (m/s)', 'time (s)', 'write latency (ms)', 'command (−1 … 1)', 'sensor-c (m/s)', 'p99', 'fault active', 'suspected']) {
    t.true(html.includes(label), label);
  }
  // No external assets: the only URLs are XML namespaces.
  const urls = (html.match(/(?:src|href)=["'][^"']+/g) ?? []).filter((u) => !u.includes('#'));
  t.deepEqual(urls, []);
  t.false(/<script/i.test(html));
  t.false(html.includes('NaN'), 'no NaN coordinates');
  // Every <svg> is closed.
  t.is((html.match(/<\/svg>/g) ?? []).length, svgs.length);
  // Bounded size: decimation keeps a 25 s run small.
  t.true(html.length < 1_000_000, `${html.length} bytes`);
});

test('HTML report of a run without write latencies says so instead of plotting nothing', (t) => {
  const html = renderReportHtml(sample().baseline);
  t.true(html.includes('no data in this run'));
  t.true(html.includes('no KVS writes in this run'));
});

test('fault windows pair injections with their end', (t) => {
  const r = runIdealReplicatedLoop({ scenario: withDuration(scenario('controller-wrong-output'), 45 * S), seed: 1 });
  t.deepEqual(
    faultWindows(r).map((w) => [w.nodeId, w.fromUs, w.toUs]),
    [['controller-c', 20 * S, 40 * S]],
  );
});

/** IReadable over bytes in memory. */
function readable(bytes: Uint8Array): McapTypes.IReadable {
  return {
    size: async () => BigInt(bytes.byteLength),
    read: async (offset, size) => bytes.subarray(Number(offset), Number(offset + size)),
  };
}

test('MCAP: readable by @mcap/core with the expected channels, schemas and message counts', async (t) => {
  const { ideal } = sample();
  const bytes = await encodeMcap(ideal);
  const reader = await McapIndexedReader.Initialize({ readable: readable(bytes) });
  const topics = [...reader.channelsById.values()].map((c) => c.topic).sort();
  t.deepEqual(topics, [
    '/actuator/command',
    '/controller/controller-a',
    '/controller/controller-b',
    '/controller/controller-c',
    '/diagnostics',
    '/kvs/write_latency',
    '/sensor/sensor-a',
    '/sensor/sensor-b',
    '/sensor/sensor-c',
    '/speed/fused',
    '/speed/target',
    '/speed/true',
  ]);
  for (const ch of reader.channelsById.values()) {
    t.is(ch.messageEncoding, 'json');
    const schema = reader.schemasById.get(ch.schemaId)!;
    t.is(schema.encoding, 'jsonschema');
    const parsed = JSON.parse(new TextDecoder().decode(schema.data)) as { type: string; properties: Record<string, unknown> };
    t.is(parsed.type, 'object');
    t.truthy(parsed.properties['timestamp']);
  }
  t.is(reader.schemasById.get([...reader.channelsById.values()].find((c) => c.topic === '/diagnostics')!.schemaId)!.name, 'foxglove.Log');

  const counts = new Map<string, number>();
  let lastLogTime = -1n;
  for await (const msg of reader.readMessages()) {
    const topic = reader.channelsById.get(msg.channelId)!.topic;
    counts.set(topic, (counts.get(topic) ?? 0) + 1);
    t.true(msg.logTime >= lastLogTime, 'log-time order');
    lastLogTime = msg.logTime;
    const body = JSON.parse(new TextDecoder().decode(msg.data)) as { timestamp: { sec: number; nsec: number } };
    if (BigInt(body.timestamp.sec) * 1_000_000_000n + BigInt(body.timestamp.nsec) !== msg.logTime) t.fail(`timestamp ≠ logTime on ${topic}`);
  }
  t.is(counts.get('/speed/true'), ideal.plant.length);
  t.is(counts.get('/speed/target'), ideal.plant.length);
  t.is(counts.get('/speed/fused'), ideal.fused.length);
  t.is(counts.get('/actuator/command'), ideal.commands.length);
  t.is(counts.get('/diagnostics'), ideal.events.length);
  t.is(counts.get('/kvs/write_latency'), ideal.writeLatencies.length);
  for (const id of ['sensor-a', 'sensor-b', 'sensor-c']) t.is(counts.get(`/sensor/${id}`), ideal.sensors.filter((x) => x.sensorId === id).length);
  for (const id of ['controller-a', 'controller-b', 'controller-c']) t.is(counts.get(`/controller/${id}`), ideal.controllers.filter((x) => x.controllerId === id).length);
  t.deepEqual(counts, mcapTopics(ideal));
  // Log times are ns: the last plant sample is at 25 s.
  t.is(reader.statistics!.messageEndTime, 25n * 1_000_000_000n);
  t.is(reader.statistics!.messageCount, BigInt([...counts.values()].reduce((a, b) => a + b, 0)));

  // The streaming reader accepts it too (a complete, valid file).
  const stream = new McapStreamReader();
  stream.append(bytes);
  let records = 0;
  while (stream.nextRecord() !== undefined) records++;
  t.true(stream.done());
  t.true(records > 0);
});

test('writeRunReport writes summary.json, report.html and run.mcap', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vehicle-report-'));
  try {
    const { ideal, baseline } = sample('sensor-stuck', 22);
    const w = await writeRunReport(dir, ideal, { baseline });
    const json = JSON.parse(await readFile(w.summaryPath, 'utf8')) as { scenario: string; baseline: { kind: string } };
    t.is(json.scenario, 'sensor-stuck');
    t.is(json.baseline.kind, 'baseline');
    t.true((await readFile(w.htmlPath, 'utf8')).includes('<svg'));
    const mcap = await readFile(w.mcapPath);
    t.deepEqual([...mcap.subarray(0, 8)], [0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a], 'MCAP magic');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a run record survives JSON and the structural check rejects junk', (t) => {
  const { ideal } = sample('nominal', 3);
  t.deepEqual(checkRunRecord(JSON.parse(JSON.stringify(ideal))), ideal);
  t.throws(() => checkRunRecord(null));
  t.throws(() => checkRunRecord({ meta: { scenario: 'x', kind: 'baseline', durationUs: 1, settlingUs: 0, sensorPeriodUs: 1, controllerPeriodUs: 1 }, plant: [{ tUs: 'a' }] }), {
    message: /plant/,
  });
});

test('chart helpers: nice ticks and spike-preserving decimation', (t) => {
  t.deepEqual(niceTicks(0, 60, 6), [0, 10, 20, 30, 40, 50, 60]);
  t.deepEqual(niceTicks(-1, 1, 4), [-1, -0.5, 0, 0.5, 1]);
  const pts = Array.from({ length: 10_000 }, (_, i) => [i, i === 5000 ? 100 : 0] as const);
  const d = decimate(pts, 400);
  t.true(d.length <= 400);
  t.true(d.some((p) => p[1] === 100), 'the spike survives');
});
