import test from 'ava';
import { runCoreTour } from './demo.js';

test('the core tour masks the lying sensor and shows each refused write', (t) => {
  const lines: string[] = [];
  const s = runCoreTour({ durationMs: 1000, liarFromMs: 300, print: (l) => lines.push(l) });
  t.is(s.slotsPublished, 100);
  t.true(s.maxLiarErrorKmh > 50, `liar error ${s.maxLiarErrorKmh}`);
  t.true(s.maxFusedErrorKmh < 1, `fused error ${s.maxFusedErrorKmh}`);
  t.deepEqual(s.rejections, { TOO_LATE: 1, OFF_GRID: 1, TOO_FAR_AHEAD: 1, NOT_AUTHORISED: 1, BAD_VALUE: 1, NO_FRESH_VALUE: 1 });
  t.true(lines.some((l) => l.includes('TOO_LATE')));
});

test('bftkvs demo runs the vehicle testbed entry with the options passed through', async (t) => {
  const { existsSync } = await import('node:fs');
  const { VEHICLE_DEMO_ENTRY, vehicleDemoArgs } = await import('./demo.js');
  t.true(existsSync(VEHICLE_DEMO_ENTRY), VEHICLE_DEMO_ENTRY);
  t.deepEqual(vehicleDemoArgs({}), []);
  t.deepEqual(vehicleDemoArgs({ scenario: 'sensor-lying', duration: 20, out: '/tmp/x', seed: 3, verbose: true }), ['--scenario', 'sensor-lying', '--duration', '20', '--out', '/tmp/x', '--seed', '3', '--verbose']);
});
