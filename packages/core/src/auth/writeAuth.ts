/**
 * Write authenticators (PBFT-style MAC vectors): the origin replica encodes a Write once,
 * hashes it, and attaches macs[i] = HMAC(pairwise(origin, i), SHA-256(write)) for every
 * replica i, plus an Ed25519 signature over the same digest when the cluster signs. Any
 * replica can then check that the origin issued the write even when it arrives relayed by
 * another replica, inside a batch or inside a sync report.
 *
 * A MAC entry convinces only its owner; the signature convinces everyone (transferable
 * evidence). The origin's own entry uses its self key, so it can check its own writes when
 * they come back in reports.
 */
import type { AuthenticatedWrite, Write } from '@bftkvs/msgs';
import { decodeWrite, encodeWrite } from '@bftkvs/msgs';
import type { CryptoSuite, KeyedMac } from './crypto.js';
import type { NodeKeys } from './keys.js';

export type WriteRejection = 'malformed' | 'bad-authenticator' | 'bad-signature' | 'unauthorised-origin';

export type VerifiedWrite =
  | { readonly ok: true; readonly write: Write; readonly digest: Uint8Array }
  | {
      readonly ok: false;
      readonly reason: WriteRejection;
      /** The origin named by the write, once it decoded. */
      readonly origin: number | undefined;
      /**
       * True when this replica's MAC entry verified: the origin provably issued these write
       * bytes, so a wrong writer binding is the origin's fault wherever the write came from.
       */
      readonly originAuthenticated: boolean;
      readonly detail: string;
    };

export interface WriteAuthOptions {
  readonly keys: NodeKeys;
  readonly crypto: CryptoSuite;
  /** Sign writes, and require valid signatures on received ones. */
  readonly signatures: boolean;
  /** Writer id -> index of the replica hosting it (ClusterConfig.writers). */
  readonly writers: ReadonlyMap<string, number>;
}

export class WriteAuthenticator {
  readonly self: number;
  private readonly replicas: number;
  /** macs[j]: HMAC keyed with pairwise(self, j), keyed once. */
  private readonly macs: KeyedMac[] = [];

  constructor(private readonly opts: WriteAuthOptions) {
    this.self = opts.keys.self;
    this.replicas = opts.keys.replicas;
    for (let j = 0; j < this.replicas; j++) {
      const key = opts.keys.macKeys.get(j);
      if (key === undefined) throw new RangeError(`replica ${this.self} has no MAC key for replica ${j}`);
      this.macs.push(opts.crypto.hmacSha256(key));
    }
  }

  /** Authenticates a write this replica originates (write.origin must be this replica). */
  authenticateWrite(write: Write): AuthenticatedWrite {
    if (write.origin !== this.self) throw new RangeError(`replica ${this.self} cannot authenticate a write of origin ${write.origin}`);
    const bytes = encodeWrite(write);
    const digest = this.opts.crypto.sha256(bytes);
    const macs = this.macs.map((m) => m.mac(digest));
    const signature = this.opts.signatures ? this.opts.crypto.ed25519Sign(digest, this.opts.keys.signingKey) : new Uint8Array(0);
    return { write: bytes, macs, signature };
  }

  /**
   * Checks an authenticated write as this replica: it decodes, its origin is a replica, this
   * replica's MAC entry verifies, the signature verifies when the cluster signs, and the
   * origin hosts the writer. Returns the decoded write, or why not. Never throws.
   */
  verifyWriteFor(aw: AuthenticatedWrite): VerifiedWrite {
    const decoded = decodeWrite(aw.write);
    if (!decoded.ok) return reject('malformed', undefined, false, decoded.error.message);
    const write = decoded.value;
    const origin = write.origin;
    if (origin >= this.replicas) return reject('malformed', undefined, false, `origin ${origin} is not a replica of this cluster`);
    if (aw.macs.length !== this.replicas) return reject('bad-authenticator', origin, false, `${aw.macs.length} MACs for ${this.replicas} replicas`);
    const digest = this.opts.crypto.sha256(aw.write);
    const mine = aw.macs[this.self] as Uint8Array;
    if (!(this.macs[origin] as KeyedMac).verify(digest, mine)) return reject('bad-authenticator', origin, false, `MAC entry ${this.self} does not verify`);
    if (this.opts.signatures) {
      const publicKey = this.opts.keys.publicKeys[origin];
      if (publicKey === undefined || !this.opts.crypto.ed25519Verify(aw.signature, digest, publicKey)) {
        return reject('bad-signature', origin, true, 'signature missing or invalid');
      }
    }
    const host = this.opts.writers.get(write.writer);
    if (host !== origin) {
      return reject('unauthorised-origin', origin, true, host === undefined ? `unknown writer '${write.writer}'` : `writer '${write.writer}' is hosted on replica ${host}, not ${origin}`);
    }
    return { ok: true, write, digest };
  }
}

function reject(reason: WriteRejection, origin: number | undefined, originAuthenticated: boolean, detail: string): VerifiedWrite {
  return { ok: false, reason, origin, originAuthenticated, detail };
}

/** A copy that does not alias a received datagram's buffer (kept writes outlive it). */
export function copyAuthenticatedWrite(aw: AuthenticatedWrite): AuthenticatedWrite {
  return { write: aw.write.slice(), macs: aw.macs.map((m) => m.slice()), signature: aw.signature.slice() };
}
