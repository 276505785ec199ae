import test from 'ava';
import type { AuthenticatedWrite, Write } from '@bftkvs/msgs';
import { encodeWrite } from '@bftkvs/msgs';
import { nobleCrypto } from '../auth/crypto.js';
import type { AgreedStateParams } from './agreedState.js';
import { AgreedState } from './agreedState.js';
import { agreedConfig } from './_agreedKit.test.js';

// speed: period 10 ms, writers wheel_a/b/c on replicas 0/1/2, retention 20. closeBefore 6.1 ms.
const config = agreedConfig();
const CB = config.timing.closeBeforeUs;
const params: AgreedStateParams = { keys: config.keys, writers: config.writers, closeBeforeUs: CB, sha256: nobleCrypto.sha256 };
const T = 1_000_020_000;
const ORIGIN = { wheel_a: 0, wheel_b: 1, wheel_c: 2 } as const;

/** Authenticators are not part of execution: a committed write carries whatever the batch had. */
function aw(writer: keyof typeof ORIGIN, f64: number, t = T, over: Partial<Write> = {}): AuthenticatedWrite {
  const w: Write = { key: 'speed', publishTimeUs: t, writer, value: { kind: 'f64', f64 }, origin: ORIGIN[writer], issuedAtUs: 1, ...over };
  return { write: encodeWrite(w), macs: [], signature: new Uint8Array(0) };
}

test('a write joins its slot iff tau_eff <= t - closeBefore; the slot is decided once tau_eff passes that', (t) => {
  const s = new AgreedState(params);
  const fx1 = s.applyBatch(1, T - CB, [aw('wheel_a', 10)]);
  t.deepEqual(fx1.joined.map((w) => w.writer), ['wheel_a']);
  t.deepEqual(fx1.decided, []);
  t.false(s.record('speed', T)?.decided ?? true);
  const fx2 = s.applyBatch(2, T - CB + 1, [aw('wheel_b', 11)]);
  t.deepEqual(fx2.late.map((w) => w.writer), ['wheel_b'], 'tau_eff is past the close time: late, dropped');
  t.deepEqual(fx2.decided.map((r) => [r.key, r.publishTimeUs, r.contributions.map((c) => c.writer)]), [['speed', T, ['wheel_a']]]);
  t.true(s.isClosed(T));
});

test('tau_eff is monotone whatever the batches carry; a lower tau neither reopens nor closes', (t) => {
  const s = new AgreedState(params);
  s.applyBatch(1, T - CB - 5, []);
  s.applyBatch(2, 3, [aw('wheel_a', 10)]);
  t.is(s.tauEffUs, T - CB - 5);
  t.deepEqual(s.record('speed', T)?.contributions.map((c) => c.writer), ['wheel_a']);
  t.throws(() => s.applyBatch(2, 0, []), { message: /not above/ });
});

test('first committed value wins; a second different value is an equivocation, the same one a duplicate', (t) => {
  const s = new AgreedState(params);
  const fx = s.applyBatch(1, 100, [aw('wheel_c', 1), aw('wheel_c', 1), aw('wheel_c', 2)]);
  t.is(fx.joined.length, 1);
  t.is(fx.duplicates, 1);
  t.deepEqual(fx.equivocations, [{ key: 'speed', publishTimeUs: T, writer: 'wheel_c', origin: 2 }]);
  t.deepEqual(s.record('speed', T)?.contributions.map((c) => c.value), [1]);
});

test('only deterministic checks at execution: wrong origin, unknown key, off grid, bad value are refused by everyone', (t) => {
  const s = new AgreedState(params);
  const bad: AuthenticatedWrite[] = [
    aw('wheel_a', 1, T, { origin: 1 }),
    aw('wheel_a', 1, T, { key: 'nope' }),
    aw('wheel_a', 1, T + 1),
    aw('wheel_a', 1, T, { value: { kind: 'i64', i64: 1 } }),
    { write: new Uint8Array([1, 2, 3]), macs: [], signature: new Uint8Array(0) },
  ];
  const fx = s.applyBatch(1, 100, bad);
  t.deepEqual(fx.invalid, ['unauthorised-origin', 'unknown-key', 'off-grid', 'bad-value', 'undecodable']);
  t.is(s.size, 0);
});

test('two replicas executing the same batches have the same digest; any difference changes it', (t) => {
  const run = (vc: number): AgreedState => {
    const s = new AgreedState(params);
    s.applyBatch(1, T - 50_000, [aw('wheel_a', 10), aw('wheel_b', 11, T + 10_000)]);
    s.applyBatch(2, T - CB + 1, [aw('wheel_c', vc, T + 10_000)]);
    return s;
  };
  const a = run(12);
  const b = run(12);
  t.deepEqual(a.digest(), b.digest());
  t.notDeepEqual(a.digest(), run(13).digest());
  const snap = a.snapshot();
  t.deepEqual(snap.digest, a.digest());
  t.is(snap.seq, 2);
});

test('state-transfer slots rebuild the exact state (same digest); inconsistent slots are refused', (t) => {
  const s = new AgreedState(params);
  s.applyBatch(1, T - 50_000, [aw('wheel_a', 10), aw('wheel_b', 11), aw('wheel_c', 12, T + 10_000)]);
  s.applyBatch(2, T - CB + 1, []);
  const snap = s.snapshot();
  const slots = AgreedState.toWire(config.keys, snap);
  t.deepEqual(
    slots.map((x) => [x.publishTimeUs, x.agreed, x.contributions.length]),
    [
      [T, true, 2],
      [T + 10_000, false, 1],
    ],
    'decided slots travel with agreed = true, undecided contents with agreed = false',
  );
  const rebuilt = AgreedState.fromWire(params, snap.seq, snap.tauEffUs, slots);
  t.true(rebuilt.ok);
  if (rebuilt.ok) t.deepEqual(rebuilt.state.digest(), snap.digest);
  const lie = AgreedState.fromWire(params, snap.seq, snap.tauEffUs, [{ ...slots[0]!, agreed: false }]);
  t.false(lie.ok, 'a decided flag that contradicts tau is refused');
  t.false(AgreedState.fromWire(params, snap.seq, snap.tauEffUs, [slots[0]!, slots[0]!]).ok, 'a slot twice is refused');
  t.false(AgreedState.fromWire(params, snap.seq, snap.tauEffUs, [{ ...slots[0]!, key: 'nope' }]).ok);
  // Changing a value keeps the structure valid but not the digest.
  const forged = AgreedState.fromWire(params, snap.seq, snap.tauEffUs, [{ ...slots[0]!, contributions: [{ writer: 'wheel_a', value: { kind: 'f64', f64: 99 } }] }, slots[1]!]);
  t.true(forged.ok);
  if (forged.ok) t.notDeepEqual(forged.state.digest(), snap.digest);
});

test('decided slots are kept for retention × period of tau (deterministic), then dropped', (t) => {
  const s = new AgreedState(params);
  s.applyBatch(1, T - 50_000, [aw('wheel_a', 10)]);
  s.applyBatch(2, T, []);
  t.is(s.size, 1);
  const window = s.windowUs('speed');
  t.is(window, 20 * 10_000);
  s.applyBatch(3, T + window - 1, []);
  t.is(s.size, 1);
  s.applyBatch(4, T + window, []);
  t.is(s.size, 0);
});
