import test from 'ava';
import { AddressError, checkPort, checkUnicastHost } from './address.js';

const none = new Set<string>();

test('loopback and unicast literals pass; localhost is normalised', (t) => {
  t.deepEqual(checkUnicastHost('127.0.0.1', 'send', 'x', none), { host: '127.0.0.1', family: 4 });
  t.deepEqual(checkUnicastHost('localhost', 'send', 'x', none), { host: '127.0.0.1', family: 4 });
  t.deepEqual(checkUnicastHost('::1', 'send', 'x', none), { host: '::1', family: 6 });
  t.deepEqual(checkUnicastHost('192.0.2.10', 'send', 'x', none), { host: '192.0.2.10', family: 4 });
});

test('multicast, broadcast and unspecified destinations are refused with the reason', (t) => {
  const refused: [string, RegExp][] = [
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['ff02::1', /multicast/],
    ['::ffff:239.1.2.3', /multicast/],
    ['0.0.0.0', /not a destination/],
    ['::', /not a destination/],
    ['example.com', /not an IP address literal/],
    ['', /non-empty/],
  ];
  for (const [host, why] of refused) {
    const e = t.throws(() => checkUnicastHost(host, 'send', 'replica 1 endpoint', none), { instanceOf: AddressError }, host);
    t.regex(e?.message ?? '', why, host);
    t.regex(e?.message ?? '', /^replica 1 endpoint: /, host);
  }
});

test('the wildcard address may be bound, multicast may not', (t) => {
  t.is(checkUnicastHost('0.0.0.0', 'bind', 'x', none).host, '0.0.0.0');
  t.throws(() => checkUnicastHost('224.0.0.251', 'bind', 'x', none), { message: /multicast/ });
});

test('directed broadcast addresses of local interfaces are refused', (t) => {
  t.throws(() => checkUnicastHost('192.168.7.255', 'send', 'x', new Set(['192.168.7.255'])), { message: /broadcast address of a local network interface/ });
});

test('ports: 0 only for bind, range checked', (t) => {
  t.is(checkPort(0, 'bind', 'x'), 0);
  t.throws(() => checkPort(0, 'send', 'x'), { instanceOf: AddressError });
  t.throws(() => checkPort(65_536, 'bind', 'x'), { instanceOf: AddressError });
  t.throws(() => checkPort(1.5, 'bind', 'x'), { instanceOf: AddressError });
});
