import test from 'ava';
import { CsvParseError, RecordedSpeedSource, WheelSpeedSensor, parseSpeedCsv, quantise, type SensorFault } from './sensors.js';
import { SeededRandom, hashGaussian, hashUniform } from './random.js';

const MS = 1000;

function sensor(faults: SensorFault[] = [], over: Partial<ConstructorParameters<typeof WheelSpeedSensor>[0]> = {}): WheelSpeedSensor {
  return new WheelSpeedSensor({ id: 's', seed: 42, noiseStdMps: 0.1, biasMps: 0.05, quantumMps: 0, faults, ...over });
}

function stats(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std };
}

test('the counter-based PRNG is deterministic, uniform and Gaussian', (t) => {
  t.is(hashUniform(1, 2, 3), hashUniform(1, 2, 3));
  t.not(hashUniform(1, 2, 3), hashUniform(1, 2, 4));
  t.not(hashUniform(1, 2, 3), hashUniform(2, 2, 3));
  const u = Array.from({ length: 20000 }, (_, i) => hashUniform(7, 0, i));
  t.true(u.every((x) => x >= 0 && x < 1));
  t.true(Math.abs(stats(u).mean - 0.5) < 0.01);
  const g = Array.from({ length: 20000 }, (_, i) => hashGaussian(7, 0, i));
  const sg = stats(g);
  t.true(Math.abs(sg.mean) < 0.03 && Math.abs(sg.std - 1) < 0.03, JSON.stringify(sg));
  const r1 = new SeededRandom(5);
  const r2 = new SeededRandom(5);
  t.deepEqual([r1.next(), r1.gaussian(), r1.between(2, 3)], [r2.next(), r2.gaussian(), r2.between(2, 3)]);
  t.throws(() => hashUniform(-1, 0, 0));
});

test('a healthy sensor has the configured bias and noise', (t) => {
  const s = sensor();
  const errs = Array.from({ length: 5000 }, (_, i) => s.sample(i * 10 * MS, 20)! - 20);
  const st = stats(errs);
  t.true(Math.abs(st.mean - 0.05) < 0.01, `bias ${st.mean}`);
  t.true(Math.abs(st.std - 0.1) < 0.01, `noise σ ${st.std}`);
});

test('quantisation rounds to multiples of the quantum', (t) => {
  const s = sensor([], { quantumMps: 0.25 });
  for (let i = 0; i < 200; i++) {
    const v = s.sample(i * MS, 13.37)!;
    t.true(Math.abs(v / 0.25 - Math.round(v / 0.25)) < 1e-9, `${v}`);
  }
  t.is(quantise(1.26, 0.5), 1.5);
  t.is(quantise(1.26, 0), 1.26);
});

test('a sample depends only on (seed, time, true speed): same values whatever was sampled before', (t) => {
  const a = sensor();
  const b = sensor();
  const times = [0, 10, 20, 30, 40].map((x) => x * MS);
  const fromA = times.map((tt) => a.sample(tt, 20));
  b.sample(999 * MS, 3); // an unrelated sample first
  const fromB = [...times].reverse().map((tt) => b.sample(tt, 20)).reverse();
  t.deepEqual(fromA, fromB);
  t.notDeepEqual(fromA, times.map((tt) => sensor([], { seed: 43 }).sample(tt, 20)));
});

test('stuck: repeats the last value published before the fault, inside its window only', (t) => {
  const s = sensor([{ kind: 'stuck', fromUs: 100 * MS, toUs: 200 * MS }]);
  let last: number | undefined;
  for (let tt = 0; tt < 100 * MS; tt += 10 * MS) last = s.sample(tt, 20);
  for (let tt = 100 * MS; tt < 200 * MS; tt += 10 * MS) t.is(s.sample(tt, 20 + tt / 1e5), last);
  t.not(s.sample(200 * MS, 30), last);
  t.true(Math.abs(s.sample(210 * MS, 30)! - 30) < 1);
});

test('lying: offset and scale faults shift the reading consistently', (t) => {
  const honest = sensor();
  const offset = sensor([{ kind: 'offset', fromUs: 0, offsetMps: 3 }]);
  const scale = sensor([{ kind: 'scale', fromUs: 0, factor: 1.1 }]);
  for (let i = 0; i < 50; i++) {
    const tt = i * 10 * MS;
    const h = honest.sample(tt, 20)!;
    t.true(Math.abs(offset.sample(tt, 20)! - (h + 3)) < 1e-9);
    t.true(Math.abs(scale.sample(tt, 20)! - (h + 2)) < 1e-9);
  }
});

test('dropout: p = 1 is a crashed sensor, p = 0.3 drops about 30 %', (t) => {
  const crashed = sensor([{ kind: 'dropout', fromUs: 50 * MS, probability: 1 }]);
  t.not(crashed.sample(40 * MS, 20), undefined);
  for (let i = 5; i < 100; i++) t.is(crashed.sample(i * 10 * MS, 20), undefined);
  const lossy = sensor([{ kind: 'dropout', fromUs: 0, probability: 0.3 }]);
  const n = 5000;
  let dropped = 0;
  for (let i = 0; i < n; i++) if (lossy.sample(i * 10 * MS, 20) === undefined) dropped++;
  t.true(Math.abs(dropped / n - 0.3) < 0.03, `${dropped / n}`);
});

test('noisy burst: extra noise inside the window, back to normal after it', (t) => {
  const s = sensor([{ kind: 'noisyBurst', fromUs: 0, toUs: 10_000 * MS, noiseStdMps: 2 }]);
  const inBurst = stats(Array.from({ length: 1000 }, (_, i) => s.sample(i * 10 * MS, 20)!));
  const after = stats(Array.from({ length: 1000 }, (_, i) => s.sample(10_000 * MS + i * 10 * MS, 20)!));
  t.true(inBurst.std > 1.7 && inBurst.std < 2.3, `burst σ ${inBurst.std}`);
  t.true(after.std < 0.12, `after σ ${after.std}`);
});

test('invalid sensor parameters and faults are rejected', (t) => {
  t.throws(() => sensor([{ kind: 'dropout', fromUs: 0, probability: 1.5 }]), { message: /probability/ });
  t.throws(() => sensor([{ kind: 'offset', fromUs: 0, offsetMps: Number.NaN }]), { message: /offsetMps/ });
  t.throws(() => sensor([{ kind: 'stuck', fromUs: 10, toUs: 5 }]), { message: /toUs/ });
  t.throws(() => sensor([], { noiseStdMps: -1 }));
  t.throws(() => sensor().sample(1.5, 20));
});

test('CSV parser: header with units, comments, separators', (t) => {
  const rows = parseSpeedCsv('# recorded on the test track\ntime_ms;speed_mps\n0;20.0\n10;20.1\n\n20;20.3\n');
  t.deepEqual(rows, [
    { tUs: 0, valueMps: 20 },
    { tUs: 10_000, valueMps: 20.1 },
    { tUs: 20_000, valueMps: 20.3 },
  ]);
  t.deepEqual(parseSpeedCsv('0.0,1\n0.5,2e0\n'), [
    { tUs: 0, valueMps: 1 },
    { tUs: 500_000, valueMps: 2 },
  ]);
  t.deepEqual(parseSpeedCsv('left,time_us,right\n1,100,2\n3,200,4\n', { valueColumn: 'right' }), [
    { tUs: 100, valueMps: 2 },
    { tUs: 200, valueMps: 4 },
  ]);
});

test('CSV parser: hostile input is rejected with the line number', (t) => {
  const bad: [string, RegExp][] = [
    ['0,1\n0,2\n', /line 2: .*does not increase/],
    ['0,1\n1,NaN\n', /line 2: value "NaN"/],
    ['0,1\n1,0x10\n', /line 2: value "0x10"/],
    ['0,1\n2\n', /line 2: expected at least 2 columns/],
    ['speed,value\n0,1\n', /line 1: header has no time column/],
    ['# only a comment\n', /no data rows/],
    ['0,1e400\n', /not finite/],
  ];
  for (const [text, re] of bad) {
    const e = t.throws(() => parseSpeedCsv(text), { instanceOf: CsvParseError });
    t.regex(e!.message, re, text);
  }
  t.throws(() => parseSpeedCsv('0,1\n1,2\n2,3\n', { maxRows: 2 }), { message: /more than 2 rows/ });
  t.throws(() => parseSpeedCsv('0,1\n', { maxChars: 2 }), { message: /limit/ });
});

test('recorded source: hold and linear sampling, time offset, end of file, faults on top', (t) => {
  const samples = parseSpeedCsv('time_s,v\n1,10\n2,20\n3,30\n');
  const hold = new RecordedSpeedSource({ id: 'r', samples });
  t.is(hold.sample(0, 99), undefined);
  t.is(hold.sample(1_000_000, 99), 10);
  t.is(hold.sample(1_500_000, 99), 10);
  t.is(hold.sample(3_000_000, 99), 30);
  t.is(hold.sample(4_000_000, 99), undefined);
  const lin = new RecordedSpeedSource({ id: 'r', samples, interpolation: 'linear', afterEnd: 'hold', timeOffsetUs: 1_000_000 });
  t.is(lin.sample(2_500_000, 0), 15);
  t.is(lin.sample(9_000_000, 0), 30);
  const lying = new RecordedSpeedSource({ id: 'r', samples, faults: [{ kind: 'offset', fromUs: 0, offsetMps: 3 }] });
  t.is(lying.sample(2_000_000, 0), 23);
});
