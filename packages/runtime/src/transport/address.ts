/**
 * Which addresses the UDP transport may bind to and send to: unicast IP literals only.
 *
 * The protocol is point-to-point (pairwise MACs), so multicast and broadcast are never
 * needed, and sending to them from a test or a misconfigured launch file would spray
 * frames onto a shared network. Host names are refused rather than resolved: resolution
 * would make the peer set depend on DNS at start-up, which is neither timed nor trusted.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export class AddressError extends Error {
  override readonly name = 'AddressError';
}

export type AddressFamily = 4 | 6;

export interface CheckedHost {
  readonly host: string;
  readonly family: AddressFamily;
}

/** 'bind' allows the unspecified address (0.0.0.0 / ::, "every interface"); 'send' does not. */
export type AddressUse = 'bind' | 'send';

/**
 * Validates `host` for `use` and returns it normalised ('localhost' -> 127.0.0.1), or throws
 * AddressError naming `what` (e.g. "replica 2 endpoint") and the rule.
 */
export function checkUnicastHost(host: string, use: AddressUse, what: string, broadcasts: ReadonlySet<string> = localBroadcastAddresses()): CheckedHost {
  if (typeof host !== 'string' || host === '') throw new AddressError(`${what}: host must be a non-empty IP address`);
  const h = host === 'localhost' ? '127.0.0.1' : host;
  const family = isIP(h);
  if (family === 0) {
    throw new AddressError(`${what}: '${host}' is not an IP address literal (host names are not resolved; use e.g. 127.0.0.1)`);
  }
  const v4 = family === 4 ? h : ipv4MappedPart(h);
  if (v4 !== undefined) {
    const first = Number(v4.split('.')[0]);
    if (first >= 224 && first <= 239) throw new AddressError(`${what}: ${host} is a multicast address; bftkvs sends unicast only`);
    if (v4 === '255.255.255.255') throw new AddressError(`${what}: ${host} is the broadcast address; bftkvs sends unicast only`);
    if (broadcasts.has(v4)) throw new AddressError(`${what}: ${host} is the broadcast address of a local network interface; bftkvs sends unicast only`);
    if (v4 === '0.0.0.0' && use === 'send') throw new AddressError(`${what}: 0.0.0.0 is not a destination (it means "any interface")`);
  } else {
    if (/^ff/i.test(h)) throw new AddressError(`${what}: ${host} is an IPv6 multicast address; bftkvs sends unicast only`);
    if (use === 'send' && isUnspecifiedV6(h)) throw new AddressError(`${what}: ${host} is not a destination (it means "any interface")`);
  }
  return { host: h, family: family as AddressFamily };
}

export function checkPort(port: number, use: AddressUse, what: string): number {
  const min = use === 'bind' ? 0 : 1;
  if (!Number.isInteger(port) || port < min || port > 65_535) {
    throw new AddressError(`${what}: port must be an integer in ${min}..65535, got ${String(port)}`);
  }
  return port;
}

/** The embedded IPv4 address of an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
function ipv4MappedPart(h: string): string | undefined {
  const m = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(h);
  return m?.[1];
}

function isUnspecifiedV6(h: string): boolean {
  return /^[0:]+$/.test(h);
}

/**
 * Directed broadcast addresses of this host's IPv4 interfaces (e.g. 192.168.1.255 for a
 * /24). A netmask is needed to recognise them, so only local networks are covered; remote
 * subnets' broadcast addresses cannot be told from unicast ones here.
 */
export function localBroadcastAddresses(): ReadonlySet<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) {
      if (ni.family !== 'IPv4') continue;
      const addr = toUint32(ni.address);
      const mask = toUint32(ni.netmask);
      if (addr === undefined || mask === undefined) continue;
      const hostBits = ~mask >>> 0;
      // /31 and /32 networks have no broadcast address (RFC 3021).
      if (hostBits <= 1) continue;
      out.add(fromUint32((addr & mask) | hostBits));
    }
  }
  return out;
}

function toUint32(v4: string): number | undefined {
  const parts = v4.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return (((parts[0] as number) << 24) | ((parts[1] as number) << 16) | ((parts[2] as number) << 8) | (parts[3] as number)) >>> 0;
}

function fromUint32(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
