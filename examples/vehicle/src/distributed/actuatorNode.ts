/**
 * `vehicle_actuator`: the throttle/brake actuator as a node. It consumes the `command` key
 * through its own replica (subscribe: a slot notice at each publish time) and drives the world:
 *
 * - slot t arrives by t + grace: apply its fused command (fresh) at once;
 * - it does not: hold the last fresh command for up to `hold_ms`, then coast (command 0,
 *   fail-safe) — each such period is a deadline miss of `command`.
 *
 * It also records the fused `speed` slots its replica publishes (the value the controllers
 * used, as this node saw it), misses of `speed`, and whether a command was changed after it
 * was applied (fast mode: a later synchronisation repaired the slot — what equivocation beyond
 * f looks like from the actuator).
 */
import type { SlotUpdate } from '@bftkvs/client';
import type { NodeOptions } from '@bftkvs/nodes';
import { Node, ParameterError } from '@bftkvs/nodes';
import { COMMAND_KEY, SPEED_KEY } from '../keys.js';
import { clampCommand } from '../plant.js';
import { ACTUATOR_ID } from '../scenarios.js';
import { COMMON_PARAMETERS, KVS_PARAMETERS, LagMeter, connectKvs, prerollUs, runNowUs, startGridTimer, waitForEpoch } from './nodeCommon.js';
import { TraceWriter } from './trace.js';
import { WorldClient } from './worldProtocol.js';

export const ACTUATOR_PARAMETERS = {
  ...COMMON_PARAMETERS,
  ...KVS_PARAMETERS,
  grace_ms: { type: 'double', default: 15, min: 0, max: 10_000, description: 'how long after its publish time a command slot may arrive before the actuator holds' },
  hold_ms: { type: 'double', default: 1000, min: 0, max: 60_000, description: 'hold the last command this long without a fresh one, then coast (0)' },
  sensor_lead_ms: { type: 'integer', default: 50, min: 0, max: 10_000, description: "the sensors' lead (the first speed slot is at this run time, the first command one period later)" },
} as const;

export class ActuatorNode extends Node<typeof ACTUATOR_PARAMETERS> {
  constructor(opts: NodeOptions = {}) {
    super('vehicle_actuator', ACTUATOR_PARAMETERS, 'the actuator: applies the agreed command of each period to the vehicle (hold, then coast, when none arrives)', opts);
  }

  async start(): Promise<void> {
    const p = this.params;
    const periodUs = p.period_ms * 1000;
    const graceUs = Math.round(p.grace_ms * 1000);
    const holdUs = Math.round(p.hold_ms * 1000);
    if (graceUs >= periodUs) throw new ParameterError(`grace_ms ${p.grace_ms} must be shorter than the period (${p.period_ms} ms)`);
    const world = await WorldClient.connect(p.world_port);
    this.onShutdown(() => world.close());
    if (p.replica < 0) throw new ParameterError("parameter 'replica' is required: the actuator writes nothing, so no writer names its node");
    const kvs = await connectKvs(p, undefined);
    this.onShutdown(() => kvs.client.close());
    for (const key of [SPEED_KEY, COMMAND_KEY]) {
      const schema = kvs.config.cluster.keys.get(key);
      if (schema === undefined) throw new ParameterError(`key '${key}' is not in ${p.cluster_file}`);
      if (schema.grid.periodUs !== periodUs) throw new ParameterError(`period_ms ${p.period_ms} differs from key '${key}' (${schema.grid.periodUs / 1000} ms)`);
    }
    this.log.info(`actuator on replica ${kvs.replica}: applies '${COMMAND_KEY}' each ${p.period_ms} ms (grace ${p.grace_ms} ms, hold ${p.hold_ms} ms, then coast)`);
    this.log.info('ready');
    const epochUs = await waitForEpoch(this, p, periodUs, world);
    if (epochUs === undefined) return;
    const durationUs = Math.round(p.duration_s * 1e6);
    const firstSpeedUs = -prerollUs(p.preroll_s, periodUs) + p.sensor_lead_ms * 1000;
    const firstCommandUs = firstSpeedUs + periodUs;
    const trace = new TraceWriter(p.trace_dir, this.name);
    const lag = new LagMeter();
    let repairedAfterUse = 0;
    this.onShutdown(() => {
      if (repairedAfterUse > 0) trace.write({ k: 'event', tUs: durationUs, kind: 'note', nodeId: ACTUATOR_ID, detail: `${repairedAfterUse} applied commands were changed by synchronisation afterwards` });
      trace.write(lag.line(ACTUATOR_ID));
      trace.close();
    });

    const applied = new Map<number, number>();
    const distrusted = new Set<number>();
    const lateApplied = new Set<number>();
    /** How each period was handled, to tell a repaired command from a late one. */
    const sourceOf = new Map<number, 'fresh' | 'held' | 'failsafe'>();
    const commandWriters = kvs.config.cluster.keys.get(COMMAND_KEY)!.writers.length;
    const speedSeen = new Set<number>();
    let lastU = 0;
    let lastFreshUs: number | undefined;

    kvs.client.subscribe([COMMAND_KEY, SPEED_KEY], (s: SlotUpdate) => {
      const tUs = s.publishTimeUs - epochUs;
      if (tUs < firstSpeedUs || tUs > durationUs) return;
      const writers = s.contributions.map((c) => c.writer);
      if (s.key === SPEED_KEY) {
        if (speedSeen.has(tUs) || typeof s.value !== 'number') return;
        speedSeen.add(tUs);
        trace.write({ k: 'fused', tUs, valueMps: s.value, writers, agreed: s.agreed });
        return;
      }
      const v = s.value;
      if (!Array.isArray(v) || typeof v[0] !== 'number') return;
      const u = clampCommand(v[0]);
      const before = applied.get(tUs);
      // Correct controller replicas write bit-identical commands. With one missing, two that
      // differ mean one is wrong and the median of two is their midpoint: do not apply it (the
      // period is handled as missing: hold, then coast).
      const us = s.contributions.map((c) => (Array.isArray(c.value) && typeof c.value[0] === 'number' ? c.value[0] : Number.NaN));
      if (before === undefined && us.length < commandWriters && us.length > 1 && !us.every((x) => x === us[0])) {
        if (!distrusted.has(tUs)) {
          distrusted.add(tUs);
          trace.write({ k: 'event', tUs, kind: 'note', nodeId: ACTUATOR_ID, detail: `command ${(tUs / 1e6).toFixed(2)} s not applied: ${us.length} of ${commandWriters} controllers, and they disagree (${us.map((x) => x.toFixed(3)).join(' vs ')})` });
        }
        return;
      }
      if (before !== undefined && !lateApplied.has(tUs) && sourceOf.get(tUs) === 'fresh') {
        if (before !== u) {
          repairedAfterUse++;
          if (repairedAfterUse <= 20) trace.write({ k: 'event', tUs, kind: 'note', nodeId: ACTUATOR_ID, detail: `command ${(tUs / 1e6).toFixed(2)} s changed after use: applied ${before.toFixed(3)}, now ${u.toFixed(3)} (${s.agreed ? 'agreed' : 'not agreed'})` });
        }
        return;
      }
      const nowUs = runNowUs(epochUs);
      // Not handled yet (its grace timer has not fired, even if this node runs late): fresh.
      if (before === undefined) {
        applied.set(tUs, u);
        sourceOf.set(tUs, 'fresh');
        lastU = u;
        lastFreshUs = tUs;
        world.command(tUs, u, 'fresh');
        trace.write({ k: 'cmd', tUs, commandU: u, writers, agreed: s.agreed, source: 'fresh' });
        return;
      }
      // The grace passed and the period was handled as missing (held, counted). A command that
      // arrives later within its period is still newer than the one held: apply it now, late —
      // at its arrival time, so the record shows when the vehicle really got it.
      if (nowUs < tUs + periodUs && !lateApplied.has(tUs) && (lastFreshUs === undefined || tUs > lastFreshUs)) {
        lateApplied.add(tUs);
        lastU = u;
        lastFreshUs = tUs;
        world.command(nowUs, u, 'fresh');
        trace.write({ k: 'cmd', tUs: nowUs, commandU: u, writers, agreed: s.agreed, source: 'fresh' });
      }
    });

    // The grid timer's tick: what to do about period tUs once its grace has passed.
    const checkPeriod = (tUs: number): void => {
      for (const k of applied.keys()) if (k < tUs - 2_000_000) applied.delete(k);
      for (const k of speedSeen) if (k < tUs - 2_000_000) speedSeen.delete(k);
      for (const k of distrusted) if (k < tUs - 2_000_000) distrusted.delete(k);
      for (const k of lateApplied) if (k < tUs - 2_000_000) lateApplied.delete(k);
      for (const k of sourceOf.keys()) if (k < tUs - 2_000_000) sourceOf.delete(k);
      if (!speedSeen.has(tUs)) trace.write({ k: 'event', tUs, kind: 'deadlineMiss', nodeId: SPEED_KEY, detail: `no ${SPEED_KEY} slot at replica ${kvs.replica} within ${p.grace_ms} ms` });
      if (tUs < firstCommandUs || applied.has(tUs)) return;
      const held = lastFreshUs !== undefined && tUs - lastFreshUs <= holdUs;
      const u = held ? lastU : 0;
      const source = held ? 'held' : 'failsafe';
      applied.set(tUs, u);
      sourceOf.set(tUs, source);
      world.command(tUs, u, source);
      trace.write({ k: 'cmd', tUs, commandU: u, writers: [], agreed: false, source });
      trace.write({ k: 'event', tUs, kind: 'deadlineMiss', nodeId: COMMAND_KEY, detail: `no ${COMMAND_KEY} slot at replica ${kvs.replica} within ${p.grace_ms} ms; ${source}` });
    };
    startGridTimer(this, {
      epochUs,
      periodUs,
      offsetUs: graceUs,
      firstUs: firstSpeedUs,
      lastUs: durationUs,
      lag,
      onTick: (tUs) => checkPeriod(tUs),
    });
  }

}
