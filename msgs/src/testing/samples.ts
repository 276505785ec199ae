// Valid sample messages for tests: one Body per kind, with every field set to a non-default
// value where the rules allow, so a round trip exercises every field's encoding.
import { ErrorCode } from '../error-code.js';
import { encodeBatch, encodeBody, encodeWrite } from '../codec.js';
import { clientIndexOf, MAC_BYTES, WIRE_VERSION } from '../limits.js';
import type * as T from '../types.js';

export const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

export const sampleValues: T.Value[] = [
  { kind: 'f64', f64: 12.5 },
  { kind: 'f64', f64: 0 },
  { kind: 'i64', i64: -9_007_199_254_740_991 },
  { kind: 'b', b: true },
  { kind: 's', s: 'gear-3 ü' },
  { kind: 'vec', vec: { items: [1, -2.5, 3e300] } },
  {
    kind: 'fields',
    fields: {
      fields: [
        { name: 'a', kind: 'b', b: false },
        { name: 'b', kind: 's', s: 'x' },
        { name: 'c', kind: 'i64', i64: 7 },
        { name: 'd', kind: 'f64', f64: -1.25 },
      ],
    },
  },
];

export const sampleWrite: T.Write = {
  key: 'vehicle/speed',
  publishTimeUs: 1_700_000_000_000_000,
  writer: 'sensor.a',
  value: { kind: 'f64', f64: 13.9 },
  origin: 2,
  issuedAtUs: 1_699_999_999_990_000,
};

export const sampleAuthWrite: T.AuthenticatedWrite = {
  write: encodeWrite(sampleWrite),
  macs: [bytes(32, 1), bytes(32, 2), bytes(32, 3), bytes(32, 4)],
  signature: bytes(64, 9),
};

export const sampleSlot: T.PublishedSlot = {
  key: 'vehicle/speed',
  publishTimeUs: 1_700_000_000_000_000,
  value: { kind: 'f64', f64: 13.9 },
  contributions: [
    { writer: 'sensor.a', value: { kind: 'f64', f64: 13.9 } },
    { writer: 'sensor.b', value: { kind: 'f64', f64: 14.1 } },
  ],
  agreed: true,
  repairs: 1,
};

const prepare: T.Prepare = { view: 3, seq: 41, digest: bytes(32, 7), replica: 1, signature: bytes(64, 5) };
const checkpoint: T.Checkpoint = { seq: 40, stateDigest: bytes(32, 8), replica: 2, signature: bytes(64, 6) };

export const sampleSyncReport: T.SyncReport = {
  round: 9,
  fromUs: 1_000_000,
  toUs: 2_000_000,
  slots: [{ key: 'vehicle/speed', publishTimeUs: 1_500_000, writes: [sampleAuthWrite] }],
  replica: 3,
  signature: bytes(64, 4),
};

export const sampleBatches: T.Batch[] = [
  { tauUs: 1_699_999_999_000_000, writes: [sampleAuthWrite, sampleAuthWrite], sync: null },
  { tauUs: 5, writes: [], sync: { round: 9, fromUs: 1_000_000, toUs: 2_000_000, reports: [sampleSyncReport] } },
  { tauUs: 6, writes: [], sync: null },
];

const viewChange: T.ViewChange = {
  newView: 4,
  stableSeq: 40,
  stableProof: [checkpoint, { ...checkpoint, replica: 3 }],
  prepared: [{ view: 3, seq: 41, batch: encodeBatch(sampleBatches[0] as T.Batch), prepares: [prepare] }],
  maxTauUs: 1_699_999_999_000_000,
  replica: 1,
  signature: bytes(64, 3),
};

/** One valid Body of every kind, keyed by kind (the Record type makes a missing kind a compile error). */
export const sampleBodies: { [K in T.BodyKind]: Extract<T.Body, { kind: K }> } = {
  writeRequest: {
    kind: 'writeRequest',
    writeRequest: { requestId: 1, key: 'vehicle/speed', writer: 'sensor.a', publishTimeUs: 0, value: sampleValues[6] as T.Value },
  },
  writeReply: {
    kind: 'writeReply',
    writeReply: { requestId: 1, code: ErrorCode.TOO_LATE, message: 'publish time too close:\tlead 5 ms', publishTimeUs: 77 },
  },
  readRequest: { kind: 'readRequest', readRequest: { requestId: 2, key: 'throttle', earliestUs: 123 } },
  readReply: {
    kind: 'readReply',
    readReply: { requestId: 2, code: ErrorCode.OK, message: '', slot: sampleSlot, nowUs: 1_700_000_000_000_100 },
  },
  subscribe: {
    kind: 'subscribe',
    subscribe: { requestId: 3, keys: ['throttle', 'vehicle/speed'], unsubscribe: true, agreedOnly: true },
  },
  slotNotice: { kind: 'slotNotice', slotNotice: { slot: { ...sampleSlot, value: sampleValues[5] as T.Value } } },
  statusRequest: { kind: 'statusRequest', statusRequest: { requestId: 4 } },
  statusReply: {
    kind: 'statusReply',
    statusReply: {
      requestId: 4,
      health: {
        replica: 1,
        mode: 'agreed',
        view: 3,
        primary: 3,
        suspects: [{ node: clientIndexOf(2), reason: 'bad-mac', count: 5, lastUs: 99 }],
        slotsPublished: 10,
        slotsAgreed: 9,
        slotsRepaired: 1,
        deadlineMisses: 2,
        nowUs: 1_700_000_000_000_000,
        counters: [{ name: 'rx.frames', value: 1234 }],
        stableSeq: 40,
        ready: true,
      },
    },
  },
  write: { kind: 'write', write: { write: sampleAuthWrite, hop: 1 } },
  prePrepare: { kind: 'prePrepare', prePrepare: { view: 3, seq: 41, batch: encodeBatch(sampleBatches[0] as T.Batch) } },
  prepare: { kind: 'prepare', prepare },
  commit: { kind: 'commit', commit: { view: 3, seq: 41, digest: bytes(32, 7) } },
  checkpoint: { kind: 'checkpoint', checkpoint },
  viewChange: { kind: 'viewChange', viewChange },
  newView: {
    kind: 'newView',
    newView: {
      view: 4,
      viewChanges: [viewChange, { ...viewChange, replica: 2 }],
      prePrepares: [{ view: 4, seq: 41, batch: encodeBatch(sampleBatches[2] as T.Batch) }],
      replica: 0,
      signature: bytes(64, 2),
    },
  },
  syncReport: { kind: 'syncReport', syncReport: sampleSyncReport },
  stateRequest: { kind: 'stateRequest', stateRequest: { requestId: 5, sinceUs: 1_000 } },
  stateReply: {
    kind: 'stateReply',
    stateReply: {
      requestId: 5,
      view: 4,
      stableSeq: 40,
      maxTauUs: 1_699_999_999_000_000,
      slots: [sampleSlot],
      chunk: 1,
      chunks: 3,
      stateDigest: bytes(32, 1),
    },
  },
};

export const allSampleBodies: T.Body[] = Object.values(sampleBodies);

export function sampleFrame(body: T.Body = sampleBodies.commit): T.Frame {
  return {
    version: WIRE_VERSION,
    clusterId: 0xdeadbeef,
    from: 2,
    to: clientIndexOf(2),
    incarnation: 1_700_000_000_000_000,
    seq: 17,
    body: encodeBody(body),
    mac: bytes(MAC_BYTES, 0xaa),
  };
}
