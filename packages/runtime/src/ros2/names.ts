/**
 * The ROS names of a bftkvs cluster. With the namespace `/kvs` (the launch files' default)
 * and replica i running as node `replica_<i>`:
 *
 *   /kvs/replica_<i>/frames        bftkvs_msgs/msg/ProtocolFrame  frames addressed to replica i
 *   /kvs/write                     bftkvs_msgs/msg/WriteRequest   write topic (taken by the replica hosting the writer)
 *   /kvs/agreed/<key>              bftkvs_msgs/msg/Slot           every replica's published slots of <key>
 *   /kvs/replica_<i>/agreed/<key>  bftkvs_msgs/msg/Slot           replica i's own (what a co-located consumer trusts)
 *   /kvs/replica_<i>/write         bftkvs_msgs/srv/Write          write service
 *   /kvs/replica_<i>/read          bftkvs_msgs/srv/Read           read service
 *   /kvs/replica_<i>/status        bftkvs_msgs/srv/Status         health
 *   /diagnostics                   diagnostic_msgs/msg/DiagnosticArray
 *
 * Frame topics are derived from replica indices (not node names), so every replica computes
 * its peers' topics from the cluster size alone; the services and per-replica topics are
 * node-private names (`~/read`), so they follow a node renamed at launch.
 *
 * Keys may contain characters ROS names do not allow (`.`, `-`, a leading digit, `__`); such
 * a key's topic token is sanitised and suffixed with a hash of the key, and the Slot message
 * always carries the exact key. Two keys that would share a topic are refused at start-up.
 */
export const DEFAULT_ROS_NAMESPACE = '/kvs';
export const DIAGNOSTICS_TOPIC = '/diagnostics';

export const FRAME_MSG = 'bftkvs_msgs/msg/ProtocolFrame';
export const WRITE_REQUEST_MSG = 'bftkvs_msgs/msg/WriteRequest';
export const SLOT_MSG = 'bftkvs_msgs/msg/Slot';
export const WRITE_SRV = 'bftkvs_msgs/srv/Write';
export const READ_SRV = 'bftkvs_msgs/srv/Read';
export const STATUS_SRV = 'bftkvs_msgs/srv/Status';
export const DIAGNOSTIC_ARRAY_MSG = 'diagnostic_msgs/msg/DiagnosticArray';

export function replicaNodeName(index: number): string {
  return `replica_${index}`;
}

/** `/` for the root namespace, otherwise `/a/b` without a trailing slash. */
export function normaliseNamespace(ns: string | undefined): string {
  if (ns === undefined || ns === '' || ns === '/') return '/';
  const withSlash = ns.startsWith('/') ? ns : `/${ns}`;
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

function under(ns: string, rest: string): string {
  const n = normaliseNamespace(ns);
  return n === '/' ? `/${rest}` : `${n}/${rest}`;
}

/** The topic replica `index` receives its frames on. */
export function framesTopic(namespace: string, index: number): string {
  return under(namespace, `${replicaNodeName(index)}/frames`);
}

export function writeTopic(namespace: string): string {
  return under(namespace, 'write');
}

export function sharedAgreedTopic(namespace: string, key: string): string {
  return under(namespace, `agreed/${keyTopicToken(key)}`);
}

/** Node-private: `~/agreed/<key>`. */
export function localAgreedTopic(key: string): string {
  return `~/agreed/${keyTopicToken(key)}`;
}

export const WRITE_SERVICE = '~/write';
export const READ_SERVICE = '~/read';
export const STATUS_SERVICE = '~/status';

// --- ROS name rules ----------------------------------------------------------------------------

/** One token of a ROS name: alphanumerics and `_`, not starting with a digit, no `__`, no trailing `_` handling needed. */
const TOKEN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validToken(t: string): boolean {
  return TOKEN.test(t) && !t.includes('__');
}

/**
 * Why `name` is not a valid ROS topic name (absolute `/a/b`, relative `a/b` or private `~/a`),
 * or undefined when it is. Substitutions (`{node}`) are not accepted.
 */
export function topicNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name === '') return 'a topic name must not be empty';
  if (name.length > 255) return 'a topic name has at most 255 characters';
  let rest = name;
  if (rest.startsWith('~/')) rest = rest.slice(2);
  else if (rest.startsWith('/')) rest = rest.slice(1);
  if (rest === '') return `'${name}' names no topic`;
  if (rest.endsWith('/')) return `'${name}' must not end with '/'`;
  for (const t of rest.split('/')) {
    if (t === '') return `'${name}' contains '//'`;
    if (!validToken(t)) return `'${name}': '${t}' is not a valid name token (letters, digits and _, not starting with a digit, no '__')`;
  }
  return undefined;
}

/** The topic-name token(s) of a key (see the file comment). */
export function keyTopicToken(key: string): string {
  const parts = key.split('/');
  if (parts.every((p) => validToken(p))) return key;
  const sanitised = parts
    .filter((p) => p !== '')
    .map((p) => {
      let s = p.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_');
      if (/^[0-9]/.test(s)) s = `k${s}`;
      return s === '' || s === '_' ? 'k' : s;
    })
    .join('/')
    .replace(/_+$/g, '');
  return `${sanitised === '' ? 'k' : sanitised}_${fnv1a32(key)}`.replace(/__+/g, '_');
}

/** Keys whose topic tokens collide, as "a, b" pairs (empty when none do). */
export function keyTopicCollisions(keys: Iterable<string>): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const k of keys) {
    const t = keyTopicToken(k);
    const other = seen.get(t);
    if (other !== undefined) out.push(`keys '${other}' and '${k}' would both publish on agreed/${t}`);
    else seen.set(t, k);
  }
  return out;
}

function fnv1a32(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
