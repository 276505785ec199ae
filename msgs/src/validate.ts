// Message validators: decoded protobufjs message (or plain object) in, validated plain object
// out (types.ts), or a thrown Reject. One function per message, in .proto order; each reads
// every field of its message exactly once, so a field added to the .proto without a rule here
// breaks the compile-time match in types-match.ts rather than slipping through unchecked.
import type { ErrorCode } from './error-code.js';
import * as F from './fields.js';
import type { Raw } from './fields.js';
import * as L from './limits.js';
import type * as T from './types.js';
import { wire } from './wire.js';

const { at, reject } = F;

// --- Envelope -------------------------------------------------------------------------------

/** Frame fields other than the version (checked first, by codec.ts). */
export function frame(m: Raw): T.Frame {
  return {
    version: F.u32(m['version'], 'version'),
    clusterId: F.u32(m['clusterId'], 'clusterId'),
    from: F.endpointIndex(m['from'], 'from'),
    to: F.endpointIndex(m['to'], 'to'),
    incarnation: F.u64(m['incarnation'], 'incarnation'),
    seq: F.u64(m['seq'], 'seq'),
    body: nonEmpty(F.bytes(m['body'], 'body'), 'body'),
    mac: F.bytesExact(m['mac'], 'mac', L.MAC_BYTES),
  };
}

const BODY_KINDS = [
  'writeRequest',
  'writeReply',
  'readRequest',
  'readReply',
  'subscribe',
  'slotNotice',
  'statusRequest',
  'statusReply',
  'write',
  'prePrepare',
  'prepare',
  'commit',
  'checkpoint',
  'viewChange',
  'newView',
  'syncReport',
  'stateRequest',
  'stateReply',
] as const satisfies readonly T.BodyKind[];

type Validators<Members> = { [K in keyof Members]: (m: Raw, path: string) => Members[K] };

const BODY: Validators<T.BodyMembers> = {
  writeRequest: clientWriteRequest,
  writeReply: clientWriteReply,
  readRequest: clientReadRequest,
  readReply: clientReadReply,
  subscribe: clientSubscribe,
  slotNotice: slotNotice,
  statusRequest: statusRequest,
  statusReply: statusReply,
  write: writeBroadcast,
  prePrepare: prePrepare,
  prepare: prepare,
  commit: commit,
  checkpoint: checkpoint,
  viewChange: viewChange,
  newView: newView,
  syncReport: syncReport,
  stateRequest: stateRequest,
  stateReply: stateReply,
};

export function body(m: Raw): T.Body {
  const kind = F.oneof(m, '', BODY_KINDS);
  return member(kind, BODY[kind](F.message(m[kind], kind), kind)) as T.Body;
}

/** `{kind, [kind]: value}`: the shape of every validated oneof. */
function member<K extends string, V>(kind: K, value: V): { kind: K } & { [P in K]: V } {
  return { kind, [kind]: value } as { kind: K } & { [P in K]: V };
}

// --- Values ---------------------------------------------------------------------------------

const VALUE_KINDS = ['f64', 'i64', 'b', 's', 'vec', 'fields'] as const satisfies readonly T.ValueKind[];
const FIELD_KINDS = ['f64', 'i64', 'b', 's'] as const;

export function value(m: Raw, p: string): T.Value {
  const kind = F.oneof(m, p, VALUE_KINDS);
  const vp = at(p, kind);
  const v = m[kind];
  switch (kind) {
    case 'f64':
      return member(kind, F.finite(v, vp));
    case 'i64':
      return member(kind, F.i64(v, vp));
    case 'b':
      return member(kind, F.bool(v, vp));
    case 's':
      // 256 UTF-16 units are at most 768 UTF-8 bytes: always within the text budget.
      return member(kind, F.boundedStr(v, vp, L.MAX_STRING_VALUE_CHARS));
    case 'vec': {
      const vec = F.message(v, vp);
      const ip = at(vp, 'items');
      return member(kind, { items: F.list(vec['items'], ip, L.MAX_VECTOR_ITEMS, F.finite) });
    }
    case 'fields': {
      const fp = at(vp, 'fields');
      const fields = F.list(F.message(v, vp)['fields'], fp, L.MAX_STRUCT_FIELDS, structField);
      F.strictlyAscending(fields, (f) => f.name, fp, 'struct field names');
      let text = 0;
      for (const f of fields) text += F.utf8Length(f.name) + (f.kind === 's' ? F.utf8Length(f.s) : 0);
      textBudget(text, vp);
      return member(kind, { fields });
    }
  }
}

function textBudget(bytes: number, path: string): void {
  if (bytes > L.MAX_VALUE_TEXT_BYTES) reject('LIMIT', path, `text longer than ${L.MAX_VALUE_TEXT_BYTES} UTF-8 bytes`);
}

function structField(x: unknown, p: string): T.StructField {
  const m = F.message(x, p);
  const name = F.id(m['name'], at(p, 'name'), L.MAX_NAME_CHARS);
  const kind = F.oneof(m, p, FIELD_KINDS);
  const vp = at(p, kind);
  const v = m[kind];
  switch (kind) {
    case 'f64':
      return { name, ...member(kind, F.finite(v, vp)) };
    case 'i64':
      return { name, ...member(kind, F.i64(v, vp)) };
    case 'b':
      return { name, ...member(kind, F.bool(v, vp)) };
    case 's':
      return { name, ...member(kind, F.boundedStr(v, vp, L.MAX_STRING_VALUE_CHARS)) };
  }
}

// --- Writes and slots -----------------------------------------------------------------------

const key = (v: unknown, p: string): string => F.id(v, p, L.MAX_KEY_CHARS);
const writerId = (v: unknown, p: string): string => F.id(v, p, L.MAX_WRITER_CHARS);
const requiredValue = (v: unknown, p: string): T.Value => value(F.message(v, p), p);

function nonEmpty(b: Uint8Array, p: string): Uint8Array {
  if (b.length === 0) reject('BAD_FIELD', p, 'is required');
  return b;
}

export function write(m: Raw): T.Write {
  return {
    key: key(m['key'], 'key'),
    publishTimeUs: F.u64Set(m['publishTimeUs'], 'publishTimeUs'),
    writer: writerId(m['writer'], 'writer'),
    value: requiredValue(m['value'], 'value'),
    origin: F.replicaIndex(m['origin'], 'origin'),
    issuedAtUs: F.u64(m['issuedAtUs'], 'issuedAtUs'),
  };
}

function authenticatedWrite(x: unknown, p: string): T.AuthenticatedWrite {
  const m = F.message(x, p);
  const w = nonEmpty(F.bytesUpTo(m['write'], at(p, 'write'), L.MAX_WRITE_BYTES), at(p, 'write'));
  const mp = at(p, 'macs');
  const macs = F.list(m['macs'], mp, L.MAX_MACS, (b, bp) => F.bytesExact(b, bp, L.MAC_BYTES));
  const signature = F.bytesEmptyOr(m['signature'], at(p, 'signature'), L.SIGNATURE_BYTES);
  if (macs.length === 0 && signature.length === 0) reject('BAD_FIELD', p, 'carries neither MACs nor a signature');
  return { write: w, macs, signature };
}

function writeBroadcast(m: Raw, p: string): T.WriteBroadcast {
  const hop = F.u32(m['hop'], at(p, 'hop'));
  if (hop > L.MAX_HOPS) reject('LIMIT', at(p, 'hop'), `more than ${L.MAX_HOPS} hops`);
  return { write: authenticatedWrite(m['write'], at(p, 'write')), hop };
}

function contribution(x: unknown, p: string): T.Contribution {
  const m = F.message(x, p);
  return { writer: writerId(m['writer'], at(p, 'writer')), value: requiredValue(m['value'], at(p, 'value')) };
}

function publishedSlot(x: unknown, p: string): T.PublishedSlot {
  const m = F.message(x, p);
  const cp = at(p, 'contributions');
  const contributions = F.list(m['contributions'], cp, L.MAX_SLOT_WRITERS, contribution);
  F.strictlyAscending(contributions, (c) => c.writer, cp, 'contributions');
  return {
    key: key(m['key'], at(p, 'key')),
    publishTimeUs: F.u64Set(m['publishTimeUs'], at(p, 'publishTimeUs')),
    value: requiredValue(m['value'], at(p, 'value')),
    contributions,
    agreed: F.bool(m['agreed'], at(p, 'agreed')),
    repairs: F.u32(m['repairs'], at(p, 'repairs')),
  };
}

// --- Client protocol ------------------------------------------------------------------------

const ERROR_CODES: ReadonlySet<unknown> = new Set(Object.values(wire.ErrorCode));

function errorCode(v: unknown, p: string): ErrorCode {
  if (v === undefined || v === null) return wire.ErrorCode.OK;
  if (!ERROR_CODES.has(v)) reject('BAD_FIELD', p, 'is not a known ErrorCode');
  return v as ErrorCode;
}

const replyText = (v: unknown, p: string): string => F.text(v, p, L.MAX_MESSAGE_CHARS);

function clientWriteRequest(m: Raw, p: string): T.ClientWriteRequest {
  return {
    requestId: F.u64(m['requestId'], at(p, 'requestId')),
    key: key(m['key'], at(p, 'key')),
    writer: writerId(m['writer'], at(p, 'writer')),
    publishTimeUs: F.u64(m['publishTimeUs'], at(p, 'publishTimeUs')),
    value: requiredValue(m['value'], at(p, 'value')),
  };
}

function clientWriteReply(m: Raw, p: string): T.ClientWriteReply {
  return {
    requestId: F.u64(m['requestId'], at(p, 'requestId')),
    code: errorCode(m['code'], at(p, 'code')),
    message: replyText(m['message'], at(p, 'message')),
    publishTimeUs: F.u64(m['publishTimeUs'], at(p, 'publishTimeUs')),
  };
}

function clientReadRequest(m: Raw, p: string): T.ClientReadRequest {
  return {
    requestId: F.u64(m['requestId'], at(p, 'requestId')),
    key: key(m['key'], at(p, 'key')),
    earliestUs: F.u64(m['earliestUs'], at(p, 'earliestUs')),
  };
}

function clientReadReply(m: Raw, p: string): T.ClientReadReply {
  const code = errorCode(m['code'], at(p, 'code'));
  const sm = F.optionalMessage(m['slot'], at(p, 'slot'));
  // A reply either answers with a slot or explains why not; never both, never neither.
  if ((code === wire.ErrorCode.OK) !== (sm !== null)) {
    reject('BAD_FIELD', at(p, 'slot'), 'must be present exactly when code is OK');
  }
  return {
    requestId: F.u64(m['requestId'], at(p, 'requestId')),
    code,
    message: replyText(m['message'], at(p, 'message')),
    slot: sm === null ? null : publishedSlot(sm, at(p, 'slot')),
    nowUs: F.u64(m['nowUs'], at(p, 'nowUs')),
  };
}

function clientSubscribe(m: Raw, p: string): T.ClientSubscribe {
  return {
    requestId: F.u64(m['requestId'], at(p, 'requestId')),
    keys: F.list(m['keys'], at(p, 'keys'), L.MAX_SUBSCRIBE_KEYS, key),
    unsubscribe: F.bool(m['unsubscribe'], at(p, 'unsubscribe')),
    agreedOnly: F.bool(m['agreedOnly'], at(p, 'agreedOnly')),
  };
}

function slotNotice(m: Raw, p: string): T.SlotNotice {
  return { slot: publishedSlot(m['slot'], at(p, 'slot')) };
}

function statusRequest(m: Raw, p: string): T.StatusRequest {
  return { requestId: F.u64(m['requestId'], at(p, 'requestId')) };
}

function suspicion(x: unknown, p: string): T.Suspicion {
  const m = F.message(x, p);
  return {
    node: F.endpointIndex(m['node'], at(p, 'node')),
    reason: F.id(m['reason'], at(p, 'reason'), L.MAX_NAME_CHARS),
    count: F.u64(m['count'], at(p, 'count')),
    lastUs: F.u64(m['lastUs'], at(p, 'lastUs')),
  };
}

function counter(x: unknown, p: string): T.Counter {
  const m = F.message(x, p);
  return { name: F.id(m['name'], at(p, 'name'), L.MAX_NAME_CHARS), value: F.u64(m['value'], at(p, 'value')) };
}

function mode(v: unknown, p: string): T.Mode {
  const s = F.str(v, p);
  const found = L.MODES.find((x) => x === s);
  if (found === undefined) return reject('BAD_FIELD', p, `must be one of ${L.MODES.join(', ')}`);
  return found;
}

function replicaHealth(x: unknown, p: string): T.ReplicaHealth {
  const m = F.message(x, p);
  return {
    replica: F.replicaIndex(m['replica'], at(p, 'replica')),
    mode: mode(m['mode'], at(p, 'mode')),
    view: F.u64(m['view'], at(p, 'view')),
    primary: F.replicaIndex(m['primary'], at(p, 'primary')),
    suspects: F.list(m['suspects'], at(p, 'suspects'), L.MAX_SUSPECTS, suspicion),
    slotsPublished: F.u64(m['slotsPublished'], at(p, 'slotsPublished')),
    slotsAgreed: F.u64(m['slotsAgreed'], at(p, 'slotsAgreed')),
    slotsRepaired: F.u64(m['slotsRepaired'], at(p, 'slotsRepaired')),
    deadlineMisses: F.u64(m['deadlineMisses'], at(p, 'deadlineMisses')),
    nowUs: F.u64(m['nowUs'], at(p, 'nowUs')),
    counters: F.list(m['counters'], at(p, 'counters'), L.MAX_COUNTERS, counter),
    stableSeq: F.u64(m['stableSeq'], at(p, 'stableSeq')),
    ready: F.bool(m['ready'], at(p, 'ready')),
  };
}

function statusReply(m: Raw, p: string): T.StatusReply {
  return {
    requestId: F.u64(m['requestId'], at(p, 'requestId')),
    health: replicaHealth(m['health'], at(p, 'health')),
  };
}

// --- BFT ordering ---------------------------------------------------------------------------

export function batch(m: Raw): T.Batch {
  const writes = F.list(m['writes'], 'writes', L.MAX_BATCH_WRITES, authenticatedWrite);
  const sm = F.optionalMessage(m['sync'], 'sync');
  // Agreed mode orders writes, fast mode orders sync proposals; one batch never mixes them.
  if (sm !== null && writes.length > 0) reject('BAD_FIELD', 'sync', 'cannot accompany writes');
  return { tauUs: F.u64(m['tauUs'], 'tauUs'), writes, sync: sm === null ? null : syncProposal(sm, 'sync') };
}

const digest = (v: unknown, p: string): Uint8Array => F.bytesExact(v, p, L.DIGEST_BYTES);
const signature = (v: unknown, p: string): Uint8Array => F.bytesEmptyOr(v, p, L.SIGNATURE_BYTES);
// A nested encoded Batch: bounded by the body; its content is checked by decodeBatch.
const batchBytes = (v: unknown, p: string): Uint8Array => F.bytesUpTo(v, p, L.MAX_BODY_BYTES);

function prePrepare(m: Raw, p: string): T.PrePrepare {
  return {
    view: F.u64(m['view'], at(p, 'view')),
    seq: F.u64(m['seq'], at(p, 'seq')),
    batch: batchBytes(m['batch'], at(p, 'batch')),
  };
}

function prepare(m: Raw, p: string): T.Prepare {
  return {
    view: F.u64(m['view'], at(p, 'view')),
    seq: F.u64(m['seq'], at(p, 'seq')),
    digest: digest(m['digest'], at(p, 'digest')),
    replica: F.replicaIndex(m['replica'], at(p, 'replica')),
    signature: signature(m['signature'], at(p, 'signature')),
  };
}

function commit(m: Raw, p: string): T.Commit {
  return {
    view: F.u64(m['view'], at(p, 'view')),
    seq: F.u64(m['seq'], at(p, 'seq')),
    digest: digest(m['digest'], at(p, 'digest')),
  };
}

function checkpoint(m: Raw, p: string): T.Checkpoint {
  return {
    seq: F.u64(m['seq'], at(p, 'seq')),
    stateDigest: digest(m['stateDigest'], at(p, 'stateDigest')),
    replica: F.replicaIndex(m['replica'], at(p, 'replica')),
    signature: signature(m['signature'], at(p, 'signature')),
  };
}

function preparedProof(x: unknown, p: string): T.PreparedProof {
  const m = F.message(x, p);
  return {
    view: F.u64(m['view'], at(p, 'view')),
    seq: F.u64(m['seq'], at(p, 'seq')),
    batch: batchBytes(m['batch'], at(p, 'batch')),
    prepares: F.list(m['prepares'], at(p, 'prepares'), L.MAX_REPLICAS, (y, yp) => prepare(F.message(y, yp), yp)),
  };
}

function viewChange(m: Raw, p: string): T.ViewChange {
  return {
    newView: F.u64(m['newView'], at(p, 'newView')),
    stableSeq: F.u64(m['stableSeq'], at(p, 'stableSeq')),
    stableProof: F.list(m['stableProof'], at(p, 'stableProof'), L.MAX_REPLICAS, (y, yp) =>
      checkpoint(F.message(y, yp), yp),
    ),
    prepared: F.list(m['prepared'], at(p, 'prepared'), L.MAX_LOG_WINDOW, preparedProof),
    maxTauUs: F.u64(m['maxTauUs'], at(p, 'maxTauUs')),
    replica: F.replicaIndex(m['replica'], at(p, 'replica')),
    signature: signature(m['signature'], at(p, 'signature')),
  };
}

function newView(m: Raw, p: string): T.NewView {
  return {
    view: F.u64(m['view'], at(p, 'view')),
    viewChanges: F.list(m['viewChanges'], at(p, 'viewChanges'), L.MAX_REPLICAS, (y, yp) =>
      viewChange(F.message(y, yp), yp),
    ),
    prePrepares: F.list(m['prePrepares'], at(p, 'prePrepares'), L.MAX_LOG_WINDOW, (y, yp) =>
      prePrepare(F.message(y, yp), yp),
    ),
    replica: F.replicaIndex(m['replica'], at(p, 'replica')),
    signature: signature(m['signature'], at(p, 'signature')),
  };
}

// --- Fast-mode synchronisation --------------------------------------------------------------

function reportedSlot(x: unknown, p: string): T.ReportedSlot {
  const m = F.message(x, p);
  return {
    key: key(m['key'], at(p, 'key')),
    publishTimeUs: F.u64Set(m['publishTimeUs'], at(p, 'publishTimeUs')),
    writes: F.list(m['writes'], at(p, 'writes'), L.MAX_SLOT_WRITERS, authenticatedWrite),
  };
}

/** [fromUs, toUs) must be a (possibly empty) interval. */
function interval(m: Raw, p: string): { fromUs: number; toUs: number } {
  const fromUs = F.u64(m['fromUs'], at(p, 'fromUs'));
  const toUs = F.u64(m['toUs'], at(p, 'toUs'));
  if (fromUs > toUs) reject('BAD_FIELD', at(p, 'toUs'), 'must not be before fromUs');
  return { fromUs, toUs };
}

function syncReport(m: Raw, p: string): T.SyncReport {
  const { fromUs, toUs } = interval(m, p);
  return {
    round: F.u64(m['round'], at(p, 'round')),
    fromUs,
    toUs,
    slots: F.list(m['slots'], at(p, 'slots'), L.MAX_REPORT_SLOTS, reportedSlot),
    replica: F.replicaIndex(m['replica'], at(p, 'replica')),
    signature: signature(m['signature'], at(p, 'signature')),
  };
}

function syncProposal(m: Raw, p: string): T.SyncProposal {
  const { fromUs, toUs } = interval(m, p);
  return {
    round: F.u64(m['round'], at(p, 'round')),
    fromUs,
    toUs,
    reports: F.list(m['reports'], at(p, 'reports'), L.MAX_REPLICAS, (y, yp) => syncReport(F.message(y, yp), yp)),
  };
}

// --- State transfer -------------------------------------------------------------------------

function stateRequest(m: Raw, p: string): T.StateRequest {
  return { requestId: F.u64(m['requestId'], at(p, 'requestId')), sinceUs: F.u64(m['sinceUs'], at(p, 'sinceUs')) };
}

function stateReply(m: Raw, p: string): T.StateReply {
  const chunks = F.u32(m['chunks'], at(p, 'chunks'));
  const chunk = F.u32(m['chunk'], at(p, 'chunk'));
  if (chunks < 1) reject('BAD_FIELD', at(p, 'chunks'), 'must be at least 1');
  if (chunks > L.MAX_STATE_CHUNKS) reject('LIMIT', at(p, 'chunks'), `more than ${L.MAX_STATE_CHUNKS} chunks`);
  if (chunk >= chunks) reject('BAD_FIELD', at(p, 'chunk'), 'must be below chunks');
  return {
    requestId: F.u64(m['requestId'], at(p, 'requestId')),
    view: F.u64(m['view'], at(p, 'view')),
    stableSeq: F.u64(m['stableSeq'], at(p, 'stableSeq')),
    maxTauUs: F.u64(m['maxTauUs'], at(p, 'maxTauUs')),
    slots: F.list(m['slots'], at(p, 'slots'), L.MAX_STATE_SLOTS, publishedSlot),
    chunk,
    chunks,
    stateDigest: digest(m['stateDigest'], at(p, 'stateDigest')),
  };
}
