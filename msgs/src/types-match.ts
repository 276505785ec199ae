// Compile-time proof that the hand-written validated types (types.ts) match the generated
// protobufjs interfaces: the same field names (a renamed or added .proto field breaks the
// build until types.ts and validate.ts follow) and assignable to them (so encoders accept
// validated objects). Nothing here exists at runtime.
import type { bftkvs } from './wire.js';
import type * as T from './types.js';

type AllKeys<U> = U extends unknown ? keyof U : never;
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
/** Mine has exactly Gen's fields (Gen minus protobufjs' `$unknowns`) and is assignable to Gen. */
type Matches<Mine, Gen> = Same<AllKeys<Mine>, Exclude<keyof Gen, '$unknowns'>> extends true
  ? [Mine] extends [Gen]
    ? true
    : false
  : false;
type Assert<_ extends true> = never;

type W = typeof bftkvs.wire;
type P<N extends keyof W> = W[N] extends abstract new (p: infer Props) => unknown ? NonNullable<Props> : never;

export type TypesMatchGenerated = [
  Assert<Matches<T.Frame, P<'Frame'>>>,
  Assert<Matches<T.Body, P<'Body'>>>,
  Assert<Matches<T.Value, P<'Value'>>>,
  Assert<Matches<T.F64Vector, P<'F64Vector'>>>,
  Assert<Matches<T.Struct, P<'Struct'>>>,
  Assert<Matches<T.StructField, P<'StructField'>>>,
  Assert<Matches<T.Write, P<'Write'>>>,
  Assert<Matches<T.AuthenticatedWrite, P<'AuthenticatedWrite'>>>,
  Assert<Matches<T.WriteBroadcast, P<'WriteBroadcast'>>>,
  Assert<Matches<T.Contribution, P<'Contribution'>>>,
  Assert<Matches<T.PublishedSlot, P<'PublishedSlot'>>>,
  Assert<Matches<T.ClientWriteRequest, P<'ClientWriteRequest'>>>,
  Assert<Matches<T.ClientWriteReply, P<'ClientWriteReply'>>>,
  Assert<Matches<T.ClientReadRequest, P<'ClientReadRequest'>>>,
  Assert<Matches<T.ClientReadReply, P<'ClientReadReply'>>>,
  Assert<Matches<T.ClientSubscribe, P<'ClientSubscribe'>>>,
  Assert<Matches<T.SlotNotice, P<'SlotNotice'>>>,
  Assert<Matches<T.StatusRequest, P<'StatusRequest'>>>,
  Assert<Matches<T.Suspicion, P<'Suspicion'>>>,
  Assert<Matches<T.Counter, P<'Counter'>>>,
  Assert<Matches<T.ReplicaHealth, P<'ReplicaHealth'>>>,
  Assert<Matches<T.StatusReply, P<'StatusReply'>>>,
  Assert<Matches<T.Batch, P<'Batch'>>>,
  Assert<Matches<T.PrePrepare, P<'PrePrepare'>>>,
  Assert<Matches<T.Prepare, P<'Prepare'>>>,
  Assert<Matches<T.Commit, P<'Commit'>>>,
  Assert<Matches<T.Checkpoint, P<'Checkpoint'>>>,
  Assert<Matches<T.PreparedProof, P<'PreparedProof'>>>,
  Assert<Matches<T.ViewChange, P<'ViewChange'>>>,
  Assert<Matches<T.NewView, P<'NewView'>>>,
  Assert<Matches<T.ReportedSlot, P<'ReportedSlot'>>>,
  Assert<Matches<T.SyncReport, P<'SyncReport'>>>,
  Assert<Matches<T.Equivocation, P<'Equivocation'>>>,
  Assert<Matches<T.SyncProposal, P<'SyncProposal'>>>,
  Assert<Matches<T.StateRequest, P<'StateRequest'>>>,
  Assert<Matches<T.StateReply, P<'StateReply'>>>,
];
