import test from 'ava';
import { ConfigError } from '@bftkvs/core';
import { QOS_PROFILES, ROS2_QOS_DEFAULTS, formatQos, parseQos, resolveQos } from './qos.js';
import { DEFAULT_DIAGNOSTICS_PERIOD_MS, parseRosReplicaOptions } from './rosOptions.js';

test('QoS: a profile is the base, single policies override it', (t) => {
  t.deepEqual(resolveQos(undefined, ROS2_QOS_DEFAULTS.frames), { ok: true, qos: ROS2_QOS_DEFAULTS.frames });
  t.deepEqual(resolveQos({ profile: 'sensor_data' }, ROS2_QOS_DEFAULTS.frames), { ok: true, qos: QOS_PROFILES.sensor_data });
  t.deepEqual(resolveQos({ profile: 'sensor_data', depth: 50 }, QOS_PROFILES.default), {
    ok: true,
    qos: { reliability: 'best_effort', history: 'keep_last', depth: 50, durability: 'volatile' },
  });
  t.deepEqual(resolveQos({ reliability: 'reliable', durability: 'transient_local' }, ROS2_QOS_DEFAULTS.frames), {
    ok: true,
    qos: { reliability: 'reliable', history: 'keep_last', depth: 256, durability: 'transient_local' },
  });
  t.like(resolveQos({ history: 'keep_all', depth: 0 }, QOS_PROFILES.default), { ok: true });
  t.like(resolveQos({ depth: 0 }, QOS_PROFILES.default), { ok: false, reason: 'depth must be at least 1 with history keep_last' });
  t.is(formatQos(QOS_PROFILES.default), 'reliable, keep_last 10, volatile');
  t.is(formatQos({ ...QOS_PROFILES.default, history: 'keep_all' }), 'reliable, keep_all, volatile');
});

test('QoS parameters are validated with the parameter name in the message', (t) => {
  const r = (raw: unknown): string => {
    const q = parseQos(raw, QOS_PROFILES.default, 'ros.frames.qos');
    return q.ok ? 'accepted' : q.reason;
  };
  t.is(r({ reliability: 'best_effort' }), 'accepted');
  t.regex(r({ reliability: 'maybe' }), /^ros\.frames\.qos\.reliability: /);
  t.regex(r({ history: 'keep_some' }), /^ros\.frames\.qos\.history: /);
  t.regex(r({ depth: -1 }), /^ros\.frames\.qos\.depth: /);
  t.regex(r({ depth: 1.5 }), /^ros\.frames\.qos\.depth: /);
  t.regex(r({ depth: 1e9 }), /^ros\.frames\.qos\.depth: /);
  t.regex(r({ profile: 'fast' }), /^ros\.frames\.qos\.profile: /);
  t.regex(r({ deadline: 5 }), /^ros\.frames\.qos: Unrecognized key: "deadline"/);
  t.regex(r({ depth: 0 }), /^ros\.frames\.qos: depth must be at least 1/);
  t.regex(r('reliable'), /^ros\.frames\.qos: /);
});

test('ROS replica options: documented defaults without parameters', (t) => {
  const o = parseRosReplicaOptions({ replica_id: 0, transport: 'ros2' });
  t.deepEqual(o.frames.qos, ROS2_QOS_DEFAULTS.frames);
  t.deepEqual(o.frames.qos, { reliability: 'best_effort', history: 'keep_last', depth: 256, durability: 'volatile' });
  t.deepEqual(o.agreed, { topics: 'both', qos: QOS_PROFILES.default });
  t.deepEqual(o.write, { topic: true, qos: { reliability: 'reliable', history: 'keep_last', depth: 100, durability: 'volatile' } });
  t.deepEqual(o.diagnostics, { periodMs: DEFAULT_DIAGNOSTICS_PERIOD_MS, qos: QOS_PROFILES.default });
  t.deepEqual(o.bindings, { inputs: [], outputs: [] });
});

test('ROS replica options from parameters', (t) => {
  const o = parseRosReplicaOptions({
    'ros.frames.qos.reliability': 'reliable',
    'ros.frames.qos.depth': 1000,
    'ros.agreed.topics': 'local',
    'ros.agreed.qos.profile': 'sensor_data',
    'ros.write.topic': false,
    'ros.diagnostics.period_ms': 0,
  });
  t.deepEqual(o.frames.qos, { reliability: 'reliable', history: 'keep_last', depth: 1000, durability: 'volatile' });
  t.is(o.agreed.topics, 'local');
  t.deepEqual(o.agreed.qos, QOS_PROFILES.sensor_data);
  t.false(o.write.topic);
  t.is(o.diagnostics.periodMs, 0);
});

test('bad ROS replica options are refused, every problem named, typos included', (t) => {
  const err = t.throws(
    () =>
      parseRosReplicaOptions({
        'ros.frames.qos.reliability': 'sure',
        'ros.agreed.topics': 'everywhere',
        'ros.diagnostics.period_ms': 5,
      }),
    { instanceOf: ConfigError },
  );
  t.regex(err?.message ?? '', /^invalid ROS parameters:/);
  t.regex(err?.message ?? '', /ros\.agreed\.topics: /);
  t.regex(err?.message ?? '', /ros\.diagnostics\.period_ms: must be 0 \(off\) or at least 10/);
  const qos = t.throws(() => parseRosReplicaOptions({ 'ros.frames.qos.reliability': 'sure' }), { instanceOf: ConfigError });
  t.regex(qos?.message ?? '', /ros\.frames\.qos\.reliability: /);
  const typo = t.throws(() => parseRosReplicaOptions({ 'ros.frame.qos.depth': 5 }), { instanceOf: ConfigError });
  t.regex(typo?.message ?? '', /Unrecognized key: "frame"/);
  const both = t.throws(() => parseRosReplicaOptions({ 'ros.frames.qos.depth': 0, 'bindings.inputs': ['x'] }), { instanceOf: ConfigError });
  t.regex(both?.message ?? '', /ros\.frames\.qos: depth must be at least 1/);
  t.regex(both?.message ?? '', /bindings\.x is listed in bindings\.inputs but not configured/);
  t.throws(() => parseRosReplicaOptions({ ros: 'on' }), { message: /'ros' must be a group/ });
});
