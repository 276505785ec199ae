/**
 * Wheel-speed sources for the sensor nodes.
 *
 * - `WheelSpeedSensor`: a simulated sensor measuring the true vehicle speed with a constant bias,
 *   Gaussian noise and quantisation, plus fault modes (stuck, lying by offset or scale,
 *   dropout/crash, noisy burst), each active in a time window.
 * - `RecordedSpeedSource`: replays a recorded `time,value` CSV (`parseSpeedCsv` is the pure
 *   parser), zero-order hold or linear interpolation.
 *
 * Both implement `SpeedSource.sample(tUs, trueSpeedMps)`: the value the sensor would publish for
 * sample time `tUs`, or `undefined` when it publishes nothing. Randomness is counter-based on
 * (seed, tUs) (see random.ts), so a sample depends only on its time, the true speed and — for a
 * stuck sensor — the last value published. No I/O, no clock reads.
 */
import { hashGaussian, hashUniform } from './random.js';

export interface SpeedSource {
  readonly id: string;
  /** The value published for sample time `tUs` (m/s), or undefined for no publication. */
  sample(tUs: number, trueSpeedMps: number): number | undefined;
}

/** A fault's active window: [fromUs, toUs); open-ended without `toUs`. */
export interface FaultWindow {
  readonly fromUs: number;
  readonly toUs?: number;
}

export function isActive(w: FaultWindow, tUs: number): boolean {
  return tUs >= w.fromUs && (w.toUs === undefined || tUs < w.toUs);
}

export type SensorFault =
  /** Publishes the last value it published before the fault, unchanged, for the whole window. */
  | (FaultWindow & { readonly kind: 'stuck' })
  /** Lying: adds `offsetMps` to the true speed (consistently, to every replica). */
  | (FaultWindow & { readonly kind: 'offset'; readonly offsetMps: number })
  /** Lying: multiplies the true speed by `factor` (e.g. a wrong wheel radius). */
  | (FaultWindow & { readonly kind: 'scale'; readonly factor: number })
  /** Publishes nothing with probability `probability` per sample; 1 = crashed/silent. */
  | (FaultWindow & { readonly kind: 'dropout'; readonly probability: number })
  /** Extra Gaussian noise of standard deviation `noiseStdMps` (e.g. EMI, a loose connector). */
  | (FaultWindow & { readonly kind: 'noisyBurst'; readonly noiseStdMps: number });

export type SensorFaultKind = SensorFault['kind'];

export interface WheelSpeedSensorParams {
  readonly id: string;
  /** Seed of this sensor's noise (non-negative safe integer). */
  readonly seed: number;
  /** Standard deviation of the measurement noise, m/s. */
  readonly noiseStdMps: number;
  /** Constant measurement bias, m/s. */
  readonly biasMps: number;
  /** Output resolution, m/s (0: no quantisation). */
  readonly quantumMps: number;
  readonly faults?: readonly SensorFault[];
}

/** Typical wheel-speed sensor figures (per-sensor bias is set by the caller). */
export const DEFAULT_SENSOR_NOISE = Object.freeze({ noiseStdMps: 0.1, quantumMps: 0.02 });

// Independent random streams per concern, so adding one does not shift another.
const STREAM_NOISE = 1;
const STREAM_DROPOUT = 2;
const STREAM_BURST = 3;

export function validateSensorFault(f: SensorFault): void {
  if (!Number.isSafeInteger(f.fromUs) || f.fromUs < 0) throw new RangeError(`sensor fault ${f.kind}: fromUs must be an integer µs >= 0`);
  if (f.toUs !== undefined && (!Number.isSafeInteger(f.toUs) || f.toUs <= f.fromUs)) {
    throw new RangeError(`sensor fault ${f.kind}: toUs must be an integer µs > fromUs`);
  }
  switch (f.kind) {
    case 'stuck':
      return;
    case 'offset':
      if (!Number.isFinite(f.offsetMps)) throw new RangeError('sensor fault offset: offsetMps must be finite');
      return;
    case 'scale':
      if (!Number.isFinite(f.factor) || f.factor < 0) throw new RangeError('sensor fault scale: factor must be finite and >= 0');
      return;
    case 'dropout':
      if (!(f.probability >= 0 && f.probability <= 1)) throw new RangeError('sensor fault dropout: probability must be in [0, 1]');
      return;
    case 'noisyBurst':
      if (!Number.isFinite(f.noiseStdMps) || f.noiseStdMps < 0) throw new RangeError('sensor fault noisyBurst: noiseStdMps must be finite and >= 0');
      return;
  }
}

export function quantise(value: number, quantum: number): number {
  return quantum > 0 ? Math.round(value / quantum) * quantum : value;
}

/**
 * A simulated wheel-speed sensor. Measurement model, in order:
 * dropout? → stuck? (repeat last output) → true speed × scale + offset (lying) → + bias →
 * + N(0, σ²) noise (+ burst noise) → clamp >= 0 (a wheel-speed magnitude) → quantise.
 */
export class WheelSpeedSensor implements SpeedSource {
  readonly id: string;
  private lastOutputMps: number | undefined;

  constructor(readonly params: WheelSpeedSensorParams) {
    if (params.id.length === 0) throw new RangeError('a sensor needs an id');
    if (!Number.isSafeInteger(params.seed) || params.seed < 0) throw new RangeError(`sensor ${params.id}: seed must be a non-negative safe integer`);
    if (!Number.isFinite(params.noiseStdMps) || params.noiseStdMps < 0) throw new RangeError(`sensor ${params.id}: noiseStdMps must be >= 0`);
    if (!Number.isFinite(params.biasMps)) throw new RangeError(`sensor ${params.id}: biasMps must be finite`);
    if (!Number.isFinite(params.quantumMps) || params.quantumMps < 0) throw new RangeError(`sensor ${params.id}: quantumMps must be >= 0`);
    for (const f of params.faults ?? []) validateSensorFault(f);
    this.id = params.id;
  }

  /** The faults active at `tUs`. */
  activeFaults(tUs: number): SensorFault[] {
    return (this.params.faults ?? []).filter((f) => isActive(f, tUs));
  }

  sample(tUs: number, trueSpeedMps: number): number | undefined {
    if (!Number.isSafeInteger(tUs) || tUs < 0) throw new RangeError(`sample time must be an integer µs >= 0, got ${tUs}`);
    const p = this.params;
    const active = this.activeFaults(tUs);
    for (const f of active) {
      if (f.kind === 'dropout' && hashUniform(p.seed, STREAM_DROPOUT, tUs) < f.probability) return undefined;
    }
    if (active.some((f) => f.kind === 'stuck') && this.lastOutputMps !== undefined) return this.lastOutputMps;
    let v = trueSpeedMps;
    for (const f of active) {
      if (f.kind === 'scale') v *= f.factor;
    }
    for (const f of active) {
      if (f.kind === 'offset') v += f.offsetMps;
    }
    v += p.biasMps;
    if (p.noiseStdMps > 0) v += p.noiseStdMps * hashGaussian(p.seed, STREAM_NOISE, tUs);
    for (const f of active) {
      if (f.kind === 'noisyBurst') v += f.noiseStdMps * hashGaussian(p.seed, STREAM_BURST, tUs);
    }
    v = quantise(Math.max(0, v), p.quantumMps);
    this.lastOutputMps = v;
    return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Recorded file source

export interface RecordedSpeedSample {
  readonly tUs: number;
  readonly valueMps: number;
}

export class CsvParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvParseError';
  }
}

export interface ParseSpeedCsvOptions {
  /** Unit of the time column when the file has no header naming it. Default 's'. */
  readonly timeUnit?: 's' | 'ms' | 'us';
  /** Name (with a header) or 0-based index of the value column. Default: the first non-time column. */
  readonly valueColumn?: string | number;
  /** Limits; exceeding one is an error, not a truncation. */
  readonly maxRows?: number;
  readonly maxChars?: number;
}

const TIME_COLUMNS: Readonly<Record<string, 's' | 'ms' | 'us'>> = {
  time: 's',
  t: 's',
  time_s: 's',
  t_s: 's',
  timestamp: 's',
  time_ms: 'ms',
  t_ms: 'ms',
  time_us: 'us',
  t_us: 'us',
};
const US_PER: Readonly<Record<'s' | 'ms' | 'us', number>> = { s: 1e6, ms: 1e3, us: 1 };

// Number('') is 0 and Number('0x10') is 16: accept decimal/scientific notation only.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(cell: string, line: number, what: string): number {
  const trimmed = cell.trim();
  if (!DECIMAL.test(trimmed)) throw new CsvParseError(line, `${what} "${trimmed}" is not a decimal number`);
  const n = Number(trimmed);
  if (!Number.isFinite(n)) throw new CsvParseError(line, `${what} "${trimmed}" is not finite`);
  return n;
}

/**
 * Parses `time,value` CSV text (comma, semicolon or tab separated). Blank lines and lines
 * starting with `#` are skipped. An optional header names the columns; a time column called
 * `time_s`/`time_ms`/`time_us` (or `t_s`…) fixes the time unit. Times must strictly increase;
 * values must be finite. Throws `CsvParseError` with the line number on any problem.
 */
export function parseSpeedCsv(text: string, opts: ParseSpeedCsvOptions = {}): RecordedSpeedSample[] {
  const maxChars = opts.maxChars ?? 64 * 1024 * 1024;
  const maxRows = opts.maxRows ?? 1_000_000;
  if (text.length > maxChars) throw new CsvParseError(0, `file has ${text.length} characters, limit ${maxChars}`);
  const lines = text.split(/\r?\n/);
  let timeUnit = opts.timeUnit ?? 's';
  let timeIndex = 0;
  let valueIndex: number | undefined = typeof opts.valueColumn === 'number' ? opts.valueColumn : undefined;
  let headerSeen = false;
  const out: RecordedSpeedSample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const cells = raw.split(/[,;\t]/).map((c) => c.trim());
    if (!headerSeen && out.length === 0 && !cells.every((c) => DECIMAL.test(c))) {
      headerSeen = true;
      const names = cells.map((c) => c.toLowerCase());
      const ti = names.findIndex((n) => TIME_COLUMNS[n] !== undefined);
      if (ti < 0) throw new CsvParseError(lineNo, `header has no time column (one of ${Object.keys(TIME_COLUMNS).join(', ')})`);
      timeIndex = ti;
      timeUnit = TIME_COLUMNS[names[ti]!]!;
      if (typeof opts.valueColumn === 'string') {
        const vi = names.indexOf(opts.valueColumn.toLowerCase());
        if (vi < 0) throw new CsvParseError(lineNo, `header has no column "${opts.valueColumn}"`);
        valueIndex = vi;
      }
      continue;
    }
    if (typeof opts.valueColumn === 'string' && !headerSeen) throw new CsvParseError(lineNo, `valueColumn "${opts.valueColumn}" needs a header line`);
    const vi = valueIndex ?? (timeIndex === 0 ? 1 : 0);
    if (cells.length <= Math.max(timeIndex, vi)) throw new CsvParseError(lineNo, `expected at least ${Math.max(timeIndex, vi) + 1} columns, got ${cells.length}`);
    const t = parseNumber(cells[timeIndex]!, lineNo, 'time');
    const v = parseNumber(cells[vi]!, lineNo, 'value');
    const tUs = Math.round(t * US_PER[timeUnit]);
    if (!Number.isSafeInteger(tUs)) throw new CsvParseError(lineNo, `time ${t} ${timeUnit} is out of range`);
    const prev = out[out.length - 1];
    if (prev !== undefined && tUs <= prev.tUs) throw new CsvParseError(lineNo, `time ${t} ${timeUnit} does not increase (previous ${prev.tUs} µs)`);
    if (out.length >= maxRows) throw new CsvParseError(lineNo, `more than ${maxRows} rows`);
    out.push({ tUs, valueMps: v });
  }
  if (out.length === 0) throw new CsvParseError(lines.length, 'no data rows');
  return out;
}

export interface RecordedSpeedSourceOptions {
  readonly id: string;
  readonly samples: readonly RecordedSpeedSample[];
  /** 'hold': the last recorded value at or before t; 'linear': interpolate. Default 'hold'. */
  readonly interpolation?: 'hold' | 'linear';
  /** Added to recorded times to align the recording with the run (µs). Default 0. */
  readonly timeOffsetUs?: number;
  /** After the last recorded sample: keep publishing it ('hold') or fall silent. Default 'silent'. */
  readonly afterEnd?: 'hold' | 'silent';
  readonly faults?: readonly SensorFault[];
}

/**
 * Replays a recording. Before the first recorded time it publishes nothing. Sensor faults can be
 * layered on a recording too (stuck, offset, scale, dropout, noisy burst with the given seed).
 */
export class RecordedSpeedSource implements SpeedSource {
  readonly id: string;
  private readonly samples: readonly RecordedSpeedSample[];
  private readonly faultLayer: WheelSpeedSensor | undefined;

  constructor(private readonly opts: RecordedSpeedSourceOptions, seed = 0) {
    if (opts.samples.length === 0) throw new RangeError(`recorded source ${opts.id}: no samples`);
    for (let i = 1; i < opts.samples.length; i++) {
      if (!(opts.samples[i]!.tUs > opts.samples[i - 1]!.tUs)) throw new RangeError(`recorded source ${opts.id}: times must strictly increase`);
    }
    this.id = opts.id;
    this.samples = opts.samples;
    this.faultLayer =
      opts.faults !== undefined && opts.faults.length > 0
        ? new WheelSpeedSensor({ id: opts.id, seed, noiseStdMps: 0, biasMps: 0, quantumMps: 0, faults: opts.faults })
        : undefined;
  }

  /** The recorded value at run time `tUs`, before faults; undefined outside the recording. */
  recordedAt(tUs: number): number | undefined {
    const t = tUs - (this.opts.timeOffsetUs ?? 0);
    const xs = this.samples;
    const first = xs[0]!;
    const last = xs[xs.length - 1]!;
    if (t < first.tUs) return undefined;
    if (t >= last.tUs) return t === last.tUs || this.opts.afterEnd === 'hold' ? last.valueMps : undefined;
    // Binary search: the last index with tUs <= t.
    let lo = 0;
    let hi = xs.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid]!.tUs <= t) lo = mid;
      else hi = mid;
    }
    const a = xs[lo]!;
    if (this.opts.interpolation !== 'linear') return a.valueMps;
    const b = xs[hi]!;
    return a.valueMps + ((t - a.tUs) / (b.tUs - a.tUs)) * (b.valueMps - a.valueMps);
  }

  sample(tUs: number, _trueSpeedMps: number): number | undefined {
    const v = this.recordedAt(tUs);
    if (v === undefined) return undefined;
    return this.faultLayer === undefined ? v : this.faultLayer.sample(tUs, v);
  }
}
