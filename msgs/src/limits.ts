// Every bound the decoder enforces, in one place, so that senders can check what receivers
// will accept. Changing a value here is a wire change: all nodes of a cluster must agree on
// it, because correct replicas must accept or reject the same bytes.

/** Frames of any other version are rejected with BAD_VERSION before they are parsed further. */
export const WIRE_VERSION = 1;

/**
 * One encoded Frame must fit a single UDP datagram without IP fragmentation trouble on
 * loopback and typical LANs (65507 is the UDP maximum; this leaves headroom).
 */
export const MAX_FRAME_BYTES = 60_000;

/**
 * The largest envelope around a body: version (2) + cluster_id, from, to (6 each) +
 * incarnation, seq (9 each: 53-bit values need 8 varint bytes) + body tag and length (4) +
 * mac tag, length and 32 bytes (34). A body of at most MAX_BODY_BYTES always fits a frame.
 */
export const MAX_FRAME_OVERHEAD_BYTES = 76;
export const MAX_BODY_BYTES = MAX_FRAME_BYTES - MAX_FRAME_OVERHEAD_BYTES;

/** HMAC-SHA256 output. */
export const MAC_BYTES = 32;
/** SHA-256 output (batch digests, state digests). */
export const DIGEST_BYTES = 32;
/** Ed25519 signature; signature fields are either empty (unsigned cluster) or this long. */
export const SIGNATURE_BYTES = 64;

/**
 * Replicas are indexed 0..MAX_REPLICAS-1. Bounds every per-replica list (MACs, prepares,
 * checkpoints, reports, view changes).
 */
export const MAX_REPLICAS = 64;
/** One MAC per replica in an AuthenticatedWrite. */
export const MAX_MACS = MAX_REPLICAS;

/**
 * Client endpoints (an application talking to its local replica) use frame indices
 * `replica + CLIENT_INDEX_BASE`, so one index space names every endpoint and a frame's
 * `from`/`to` says whether a replica or an application is speaking. The base is far above
 * MAX_REPLICAS so the two ranges can never overlap.
 */
export const CLIENT_INDEX_BASE = 1000;

/** Keys and writer ids: 1..128 characters of ID_PATTERN. */
export const MAX_KEY_CHARS = 128;
export const MAX_WRITER_CHARS = 128;
/** Struct field names, counter names, suspicion reasons: 1..64 characters of ID_PATTERN. */
export const MAX_NAME_CHARS = 64;
/**
 * Keys, writer ids and names are ASCII identifiers (ROS-topic-like paths allowed) so they can
 * be logged, used in file names and compared byte-wise without Unicode normalisation issues.
 */
export const ID_PATTERN = /^[A-Za-z0-9_./-]+$/;
/** Human-readable error messages in replies (control characters other than \t and \n rejected). */
export const MAX_MESSAGE_CHARS = 512;

/** String values (Value.s and StructField.s), in UTF-16 code units. */
export const MAX_STRING_VALUE_CHARS = 256;
/** Float vectors (Value.vec). */
export const MAX_VECTOR_ITEMS = 64;
/** Struct values: at most this many fields, sorted by name, names unique. */
export const MAX_STRUCT_FIELDS = 32;
/**
 * Total UTF-8 bytes of all strings in one Value (string value, struct field names and struct
 * string fields). With the item bounds above this caps an encoded Value below
 * MAX_VALUE_BYTES, so every valid Value fits a valid Write.
 */
export const MAX_VALUE_TEXT_BYTES = 1024;
/** Upper bound on an encoded valid Value (a consequence of the bounds above; tested). */
export const MAX_VALUE_BYTES = 2048;
/** An encoded Write (AuthenticatedWrite.write); every valid Write fits (tested). */
export const MAX_WRITE_BYTES = 4096;

/** Writers contributing to one slot (PublishedSlot.contributions, ReportedSlot.writes). */
export const MAX_SLOT_WRITERS = 64;
/** Writes ordered in one batch; the frame size bounds a batch too (the primary cuts by bytes). */
export const MAX_BATCH_WRITES = 256;
/** Slots in one SyncReport. */
export const MAX_REPORT_SLOTS = 256;
/** Published slots in one StateReply chunk. */
export const MAX_STATE_SLOTS = 256;
/** Chunks of one state transfer. */
export const MAX_STATE_CHUNKS = 4096;
/** Keys in one ClientSubscribe. */
export const MAX_SUBSCRIBE_KEYS = 256;
/** Suspicions and counters in one ReplicaHealth. */
export const MAX_SUSPECTS = 128;
export const MAX_COUNTERS = 128;
/** Prepared proofs in a ViewChange and re-proposals in a NewView (the PBFT log window). */
export const MAX_LOG_WINDOW = 256;
/** Relay hops of a WriteBroadcast (crash mode floods for f+1 < MAX_REPLICAS rounds). */
export const MAX_HOPS = MAX_REPLICAS;

/** Protocol modes a replica reports in ReplicaHealth.mode (DESIGN §3). */
export const MODES = ['fast', 'agreed', 'crash'] as const;

/** A replica index: 0..MAX_REPLICAS-1. */
export function isReplicaIndex(i: number): boolean {
  return Number.isInteger(i) && i >= 0 && i < MAX_REPLICAS;
}

/** A client endpoint index: replica + CLIENT_INDEX_BASE. */
export function isClientIndex(i: number): boolean {
  return Number.isInteger(i) && i >= CLIENT_INDEX_BASE && i < CLIENT_INDEX_BASE + MAX_REPLICAS;
}

/** Any frame endpoint: a replica or a client endpoint. */
export function isEndpointIndex(i: number): boolean {
  return isReplicaIndex(i) || isClientIndex(i);
}

/** The client endpoint index of the applications hosted with `replica`. */
export function clientIndexOf(replica: number): number {
  return replica + CLIENT_INDEX_BASE;
}

/** The replica hosting client endpoint `index`. */
export function replicaOfClient(index: number): number {
  return index - CLIENT_INDEX_BASE;
}
