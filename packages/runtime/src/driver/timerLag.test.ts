import test from 'ava';
import { TimerLag } from './timerLag.js';

test('percentiles from the histogram are within a bucket (19 %) of the exact ones, never above the max', (t) => {
  const lag = new TimerLag();
  const samples: number[] = [];
  for (let i = 1; i <= 10_000; i++) samples.push((i * 7919) % 5_000);
  samples.push(250_000);
  for (const s of samples) lag.record(s);
  const sorted = [...samples].sort((a, b) => a - b);
  const exact = (q: number): number => sorted[Math.ceil(q * sorted.length) - 1] as number;
  const s = lag.snapshot();
  for (const [q, got] of [
    [0.5, s.p50Us],
    [0.99, s.p99Us],
    [0.999, s.p999Us],
  ] as const) {
    t.true(got >= exact(q) && got <= exact(q) * 1.2 + 1, `q${q}: ${got} vs ${exact(q)}`);
  }
  t.is(s.maxUs, 250_000);
  t.is(s.samples, 10_001);
  t.is(new TimerLag().snapshot().p99Us, 0);
  lag.record(-5);
  t.true(lag.snapshot().p50Us >= 0);
});
