/**
 * The `fault` parameter of the sensor and controller nodes: which wrong thing the node does and
 * when, as text a launch file can carry (the scenario launch files set it per node).
 *
 *   sensor:      stuck@20s   offset:+3@20s   scale:1.1@20s..40s   dropout:0.3@20s   noisy:0.5@20s..25s
 *   controller:  random:3@20s..40s (seed 3)   offset:+0.5@20s   stuck@20s   stuck:0.2@20s
 *
 * Several faults are comma-separated; `none` or '' is none. Times count from the run's epoch
 * (`us`, `ms` or `s`); `@FROM` alone means to the end. The faults themselves are the models'
 * (sensors.ts, controller.ts), so a node and the in-process loops fail in exactly the same way.
 */
import type { ControllerFault } from '../controller.js';
import { validateControllerFault } from '../controller.js';
import type { SensorFault } from '../sensors.js';
import { validateSensorFault } from '../sensors.js';

export class NodeFaultError extends Error {
  override readonly name = 'FaultProfileError'; // reported by runNode as a configuration error (exit 2)
}

const MAX_US = 24 * 3600 * 1_000_000;

function durationUs(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s)$/.exec(text.trim());
  if (m === null) throw new NodeFaultError(`${what}: ${JSON.stringify(text)} is not a duration (e.g. 20s, 500ms)`);
  const n = Number(m[1]) * (m[2] === 's' ? 1e6 : m[2] === 'ms' ? 1e3 : 1);
  const us = Math.round(n);
  if (!(us >= 0 && us <= MAX_US)) throw new NodeFaultError(`${what}: ${text} is out of range`);
  return us;
}

function number(text: string | undefined, what: string): number {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text.trim())) throw new NodeFaultError(`${what}: needs a number (e.g. ${what.includes('offset') ? '+3' : '0.5'})`);
  return Number(text);
}

interface Item {
  readonly kind: string;
  readonly arg: string | undefined;
  readonly fromUs: number;
  readonly toUs: number | undefined;
  readonly text: string;
}

function items(text: string, maxLength = 512): Item[] {
  const t = text.trim();
  if (t === '' || t === 'none') return [];
  if (t.length > maxLength) throw new NodeFaultError(`fault: longer than ${maxLength} characters`);
  return t.split(',').map((raw) => {
    const item = raw.trim();
    const at = item.indexOf('@');
    const head = at < 0 ? item : item.slice(0, at);
    const colon = head.indexOf(':');
    const kind = colon < 0 ? head : head.slice(0, colon);
    const arg = colon < 0 ? undefined : head.slice(colon + 1);
    let fromUs = 0;
    let toUs: number | undefined;
    if (at >= 0) {
      const parts = item.slice(at + 1).split('..');
      if (parts.length > 2 || parts[0] === undefined) throw new NodeFaultError(`fault '${item}': the window is @FROM or @FROM..TO`);
      fromUs = durationUs(parts[0], `fault '${item}'`);
      if (parts[1] !== undefined) toUs = durationUs(parts[1], `fault '${item}'`);
      if (toUs !== undefined && toUs <= fromUs) throw new NodeFaultError(`fault '${item}': the window must end after it starts`);
    }
    return { kind, arg, fromUs, toUs, text: item };
  });
}

const windowOf = (i: Item): { fromUs: number; toUs?: number } => (i.toUs === undefined ? { fromUs: i.fromUs } : { fromUs: i.fromUs, toUs: i.toUs });

export function parseSensorFaults(text: string): SensorFault[] {
  return items(text).map((i) => {
    const what = `sensor fault '${i.text}'`;
    let f: SensorFault;
    switch (i.kind) {
      case 'stuck':
        if (i.arg !== undefined) throw new NodeFaultError(`${what}: stuck takes no value`);
        f = { kind: 'stuck', ...windowOf(i) };
        break;
      case 'offset':
        f = { kind: 'offset', offsetMps: number(i.arg, `${what} offset`), ...windowOf(i) };
        break;
      case 'scale':
        f = { kind: 'scale', factor: number(i.arg, what), ...windowOf(i) };
        break;
      case 'dropout':
        f = { kind: 'dropout', probability: number(i.arg, what), ...windowOf(i) };
        break;
      case 'noisy':
        f = { kind: 'noisyBurst', noiseStdMps: number(i.arg, what), ...windowOf(i) };
        break;
      default:
        throw new NodeFaultError(`unknown sensor fault ${JSON.stringify(i.kind)} (known: none, stuck, offset:X, scale:X, dropout:P, noisy:SIGMA)`);
    }
    try {
      validateSensorFault(f);
    } catch (e) {
      throw new NodeFaultError(`${what}: ${(e as Error).message}`);
    }
    return f;
  });
}

export function parseControllerFaults(text: string): ControllerFault[] {
  return items(text).map((i) => {
    const what = `controller fault '${i.text}'`;
    let f: ControllerFault;
    switch (i.kind) {
      case 'offset':
        f = { kind: 'offset', offsetU: number(i.arg, `${what} offset`), ...windowOf(i) };
        break;
      case 'stuck':
        f = i.arg === undefined ? { kind: 'stuck', ...windowOf(i) } : { kind: 'stuck', valueU: number(i.arg, what), ...windowOf(i) };
        break;
      case 'random': {
        const seed = number(i.arg, `${what} seed`);
        f = { kind: 'random', seed, ...windowOf(i) };
        break;
      }
      default:
        throw new NodeFaultError(`unknown controller fault ${JSON.stringify(i.kind)} (known: none, offset:X, stuck[:U], random:SEED)`);
    }
    try {
      validateControllerFault(f);
    } catch (e) {
      throw new NodeFaultError(`${what}: ${(e as Error).message}`);
    }
    return f;
  });
}

const fmtUs = (us: number): string => (us % 1_000_000 === 0 ? `${us / 1_000_000}s` : us % 1000 === 0 ? `${us / 1000}ms` : `${us}us`);
const fmtWindow = (w: { fromUs: number; toUs?: number }): string => `@${fmtUs(w.fromUs)}${w.toUs === undefined ? '' : `..${fmtUs(w.toUs)}`}`;
const signed = (x: number): string => `${x > 0 ? '+' : ''}${x}`;

/** The parameter text for sensor faults (inverse of parseSensorFaults). */
export function formatSensorFaults(fs: readonly SensorFault[]): string {
  if (fs.length === 0) return 'none';
  return fs
    .map((f) => {
      switch (f.kind) {
        case 'stuck':
          return `stuck${fmtWindow(f)}`;
        case 'offset':
          return `offset:${signed(f.offsetMps)}${fmtWindow(f)}`;
        case 'scale':
          return `scale:${f.factor}${fmtWindow(f)}`;
        case 'dropout':
          return `dropout:${f.probability}${fmtWindow(f)}`;
        case 'noisyBurst':
          return `noisy:${f.noiseStdMps}${fmtWindow(f)}`;
      }
    })
    .join(',');
}

export function formatControllerFaults(fs: readonly ControllerFault[]): string {
  if (fs.length === 0) return 'none';
  return fs
    .map((f) => {
      switch (f.kind) {
        case 'offset':
          return `offset:${signed(f.offsetU)}${fmtWindow(f)}`;
        case 'stuck':
          return `stuck${f.valueU === undefined ? '' : `:${f.valueU}`}${fmtWindow(f)}`;
        case 'random':
          return `random:${f.seed}${fmtWindow(f)}`;
      }
    })
    .join(',');
}
